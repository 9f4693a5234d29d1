"""int_bank_receipt_matches is kept by month (DECISIONLOG: Bank matches by the month): a
build computes the matches of the lines booked in a month only when the inputs of that
month or of the months beside it changed; every other month's matches are the rows an
earlier build computed. After each day the whole selection must equal a build of the same
files from nothing, table for table.

Fixture tests/fixtures/cash_application_inbox (see test_cash_application.py) as day 1:
lines booked in February and March; R1 (L01) and R2 (L07) matched in February, R3 (L11)
and R6 (L12) in March. As of 31 May throughout.
- Day 2: ES69's May statement, one line of +640.00 booked 12 May from C1's account
  ("TRANSFERENCIA B56789019", a tax id no client has yet), and R7, C1's transfer of
  640.00 of 11 May: May's match is computed; February and March are a month and more
  away from May (window 5 days, months apart 1), so theirs are day 1's rows.
- Day 3: R2 re-exported dated 13 February (it was 12 February): L07 still carries it, a
  day apart now. February and March (beside February) are computed again; May is kept.
  C5, a new client with tax id B56789019: the May line's text now names it
  (int_bank_payer_evidence), though its payer stays C1, by C1's account. The clients'
  tax ids are read by every month's evidence: all three months' evidence is computed
  again.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.export_files import rows_of, write
from tests.dbt.warehouse import build_warehouse, positions, tables_of

INBOX = Path(__file__).parent.parent / "fixtures" / "cash_application_inbox"
SELECT = "+int_receipts"
AS_OF = {"as_of_date": "2026-05-31"}
MATCHES = "intermediate.int_bank_receipt_matches"

MAY_STATEMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>ES69-2026-05</MsgId><CreDtTm>2026-05-31T23:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>ES69-2026-05</Id>
      <ElctrncSeqNb>2</ElctrncSeqNb>
      <CreDtTm>2026-05-31T23:00:00</CreDtTm>
      <FrToDt><FrDtTm>2026-05-01T00:00:00</FrDtTm><ToDtTm>2026-05-31T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><IBAN>ES6900810200100001234567</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal>
        <Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">13905.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-01</Dt></Dt>
      </Bal>
      <Bal>
        <Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">14545.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-31</Dt></Dt>
      </Bal>
      <Ntry>
        <Amt Ccy="EUR">640.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-05-12</Dt></BookgDt>
        <ValDt><Dt>2026-05-12</Dt></ValDt>
        <AcctSvcrRef>ES69-2026-L13</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <RltdPties><Dbtr><Nm>Alfa Ebro S.L.</Nm></Dbtr><DbtrAcct><Id><IBAN>ES5721001111350000000001</IBAN></Id></DbtrAcct></RltdPties>
            <RmtInf><Ustrd>TRANSFERENCIA B56789019</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def write_days(folder: Path) -> list[Path]:
    header, receipts = rows_of(INBOX / "receipts.csv")
    day_2, day_3 = folder / "day_2", folder / "day_3"
    day_2.mkdir()
    (day_2 / "extracto_es69_2026-05.xml").write_text(MAY_STATEMENT)
    write(day_2 / "receipts_2026-05-31.csv", header, [
        {"receipt_id": "R7", "client_id": "C1", "date": "2026-05-11", "currency": "EUR", "amount": "640.00",
         "method": "transfer", "reference": "A cuenta"}])
    day_3.mkdir()
    redated = {**next(row for row in receipts if row["receipt_id"] == "R2"), "date": "2026-02-13"}
    write(day_3 / "receipts_2026-06-01.csv", header, [redated])
    client_header, clients = rows_of(INBOX / "clients.csv")
    new_client = {**clients[0], "client_id": "C5", "tax_id": "B56789019", "legal_name": "Epsilon Oeste S.L.",
                  "updated_at": "2026-06-01T00:00:00"}
    write(day_3 / "clients_2026-06-01.csv", client_header, [new_client])
    return [INBOX, day_2, day_3]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Each day built on the one before (the kept builds, a copy after each) and, for days 2
    and 3, the same files built from nothing."""
    folder = tmp_path_factory.mktemp("bank_matches_by_the_month")
    days = write_days(folder)
    home, kept, full = folder / "kept", [], [None]
    for number, day in enumerate(days, start=1):
        kept.append(Path(shutil.copy(build_warehouse(day, home, AS_OF, select=SELECT),
                                     folder / f"day_{number}.duckdb")))
        if number > 1:
            together = folder / f"days_to_{number}"
            for earlier in days[:number]:
                shutil.copytree(earlier, together, dirs_exist_ok=True)
            full.append(build_warehouse(together, folder / f"full_{number}", AS_OF, select=SELECT))
    return kept, full


def evidence(database: Path, month: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute("""
            select evidence.tax_id_client_id, payers.payer_client_id, payers.payer_source
            from intermediate.int_bank_payer_evidence as evidence
            inner join intermediate.int_bank_payers as payers using (bank_line_id)
            where strftime(evidence._booking_month, '%Y-%m') = ?""", [month]).fetchall()


def matches(database: Path) -> dict[str, tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(f"""
            select matches.receipt_id, lines.bank_reference, matches.days_apart, matches.match_evidence,
                matches._booking_month
            from {MATCHES} as matches
            inner join staging.stg_bank__statement_lines as lines using (bank_line_id)""").fetchall()
    return {receipt: (line, days, evidence, str(month)) for receipt, line, days, evidence, month in rows}


def recomputed(before: Path, after: Path, table: str = MATCHES, key: str = "receipt_id") -> set[str]:
    """The keys whose rows the later build computed."""
    old, new = positions(before, table, key), positions(after, table, key)
    return {row for row in new if new[row] != old.get(row)}


@pytest.mark.parametrize("day", [2, 3])
def test_each_day_equals_a_build_from_nothing(builds, day):
    kept, full = builds
    tables, differing = tables_of(kept[day - 1], full[day - 1])
    assert {("intermediate", "int_bank_receipt_matches"), ("intermediate", "int_receipts")} <= tables
    assert differing == []


def test_the_matches_by_their_lines_month(builds):
    kept, _ = builds
    assert matches(kept[0]) == {
        "R1": ("ES69-2026-L01", 0, "reference", "2026-02-01"),
        "R2": ("ES69-2026-L07", 0, "reference", "2026-02-01"),
        "R3": ("ES69-2026-L11", 0, "payer", "2026-03-01"),
        "R6": ("ES69-2026-L12", 0, "reference", "2026-03-01"),
    }
    assert matches(kept[1])["R7"] == ("ES69-2026-L13", 1, "payer", "2026-05-01")
    assert matches(kept[2])["R2"] == ("ES69-2026-L07", 1, "reference", "2026-02-01")


def test_a_new_month_leaves_the_months_away_from_it_kept(builds):
    kept, _ = builds
    assert recomputed(kept[0], kept[1]) == {"R7"}


def test_a_corrected_receipt_computes_its_month_and_the_months_beside_it(builds):
    kept, _ = builds
    assert recomputed(kept[1], kept[2]) == {"R1", "R2", "R3", "R6"}


def test_a_new_clients_tax_id_computes_every_months_payer_evidence(builds):
    kept, _ = builds
    assert evidence(kept[1], "2026-05") == [(None, "C1", "account")]
    assert evidence(kept[2], "2026-05") == [("C5", "C1", "account")]
    table = "intermediate.int_bank_payer_evidence"
    assert recomputed(kept[1], kept[2], table, "bank_line_id") == set(positions(kept[2], table, "bank_line_id"))
