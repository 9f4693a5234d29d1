"""Loading export files into raw: whole or not at all, once, with the bad ones quarantined."""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.config import load_settings
from orchestration.ingest.loader import DUPLICATE, LOADED, QUARANTINED, ingest_entity

AGING_INBOX = Path(__file__).parent.parent / "fixtures" / "aging_inbox"

DOCUMENTS_HEADER = (
    "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,withholding,total,"
    "related_document_id,purchase_order,status,updated_at\n"
)


@pytest.fixture
def conn(home):
    connection = duckdb.connect(str(home / "test.duckdb"))
    yield connection
    connection.close()


def ingest(conn, home, entity):
    return ingest_entity(conn, load_settings(home), entity)


def load_aging(conn, home, *entities):
    """Loads the aging fixture's files of `entities`, in the order given."""
    for entity in entities:
        shutil.copy(AGING_INBOX / f"{entity}.csv", home / "inbox")
        [outcome] = ingest(conn, home, entity)
        assert outcome.status == LOADED, outcome.message


def loaded_copies(home):
    return sorted(path.name for path in (home / "inbox" / "loaded").glob("*/*"))


def test_good_file_loads_every_row_with_lineage(conn, home):
    load_aging(conn, home, "fx_rates", "clients")
    shutil.copy(AGING_INBOX / "documents.csv", home / "inbox")

    [outcome] = ingest(conn, home, "documents")

    assert (outcome.file_name, outcome.status, outcome.rows) == ("documents.csv", LOADED, 6)
    rows = conn.execute(
        "select document_id, total, _source_file, _line_number from raw.documents order by _line_number"
    ).fetchall()
    assert rows[0] == ("D1", Decimal("1210.00"), "documents.csv", 2)
    assert rows[-1] == ("D4", Decimal("999.00"), "documents.csv", 7)
    assert conn.execute("select typeof(total) from raw.documents limit 1").fetchall() == [("DECIMAL(18,2)",)]
    registry = conn.execute(
        "select file_name, entity, status, row_count, length(sha256) from raw.file_registry where entity = 'documents'"
    ).fetchall()
    assert registry == [("documents.csv", "documents", LOADED, 6, 64)]
    # Out of the inbox once loaded, into inbox/loaded/<day>/.
    assert not (home / "inbox" / "documents.csv").exists()
    assert loaded_copies(home) == ["clients.csv", "documents.csv", "fx_rates.csv"]


def test_same_file_dropped_again_loads_nothing_twice(conn, home):
    load_aging(conn, home, "clients", "receipts")
    shutil.copy(AGING_INBOX / "receipts.csv", home / "inbox" / "receipts_again.csv")
    shutil.copy(AGING_INBOX / "receipts.csv", home / "inbox")

    outcomes = ingest(conn, home, "receipts")

    assert sorted((o.file_name, o.status) for o in outcomes) == [
        ("receipts.csv", DUPLICATE),
        ("receipts_again.csv", DUPLICATE),
    ]
    assert conn.execute("select count(*) from raw.receipts").fetchall() == [(2,)]
    # The copy of the same name that day is kept beside the first, not over it.
    assert loaded_copies(home) == ["clients.csv", "receipts.2.csv", "receipts.csv", "receipts_again.csv"]


def test_malformed_file_is_quarantined_whole_and_the_others_load(conn, home):
    load_aging(conn, home, "clients")
    (home / "inbox" / "documents_1.csv").write_text(
        DOCUMENTS_HEADER
        + "D1,invoice,F-1,C1,2025-03-01,2025-03-31,EUR,100.00,21.00,0,121.00,,,issued,2025-03-01\n"
        + "D2,invoice,F-2,C1,2025-03-02,2025-04-01,EUR,100.00,21.00,0,999.00,,,issued,2025-03-02\n",
        encoding="utf-8",
    )
    (home / "inbox" / "documents_2.csv").write_text(
        DOCUMENTS_HEADER + "D3,invoice,F-3,C1,2025-03-05,2025-04-04,EUR,200.00,42.00,0,242.00,,,issued,2025-03-05\n",
        encoding="utf-8",
    )

    outcomes = {o.file_name: o for o in ingest(conn, home, "documents")}

    assert outcomes["documents_1.csv"].status == QUARANTINED
    assert outcomes["documents_2.csv"].status == LOADED
    assert not (home / "inbox" / "documents_1.csv").exists()
    assert (home / "quarantine" / "documents_1.csv").exists()
    report = (home / "quarantine" / "documents_1.csv.report.txt").read_text(encoding="utf-8")
    assert "documents_1.csv" in report
    assert "line 3, column total, value '999.00'" in report
    assert conn.execute("select document_id from raw.documents").fetchall() == [("D3",)]
    statuses = conn.execute(
        "select file_name, status from raw.file_registry where entity = 'documents' order by file_name"
    ).fetchall()
    assert statuses == [("documents_1.csv", QUARANTINED), ("documents_2.csv", LOADED)]

    # A re-run finds nothing new: the bad file is in quarantine, the good one in loaded/.
    assert ingest(conn, home, "documents") == []
    assert conn.execute("select count(*) from raw.documents").fetchall() == [(1,)]


def test_the_quarantine_report_is_written_in_cartera_language_and_kept_as_messages(conn, home, monkeypatch):
    """The report file is in CARTERA_LANGUAGE (es here) for whoever opens the folder; its
    .report.json twin holds the same lines as messages, and the registry the rejection's
    summary, both worded in any language where they are shown."""
    monkeypatch.setenv("CARTERA_LANGUAGE", "es")
    (home / "inbox" / "documents_1.csv").write_text(
        DOCUMENTS_HEADER + "D1,invoice,F-1,C1,2025-03-01,2025-02-28,EUR,100.00,21.00,0,121.00,,,issued,2025-03-01\n",
        encoding="utf-8",
    )

    [outcome] = ingest(conn, home, "documents")

    assert outcome.status == QUARANTINED
    spanish = [
        "documents_1.csv se ha rechazado entero; no se ha cargado nada de él.",
        "1 problema(s):",
        "  línea 2, columna due_date, valor '2025-02-28': el vencimiento due_date 2025-02-28 es anterior a la "
        "emisión issue_date 2025-03-01",
    ]
    assert (home / "quarantine" / "documents_1.csv.report.txt").read_text(encoding="utf-8").splitlines() == spanish
    lines = json.loads((home / "quarantine" / "documents_1.csv.report.json").read_text(encoding="utf-8"))
    assert [render(line, "es") for line in lines] == spanish
    assert render(lines[-1], "en") == "  line 2, column due_date, value '2025-02-28': due_date 2025-02-28 is before issue_date 2025-03-01"
    (summary,) = conn.execute("select message from raw.file_registry where file_name = 'documents_1.csv'").fetchone()
    assert render(summary, "en") == (
        "documents_1.csv rejected, 1 problem(s); first: line 2, column due_date, value '2025-02-28': "
        "due_date 2025-02-28 is before issue_date 2025-03-01"
    )


def test_installments_not_summing_to_their_document_are_quarantined(conn, home):
    load_aging(conn, home, "fx_rates", "clients", "documents")
    # D1's total is 1210.00; these add up to 1209.99.
    (home / "inbox" / "installments.csv").write_text(
        "document_id,installment_no,due_date,amount\n"
        "D1,1,2025-03-31,400.00\nD1,2,2025-04-30,400.00\nD1,3,2025-05-30,409.99\n",
        encoding="utf-8",
    )

    [outcome] = ingest(conn, home, "installments")

    assert outcome.status == QUARANTINED
    report = outcome.report_path.read_text(encoding="utf-8")
    assert "line 2, column amount" in report and "D1" in report
    assert conn.execute("select count(*) from raw.installments").fetchall() == [(0,)]


def test_corrected_re_export_is_kept_as_a_new_version(conn, home):
    load_aging(conn, home, "clients")
    (home / "inbox" / "documents_2025-03-01.csv").write_text(
        DOCUMENTS_HEADER + "D1,invoice,F-1,C1,2025-03-01,2025-03-31,EUR,100.00,21.00,0,121.00,,PO-1,issued,2025-03-01T10:00:00\n",
        encoding="utf-8",
    )
    (home / "inbox" / "documents_2025-03-02.csv").write_text(
        DOCUMENTS_HEADER + "D1,invoice,F-1,C1,2025-03-01,2025-04-30,EUR,100.00,21.00,0,121.00,,PO-1b,issued,2025-03-02T09:00:00\n",
        encoding="utf-8",
    )

    outcomes = ingest(conn, home, "documents")

    assert [o.status for o in outcomes] == [LOADED, LOADED]
    versions = conn.execute(
        "select purchase_order, due_date, _file_id from raw.documents order by _file_id"
    ).fetchall()
    # Both versions stay in raw; the file loaded later has the higher _file_id, which is
    # what stg_invoicing__documents orders by after updated_at.
    assert [(po, str(due)) for po, due, _ in versions] == [("PO-1", "2025-03-31"), ("PO-1b", "2025-04-30")]
    assert versions[0][2] < versions[1][2]


def test_every_raw_table_exists_even_without_files(conn, home):
    ingest(conn, home, "clients")
    tables = {row[0] for row in conn.execute("select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
    assert tables == {
        "file_registry", "file_confirmations", "dbt_builds", "ingest_warnings", "credit_decisions", "client_tax_id_checks", "clients", "documents", "installments", "receipts", "allocations", "withholdings", "fx_rates",
        "bank_statements", "bank_statement_lines",
    }
