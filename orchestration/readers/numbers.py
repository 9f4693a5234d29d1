import re
from decimal import Decimal
from functools import cache


def parse_number_text(text: str, decimal_separator: str) -> Decimal | None:
    """A number written with `decimal_separator`, the other of "." and "," grouping thousands.

    Grouping must come in threes ("1.234,56"), so a number written with the wrong
    separator ("1.5" where "," is the decimal separator) is refused rather than misread.
    None when `text` is not such a number.
    """
    grouping_separator = "," if decimal_separator == "." else "."
    if not _number_pattern(decimal_separator).fullmatch(text):
        return None
    return Decimal(text.replace(grouping_separator, "").replace(decimal_separator, "."))


def number_examples(decimal_separator: str) -> dict[str, str]:
    """A number written plainly and grouped, for the reason a cell is not one."""
    if decimal_separator == ".":
        return {"plain": "1234.56", "grouped": "1,234.56"}
    return {"plain": "1234,56", "grouped": "1.234,56"}


def number_pattern(decimal_separator: str) -> str:
    """The pattern as text, for DuckDB's regular expressions too (orchestration/readers/cell_sql.py)."""
    return _number_pattern(decimal_separator).pattern


@cache
def _number_pattern(decimal_separator: str) -> re.Pattern[str]:
    grouping = re.escape("," if decimal_separator == "." else ".")
    decimals = re.escape(decimal_separator)
    return re.compile(rf"[+-]?(?:\d{{1,3}}(?:{grouping}\d{{3}})+|\d+)(?:{decimals}\d+)?")
