"""Enabling a user again and changing a role: by an admin or the shell only, each an audit
row with the previous value, and in force at the next login."""

import pytest

from dashboards.app_state import (
    DISABLED,
    OK,
    InvalidInput,
    PermissionDenied,
    add_user,
    audit_entries,
    authenticate,
    disable_user,
    enable_user,
    get_user,
    set_role,
)
from tests.app_state.conftest import SHELL


@pytest.fixture
def people(store):
    add_user(store, "demo", "viewer", "demo", actor=SHELL)
    add_user(store, "jefa", "admin", "jefa", actor=SHELL)
    return store


def _changes(store, name: str) -> list[tuple[str, str, dict | None, dict | None]]:
    return [
        (entry.actor, entry.action, entry.previous_value, entry.new_value)
        for entry in audit_entries(store, entity="user", entity_id=name)
        if entry.action in ("user_disabled", "user_enabled", "role_set")
    ]


def test_a_disabled_user_enabled_again_logs_in_with_its_password(people):
    disable_user(people, "demo", actor=SHELL)
    assert authenticate(people, "demo", "demo", None).outcome == DISABLED
    assert enable_user(people, "Demo", actor="jefa").is_active
    assert authenticate(people, "demo", "demo", None).outcome == OK
    assert _changes(people, "demo") == [
        (SHELL, "user_disabled", {"is_active": True}, {"is_active": False}),
        ("jefa", "user_enabled", {"is_active": False}, {"is_active": True}),
    ]


def test_a_role_change_is_audited_with_the_previous_role(people):
    assert set_role(people, "demo", "committee", actor=SHELL).role == "committee"
    set_role(people, "demo", "admin", actor="jefa")
    assert authenticate(people, "demo", "demo", None).user.role == "admin"
    assert _changes(people, "demo") == [
        (SHELL, "role_set", {"role": "viewer"}, {"role": "committee"}),
        ("jefa", "role_set", {"role": "committee"}, {"role": "admin"}),
    ]


def test_only_an_admin_changes_users_and_bad_input_changes_nothing(people):
    add_user(people, "comite", "committee", "comite", actor=SHELL)
    for actor in ("demo", "comite", "nadie"):
        with pytest.raises(PermissionDenied):
            set_role(people, "demo", "admin", actor=actor)
        with pytest.raises(PermissionDenied):
            enable_user(people, "demo", actor=actor)
    with pytest.raises(InvalidInput, match="role 'boss': one of viewer, committee, admin"):
        set_role(people, "demo", "boss", actor=SHELL)
    with pytest.raises(InvalidInput, match="no user nadie"):
        set_role(people, "nadie", "viewer", actor=SHELL)
    with pytest.raises(InvalidInput, match="no user nadie"):
        enable_user(people, "nadie", actor=SHELL)
    assert get_user(people, "demo").role == "viewer"
    assert _changes(people, "demo") == []


def test_a_disabled_admin_changes_no_one(people):
    disable_user(people, "jefa", actor=SHELL)
    with pytest.raises(PermissionDenied):
        enable_user(people, "jefa", actor="jefa")
