"""`cartera status` words the checks a refresh stored in refresh_history.jsonl in
CARTERA_LANGUAGE: a message in that language, a line written as text as it is."""

import json

import dagster as dg

from orchestration.check_sentences import failure_sentence
from orchestration.config import load_settings
from orchestration.refresh import HISTORY_FILE_NAME, dagster_instance
from orchestration.status import print_status


@dg.op
def nothing() -> None:
    pass


@dg.job
def a_run() -> None:
    nothing()


def test_status_words_stored_checks_in_cartera_language(home, monkeypatch, capsys):
    """The home's one run failed a singular tie-out (2 clients) and warned on a gap worded
    in English text before messages were stored."""
    monkeypatch.setenv("CARTERA_HOME", str(home))
    run_id = a_run.execute_in_process(instance=dagster_instance(load_settings(home))).run_id
    checks = [
        {"asset": "marts/fct_documents", "check": "assert_open_balance_ties_to_sources", "severity": "error", "passed": False,
         "description": failure_sentence(None, "assert_open_balance_ties_to_sources", 2)},
        {"asset": "raw/bank_statements", "check": "gap", "severity": "warn", "passed": False, "description": "a gap in the statements"},
        {"asset": "marts/ar_aging", "check": "x", "severity": "error", "passed": True, "description": "x"},
    ]
    record = {"run_id": run_id, "outcome": "failed", "as_of_date": "2026-11-01", "checks": checks}
    (home / HISTORY_FILE_NAME).write_text(json.dumps(record) + "\n", encoding="utf-8")

    printed, first_lines = {}, {}
    for language in ("es", "en"):
        monkeypatch.setenv("CARTERA_LANGUAGE", language)
        assert print_status(limit=5) == 0
        run_line, *printed[language] = capsys.readouterr().out.splitlines()
        first_lines[language] = run_line

    assert printed["es"] == [
        "  comprobaciones: 1 de 3 superadas",
        "  FALLO   assert_open_balance_ties_to_sources en marts/fct_documents: "
        "el saldo pendiente de 2 cliente(s) no cuadra con los documentos",
        "  aviso   gap en raw/bank_statements: a gap in the statements",
    ]
    assert first_lines["es"].endswith(f"  ejecución {run_id[:8]}  fallida, a fecha de 2026-11-01")
    assert first_lines["en"].endswith(f"  run {run_id[:8]}  failed, as of 2026-11-01")
    assert printed["en"][0] == "  checks: 1 of 3 passed"
    assert printed["en"][1] == (
        "  FAILED  assert_open_balance_ties_to_sources on marts/fct_documents: "
        "the open balance of 2 client(s) does not tie to the documents"
    )
