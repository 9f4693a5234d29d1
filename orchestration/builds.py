"""The record of the refresh's dbt builds (raw.dbt_builds), kept for the uniqueness tests of
the kept tables (dbt_project/macros/tests/keys_written_since_published.sql): a build that
was published passed every test, so only rows written since can repeat a key. Every row a
kept model writes carries its build's position, the raw file id it reads through; a build
with no new file since the published one writes rows at that same position, which is why
every build is recorded when it starts, not only the published ones."""

import duckdb

from orchestration.ingest.raw_tables import ensure_raw_schema


def record_build_started(conn: duckdb.DuckDBPyConnection) -> None:
    """Records a build about to run, at the position its rows will carry."""
    ensure_raw_schema(conn)
    conn.execute(
        """
        insert into raw.dbt_builds (build_id, read_through_file_id, started_at)
        select
            (select coalesce(max(build_id), 0) + 1 from raw.dbt_builds),
            (select coalesce(max(file_id), 0) from raw.file_registry),
            current_timestamp
        """
    )


def record_build_published(conn: duckdb.DuckDBPyConnection) -> None:
    """Marks the last build started, the one just published, as published."""
    ensure_raw_schema(conn)
    conn.execute(
        "update raw.dbt_builds set published_at = current_timestamp "
        "where build_id = (select max(build_id) from raw.dbt_builds)"
    )
