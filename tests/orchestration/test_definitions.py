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
    assert dg.AssetKey(["raw", "documents"]) in graph.get(dg.AssetKey(["raw", "installments"])).parent_keys


def test_dbt_tests_are_asset_checks(defs):
    checks = {(key.asset_key.to_user_string(), key.name) for key in defs.resolve_asset_graph().asset_check_keys}
    assert ("marts/ar_aging", "aging_buckets_sum_to_open_balance_ar_aging_") in checks
    assert ("marts/ar_aging_monthly", "aging_buckets_sum_to_open_balance_ar_aging_monthly_") in checks


def test_inbox_sensor_requests_one_run_per_new_file_with_a_small_cursor(tmp_path, monkeypatch, defs):
    """The run key names only the files new since the last run; the cursor is one number."""
    from orchestration.automation import inbox_sensor

    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    (tmp_path / "inbox").mkdir()
    assert isinstance(inbox_sensor(dg.build_sensor_context()), dg.SkipReason)

    (tmp_path / "inbox" / "documents.csv").write_text("document_id\n", encoding="utf-8")
    context = dg.build_sensor_context()
    first = inbox_sensor(context)
    assert isinstance(first, dg.RunRequest)
    assert first.run_key.startswith("documents.csv:") and ";" not in first.run_key
    assert isinstance(inbox_sensor(dg.build_sensor_context(cursor=context.cursor)), dg.SkipReason)

    (tmp_path / "inbox" / "receipts.csv").write_text("receipt_id\n", encoding="utf-8")
    next_context = dg.build_sensor_context(cursor=context.cursor)
    second = inbox_sensor(next_context)
    assert isinstance(second, dg.RunRequest) and second.run_key.startswith("receipts.csv:")
    assert "documents.csv" not in second.run_key
    assert next_context.cursor.isdigit() and int(next_context.cursor) >= int(context.cursor)


def test_lineage_starts_at_the_export_files(defs):
    graph = defs.resolve_asset_graph()
    parents = lambda *path: {key.to_user_string() for key in graph.get(dg.AssetKey(list(path))).parent_keys}  # noqa: E731
    assert parents("raw", "documents") == {"exports/invoicing_exports", "raw/clients", "raw/fx_rates"}
    assert parents("raw", "installments") == {"exports/invoicing_exports", "raw/documents"}
    assert parents("raw", "fx_rates") == {"exports/fx_rates"}
    assert parents("raw", "bank_statement_lines") == {"exports/bank_statements"}
    assert not graph.get(dg.AssetKey(["exports", "fx_rates"])).is_executable


def test_publish_retries_an_io_error_and_then_publishes(tmp_path, monkeypatch, defs):
    """The first publish attempt hits an OSError (a full disk, say); the step's retry
    policy (orchestration/retries.py) runs it again after its backoff and the second
    attempt publishes."""
    import orchestration.serving as serving
    from orchestration.resources import WarehouseResource

    attempts = []

    def flaky_publish(build_db, published_db):
        attempts.append(published_db)
        if len(attempts) == 1:
            raise OSError(28, "No space left on device")
        published_db.write_bytes(b"published")
        return published_db

    monkeypatch.setattr(serving, "publish", flaky_publish)
    result = dg.materialize(
        [serving.published_warehouse],
        resources={"warehouse": WarehouseResource(home=str(tmp_path))},
        instance=dg.DagsterInstance.ephemeral(),
        selection=[dg.AssetKey(["published", "warehouse"])],
    )

    assert result.success
    assert len(attempts) == 2 and (tmp_path / "cartera.duckdb").read_bytes() == b"published"


def test_publishing_alone_after_a_failed_build_publishes_nothing(tmp_path, defs):
    """The publish step run alone (as from the Dagster UI) copies the build only when the
    last dbt build passed; after a failed one it fails, the dashboards keep the warehouse
    last published, and the failed build is not marked published (the next build's
    uniqueness tests would skip its rows: orchestration/builds.py)."""
    import duckdb

    import orchestration.serving as serving
    from orchestration.builds import record_build_passed, record_build_started
    from orchestration.resources import WarehouseResource

    warehouse = WarehouseResource(home=str(tmp_path))

    def publish_alone() -> bool:
        return dg.materialize(
            [serving.published_warehouse],
            resources={"warehouse": warehouse},
            instance=dg.DagsterInstance.ephemeral(),
            raise_on_error=False,
        ).success

    def builds() -> list[tuple]:
        with warehouse.connect() as conn:
            return conn.execute(
                "select build_id, passed_at is not null, published_at is not null from raw.dbt_builds order by build_id"
            ).fetchall()

    with warehouse.connect() as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.ar_aging as select 1 as first_version")
        record_build_passed(conn, record_build_started(conn))
    assert publish_alone()
    assert builds() == [(1, True, True)]

    with warehouse.connect() as conn:
        conn.execute("create or replace table marts.ar_aging as select 2 as half_built")
        record_build_started(conn)  # the build fails: never recorded as passed
    assert not publish_alone()
    assert builds() == [(1, True, True), (2, False, False)]
    with duckdb.connect(str(tmp_path / "cartera.duckdb"), read_only=True) as published:
        assert published.execute("select * from marts.ar_aging").fetchall() == [(1,)]


def test_refresh_job_schedule_and_sensor_are_defined(defs):
    assert defs.resolve_job_def("refresh") is not None
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("inbox_sensor") is not None
