"""Users, their roles and passwords (argon2), every change audited.

Roles: `viewer` reads everything; `committee` also records credit decisions; `admin` also
manages users. Who acts is a user name, checked against the store on every write, or
`shell:<os user>` for the `cartera users` CLI, which may manage users (whoever runs it
already holds the store's files or URL) but never records a decision."""

import functools
import getpass
import re
from dataclasses import dataclass
from datetime import datetime

import argon2
import sqlalchemy as sa

from dashboards.app_state import audit
from dashboards.app_state.errors import InvalidInput, PermissionDenied
from dashboards.app_state.settings import StoreSettings
from dashboards.app_state.store import Store
from dashboards.app_state.tables import users

ROLES = ("viewer", "committee", "admin")
READ = "read"
RECORD_DECISION = "record_decision"
MANAGE_USERS = "manage_users"
PERMISSIONS = {
    "viewer": frozenset({READ}),
    "committee": frozenset({READ, RECORD_DECISION}),
    "admin": frozenset({READ, RECORD_DECISION, MANAGE_USERS}),
}
SHELL_PREFIX = "shell:"
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    is_active: bool
    created_at: datetime
    updated_at: datetime

    def can(self, permission: str) -> bool:
        return self.is_active and permission in PERMISSIONS[self.role]


def shell_actor() -> str:
    """The actor recorded for the CLI: the operating-system user running it."""
    try:
        return SHELL_PREFIX + getpass.getuser()
    except (KeyError, OSError):
        return SHELL_PREFIX + "unknown"


def normalise_name(name: str) -> str:
    """User names are compared lower-case: `Comite` logs in as `comite`."""
    return name.strip().lower()


def add_user(store: Store, name: str, role: str, password: str, *, actor: str) -> User:
    name = _valid_name(name)
    _valid_role(role)
    password_hash = _hasher(store.settings).hash(_valid_password(password))
    now = store.now()
    with store.write() as conn:
        require_permission(conn, actor, MANAGE_USERS)
        if _row(conn, name) is not None:
            raise InvalidInput("user_exists", f"user {name} already exists")
        conn.execute(
            sa.insert(users).values(
                name=name, role=role, password_hash=password_hash, is_active=True, created_at=now, updated_at=now
            )
        )
        audit.append(conn, now, actor, audit.USER_CREATED, "user", name, new_value={"role": role, "is_active": True})
        return user_from_row(_row(conn, name))


def disable_user(store: Store, name: str, *, actor: str) -> User:
    return _set_active(store, name, False, audit.USER_DISABLED, actor)


def enable_user(store: Store, name: str, *, actor: str) -> User:
    """Lets a disabled user log in again (with the password it had)."""
    return _set_active(store, name, True, audit.USER_ENABLED, actor)


def _set_active(store: Store, name: str, active: bool, event: str, actor: str) -> User:
    name = normalise_name(name)
    now = store.now()
    with store.write() as conn:
        require_permission(conn, actor, MANAGE_USERS)
        before = _existing(conn, name)
        conn.execute(sa.update(users).where(users.c.name == name).values(is_active=active, updated_at=now))
        audit.append(
            conn, now, actor, event, "user", name,
            previous_value={"is_active": before.is_active}, new_value={"is_active": active},
        )
        return user_from_row(_row(conn, name))


def set_role(store: Store, name: str, role: str, *, actor: str) -> User:
    """Gives `name` another role; a signed-in session gets it at its next click (the pages
    read the user from the store on every run)."""
    name = normalise_name(name)
    _valid_role(role)
    now = store.now()
    with store.write() as conn:
        require_permission(conn, actor, MANAGE_USERS)
        before = _existing(conn, name)
        conn.execute(sa.update(users).where(users.c.name == name).values(role=role, updated_at=now))
        audit.append(
            conn, now, actor, audit.ROLE_SET, "user", name,
            previous_value={"role": before.role}, new_value={"role": role},
        )
        return user_from_row(_row(conn, name))


def set_password(store: Store, name: str, password: str, *, actor: str) -> User:
    name = normalise_name(name)
    password_hash = _hasher(store.settings).hash(_valid_password(password))
    now = store.now()
    with store.write() as conn:
        require_permission(conn, actor, MANAGE_USERS)
        _existing(conn, name)
        conn.execute(sa.update(users).where(users.c.name == name).values(password_hash=password_hash, updated_at=now))
        # The hash is never copied into the audit trail: only that it changed.
        audit.append(conn, now, actor, audit.PASSWORD_SET, "user", name)
        return user_from_row(_row(conn, name))


def get_user(store: Store, name: str) -> User | None:
    with store.read() as conn:
        row = _row(conn, normalise_name(name))
    return None if row is None else user_from_row(row)


def list_users(store: Store) -> list[User]:
    with store.read() as conn:
        return [user_from_row(row) for row in conn.execute(sa.select(users).order_by(users.c.name))]


def require_permission(conn: sa.Connection, actor: str, permission: str) -> None:
    """Raises PermissionDenied unless `actor` is an active user whose stored role grants
    `permission`, or the shell managing users (a decision is always a named member's).
    Called inside every write that needs a role."""
    if actor.startswith(SHELL_PREFIX) and permission == MANAGE_USERS:
        return
    row = _row(conn, normalise_name(actor))
    if row is None or not user_from_row(row).can(permission):
        raise PermissionDenied("not_allowed", f"{actor} may not {permission.replace('_', ' ')}")


def verify_password(settings: StoreSettings, password_hash: str, password: str) -> bool:
    try:
        return _hasher(settings).verify(password_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


@functools.lru_cache(maxsize=4)
def dummy_hash(settings: StoreSettings) -> str:
    """A hash to verify against when the user does not exist, so an unknown name costs
    the same time as a wrong password and does not reveal itself."""
    return _hasher(settings).hash("not a password of anyone")


def _hasher(settings: StoreSettings) -> argon2.PasswordHasher:
    return argon2.PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


def _row(conn: sa.Connection, name: str) -> sa.Row | None:
    return conn.execute(sa.select(users).where(users.c.name == name)).one_or_none()


def _existing(conn: sa.Connection, name: str) -> sa.Row:
    row = _row(conn, name)
    if row is None:
        raise InvalidInput("unknown_user", f"no user {name}")
    return row


def user_from_row(row: sa.Row) -> User:
    return User(row.name, row.role, row.is_active, row.created_at, row.updated_at)


def _valid_name(name: str) -> str:
    name = normalise_name(name)
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            "invalid_name", f"user name {name!r}: 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    return name


def _valid_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput("invalid_role", f"role {role!r}: one of {', '.join(ROLES)}")


def _valid_password(password: str) -> str:
    if not password:
        raise InvalidInput("empty_password", "the password is empty")
    return password
