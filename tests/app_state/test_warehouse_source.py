"""The store as the warehouse's source: decisions copied into raw.credit_decisions with a
registry row, nothing loaded twice, and a recorded decision found in
marts.credit_decision_history after a build."""

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboards.app_state import add_user, open_store, record_decision
from dashboards.app_state.settings import StoreSettings
from orchestration.ingest.app_state import LOADED, NO_STORE, UNCHANGED, load_credit_decisions
from tests.app_state.conftest import CHEAP_ARGON2, SHELL, Clock
from tests.dbt.warehouse import build_warehouse

CREDIT_INBOX = Path(__file__).parent.parent / "fixtures" / "credit_inbox"


@pytest.fixture
def warehouse(tmp_path):
    with duckdb.connect(str(tmp_path / "build.duckdb")) as conn:
        yield conn


def _raw(conn) -> list[tuple]:
    return conn.execute(
        "select decision_id, client_id, decision, credit_limit, currency, reason, next_review_date, meeting_date,"
        " decided_by, decided_at from raw.credit_decisions order by decision_id"
    ).fetchall()


def _registry(conn) -> list[tuple]:
    return conn.execute(
        "select entity, row_count, status, file_name from raw.file_registry order by file_id"
    ).fetchall()


def test_decisions_are_copied_once_and_again_when_they_change(store, clock, warehouse):
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    record_decision(store, "comite", "P1", "raise", Decimal("12000.50"), "EUR", "más ventas", date(2027, 5, 1), date(2026, 11, 20))
    first = (
        "1", "P1", "raise", Decimal("12000.50"), "EUR", "más ventas", date(2027, 5, 1), date(2026, 11, 20),
        "comite", datetime(2026, 11, 20, 9, 0),  # UTC, as the store's clock said
    )
    outcome = load_credit_decisions(warehouse, store.settings.url)
    assert (outcome.status, outcome.rows) == (LOADED, 1)
    assert _raw(warehouse) == [first]
    (registry,) = _registry(warehouse)
    assert registry[:3] == ("credit_decisions", 1, "loaded") and registry[3].startswith("app-state:")

    assert load_credit_decisions(warehouse, store.settings.url).status == UNCHANGED
    assert len(_registry(warehouse)) == 1

    clock.advance(days=1)
    record_decision(store, "comite", "P2", "stop_supplying", None, None, "impagos", None, date(2026, 11, 21))
    assert load_credit_decisions(warehouse, store.settings.url).status == LOADED
    assert _raw(warehouse) == [
        first,
        ("2", "P2", "stop_supplying", None, None, "impagos", None, date(2026, 11, 21), "comite", datetime(2026, 11, 21, 9, 0)),
    ]
    assert [row[:3] for row in _registry(warehouse)] == [("credit_decisions", 1, "loaded"), ("credit_decisions", 2, "loaded")]


def test_a_store_with_no_decisions_loads_nothing(store, warehouse):
    assert load_credit_decisions(warehouse, store.settings.url).status == UNCHANGED
    assert _registry(warehouse) == []


def test_no_store_leaves_raw_as_it_is_and_creates_no_file(tmp_path, warehouse):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    assert load_credit_decisions(warehouse, url).status == NO_STORE
    assert not (tmp_path / "app.sqlite").exists()
    assert _raw(warehouse) == [] and _registry(warehouse) == []


def test_a_recorded_decision_reaches_credit_decision_history(tmp_path):
    """The store in the home the build reads (app.sqlite), a decision on P1 dated
    2025-06-10, the warehouse built as of 2025-06-30 on tests/fixtures/credit_inbox."""
    home = tmp_path / "home"
    clock = Clock()
    clock.now = datetime(2025, 6, 10, 16, 30, tzinfo=UTC)
    store = open_store(settings=StoreSettings(url=f"sqlite:///{home / 'app.sqlite'}", **CHEAP_ARGON2), clock=clock)
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    record_decision(store, "comite", "P1", "reduce", Decimal("7500.00"), "EUR", "retrasos en mayo", date(2025, 12, 10), date(2025, 6, 10))
    store.close()

    database = build_warehouse(CREDIT_INBOX, home, {"as_of_date": "2025-06-30"}, select="+credit_decision_history")
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(
            "select client_id, decision, credit_limit_amount, currency_code, decision_reason, decided_by, decided_at,"
            " is_latest from marts.credit_decision_history"
        ).fetchall()
    assert rows == [("P1", "reduce", Decimal("7500.00"), "EUR", "retrasos en mayo", "comite", datetime(2025, 6, 10, 16, 30), True)]
