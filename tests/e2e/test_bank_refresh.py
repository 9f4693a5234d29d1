"""`cartera refresh` with bank statements that leave a gap: the per-account balance check
is a warning, so the warehouse is still published, and the refresh says so.

The inbox is tests/fixtures/cash_application_inbox (account ES69, Q1 2026: opening
5,000.00, movements +8,905.00, closing 13,905.00) plus a May statement of the same
account (opening 20,000.00, one line +100.00, closing 20,100.00): April is missing.
First opening + every movement - last closing = 5,000.00 + 9,005.00 - 20,100.00, so the
balance difference is 20,100.00 - 5,000.00 - 9,005.00 = 6,095.00.
"""

from decimal import Decimal
from pathlib import Path

import duckdb

from tests.e2e.conftest import fill_inbox

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "cash_application_inbox"

MAY = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>ES69-2026-05</MsgId><CreDtTm>2026-05-31T23:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>ES69-2026-05</Id>
      <ElctrncSeqNb>3</ElctrncSeqNb>
      <FrToDt><FrDtTm>2026-05-01T00:00:00</FrDtTm><ToDtTm>2026-05-31T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><IBAN>ES6900810200100001234567</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">20000.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">20100.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-31</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-05-12</Dt></BookgDt><ValDt><Dt>2026-05-12</Dt></ValDt>
        <AcctSvcrRef>ES69-2026-M01</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>INGRESO EFECTIVO</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def test_a_gap_in_the_statements_warns_and_still_publishes(tmp_path, refresh):
    fill_inbox(tmp_path, FIXTURE)
    (tmp_path / "inbox" / "extracto_es69_2026-05.xml").write_text(MAY, encoding="utf-8")

    result = refresh(tmp_path, "--as-of", "2026-05-31")

    # Published with a warning: exit code 2, so a scheduler can alert.
    assert result.returncode == 2, result.stdout[-4000:] + result.stderr[-4000:]
    assert "warning check warn_bank_account_balances_tie_to_lines" in result.stdout
    assert "the statements of 1 bank account(s) leave a gap" in result.stdout
    with duckdb.connect(str(tmp_path / "cartera.duckdb"), read_only=True) as conn:
        account = conn.execute(
            "select statement_count, opening_balance_amount, lines_amount, closing_balance_amount,"
            " balance_difference_amount from marts.bank_account_reconciliation"
        ).fetchall()
    assert account == [(2, Decimal("5000.00"), Decimal("9005.00"), Decimal("20100.00"), Decimal("6095.00"))]
