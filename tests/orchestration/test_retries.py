"""Transient failures of the steps that write are retried with backoff; data errors and
bugs are not (orchestration/retries.py). Through the raw clients asset on the aging
fixture's clients.csv (C1, C2), materialised in process."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.ingest import assets
from orchestration.ingest.assets import raw_assets
from orchestration.resources import WarehouseResource
from orchestration.retries import TransientFailure, dbt_build_failure

CLIENTS = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox" / "clients.csv"
BAD_CLIENTS = "client_id,tax_id,legal_name,country,payment_terms_days,currency,updated_at\nC9,,X,España,30,EUR,2025-01-01T00:00:00\n"


@pytest.fixture
def home(tmp_path, monkeypatch):
    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "inbox").mkdir()
    shutil.copy(CLIENTS, tmp_path / "inbox")
    return tmp_path


def materialize_clients(home: Path) -> dg.ExecuteInProcessResult:
    [raw_clients] = [asset for asset in raw_assets if dg.AssetKey(["raw", "clients"]) in asset.keys]
    return dg.materialize([raw_clients], resources={"warehouse": WarehouseResource(home=str(home))}, raise_on_error=False)


def fail_first_call(monkeypatch, error: Exception) -> list[int]:
    """Makes the asset's first ingestion raise `error`; later calls load normally."""
    calls = []
    real = assets.ingest_entity

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(assets, "ingest_entity", flaky)
    return calls


def retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY for event in result.all_events)


def test_a_transient_failure_is_retried_and_the_run_succeeds(home, monkeypatch):
    """The DuckDB file held by another process for a moment: the step is retried once,
    after the policy's backoff, and both clients load, once."""
    calls = fail_first_call(monkeypatch, duckdb.IOException('Could not set lock on file "build/cartera.duckdb"'))

    result = materialize_clients(home)

    assert result.success
    assert (len(calls), retries(result)) == (2, 1)
    with duckdb.connect(str(home / "build" / "cartera.duckdb"), read_only=True) as conn:
        assert conn.execute("select client_id from raw.clients order by 1").fetchall() == [("C1",), ("C2",)]


def test_a_bug_is_not_retried(home, monkeypatch):
    calls = fail_first_call(monkeypatch, KeyError("client_id"))

    result = materialize_clients(home)

    assert not result.success
    assert (len(calls), retries(result)) == (1, 0)
    [failure] = [event for event in result.all_events if event.is_step_failure]
    assert "loading the clients files failed: 'client_id'" in failure.step_failure_data.error.message


def test_a_bad_file_is_quarantined_without_a_retry(home):
    (home / "inbox" / "clients_bad.csv").write_text(BAD_CLIENTS, encoding="utf-8")

    result = materialize_clients(home)

    assert result.success and retries(result) == 0
    assert (home / "quarantine" / "clients_bad.csv").exists()


def test_a_dbt_build_is_retried_only_when_it_failed_on_io_or_a_lock():
    locked = {"unique_id": "model.cartera.stg_x", "status": "error", "message": "IO Error: Could not set lock on file"}
    failing_test = {"unique_id": "test.cartera.assert_open_balance_ties_to_sources", "status": "fail", "message": "Got 2 results"}
    sql_error = {"unique_id": "model.cartera.ar_aging", "status": "error", "message": "Binder Error: column x not found"}
    passed = {"unique_id": "model.cartera.dim_clients", "status": "success", "message": "OK"}

    assert isinstance(dbt_build_failure([passed, locked]), TransientFailure)
    for results in ([passed, failing_test], [locked, failing_test], [sql_error], []):
        failure = dbt_build_failure(results)
        assert isinstance(failure, dg.Failure) and failure.allow_retries is False, results
    assert dbt_build_failure([locked, failing_test]).description == "dbt build failed: 1 check(s) and 1 model(s) did not pass"
