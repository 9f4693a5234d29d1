"""Logging in: the password checked, failures rate-limited per user name and per client
address, every attempt audited; and when an idle session must log in again.

After `max_failures` failed logins for one name (since its last successful login) or
`max_failures_per_address` from one client address, within `failure_window`, logins for
that name or from that address are refused, even with the right password, until
`lockout` has passed since the last failure.
A refused attempt is audited (login_locked) but does not extend the lock: otherwise anyone
could keep a colleague locked out forever. Unknown names are counted like known ones and
cost the same time, so the answer never tells whether a name exists. Failures and refusals
are audit rows, and warnings on this module's logger for the server's log."""

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from dashboards.app_state import audit
from dashboards.app_state.settings import StoreSettings
from dashboards.app_state.store import Store
from dashboards.app_state.tables import audit_log, users
from dashboards.app_state.users import User, dummy_hash, normalise_name, user_from_row, verify_password

_log = logging.getLogger(__name__)

OK = "ok"
WRONG_CREDENTIALS = "wrong_credentials"  # unknown name or wrong password: the UI says the same
DISABLED = "disabled"  # right password, user disabled
LOCKED = "locked"  # too many failures: try again after locked_until


@dataclass(frozen=True)
class LoginResult:
    outcome: str
    user: User | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == OK


def authenticate(store: Store, name: str, password: str, client_address: str | None) -> LoginResult:
    """Checks `password` for `name` logging in from `client_address` (None when unknown,
    e.g. the CLI). The check runs in one write transaction, so attempts made at once are
    counted one after another and a burst cannot slip past the limit."""
    # Whatever was typed is audited, cut to the columns' width (no name is longer).
    name = normalise_name(name)[:64]
    client_address = None if client_address is None else client_address[:64]
    now = store.now()
    settings = store.settings
    with store.write() as conn:
        locked_until = _locked_until(conn, settings, now, name, client_address)
        if locked_until is not None:
            audit.append(
                conn, now, name, audit.LOGIN_LOCKED, "user", name,
                new_value={"locked_until": locked_until}, client_address=client_address,
            )
            _log.warning("login refused for %r from %s: locked until %s", name, client_address, locked_until)
            return LoginResult(LOCKED, locked_until=locked_until)
        row = conn.execute(sa.select(users).where(users.c.name == name)).one_or_none()
        password_ok = verify_password(settings, row.password_hash if row else dummy_hash(settings), password)
        if row is not None and password_ok and row.is_active:
            audit.append(conn, now, name, audit.LOGIN, "user", name, client_address=client_address)
            return LoginResult(OK, user=user_from_row(row))
        reason = "unknown_user" if row is None else "wrong_password" if not password_ok else "disabled"
        audit.append(
            conn, now, name, audit.LOGIN_FAILED, "user", name,
            new_value={"reason": reason}, client_address=client_address,
        )
    _log.warning("failed login for %r from %s: %s", name, client_address, reason)
    return LoginResult(DISABLED if reason == "disabled" else WRONG_CREDENTIALS)


def session_expired(settings: StoreSettings, last_activity: datetime, now: datetime) -> bool:
    """True when a session last active at `last_activity` has been idle longer than
    CARTERA_SESSION_IDLE_MINUTES: the pages then log the user out."""
    return now - last_activity > settings.session_idle


def _locked_until(
    conn: sa.Connection, settings: StoreSettings, now: datetime, name: str, client_address: str | None
) -> datetime | None:
    since = now - settings.failure_window
    last_login = conn.execute(
        sa.select(sa.func.max(audit_log.c.occurred_at)).where(
            audit_log.c.action == audit.LOGIN, audit_log.c.entity_id == name
        )
    ).scalar_one()
    name_since = max(since, last_login or since)
    limits = [(settings.max_failures, [audit_log.c.entity_id == name, audit_log.c.occurred_at >= name_since])]
    if client_address is not None:
        by_address = [audit_log.c.client_address == client_address, audit_log.c.occurred_at >= since]
        limits.append((settings.max_failures_per_address, by_address))
    ends = []
    for limit, conditions in limits:
        recent = conn.execute(
            sa.select(audit_log.c.occurred_at)
            .where(audit_log.c.action == audit.LOGIN_FAILED, *conditions)
            .order_by(audit_log.c.occurred_at.desc())
            .limit(limit)
        ).scalars().all()
        if len(recent) >= limit and recent[0] + settings.lockout > now:
            ends.append(recent[0] + settings.lockout)
    return max(ends, default=None)
