"""The invoicing staging models of documents, instalments, receipts and allocations are
kept by the file (DECISIONLOG: Models kept by the file): a build reads again only the keys
that files registered since list, and the notes relating to a document read again. A
second day must equal a full build of both days, table for table.

Fixture tests/fixtures/aging_inbox, as of 2025-06-30 both days, with CN2 (C2's credit
note of 50.00) relating to D2, C1's invoice: another client's document, so on day 1 CN2
is read as unlinked (DECISIONLOG: Cross-client links). Day 2:
- D2 re-exported for C2 (a corrected client): CN2, not in the day's files, now relates
  to its own client's document and is linked;
- D2 split in two instalments (300.00 and 305.00);
- R3, a new receipt of C1 (100.00 on 25 June), allocated to D1;
- D1's instalments alone re-exported in four: R2's 50.00 (in day 1's allocations) names
  D1's instalment 4, which D1 had not on day 1, and names it from day 2 on, though
  neither R2 nor D1 is read again (DECISIONLOG: Reductions by the file).
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.export_files import rows_of, write
from tests.dbt.warehouse import build_warehouse, tables_of

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
SELECT = "+fct_installment_payments +ar_aging +ar_aging_monthly +statement_of_account"
AS_OF = {"as_of_date": "2025-06-30"}
KEPT_TABLES = {
    ("staging", "stg_bank__statement_lines"), ("staging", "stg_invoicing__documents"),
    ("staging", "stg_invoicing__installments"), ("staging", "stg_invoicing__receipts"),
    ("staging", "stg_invoicing__allocations"), ("intermediate", "int_bank_incoming_lines"),
    ("intermediate", "int_bank_line_reference_keys"), ("intermediate", "int_document_reference_keys"),
    ("intermediate", "int_bank_reference_candidates"), ("intermediate", "int_receivable_items"),
    ("intermediate", "int_receipts"), ("intermediate", "int_ar_ledger"), ("intermediate", "int_document_reductions"),
    ("intermediate", "int_receipt_balances"),
}
# Kept by document fingerprint (DECISIONLOG: Item balances by the day): they carry the
# position their periods were computed at and the balances' code version (the balances'
# pre-hook compares only the documents computed since when every row is of this version).
KEPT_PERIODS = {("intermediate", "int_receivable_item_balances"), ("intermediate", "int_open_item_months")}
# Computed whole from a kept table by periods_by_month, which passes every column of the
# periods on: the unapplied months carry their receipt balances' position and version.
PASSED_ON = {("intermediate", "int_unapplied_receipt_months")}
# Kept by a fingerprint that holds the code's version, the position their rows were
# computed at for the models reading them (Settlement events, Aging by the date, Bank
# matches by the month).
KEPT_BY_FINGERPRINT = {
    ("intermediate", "int_aging_by_client_currency"), ("intermediate", "int_aging_by_client"),
    ("intermediate", "int_bank_receipt_matches"), ("intermediate", "int_bank_line_references"),
    ("intermediate", "int_bank_payer_evidence"),
}
# The as-of marts kept by document (DECISIONLOG: Settled instalments by the day): the
# position each document's rows were computed at and the code version.
KEPT_AS_OF = {("marts", "fct_installments"), ("marts", "fct_documents"), ("marts", "fct_installment_payments")}
# Kept by client by a fingerprint that holds the code's version; _model_version says
# whether the candidates can be read by position (DECISIONLOG: Statements by the day).
KEPT_STATEMENTS = {("marts", "statement_of_account")}
# Kept by document fingerprint, compared by position when every row is of this version
# (DECISIONLOG: Settlement facts by the day, Reductions by the file).
KEPT_SETTLEMENTS = {("intermediate", "int_installment_settlements"), ("intermediate", "int_settlement_events")}


def make_days(day_1: Path, day_2: Path) -> None:
    shutil.copytree(FIXTURE, day_1)
    day_2.mkdir()
    header, documents = rows_of(FIXTURE / "documents.csv")
    documents = [{**row, "related_document_id": "D2"} if row["document_id"] == "CN2" else row for row in documents]
    write(day_1 / "documents.csv", header, documents)
    d2 = next(row for row in documents if row["document_id"] == "D2")
    write(day_2 / "documents_2025-06-21.csv", header, [{**d2, "client_id": "C2", "updated_at": "2025-06-21T10:00:00"}])
    header, _ = rows_of(FIXTURE / "installments.csv")
    write(day_2 / "installments_2025-06-21.csv", header, [
        {"document_id": "D2", "installment_no": "1", "due_date": "2025-07-10", "amount": "300.00"},
        {"document_id": "D2", "installment_no": "2", "due_date": "2025-08-10", "amount": "305.00"},
        {"document_id": "D1", "installment_no": "1", "due_date": "2025-03-31", "amount": "400.00"},
        {"document_id": "D1", "installment_no": "2", "due_date": "2025-04-30", "amount": "400.00"},
        {"document_id": "D1", "installment_no": "3", "due_date": "2025-05-30", "amount": "205.00"},
        {"document_id": "D1", "installment_no": "4", "due_date": "2025-06-29", "amount": "205.00"}])
    header, allocations = rows_of(FIXTURE / "allocations.csv")
    write(day_1 / "allocations.csv", header, allocations + [
        {"receipt_id": "R2", "document_id": "D1", "installment_no": "4", "amount": "50.00"}])
    header, _ = rows_of(FIXTURE / "receipts.csv")
    write(day_2 / "receipts_2025-06-25.csv", header, [
        {"receipt_id": "R3", "client_id": "C1", "date": "2025-06-25", "currency": "EUR", "amount": "100.00",
         "method": "transfer", "reference": "F-001"}])
    header, _ = rows_of(FIXTURE / "allocations.csv")
    write(day_2 / "allocations_2025-06-25.csv", header, [
        {"receipt_id": "R3", "document_id": "D1", "installment_no": "", "amount": "100.00"}])


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Day 1 (a copy of its build database), day 2 on the same home, both days from nothing."""
    folder = tmp_path_factory.mktemp("staging_by_the_file")
    day_1, day_2 = folder / "day_1", folder / "day_2"
    make_days(day_1, day_2)
    home = folder / "kept"
    first = Path(shutil.copy(build_warehouse(day_1, home, AS_OF, select=SELECT), folder / "day_1.duckdb"))
    kept = build_warehouse(day_2, home, AS_OF, select=SELECT)
    both_days = folder / "both_days"
    shutil.copytree(day_1, both_days)
    shutil.copytree(day_2, both_days, dirs_exist_ok=True)
    full = build_warehouse(both_days, folder / "full", AS_OF, select=SELECT)
    return first, kept, full


def read_again(day_1: Path, day_2: Path, table: str, key: str) -> set:
    """The keys of `table` whose rows day 2 wrote (a later position than day 1's)."""
    query = f"select distinct {key}, _read_through_file_id from staging.{table}"
    with duckdb.connect(str(day_1), read_only=True) as conn:
        before = set(conn.execute(query).fetchall())
    with duckdb.connect(str(day_2), read_only=True) as conn:
        after = set(conn.execute(query).fetchall())
    return {row[0] for row in after - before}


def test_the_second_day_equals_a_full_build_table_for_table(builds):
    _, kept, full = builds
    tables, differing = tables_of(kept, full)
    assert {("intermediate", "int_document_reductions"), ("marts", "statement_of_account")} <= tables
    assert differing == []


def test_a_note_is_read_again_with_the_document_it_relates_to(builds):
    first, kept, _ = builds
    query = "select related_document_id from staging.stg_invoicing__documents where document_id = 'CN2'"
    with duckdb.connect(str(first), read_only=True) as conn:
        assert conn.execute(query).fetchall() == [(None,)]
    with duckdb.connect(str(kept), read_only=True) as conn:
        assert conn.execute(query).fetchall() == [("D2",)]


def test_only_the_keys_of_the_day_are_read_again(builds):
    first, kept, _ = builds
    assert read_again(first, kept, "stg_invoicing__documents", "document_id") == {"D2", "CN2"}
    assert read_again(first, kept, "stg_invoicing__installments", "document_id") == {"D1", "D2"}
    assert read_again(first, kept, "stg_invoicing__receipts", "receipt_id") == {"R3"}
    assert read_again(first, kept, "stg_invoicing__allocations", "receipt_id") == {"R3"}


def test_a_named_instalment_is_read_with_its_documents_instalments(builds):
    """R2's allocation names D1's instalment 4: none on day 1 (D1 had three), 4 on day 2."""
    first, kept, _ = builds
    query = "select installment_no from intermediate.int_document_reductions where reduction_id = 'R2|D1|4'"
    with duckdb.connect(str(first), read_only=True) as conn:
        assert conn.execute(query).fetchall() == [(None,)]
    with duckdb.connect(str(kept), read_only=True) as conn:
        assert conn.execute(query).fetchall() == [(4,)]


def test_positions_stay_in_the_kept_tables(builds):
    """Only the kept tables carry the position and code version they were read at: no
    other model passes them on (a downstream `select *`). The open months and the
    unapplied months carry their periods' position and version (periods_by_month passes
    every column of the periods on)."""
    _, kept, _ = builds
    with duckdb.connect(str(kept), read_only=True) as conn:
        carrying = {
            column: set(conn.execute(
                "select table_schema, table_name from information_schema.columns where column_name = ?", [column]
            ).fetchall())
            for column in ("_read_through_file_id", "_model_version")
        }
    assert carrying == {
        "_read_through_file_id": KEPT_TABLES | KEPT_PERIODS | KEPT_AS_OF | KEPT_STATEMENTS | KEPT_BY_FINGERPRINT
        | KEPT_SETTLEMENTS | PASSED_ON,
        "_model_version": KEPT_TABLES | KEPT_PERIODS | KEPT_AS_OF | KEPT_STATEMENTS | KEPT_SETTLEMENTS | PASSED_ON}
