"""A workbook's first sheet as a DuckDB table of text, streamed in batches of rows.

openpyxl's read-only mode hands over one row at a time; each batch becomes an Arrow
table of text and goes to DuckDB, so a sheet is never held whole. A typed cell is
written as the person who typed it reads it (1060.0 as "1060", a midnight date as
"2025-03-14"), and then checked by the same rules as a CSV cell. Numbers typed as text
in a workbook follow the comma-delimited CSV convention ("." as decimal separator).
"""

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa

from dashboards.i18n.messages import message

from .csv_cells import CellsTable
from .sheet import UnreadableFile

_BATCH_ROWS = 50_000
_XLSX_TEXT_DECIMAL_SEPARATOR = "."


def load_xlsx_cells(conn: duckdb.DuckDBPyConnection, path: Path, table: str) -> CellsTable:
    """The first sheet; cached formula results, never formulas."""
    width = 0
    records = f"{table}_records"
    conn.execute(f"create or replace temp table {records} (_line_number BIGINT)")
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            worksheet = workbook.worksheets[0]
            # Writers often leave a wrong <dimension>, which would make read-only mode stop early.
            worksheet.reset_dimensions()
            numbered = enumerate(worksheet.iter_rows(values_only=True), start=1)
            while batch := list(itertools.islice(numbered, _BATCH_ROWS)):
                batch_width = max(len(values) for _, values in batch)
                for index in range(width, batch_width):
                    conn.execute(f"alter table {records} add column c{index} VARCHAR")
                width = max(width, batch_width)
                columns = {"_line_number": pa.array([line for line, _ in batch], pa.int64())}
                for index in range(width):
                    columns[f"c{index}"] = pa.array(
                        [_text(values[index]) if index < len(values) else None for _, values in batch], pa.string()
                    )
                conn.register("xlsx_cells_batch", pa.table(columns))
                conn.execute(f"insert into {records} by name select * from xlsx_cells_batch")
                conn.unregister("xlsx_cells_batch")
        finally:
            workbook.close()
    # openpyxl reports damaged workbooks through many unrelated exception types
    # (BadZipFile, KeyError, ValueError, XML parse errors...), all meaning the same here.
    except Exception as exc:
        raise UnreadableFile(message("reader.unreadable_xlsx", error=f"{type(exc).__name__}: {exc}")) from None
    if width == 0:
        raise UnreadableFile(message("reader.empty_file"))
    conn.execute(f"create or replace temp view {table} as select * from {records}")
    return CellsTable(table, width, _XLSX_TEXT_DECIMAL_SEPARATOR)


def _text(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer():
            return str(int(cell))
        # repr of a float is the shortest text that reads back as the same float, so the
        # text carries exactly the digits the workbook stored, never binary noise (and no
        # exponent: 1e-05 is written 0.00001).
        return format(Decimal(repr(cell)), "f")
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)
