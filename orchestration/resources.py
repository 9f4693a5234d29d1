"""The warehouse resource: where the files live and the one connection that writes."""

from collections.abc import Iterator
from contextlib import contextmanager

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
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        settings = self.settings()
        settings.make_dirs()
        conn = duckdb.connect(str(settings.build_db))
        try:
            yield conn
        finally:
            conn.close()
