"""Reading and writing the invoicing exports of a fixture, to make a day's files from it."""

import csv
from pathlib import Path


def rows_of(path: Path) -> tuple[list[str], list[dict]]:
    """An export's header and rows (every value a string)."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    """An export of these rows, in the contract's CSV form."""
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
