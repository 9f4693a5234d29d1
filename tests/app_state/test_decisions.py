"""Committee decisions written and read back; the role checked by record_decision itself."""

from datetime import date
from decimal import Decimal

import pytest

from dashboards.app_state import (
    InvalidInput,
    PermissionDenied,
    add_user,
    audit_entries,
    decisions_of_client,
    disable_user,
    latest_decisions,
    record_decision,
)
from tests.app_state.conftest import SHELL

MEETING = date(2026, 11, 20)


@pytest.fixture
def people(store):
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    add_user(store, "demo", "viewer", "demo", actor=SHELL)
    return store


def test_a_decision_is_written_and_read_back_to_the_cent(people, clock):
    store = people
    recorded = record_decision(
        store, "comite", "C001", "raise", Decimal("48000.10"), "eur", "  pays on time, sales up  ",
        date(2027, 5, 20), MEETING,
    )
    assert recorded.decision_id is not None
    (read,) = decisions_of_client(store, "C001")
    assert read == recorded
    assert (read.action, read.new_limit, read.currency, read.reason) == ("raise", Decimal("48000.10"), "EUR", "pays on time, sales up")
    assert (read.next_review_date, read.meeting_date, read.decided_by, read.decided_at) == (
        date(2027, 5, 20), MEETING, "comite", clock.now,
    )


def test_latest_decision_per_client_and_history_newest_first(people, clock):
    store = people
    first = record_decision(store, "comite", "C001", "raise", Decimal("10000"), "EUR", "alta", None, MEETING)
    clock.advance(days=30)
    second = record_decision(store, "comite", "C001", "hold_new_orders", None, None, "impagos", None, date(2026, 12, 20))
    other = record_decision(store, "comite", "C002", "stop_supplying", None, None, "concurso", None, date(2026, 12, 20))
    assert [d.decision_id for d in decisions_of_client(store, "C001")] == [second.decision_id, first.decision_id]
    assert latest_decisions(store) == {"C001": second, "C002": other}
    assert decisions_of_client(store, "C999") == []


def test_the_audit_row_holds_the_previous_decision(people, clock):
    store = people
    record_decision(store, "comite", "C001", "raise", Decimal("10000.00"), "EUR", "alta", None, MEETING)
    clock.advance(days=1)
    second = record_decision(store, "comite", "C001", "reduce", Decimal("6000.00"), "EUR", "retrasos", None, MEETING)
    row = audit_entries(store, entity="client", entity_id="C001")[-1]
    assert (row.action, row.actor, row.occurred_at) == ("decision_recorded", "comite", clock.now)
    assert row.previous_value["action"] == "raise" and row.previous_value["new_limit"] == "10000.00"
    assert row.new_value["decision_id"] == second.decision_id and row.new_value["new_limit"] == "6000.00"


def test_a_viewer_calling_the_function_directly_is_refused(people):
    """No UI involved: the stored role decides, and the refusal is audited."""
    store = people
    with pytest.raises(PermissionDenied):
        record_decision(store, "demo", "C001", "keep", None, None, "I would like to", None, MEETING)
    assert decisions_of_client(store, "C001") == []
    assert [(e.actor, e.action) for e in audit_entries(store, entity="client")] == [("demo", "decision_refused")]


def test_a_disabled_member_an_unknown_name_and_the_shell_are_refused(people):
    store = people
    disable_user(store, "comite", actor=SHELL)
    for who in ("comite", "nobody", "shell", SHELL):
        with pytest.raises(PermissionDenied):
            record_decision(store, who, "C001", "keep", None, None, "x", None, MEETING)
    assert latest_decisions(store) == {}


@pytest.mark.parametrize(
    ("action", "limit", "currency", "reason", "code"),
    [
        ("keep", None, None, "   ", "reason_required"),
        ("approve", None, None, "x", "invalid_action"),
        ("raise", None, None, "x", "limit_required"),
        ("raise", 1000.10, "EUR", "x", "limit_required"),  # a float: the cents may already be wrong
        ("raise", Decimal("1000.005"), "EUR", "x", "invalid_limit"),
        ("reduce", Decimal("0"), "EUR", "x", "invalid_limit"),
        ("raise", Decimal("1e16"), "EUR", "x", "invalid_limit"),
        ("raise", Decimal("1000"), "EU", "x", "invalid_currency"),
        ("keep", Decimal("1000"), "EUR", "x", "limit_not_applicable"),
        ("remove_limit", None, "EUR", "x", "limit_not_applicable"),
    ],
)
def test_what_a_decision_refuses(people, action, limit, currency, reason, code):
    with pytest.raises(InvalidInput) as refused:
        record_decision(people, "comite", "C001", action, limit, currency, reason, None, MEETING)
    assert refused.value.code == code
    assert decisions_of_client(people, "C001") == []


def test_the_next_review_comes_after_the_meeting(people):
    with pytest.raises(InvalidInput) as refused:
        record_decision(people, "comite", "C001", "keep", None, None, "x", MEETING, MEETING)
    assert refused.value.code == "review_before_meeting"
