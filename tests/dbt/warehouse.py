"""Builds a warehouse from an inbox of export files with the real loader and `dbt build`,
without Dagster: the fast way to test models on a hand-made fixture."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from orchestration.config import Settings
from orchestration.dbt_project import copy_shared_parse, project_state, share_parse
from orchestration.ingest.app_state import app_db_url, load_credit_decisions
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.ingest.loader import ingest_entity
from orchestration.readers import ENTITIES

DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"


def build_warehouse(inbox: Path, home: Path, dbt_vars: dict, select: str | None = None,
                    project: Path = DBT_PROJECT) -> Path:
    """Loads every file of `inbox` (invoicing exports, then bank statements) and the
    decisions of home's app-state store (app.sqlite, if any) into home's build database and runs `dbt build` (optionally `--select`) of `project` (this checkout's
    dbt project unless another is given); returns the build database. Fails with dbt's output.
    CARTERA_* variables of the environment are ignored: the home given is the home used."""
    settings = warehouse_settings(home)
    settings.make_dirs()
    for path in sorted(inbox.iterdir()):
        shutil.copy(path, settings.inbox)
    with duckdb.connect(str(settings.build_db)) as conn:
        for entity in ENTITIES:
            ingest_entity(conn, settings, entity)
        ingest_bank_statements(conn, settings)
        load_credit_decisions(conn, app_db_url(home, env={}))
    arguments = [
        "build",
        # The dbt unit tests check the SQL on fixed inputs, whatever the inbox: the
        # refreshes of the e2e tests run them (a home's first build does), not every fixture.
        "--exclude-resource-type", "unit_test",
    ]
    if select:
        # Only the tests all of whose parents are selected: another mart's tie-out that
        # also reads a selected model is not this build's to run.
        arguments += ["--select", select, "--indirect-selection", "cautious"]
    result = run_dbt(arguments, home, dbt_vars, project)
    assert result.returncode == 0, result.stdout[-6000:]
    return settings.build_db


def run_dbt(arguments: list[str], home: Path, dbt_vars: dict, project: Path = DBT_PROJECT) -> subprocess.CompletedProcess:
    """Runs `dbt <arguments>` on home's build database, its target and logs in home's
    dbt_target and dbt_logs. It starts from the parse of the project this checkout shared
    for these vars, as a home's first refresh does (orchestration/dbt_project.py), and
    shares its own if none was: a parse from nothing costs ~7 s of CPU per build, and the
    suite's builds use a handful of different vars. One thread: the test workers already
    keep both cores busy, and a second thread only adds contention. Another `project` (a
    changed copy) is parsed from nothing: the shared parses are this checkout's."""
    target = home / "dbt_target"
    state = project_state(dbt_vars)
    shared = copy_shared_parse(state, target) if project == DBT_PROJECT else True
    command = [
        str(DBT), *arguments, "--threads", "1",
        "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(target), "--log-path", str(home / "dbt_logs"),
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    env = {**os.environ, "CARTERA_HOME": str(home), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if not shared:
        share_parse(state, target)
    return result


def warehouse_settings(home: Path) -> Settings:
    return Settings(home=home, inbox=home / "inbox", quarantine=home / "quarantine")


def dbt_manifest(build_database: Path) -> Path:
    """The manifest, with every model's compiled SQL, of the build_warehouse run that made
    build_database."""
    return build_database.parents[1] / "dbt_target" / "manifest.json"


def tables_of(incremental: Path, full: Path, exclude: dict[str, str] | None = None) -> tuple[set, list[str]]:
    """The (schema, table) pairs a full build wrote in intermediate and marts, and those of
    them whose rows differ (in either direction, duplicates counted) in an incremental build.
    `exclude` maps a table to the columns left out of its comparison; a kept table's
    positions (_read_through_file_id, _written_through_file_id: when its row was read or
    written, not what it says) are always left out."""
    exclude = exclude or {}
    with duckdb.connect() as conn:
        conn.execute(f"attach '{incremental}' as incremental (read_only)")
        conn.execute(f"attach '{full}' as full_build (read_only)")
        tables = conn.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'full_build' "
            "and schema_name in ('intermediate', 'marts') order by all").fetchall()
        differing = []
        for schema, table in tables:
            left_out = [exclude[table]] if table in exclude else []
            left_out += [column for (column,) in conn.execute(
                "select column_name from duckdb_columns() where database_name = 'full_build' and schema_name = ? "
                "and table_name = ? and column_name in ('_read_through_file_id', '_written_through_file_id')",
                [schema, table]).fetchall()]
            columns = f"* exclude ({', '.join(left_out)})" if left_out else "*"
            one, other = f"incremental.{schema}.{table}", f"full_build.{schema}.{table}"
            (count,) = conn.execute(f"""
                select (select count(*) from (select {columns} from {one} except all select {columns} from {other}))
                     + (select count(*) from (select {columns} from {other} except all select {columns} from {one}))""").fetchone()
            if count:
                differing.append(table)
    return set(tables), differing


def positions(database: Path, table: str, key: str) -> dict[str, int]:
    """Each key's registry position in a kept table (`schema.table`): when its rows were
    last computed."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return dict(conn.execute(f"select {key}, max(_read_through_file_id) from {table} group by all").fetchall())
