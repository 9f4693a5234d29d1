"""Opening the store: the engine on its URL, migrations applied, and write transactions
that are serialised across threads, processes and machines."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from dashboards.app_state.settings import StoreSettings, load_store_settings
from dashboards.app_state.tables import audit_chain_head

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant: the PostgreSQL advisory lock that lets one process migrate at a time.
_MIGRATION_LOCK = 0x63617274


class Store:
    """The app-state store. `now()` is its clock (tests replace `clock`)."""

    def __init__(self, engine: sa.Engine, settings: StoreSettings, clock: Callable[[], datetime] | None = None):
        self.engine = engine
        self.settings = settings
        self.clock = clock or (lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One write transaction, serialised with every other: SQLite takes its write lock
        at BEGIN IMMEDIATE (a deferred transaction could read the chain head, then lose
        the race to write), PostgreSQL locks the audit chain's head row."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                conn.execute(sa.select(audit_chain_head.c.last_seq).with_for_update())
                yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """One read transaction: a consistent view on both backends."""
        with self.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    url: str | None = None, *, settings: StoreSettings | None = None, clock: Callable[[], datetime] | None = None
) -> Store:
    """The store at `url` (default: settings.default_url()), its schema brought up to date.
    Every entry point opens the store through here, so migrations run on start."""
    settings = settings or load_store_settings(url)
    engine = create_store_engine(settings.url)
    migrate(engine)
    return Store(engine, settings, clock)


def create_store_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # It holds password hashes: readable by its owner only (SQLite gives its -wal and
        # -shm files the same permissions).
        path.touch(mode=0o600, exist_ok=True)
    # Writers wait up to 30 s for the lock instead of failing at once.
    engine = sa.create_engine(parsed, connect_args={"timeout": 30})
    _take_over_sqlite_transactions(engine)
    return engine


def _take_over_sqlite_transactions(engine: sa.Engine) -> None:
    """pysqlite begins a transaction late (at the first write, never for DDL) and always
    DEFERRED; SQLAlchemy's documented recipe: the driver in autocommit, BEGIN emitted here
    with the mode the connection asks for."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        # WAL: readers never wait for the writer, nor block it.
        dbapi_connection.execute("pragma journal_mode=wal")
        dbapi_connection.execute("pragma foreign_keys=on")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get('sqlite_begin', 'DEFERRED')}")


def migrate(engine: sa.Engine) -> None:
    """Applies every migration not yet applied, under a lock, so processes starting at
    once do it once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("select pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
