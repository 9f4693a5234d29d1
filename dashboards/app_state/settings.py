"""The store's settings, from the environment when the store is opened (never at import).

| variable | default | meaning |
|---|---|---|
| CARTERA_APP_DB_URL | sqlite:///$CARTERA_HOME/app.sqlite | the store: any SQLAlchemy URL; `postgresql+psycopg://user@host/db` for a multi-user deployment |
| CARTERA_LOGIN_MAX_FAILURES | 5 | failed logins for one user name that lock its logins |
| CARTERA_LOGIN_MAX_FAILURES_PER_ADDRESS | 20 | failed logins from one client address (for any names) that lock logins from it; higher, as an office behind one router shares an address |
| CARTERA_LOGIN_WINDOW_MINUTES | 15 | ... counted over this many minutes |
| CARTERA_LOGIN_LOCKOUT_MINUTES | 15 | how long logins stay locked after the last of those failures |
| CARTERA_SESSION_IDLE_MINUTES | 30 | a dashboard session idle this long must log in again (`session_expired`) |
| CARTERA_ARGON2_TIME_COST, CARTERA_ARGON2_MEMORY_KIB, CARTERA_ARGON2_PARALLELISM | argon2-cffi's defaults (3, 65536, 4) | cost of new password hashes; a hash keeps the cost it was made with |

CARTERA_HOME defaults to ./data, as everywhere in cartera.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import argon2


@dataclass(frozen=True)
class StoreSettings:
    url: str
    max_failures: int = 5
    max_failures_per_address: int = 20
    failure_window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    session_idle: timedelta = timedelta(minutes=30)
    argon2_time_cost: int = argon2.DEFAULT_TIME_COST
    argon2_memory_kib: int = argon2.DEFAULT_MEMORY_COST
    argon2_parallelism: int = argon2.DEFAULT_PARALLELISM


def default_url(home: Path | str | None = None, env: Mapping[str, str] = os.environ) -> str:
    """CARTERA_APP_DB_URL, else the SQLite file app.sqlite in CARTERA_HOME (default ./data)."""
    explicit = env.get("CARTERA_APP_DB_URL")
    if explicit:
        return explicit
    root = Path(home or env.get("CARTERA_HOME") or "data").resolve()
    return f"sqlite:///{root / 'app.sqlite'}"


def load_store_settings(url: str | None = None, env: Mapping[str, str] = os.environ) -> StoreSettings:
    def minutes(name: str, default: int) -> timedelta:
        return timedelta(minutes=int(env.get(name) or default))

    def integer(name: str, default: int) -> int:
        return int(env.get(name) or default)

    return StoreSettings(
        url=url or default_url(env=env),
        max_failures=integer("CARTERA_LOGIN_MAX_FAILURES", 5),
        max_failures_per_address=integer("CARTERA_LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
        failure_window=minutes("CARTERA_LOGIN_WINDOW_MINUTES", 15),
        lockout=minutes("CARTERA_LOGIN_LOCKOUT_MINUTES", 15),
        session_idle=minutes("CARTERA_SESSION_IDLE_MINUTES", 30),
        argon2_time_cost=integer("CARTERA_ARGON2_TIME_COST", argon2.DEFAULT_TIME_COST),
        argon2_memory_kib=integer("CARTERA_ARGON2_MEMORY_KIB", argon2.DEFAULT_MEMORY_COST),
        argon2_parallelism=integer("CARTERA_ARGON2_PARALLELISM", argon2.DEFAULT_PARALLELISM),
    )
