"""The data-quality page on the demo warehouse, with and without a refresh history."""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from apptest import displayed_frame, marts, metrics, open_page
from dashboards import formatting
from dashboards.i18n.messages import message, render
from orchestration.config import Settings
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.readers import ExportError, FieldError

PAGE = "app_pages/data_quality.py"
# Read with four notes, two of them on lines 9 and 15 (tests/readers/bank/test_bank_mt940.py).
MT940_QUIRKS = Path(__file__).resolve().parents[1] / "readers" / "bank" / "fixtures" / "variants" / "mt940_bank_quirks.sta"
RUN = {
    "run_id": "r9", "started_at": "2026-11-02T06:00:00+00:00",
    "finished_at": "2026-11-02T06:02:00+00:00", "as_of_date": "2026-11-01",
    "outcome": "published_with_warnings", "exit_code": 2,
    "files": [
        {"file_name": "clients.csv", "entity": "clients", "status": "already_loaded", "rows": 0, "reason": None},
        {"file_name": "documents_2.csv", "entity": "documents", "status": "quarantined", "rows": 0,
         "reason": "line 12, field total_amount: not a number"},
    ],
    "checks": [
        {"asset": "marts/ar_aging", "check": "a", "severity": "error", "passed": True, "description": "x"},
        {"asset": "marts/bank", "check": "gap", "severity": "warn", "passed": False,
         "description": "a gap in the statements"},
    ],
    "message": "published with warnings: 1 file quarantined",
}


@pytest.fixture
def empty_home(demo_home, tmp_path, monkeypatch):
    """The demo's published database, read from a home where no refresh ever ran."""
    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(demo_home / "cartera.duckdb"))
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.delenv("CARTERA_QUARANTINE", raising=False)
    return tmp_path


@pytest.fixture
def home_with_history(empty_home):
    """The demo's published database, with a home that has a refresh history and a
    quarantine report."""
    (empty_home / "refresh_history.jsonl").write_text(json.dumps(RUN) + "\n", encoding="utf-8")
    (empty_home / "quarantine").mkdir()
    (empty_home / "quarantine" / "documents_2.csv.report.txt").write_text(
        "documents_2.csv, línea 12, campo total_amount: «abc» no es un número", encoding="utf-8"
    )
    return empty_home


@pytest.mark.parametrize("language", ["es", "en"])
def test_without_a_history_the_page_says_there_is_no_record_yet(demo_home, empty_home, language):
    registry = marts(demo_home, "select file_name from raw.file_registry")
    app = open_page(PAGE, language)

    assert any(
        info.value.startswith("Aún no hay registro de actualizaciones" if language == "es" else "No record of refreshes yet")
        for info in app.info
    )
    table = next(frame for frame in app.dataframe
                 if ("Fichero" if language == "es" else "File") in frame.value.columns)
    assert sorted(table.value["Fichero" if language == "es" else "File"]) == sorted(registry["file_name"])


def test_the_demo_refresh_is_the_last_refresh(demo):
    """The demo home's own history: its one refresh published clean, as its record says."""
    (record,) = [json.loads(line) for line in (demo / "refresh_history.jsonl").read_text(encoding="utf-8").splitlines()]
    app = open_page(PAGE, "es")

    assert record["outcome"] == "published"
    last = [success.value for success in app.success if success.value.startswith("Última actualización: ")]
    assert len(last) == 1 and "Publicado" in last[0] and render(record["message"], "es") in last[0]
    assert render(record["message"], "es") == f"publicado {demo / 'cartera.duckdb'}"


def test_the_last_refresh_its_files_checks_and_quarantine_reports(home_with_history):
    app = open_page(PAGE, "es")

    last = [warning.value for warning in app.warning if warning.value.startswith("Última actualización: ")]
    assert len(last) == 1 and "Publicado con avisos" in last[0]
    shown = metrics(app)
    assert (shown["Controles superados"], shown["Avisos"], shown["Controles fallidos"]) == ("1", "1", "0")
    files = next(frame for frame in app.dataframe if "Motivo" in frame.value.columns
                 and "Estado" in frame.value.columns and "Filas" in frame.value.columns
                 and len(frame.value) == 2)
    assert list(files.value["Estado"]) == ["Ya estaba cargado", "En cuarentena"]
    assert app.expander[0].label.startswith("documents_2.csv.report.txt")
    assert app.code[0].value == "documents_2.csv, línea 12, campo total_amount: «abc» no es un número"


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_report_kept_as_messages_is_worded_in_the_session_language(home_with_history, language):
    """A report written with its .report.json twin (orchestration/ingest/loader.py) is
    shown from the twin, in the page's language, whatever language its text file is in."""
    error = ExportError("receipts_3.csv", [FieldError(4, "amount", "-5.00", message("reader.negative_amount"))])
    folder = home_with_history / "quarantine"
    (folder / "receipts_3.csv.report.txt").write_text(error.report("en"), encoding="utf-8")
    (folder / "receipts_3.csv.report.json").write_text(json.dumps(error.report_lines()), encoding="utf-8")

    app = open_page(PAGE, language)

    shown = next(code.value for code in app.code if "receipts_3.csv" in code.value)
    assert shown.splitlines() == {
        "es": [
            "receipts_3.csv se ha rechazado entero; no se ha cargado nada de él.",
            "1 problema(s):",
            "  línea 4, columna amount, valor '-5.00': importe negativo (los importes van siempre en positivo; "
            "el tipo de documento da el signo)",
        ],
        "en": [
            "receipts_3.csv was rejected whole; nothing of it was loaded.",
            "1 problem(s):",
            "  line 4, column amount, value '-5.00': negative amount (amounts are always positive; the type gives "
            "the sign)",
        ],
    }[language]


def test_a_refresh_that_found_nothing_changed_says_so_and_the_last_run_s_files_stay(home_with_history):
    unchanged = {**RUN, "run_id": "", "outcome": "unchanged", "exit_code": 0, "files": [], "checks": [],
                 "finished_at": "2026-11-03T06:00:01+00:00", "message": "nothing to refresh"}
    with open(home_with_history / "refresh_history.jsonl", "a", encoding="utf-8") as history:
        history.write(json.dumps(unchanged) + "\n")

    app = open_page(PAGE, "en")

    last = [success.value for success in app.success if success.value.startswith("Last refresh: ")]
    assert len(last) == 1 and "Nothing changed since the last refresh: nothing to do" in last[0]
    files = next(frame for frame in app.dataframe if "Reason" in frame.value.columns and len(frame.value) == 2)
    assert list(files.value["File"]) == ["clients.csv", "documents_2.csv"]


@pytest.fixture
def home_with_a_limit_mismatch(demo_home, tmp_path, monkeypatch):
    """A copy of the demo's published database where the committee set C0042's limit to
    15,000.00 EUR on 10/11/2026 and the invoicing system still carries its old one."""
    published = tmp_path / "cartera.duckdb"
    shutil.copy(demo_home / "cartera.duckdb", published)
    with duckdb.connect(str(published)) as connection:
        connection.execute("""
            update marts.credit_limits
            set credit_limit_amount = 15000.00, credit_limit_currency_code = 'EUR',
                limit_decision = 'raise', limit_decision_date = date '2026-11-10',
                has_erp_limit_mismatch = true
            where client_id = 'C0042'""")
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    return tmp_path


def test_the_bookkeeper_sees_the_limits_to_update_in_the_invoicing_system(demo_home, home_with_a_limit_mismatch):
    """A viewer (the bookkeeper) has no committee page: the list is on the data-quality page."""
    [(name, erp_limit)] = marts(
        demo_home, "select client_name, erp_credit_limit_amount from marts.credit_limits where client_id = 'C0042'"
    ).itertuples(index=False)

    app = open_page(PAGE, "es")

    table = next(displayed_frame(grid) for grid in app.dataframe
                 if "Límite del comité" in grid.value.columns)
    assert table[["Cliente", "Código"]].values.tolist() == [[name, "C0042"]]
    assert table["Límite del comité"].tolist() == [formatting.money(Decimal("15000.00"), "EUR", "es")]
    assert table["Límite en facturación"].tolist() == [formatting.money(erp_limit, "EUR", "es")]


def stored(sentence) -> object:
    """A sentence as the refresh stores it in refresh_history.jsonl (JSON), read back."""
    return json.loads(json.dumps(sentence))


@pytest.fixture
def home_with_failed_checks(empty_home):
    """A history whose last refresh stored its failed checks as messages (a tie-out with its
    first row, a folded not-null test naming two columns) and one line written before
    messages were stored (text)."""
    from orchestration.check_sentences import failure_sentence

    not_null = {"attached_node": "model.cartera.fct_installments",
                "test_metadata": {"name": "not_null_columns", "kwargs": {"columns": ["due_date", "client_id", "amount"]}}}
    tie_out = {"key": "check.with_row", "args": {
        "sentence": failure_sentence(None, "assert_open_balance_ties_to_sources", 2),
        "row": {"key": "check.row_differs", "args": {"row": "client_id C0042, expected_amount 100.00, actual_amount 200.00",
                                                    "difference": "100.00"}},
    }}
    checks = [
        {"asset": "marts/fct_documents", "check": "assert_open_balance_ties_to_sources", "severity": "error",
         "passed": False, "description": stored(tie_out)},
        {"asset": "marts/fct_installments", "check": "not_null_columns_fct_installments", "severity": "warn", "passed": False,
         "description": stored(failure_sentence(not_null, "not_null_columns_fct_installments", 4, {"due_date": 3, "client_id": 1}))},
        {"asset": "marts/bank", "check": "gap", "severity": "warn", "passed": False, "description": "a gap in the statements"},
    ]
    files = [{**RUN["files"][0], "reason": stored(message("refresh.file_already_loaded"))}, RUN["files"][1]]
    (empty_home / "refresh_history.jsonl").write_text(json.dumps({**RUN, "checks": checks, "files": files}) + "\n", encoding="utf-8")
    return empty_home


@pytest.mark.parametrize("language, sentences", [
    ("es", [
        "el saldo pendiente de 2 cliente(s) no cuadra con los documentos: "
        "client_id C0042, expected_amount 100.00, actual_amount 200.00 (diferencia de 100.00)",
        "a gap in the statements",
        "3 valores de due_date y 1 valor de client_id están vacíos en fct_installments",
    ]),
    ("en", [
        "the open balance of 2 client(s) does not tie to the documents: "
        "client_id C0042, expected_amount 100.00, actual_amount 200.00 (differs by 100.00)",
        "a gap in the statements",
        "3 values of due_date and 1 value of client_id are empty in fct_installments",
    ]),
])
def test_failed_checks_and_file_reasons_are_worded_in_the_page_s_language_and_old_text_as_it_was(home_with_failed_checks, language, sentences):
    """The failed checks, errors first: each stored message in the page's language with its
    numbers (2 clients; 3 empty due dates and 1 empty client); the line stored as text
    before messages were, as it is. The same for the files' reasons: a message (already
    loaded) worded, a reader's text (quarantined) as it is."""
    app = open_page(PAGE, language)

    description = "Descripción" if language == "es" else "Description"
    table = next(displayed_frame(grid) for grid in app.dataframe
                 if description in grid.value.columns and len(grid.value) == 3)
    assert table[description].tolist() == sentences
    reason = "Motivo" if language == "es" else "Reason"
    files = next(displayed_frame(grid) for grid in app.dataframe if reason in grid.value.columns and len(grid.value) == 2)
    assert files[reason].tolist() == [
        "mismo contenido ya cargado" if language == "es" else "same content already loaded",
        "line 12, field total_amount: not a number",
    ]


@pytest.fixture
def home_with_an_old_registry_message(demo_home, tmp_path, monkeypatch):
    """A copy of the demo's published database whose first loaded file's registry message
    is the English text a load wrote before messages were stored."""
    published = tmp_path / "cartera.duckdb"
    shutil.copy(demo_home / "cartera.duckdb", published)
    with duckdb.connect(str(published)) as connection:
        connection.execute("""
            update raw.file_registry set message = '309 rows, 309 new or changed'
            where file_id = (select min(file_id) from raw.file_registry where status = 'loaded')""")
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    return published


@pytest.mark.parametrize("language, loaded", [("es", "{rows} filas, {changed} nuevas o modificadas"),
                                              ("en", "{rows} rows, {changed} new or changed")])
def test_the_registry_words_its_messages_in_the_page_s_language_and_old_text_as_it_was(
    home_with_an_old_registry_message, language, loaded
):
    """Each loaded export's message is stored as a key with its row counts and worded with
    the page's numbers; the old row's text is shown as it is; a bank file's load has no
    message."""
    with duckdb.connect(str(home_with_an_old_registry_message), read_only=True) as connection:
        registry = connection.execute("""
            select entity, row_count, changed_rows, message from raw.file_registry
            where status = 'loaded' order by seen_at desc, file_id desc""").fetchall()
    old = registry[-1]
    assert old[3] == "309 rows, 309 new or changed"
    stored = [message for entity, _, _, message in registry[:-1] if entity not in ("bank_statements", "credit_decisions")]
    assert len(stored) >= 6 and all(message.startswith('{"key": "registry.loaded"') for message in stored)

    app = open_page(PAGE, language)

    status_column, message_column, loaded_status = (
        ("Estado", "Mensaje", "Cargado") if language == "es" else ("Status", "Message", "Loaded")
    )
    table = next(displayed_frame(grid) for grid in app.dataframe
                 if {status_column, message_column} <= set(grid.value.columns))
    shown = table[table[status_column] == loaded_status][message_column].tolist()
    assert shown == [
        "" if message is None else loaded.format(rows=formatting.number(rows, language), changed=formatting.number(changed, language))
        for _, rows, changed, message in registry[:-1]
    ] + ["309 rows, 309 new or changed"]


@pytest.fixture
def home_with_bank_notes(demo_home, tmp_path, monkeypatch):
    """A copy of the demo's published database into which an MT940 file read with notes
    was loaded, its notes in raw.ingest_warnings."""
    settings = Settings(home=tmp_path, inbox=tmp_path / "inbox", quarantine=tmp_path / "quarantine")
    settings.make_dirs()
    shutil.copy(demo_home / "cartera.duckdb", tmp_path / "cartera.duckdb")
    shutil.copy(MT940_QUIRKS, settings.inbox)
    with duckdb.connect(str(tmp_path / "cartera.duckdb")) as connection:
        ingest_bank_statements(connection, settings)
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    return tmp_path


@pytest.mark.parametrize("language, line_9", [
    ("es", "la fecha valor 160230 no existe (los bancos ponen el 30 de febrero para los intereses de fin de mes); "
           "se ha leído como 2016-02-29"),
    ("en", "value date 160230 does not exist (banks write the 30th of February for month-end interest); "
           "read as 2016-02-29"),
])
def test_a_bank_reader_s_notes_are_worded_in_the_page_s_language(home_with_bank_notes, language, line_9):
    app = open_page(PAGE, language)

    file_column, line_column, reason_column = (
        ("Fichero", "Línea", "Motivo") if language == "es" else ("File", "Line", "Reason")
    )
    table = next(displayed_frame(grid) for grid in app.dataframe
                 if {file_column, line_column, reason_column} <= set(grid.value.columns))
    notes = table[table[file_column] == "mt940_bank_quirks.sta"]
    assert len(notes) == 4
    assert notes[notes[line_column] == "9"][reason_column].tolist() == [line_9]
