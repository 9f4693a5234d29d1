"""The bad-input corpus (tests/fixtures/bad_inputs): each file, dropped on a warehouse
holding the aging fixture (tests/fixtures/aging_inbox), gets its clear outcome, and the
rest of the warehouse is what a clean run gives.

Through the loader (no dbt): what reaches raw is what the warehouse is built from.
Aging fixture: clients C1, C2; documents D1 (C1, 1,210.00), D2 (C1, 605.00), D3 (C2,
USD); receipts R1 (C1, 500.00, allocated to D1), R2 (C1, 300.00, unallocated).
"""

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.config import Settings, load_settings
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.ingest.loader import LOADED, QUARANTINED, ingest_entity
from orchestration.readers import ENTITIES, detect_entity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CORPUS = FIXTURES / "bad_inputs"
AGING_INBOX = FIXTURES / "aging_inbox"

RAW_TABLES = (*ENTITIES, "bank_statements", "bank_statement_lines")

NOT_A_NUMBER = "not a number (expected 1234.56 or 1,234.56)"
NEGATIVE = "negative amount (amounts are always positive; the type gives the sign)"

# file -> (line, column, value, reason) of its report's first problem. Line 0 is the
# file as a whole; column and value "" when the problem has none.
QUARANTINED_FILES = {
    "clients_empty.csv": (0, "", "", "empty file (no header row)"),
    "clients_utf16_no_bom.csv": (0, "", "", "not a text file (contains NUL bytes; UTF-16 needs its byte-order mark)"),
    "documents_binary.csv": (0, "", "", "not a text file (contains NUL bytes; UTF-16 needs its byte-order mark)"),
    "clients_truncated.xlsx": (0, "", "", "not a readable .xlsx workbook (BadZipFile: File is not a zip file)"),
    "clients_bad_country.csv": (2, "country", "España", "not a country code (expected 2 letters, ISO 3166-1 alpha-2, e.g. ES)"),
    "documents_wrong_delimiter.csv": (1, "", "", "the header is split by tabs; exports are delimited by , or ;"),
    "documents_missing_column.csv": (1, "total", "", "required column missing"),
    "receipts_renamed_column.csv": (
        1, "amount", "", "required column missing (the header has column(s) the contract does not know: importe; renamed?)"
    ),
    "documents_duplicated_ids.csv": (
        3, "document_id", "D10", "duplicate key (document_id, updated_at) = (D10, 2025-06-01T10:00:00) also on line 2"
    ),
    "documents_impossible_date.csv": (2, "issue_date", "2025-02-30", "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
    "documents_due_before_issue.csv": (2, "due_date", "2025-05-01", "due_date 2025-05-01 is before issue_date 2025-06-01"),
    "documents_total_mismatch.csv": (2, "total", "122.00", "total 122.00 != net + tax - withholding = 121.00"),
    "documents_negative_total.csv": (2, "net", "-100.00", NEGATIVE),
    "receipts_negative_amount.csv": (2, "amount", "-10.00", NEGATIVE),
    "receipts_amount_decimal_comma_in_comma_file.csv": (2, "amount", "12,50", NOT_A_NUMBER),
    "receipts_amount_currency_symbol.csv": (2, "amount", "€10.00", NOT_A_NUMBER),
    "receipts_amount_exponent.csv": (2, "amount", "1e3", NOT_A_NUMBER),
    "receipts_amount_parentheses.csv": (2, "amount", "(10.00)", NOT_A_NUMBER),
    "receipts_amount_wrong_grouping.csv": (2, "amount", "1,23.45", NOT_A_NUMBER),
    "receipts_amount_three_decimals.csv": (2, "amount", "10.505", "more than 2 decimals (money is never rounded)"),
    "receipts_amount_empty.csv": (2, "amount", "", "required value is empty"),
    "receipts_unterminated_quote.csv": (2, "", "", "malformed CSV quoting (unexpected end of data)"),
    "receipts_values_beyond_header.csv": (
        2, "", "Zaragoza", "1 value(s) beyond the last named column; is a value containing the delimiter left unquoted?"
    ),
    "fx_rates_not_a_number.csv": (2, "USD", "one point one", NOT_A_NUMBER),
    "documents_unknown_client.csv": (3, "client_id", "C9999", "client C9999 is not in any clients export"),
    "receipts_unknown_client.csv": (2, "client_id", "C7", "client C7 is not in any clients export"),
    "receipts_currency_without_rates.csv": (
        2, "currency", "XYZ", "currency XYZ has no exchange rate in any fx_rates file"
    ),
    "allocations_unknown_document.csv": (2, "document_id", "D999999", "document D999999 is not in any documents export"),
    "allocations_unknown_receipt.csv": (2, "receipt_id", "R9", "receipt R9 is not in any receipts export"),
    "allocations_over_receipt.csv": (
        2, "amount", "350.00", "allocations of receipt R2 add up to 350.00, more than the receipt's 300.00"
    ),
    "allocations_cross_client.csv": (
        2, "document_id", "D3", "document D3 belongs to client C2, but receipt R2 was paid by client C1"
    ),
    "withholdings_unknown_document.csv": (2, "document_id", "D77", "document D77 is not in any documents export"),
    "installments_not_summing.csv": (
        2, "amount", "600.00", "instalments of document D2 sum to 600.00 but its total is 605.00"
    ),
    "camt053_xml_bomb.xml": (0, "", "", "unsafe XML refused (DTDForbidden: DTDs and entities are not allowed)"),
    "camt053_external_entity.xml": (0, "", "", "unsafe XML refused (DTDForbidden: DTDs and entities are not allowed)"),
    "extracto_truncado.sta": (1, ":62F:", "", "statement starting on line 1 has no :62a: field: truncated or incomplete?"),
    "extracto_descuadrado.n43": (
        15, "final_balance", "288.50",
        "record 33: stated closing balance 288.50 but opening balance -500.00 + movements 787.50 = 287.50 (difference 1.00)",
    ),
}

# Files that are valid after all: file -> (rows loaded, first warning or None).
LOADED_FILES = {
    "receipts_header_only.csv": (0, None),
    "receipts_amount_grouped_semicolon.csv": (1, None),
    "receipts_extra_columns.csv": (
        1,
        "line 1, column bank_fee, notes: column(s) bank_fee, notes are not in the receipts contract "
        "and were not loaded (schema drift)",
    ),
    "documents_cross_client_credit_note.csv": (
        1,
        "line 2, column related_document_id, value 'D1': credit note CN3 of client C2 corrects D1, "
        "a document of client C1: loaded as not linked to any document",
    ),
    "documents_2025..06.csv": (1, None),
    "clients_Ñandú_añadidos.csv": (1, None),
}


def test_the_corpus_is_every_file_of_the_folder():
    assert sorted(path.name for path in CORPUS.iterdir()) == sorted([*QUARANTINED_FILES, *LOADED_FILES])
    assert len(QUARANTINED_FILES) + len(LOADED_FILES) >= 30


def _settings(home: Path) -> Settings:
    settings = Settings(home=home, inbox=home / "inbox", quarantine=home / "quarantine")
    settings.make_dirs()
    return settings


def _ingest_inbox(conn: duckdb.DuckDBPyConnection, settings: Settings) -> dict:
    """Every entity in dependency order, then the bank files: outcome per file name."""
    outcomes = [outcome for entity in ENTITIES for outcome in ingest_entity(conn, settings, entity)]
    outcomes += ingest_bank_statements(conn, settings).outcomes
    return {outcome.file_name: outcome for outcome in outcomes}


def _raw_contents(conn: duckdb.DuckDBPyConnection, exclude_files=()) -> dict:
    """Every raw table's rows without the load's own lineage (file ids, times)."""
    contents = {}
    for table in RAW_TABLES:
        placeholders = ", ".join("?" for _ in exclude_files) or "''"
        contents[table] = conn.execute(
            f"select * exclude (_file_id, _loaded_at) from raw.{table} "
            f"where _source_file not in ({placeholders}) order by all",
            list(exclude_files),
        ).fetchall()
    return contents


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The aging fixture loaded alone: its database file and its raw contents."""
    home = tmp_path_factory.mktemp("clean")
    settings = _settings(home)
    for path in AGING_INBOX.iterdir():
        shutil.copy(path, settings.inbox)
    with duckdb.connect(str(home / "clean.duckdb")) as conn:
        assert all(outcome.status == LOADED for outcome in _ingest_inbox(conn, settings).values())
        contents = _raw_contents(conn)
    return home / "clean.duckdb", contents


@pytest.fixture
def on_clean(clean, tmp_path):
    """A home whose warehouse holds the clean run, and a connection to it."""
    database, _ = clean
    settings = _settings(tmp_path)
    shutil.copy(database, tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        yield settings, conn


def _drop_and_ingest(settings: Settings, conn: duckdb.DuckDBPyConnection, file_name: str):
    shutil.copy(CORPUS / file_name, settings.inbox / file_name)
    entity = detect_entity(file_name)
    [outcome] = ingest_entity(conn, settings, entity) if entity else ingest_bank_statements(conn, settings).outcomes
    return outcome


@pytest.mark.parametrize("file_name", sorted(QUARANTINED_FILES))
def test_a_bad_file_is_quarantined_with_its_reason_and_raw_is_unchanged(clean, on_clean, file_name):
    settings, conn = on_clean
    line, column, value, reason = QUARANTINED_FILES[file_name]

    outcome = _drop_and_ingest(settings, conn, file_name)

    assert outcome.status == QUARANTINED
    report = (settings.quarantine / f"{file_name}.report.txt").read_text(encoding="utf-8").splitlines()
    assert report[0] == f"{file_name} was rejected whole; nothing of it was loaded."
    first = report[2].strip()
    assert first.startswith("line " + str(line) if line else "file")
    if column:
        assert f", column {column}" in first
    if value:
        assert f", value {value!r}" in first
    assert first.endswith(f": {reason}")
    assert (settings.quarantine / file_name).exists() and not (settings.inbox / file_name).exists()
    assert _raw_contents(conn) == clean[1]


@pytest.mark.parametrize("file_name", sorted(LOADED_FILES))
def test_a_file_that_is_valid_after_all_loads(clean, on_clean, file_name):
    settings, conn = on_clean
    rows, warning = LOADED_FILES[file_name]

    outcome = _drop_and_ingest(settings, conn, file_name)

    assert (outcome.status, outcome.rows) == (LOADED, rows)
    assert (outcome.warnings[0] if outcome.warnings else None) == warning
    assert [path.name for path in (settings.inbox / "loaded").glob("*/*")] == [file_name]
    assert _raw_contents(conn, exclude_files=[file_name]) == clean[1]


def test_the_whole_corpus_with_the_clean_exports_loads_what_a_clean_run_loads(clean, tmp_path):
    """All at once, in one run with the clean exports: every bad file quarantined, the
    valid ones loaded, and raw without the valid ones' rows equals the clean run's."""
    settings = _settings(tmp_path)
    for folder in (AGING_INBOX, CORPUS):
        for path in folder.iterdir():
            shutil.copy(path, settings.inbox)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as conn:
        outcomes = _ingest_inbox(conn, settings)
        contents = _raw_contents(conn, exclude_files=list(LOADED_FILES))

    assert {name for name, outcome in outcomes.items() if outcome.status == QUARANTINED} == set(QUARANTINED_FILES)
    assert {name for name, outcome in outcomes.items() if outcome.status == LOADED} == {
        *LOADED_FILES, *(path.name for path in AGING_INBOX.iterdir())
    }
    assert contents == clean[1]
    assert sorted(path.name for path in settings.inbox.iterdir()) == ["loaded"]


@pytest.fixture(scope="module")
def large_receipts(tmp_path_factory):
    """A receipts export of about 16 MB (generated, never committed): 222,223 rows of
    72 bytes, R00000000 to R00222222, each 1,234.56 EUR of client C1. The 300 MB run is
    tests/benchmarks/bench_large_export.py."""
    path = tmp_path_factory.mktemp("large") / "receipts_large.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write("receipt_id,client_id,date,currency,amount,method,reference\n")
        for number in range(222_223):
            file.write(f"R{number:08d},C1,2025-06-25,EUR,1234.56,transfer,F-2025-000123 pago parcial\n")
    return path


def test_a_large_export_loads_whole(on_clean, large_receipts):
    """222,223 receipts of 1,234.56 = 222,223,000.00 + 222,223 x 234.56 (52,124,626.88)
    = 274,347,626.88, plus the fixture's 500.00 + 300.00 = 274,348,426.88."""
    settings, conn = on_clean
    shutil.copy(large_receipts, settings.inbox)

    [outcome] = ingest_entity(conn, settings, "receipts")

    assert (outcome.status, outcome.rows) == (LOADED, 222_223)
    assert conn.execute("select count(*), sum(amount) from raw.receipts").fetchall() == [
        (222_225, Decimal("274348426.88"))
    ]


# Run in a process of its own, so the peak memory it prints is the load's alone. The peak
# is VmHWM, this process's own: getrusage's ru_maxrss survives exec and would report the
# pytest worker that spawned it (593 MB in a full run, 186 MB alone).
_LOAD_AND_MEASURE = """
import re, sys
from pathlib import Path
import duckdb
from orchestration.config import load_settings
from orchestration.ingest.loader import ingest_entity
settings = load_settings(Path(sys.argv[1]))
with duckdb.connect(str(settings.build_db), config=settings.duckdb_config()) as conn:
    ingest_entity(conn, settings, "clients")
    [outcome] = ingest_entity(conn, settings, "receipts")
    total = conn.execute("select count(*), sum(amount) from raw.receipts").fetchall()[0]
peak_kb = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1))
print(outcome.status, *total, peak_kb // 1024)
"""


def test_a_large_export_loads_in_bounded_memory(large_receipts, tmp_path):
    """The 16 MB export loads in a process whose DuckDB may use 128 MB: its peak memory
    stays under 450 MB, where a reader holding each cell as a Python object needed about
    50 times the file (800 MB). Every row is there: 222,223 x 1,234.56 = 274,347,626.88.
    A real 300 MB export is measured by tests/benchmarks/bench_large_export.py."""
    settings = load_settings(tmp_path)
    settings.make_dirs()
    shutil.copy(AGING_INBOX / "clients.csv", settings.inbox)
    shutil.copy(large_receipts, settings.inbox)
    environment = {**os.environ, "CARTERA_DUCKDB_MEMORY_LIMIT": "128MB"}

    finished = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_MEASURE, str(tmp_path)],
        env=environment, capture_output=True, text=True, check=True, timeout=600,
    )

    status, rows, amount, peak_mb = finished.stdout.split()[-4:]
    assert (status, int(rows), Decimal(amount)) == (LOADED, 222_223, Decimal("274347626.88"))
    assert int(peak_mb) < 450
