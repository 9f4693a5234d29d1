"""Runs a suite of orchestration/checks/suites.py on the build database with Great
Expectations Core, or reuses its stored result when the table has not changed.

A result is stored in raw.data_quality_results with the key of what it checked: the suite
itself, the table's columns and types, and the files (id and sha256) of the table and of
the tables it looks ids up in. A refresh that loads no new file finds every key unchanged
and never imports great_expectations (10 to 20 seconds of imports).

A refresh that only adds files checks only their rows (DECISIONLOG: Data-quality checks by
the day): every row check holds or fails row by row, or within one file, so a table's
result is its earlier files' result plus the new files' (counts added, the first rows of
the sample kept). It is done only when nothing else changed: the same suite and schema,
none of the files checked before gone or replaced, and, where a table the ids are looked
up in gained files, no id found unknown before (a new file may make it known). Anything
else, or a result stored before this, is checked whole.
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

# Added after the first release of the table (ensure_results_table adds them to an older
# one): what a result can be extended from (see above).
_EXTENSION_COLUMNS = {
    "missing_count": "BIGINT",  # rows whose checked value is empty (GX's missing_count)
    "static_key": "VARCHAR",  # the suite and the schemas, without the files
    "checked_files": "VARCHAR",  # JSON: each table read -> its [file_id, sha256] pairs
}

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
    missing_count: int | None = None
    # The sample's rows, each as unexpected_sample words it (at most SAMPLE_SIZE).
    sample_rows: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunInfo:
    run_id: str | None
    as_of_date: date | None


def ensure_results_table(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("create schema if not exists raw")
    conn.execute(RESULTS_DDL)
    for column, sql_type in _EXTENSION_COLUMNS.items():
        conn.execute(f"alter table {RESULTS_TABLE} add column if not exists {column} {sql_type}")


def check_suite(conn: duckdb.DuckDBPyConnection, suite: Suite, run: RunInfo) -> list[Outcome]:
    """The suite's outcomes: stored ones when nothing it reads has changed; the stored ones
    extended by the new files' rows when only files were added; else a fresh validation
    with Great Expectations. Stored for the next refresh."""
    ensure_results_table(conn)
    expected = expected_columns(suite.table)
    # Each table's files are read once (a distinct over every row): for the key and the files.
    fingerprints = table_fingerprints(conn, suite)
    key = input_key(conn, suite, expected, fingerprints)
    stored = stored_outcomes(conn, suite, key)
    if stored is not None:
        return stored
    static_key = _static_key(conn, suite, expected)
    files = _files_read(fingerprints)
    earlier = _extendable(conn, suite, static_key, files)
    if earlier is None:
        outcomes = validate(conn, suite, expected)
    else:
        outcomes = _extended(conn, suite, expected, earlier)
    _store(conn, suite, key, outcomes, run, static_key, files)
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


def input_key(
    conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str], fingerprints: dict[str, list] | None = None
) -> str:
    """What a result is valid for: the suite, the expected and actual schema, and for each
    table read its files (id and sha256), or its content where it has no files, and the
    columns of the tables its ids are looked up in. `fingerprints`: the tables' as
    table_fingerprints gives them, when already read."""
    head, dependency_columns = _schema_parts(conn, suite, expected)
    fingerprints = fingerprints if fingerprints is not None else table_fingerprints(conn, suite)
    return _hashed([*head, *fingerprints.values(), *dependency_columns])


def _static_key(conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str]) -> str:
    """input_key without the files: what must not change for a result to be extended."""
    head, dependency_columns = _schema_parts(conn, suite, expected)
    return _hashed([*head, *dependency_columns])


def _schema_parts(conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str]) -> tuple[list, list]:
    head = [repr(suite), expected, _columns_and_types(conn, suite.table), _babel_version()]
    return head, [_columns_and_types(conn, table) for table in suite.depends_on]


def _hashed(parts: list[object]) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def table_fingerprints(conn: duckdb.DuckDBPyConnection, suite: Suite) -> dict[str, list]:
    """Each table the suite reads (its own, then those it looks ids up in) -> its files
    or, without files, its content (_table_fingerprint)."""
    return {table: _table_fingerprint(conn, table) for table in (suite.table, *suite.depends_on)}


def _files_read(fingerprints: dict[str, list]) -> dict[str, list[list]] | None:
    """Each table the suite reads -> its files' [file_id, sha256]; None when one of them
    has no files (a derived table) or does not exist."""
    files = {}
    for table, fingerprint in fingerprints.items():
        if fingerprint == ["absent"] or not all(isinstance(entry, tuple) for entry in fingerprint):
            return None
        files[table] = [list(entry) for entry in fingerprint]
    return files


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


_STORED_COLUMNS = (
    "table_name", "check_name", "expectation", "description", "severity", "success", "element_count",
    "unexpected_count", "unexpected_sample", "observed_value", "checked_at", "as_of_date", "run_id", "input_key",
    *_EXTENSION_COLUMNS,
)


def _store(
    conn: duckdb.DuckDBPyConnection, suite: Suite, key: str, outcomes: list[Outcome], run: RunInfo,
    static_key: str, files: dict[str, list[list]] | None,
) -> None:
    checked_files = None if files is None else json.dumps(files)
    conn.execute("begin transaction")
    try:
        conn.execute(f"delete from {RESULTS_TABLE} where table_name = ?", [suite.table])
        conn.executemany(
            f"insert into {RESULTS_TABLE} ({', '.join(_STORED_COLUMNS)}) values ({', '.join('?' * len(_STORED_COLUMNS))})",
            [
                [
                    suite.table, o.check.name, describe_expectation(o.check), o.check.description,
                    o.check.severity.value, o.success, o.element_count, o.unexpected_count,
                    o.unexpected_sample, o.observed_value, o.checked_at, run.as_of_date, run.run_id, key,
                    o.missing_count, static_key, checked_files,
                ]
                for o in outcomes
            ],
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


@dataclass(frozen=True)
class _Earlier:
    """A stored result the new files' rows can be added to."""

    outcomes: dict[str, Outcome]  # by check name
    new_file_ids: list[int]  # the table's files it did not check


def _extendable(
    conn: duckdb.DuckDBPyConnection, suite: Suite, static_key: str, files: dict[str, list[list]] | None
) -> _Earlier | None:
    """The stored result to extend by the new files' rows, when it may be (module doc)."""
    if files is None or any("mostly" in check.kwargs for check in suite.row_checks):
        return None  # a derived table, or a check on a share of all rows
    rows = conn.execute(
        f"select check_name, success, element_count, unexpected_count, unexpected_sample, observed_value, checked_at,"
        f" missing_count, static_key, checked_files from {RESULTS_TABLE} where table_name = ?",
        [suite.table],
    ).fetchall()
    by_name = {row[0]: row for row in rows}
    if set(by_name) != {check.name for check in suite.checks}:
        return None
    if any(row[8] != static_key or row[9] is None for row in rows):
        return None
    checked = {table: {tuple(entry) for entry in entries} for table, entries in json.loads(rows[0][9]).items()}
    current = {table: {tuple(entry) for entry in entries} for table, entries in files.items()}
    if set(checked) != set(current) or any(not checked[table] <= current[table] for table in current):
        return None
    lookups_may_change = any(checked[table] != current[table] for table in suite.depends_on)
    outcomes = {}
    for check in suite.checks:
        _, success, elements, unexpected, sample, observed, checked_at, missing, *_ = by_name[check.name]
        if check in suite.row_checks and (
            elements is None or unexpected is None or (check.lookup and lookups_may_change and unexpected)
        ):
            return None  # not checked then, or an unknown id a new file may have made known
        outcomes[check.name] = Outcome(
            check, suite.table, success, elements, unexpected, sample, observed, checked_at, True, missing
        )
    new_file_ids = sorted(file_id for file_id, sha256 in current[suite.table] - checked[suite.table])
    return _Earlier(outcomes, new_file_ids)


def _extended(
    conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str], earlier: _Earlier
) -> list[Outcome]:
    """The stored outcomes with the new files' rows checked and added; the schema checks'
    stand (the same schema)."""
    fresh = {}
    if earlier.new_file_ids:
        fresh = {outcome.check.name: outcome for outcome in validate(conn, suite, expected, earlier.new_file_ids)}
    return [
        _combined(earlier.outcomes[check.name], fresh[check.name]) if check.name in fresh
        else earlier.outcomes[check.name]
        for check in suite.checks
    ]


def _combined(before: Outcome, new: Outcome) -> Outcome:
    """One outcome over the earlier rows and the new rows, as checking them all would give:
    the counts added, the sample's first rows the earlier ones (a table holds its files'
    rows in the order they were loaded)."""
    if new.element_count is None or new.unexpected_count is None:
        return new  # the new rows could not be checked: that is the outcome
    elements = before.element_count + new.element_count
    unexpected = before.unexpected_count + new.unexpected_count
    missing = None if before.missing_count is None and new.missing_count is None \
        else (before.missing_count or 0) + (new.missing_count or 0)
    kept = min(before.unexpected_count, SAMPLE_SIZE)
    sample = "; ".join([*([before.unexpected_sample] if before.unexpected_sample else []), *new.sample_rows[: SAMPLE_SIZE - kept]])
    return Outcome(
        new.check, new.table, before.success and new.success, elements, unexpected, sample or None,
        _observed(unexpected, elements, missing), new.checked_at, False, missing,
    )


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


def validate(
    conn: duckdb.DuckDBPyConnection, suite: Suite, expected: list[str], file_ids: list[int] | None = None
) -> list[Outcome]:
    """Validates the suite with Great Expectations: the schema checks on a frame of the
    table's catalogue entry, the row checks on a frame of only the columns they read.
    Given `file_ids`, only the row checks, on those files' rows."""
    import pandas as pd

    checked_at = datetime.now()
    parameters = _expectation_parameters(suite, expected)
    actual = _columns_and_types(conn, suite.table)
    results: dict[str, dict] = {}
    if suite.schema_checks and file_ids is None:
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
        query = _frame_query(suite, present, lookups, file_ids)
        frame = conn.sql(query).to_arrow_table().to_pandas(types_mapper=pd.ArrowDtype)
        results |= _run_gx(suite.table, checks, frame, parameters, index)
    file_names = _file_names(conn)
    return [
        _outcome(suite, check, results[check.name], checked_at, file_names, len(expected))
        for check in (suite.checks if file_ids is None else suite.row_checks)
    ]


def _frame_query(suite: Suite, present: set[str], lookups: dict[str, Lookup], file_ids: list[int] | None = None) -> str:
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
    where = f" where t._file_id in ({', '.join(map(str, file_ids))})" if file_ids is not None else ""
    return f"select {columns} from {suite.table} t{where}{order}"


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
    missing = result.get("missing_count")
    observed = result.get("observed_value")
    if observed is None:
        observed = _observed(unexpected, element_count, missing)
    rows = result.get("partial_unexpected_index_list") or [
        {"value": value} for value in result.get("partial_unexpected_list") or []
    ]
    rows = [{check.sample_name(name): value for name, value in row.items()} for row in rows[:SAMPLE_SIZE]]
    described = tuple(_describe_row(row, file_names) for row in rows)
    return Outcome(
        check, suite.table, gx_result["success"], element_count, unexpected, "; ".join(described) or None,
        None if observed is None else str(observed), checked_at, False, missing, described,
    )


def _observed(unexpected: int | None, element_count: int | None, missing: int | None) -> str | None:
    if unexpected is None or not element_count:
        return None
    checked = element_count - (missing or 0)
    share = 100 * unexpected / checked if checked else 0
    return f"{unexpected} of {checked} checked rows unexpected ({share:.2f}%)"


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
