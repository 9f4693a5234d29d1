"""Logging in: right and wrong passwords, and the rate limits per user name and per client
address (defaults: 5 failures for a name, 20 from an address, within 15 minutes, lock for
15 minutes after the last)."""

from dataclasses import replace

import pytest

from dashboards.app_state import (
    DISABLED,
    LOCKED,
    OK,
    WRONG_CREDENTIALS,
    add_user,
    audit_entries,
    authenticate,
    disable_user,
    session_expired,
)
from tests.app_state.conftest import SHELL


@pytest.fixture
def people(store):
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    add_user(store, "demo", "viewer", "demo", actor=SHELL)
    return store


def _fail(store, clock, times: int, name: str = "comite", address: str = "10.0.0.7", minutes: float = 1) -> None:
    for _ in range(times):
        clock.advance(minutes=minutes)
        assert authenticate(store, name, "wrong", address).outcome == WRONG_CREDENTIALS


def test_right_password_logs_in_with_the_stored_role(people):
    result = authenticate(people, "Comite ", "comite", "10.0.0.7")
    assert result.outcome == OK and (result.user.name, result.user.role) == ("comite", "committee")
    assert authenticate(people, "comite", "Comite", "10.0.0.7").outcome == WRONG_CREDENTIALS
    assert authenticate(people, "nadie", "comite", "10.0.0.7").outcome == WRONG_CREDENTIALS


def test_an_overlong_name_is_a_wrong_credential_not_an_error(people):
    assert authenticate(people, "x" * 10_000, "x", "::ffff:" + "9" * 100).outcome == WRONG_CREDENTIALS


def test_a_disabled_user_cannot_log_in(people):
    disable_user(people, "demo", actor=SHELL)
    assert authenticate(people, "demo", "demo", "10.0.0.8").outcome == DISABLED


def test_five_failures_lock_the_user_even_with_the_right_password(people, clock):
    """Failures at 09:01…09:05; the lock lasts until 09:05 + 15 min = 09:20."""
    _fail(people, clock, 4)
    clock.advance(minutes=1)
    assert authenticate(people, "comite", "wrong", "10.0.0.7").outcome == WRONG_CREDENTIALS  # the 5th, 09:05
    last_failure = clock.now
    clock.advance(minutes=1)
    locked = authenticate(people, "comite", "comite", "10.0.0.99")
    assert (locked.outcome, locked.locked_until) == (LOCKED, last_failure + people.settings.lockout)
    # Another user from another address is not affected.
    assert authenticate(people, "demo", "demo", "10.0.0.8").ok
    clock.now = last_failure + people.settings.lockout
    assert authenticate(people, "comite", "comite", "10.0.0.99").ok


def test_locked_attempts_are_audited_but_do_not_extend_the_lock(people, clock):
    _fail(people, clock, 5)
    until = clock.now + people.settings.lockout
    for _ in range(5):
        clock.advance(minutes=2)
        assert authenticate(people, "comite", "comite", "10.0.0.7").locked_until == until
    actions = [e.action for e in audit_entries(people, entity="user", entity_id="comite")]
    assert actions.count("login_failed") == 5 and actions.count("login_locked") == 5
    clock.now = until
    assert authenticate(people, "comite", "comite", "10.0.0.7").ok


def test_failures_older_than_the_window_do_not_count(people, clock):
    """4 failures, 16 minutes pass, 1 more: only 1 within 15 minutes."""
    _fail(people, clock, 4)
    clock.advance(minutes=16)
    _fail(people, clock, 1)
    assert authenticate(people, "comite", "comite", "10.0.0.7").ok


def test_a_successful_login_resets_the_user_count_not_the_address_count(people, clock):
    """With 6 failures allowed per address: 4 failures, a login, 2 failures: the name has
    2 since its login, the address 6, so the address is locked, another address is not."""
    people.settings = replace(people.settings, max_failures_per_address=6)
    _fail(people, clock, 4)
    assert authenticate(people, "comite", "comite", "10.0.0.7").ok
    _fail(people, clock, 2)
    assert authenticate(people, "comite", "comite", "10.0.0.7").outcome == LOCKED
    assert authenticate(people, "comite", "comite", "10.0.0.8").ok


def test_failures_from_one_address_lock_that_address_for_every_name(people, clock):
    """Password spraying: one failure each on 20 names from one address, 30 s apart."""
    for number in range(20):
        _fail(people, clock, 1, name=f"user{number}", address="203.0.113.9", minutes=0.5)
    assert authenticate(people, "demo", "demo", "203.0.113.9").outcome == LOCKED
    assert authenticate(people, "demo", "demo", "10.0.0.8").ok


def test_unknown_names_are_counted_and_logged_like_known_ones(people, clock):
    _fail(people, clock, 5, name="mallory", address="198.51.100.1")
    assert authenticate(people, "mallory", "x", "198.51.100.2").outcome == LOCKED
    failed = [e for e in audit_entries(people, entity_id="mallory") if e.action == "login_failed"]
    assert len(failed) == 5 and failed[0].new_value == {"reason": "unknown_user"}
    assert failed[0].client_address == "198.51.100.1"


def test_session_idle_timeout(store, clock):
    """Default 30 idle minutes: 30 is still in, 30 and a second is out."""
    start = clock.now
    assert not session_expired(store.settings, start, start + store.settings.session_idle)
    assert session_expired(store.settings, start, start + store.settings.session_idle + store.settings.session_idle / 1800)
