"""Publishing: the dashboards' database is an immutable copy of a checked build.

The build database is checkpointed (no .wal beside it), copied to a temporary name in
the published folder, synced, and renamed over the published name. A reader that had
the old file open keeps its consistent old snapshot; new readers see the new one.
"""

import os
import shutil
from pathlib import Path

import duckdb

REQUIRED_TABLE = "marts.ar_aging"


def publish(build_db: Path, published_db: Path) -> Path:
    with duckdb.connect(str(build_db)) as conn:
        conn.execute("checkpoint")
    temporary = published_db.with_name(f".{published_db.name}.publishing")
    try:
        shutil.copyfile(build_db, temporary)
        _fsync(temporary)
        with duckdb.connect(str(temporary), read_only=True) as conn:
            # A copy that cannot answer the dashboards' first query is not published.
            conn.execute(f"select count(*) from {REQUIRED_TABLE}").fetchall()
        os.replace(temporary, published_db)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync(published_db.parent)
    return published_db


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
