"""The warehouse resource: where the files live and the one connection that writes."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from orchestration.config import Settings, load_settings
from orchestration.refresh_lock import refresh_lock


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

    def raw_row_count(self) -> int:
        """Rows in the raw tables, from DuckDB's catalogue (no scan)."""
        with self.connect() as conn:
            return conn.execute(
                "select coalesce(sum(estimated_size), 0) from duckdb_tables() where schema_name = 'raw'"
            ).fetchone()[0]
