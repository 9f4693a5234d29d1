from dataclasses import dataclass
from datetime import date, datetime

from dashboards.i18n.messages import Message, message

# A cell as a source hands it over: CSV cells are always text; openpyxl gives typed values.
Cell = str | int | float | bool | date | datetime | None


class UnreadableFile(Exception):
    """The bytes cannot be read as a table at all."""

    def __init__(self, reason: Message, line: int = 0) -> None:
        super().__init__(reason, line)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class SheetRow:
    line: int
    cells: list[Cell]

    def cell(self, position: int | None) -> Cell:
        """The cell at `position`; None past the row's end or for a column the sheet lacks."""
        if position is None or position >= len(self.cells):
            return None
        return self.cells[position]


@dataclass(frozen=True)
class Sheet:
    """The header and the non-blank rows of an export, before any typing."""

    header: SheetRow
    rows: list[SheetRow]
    # How numbers written as text separate decimals; the other of "." and "," groups thousands.
    decimal_separator: str


def _is_blank(cells: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def split_header(rows: list[SheetRow], decimal_separator: str) -> Sheet:
    non_blank = [row for row in rows if not _is_blank(row.cells)]
    if not non_blank:
        raise UnreadableFile(message("reader.empty_file"))
    return Sheet(header=non_blank[0], rows=non_blank[1:], decimal_separator=decimal_separator)
