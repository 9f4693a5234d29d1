"""The record of the refresh's dbt builds (raw.dbt_builds), kept for the uniqueness tests of
the kept tables (dbt_project/macros/tests/keys_written_since_published.sql): a build that
was published passed every test, so only rows written since can repeat a key. Every row a
kept model writes carries its build's position, the raw file id it reads through; a build
with no new file since the published one writes rows at that same position, which is why
every build is recorded when it starts, not only the published ones. Only a build that
passed is published: publishing alone after a failed build (from the Dagster UI, say) would
show the dashboards a half-built warehouse and tell the next build's tests to skip its rows."""

from typing import NamedTuple

import duckdb

from orchestration.ingest.raw_tables import ensure_raw_schema


class Build(NamedTuple):
    build_id: int
    passed: bool


def record_build_started(conn: duckdb.DuckDBPyConnection) -> int:
    """Records a build about to run, at the position its rows will carry; returns its id."""
    ensure_raw_schema(conn)
    (build_id,) = conn.execute(
        """
        insert into raw.dbt_builds (build_id, read_through_file_id, started_at)
        select
            (select coalesce(max(build_id), 0) + 1 from raw.dbt_builds),
            (select coalesce(max(file_id), 0) from raw.file_registry),
            current_timestamp
        returning build_id
        """
    ).fetchone()
    return build_id


def record_build_passed(conn: duckdb.DuckDBPyConnection, build_id: int) -> None:
    """Records that every model and test of the build passed."""
    conn.execute("update raw.dbt_builds set passed_at = current_timestamp where build_id = ?", [build_id])


def last_build(conn: duckdb.DuckDBPyConnection) -> Build | None:
    """The build started last, or None before any was recorded. A build recorded before
    raw.dbt_builds had passed_at passed if it was published."""
    ensure_raw_schema(conn)
    found = conn.execute(
        "select build_id, coalesce(passed_at, published_at) is not null from raw.dbt_builds "
        "order by build_id desc limit 1"
    ).fetchone()
    return Build(*found) if found else None


def record_build_published(conn: duckdb.DuckDBPyConnection, build_id: int) -> None:
    conn.execute("update raw.dbt_builds set published_at = current_timestamp where build_id = ?", [build_id])
