"""The bookkeeper's sentence of a dbt test: the folded not-null test of a model
(not_null_columns, DECISIONLOG: dbt nodes) names the model and its columns when it passes,
and when it fails the model and, from its failing rows, each column left empty and how
many of its values."""

import json
from datetime import datetime, timedelta

import duckdb

from dashboards.i18n.messages import render
from orchestration.check_sentences import check_sentence, failure_sentence
from orchestration.config import Settings
from orchestration.refresh import CheckResult, _check_results, _print_summary

NOT_NULL_COLUMNS = {
    "resource_type": "test",
    "name": "not_null_columns_ar_aging_as_of_date__client_id",
    "attached_node": "model.cartera.ar_aging",
    "config": {"severity": "ERROR"},
    "depends_on": {"nodes": ["model.cartera.ar_aging"]},
    "test_metadata": {"name": "not_null_columns", "kwargs": {"columns": ["as_of_date", "client_id"], "model": "{{ get_where_subquery(ref('ar_aging')) }}"}},
}

# What the test's compiled SQL returns: one row per empty value, its column first; here
# two values of as_of_date and one of client_id are empty.
FAILING_ROWS = """
select * from (values
    ('as_of_date', cast(null as date), 'C0001', cast(80.00 as decimal(18, 2))),
    ('as_of_date', cast(null as date), 'C0002', cast(15.50 as decimal(18, 2))),
    ('client_id', date '2026-11-01', cast(null as varchar), cast(120.00 as decimal(18, 2)))
) as t(empty_column, as_of_date, client_id, open_balance_amount)
"""


def english(stored) -> str:
    return render(stored, "en")


def test_a_passing_not_null_columns_test_names_its_model_and_columns():
    assert english(check_sentence(NOT_NULL_COLUMNS, NOT_NULL_COLUMNS["name"])) == "as_of_date, client_id are never empty in ar_aging"
    one_column = {**NOT_NULL_COLUMNS, "test_metadata": {"name": "not_null_columns", "kwargs": {"columns": ["client_id"]}}}
    assert english(check_sentence(one_column, "x")) == "client_id is never empty in ar_aging"


def test_a_failing_not_null_columns_test_names_the_model_and_each_empty_column_with_its_count(tmp_path):
    """dbt counts 3 failing rows; the sentence reads them from the build database: 2 of
    them are as_of_date, 1 is client_id."""
    settings = Settings(home=tmp_path, inbox=tmp_path / "inbox", quarantine=tmp_path / "quarantine")
    settings.make_dirs()
    settings.dbt_target.mkdir(parents=True)
    duckdb.connect(str(settings.build_db)).close()
    model = {"resource_type": "model", "name": "ar_aging", "config": {"schema": "marts"}, "relation_name": None}
    unique_id = "test.cartera.not_null_columns_ar_aging_as_of_date__client_id.0a1b2c"
    manifest = {"nodes": {"model.cartera.ar_aging": model, unique_id: NOT_NULL_COLUMNS}, "sources": {}}
    (settings.dbt_target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    results = [{"unique_id": unique_id, "status": "fail", "failures": 3, "compiled_code": FAILING_ROWS}]
    (settings.dbt_target / "run_results.json").write_text(json.dumps({"results": results}), encoding="utf-8")

    (check,) = _check_results(settings, [], since=datetime.now().astimezone() - timedelta(minutes=1))

    assert (check.asset, check.severity, check.passed) == ("marts/ar_aging", "error", False)
    assert english(check.description) == (
        "2 values of as_of_date and 1 value of client_id are empty in ar_aging: "
        "empty_column as_of_date, client_id C0001, open_balance_amount 80.00; "
        "empty_column as_of_date, client_id C0002, open_balance_amount 15.50; "
        "empty_column client_id, as_of_date 2026-11-01, open_balance_amount 120.00"
    )


def test_the_failure_sentence_of_a_folded_not_null_test_counts_each_empty_column():
    name = NOT_NULL_COLUMNS["name"]
    assert english(failure_sentence(NOT_NULL_COLUMNS, name, 1, {"client_id": 1})) == "1 value of client_id is empty in ar_aging"
    assert english(failure_sentence(NOT_NULL_COLUMNS, name, 3, {"client_id": 3})) == "3 values of client_id are empty in ar_aging"
    three = {"as_of_date": 1, "client_id": 1, "open_balance_amount": 4}
    assert english(failure_sentence(NOT_NULL_COLUMNS, name, 6, three)) == (
        "1 value of as_of_date, 1 value of client_id and 4 values of open_balance_amount are empty in ar_aging"
    )
    assert render(failure_sentence(NOT_NULL_COLUMNS, name, 6, three), "es") == (
        "1 valor de as_of_date, 1 valor de client_id y 4 valores de open_balance_amount están vacíos en ar_aging"
    )
    assert render(failure_sentence(NOT_NULL_COLUMNS, name, 1, {"client_id": 1}), "es") == "1 valor de client_id está vacío en ar_aging"
    # When the failing rows cannot be read, dbt's count and every listed column.
    assert english(failure_sentence(NOT_NULL_COLUMNS, name, 3)) == (
        "3 value(s) are empty in ar_aging among as_of_date, client_id, which must always be filled"
    )


def test_the_refresh_summary_words_a_failed_check_in_cartera_language(tmp_path, monkeypatch, capsys):
    """The CLI's summary is worded in CARTERA_LANGUAGE, the stored message with it (English
    by default; a language the catalogue lacks is English too)."""
    settings = Settings(home=tmp_path, inbox=tmp_path / "inbox", quarantine=tmp_path / "quarantine")
    name = NOT_NULL_COLUMNS["name"]
    failed = CheckResult("marts/ar_aging", name, "error", False, failure_sentence(NOT_NULL_COLUMNS, name, 3, {"as_of_date": 2, "client_id": 1}))

    printed = {}
    for language in ("es", "en", "fr", None):
        if language:
            monkeypatch.setenv("CARTERA_LANGUAGE", language)
        else:
            monkeypatch.delenv("CARTERA_LANGUAGE", raising=False)
        _print_summary(settings, [], {}, [failed], [], "2026-11-01")
        printed[language] = capsys.readouterr().out.splitlines()

    assert printed["es"] == [
        "", "Resumen", "  ningún fichero nuevo cargado", "  comprobaciones: 0 superadas, 1 fallidas o con aviso",
        f"  FALLO   comprobación {name} en marts/ar_aging: 2 valores de as_of_date y 1 valor de client_id están vacíos en ar_aging",
        "  a fecha de 2026-11-01",
    ]
    printed = {language: next(line for line in printed[language] if "FAILED" in line) for language in ("en", "fr", None)}
    assert printed["en"] == f"  FAILED  check {name} on marts/ar_aging: 2 values of as_of_date and 1 value of client_id are empty in ar_aging"
    assert printed["fr"] == printed[None] == printed["en"]
