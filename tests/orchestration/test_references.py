"""The checks across files, run before a file reaches raw (issue 14, rule 1).

Base: tests/fixtures/aging_inbox loaded in dependency order. Clients C1 and C2; D1
(C1, EUR 1,210.00), D2 (C1, 605.00), D3 (C2, USD 1,100.00); receipts R1 (C1, 500.00,
allocated 400.00 + 100.00 to D1) and R2 (C1, 300.00, unallocated).
"""

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.config import load_settings
from orchestration.ingest.loader import LOADED, QUARANTINED, ingest_entity, withdraw_file
from orchestration.ingest.raw_tables import ensure_raw_schema
from orchestration.readers import ENTITIES

AGING_INBOX = Path(__file__).parent.parent / "fixtures" / "aging_inbox"

DOCUMENTS_HEADER = (
    "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,withholding,total,"
    "related_document_id,purchase_order,status,updated_at\n"
)
ALLOCATIONS_HEADER = "receipt_id,document_id,installment_no,amount\n"
RECEIPTS_HEADER = "receipt_id,client_id,date,currency,amount,method,reference\n"


@pytest.fixture
def conn(home):
    connection = duckdb.connect(str(home / "test.duckdb"))
    for path in AGING_INBOX.iterdir():
        shutil.copy(path, home / "inbox")
    for entity in ENTITIES:
        assert all(outcome.status == LOADED for outcome in ingest_entity(connection, load_settings(home), entity))
    yield connection
    connection.close()


def drop_and_ingest(conn, home, entity, file_name, text):
    (home / "inbox" / file_name).write_text(text, encoding="utf-8")
    [outcome] = ingest_entity(conn, load_settings(home), entity)
    return outcome


def rows_of(conn, table):
    return conn.execute(f"select * exclude (_file_id, _loaded_at) from raw.{table} order by all").fetchall()


def assert_quarantined(conn, home, outcome, table, line, column, value, reason):
    """Quarantined whole with a report naming file, line, column, value and reason, and
    nothing of it in raw."""
    before = rows_of(conn, table)
    assert outcome.status == QUARANTINED
    report = (home / "quarantine" / f"{outcome.file_name}.report.txt").read_text(encoding="utf-8")
    assert report.startswith(f"{outcome.file_name} was rejected whole; nothing of it was loaded.")
    assert f"line {line}, column {column}, value {value!r}: {reason}" in report
    assert (home / "quarantine" / outcome.file_name).exists()
    assert rows_of(conn, table) == before
    assert not conn.execute("select count(*) from raw.{0} where _source_file = ?".format(table), [outcome.file_name]).fetchall()[0][0]


def test_a_document_of_a_client_in_no_clients_export_is_quarantined(conn, home):
    outcome = drop_and_ingest(
        conn, home, "documents", "documents_2.csv",
        DOCUMENTS_HEADER
        + "D5,invoice,F-005,C1,2025-06-01,2025-07-01,EUR,100.00,21.00,0.00,121.00,,,issued,2025-06-01T10:00:00\n"
        + "D6,invoice,F-006,C9999,2025-06-01,2025-07-01,EUR,100.00,21.00,0.00,121.00,,,issued,2025-06-01T10:00:00\n",
    )

    assert_quarantined(conn, home, outcome, "documents", 3, "client_id", "C9999", "client C9999 is not in any clients export")


def test_a_receipt_of_a_client_in_no_clients_export_is_quarantined(conn, home):
    outcome = drop_and_ingest(
        conn, home, "receipts", "receipts_2.csv", RECEIPTS_HEADER + "R3,C7,2025-06-25,EUR,80.00,transfer,\n"
    )

    assert_quarantined(conn, home, outcome, "receipts", 2, "client_id", "C7", "client C7 is not in any clients export")


def test_a_stray_allocation_to_an_unknown_document_is_quarantined_and_the_real_one_kept(conn, home):
    """The issue's case: one row R1 -> D999999, 10.00. Loaded, it would become R1's whole
    allocation (latest file wins per receipt) and D1 would show 500.00 more open."""
    outcome = drop_and_ingest(conn, home, "allocations", "allocations_2.csv", ALLOCATIONS_HEADER + "R1,D999999,,10.00\n")

    assert_quarantined(
        conn, home, outcome, "allocations", 2, "document_id", "D999999", "document D999999 is not in any documents export"
    )
    assert conn.execute("select receipt_id, document_id, amount from raw.allocations order by amount").fetchall() == [
        ("R1", "D1", Decimal("100.00")),
        ("R1", "D1", Decimal("400.00")),
    ]


def test_an_allocation_of_an_unknown_receipt_is_quarantined(conn, home):
    outcome = drop_and_ingest(conn, home, "allocations", "allocations_2.csv", ALLOCATIONS_HEADER + "R9,D2,,605.00\n")

    assert_quarantined(conn, home, outcome, "allocations", 2, "receipt_id", "R9", "receipt R9 is not in any receipts export")


def test_allocations_above_their_receipt_are_quarantined(conn, home):
    """Receipt R3 of 80.00 allocated 50.00 + 40.00 = 90.00 (how some systems write "80 cash
    + 10 return"): unapplied cash would be -10.00."""
    assert drop_and_ingest(
        conn, home, "receipts", "receipts_2.csv", RECEIPTS_HEADER + "R3,C1,2025-06-25,EUR,80.00,transfer,\n"
    ).status == LOADED

    outcome = drop_and_ingest(
        conn, home, "allocations", "allocations_2.csv", ALLOCATIONS_HEADER + "R3,D2,,50.00\nR3,D1,,40.00\n"
    )

    assert_quarantined(
        conn, home, outcome, "allocations", 2, "amount", "90.00",
        "allocations of receipt R3 add up to 90.00, more than the receipt's 80.00",
    )


def test_allocations_up_to_their_receipt_load(conn, home):
    """R2 is 300.00: 300.00 to D2 is the whole receipt, not more."""
    outcome = drop_and_ingest(conn, home, "allocations", "allocations_2.csv", ALLOCATIONS_HEADER + "R2,D2,,300.00\n")

    assert (outcome.status, outcome.rows) == (LOADED, 1)


def test_an_allocation_to_another_clients_document_is_quarantined(conn, home):
    outcome = drop_and_ingest(conn, home, "allocations", "allocations_2.csv", ALLOCATIONS_HEADER + "R2,D3,,100.00\n")

    assert_quarantined(
        conn, home, outcome, "allocations", 2, "document_id", "D3",
        "document D3 belongs to client C2, but receipt R2 was paid by client C1",
    )


def test_a_withholding_of_an_unknown_document_is_quarantined(conn, home):
    outcome = drop_and_ingest(
        conn, home, "withholdings", "withholdings_2.csv",
        "document_id,type,amount,certificate_number,date\nD77,IRPF,15.00,CERT-9,2025-06-05\n",
    )

    assert_quarantined(
        conn, home, outcome, "withholdings", 2, "document_id", "D77", "document D77 is not in any documents export"
    )


@pytest.mark.parametrize(
    ("currency", "issue_date", "reason"),
    [
        ("XYZ", "2025-06-01", "currency XYZ has no exchange rate in any fx_rates file"),
        # The fixture's first USD rate is of 2025-01-09.
        ("USD", "2025-01-08", "currency USD has no exchange rate to EUR on or before 2025-01-08 in any fx_rates file "
         "(the first is of 2025-01-09)"),
    ],
)
def test_a_document_in_a_currency_without_rates_is_quarantined(conn, home, currency, issue_date, reason):
    outcome = drop_and_ingest(
        conn, home, "documents", "documents_2.csv",
        DOCUMENTS_HEADER
        + f"D10,invoice,F-010,C2,{issue_date},2025-07-01,{currency},100.00,0.00,0.00,100.00,,,issued,2025-06-01T10:00:00\n",
    )

    assert_quarantined(conn, home, outcome, "documents", 2, "currency", currency, reason)


def test_a_receipt_in_a_currency_without_rates_is_quarantined(conn, home):
    """The issue's receipt in XYZ: it used to load and fail the build on its reporting factor."""
    outcome = drop_and_ingest(
        conn, home, "receipts", "receipts_2.csv", RECEIPTS_HEADER + "R3,C1,2025-06-25,XYZ,80.00,transfer,\n"
    )

    assert_quarantined(
        conn, home, outcome, "receipts", 2, "currency", "XYZ", "currency XYZ has no exchange rate in any fx_rates file"
    )


def test_a_foreign_currency_with_rates_on_its_date_loads(conn, home):
    outcome = drop_and_ingest(
        conn, home, "receipts", "receipts_2.csv", RECEIPTS_HEADER + "R3,C2,2025-01-09,usd,80.00,transfer,\n"
    )

    assert outcome.status == LOADED


def test_a_credit_note_linked_to_another_clients_invoice_loads_with_a_warning(conn, home):
    """CN3 of client C2 names D1, an invoice of C1: readable as an unlinked credit note."""
    outcome = drop_and_ingest(
        conn, home, "documents", "documents_2.csv",
        DOCUMENTS_HEADER
        + "CN3,credit_note,R-003,C2,2025-06-15,2025-06-15,EUR,40.00,0.00,0.00,40.00,D1,,issued,2025-06-15T10:00:00\n",
    )

    assert (outcome.status, outcome.rows) == (LOADED, 1)
    assert outcome.warnings == (
        "line 2, column related_document_id, value 'D1': credit note CN3 of client C2 corrects D1, "
        "a document of client C1: loaded as not linked to any document",
    )
    assert conn.execute(
        "select file_name, entity, line_number, column_name, value, kind from raw.ingest_warnings"
    ).fetchall() == [("documents_2.csv", "documents", 2, "related_document_id", "D1", "cross_client_link")]
    # Stored as a message: the data-quality page words it, the note's type too, in Spanish.
    (reason,) = conn.execute("select reason from raw.ingest_warnings").fetchone()
    assert render(reason, "es") == (
        "la nota de crédito CN3 del cliente C2 rectifica D1, un documento del cliente C1: se carga sin vincular "
        "a ningún documento"
    )


def test_an_invoice_arriving_after_a_note_of_another_client_is_warned_about(conn, home):
    """CN9 of C2 names D9 before D9 exists (read as unlinked, no warning possible yet);
    D9 then arrives as an invoice of C1: the note stays unlinked, and now it is said."""
    assert drop_and_ingest(
        conn, home, "documents", "documents_2.csv",
        DOCUMENTS_HEADER
        + "CN9,credit_note,R-009,C2,2025-06-15,2025-06-15,EUR,40.00,0.00,0.00,40.00,D9,,issued,2025-06-15T10:00:00\n",
    ).warnings == ()

    outcome = drop_and_ingest(
        conn, home, "documents", "documents_3.csv",
        DOCUMENTS_HEADER
        + "D9,invoice,F-009,C1,2025-06-16,2025-07-16,EUR,100.00,21.00,0.00,121.00,,,issued,2025-06-16T10:00:00\n",
    )

    assert outcome.status == LOADED
    assert outcome.warnings == (
        "line 2, column client_id, value 'C1': document D9 of client C1 is corrected by credit note CN9 of "
        "client C2, loaded before: that note is read as not linked to any document",
    )


def test_unknown_columns_load_with_a_schema_drift_warning(conn, home):
    outcome = drop_and_ingest(
        conn, home, "receipts", "receipts_2.csv",
        "receipt_id,client_id,date,currency,amount,Bank Fee,notes\nR3,C1,2025-06-25,EUR,80.00,0.50,x\n",
    )

    assert (outcome.status, outcome.rows) == (LOADED, 1)
    assert conn.execute("select line_number, column_name, kind from raw.ingest_warnings").fetchall() == [
        (1, "Bank Fee, notes", "schema_drift")
    ]
    assert "not in the receipts contract" in outcome.warnings[0]


def test_a_header_only_export_loads_as_an_empty_export(conn, home):
    """A day without receipts: registered as loaded with 0 rows, nothing quarantined."""
    outcome = drop_and_ingest(conn, home, "receipts", "receipts_2025-06-30.csv", RECEIPTS_HEADER)

    assert (outcome.status, outcome.rows) == (LOADED, 0)
    assert conn.execute(
        "select status, row_count from raw.file_registry where file_name = 'receipts_2025-06-30.csv'"
    ).fetchall() == [(LOADED, 0)]
    assert not (home / "quarantine" / "receipts_2025-06-30.csv").exists()


def test_fx_rates_keep_full_precision_in_raw(conn, home):
    outcome = drop_and_ingest(conn, home, "fx_rates", "fx_rates_2.csv", "Date,INR\n2025-06-30,0.0133333333\n")

    assert outcome.status == LOADED
    assert conn.execute("select rate, typeof(rate) from raw.fx_rates where currency = 'INR'").fetchall() == [
        (Decimal("0.013333333300000000"), "DECIMAL(38,18)")
    ]


def test_a_raw_fx_table_of_an_earlier_release_is_widened(tmp_path):
    with duckdb.connect(str(tmp_path / "old.duckdb")) as conn:
        conn.execute("create schema raw")
        conn.execute(
            "create table raw.fx_rates (rate_date DATE, currency VARCHAR, rate DECIMAL(18, 6), _file_id BIGINT, "
            "_source_file VARCHAR, _sha256 VARCHAR, _line_number BIGINT, _loaded_at TIMESTAMP)"
        )
        conn.execute("insert into raw.fx_rates values ('2025-01-10', 'USD', 1.1, 1, 'f.csv', 'x', 2, now())")

        ensure_raw_schema(conn)

        assert conn.execute("select rate, typeof(rate) from raw.fx_rates").fetchall() == [
            (Decimal("1.100000000000000000"), "DECIMAL(38,18)")
        ]


def test_a_later_receipts_export_lowering_a_receipt_below_its_allocations_is_quarantined(conn, home):
    """R1 was 500.00, allocated 400.00 + 100.00 = 500.00 to D1 (allocations.csv). A receipts
    export that makes it 450.00 would leave -50.00 of unapplied cash: quarantined. Once an
    allocations export re-allocates R1 within 450.00, the same receipts export loads."""
    lowered = RECEIPTS_HEADER + "R1,C1,2025-04-05,EUR,450.00,transfer,F-001\n"

    outcome = drop_and_ingest(conn, home, "receipts", "receipts_2.csv", lowered)

    assert_quarantined(
        conn, home, outcome, "receipts", 2, "amount", "450.00",
        "receipt R1 is now 450.00, less than the 500.00 already allocated from it in allocations.csv: "
        "load an allocations export that re-allocates this receipt first",
    )
    assert drop_and_ingest(conn, home, "allocations", "allocations_2.csv", ALLOCATIONS_HEADER + "R1,D1,,450.00\n").status == LOADED
    assert drop_and_ingest(conn, home, "receipts", "receipts_3.csv", lowered).status == LOADED


def test_a_later_receipts_export_raising_a_receipt_loads(conn, home):
    outcome = drop_and_ingest(
        conn, home, "receipts", "receipts_2.csv", RECEIPTS_HEADER + "R1,C1,2025-04-05,EUR,500.00,transfer,F-001\n"
        "R2,C1,2025-06-20,EUR,0.01,transfer,\n"
    )
    # R1 stays at its 500.00 allocated; R2 has no allocation, any amount is its own.
    assert (outcome.status, outcome.rows) == (LOADED, 2)


# A repeated row (one a later export lists again unchanged: orchestration/ingest/changes.py)
# is checked again only where what its checks read changed since its holder file loaded.
D1_OF_C2 = DOCUMENTS_HEADER + "D1,invoice,F-001,C2,2025-03-01,2025-05-30,EUR,1000.00,210.00,0.00,1210.00,,,issued,2025-03-02T10:00:00\n"


def test_repeated_allocations_are_checked_again_after_their_document_moved_to_another_client(conn, home):
    """allocations_2 adds R2's 300.00 to D2 (both C1's); documents_2 then gives D2 to C2,
    and allocations_3 lists allocations_2's lines again (other order): nothing of it would
    load, but R2 now pays another client's document."""
    lines = ["R1,D1,1,400.00", "R1,D1,,100.00", "R2,D2,,300.00"]
    allocations_2 = ALLOCATIONS_HEADER + "\n".join(lines) + "\n"
    assert drop_and_ingest(conn, home, "allocations", "allocations_2.csv", allocations_2).status == LOADED
    d2_of_c2 = DOCUMENTS_HEADER + "D2,invoice,F-002,C2,2025-06-10,2025-07-10,EUR,500.00,105.00,0.00,605.00,,,issued,2025-06-20T10:00:00\n"
    assert drop_and_ingest(conn, home, "documents", "documents_2.csv", d2_of_c2).status == LOADED

    outcome = drop_and_ingest(
        conn, home, "allocations", "allocations_3.csv", ALLOCATIONS_HEADER + "\n".join(reversed(lines)) + "\n"
    )

    assert_quarantined(
        conn, home, outcome, "allocations", 2, "document_id", "D2",
        "document D2 belongs to client C2, but receipt R2 was paid by client C1",
    )


def test_repeated_instalments_are_checked_again_after_their_documents_total_changed(conn, home):
    """installments_2 adds D2's split, 300.00 + 305.00 = 605.00; documents_2 then raises
    D2 to 726.00, and installments_3 lists installments_2's lines again."""
    header = "document_id,installment_no,due_date,amount\n"
    d1 = "D1,1,2025-03-31,400.00\nD1,2,2025-04-30,400.00\nD1,3,2025-05-30,410.00\n"
    d2 = "D2,1,2025-07-10,300.00\nD2,2,2025-08-10,305.00\n"
    assert drop_and_ingest(conn, home, "installments", "installments_2.csv", header + d1 + d2).status == LOADED
    raised = DOCUMENTS_HEADER + "D2,invoice,F-002,C1,2025-06-10,2025-07-10,EUR,600.00,126.00,0.00,726.00,,,issued,2025-06-20T10:00:00\n"
    assert drop_and_ingest(conn, home, "documents", "documents_2.csv", raised).status == LOADED

    outcome = drop_and_ingest(conn, home, "installments", "installments_3.csv", header + d2 + d1)

    assert_quarantined(
        conn, home, outcome, "installments", 2, "amount", "605.00",
        "instalments of document D2 sum to 605.00 but its total is 726.00",
    )


def test_repeated_allocations_are_checked_again_after_a_withdrawal(conn, home):
    """D1 and R1 both moved to C2 (documents_2, receipts_2) and R1 re-allocated to D1's
    instalments 1 and 2 (allocations_2, checked then). Withdrawing documents_2 gives D1
    back to C1: allocations_3, repeating allocations_2, pays C1's document with C2's
    receipt, though no row it reads was loaded after allocations_2."""
    assert drop_and_ingest(conn, home, "documents", "documents_2.csv", D1_OF_C2).status == LOADED
    moved_receipt = RECEIPTS_HEADER + "R1,C2,2025-04-05,EUR,500.00,transfer,F-001\n"
    assert drop_and_ingest(conn, home, "receipts", "receipts_2.csv", moved_receipt).status == LOADED
    split = ALLOCATIONS_HEADER + "R1,D1,1,400.00\nR1,D1,2,100.00\n"
    assert drop_and_ingest(conn, home, "allocations", "allocations_2.csv", split).status == LOADED
    withdraw_file(conn, "documents_2.csv")

    outcome = drop_and_ingest(
        conn, home, "allocations", "allocations_3.csv", ALLOCATIONS_HEADER + "R1,D1,2,100.00\nR1,D1,1,400.00\n"
    )

    assert_quarantined(
        conn, home, outcome, "allocations", 2, "document_id", "D1",
        "document D1 belongs to client C1, but receipt R1 was paid by client C2",
    )
