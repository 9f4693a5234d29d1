from datetime import date, datetime

from .errors import ProblemLog


def report_duplicate_keys(rows: list[dict], key: tuple[str, ...], problems: ProblemLog) -> None:
    """Every row whose key an earlier row of the same file already has.

    Rows must carry every key column and "_line_number".
    """
    first_line_of: dict[tuple, int] = {}
    for row in rows:
        values = tuple(row[column] for column in key)
        first_line = first_line_of.setdefault(values, row["_line_number"])
        if first_line != row["_line_number"]:
            problems.add(
                row["_line_number"],
                key[0],
                _render(values[0]),
                f"duplicate key ({', '.join(key)}) = ({', '.join(map(_render, values))}) "
                f"also on line {first_line}",
            )


def _render(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
