"""The uniqueness tests of a kept table count, once a build has been published, only the
keys of rows written since (dbt_project/macros/tests/keys_written_since_published.sql):
a duplicate written by a later build is still found, and a table whose rows carry copied
positions, or one rebuilt whole, is still counted whole."""

import json
from pathlib import Path

import duckdb

from orchestration.publish import record_published_build
from tests.dbt.conftest import SMALL_INBOXES
from tests.dbt.warehouse import build_warehouse, run_dbt

KEPT_TESTS = [
    "unique_fct_documents_document_id",
    "unique_combination_int_settlement_events_document_id__installment_no__reduction_type__reduction_id",
]
OPEN_MONTHS_TEST = "unique_combination_int_open_item_months_period_month__document_id__installment_no__valid_from"


def published(home: Path) -> tuple[Path, int]:
    """partial_payment_single_client built in `home`, then recorded as published: the
    build database and the position it read through."""
    database = build_warehouse(SMALL_INBOXES / "partial_payment_single_client", home, {})
    with duckdb.connect(str(database)) as conn:
        record_published_build(conn)
        (position,) = conn.execute("select max(read_through_file_id) from raw.published_builds").fetchall()[0]
    return database, position


def dbt_results(home: Path) -> dict[str, dict]:
    """The result of each test the last dbt command ran, by test name."""
    results = json.loads((home / "dbt_target" / "run_results.json").read_text())["results"]
    return {result["unique_id"].split(".")[2]: result for result in results}


def compiled_tests(home: Path) -> dict[str, str]:
    return {name: result["compiled_code"] for name, result in dbt_results(home).items()}


def test_a_duplicate_written_since_the_published_build_fails_its_test(tmp_path):
    database, position = published(tmp_path)

    result = run_dbt(["test", "--select", *KEPT_TESTS, OPEN_MONTHS_TEST], tmp_path, {})

    assert result.returncode == 0, result.stdout[-3000:]
    compiled = compiled_tests(tmp_path)
    assert position > 0
    for kept in KEPT_TESTS:
        assert f"written._read_through_file_id >= {position}" in compiled[kept]
    # int_open_item_months' rows carry their balances' positions, not their build's.
    assert "_read_through_file_id" not in compiled[OPEN_MONTHS_TEST]

    # A row of fct_documents and one of int_settlement_events written again, as a wrong
    # build would have, beside the rows the published build holds.
    with duckdb.connect(str(database)) as conn:
        for table in ("marts.fct_documents", "intermediate.int_settlement_events"):
            conn.execute(f"insert into {table} select * from {table} limit 1")
            assert conn.execute(f"select min(_read_through_file_id) from {table}").fetchall() == [(position,)]

    result = run_dbt(["test", "--select", *KEPT_TESTS], tmp_path, {})

    assert result.returncode != 0
    assert {name: (result["status"], result["failures"]) for name, result in dbt_results(tmp_path).items()} == {
        kept: ("fail", 1) for kept in KEPT_TESTS
    }
