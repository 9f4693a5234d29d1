"""The ECB reference-rate layout: a Date column, then one column per currency."""

from datetime import date

from .contract import CONTRACT, FX_DATE_HEADER, FX_MISSING_RATE
from .dates import parse_english_long_date
from .errors import ProblemLog
from .sheet import Cell, Sheet, SheetRow
from .values import InvalidValue, cell_text, parse_cell

_FX = CONTRACT["fx_rates"]
_RATE_DATE, _CURRENCY, _RATE = _FX.columns


def read_fx_rates(sheet: Sheet, problems: ProblemLog) -> list[dict]:
    """One row per date and currency that has a rate."""
    date_position, currency_positions = _header_positions(sheet, problems)
    if date_position is None:
        return []
    rates: list[dict] = []
    first_line_of_date: dict[date, int] = {}
    for row in sheet.rows:
        if problems.full:
            break
        date_cell = row.cell(date_position)
        try:
            rate_date = _parse_rate_date(date_cell, sheet.decimal_separator)
        except InvalidValue as exc:
            problems.add(row.line, FX_DATE_HEADER, cell_text(date_cell), exc.reason)
            continue
        # Currencies are unique in the header, so the key (rate_date, currency) repeats
        # exactly when a date does.
        first_line = first_line_of_date.setdefault(rate_date, row.line)
        if first_line != row.line:
            problems.add(
                row.line,
                FX_DATE_HEADER,
                cell_text(date_cell),
                f"duplicate key ({', '.join(_FX.key)}): this date is also on line {first_line}",
            )
            continue
        rates.extend(_rates_of_row(row, rate_date, currency_positions, sheet, problems))
    return rates


def _rates_of_row(
    row: SheetRow,
    rate_date: date,
    currency_positions: dict[str, int],
    sheet: Sheet,
    problems: ProblemLog,
) -> list[dict]:
    rates = []
    for currency, position in currency_positions.items():
        cell = row.cell(position)
        text = cell_text(cell)
        if not text or text.upper() == FX_MISSING_RATE:
            continue
        try:
            rate = parse_cell(_RATE, cell, sheet.decimal_separator)
        except InvalidValue as exc:
            problems.add(row.line, currency, text, exc.reason)
            continue
        rates.append(
            {
                _RATE_DATE.name: rate_date,
                _CURRENCY.name: currency,
                _RATE.name: rate,
                "_line_number": row.line,
            }
        )
    return rates


def _header_positions(sheet: Sheet, problems: ProblemLog) -> tuple[int | None, dict[str, int]]:
    header = sheet.header
    date_position: int | None = None
    currency_positions: dict[str, int] = {}
    for index, cell in enumerate(header.cells):
        name = cell_text(cell)
        if not name:
            continue
        if name.lower() == FX_DATE_HEADER.lower():
            if date_position is None:
                date_position = index
            else:
                problems.add(header.line, FX_DATE_HEADER, name, "column appears twice")
            continue
        try:
            currency = parse_cell(_CURRENCY, name, sheet.decimal_separator)
        except InvalidValue as exc:
            problems.add(header.line, name, name, f"neither {FX_DATE_HEADER} nor {exc.reason}")
            continue
        if currency in currency_positions:
            problems.add(header.line, currency, name, "column appears twice")
            continue
        currency_positions[currency] = index
    if date_position is None:
        problems.add(header.line, FX_DATE_HEADER, "", "required column missing")
    return date_position, currency_positions


def _parse_rate_date(cell: Cell, decimal_separator: str) -> date:
    try:
        return parse_cell(_RATE_DATE, cell, decimal_separator)
    except InvalidValue:
        long_date = parse_english_long_date(cell_text(cell))
        if long_date is None:
            raise
        return long_date
