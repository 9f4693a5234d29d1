"""The store under test on each backend: SQLite in a temporary folder, and PostgreSQL —
CARTERA_TEST_POSTGRES_URL if set (a server the tests may create databases on), else a
throw-away cluster started here with initdb/pg_ctl on a free local port, as the
`postgres` user when run as root, stopped with its children at the end of the session.
Without either the PostgreSQL cases are skipped, saying why."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboards.app_state import open_store, shell_actor
from dashboards.app_state.settings import StoreSettings

BACKENDS = ["sqlite", "postgresql"]
# Cheap hashes: the tests make dozens (the default costs about a second here).
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1}
CHEAP_ARGON2_ENV = {"CARTERA_ARGON2_TIME_COST": "1", "CARTERA_ARGON2_MEMORY_KIB": "1024", "CARTERA_ARGON2_PARALLELISM": "1"}
SHELL = shell_actor()


class Clock:
    """A clock the test moves: the store asks it the time."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _postgres_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """An admin URL (without database) of a PostgreSQL server the tests own."""
    explicit = os.environ.get("CARTERA_TEST_POSTGRES_URL")
    if explicit:
        yield explicit
        return
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL: set CARTERA_TEST_POSTGRES_URL or install Debian's postgresql package (.ci/run does)")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = Path(tempfile.mkdtemp(prefix="cartera-pg-"))
    if as_postgres:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()

    def run(*command: str) -> None:
        result = subprocess.run([*as_postgres, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    pg_ctl = str(bin_dir / "pg_ctl")
    try:
        run(str(bin_dir / "initdb"), "-D", str(data / "db"), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync")
        options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(pg_ctl, "-D", str(data / "db"), "-o", options, "-l", str(data / "server.log"), "-w", "start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        # pg_ctl stop waits for the postmaster and every backend it started to exit.
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data / "db"), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty store: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.sqlite'}"
        return
    admin_url = sa.make_url(request.getfixturevalue("postgres_server"))
    name = f"cartera_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'create database "{name}"')
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'drop database "{name}" with (force)')
        admin.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(store_url, clock):
    store = open_store(settings=StoreSettings(url=store_url, **CHEAP_ARGON2), clock=clock)
    yield store
    store.close()
