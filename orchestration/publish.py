"""Publishing: the dashboards' database is an immutable, compact copy of a checked build.

The build database is checkpointed (no .wal beside it) and copied, object by object
(`COPY FROM DATABASE`: tables, views, macros, sequences), into a new file under a
temporary name in the published folder; the new file is synced and renamed over the
published name. A reader that had the old file open keeps its consistent old snapshot;
new readers see the new one.

Copying the database rather than its file keeps the published file the size of its
data: the build file keeps the free blocks of every rebuilt table (15, 26, 27 MB over
three identical demo refreshes), a fresh copy does not. The copy is attached under
another name, but the views and the `ar_aging_at` macro keep naming the catalog
`cartera`, which is what a reader opening `cartera.duckdb` calls it.
"""

import os
from pathlib import Path

import duckdb

REQUIRED_TABLE = "marts.ar_aging"
_COPY_CATALOG = "publishing"


def publish(build_db: Path, published_db: Path) -> Path:
    temporary = published_db.with_name(f".{published_db.name}.publishing")
    _remove(temporary)  # left by a publish that was killed half-way
    try:
        with duckdb.connect(str(build_db)) as conn:
            conn.execute("checkpoint")
            build_catalog = conn.execute("select current_database()").fetchall()[0][0]
            conn.execute(f"attach ? as {_COPY_CATALOG}", [str(temporary)])
            conn.execute(f'copy from database "{build_catalog}" to {_COPY_CATALOG}')
            conn.execute(f"checkpoint {_COPY_CATALOG}")
            conn.execute(f"detach {_COPY_CATALOG}")
        _fsync(temporary)
        with duckdb.connect(str(temporary), read_only=True) as conn:
            # A copy that cannot answer the dashboards' first query is not published.
            conn.execute(f"select count(*) from {REQUIRED_TABLE}").fetchall()
        os.replace(temporary, published_db)
    finally:
        _remove(temporary)
    _fsync(published_db.parent)
    return published_db


def _remove(database: Path) -> None:
    database.unlink(missing_ok=True)
    database.with_name(database.name + ".wal").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
