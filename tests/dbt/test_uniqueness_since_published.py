"""The uniqueness tests of a kept table count, once a build has been published, only the
keys of rows written since (dbt_project/macros/tests/keys_written_since_published.sql):
a duplicate written by a later build, with or without a new file, is still found, also in
a table whose _read_through_file_id is copied from its input (int_open_item_months)."""

import json
from datetime import datetime
from pathlib import Path

import duckdb

from orchestration.builds import record_build_published, record_build_started
from orchestration.ingest.loader import QUARANTINED, next_file_id, register
from tests.dbt.conftest import SMALL_INBOXES
from tests.dbt.warehouse import build_warehouse, run_dbt

# Each kept table: its uniqueness test and the column its rows carry their build's position
# in (int_open_item_months' _read_through_file_id is its balances').
KEPT = {
    "marts.fct_documents": ("unique_fct_documents_document_id", "_read_through_file_id"),
    "intermediate.int_settlement_events": (
        "unique_combination_int_settlement_events_document_id__installment_no__reduction_type__reduction_id",
        "_read_through_file_id",
    ),
    "intermediate.int_open_item_months": (
        "unique_combination_int_open_item_months_period_month__document_id__installment_no__valid_from",
        "_written_through_file_id",
    ),
}
TESTS = [test for test, _ in KEPT.values()]


def dbt_results(home: Path) -> dict[str, dict]:
    """The result of each test the last dbt command ran, by test name."""
    results = json.loads((home / "dbt_target" / "run_results.json").read_text())["results"]
    return {result["unique_id"].split(".")[2]: result for result in results}


def write_duplicates(database: Path) -> int:
    """Writes again one row of each kept table, at the position of the build last started,
    as a wrong build would have; returns that position. (A duplicate of int_open_item_months
    keeps the balances' position it copied.)"""
    with duckdb.connect(str(database)) as conn:
        (position,) = conn.execute("select read_through_file_id from raw.dbt_builds order by build_id desc limit 1").fetchall()[0]
        for table, (_, stamp) in KEPT.items():
            conn.execute(f"insert into {table} select * replace ({position} as {stamp}) from {table} limit 1")
    return position


def test_testing_kept_tables_from_the_last_published_build(tmp_path):
    database = build_warehouse(SMALL_INBOXES / "partial_payment_single_client", tmp_path, {})
    with duckdb.connect(str(database)) as conn:
        record_build_published(conn, record_build_started(conn))
        (published,) = conn.execute("select max(file_id) from raw.file_registry").fetchall()[0]

    # A build with no new file stamps the published position: `>=` it.
    with duckdb.connect(str(database)) as conn:
        no_new_file = record_build_started(conn)
    assert write_duplicates(database) == published
    result = run_dbt(["test", "--select", *TESTS], tmp_path, {})
    assert result.returncode != 0
    results = dbt_results(tmp_path)
    assert {name: (results[name]["status"], results[name]["failures"]) for name in TESTS} == {
        name: ("fail", 1) for name in TESTS
    }
    for name, stamp in KEPT.values():
        assert f"written.{stamp} >= {published}" in results[name]["compiled_code"]

    # The duplicates gone and that build published, a file comes (here a quarantined one)
    # and the next build stamps a later position: `>` the published one.
    with duckdb.connect(str(database)) as conn:
        for table in KEPT:
            conn.execute(f"delete from {table} where rowid = (select max(rowid) from {table})")
        record_build_published(conn, no_new_file)
        register(conn, next_file_id(conn), "documents_bad.csv", "documents", "0" * 64, 1, None, QUARANTINED, None, datetime.now())
        record_build_started(conn)
    assert run_dbt(["test", "--select", *TESTS], tmp_path, {}).returncode == 0
    assert write_duplicates(database) == published + 1
    result = run_dbt(["test", "--select", *TESTS], tmp_path, {})
    assert result.returncode != 0
    results = dbt_results(tmp_path)
    for name, stamp in KEPT.values():
        assert (results[name]["status"], results[name]["failures"]) == ("fail", 1)
        assert f"written.{stamp} > {published}" in results[name]["compiled_code"]
