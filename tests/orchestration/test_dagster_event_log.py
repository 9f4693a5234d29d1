"""The home's Dagster instance keeps its event log in Dagster's own SQLite files, written
through connections kept open (orchestration/dagster_event_log.py): what a run stores
reads back the same, Dagster's plain storage reads it too, and a run opens each file once
instead of once per event. Runs a tiny Dagster job (two assets, an asset check each) on a
throw-away DAGSTER_HOME."""

import os

import dagster as dg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from orchestration.config import Settings
from orchestration.refresh import _DAGSTER_YAML, dagster_instance

PLAIN_SQLITE_YAML = "storage:\n  sqlite:\n    base_dir:\n      env: DAGSTER_HOME\n"


@dg.asset
def documents() -> int:
    return 3


@dg.asset
def receipts(documents: int) -> int:
    return documents - 1


@dg.asset_check(asset=documents)
def documents_are_counted(documents: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=documents == 3)


@dg.asset_check(asset=receipts)
def receipts_are_fewer(receipts: int) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=receipts < 3)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))  # restored after the test
    return tmp_path


def instance_of(home) -> dg.DagsterInstance:
    return dagster_instance(Settings(home=home, inbox=home / "inbox", quarantine=home / "quarantine"))


def event_log_connections(run) -> tuple[list[str], object]:
    """The event log files (history/runs/*.db) a connection was opened to while `run()`
    runs, one entry per connection, and its result."""
    opened = []

    def count(dbapi_connection, connection_record):
        [(_, _, path)] = dbapi_connection.execute("PRAGMA database_list").fetchall()
        if os.path.dirname(path).endswith(os.path.join("history", "runs")):
            opened.append(os.path.basename(path))

    event.listen(Engine, "connect", count)
    try:
        result = run()
    finally:
        event.remove(Engine, "connect", count)
    return opened, result


def test_a_run_stores_and_reads_back_its_materialisations_and_checks_with_few_connections(home):
    instance = instance_of(home)
    assert type(instance.event_log_storage).__name__ == "PooledSqliteEventLogStorage"

    opened, result = event_log_connections(
        lambda: dg.materialize([documents, receipts, documents_are_counted, receipts_are_fewer], instance=instance)
    )

    assert result.success
    records = instance.get_records_for_run(result.run_id, limit=1000).records
    stored = [r.event_log_entry.dagster_event_type for r in records if r.event_log_entry.is_dagster_event]
    # Two assets and two checks, each planned then done, plus the run's and steps' events.
    assert stored.count(dg.DagsterEventType.ASSET_MATERIALIZATION) == 2
    assert stored.count(dg.DagsterEventType.ASSET_CHECK_EVALUATION) == 2
    assert stored.count(dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED) == 2
    assert len(stored) > 20
    # Dagster's own storage opens a connection per write, 1-3 per event; here each file
    # is opened once, or twice where a write reads while it holds the first connection.
    assert set(opened) == {f"{result.run_id}.db", "index.db"}
    assert len(opened) <= 4, opened
    assert instance.get_latest_materialization_event(dg.AssetKey("receipts")).asset_materialization is not None
    evaluation = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("receipts"), "receipts_are_fewer")]
    )
    assert evaluation[dg.AssetCheckKey(dg.AssetKey("receipts"), "receipts_are_fewer")].status.value == "SUCCEEDED"
    instance.dispose()


def test_dagsters_plain_sqlite_storage_reads_the_same_files(home):
    """The same layout as `storage: sqlite`: a home can go back to Dagster's storage (or
    `dagster dev` read it with any configuration) and find every run."""
    instance = instance_of(home)
    result = dg.materialize([documents, documents_are_counted], instance=instance)
    instance.dispose()
    (home / "dagster" / "dagster.yaml").write_text(PLAIN_SQLITE_YAML, encoding="utf-8")

    plain = dg.DagsterInstance.from_config(str(home / "dagster"))

    assert type(plain.event_log_storage).__name__ == "SqliteEventLogStorage"
    assert [run.run_id for run in plain.get_runs()] == [result.run_id]
    assert plain.get_latest_materialization_event(dg.AssetKey("documents")).run_id == result.run_id
    plain.dispose()


def test_an_older_cartera_configuration_is_brought_up_to_date_and_a_users_own_is_kept(home):
    config = home / "dagster" / "dagster.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("# Written by cartera: this home's Dagster instance.\n" + PLAIN_SQLITE_YAML, encoding="utf-8")
    instance_of(home).dispose()
    assert config.read_text(encoding="utf-8") == _DAGSTER_YAML

    mine = "# my own\n" + PLAIN_SQLITE_YAML
    config.write_text(mine, encoding="utf-8")
    instance = instance_of(home)
    assert config.read_text(encoding="utf-8") == mine
    assert type(instance.event_log_storage).__name__ == "SqliteEventLogStorage"
    assert os.environ["DAGSTER_HOME"] == str(home / "dagster")
    instance.dispose()
