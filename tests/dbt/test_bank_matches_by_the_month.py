"""int_bank_receipt_matches is kept by month (DECISIONLOG: Bank matches by the month): a
build computes the matches of the lines booked in a month only when the inputs of that
month or of the months beside it changed; every other month's matches are the rows an
earlier build computed. cash_application keeps its registered lines' rows by month the
same way (DECISIONLOG: Cash application by the month), and bank_reconciliation its
receipts' rows by the file (DECISIONLOG: Bank reconciliation by the file). After each day the whole
selection must equal a build of the same files from nothing, table for table.

Fixture tests/fixtures/cash_application_inbox (see test_cash_application.py) as day 1:
lines booked in February and March; R1 (L01) and R2 (L07) matched in February, R3 (L11)
and R6 (L12) in March. As of 31 May on days 1-3.
- Day 2: ES69's May statement, one line of +640.00 booked 12 May from C1's account
  ("TRANSFERENCIA B56789019", a tax id no client has yet), and R7, C1's transfer of
  640.00 of 11 May: May's match is computed; February and March are a month and more
  away from May (window 5 days, months apart 1), so theirs are day 1's rows. R6
  re-allocated (D13 450.00, D9 50.00; no line names D9, so no match moves): the
  application computes March (L12 pays D13 450.00, then D9 the 49.50 left of its
  499.50) and May, and keeps February.
- Day 3: R2 re-exported dated 13 February (it was 12 February): L07 still carries it, a
  day apart now. February and March (beside February) are computed again; May is kept.
  int_receipts computes R2 alone: the months matched again pair R1, R3 and R6 as before.
  The application keeps March and May (the same lines carry the same receipts) and
  computes February: D1 (L01's) is re-exported in dispute, and a document read again
  may have a new number or client.
  C5, a new client with tax id B56789019: the May line's text now names it
  (int_bank_payer_evidence), though its payer stays C1, by C1's account. The clients'
  tax ids are read by every month's evidence: all three months' evidence is computed
  again.
- bank_reconciliation computes, each day, the receipts staging read or the matching paired
  again, the unmatched transfers (R4: its status reads the statements' coverage) and the
  unregistered lines (receipt_id null); R5, a cheque, stays day 1's.
- int_receipts follows the receipts read again or paired otherwise (DECISIONLOG: Receipts
  by the file; Rates and matches that move), and int_ar_ledger the documents staging read and the receipts int_receipts
  computed (DECISIONLOG: Ledger by the file), int_document_reductions and
  int_receipt_balances those and the receipts whose allocations staging read
  (DECISIONLOG: Reductions by the file).
- Day 4: as of 15 March: March's registered lines (24 and 26 March) and May's are after
  it, and only February's rows stay. A June statement's line from C2's account (IBAN B)
  names D2, C1's: the account tells nobody now, and L07 (IBAN B, "F2026000107") is told
  C2 by its reference instead: February's application is computed again for its payer.
  A statement of 5 March alone brings L15, +150.00 from IBAN B, "CHEQUE": it carries R5,
  C2's cheque of 5 March (the same amount and day), which the reconciliation held
  unmatched since day 1 and now computes again as matched.
- Day 5, as of 15 March: R8, C2's transfer of 300.00 on 13 February allocated to D7, whose
  number L07 carries, and R2 re-allocated to D3: L07 carries R8 now, and R2 none.
"""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.export_files import rows_of, write
from tests.dbt.warehouse import build_warehouse, positions, tables_of

INBOX = Path(__file__).parent.parent / "fixtures" / "cash_application_inbox"
SELECT = "+int_receipts +cash_application +bank_reconciliation +int_ar_ledger +int_receipt_balances"
AS_OF = {"as_of_date": "2026-05-31"}
EARLIER_AS_OF = {"as_of_date": "2026-03-15"}
MATCHES = "intermediate.int_bank_receipt_matches"
APPLICATION = "marts.cash_application"
RECONCILIATION = "marts.bank_reconciliation"

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


JUNE_STATEMENT = (MAY_STATEMENT
    .replace("ES69-2026-05", "ES69-2026-06").replace("<ElctrncSeqNb>2", "<ElctrncSeqNb>3")
    .replace("2026-05-31T23:00:00", "2026-06-30T23:00:00").replace("2026-05-01T00:00:00", "2026-06-01T00:00:00")
    .replace("2026-05-31T23:59:59", "2026-06-30T23:59:59")
    .replace("<Amt Ccy=\"EUR\">14545.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-31", "<Amt Ccy=\"EUR\">14555.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-30")
    .replace("<Amt Ccy=\"EUR\">13905.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-05-01", "<Amt Ccy=\"EUR\">14545.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-01")
    .replace("<Amt Ccy=\"EUR\">640.00</Amt>", "<Amt Ccy=\"EUR\">10.00</Amt>")
    .replace("2026-05-12", "2026-06-02").replace("ES69-2026-L13", "ES69-2026-L14")
    .replace("Alfa Ebro S.L.", "Beta Norte S.L.").replace("ES5721001111350000000001", "ES3100492222510000000002")
    .replace("TRANSFERENCIA B56789019", "PAGO F-2026-000102"))


MARCH_5_STATEMENT = (JUNE_STATEMENT
    .replace("ES69-2026-06", "ES69-2026-03-05").replace("<ElctrncSeqNb>3", "<ElctrncSeqNb>4")
    .replace("2026-06-30T23:00:00", "2026-03-05T23:00:00").replace("2026-06-01T00:00:00", "2026-03-05T00:00:00")
    .replace("2026-06-30T23:59:59", "2026-03-05T23:59:59")
    .replace("<Amt Ccy=\"EUR\">14555.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-30", "<Amt Ccy=\"EUR\">7997.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-05")
    .replace("<Amt Ccy=\"EUR\">14545.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-01", "<Amt Ccy=\"EUR\">7847.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-05")
    .replace("<Amt Ccy=\"EUR\">10.00</Amt>", "<Amt Ccy=\"EUR\">150.00</Amt>")
    .replace("2026-06-02", "2026-03-05").replace("ES69-2026-L14", "ES69-2026-L15")
    .replace("PAGO F-2026-000102", "CHEQUE"))


def write_days(folder: Path) -> list[tuple[Path, dict]]:
    header, receipts = rows_of(INBOX / "receipts.csv")
    day_2, day_3, day_4 = folder / "day_2", folder / "day_3", folder / "day_4"
    day_2.mkdir()
    (day_2 / "extracto_es69_2026-05.xml").write_text(MAY_STATEMENT)
    write(day_2 / "receipts_2026-05-31.csv", header, [
        {"receipt_id": "R7", "client_id": "C1", "date": "2026-05-11", "currency": "EUR", "amount": "640.00",
         "method": "transfer", "reference": "A cuenta"}])
    allocation_header, _ = rows_of(INBOX / "allocations.csv")
    write(day_2 / "allocations_2026-05-31.csv", allocation_header, [
        {"receipt_id": "R6", "document_id": "D13", "installment_no": "", "amount": "450.00"},
        {"receipt_id": "R6", "document_id": "D9", "installment_no": "", "amount": "50.00"}])
    day_3.mkdir()
    redated = {**next(row for row in receipts if row["receipt_id"] == "R2"), "date": "2026-02-13"}
    write(day_3 / "receipts_2026-06-01.csv", header, [redated])
    client_header, clients = rows_of(INBOX / "clients.csv")
    new_client = {**clients[0], "client_id": "C5", "tax_id": "B56789019", "legal_name": "Epsilon Oeste S.L.",
                  "updated_at": "2026-06-01T00:00:00"}
    write(day_3 / "clients_2026-06-01.csv", client_header, [new_client])
    document_header, documents = rows_of(INBOX / "documents.csv")
    disputed = {**next(row for row in documents if row["document_id"] == "D1"), "in_dispute": "true",
                "dispute_reason": "Precio", "updated_at": "2026-06-01T00:00:00"}
    write(day_3 / "documents_2026-06-01.csv", document_header, [disputed])
    day_4.mkdir()
    (day_4 / "extracto_es69_2026-06.xml").write_text(JUNE_STATEMENT)
    (day_4 / "extracto_es69_2026-03-05.xml").write_text(MARCH_5_STATEMENT)
    day_5 = folder / "day_5"
    day_5.mkdir()
    write(day_5 / "receipts_2026-06-03.csv", header, [
        {"receipt_id": "R8", "client_id": "C2", "date": "2026-02-13", "currency": "EUR", "amount": "300.00",
         "method": "transfer", "reference": "F-2026-000107"}])
    write(day_5 / "allocations_2026-06-03.csv", allocation_header, [
        {"receipt_id": "R8", "document_id": "D7", "installment_no": "", "amount": "300.00"},
        {"receipt_id": "R2", "document_id": "D3", "installment_no": "", "amount": "300.00"}])
    return [(INBOX, AS_OF), (day_2, AS_OF), (day_3, AS_OF), (day_4, EARLIER_AS_OF), (day_5, EARLIER_AS_OF)]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Each day built on the one before (the kept builds, a copy after each) and, from day
    2, the same files built from nothing at the day's as-of date."""
    folder = tmp_path_factory.mktemp("bank_matches_by_the_month")
    days = write_days(folder)
    home, kept, full = folder / "kept", [], [None]
    for number, (day, as_of) in enumerate(days, start=1):
        kept.append(Path(shutil.copy(build_warehouse(day, home, as_of, select=SELECT),
                                     folder / f"day_{number}.duckdb")))
        if number > 1:
            together = folder / f"days_to_{number}"
            for earlier, _ in days[:number]:
                shutil.copytree(earlier, together, dirs_exist_ok=True)
            full.append(build_warehouse(together, folder / f"full_{number}", as_of, select=SELECT))
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


def registered_applications(database: Path) -> dict[str, list[tuple]]:
    """The cash application of each registered line (by its bank reference): the
    documents it pays and the amounts, and the build position of its rows."""
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(f"""
            select lines.bank_reference, application.document_id, application.applied_amount,
                application.unapplied_amount, application._read_through_file_id
            from {APPLICATION} as application
            inner join staging.stg_bank__statement_lines as lines using (bank_line_id)
            where application.is_registered
            order by all""").fetchall()
    applications = {}
    for line, *row in rows:
        applications.setdefault(line, []).append(tuple(row))
    return applications


def applications_recomputed(before: Path, after: Path) -> set[str]:
    """The registered lines whose application the later build computed (a later position)."""
    old, new = registered_applications(before), registered_applications(after)
    return {line for line in new if new[line] != old.get(line)}


@pytest.mark.parametrize("day", [2, 3, 4, 5])
def test_each_day_equals_a_build_from_nothing(builds, day):
    kept, full = builds
    tables, differing = tables_of(kept[day - 1], full[day - 1])
    assert {("intermediate", "int_bank_receipt_matches"), ("intermediate", "int_receipts"),
            ("marts", "cash_application"), ("marts", "bank_reconciliation"),
            ("intermediate", "int_document_reductions"), ("intermediate", "int_receipt_balances")} <= tables
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


def test_a_reallocated_receipt_computes_its_lines_month_of_the_application(builds):
    kept, _ = builds
    assert sorted(registered_applications(kept[0])) == ["ES69-2026-L01", "ES69-2026-L07", "ES69-2026-L11", "ES69-2026-L12"]
    assert applications_recomputed(kept[0], kept[1]) == {"ES69-2026-L11", "ES69-2026-L12", "ES69-2026-L13"}
    l12 = registered_applications(kept[1])["ES69-2026-L12"]
    assert [row[:3] for row in l12] == [("D13", Decimal("450.00"), None), ("D9", Decimal("49.50"), None)]
    # R7 is on account: its line's 640.00 is the unapplied rest.
    assert [row[:3] for row in registered_applications(kept[1])["ES69-2026-L13"]] == [(None, None, Decimal("640.00"))]


def test_a_redated_receipt_keeps_the_application_and_a_document_read_again_computes_its_month(builds):
    kept, _ = builds
    assert recomputed(kept[1], kept[2]) == {"R1", "R2", "R3", "R6"}
    assert applications_recomputed(kept[1], kept[2]) == {"ES69-2026-L01", "ES69-2026-L07"}


def payer_sources(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(f"""
            select lines.bank_reference, application.payer_client_id, application.payer_source
            from {APPLICATION} as application
            inner join staging.stg_bank__statement_lines as lines using (bank_line_id)
            where application.is_registered and lines.bank_reference in ('ES69-2026-L01', 'ES69-2026-L07')
            order by all""").fetchall()


def test_an_earlier_as_of_date_keeps_the_months_before_it_and_a_payer_told_otherwise_computes_its_month(builds):
    """And L15, on day 4's statement of 5 March, is a registered line of March (R5)."""
    kept, _ = builds
    assert sorted(registered_applications(kept[3])) == ["ES69-2026-L01", "ES69-2026-L07", "ES69-2026-L15"]
    with duckdb.connect(str(kept[3]), read_only=True) as conn:
        assert conn.execute(f"select distinct as_of_date from {APPLICATION}").fetchall() == [(date(2026, 3, 15),)]
    assert payer_sources(kept[2]) == [("ES69-2026-L01", "C1", "account"), ("ES69-2026-L07", "C2", "account")]
    assert payer_sources(kept[3]) == [("ES69-2026-L01", "C1", "account"), ("ES69-2026-L07", "C2", "reference")]


def test_the_reconciliation_computes_the_receipts_read_or_matched_again(builds):
    kept, _ = builds
    assert recomputed(kept[0], kept[1], RECONCILIATION) == {None, "R4", "R7"}
    assert recomputed(kept[1], kept[2], RECONCILIATION) == {None, "R1", "R2", "R3", "R4", "R6"}
    with duckdb.connect(str(kept[3]), read_only=True) as conn:
        receipts = conn.execute(f"select receipt_id, reconciliation_status from {RECONCILIATION} "
                                "where receipt_id is not null order by all").fetchall()
    assert receipts == [("R1", "matched"), ("R2", "matched"), ("R5", "matched")]


def test_the_receipts_computed_are_those_read_or_matched_again(builds):
    """int_receipts is kept by the file (DECISIONLOG: Receipts by the file): R6's new
    allocations leave it kept; day 3 computes R2 alone, re-dated: the months matched again
    pair R1, R3 and R6 with the lines and value dates their rows hold (DECISIONLOG: Rates
    and matches that move); day 4's line carries R5, dated by it now."""
    kept, _ = builds
    table = "intermediate.int_receipts"
    assert recomputed(kept[0], kept[1], table) == {"R7"}
    assert recomputed(kept[1], kept[2], table) == {"R2"}
    assert recomputed(kept[2], kept[3], table) == {"R5"}


def test_the_ledger_computes_the_movements_read_again(builds):
    """Day 2: R7's movement (a new receipt); day 3: D1's (re-exported in dispute) and R2's,
    the receipt int_receipts computed again; day 4: R5's. The fixture has no withholding."""
    kept, _ = builds
    table, key = "intermediate.int_ar_ledger", "movement_source || ':' || movement_id"
    assert recomputed(kept[0], kept[1], table, key) == {"receipt:R7"}
    assert recomputed(kept[1], kept[2], table, key) == {"document:D1", "receipt:R2"}
    assert "receipt:R5" in recomputed(kept[2], kept[3], table, key)


def test_the_reductions_computed_are_those_read_again(builds):
    """int_document_reductions and int_receipt_balances are kept by the file (DECISIONLOG:
    Reductions by the file). Day 2: R6's allocations read again (to D13 and D9 now), R7's
    balance (a new receipt allocated to nothing); day 3: R2's (int_receipts computed it
    again) and R1's allocation to D1 (re-exported); day 4: those of the receipts
    int_receipts computed again (R5). R4's allocation to D11, never read again, stays day
    1's. The fixture has no withholding or credit note."""
    kept, _ = builds
    table, key = "intermediate.int_document_reductions", "reduction_type || ':' || reduction_id"
    balances = "intermediate.int_receipt_balances"
    assert recomputed(kept[0], kept[1], table, key) == {"receipt:R6|D13|", "receipt:R6|D9|"}
    assert recomputed(kept[0], kept[1], balances) == {"R6", "R7"}
    assert recomputed(kept[1], kept[2], table, key) == {"receipt:R1|D1|", "receipt:R2|D7|"}
    assert recomputed(kept[1], kept[2], balances) == {"R1", "R2"}
    assert recomputed(kept[2], kept[3], table, key) == {"receipt:R5|D12|"}
    assert recomputed(kept[2], kept[3], balances) == {"R5"}


def test_a_line_paired_with_another_receipt_computes_the_receipt_it_left(builds):
    """Day 5: R8 (C2, 300.00 of 13 February) allocated to D7, whose number L07's text
    carries, and R2 re-allocated to D3: L07 carries R8 now. R2, which staging did not read
    again, is computed again with no line (DECISIONLOG: Rates and matches that move)."""
    kept, _ = builds
    assert recomputed(kept[3], kept[4], "intermediate.int_receipts") == {"R2", "R8"}
    with duckdb.connect(str(kept[4]), read_only=True) as conn:
        assert conn.execute("""
            select receipts.receipt_id, lines.bank_reference
            from intermediate.int_receipts as receipts
            left join staging.stg_bank__statement_lines as lines using (bank_line_id)
            where receipts.receipt_id in ('R2', 'R8')
            order by all""").fetchall() == [("R2", None), ("R8", "ES69-2026-L07")]
