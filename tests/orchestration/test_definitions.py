"""The one Definitions loads outside `dagster dev` once the dbt project is parsed, and
its lineage runs from each export entity to the published warehouse."""

import dagster as dg
import pytest

from orchestration.dbt_project import prepare


@pytest.fixture(scope="module")
def defs():
    prepare()
    from orchestration.definitions import defs

    return defs


def test_lineage_runs_from_raw_files_through_dbt_to_the_published_copy(defs):
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw/documents", "raw/installments", "staging/stg_invoicing__documents", "marts/ar_aging", "published/warehouse"} <= keys

    staging_parents = {key.to_user_string() for key in graph.get(dg.AssetKey(["staging", "stg_invoicing__documents"])).parent_keys}
    assert staging_parents == {"raw/documents"}
    assert dg.AssetKey(["marts", "ar_aging"]) in graph.get(dg.AssetKey(["published", "warehouse"])).parent_keys
    assert graph.get(dg.AssetKey(["raw", "installments"])).parent_keys == {dg.AssetKey(["raw", "documents"])}


def test_dbt_tests_are_asset_checks(defs):
    checks = {(key.asset_key.to_user_string(), key.name) for key in defs.resolve_asset_graph().asset_check_keys}
    assert ("marts/ar_aging", "aging_buckets_sum_to_open_balance_ar_aging_") in checks
    assert ("marts/ar_aging_monthly", "aging_buckets_sum_to_open_balance_ar_aging_monthly_") in checks


def test_inbox_sensor_requests_one_run_per_new_inbox_state(tmp_path, monkeypatch, defs):
    from orchestration.automation import inbox_sensor

    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    (tmp_path / "inbox").mkdir()
    assert isinstance(inbox_sensor(dg.build_sensor_context()), dg.SkipReason)

    (tmp_path / "inbox" / "documents.csv").write_text("document_id\n", encoding="utf-8")
    context = dg.build_sensor_context()
    first = inbox_sensor(context)
    assert isinstance(first, dg.RunRequest)
    assert isinstance(inbox_sensor(dg.build_sensor_context(cursor=context.cursor)), dg.SkipReason)

    (tmp_path / "inbox" / "receipts.csv").write_text("receipt_id\n", encoding="utf-8")
    second = inbox_sensor(dg.build_sensor_context(cursor=context.cursor))
    assert isinstance(second, dg.RunRequest) and second.run_key != first.run_key


def test_refresh_job_schedule_and_sensor_are_defined(defs):
    assert defs.resolve_job_def("refresh") is not None
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("inbox_sensor") is not None
