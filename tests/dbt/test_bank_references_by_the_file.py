"""The bank references' lookups are kept by the file (DECISIONLOG: Bank movements by the
file): int_document_reference_keys reads only the documents whose latest version came in
a file registered since, and int_bank_reference_candidates looks the keys read again on
either side up among the other side's. A day that brings documents alone must read no
bank line again and equal a full build of both days, table for table.

Fixture tests/fixtures/cash_application_inbox (see test_cash_application.py) as day 1.
Day 2 is one documents export:
- D13 (C4, F-2026-000113) re-exported as F-2026-000213: L12's text "F-2026-113" no
  longer names it (it is still R6's, by the registered receipt);
- D14, a new C3 invoice of 300.00 issued 20 March with purchase order OC-34567891: the
  texts of L04 "PAGO PROVEEDOR B34567891" (booked 4 March) and L11 "B34567891 A CUENTA"
  (24 March) hold 34567891, C3's tax id, now also D14's order number. L11 names D14; L04
  does not: D14 was issued 16 days after it, beyond the 5 days a line may name a later
  document (DECISIONLOG: Cash application, a line names documents that existed).
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.export_files import rows_of, write
from tests.dbt.warehouse import build_warehouse, positions, tables_of

INBOX = Path(__file__).parent.parent / "fixtures" / "cash_application_inbox"
SELECT = "+cash_application +bank_reconciliation +bank_account_reconciliation +fct_installment_payments"
AS_OF = {"as_of_date": "2026-03-31"}


def write_day_2(folder: Path) -> None:
    header, documents = rows_of(INBOX / "documents.csv")
    renumbered = {**next(row for row in documents if row["document_id"] == "D13"),
                  "number": "F-2026-000213", "updated_at": "2026-03-31T10:00:00"}
    new = {**{name: "" for name in header}, "document_id": "D14", "type": "invoice", "number": "F-2026-000114",
           "client_id": "C3", "issue_date": "2026-03-20", "due_date": "2026-04-19", "currency": "EUR",
           "net": "300.00", "tax": "0.00", "withholding": "0.00", "total": "300.00",
           "purchase_order": "OC-34567891", "status": "issued", "updated_at": "2026-03-31T10:00:00",
           "in_dispute": "false"}
    folder.mkdir()
    write(folder / "documents_2026-03-31.csv", header, [renumbered, new])


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Day 1 alone, then day 2 on it (the kept build), and both days from nothing."""
    folder = tmp_path_factory.mktemp("bank_references_by_the_file")
    write_day_2(folder / "day_2")
    home = folder / "kept"
    day_1 = shutil.copy(build_warehouse(INBOX, home, AS_OF, select=SELECT), folder / "day_1.duckdb")
    kept = build_warehouse(folder / "day_2", home, AS_OF, select=SELECT)
    both_days = folder / "both_days"
    shutil.copytree(INBOX, both_days)
    shutil.copytree(folder / "day_2", both_days, dirs_exist_ok=True)
    full = build_warehouse(both_days, folder / "full", AS_OF, select=SELECT)
    return Path(day_1), kept, full


def test_a_day_of_documents_equals_a_full_build_table_for_table(builds):
    _, kept, full = builds
    tables, differing = tables_of(kept, full)
    assert {("intermediate", "int_document_reference_keys"), ("intermediate", "int_bank_reference_candidates"),
            ("marts", "cash_application")} <= tables
    assert differing == []


def test_no_bank_line_is_read_again_for_documents(builds):
    day_1, kept, _ = builds
    for table in ("staging.stg_bank__statement_lines", "intermediate.int_bank_incoming_lines",
                  "intermediate.int_bank_line_reference_keys"):
        assert positions(kept, table, "bank_line_id") == positions(day_1, table, "bank_line_id"), table


def test_only_the_documents_of_the_day_are_read_again(builds):
    """Their keys, and the candidates that name them (D14's two), are read at day 2's
    position; every other document's keys and candidates are day 1's rows."""
    day_1, kept, _ = builds
    for table, read_again in [("intermediate.int_document_reference_keys", {"D13", "D14"}),
                              ("intermediate.int_bank_reference_candidates", {"D14"})]:
        before, after = positions(day_1, table, "document_id"), positions(kept, table, "document_id")
        assert {document for document in after if after[document] != before.get(document)} == read_again, table
        assert set(before) - set(after) == ({"D13"} if "candidates" in table else set()), table


def test_an_old_line_finds_a_new_document_and_loses_a_renumbered_one(builds):
    day_1, kept, _ = builds
    query = """select lines.remittance_text, candidates.document_id, candidates.matched_via
               from intermediate.int_bank_reference_candidates as candidates
               inner join intermediate.int_bank_incoming_lines as lines using (bank_line_id)
               where candidates.document_id in ('D13', 'D14') order by all"""
    with duckdb.connect(str(day_1), read_only=True) as conn:
        assert conn.execute(query).fetchall() == [("F-2026-113", "D13", "document_number")]
    with duckdb.connect(str(kept), read_only=True) as conn:
        assert conn.execute(query).fetchall() == [("B34567891 A CUENTA", "D14", "purchase_order")]


@pytest.mark.parametrize("table", ["int_bank_line_references", "int_bank_payer_evidence"])
def test_the_months_the_day_reaches_are_computed_again(builds, table):
    """int_bank_line_references and int_bank_payer_evidence are kept by the lines'
    booking month (DECISIONLOG: Bank matches by the month): the day's candidates are all
    of March lines, so February's lines (L01, L07) keep day 1's rows, March's are
    computed again."""
    day_1, kept, _ = builds
    table = f"intermediate.{table}"
    before, after = positions(day_1, table, "bank_line_id"), positions(kept, table, "bank_line_id")
    with duckdb.connect(str(kept), read_only=True) as conn:
        months = dict(conn.execute("select bank_line_id, strftime(booking_date, '%Y-%m') "
                                   "from intermediate.int_bank_incoming_lines").fetchall())
    kept_months = {months[line] for line in after if after[line] == before.get(line)}
    computed_months = {months[line] for line in after if after[line] != before.get(line)}
    assert (kept_months, computed_months) == ({"2026-02"}, {"2026-03"})
