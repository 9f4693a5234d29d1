"""The refresh outcome in words, from dbt's own artefacts: a failing tie-out names what
does not tie, its first rows and by how much; a warning test is a warning."""

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from dashboards.i18n.messages import render
from orchestration.config import Settings
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.refresh import _check_results, _ingest_warnings

MT940_QUIRKS = Path(__file__).resolve().parents[1] / "readers" / "bank" / "fixtures" / "variants" / "mt940_bank_quirks.sta"

FAILING_TIE_OUT = """
select * from (values
    ('C0042', 'EUR', cast(100.00 as decimal(18, 2)), cast(200.00 as decimal(18, 2))),
    ('C0043', 'EUR', cast(50.00 as decimal(18, 2)), cast(40.00 as decimal(18, 2)))
) as t(client_id, currency_code, expected_amount, actual_amount)
order by client_id
"""


def make_home(tmp_path, results: list[dict]) -> Settings:
    settings = Settings(home=tmp_path, inbox=tmp_path / "inbox", quarantine=tmp_path / "quarantine")
    settings.make_dirs()
    settings.dbt_target.mkdir(parents=True)
    duckdb.connect(str(settings.build_db)).close()
    model = {"resource_type": "model", "name": "fct_documents", "config": {"schema": "marts"}, "relation_name": None}
    tests = {
        "test.cartera.assert_open_balance_ties_to_sources": {
            "resource_type": "test", "name": "assert_open_balance_ties_to_sources", "config": {"severity": "ERROR"},
            "depends_on": {"nodes": ["model.cartera.fct_documents"]},
        },
        "test.cartera.warn_bank_account_balances_tie_to_lines": {
            "resource_type": "test", "name": "warn_bank_account_balances_tie_to_lines", "config": {"severity": "warn"},
            "depends_on": {"nodes": ["source.cartera.raw.bank_statements"]},
        },
    }
    manifest = {
        "nodes": {"model.cartera.fct_documents": model, **tests},
        "sources": {"source.cartera.raw.bank_statements": {"name": "bank_statements", "source_name": "raw", "config": {}}},
    }
    (settings.dbt_target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (settings.dbt_target / "run_results.json").write_text(json.dumps({"results": results}), encoding="utf-8")
    return settings


def test_a_failing_tie_out_says_what_does_not_tie_with_its_first_rows(tmp_path):
    """C0042: expected 100.00, actual 200.00, differs by 100.00; C0043: 50.00 vs 40.00,
    differs by 10.00."""
    settings = make_home(tmp_path, [
        {"unique_id": "test.cartera.assert_open_balance_ties_to_sources", "status": "fail", "failures": 2, "compiled_code": FAILING_TIE_OUT},
        {"unique_id": "test.cartera.warn_bank_account_balances_tie_to_lines", "status": "warn", "failures": 1, "compiled_code": "select 'ES91' as bank_account"},
        {"unique_id": "model.cartera.fct_documents", "status": "success"},
    ])

    checks = _check_results(settings, [], since=datetime.now().astimezone() - timedelta(minutes=1))

    assert [(c.asset, c.check, c.severity, c.passed) for c in checks] == [
        ("marts/fct_documents", "assert_open_balance_ties_to_sources", "error", False),
        ("raw/bank_statements", "warn_bank_account_balances_tie_to_lines", "warn", False),
    ]
    assert render(checks[0].description, "en") == (
        "the open balance of 2 client(s) does not tie to the documents: "
        "client_id C0042, currency_code EUR, expected_amount 100.00, actual_amount 200.00 (differs by 100.00); "
        "client_id C0043, currency_code EUR, expected_amount 50.00, actual_amount 40.00 (differs by 10.00)"
    )
    assert render(checks[1].description, "en") == "the statements of 1 bank account(s) leave a gap: a statement may be missing: bank_account ES91"


def test_results_of_an_earlier_build_are_not_this_runs(tmp_path):
    settings = make_home(tmp_path, [
        {"unique_id": "test.cartera.assert_open_balance_ties_to_sources", "status": "fail", "failures": 2, "compiled_code": FAILING_TIE_OUT},
    ])
    assert _check_results(settings, [], since=datetime.now().astimezone() + timedelta(minutes=1)) == []


def test_files_loaded_with_warnings_are_told_with_their_count_and_first_warning(tmp_path):
    """The refresh's summary and exit code 2 come from raw.ingest_warnings: the MT940 of
    real banks' quirks loads with 4 notes; a later run that loads nothing has none."""
    settings = Settings(home=tmp_path, inbox=tmp_path / "inbox", quarantine=tmp_path / "quarantine")
    settings.make_dirs()
    shutil.copy(MT940_QUIRKS, settings.inbox)
    started_at = datetime.now().astimezone()
    with duckdb.connect(str(settings.build_db)) as conn:
        ingest_bank_statements(conn, settings)

    [(file_name, (count, first))] = _ingest_warnings(settings, started_at).items()

    assert (file_name, count) == ("mt940_bank_quirks.sta", 4)
    assert render(first, "en").startswith("file: text is neither UTF-8 nor Windows-1252 (byte 0x81")
    assert render(first, "es") == (
        "fichero: el texto no es UTF-8 ni Windows-1252 (byte 0x81 en la posición 333): se ha leído como Latin-1; "
        "las letras acentuadas de nombres y conceptos pueden salir mal"
    )
    assert _ingest_warnings(settings, datetime.now().astimezone() + timedelta(seconds=1)) == {}


def test_the_files_reasons_are_messages_worded_in_each_language(tmp_path):
    """clients.csv was loaded by an earlier refresh (already loaded), documents_bad.csv was
    quarantined by this one (its reader's text, as it is), notes.txt is no export and stays
    in the inbox, receipts.csv was never reached."""
    from dashboards.i18n.messages import render
    from orchestration.ingest.loader import LOADED, QUARANTINED, register
    from orchestration.ingest.raw_tables import ensure_raw_schema
    from orchestration.refresh import _file_results

    settings = make_home(tmp_path, [])
    started = datetime.now().astimezone()
    with duckdb.connect(str(settings.build_db)) as conn:
        ensure_raw_schema(conn)
        register(conn, 1, "clients.csv", "clients", "a" * 64, 10, 3, LOADED, None, (started - timedelta(days=1)).replace(tzinfo=None))
        register(conn, 2, "documents_bad.csv", "documents", "b" * 64, 10, None, QUARANTINED,
                 "documents_bad.csv rejected: line 3, field total_amount: not a number", started.replace(tzinfo=None))
    (settings.inbox / "notes.txt").write_text("not an export", encoding="utf-8")
    dropped = {"clients.csv": "a" * 64, "documents_bad.csv": "b" * 64, "notes.txt": "c" * 64, "receipts.csv": "d" * 64}

    files = _file_results(settings, dropped, started - timedelta(seconds=1))

    assert [(f.file_name, f.status) for f in files] == [
        ("clients.csv", "already_loaded"), ("documents_bad.csv", "quarantined"), ("notes.txt", "unrecognised"), ("receipts.csv", "not_read"),
    ]
    assert [render(f.reason, "es") for f in files] == [
        "mismo contenido ya cargado",
        "documents_bad.csv rejected: line 3, field total_amount: not a number",
        "no reconocido como exportación: se deja en la carpeta inbox",
        "la actualización se detuvo antes de leerlo",
    ]
    assert render(files[0].reason, "en") == "same content already loaded"
