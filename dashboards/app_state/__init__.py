"""The app-state store: what the dashboards write (users, committee decisions, the audit
trail), apart from the rebuilt warehouse. SQLite in CARTERA_HOME by default, any
SQLAlchemy URL (PostgreSQL) through CARTERA_APP_DB_URL; schema by Alembic migrations,
applied by `open_store`. Settings: settings.py. The pipeline reads `credit_decisions`
on its own (orchestration/ingest/app_state.py): this package never imports the pipeline.

    store = open_store()                      # migrated, ready
    add_user(store, "comite", "committee", password, actor=shell_actor())
    result = authenticate(store, "comite", password, client_address="10.0.0.7")
    record_decision(store, result.user, "C001", "raise", Decimal("20000.00"), "EUR",
                    "two years paying on time", date(2027, 6, 1), date(2026, 12, 1))
    verify_store(store).intact
"""

from dashboards.app_state.audit import AuditEntry, ChainReport, audit_entries, verify_store
from dashboards.app_state.auth import (
    DISABLED,
    LOCKED,
    OK,
    WRONG_CREDENTIALS,
    LoginResult,
    authenticate,
    session_expired,
)
from dashboards.app_state.decisions import (
    ACTIONS,
    LIMIT_ACTIONS,
    Decision,
    decisions_of_client,
    latest_decisions,
    record_decision,
)
from dashboards.app_state.errors import AppStateError, InvalidInput, PermissionDenied
from dashboards.app_state.settings import StoreSettings, default_url, load_store_settings
from dashboards.app_state.store import Store, open_store
from dashboards.app_state.users import (
    MANAGE_USERS,
    PERMISSIONS,
    READ,
    RECORD_DECISION,
    ROLES,
    User,
    add_user,
    disable_user,
    enable_user,
    get_user,
    list_users,
    set_password,
    set_role,
    shell_actor,
)

__all__ = [
    "ACTIONS", "DISABLED", "LIMIT_ACTIONS", "LOCKED", "MANAGE_USERS", "OK", "PERMISSIONS", "READ",
    "RECORD_DECISION", "ROLES", "WRONG_CREDENTIALS", "AppStateError", "AuditEntry", "ChainReport", "Decision",
    "InvalidInput", "LoginResult", "PermissionDenied", "Store", "StoreSettings", "User", "add_user",
    "audit_entries", "authenticate", "decisions_of_client", "default_url", "disable_user", "enable_user", "get_user",
    "latest_decisions", "list_users", "load_store_settings", "open_store", "record_decision", "session_expired",
    "set_password", "set_role", "shell_actor", "verify_store",
]
