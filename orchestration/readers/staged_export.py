"""One export checked against the contract in DuckDB, its valid rows left as a relation.

The file's cells become a table of text (csv_cells.py); the header is matched to the
contract in Python (one row); every cell, row rule and duplicate key is then checked by
DuckDB over whole columns (cell_sql.py), and only the rows with a problem (at most as
many as a report lists) come back to Python to be worded. Nothing holds the file's rows
as Python objects, so a file of any size is checked in the memory DuckDB is allowed.
"""

import functools
import hashlib
import itertools
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath

import duckdb

from dashboards.i18n.messages import message

from .cell_sql import SQL_TYPES, cell_text, refusal, rendered, typed_value
from .contract import CONTRACT, ENTITIES, Entity
from .csv_cells import CellsTable, drop_cells, load_csv_cells
from .errors import MAX_ERRORS, ExportError, FieldError, ProblemLog
from .fx_rates import check_fx_rates, drop_fx_views
from .sheet import UnreadableFile
from .sql_messages import sql_message, sql_row_message
from .xlsx_cells import load_xlsx_cells

_names = itertools.count(1)


@dataclass(frozen=True)
class StagedExport:
    # A view of the file's valid rows: the contract's columns, typed, _line_number and
    # _line_fingerprint (line_fingerprint: what the line's values were read from).
    relation: str
    rows: int
    # What loads anyway but is worth telling (schema drift).
    warnings: list[FieldError]


@dataclass(frozen=True)
class _RowRule:
    """A rule tying several columns of one row together, checked only when all its
    columns parsed, so a bad value is not reported twice."""

    columns: tuple[str, ...]
    reported_column: str
    violated: str
    reason: str  # SQL giving the stored message (sql_messages)


# SQL over the typed values v_<column>.
_ROW_RULES: dict[str, tuple[_RowRule, ...]] = {
    "documents": (
        _RowRule(
            ("issue_date", "due_date"),
            "due_date",
            "v_due_date < v_issue_date",
            sql_row_message("reader.due_before_issue", due_date="v_due_date", issue_date="v_issue_date"),
        ),
        _RowRule(
            ("net", "tax", "withholding", "total"),
            "total",
            "v_total <> v_net + v_tax - v_withholding",
            sql_row_message("reader.total_not_net_plus_tax", total="v_total", computed="v_net + v_tax - v_withholding"),
        ),
        _RowRule(
            ("early_discount_pct", "early_discount_days"),
            "early_discount_days",
            "v_early_discount_pct is not null and v_early_discount_days is null",
            sql_message("reader.discount_days_required"),
        ),
    ),
}


@contextmanager
def staged_export(
    conn: duckdb.DuckDBPyConnection, entity: str, path: Path, file_name: str, known: str | None = None
) -> Iterator[StagedExport]:
    """The valid rows of the export at `path` as a relation of `conn`, for as long as the
    context lasts. Raises ExportError listing every problem when anything in the file is
    invalid: a file is loaded whole or not at all. A header alone is a valid export of
    no rows (a day without receipts).

    `known`, a relation of rows read before (the contract's columns and
    _line_fingerprint), spares reading again a line whose fingerprint is there: its values
    are that row's, as reading would give them (a full snapshot repeats most lines)."""
    if entity not in CONTRACT:
        raise ValueError(f"unknown entity {entity!r}; expected one of {', '.join(ENTITIES)}")
    prefix = f"export_{next(_names)}"
    problems = ProblemLog()
    with tempfile.TemporaryDirectory(prefix="cartera-export-") as scratch:
        try:
            try:
                cells = _load_cells(conn, path, file_name, f"{prefix}_cells", Path(scratch))
                header_line, header = _header(conn, cells)
            except UnreadableFile as exc:
                problems.add(exc.line, "", "", exc.reason)
                raise ExportError(file_name, problems.errors) from None
            if entity == "fx_rates":
                check_fx_rates(conn, cells, header_line, header, f"{prefix}_rates", problems)
                staged = StagedExport(prefix, 0, [])
                if not problems.errors:
                    # A rate's line holds every currency of its date: no line to fingerprint.
                    conn.execute(
                        f"create or replace temp view {prefix} as "
                        f"select *, null::UHUGEINT as _line_fingerprint from {prefix}_rates"
                    )
                    staged = StagedExport(prefix, _count(conn, prefix), [])
            else:
                staged = _check(conn, CONTRACT[entity], cells, header_line, header, prefix, problems, known)
            problems.raise_if_any(file_name)
            yield staged
        finally:
            conn.execute(f"drop view if exists {prefix}")
            drop_fx_views(conn, f"{prefix}_rates")
            conn.execute(f"drop view if exists {prefix}_checked")
            conn.execute(f"drop table if exists {prefix}_typed")
            conn.execute(f"drop table if exists {prefix}_lines")
            drop_cells(conn, f"{prefix}_cells")


def read_export(entity: str, file_name: str, data: bytes, warnings: list[FieldError] | None = None) -> list[dict]:
    """The rows of one export given as bytes, typed per the contract, each with its
    "_line_number", in file order: for small files and tests (the loader keeps rows in
    DuckDB). Raises ExportError as staged_export does; schema drift is appended to
    `warnings` when given."""
    with tempfile.TemporaryDirectory(prefix="cartera-read-") as folder, _memory().cursor() as conn:
        path = Path(folder) / PurePath(file_name).name
        path.write_bytes(data)
        with staged_export(conn, entity, path, file_name) as staged:
            if warnings is not None:
                warnings.extend(staged.warnings)
            columns = ", ".join(f'"{name}"' for name in CONTRACT[entity].column_names)
            # An FX file's rates of one date are in the order of the header's currencies.
            order = "_line_number, _position" if entity == "fx_rates" else "_line_number"
            cursor = conn.execute(f"select {columns}, _line_number from {staged.relation} order by {order}")
            names = [description[0] for description in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]


@functools.cache
def _memory() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per process for read_export; each call has its own cursor
    (a connection of its own, whose temporary tables no other call sees). Opening a
    database costs more than checking a small file; one thread is plenty for one."""
    return duckdb.connect(config={"threads": 1})


def _load_cells(conn: duckdb.DuckDBPyConnection, path: Path, file_name: str, table: str, scratch: Path) -> CellsTable:
    extension = PurePath(file_name).suffix.lower()
    if extension == ".csv":
        return load_csv_cells(conn, path, table, scratch)
    if extension == ".xlsx":
        return load_xlsx_cells(conn, path, table)
    raise UnreadableFile(message("reader.unsupported_file_type", extension=repr(extension or "(no extension)")))


def _blank(cells: CellsTable) -> str:
    return " and ".join(f"{cell_text(f'c{index}')} = ''" for index in range(cells.width))


def _header(conn: duckdb.DuckDBPyConnection, cells: CellsTable) -> tuple[int, list[str]]:
    """The first non-blank row: looked for among the first lines, then (a file opening
    with a thousand blank rows) in the whole file."""
    query = (
        f"select _line_number, {', '.join(cell_text(f'c{index}') for index in range(cells.width))} "
        f"from {{}} where not ({_blank(cells)}) order by _line_number limit 1"
    )
    # The first lines are set apart first (materialized): else DuckDB trims every cell of
    # the file before it filters the lines (1 s at L's receipts.csv, 0.02 s so).
    first_lines = f"(with first_lines as materialized (select * from {cells.name} where _line_number <= 1000) select * from first_lines)"
    found = conn.execute(query.format(first_lines)).fetchall() or conn.execute(query.format(cells.name)).fetchall()
    if not found:
        raise UnreadableFile(message("reader.empty_file"))
    line, *header = found[0]
    return line, header


def _column_positions(entity: Entity, header_line: int, header: list[str], problems: ProblemLog) -> dict[str, int]:
    """Where each contract column sits; reports missing required and repeated columns."""
    wanted = set(entity.column_names)
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if name.lower() not in wanted:
            continue
        if name.lower() in positions:
            problems.add(
                header_line,
                name.lower(),
                name,
                message("reader.column_twice_at", first=str(positions[name.lower()] + 1), second=str(index + 1)),
            )
            continue
        positions[name.lower()] = index
    unknown = _unknown_names(entity, header)
    # A required column missing beside columns nobody knows is most often one renamed.
    missing = message("reader.required_column_missing_renamed", unknown=", ".join(unknown)) if unknown \
        else message("reader.required_column_missing")
    for column in entity.columns:
        if column.required and column.name not in positions:
            problems.add(header_line, column.name, "", missing)
    return positions


def _unknown_names(entity: Entity, header: list[str]) -> list[str]:
    known = set(entity.column_names)
    return [name for name in header if name and name.lower() not in known]


def _schema_drift(entity: Entity, header_line: int, header: list[str]) -> list[FieldError]:
    """Named header columns the contract does not know, one warning naming them all.
    They are not loaded; the file is not rejected for them."""
    unknown = _unknown_names(entity, header)
    if not unknown:
        return []
    return [
        FieldError(
            header_line,
            ", ".join(unknown),
            "",
            message("reader.schema_drift", columns=", ".join(unknown), entity=entity.name),
        )
    ]


def _check(
    conn: duckdb.DuckDBPyConnection,
    entity: Entity,
    cells: CellsTable,
    header_line: int,
    header: list[str],
    prefix: str,
    problems: ProblemLog,
    known: str | None = None,
) -> StagedExport:
    positions = _column_positions(entity, header_line, header, problems)
    named = [index for index, name in enumerate(header) if name]
    named_width = named[-1] + 1 if named else 0
    texts = [
        f"{cell_text(f'c{positions[column.name]}')} as t_{column.name}" if column.name in positions else f"'' as t_{column.name}"
        for column in entity.columns
    ]
    beyond = [cell_text(f"c{index}") for index in range(named_width, cells.width)]
    # Data past the last named column usually means a delimiter inside an unquoted value.
    extras = f"list_filter([{', '.join(beyond)}], lambda value: value <> '')" if beyond else "[]::VARCHAR[]"
    checked = f"{prefix}_checked"
    fingerprint = line_fingerprint(entity, positions, cells)
    # Lines a known row was read from before: their values are taken from it, not read.
    # (A blank line has no known row: no row was ever read from one.) Here every line's
    # number and fingerprint, and whether a known row has it; the values come from the
    # known rows once, into the typed table below (carried through this table too, the
    # join with raw cost 8.1 s at L's documents.csv instead of 1.6 s, and the typed table
    # copied them again: 5.2 s). The lines to read are then found among the few unknown
    # ones, not by comparing every line with every known one (1.7 s).
    known_rows = known or _NOTHING_KNOWN.format(columns=_typed_columns(entity))
    lines = f"{prefix}_lines"
    conn.execute(
        f"""
        create or replace temp table {lines} as
        with lines as (select _line_number, {fingerprint} as _line_fingerprint from {cells.name} where _line_number > {header_line})
        -- (`in` is NULL, not false, for a line no row has when a row has no fingerprint.)
        select _line_number, _line_fingerprint,
            coalesce(_line_fingerprint in (select _line_fingerprint from {known_rows}), false) as is_known
        from lines
        """
    )
    # A required column the header lacks was reported once for the header, not again on every row.
    reasons = {
        column.name: "null" if column.required and column.name not in positions
        else refusal(column, f"t_{column.name}", cells.decimal_separator)
        for column in entity.columns
    }
    conn.execute(
        f"""
        create or replace temp view {checked} as
        select *,
            {', '.join(f"{reasons[column.name]} as r_{column.name}" for column in entity.columns)},
            {', '.join(f"{typed_value(column, f't_{column.name}', cells.decimal_separator)} as v_{column.name}" for column in entity.columns)}
        from (
            select _line_number, {', '.join(texts)}, {extras} as extras, {fingerprint} as _line_fingerprint
            from (select * from {cells.name} where _line_number in (select _line_number from {lines} where not is_known)) as unknown
            where _line_number > {header_line} and not ({_blank(cells)})
        ) as texts
        """
    )
    # A column is usable in a rule or a key when it parsed and the header has it.
    ok = {
        column.name: ("false" if column.required and column.name not in positions else f"r_{column.name} is null")
        for column in entity.columns
    }
    rules = _ROW_RULES.get(entity.name, ())
    rule_reasons = [
        f"case when {' and '.join(ok[name] for name in rule.columns)} and ({rule.violated}) then {rule.reason} end"
        for rule in rules
    ]
    problem = " or ".join(
        ["len(extras) > 0", *(f"r_{c.name} is not null" for c in entity.columns), *(f"({reason}) is not null" for reason in rule_reasons)]
    )
    # Every cell is parsed and checked once, into a table of typed values: the checks
    # below, the cross-file checks and the load then read it, not the text again.
    typed = f"{prefix}_typed"
    conn.execute(
        f"""
        create or replace temp table {typed} as
        select _line_number,
            {', '.join(f'v_{column.name}' for column in entity.columns)},
            {', '.join(f'{ok[name]} as ok_{name}' for name in entity.key)},
            {problem} as has_problem,
            _line_fingerprint
        from {checked}
        """
    )
    (taken,) = conn.execute(
        f"""
        insert into {typed}
        select known_lines._line_number,
            {', '.join(f'found."{column.name}"' for column in entity.columns)},
            {', '.join('true' for _ in entity.key)},
            false,
            known_lines._line_fingerprint
        from {lines} as known_lines
        inner join {known_rows} as found
            on found._line_fingerprint = known_lines._line_fingerprint
        """
    ).fetchall()[0]
    # Known rows of one fingerprint have the same values: one of them is enough (rare: a
    # line loads again only when its version came back after another). The insert's count
    # tells, where counting the distinct lines cost 0.75 s at L's documents.csv.
    (known_lines,) = conn.execute(f"select count(*) from {lines} where is_known").fetchall()[0]
    if taken > known_lines:
        conn.execute(
            f"create or replace temp table {typed} as select * from {typed} "
            "qualify row_number() over (partition by _line_number) = 1"
        )
    bad_lines = [
        line
        for (line,) in conn.execute(
            f"select _line_number from {typed} where has_problem order by _line_number limit {MAX_ERRORS + 1}"
        ).fetchall()
    ]
    if bad_lines:
        _report_bad_rows(conn, entity, checked, rules, rule_reasons, bad_lines, problems)
    _report_duplicate_keys(conn, entity, typed, problems)
    conn.execute(
        f"create or replace temp view {prefix} as select "
        + ", ".join(f'v_{column.name} as "{column.name}"' for column in entity.columns)
        + f", _line_number, _line_fingerprint from {typed}"
    )
    rows = 0
    if not problems.errors:
        rows = _count(conn, typed)
        # What loads is in the typed table now: the file's text need not stay in memory.
        drop_cells(conn, cells.name)
    return StagedExport(prefix, rows, _schema_drift(entity, header_line, header))


# No row known: an empty relation of the known rows' shape.
_NOTHING_KNOWN = "(select {columns}, null::UHUGEINT as _line_fingerprint where false)"


def _typed_columns(entity: Entity) -> str:
    return ", ".join(f'null::{SQL_TYPES[column.kind]} as "{column.name}"' for column in entity.columns)


def line_fingerprint(entity: Entity, positions: dict[str, int], cells: CellsTable) -> str:
    """SQL: a 128-bit fingerprint of what a line's values are read from: every cell of the
    line as written (each length-prefixed, so no two lines share one; not trimmed, which
    would cost more than reading), which cell each contract column reads, the decimal
    separator and the contract itself. Equal fingerprints read as equal values; a change
    of the contract changes every fingerprint."""
    seed = hashlib.sha256(f"{entity!r}|{sorted(positions.items())}|{cells.decimal_separator}".encode()).hexdigest()
    parts = [f"'{seed}'"]
    for index in range(cells.width):
        parts += [f"cast(length(c{index}) as varchar)", "':'", f"c{index}"]
    return f"md5_number(concat({', '.join(parts)}))"


def _report_bad_rows(
    conn: duckdb.DuckDBPyConnection,
    entity: Entity,
    checked: str,
    rules: tuple[_RowRule, ...],
    rule_reasons: list[str],
    bad_lines: list[int],
    problems: ProblemLog,
) -> None:
    """Words the problems of the rows on `bad_lines` (the first of the file's bad rows),
    from their text again: only those rows are read, not the file."""
    selected = ["_line_number", "extras", *(f"t_{c.name}" for c in entity.columns), *(f"r_{c.name}" for c in entity.columns)]
    with_rules = ", ".join([*selected, *(f"{reason} as rule_{index}" for index, reason in enumerate(rule_reasons))])
    bad_rows = conn.execute(
        f"""
        select {with_rules} from {checked}
        where _line_number between {bad_lines[0]} and {bad_lines[-1]}
            and _line_number in ({', '.join(map(str, bad_lines))})
        order by _line_number
        """
    ).fetchall()
    count = len(entity.columns)
    for line, extra, *rest in bad_rows:
        row_texts, row_reasons, row_rules = rest[:count], rest[count : 2 * count], rest[2 * count :]
        if extra:
            problems.add(
                line,
                "",
                extra[0],
                message("reader.values_beyond_header", count=len(extra)),
            )
        for column, text, reason in zip(entity.columns, row_texts, row_reasons):
            if reason is not None:
                problems.add(line, column.name, text, reason)
        for rule, reason in zip(rules, row_rules):
            if reason is not None:
                problems.add(line, rule.reported_column, row_texts[entity.column_names.index(rule.reported_column)], reason)


def _count(conn: duckdb.DuckDBPyConnection, relation: str) -> int:
    return conn.execute(f"select count(*) from {relation}").fetchall()[0][0]


def _report_duplicate_keys(conn: duckdb.DuckDBPyConnection, entity: Entity, typed: str, problems: ProblemLog) -> None:
    """Every row whose key an earlier row of the same file already has (typed values
    compared, so one timestamp written two ways is one key)."""
    key = entity.key
    columns = {column.name: column for column in entity.columns}
    values = ", ".join(f"v_{name}" for name in key)
    same_key = " and ".join(f"keyed.v_{name} is not distinct from firsts.v_{name}" for name in key)
    found = conn.execute(
        f"""
        with keyed as (
            select _line_number, {values} from {typed} where {' and '.join(f'ok_{name}' for name in key)}
        ),
        firsts as (
            select {values}, min(_line_number) as first_line from keyed group by all having count(*) > 1
        )
        select keyed._line_number, first_line, {', '.join(rendered(columns[name], f'keyed.v_{name}') for name in key)}
        from keyed inner join firsts on {same_key}
        where keyed._line_number > first_line
        order by keyed._line_number
        limit {MAX_ERRORS + 1}
        """
    ).fetchall()
    for line, first_line, *shown in found:
        problems.add(
            line,
            key[0],
            shown[0],
            message("reader.duplicate_key", columns=", ".join(key), values=", ".join(shown), first_line=str(first_line)),
        )
