"""Turning one cell into the typed value its contract column asks for."""

import re
from collections.abc import Callable
from typing import Any
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from .contract import Column, Kind
from .dates import parse_date_text, parse_timestamp_text
from .numbers import number_example, parse_number_text
from .sheet import Cell

_CENTS = Decimal("0.01")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_INTEGER = re.compile(r"[+-]?\d+")
_TRUE_WORDS = frozenset({"true", "1", "yes", "sí", "si"})
_FALSE_WORDS = frozenset({"false", "0", "no"})


class InvalidValue(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def cell_text(cell: Cell) -> str:
    """The cell as the person who wrote it would read it; "" when empty."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    return str(cell)


def parse_cell(column: Column, cell: Cell, decimal_separator: str) -> object:
    if cell_text(cell) == "":
        if column.required:
            raise InvalidValue("required value is empty")
        return column.default
    value = _PARSERS[column.kind](column, cell, decimal_separator)
    _check_bounds(column, value)
    return value


def _text(column: Column, cell: Cell, decimal_separator: str) -> str:
    return cell_text(cell)


def _currency(column: Column, cell: Cell, decimal_separator: str) -> str:
    code = cell_text(cell).upper()
    if not _CURRENCY_CODE.fullmatch(code):
        raise InvalidValue("not a currency code (expected 3 letters, ISO 4217, e.g. EUR)")
    return code


def _country(column: Column, cell: Cell, decimal_separator: str) -> str:
    code = cell_text(cell).upper()
    if not _COUNTRY_CODE.fullmatch(code):
        raise InvalidValue("not a country code (expected 2 letters, ISO 3166-1 alpha-2, e.g. ES)")
    return code


def _choice(column: Column, cell: Cell, decimal_separator: str) -> str:
    choice = cell_text(cell).lower()
    if choice not in column.choices:
        raise InvalidValue(f"not allowed (expected one of: {', '.join(column.choices)})")
    return choice


def _integer(column: Column, cell: Cell, decimal_separator: str) -> int:
    if isinstance(cell, int) and not isinstance(cell, bool):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str) and _INTEGER.fullmatch(cell.strip()):
        return int(cell.strip())
    raise InvalidValue("not a whole number")


def _decimal(column: Column, cell: Cell, decimal_separator: str) -> Decimal:
    number: Decimal | None = None
    if isinstance(cell, str):
        number = parse_number_text(cell.strip(), decimal_separator)
    elif isinstance(cell, int | float) and not isinstance(cell, bool):
        # repr of a float is the shortest text that reads back as the same float, so the
        # Decimal carries exactly the digits the workbook stored, never binary noise.
        number = Decimal(repr(cell))
    if number is None or not number.is_finite():
        raise InvalidValue(f"not a number (expected {number_example(decimal_separator)})")
    return number


# The warehouse stores money as DECIMAL(18, 2), percentages as DECIMAL(18, 6) and FX
# rates as DECIMAL(38, 18): a value that does not fit is refused here, naming its line,
# rather than failing the load.
_MONEY_LIMIT = Decimal(10) ** 16
_DECIMAL_LIMIT = Decimal(10) ** 12
_DECIMAL_DECIMALS = 6
_RATE_LIMIT = Decimal(10) ** 12
_RATE_DECIMALS = 18


def _percentage(column: Column, cell: Cell, decimal_separator: str) -> Decimal:
    number = _decimal(column, cell, decimal_separator)
    if number.as_tuple().exponent < -_DECIMAL_DECIMALS:
        raise InvalidValue(f"more than {_DECIMAL_DECIMALS} decimals")
    if abs(number) >= _DECIMAL_LIMIT:
        raise InvalidValue("number too large")
    return number


def _rate(column: Column, cell: Cell, decimal_separator: str) -> Decimal:
    """An FX rate at full precision: 1/75 written as 0.0133333333 keeps every digit.
    Past 18 decimals (a spreadsheet's float written out whole) it is rounded half-even
    to 18, a relative change below 10^-15 for any real rate, far inside the factor's 10."""
    number = _decimal(column, cell, decimal_separator)
    if abs(number) >= _RATE_LIMIT:
        raise InvalidValue("number too large")
    if number.as_tuple().exponent < -_RATE_DECIMALS:
        number = number.quantize(Decimal(10) ** -_RATE_DECIMALS)
    return number


def _money(column: Column, cell: Cell, decimal_separator: str) -> Decimal:
    amount = _decimal(column, cell, decimal_separator)
    if amount.as_tuple().exponent < -2:
        raise InvalidValue("more than 2 decimals (money is never rounded)")
    if abs(amount) >= _MONEY_LIMIT:
        raise InvalidValue("amount too large")
    try:
        return amount.quantize(_CENTS)
    except InvalidOperation:
        raise InvalidValue("amount too large") from None


def _date(column: Column, cell: Cell, decimal_separator: str) -> date:
    if isinstance(cell, datetime):
        if cell.time() != time():
            raise InvalidValue("not a date (it has a time of day)")
        return cell.date()
    if isinstance(cell, date):
        return cell
    parsed = parse_date_text(cell.strip()) if isinstance(cell, str) else None
    if parsed is None:
        raise InvalidValue("not a date (expected YYYY-MM-DD or DD/MM/YYYY)")
    return parsed


def _timestamp(column: Column, cell: Cell, decimal_separator: str) -> datetime:
    if isinstance(cell, datetime):
        return cell
    if isinstance(cell, date):
        return datetime.combine(cell, time())
    parsed = parse_timestamp_text(cell.strip()) if isinstance(cell, str) else None
    if parsed is None:
        raise InvalidValue(
            "not a timestamp (expected YYYY-MM-DDTHH:MM:SS, YYYY-MM-DD HH:MM:SS or a date)"
        )
    return parsed


def _boolean(column: Column, cell: Cell, decimal_separator: str) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    word = cell_text(cell).lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise InvalidValue("not a boolean (expected true/false, 1/0, yes/no or sí/no)")


_PARSERS: dict[Kind, Callable[[Column, Cell, str], object]] = {
    Kind.TEXT: _text,
    Kind.CURRENCY: _currency,
    Kind.COUNTRY: _country,
    Kind.CHOICE: _choice,
    Kind.INTEGER: _integer,
    Kind.MONEY: _money,
    Kind.DECIMAL: _percentage,
    Kind.RATE: _rate,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.BOOLEAN: _boolean,
}


def _check_bounds(column: Column, value: Any) -> None:
    # is_signed also catches "-0.00": any minus sign on money is an export mistake.
    if column.kind is Kind.MONEY and value.is_signed():
        raise InvalidValue("negative amount (amounts are always positive; the type gives the sign)")
    if column.greater_than is not None and not value > column.greater_than:
        raise InvalidValue(f"must be greater than {column.greater_than}")
    if column.at_least is not None and value < column.at_least:
        raise InvalidValue(f"must be at least {column.at_least}")
    if column.at_most is not None and value > column.at_most:
        raise InvalidValue(f"must be at most {column.at_most}")
