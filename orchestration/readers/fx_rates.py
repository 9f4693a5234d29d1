"""The ECB reference-rate layout (a Date column, then one column per currency),
checked in DuckDB and unpivoted into one row per date and currency that has a rate."""

import re

import duckdb

from dashboards.i18n.messages import message

from .cell_sql import cell_text, refusal, typed_value
from .contract import CONTRACT, FX_DATE_HEADER, FX_MISSING_RATE
from .csv_cells import CellsTable
from .errors import MAX_ERRORS, ProblemLog
from .sql_messages import sql_literal, sql_row_message

_FX = CONTRACT["fx_rates"]
_RATE_DATE, _CURRENCY, _RATE = _FX.columns
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")


def check_fx_rates(
    conn: duckdb.DuckDBPyConnection,
    cells: CellsTable,
    header_line: int,
    header: list[str],
    relation: str,
    problems: ProblemLog,
) -> None:
    """Leaves the file's rates in the view `relation` (rate_date, currency, rate,
    _line_number, _position: the currency's column) and reports every problem."""
    date_position, currency_positions = _header_positions(header_line, header, problems)
    if date_position is None:
        return
    if not currency_positions:
        conn.execute(
            f"create or replace temp view {relation} as select null::DATE as rate_date, null::VARCHAR as currency, "
            "null::DECIMAL(38, 18) as rate, null::BIGINT as _line_number, null::BIGINT as _position where false"
        )
        return
    date_text = cell_text(f"c{date_position}")
    # The ECB's daily file (eurofxref.csv) writes its date as "14 March 2025".
    long_date = f"cast(try_strptime(t_date, '%d %B %Y') as date)"
    rates = ", ".join(
        f"{{'currency': '{currency}', 'position': {position}, 'text': {cell_text(f'c{position}')}}}"
        for currency, position in currency_positions.items()
    )
    dated = f"{relation}_dated"
    conn.execute(
        f"""
        create or replace temp view {dated} as
        select *,
            -- Currencies are unique in the header, so the key (rate_date, currency)
            -- repeats exactly when a date does.
            min(_line_number) over (partition by v_date) as first_line
        from (
            select _line_number, t_date, rates,
                case when v_date is null then {refusal(_RATE_DATE, 't_date', cells.decimal_separator)} end as r_date,
                v_date
            from (
                select _line_number, t_date, rates,
                    coalesce({typed_value(_RATE_DATE, 't_date', cells.decimal_separator)}, {long_date}) as v_date
                from (
                    select _line_number, {date_text} as t_date, [{rates}] as rates
                    from {cells.name}
                    where _line_number > {header_line}
                        and not ({' and '.join(f"{cell_text(f'c{index}')} = ''" for index in range(cells.width))})
                )
            )
        )
        """
    )
    for line, text, reason, first_line in conn.execute(
        f"""
        select _line_number, t_date,
            coalesce(r_date, {sql_row_message("reader.duplicate_date", columns=sql_literal(", ".join(_FX.key)), first_line="first_line")}),
            first_line
        from {dated}
        where r_date is not null or (v_date is not null and _line_number > first_line)
        order by _line_number
        limit {MAX_ERRORS + 1}
        """
    ).fetchall():
        problems.add(line, FX_DATE_HEADER, text, reason)
    conn.execute(
        f"""
        create or replace temp view {relation}_rate_cells as
        select _line_number, v_date, rate.currency, rate.position, rate.text
        from (select _line_number, v_date, unnest(rates) as rate from {dated} where _line_number = first_line)
        where rate.text <> '' and upper(rate.text) <> '{FX_MISSING_RATE}'
        """
    )
    for line, currency, text, reason in conn.execute(
        f"""
        select _line_number, currency, text, reason
        from (select *, {refusal(_RATE, 'text', cells.decimal_separator)} as reason from {relation}_rate_cells)
        where reason is not null
        order by _line_number, position
        limit {MAX_ERRORS + 1}
        """
    ).fetchall():
        problems.add(line, currency, text, reason)
    conn.execute(
        f"""
        create or replace temp view {relation} as
        select v_date as rate_date, currency, {typed_value(_RATE, 'text', cells.decimal_separator)} as rate,
            _line_number, position as _position
        from {relation}_rate_cells
        """
    )


def drop_fx_views(conn: duckdb.DuckDBPyConnection, relation: str) -> None:
    for view in (relation, f"{relation}_rate_cells", f"{relation}_dated"):
        conn.execute(f"drop view if exists {view}")


def _header_positions(header_line: int, header: list[str], problems: ProblemLog) -> tuple[int | None, dict[str, int]]:
    date_position: int | None = None
    currency_positions: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name.lower() == FX_DATE_HEADER.lower():
            if date_position is None:
                date_position = index
            else:
                problems.add(header_line, FX_DATE_HEADER, name, message("reader.column_twice"))
            continue
        currency = name.upper()
        if not _CURRENCY_CODE.fullmatch(currency):
            problems.add(header_line, name, name, message("reader.fx_header_not_a_currency", date_column=FX_DATE_HEADER))
            continue
        if currency in currency_positions:
            problems.add(header_line, currency, name, message("reader.column_twice"))
            continue
        currency_positions[currency] = index
    if date_position is None:
        problems.add(header_line, FX_DATE_HEADER, "", message("reader.required_column_missing"))
    return date_position, currency_positions
