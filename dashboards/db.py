"""Read-only access to the published DuckDB file, reopened when a new version is published.

The pipeline publishes by renaming a finished copy over the served file, so a new version is
a new file identity (inode, modification time). The entrypoint calls `open_published()` once
per script run, before the page reads anything, and the page does all its reads through the
object it got: a publish during a page never mixes two versions, and the next run sees it.
"""

import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st


@dataclass(frozen=True)
class FileIdentity:
    """One version of the published file: a rename over the path gives a new inode."""

    path: str
    inode: int
    mtime_ns: int


def published_db_path() -> Path:
    """CARTERA_PUBLISHED_DB if set, else CARTERA_HOME (default ./data) + /cartera.duckdb."""
    explicit = os.environ.get("CARTERA_PUBLISHED_DB")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("CARTERA_HOME", "data")) / "cartera.duckdb"


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of the file at `path` now, or None if nothing is published there yet."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return FileIdentity(str(path.resolve()), stat.st_ino, stat.st_mtime_ns)


class PublishedDatabase:
    """One version of the published file, open read-only; safe to share between sessions.

    The file is attached READ_ONLY to a private in-memory DuckDB rather than opened with
    `duckdb.connect(path, read_only=True)`: DuckDB keeps one database instance per path in a
    process, and while any connection to the previous version is still alive, connecting to
    the same path again returns that previous instance, so a new publish would stay unseen.
    It is attached under the catalog name `duckdb.connect` would give it (the file name
    without extension, `cartera`), which the warehouse's views and table macros refer to.
    """

    def __init__(self, identity: FileIdentity) -> None:
        self.identity = identity
        self._catalog = _quoted(Path(identity.path).stem)
        self._connection = duckdb.connect()
        self._connection.execute(f"attach ? as {self._catalog} (read_only)", [identity.path])

    def query(self, sql: str, parameters: list[object]) -> pd.DataFrame:
        """Run one parameterised statement (`?` placeholders) on a cursor of its own.

        DECIMAL columns come back as `decimal.Decimal`, DATE as `datetime.date`, and integer
        columns holding NULL as Python ints and None, so money is never turned into floats.
        """
        with self._connection.cursor() as cursor:
            cursor.execute(f"use {self._catalog}")
            table = cursor.execute(sql, parameters).to_arrow_table()
        return table.to_pandas(integer_object_nulls=True)


# `cursor.sql(sql, params=...)`, the relation DuckDB suggests instead, costs about 3 ms more
# CPU per query than `execute` on the demo (tests/benchmarks/bench_pages.py), a page runs up
# to a dozen queries, and the copy it would save is of a page's few hundred rows.
warnings.filterwarnings(
    "ignore", message="Arrow output on a DB-API result makes an extra copy", category=UserWarning
)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class _LatestVersion:
    """The most recently opened version of the published file, shared by every session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._database: PublishedDatabase | None = None

    def open(self, path: Path) -> PublishedDatabase | None:
        with self._lock:
            identity = file_identity(path)
            if identity is None:
                return None
            if self._database is None or self._database.identity != identity:
                # The previous version is not closed here: a session may be in the middle
                # of a page with it. It closes when the last session lets go of it.
                self._database = PublishedDatabase(identity)
                # Cached results are keyed on the identity, so the old ones can no longer
                # be reached; drop them rather than keep them until they expire.
                st.cache_data.clear()
            return self._database


@st.cache_resource
def _latest_version() -> _LatestVersion:
    return _LatestVersion()


def open_published() -> PublishedDatabase | None:
    """The published database as it is now, or None if nothing has been published yet.

    Call once per script run, before any read; reopens only when the file identity changed.
    """
    return _latest_version().open(published_db_path())
