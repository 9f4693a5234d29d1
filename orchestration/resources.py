"""The warehouse resource: where the files live and the one connection that writes; and
the home's refresh lock, so that two refreshes never write one home at once."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import dagster as dg
import duckdb

from orchestration.config import Settings, load_settings


class WarehouseResource(dg.ConfigurableResource):
    """The build database. Only the pipeline writes it, one step at a time (the job runs
    in process), so DuckDB's single-writer lock is never contended."""

    home: str | None = None

    def settings(self) -> Settings:
        return load_settings(self.home)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        # A run that `dagster dev` launches holds the home's refresh lock as `cartera
        # refresh` does: the two never write one build database at once.
        with refresh_lock(self.settings()):
            yield self

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        settings = self.settings()
        settings.make_dirs()
        conn = duckdb.connect(str(settings.build_db), config=settings.duckdb_config())
        try:
            yield conn
        finally:
            conn.close()


class RefreshLocked(Exception):
    """Another process is refreshing this home."""


_held_locks: dict[str, int] = {}


@contextmanager
def refresh_lock(settings: Settings) -> Iterator[None]:
    """Holds $CARTERA_HOME/refresh.lock (an flock) for the duration: a second refresh of
    the same home raises RefreshLocked at once instead of writing beside the first. The
    kernel drops the lock when its process dies, even by SIGKILL, so a crash never leaves
    a home locked. Re-entrant within one process (the CLI holds it around the run, and
    the warehouse resource takes it again for runs that `dagster dev` launches)."""
    path = settings.home / "refresh.lock"
    key = str(path)
    if key in _held_locks:
        yield
        return
    settings.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise RefreshLocked(f"another refresh is running on {settings.home} ({holder})") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}".encode(), 0)
    _held_locks[key] = fd
    try:
        yield
    finally:
        del _held_locks[key]
        os.close(fd)
