"""The data-quality page on the demo warehouse, with and without a refresh history."""

import json

import pytest

from apptest import marts, metrics, open_page

PAGE = "app_pages/data_quality.py"
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
    assert len(last) == 1 and "Publicado" in last[0] and record["message"] in last[0]


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
