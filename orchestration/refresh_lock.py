"""The home's refresh lock, so that two refreshes never write one home at once. Apart from
the Dagster resources so that `cartera refresh` can take it, and find that nothing changed,
before importing Dagster."""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from orchestration.config import Settings


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
