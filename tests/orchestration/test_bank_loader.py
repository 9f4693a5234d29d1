"""Loading bank statement files into raw: told by content, whole or not at all, once,
the tampered ones quarantined with the difference, unknown files left where they are.

Fixtures: tests/fixtures/bank_inbox (cuenta_dos_cuentas.n43: two accounts, ES91 EUR
3 lines and ES77 USD 2 lines; extracto_manipulado.n43: the same file with account ES77's
final balance raised from 287.50 to 288.50) and the readers' camt053_v02.xml (ES91,
3 booked entries, one pending entry that is not a line).
"""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.config import load_settings
from orchestration.ingest.assets import raw_bank_statements
from orchestration.ingest.bank_loader import ENTITY, ingest_bank_statements, load_bank_csv_mappings
from orchestration.ingest.loader import DUPLICATE, LOADED, QUARANTINED, ingest_entity
from orchestration.resources import WarehouseResource

FIXTURES = Path(__file__).parent.parent / "fixtures"
BANK_INBOX = FIXTURES / "bank_inbox"
READER_FIXTURES = Path(__file__).parent.parent / "readers" / "bank" / "fixtures"
N43 = BANK_INBOX / "cuenta_dos_cuentas.n43"
CAMT = READER_FIXTURES / "camt053_v02.xml"
TAMPERED = BANK_INBOX / "extracto_manipulado.n43"
ES91 = "ES9121000418450200051332"
ES77 = "ES7700491500012810123456"


@pytest.fixture
def home(tmp_path, monkeypatch):
    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE", "CARTERA_BANK_CSV_MAPPINGS"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "inbox").mkdir()
    return tmp_path


@pytest.fixture
def conn(home):
    connection = duckdb.connect(str(home / "test.duckdb"))
    yield connection
    connection.close()


def drop(home, source: Path, name: str | None = None) -> None:
    shutil.copy(source, home / "inbox" / (name or source.name))


def ingest(conn, home):
    return ingest_bank_statements(conn, load_settings(home))


def test_norma43_of_two_accounts_and_camt053_load_with_lineage(conn, home):
    # Extensions a bank might use: content decides, not the name.
    drop(home, N43, "extracto_junio.txt")
    drop(home, CAMT, "estado_cuenta.dat")

    result = ingest(conn, home)

    assert [(o.file_name, o.status, o.rows) for o in result.outcomes] == [
        ("estado_cuenta.dat", LOADED, 3),
        ("extracto_junio.txt", LOADED, 5),
    ]
    assert result.unrecognised == []
    statements = conn.execute(
        """
        select _source_file, account, currency, period_start::varchar, period_end::varchar,
               opening_balance, closing_balance, line_count, format, statement_number
        from raw.bank_statements order by _source_file, statement_number
        """
    ).fetchall()
    assert statements == [
        ("estado_cuenta.dat", ES91, "EUR", "2025-06-01", "2025-06-30", Decimal("1234.56"), Decimal("1343.81"), 3, "camt053", 1),
        ("extracto_junio.txt", ES91, "EUR", "2025-06-01", "2025-06-30", Decimal("1234.56"), Decimal("4093.81"), 3, "norma43", 1),
        ("extracto_junio.txt", ES77, "USD", "2025-06-01", "2025-06-30", Decimal("-500.00"), Decimal("287.50"), 2, "norma43", 2),
    ]
    lines = conn.execute(
        """
        select account, line_number, booking_date::varchar, value_date::varchar, amount, currency,
               counterparty_name, counterparty_account, reference, bank_transaction_code,
               _source_file, _line_number, length(_sha256), _loaded_at is not null
        from raw.bank_statement_lines
        where _source_file = 'extracto_junio.txt'
        order by account desc, line_number
        """
    ).fetchall()
    assert lines[0] == (
        ES91, 1, "2025-06-03", "2025-06-03", Decimal("1210.00"), "EUR", "", "", "123 B12345678", "02-002",
        "extracto_junio.txt", 2, 64, True,
    )
    assert [(row[0], row[4], row[11]) for row in lines] == [
        (ES91, Decimal("1210.00"), 2), (ES91, Decimal("-350.75"), 5), (ES91, Decimal("2000.00"), 7),
        (ES77, Decimal("800.00"), 11), (ES77, Decimal("-12.50"), 14),
    ]
    camt = conn.execute(
        "select amount, counterparty_name, counterparty_account, _line_number from raw.bank_statement_lines "
        "where _source_file = 'estado_cuenta.dat' order by line_number"
    ).fetchall()
    # XML has no physical line per entry: _line_number is unknown, not 0.
    assert camt[0] == (Decimal("1210.00"), "ACME Ibérica S.L.", "ES7620770024003102575766", None)
    assert sum(row[0] for row in camt) == Decimal("109.25")  # 1343.81 - 1234.56; the pending 99.00 is not booked
    assert conn.execute("select typeof(amount) from raw.bank_statement_lines limit 1").fetchall() == [("DECIMAL(18,2)",)]
    registry = conn.execute("select file_name, entity, status, row_count from raw.file_registry order by file_name").fetchall()
    assert registry == [("estado_cuenta.dat", ENTITY, LOADED, 3), ("extracto_junio.txt", ENTITY, LOADED, 5)]


def test_tampered_file_is_quarantined_with_the_difference_and_the_others_load(conn, home):
    drop(home, N43)
    drop(home, CAMT)
    drop(home, TAMPERED)

    outcomes = {o.file_name: o for o in ingest(conn, home).outcomes}

    assert {name: o.status for name, o in outcomes.items()} == {
        "camt053_v02.xml": LOADED, "cuenta_dos_cuentas.n43": LOADED, "extracto_manipulado.n43": QUARANTINED,
    }
    assert not (home / "inbox" / "extracto_manipulado.n43").exists()
    assert (home / "quarantine" / "extracto_manipulado.n43").exists()
    report = (home / "quarantine" / "extracto_manipulado.n43.report.txt").read_text(encoding="utf-8")
    assert "extracto_manipulado.n43 was rejected whole" in report
    assert "line 15, column final_balance, value '288.50'" in report
    assert "(difference 1.00)" in report
    # Nothing of the tampered file, not even its account that did tie (ES91).
    assert conn.execute(
        "select count(*) from raw.bank_statement_lines where _source_file = 'extracto_manipulado.n43'"
    ).fetchall() == [(0,)]
    assert conn.execute("select count(*) from raw.bank_statement_lines").fetchall() == [(8,)]
    ((status, row_count, summary),) = conn.execute(
        "select status, row_count, message from raw.file_registry where file_name = 'extracto_manipulado.n43'"
    ).fetchall()
    assert (status, row_count) == (QUARANTINED, None)
    assert "(difference 1.00)" in render(summary, "en")
    # The report's JSON twin, as the data-quality page words it for a Spanish session.
    twin = json.loads((home / "quarantine" / "extracto_manipulado.n43.report.json").read_text(encoding="utf-8"))
    assert render(twin[2], "es") == (
        "  línea 15, columna final_balance, valor '288.50': registro 33: el saldo final declarado es 288.50, "
        "pero saldo inicial -500.00 + movimientos 787.50 = 287.50 (diferencia 1.00)"
    )


def test_same_file_dropped_again_loads_nothing_twice(conn, home):
    drop(home, N43)
    ingest(conn, home)
    drop(home, N43, "cuenta_dos_cuentas_otra_vez.n43")

    outcomes = ingest(conn, home).outcomes

    # The first copy moved to inbox/loaded/<day>/ when it loaded; the second follows it.
    assert [(o.file_name, o.status) for o in outcomes] == [("cuenta_dos_cuentas_otra_vez.n43", DUPLICATE)]
    assert sorted(path.name for path in (home / "inbox" / "loaded").glob("*/*")) == [
        "cuenta_dos_cuentas.n43", "cuenta_dos_cuentas_otra_vez.n43",
    ]
    assert conn.execute("select count(*) from raw.bank_statements").fetchall() == [(2,)]
    assert conn.execute("select count(*) from raw.bank_statement_lines").fetchall() == [(5,)]
    assert conn.execute("select count(*) from raw.file_registry").fetchall() == [(1,)]


def test_files_loaded_before_are_not_read_again(conn, home, monkeypatch):
    """A folder dropped again with one new statement: only the new one is read (by the
    reader processes, the size threshold at 0); the others are duplicates, in inbox order."""
    from orchestration.ingest import bank_loader, bank_reading

    drop(home, N43)
    ingest(conn, home)
    drop(home, CAMT)
    drop(home, N43, "zz_cuenta_dos_cuentas_otra_vez.n43")
    monkeypatch.setattr(bank_reading, "PARALLEL_READ_BYTES", 0)
    read = []

    def recorded(files):
        read.extend(file.path.name for file in files)
        return bank_reading.read_in_order(files)

    monkeypatch.setattr(bank_loader, "read_in_order", recorded)

    outcomes = ingest(conn, home).outcomes

    assert read == ["camt053_v02.xml"]
    assert [(o.file_name, o.status, o.rows) for o in outcomes] == [
        ("camt053_v02.xml", LOADED, 3), ("zz_cuenta_dos_cuentas_otra_vez.n43", DUPLICATE, 0),
    ]
    assert conn.execute("select count(*) from raw.bank_statement_lines").fetchall() == [(8,)]


def test_unrecognised_file_stays_in_the_inbox_untouched(conn, home):
    drop(home, BANK_INBOX / "notas_gestoria.txt")
    drop(home, READER_FIXTURES / "movimientos_banco.csv")  # a bank CSV, but no mapping declared
    (home / "inbox" / ".extracto.n43.part").write_bytes(N43.read_bytes())  # still being copied
    before = (home / "inbox" / "notas_gestoria.txt").read_bytes()

    result = ingest(conn, home)

    assert result.outcomes == []
    assert result.unrecognised == ["movimientos_banco.csv", "notas_gestoria.txt"]
    assert (home / "inbox" / "notas_gestoria.txt").read_bytes() == before
    assert not (home / "quarantine").exists()
    assert conn.execute("select count(*) from raw.file_registry").fetchall() == [(0,)]


def test_invoicing_files_are_not_bank_files_and_still_load(conn, home):
    drop(home, FIXTURES / "aging_inbox" / "clients.csv")
    drop(home, N43)

    bank = ingest(conn, home)
    [clients] = ingest_entity(conn, load_settings(home), "clients")

    assert [o.file_name for o in bank.outcomes] == ["cuenta_dos_cuentas.n43"]
    assert bank.unrecognised == []
    assert (clients.file_name, clients.status, clients.rows) == ("clients.csv", LOADED, 2)
    registry = conn.execute("select file_name, entity from raw.file_registry order by file_id").fetchall()
    assert registry == [("cuenta_dos_cuentas.n43", ENTITY), ("clients.csv", "clients")]


def test_bank_csv_loads_through_the_mapping_declared_in_config(conn, home, monkeypatch):
    mappings = home / "bank_csv.json"
    mappings.write_text(
        json.dumps(
            {
                "movimientos_*.csv": {
                    "date_column": "F. Operación",
                    "value_date_column": "F. Valor",
                    "description_column": "Concepto",
                    "counterparty_column": "Ordenante",
                    "debit_column": "Cargo",
                    "credit_column": "Abono",
                    "balance_column": "Saldo",
                    "account": ES91,
                    "skip_lines": 2,
                }
            }
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("CARTERA_BANK_CSV_MAPPINGS", str(mappings))
    drop(home, READER_FIXTURES / "movimientos_banco.csv")

    [outcome] = ingest(conn, home).outcomes

    assert (outcome.file_name, outcome.status) == ("movimientos_banco.csv", LOADED)
    assert conn.execute("select distinct format, account from raw.bank_statements").fetchall() == [("csv", ES91)]
    assert conn.execute("select count(*) from raw.bank_statement_lines").fetchall() == [(outcome.rows,)]


def test_malformed_mappings_file_names_itself(tmp_path):
    path = tmp_path / "bank_csv.json"
    path.write_text('{"x_*.csv": {"date_column": "Fecha", "colour": "red"}}', encoding="utf-8")
    with pytest.raises(ValueError, match="colour"):
        load_bank_csv_mappings(path)
    path.write_text('{"x_*.csv": {"date_column": "Fecha", "description_column": "C", "account": "A"}}', encoding="utf-8")
    with pytest.raises(ValueError, match="amount_column"):
        load_bank_csv_mappings(path)


def test_asset_reports_loaded_quarantined_and_unrecognised_files(home):
    drop(home, N43)
    drop(home, TAMPERED)
    drop(home, BANK_INBOX / "notas_gestoria.txt")

    result = dg.materialize([raw_bank_statements], resources={"warehouse": WarehouseResource(home=str(home))})

    assert result.success
    metadata = {
        tuple(m.asset_key.path): {key: value.value for key, value in m.metadata.items()}
        for m in result.asset_materializations_for_node("raw_bank_statements")
    }
    assert metadata[("raw", "bank_statements")] == {
        "files_loaded": 1,
        "files_quarantined": 1,
        "warnings": 0,
        "rows_in_table": 2,
        "quarantined": "extracto_manipulado.n43",
        "unrecognised": "notas_gestoria.txt",
    }
    assert metadata[("raw", "bank_statement_lines")] == {"rows_loaded": 5, "rows_in_table": 5}


VARIANTS = READER_FIXTURES / "variants"


def test_what_a_reader_accepts_with_a_note_reaches_the_ingest_warnings(conn, home):
    """The hand-made MT940 of real banks' quirks loads whole (1,200.00 - 6.00 - 65.00 +
    500.00 - 2.40 = 1,626.60, its closing balance) and its four notes are in
    raw.ingest_warnings, kind bank_format_note, with the line each names; the camt page
    without a booked balance names its element."""
    drop(home, VARIANTS / "mt940_bank_quirks.sta")
    drop(home, VARIANTS / "camt053_available_balances_only.xml")

    outcomes = {outcome.file_name: outcome for outcome in ingest(conn, home).outcomes}

    mt940 = outcomes["mt940_bank_quirks.sta"]
    assert (mt940.status, mt940.rows, len(mt940.warnings)) == (LOADED, 4, 4)
    assert mt940.warnings[1] == (
        "line 9: value date 160230 does not exist (banks write the 30th of February for month-end interest); "
        "read as 2016-02-29"
    )
    warnings = conn.execute(
        "select file_name, entity, line_number, column_name, value, reason, kind from raw.ingest_warnings"
        " order by file_id, line_number nulls first, column_name, reason"
    ).fetchall()
    # Files load in name order: the camt file first.
    assert [row[:5] for row in warnings] == [
        ("camt053_available_balances_only.xml", ENTITY, None, "Document/BkToCstmrStmt/Stmt[1]", None),
        ("camt053_available_balances_only.xml", ENTITY, None, "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]", None),
        ("mt940_bank_quirks.sta", ENTITY, None, None, None),
        ("mt940_bank_quirks.sta", ENTITY, None, None, None),
        ("mt940_bank_quirks.sta", ENTITY, 9, None, None),
        ("mt940_bank_quirks.sta", ENTITY, 15, None, None),
    ]
    assert {row[6] for row in warnings} == {"bank_format_note"}
    # Stored as messages: worded in the reader's language where they are shown.
    reasons = [render(row[5], "en") for row in warnings]
    line_9 = next(row[5] for row in warnings if row[2] == 9)
    assert render(line_9, "es") == (
        "la fecha valor 160230 no existe (los bancos ponen el 30 de febrero para los intereses de fin de mes); "
        "se ha leído como 2016-02-29"
    )
    assert "amount 500 written without its decimal comma; read as 500.00" in reasons
    assert any(reason.startswith("3 line(s) outside any statement skipped") for reason in reasons)
    assert "booked entry without BookgDt; its value date 2017-06-01 was used" in reasons
    assert (
        "the statement of account ES7620770024003102575766 has no booked opening (OPBD, PRCD) nor closing (CLBD) "
        "balance: its 1 line(s) could not be tied to balances"
    ) in reasons


def test_a_statement_read_without_notes_records_no_warning(conn, home):
    drop(home, N43)
    ingest(conn, home)
    assert conn.execute("select count(*) from raw.ingest_warnings").fetchall() == [(0,)]


def test_two_reader_processes_load_what_one_process_loads(tmp_path, monkeypatch):
    """The same inbox (N43 of two accounts, camt.053, a tampered N43, a second copy of the
    N43 under another name) ingested by this process alone and with two reader processes
    (the size threshold at 0): the same outcomes in the same order, the same file ids,
    and the same raw rows."""
    from orchestration.ingest import bank_reading

    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE", "CARTERA_BANK_CSV_MAPPINGS"):
        monkeypatch.delenv(variable, raising=False)
    runs = {}
    for name, threshold in (("serial", bank_reading.PARALLEL_READ_BYTES), ("parallel", 0)):
        monkeypatch.setattr(bank_reading, "PARALLEL_READ_BYTES", threshold)
        home = tmp_path / name
        (home / "inbox").mkdir(parents=True)
        for source, file_name in ((N43, None), (CAMT, None), (TAMPERED, None), (N43, "zz_copia.n43")):
            drop(home, source, file_name)
        with duckdb.connect(str(home / "test.duckdb")) as connection:
            outcomes = [(o.file_name, o.status, o.rows) for o in ingest(connection, home).outcomes]
            tables = {
                table: connection.execute(
                    f"select * exclude (_loaded_at) from raw.{table} order by all"
                ).fetchall()
                for table in ("bank_statements", "bank_statement_lines")
            }
            registry = connection.execute(
                "select file_id, file_name, status, row_count from raw.file_registry order by file_id"
            ).fetchall()
        runs[name] = (outcomes, tables, registry)

    outcomes, tables, registry = runs["parallel"]
    assert outcomes == [
        ("camt053_v02.xml", LOADED, 3),
        ("cuenta_dos_cuentas.n43", LOADED, 5),
        ("extracto_manipulado.n43", QUARANTINED, 0),
        ("zz_copia.n43", DUPLICATE, 0),
    ]
    assert len(tables["bank_statement_lines"]) == 8
    assert [row[1:] for row in registry] == [
        ("camt053_v02.xml", LOADED, 3), ("cuenta_dos_cuentas.n43", LOADED, 5), ("extracto_manipulado.n43", QUARANTINED, None),
    ]
    assert runs["parallel"] == runs["serial"]


def test_the_reader_processes_end_with_the_reading_even_when_the_loader_stops_early(monkeypatch):
    """Two readers start for three files; the loader takes the first and stops: no reader
    process is left."""
    import subprocess

    from orchestration.ingest import bank_reading

    def readers() -> list[str]:
        table = subprocess.run(["ps", "-eo", "ppid,args"], capture_output=True, text=True, check=True).stdout
        return [line for line in table.splitlines() if "-m orchestration.ingest.bank_reading" in line]

    monkeypatch.setattr(bank_reading, "PARALLEL_READ_BYTES", 0)
    before = readers()
    reading = bank_reading.read_in_order([bank_reading.BankFileToRead(path, None) for path in (N43, CAMT, TAMPERED)])
    first = next(reading)
    assert first.statement().line_columns.num_rows == 5
    assert len(readers()) == len(before) + 2
    reading.close()
    assert readers() == before
