"""The home's Dagster event log: Dagster's own SQLite event log (the same files, tables and
layout as `storage: sqlite`, so `dagster dev` and `cartera status` read it as before),
writing through one open connection per database file.

Dagster's SqliteEventLogStorage opens a new engine and connection for every write and
closes it after: a refresh stores ~1,600 events (each dbt model and test is an asset or an
asset check, planned then evaluated), each in one to three transactions, and each close of
the last connection to a WAL database checkpoints it with an fsync. That was 14-17 s of
CPU and 40-80 s of wall time a refresh on a loaded 2-core machine (the same events stored
with one open connection: 3-4 s CPU, 4-6 s wall). Held open, the WAL is checkpointed by
SQLite every 1,000 pages instead, and synchronous=NORMAL (SQLite's advice for WAL) drops
the fsync of each commit: a crash of the process loses nothing committed; a power cut may
lose the last events of a run, never corrupt the file. (DECISIONLOG: Dagster's event log.)
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

# Engines kept open: the index and the few runs a process writes or reads at a time.
_OPEN_SHARDS = 8


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage under DAGSTER_HOME/history/runs (where `storage: sqlite` puts
    it), its database files kept open between writes."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)
        # Reentrant: Dagster asks has_table while it holds a connection of the index.
        self._db_lock = threading.RLock()

    @classmethod
    def config_type(cls):
        return {"dagster_home": StringSource}

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls(os.path.join(config_value["dagster_home"], "history", "runs"), inst_data=inst_data)

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as connection:
                with connection.begin():
                    yield connection

    def has_table(self, table_name: str) -> bool:
        with self._db_lock, self._engine(INDEX_SHARD_NAME).connect() as connection:
            return bool(connection.dialect.has_table(connection, table_name))

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _synchronous_normal)
        if shard not in self._initialized_dbs:
            self._initdb(engine)  # as Dagster does on a shard's first connection
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > _OPEN_SHARDS:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


def _synchronous_normal(dbapi_connection, _connection_record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
