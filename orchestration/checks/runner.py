"""Runs a suite of orchestration/checks/suites.py on the build database with Great
Expectations Core, or reuses its stored result when the table has not changed.

A result is stored in raw.data_quality_results with the key of what it checked: the suite
itself, the table's columns and types, and the files (id and sha256) of the table and of
the tables it looks ids up in. A refresh that loads no new file finds every key unchanged
and never imports great_expectations (10 to 20 seconds of imports).
"""

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from dashboards.i18n.messages import render
from orchestration.checks.suites import (
    EXPECTED_COLUMNS,
    ISO_CURRENCY_CODES,
    REGEX_EXPECTATION,
    SCHEMA_COLUMN,
    Check,
    Lookup,
    Severity,
    Suite,
)
from orchestration.ingest.raw_tables import ensure_raw_schema

RESULTS_TABLE = "raw.data_quality_results"

# One row per check of the latest evaluation; the dashboards' data-quality page reads it
# from the published copy. `input_key` is what the result is valid for (see above).
RESULTS_DDL = f"""
create table if not exists {RESULTS_TABLE} (
    table_name VARCHAR not null,
    check_name VARCHAR not null,
    expectation VARCHAR not null,
    description VARCHAR not null,
    severity VARCHAR not null,
    success BOOLEAN not null,
    element_count BIGINT,
    unexpected_count BIGINT,
    unexpected_sample VARCHAR,
    observed_value VARCHAR,
    checked_at TIMESTAMP not null,
    as_of_date DATE,
    run_id VARCHAR,
    input_key VARCHAR not null,
    primary key (table_name, check_name)
)
"""

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class Outcome:
    check: Check
    table: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    unexpected_sample: str | None
    observed_value: str | None
    checked_at: datetime
    from_cache: bool


@dataclass(frozen=True)
class RunInfo:
    run_id: str | None
    as_of_date: date | None


def ensure_results_table(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("create schema if not exists raw")
    conn.execute(RESULTS_DDL)


def check_suite(conn: duckdb.DuckDBPyConnection, suite: Suite, run: RunInfo) -> list[Outcome]:
    """The suite's outcomes: stored ones when nothing it reads has changed, else a fresh
    validation with Great Expectations, stored for the next refresh."""
    ensure_results_table(conn)
    expected = expected_columns(suite.table)
    key = input_key(conn, suite, expected)
    stored = stored_outcomes(conn, suite, key)
    if stored is not None:
        return stored
    outcomes = validate(conn, suite, expected)
    _store(conn, suite, key, outcomes, run)
    return outcomes


def expected_columns(table: str) -> list[str]:
    """The table's "name TYPE" list as this version of the loader creates it."""
    return list(_loader_schema().get(table, ()))


@functools.cache
def _loader_schema() -> dict[str, tuple[str, ...]]:
    # Read from a scratch in-memory database the loader's DDL ran on, once per process,
    # so the suites never restate the DDL.
    scratch = duckdb.connect()
    try:
        ensure_raw_schema(scratch)
        tables = scratch.execute("select table_schema || '.' || table_name from information_schema.tables").fetchall()
        return {table: tuple(_columns_and_types(scratch, table)) for (table,) in tables}
    finally:
        scratch.close()


def _columns_and_types(conn: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = conn.execute(
        "select column_name, data_type from information_schema.columns"
        " where table_catalog = current_database() and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [f"{column} {data_type}" for column, data_type in rows]


def input_key(conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str]) -> str:
    """What a result is valid for: the suite, the expected and actual schema, and for each
    table read its files (id and sha256), or its content where it has no files, and the
    columns of the tables its ids are looked up in."""
    parts: list[object] = [repr(suite), expected, _columns_and_types(conn, suite.table), _babel_version()]
    for table in (suite.table, *suite.depends_on):
        parts.append(_table_fingerprint(conn, table))
    parts.extend(_columns_and_types(conn, table) for table in suite.depends_on)
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


@functools.cache
def _babel_version() -> str:
    # The ISO 4217 list comes from babel's CLDR data: a new release can change it.
    from importlib.metadata import version

    return version("babel")


def _table_fingerprint(conn: duckdb.DuckDBPyConnection, table: str) -> list[object]:
    columns = {entry.split(" ")[0] for entry in _columns_and_types(conn, table)}
    if not columns:
        return ["absent"]
    if {"_file_id", "_sha256"} <= columns:
        return conn.execute(f"select distinct _file_id, _sha256 from {table} order by all").fetchall()
    # raw.client_tax_id_checks is derived, not loaded: it has no files, only content.
    return list(conn.execute(f"select count(*), sum(hash(t)) from {table} t").fetchall()[0])


def stored_outcomes(conn: duckdb.DuckDBPyConnection, suite: Suite, key: str) -> list[Outcome] | None:
    rows = conn.execute(
        f"select check_name, success, element_count, unexpected_count, unexpected_sample, observed_value, checked_at"
        f" from {RESULTS_TABLE} where table_name = ? and input_key = ?",
        [suite.table, key],
    ).fetchall()
    by_name = {row[0]: row for row in rows}
    if set(by_name) != {check.name for check in suite.checks}:
        return None
    return [
        Outcome(check, suite.table, *by_name[check.name][1:], from_cache=True)  # type: ignore[arg-type]
        for check in suite.checks
    ]


def _store(conn: duckdb.DuckDBPyConnection, suite: Suite, key: str, outcomes: list[Outcome], run: RunInfo) -> None:
    conn.execute("begin transaction")
    try:
        conn.execute(f"delete from {RESULTS_TABLE} where table_name = ?", [suite.table])
        conn.executemany(
            f"insert into {RESULTS_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    suite.table, o.check.name, describe_expectation(o.check), o.check.description,
                    o.check.severity.value, o.success, o.element_count, o.unexpected_count,
                    o.unexpected_sample, o.observed_value, o.checked_at, run.as_of_date, run.run_id, key,
                ]
                for o in outcomes
            ],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def describe_expectation(check: Check) -> str:
    """The GX expectation as its snake_case type and arguments, as GX itself names it, and
    what a derived column holds."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in check.expectation).lstrip("_")
    arguments = ", ".join(
        f"{name}={value['$PARAMETER'] if isinstance(value, dict) else value}" for name, value in check.arguments
    )
    described = f"{snake}({arguments})"
    if check.lookup:
        lookup = check.lookup
        described += f" where {lookup.derived} = {lookup.column} not found in {lookup.table}.{lookup.key}"
    return described


def validate(conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str]) -> list[Outcome]:
    """Validates the suite with Great Expectations: the schema checks on a frame of the
    table's catalogue entry, the row checks on a frame of only the columns they read."""
    import pandas as pd

    checked_at = datetime.now()
    parameters = _expectation_parameters(suite, expected)
    actual = _columns_and_types(conn, suite.table)
    results: dict[str, dict] = {}
    if suite.schema_checks:
        frame = pd.DataFrame({SCHEMA_COLUMN: pd.Series(actual, dtype="string[pyarrow]")})
        results |= _run_gx(f"{suite.table} schema", suite.schema_checks, frame, parameters, [])
    if suite.row_checks and not actual:
        missing = {"success": False, "result": {}, "exception": f"{suite.table} does not exist"}
        results |= {check.name: missing for check in suite.row_checks}
    elif suite.row_checks:
        present = {entry.split(" ")[0] for entry in actual}
        index = [column for column in suite.index_columns if column in present]
        unresolved = {
            check.name: reason
            for check in suite.row_checks
            if (reason := _cannot_look_up(conn, suite, check, present))
        }
        results |= {name: {"success": False, "result": {}, "exception": reason} for name, reason in unresolved.items()}
        checks = tuple(check for check in suite.row_checks if check.name not in unresolved)
        lookups = {check.lookup.derived: check.lookup for check in checks if check.lookup}
        # Arrow-backed columns keep DECIMAL as decimals (or, where only a regex reads them, as
        # DuckDB prints them) and DATE as dates, never floats.
        frame = conn.sql(_frame_query(suite, present, lookups)).to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)
        results |= _run_gx(suite.table, checks, frame, parameters, index)
    file_names = _file_names(conn)
    return [
        _outcome(suite, check, results[check.name], checked_at, file_names, len(expected)) for check in suite.checks
    ]


def _frame_query(suite: Suite, present: set[str], lookups: dict[str, Lookup]) -> str:
    """The columns the row checks read, in the table's order, with each looked-up id
    resolved by DuckDB: one hash join per lookup, linear in the rows, no id in Python."""
    text = _read_as_text(suite)
    selected = []
    for column in suite.read_columns:
        if column in present:
            selected.append(f't."{column}"::VARCHAR as "{column}"' if column in text else f't."{column}"')
        elif column in lookups:
            selected.append(f"{_unknown_id(lookups[column])} as \"{column}\"")
        # else: a missing column is the schema check's finding; its row checks report it too.
    columns = ", ".join(selected) or "null as no_column"
    # The lookups' joins may reorder rows: the table's order keeps the samples stable.
    order = " order by t.rowid" if lookups else ""
    return f"select {columns} from {suite.table} t{order}"


def _read_as_text(suite: Suite) -> set[str]:
    """The columns only regex checks read. GX matches a regex on `column.astype(str)`,
    one Python Decimal and one str per value; DuckDB prints them as they are (12.30,
    10.005) in one vectorised cast, never through a float."""
    regex = {column for check in suite.row_checks if check.expectation == REGEX_EXPECTATION for column in check.columns}
    other = {column for check in suite.row_checks if check.expectation != REGEX_EXPECTATION for column in check.columns}
    return regex - other - set(suite.index_columns)


def _cannot_look_up(conn: duckdb.DuckDBPyConnection, suite: Suite, check: Check, present: set[str]) -> str | None:
    """Why the check's ids cannot be looked up, if they cannot."""
    if not check.lookup:
        return None
    lookup = check.lookup
    if lookup.column not in present:
        return f"{suite.table} has no column {lookup.column}"
    if lookup.key not in {entry.split(" ")[0] for entry in _columns_and_types(conn, lookup.table)}:
        return f"{lookup.table} has no column {lookup.key} to look {lookup.column} up in"
    return None


def _unknown_id(lookup: Lookup) -> str:
    # A null id is not looked up: the not-null check reports it.
    column, key = f't."{lookup.column}"', f'"{lookup.key}"'
    return (
        f"case when {column} is not null and {column} not in"
        f" (select {key} from {lookup.table} where {key} is not null) then {column} end"
    )


def _expectation_parameters(suite: Suite, expected: list[str]) -> dict[str, object]:
    used = {
        value["$PARAMETER"]
        for check in suite.checks
        for _, value in check.arguments
        if isinstance(value, dict) and "$PARAMETER" in value
    }
    parameters: dict[str, object] = {}
    for name in used:
        if name == EXPECTED_COLUMNS:
            parameters[name] = expected
        elif name == ISO_CURRENCY_CODES:
            from babel.numbers import list_currencies

            parameters[name] = sorted(list_currencies())
    return parameters


def _run_gx(name: str, checks: tuple[Check, ...], frame, parameters: dict[str, object], index: list[str]) -> dict[str, dict]:
    """One GX validation of `checks` on `frame`; returns each check's GX result as a dict."""
    gx, context, batch_definition = _gx_context()
    suite = context.suites.add(gx.ExpectationSuite(name=name))
    try:
        for check in checks:
            expectation_class = getattr(gx.expectations, check.expectation)
            severity = "critical" if check.severity is Severity.ERROR else "warning"
            suite.add_expectation(expectation_class(**check.kwargs, meta={"check": check.name}, severity=severity))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
        )
        result_format: dict[str, object] = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_SIZE}
        if index:
            result_format["unexpected_index_column_names"] = index
        try:
            run = validation.run(
                batch_parameters={"dataframe": frame}, expectation_parameters=parameters, result_format=result_format
            )
        finally:
            context.validation_definitions.delete(name)
    finally:
        # The context outlives the suite: the next validation of this table adds it anew.
        context.suites.delete(name)
    return {
        result.expectation_config.meta["check"]: {
            "success": bool(result.success),
            "result": dict(result.result or {}),
            "exception": (result.exception_info or {}).get("exception_message")
            if (result.exception_info or {}).get("raised_exception")
            else None,
        }
        for result in run.results
    }


@functools.cache
def _gx_context():
    """great_expectations, one in-memory context per process and its one dataframe batch
    definition: every suite runs on it, each with its own frame as batch parameter."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch under this size by hashing each of its values
    # into a batch marker nothing here reads (20 of raw.documents' 30 s at M, one Python
    # object per decimal); the threshold is the only switch it has.
    pandas_execution_engine.HASH_THRESHOLD = 0

    context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            progress_bars=ProgressBarsConfig(globally=False),
            analytics_enabled=False,
        ),
    )
    batch_definition = (
        context.data_sources.add_pandas("cartera_build")
        .add_dataframe_asset("raw table")
        .add_batch_definition_whole_dataframe("whole table")
    )
    return gx, context, batch_definition


def _file_names(conn: duckdb.DuckDBPyConnection) -> dict[int, str]:
    exists = conn.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'file_registry'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    return dict(conn.execute("select file_id, file_name from raw.file_registry").fetchall())


def _outcome(
    suite: Suite, check: Check, gx_result: dict, checked_at: datetime, file_names: dict[int, str], expected_count: int
) -> Outcome:
    result = gx_result["result"]
    if gx_result["exception"]:
        reason = f"could not be checked: {gx_result['exception']}"
        return Outcome(check, suite.table, False, None, None, None, reason, checked_at, False)
    if "missing_count" in result and "element_count" not in result:  # the schema check: what the table lacks
        missing = result.get("partial_missing_list") or []
        sample = "missing or of another type: " + ", ".join(map(str, missing)) if missing else None
        return Outcome(
            check, suite.table, gx_result["success"], expected_count, result["missing_count"], sample, None, checked_at, False
        )
    unexpected = result.get("unexpected_count")
    element_count = result.get("element_count")
    observed = result.get("observed_value")
    if observed is None and unexpected is not None and element_count:
        checked = element_count - (result.get("missing_count") or 0)
        share = 100 * unexpected / checked if checked else 0
        observed = f"{unexpected} of {checked} checked rows unexpected ({share:.2f}%)"
    rows = result.get("partial_unexpected_index_list") or [
        {"value": value} for value in result.get("partial_unexpected_list") or []
    ]
    rows = [{check.sample_name(name): value for name, value in row.items()} for row in rows[:SAMPLE_SIZE]]
    sample = "; ".join(_describe_row(row, file_names) for row in rows) or None
    return Outcome(
        check, suite.table, gx_result["success"], element_count, unexpected, sample,
        None if observed is None else str(observed), checked_at, False,
    )


def _describe_row(row: dict, file_names: dict[int, str]) -> str:
    """One unexpected row where a bookkeeper can find it: file, line, values."""
    values = dict(row)
    where = []
    file_id = values.pop("_file_id", None)
    line = values.pop("_line_number", None)
    if file_id is not None:
        where.append(file_names.get(int(file_id), f"file {file_id}"))
    if line is not None:
        where.append(f"line {line}")
    described = ", ".join(f"{name}={_text(value)}" for name, value in values.items())
    return f"{' '.join(where)}: {described}" if where else described


def _text(value: object) -> str:
    if value is None or value is _pandas_na():
        return "empty"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        # A stored message among the row's values (a tax id check's reason) is worded in
        # English, as the rest of the sample is; other text is shown as it is.
        return render(value, "en")
    return str(value)


def _pandas_na() -> object:
    import pandas as pd

    return pd.NA
