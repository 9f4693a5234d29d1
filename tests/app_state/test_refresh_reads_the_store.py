"""`cartera refresh` (the Dagster job, raw_credit_decisions asset included) copies the
store's decisions into the published warehouse, and a second refresh with the store
unchanged loads them no second time."""

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from dashboards.app_state import add_user, open_store, record_decision
from dashboards.app_state.settings import StoreSettings
from tests.app_state.conftest import CHEAP_ARGON2, SHELL, Clock
from tests.e2e.conftest import assert_succeeded, fill_inbox, run_refresh

CREDIT_INBOX = Path(__file__).parent.parent / "fixtures" / "credit_inbox"


@pytest.mark.e2e
def test_refresh_publishes_the_recorded_decision(tmp_path):
    clock = Clock()
    clock.now = datetime(2025, 6, 12, 8, 15, tzinfo=UTC)
    store = open_store(settings=StoreSettings(url=f"sqlite:///{tmp_path / 'app.sqlite'}", **CHEAP_ARGON2), clock=clock)
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    record_decision(store, "comite", "P2", "hold_new_orders", None, None, "sin pagos desde marzo", date(2025, 9, 12), date(2025, 6, 12))
    store.close()
    fill_inbox(tmp_path, CREDIT_INBOX)

    for _ in range(2):
        assert_succeeded(run_refresh(tmp_path, "--as-of", "2025-06-30"))
    with duckdb.connect(str(tmp_path / "cartera.duckdb"), read_only=True) as conn:
        history = conn.execute(
            "select client_id, decision, credit_limit_amount, decision_reason, decided_by from marts.credit_decision_history"
        ).fetchall()
        limits = conn.execute("select last_decision, last_review_at from marts.credit_limits where client_id = 'P2'").fetchall()
        registry = conn.execute(
            "select row_count, status from raw.file_registry where entity = 'credit_decisions'"
        ).fetchall()
    assert history == [("P2", "hold_new_orders", None, "sin pagos desde marzo", "comite")]
    assert limits == [("hold_new_orders", datetime(2025, 6, 12, 8, 15))]
    assert registry == [(1, "loaded")]
