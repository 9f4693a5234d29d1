"""A CSV export's cells as a DuckDB table of text, read by DuckDB in one streamed pass.

The table has one VARCHAR column per position (c0, c1, ...) and `_line_number`, the
physical line a record starts on, counting blank lines and line breaks inside quoted
values as the person reading the file does. DuckDB's reader skips empty lines and has
no line numbers, so a first pass over the bytes finds where records start: with numpy
over chunks when the file holds no quote character (no record can span lines), else with
Python's csv module, which is also the judge of quoting (a quote never closed is
reported at the line its record starts). That pass keeps only the places where the line
count and the record count drift apart, never the rows.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from dashboards.i18n.messages import message

from .sheet import UnreadableFile
from .text_file import CHUNK_BYTES, utf8_text_file

_NEWLINE = ord("\n")
_CARRIAGE_RETURN = ord("\r")
_QUOTE = b'"'
# csv's own field limit is 128 KiB; a real export's record is far below this.
_MAX_LINE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class CellsTable:
    name: str
    width: int
    # How numbers written as text separate decimals; the other of "." and "," groups thousands.
    decimal_separator: str


def load_csv_cells(conn: duckdb.DuckDBPyConnection, path: Path, table: str, scratch: Path) -> CellsTable:
    text_path = utf8_text_file(path, scratch)
    delimiter = _detect_delimiter(text_path)
    quoted = _holds_quotes(text_path)
    if quoted:
        width, drifts = _scan_with_csv(text_path, delimiter)
    else:
        width, drifts = _scan_lines(text_path, delimiter)
    columns = ", ".join(f"'c{index}': 'VARCHAR'" for index in range(width))
    drift_table = f"{table}_drift"
    conn.execute(f"create or replace temp table {drift_table} (record BIGINT, shift BIGINT)")
    for batch in drifts:
        conn.register("cells_drift_batch", pa.table({"record": batch[:, 0], "shift": batch[:, 1]}))
        conn.execute(f"insert into {drift_table} select * from cells_drift_batch")
        conn.unregister("cells_drift_batch")
    try:
        # Every record in file order, so rowid is the record's place in the file. A file
        # without quotes is read in parallel (L's documents.csv 11.8 -> 5.8 s): a single
        # source keeps its order where insertion order is preserved, DuckDB's default,
        # which the loader's connection keeps (config.py). A quoted file is read by one
        # thread: the parallel reader, strict_mode off, refuses a line break inside a
        # quoted value. null_padding reads short rows; strict_mode off reads a quote
        # inside an unquoted value as text, as the csv module does.
        conn.execute(
            f"""
            create or replace temp table {table}_records as
            select * from read_csv(
                ?, auto_detect = false, header = false, columns = {{{columns}}},
                delim = ?, quote = '"', escape = '"', null_padding = true, parallel = {'false' if quoted else 'true'},
                strict_mode = false, max_line_size = {_MAX_LINE_BYTES}
            )
            """,
            [str(text_path), delimiter],
        )
    except duckdb.Error as exc:
        raise UnreadableFile(message("reader.unreadable_csv", error=str(exc).splitlines()[0])) from None
    if drifts:
        lines = f"""
            select records.*, records.rowid + 1 + coalesce(drift.shift, 0) as _line_number
            from {table}_records as records
            asof left join {drift_table} as drift on records.rowid >= drift.record
        """
    else:
        # Record n is on line n + 1: no join to pay on every query of the file.
        lines = f"select *, rowid + 1 as _line_number from {table}_records"
    conn.execute(f"create or replace temp view {table} as {lines}")
    return CellsTable(table, width, "," if delimiter == ";" else ".")


def drop_cells(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    conn.execute(f"drop view if exists {table}")
    conn.execute(f"drop table if exists {table}_records")
    conn.execute(f"drop table if exists {table}_drift")


def _detect_delimiter(path: Path) -> str:
    """The header names no column with "," or ";", so whichever it holds more is the
    delimiter. A header split by tabs alone is refused by name: read as one column, it
    would only say that every required column is missing."""
    with path.open(encoding="utf-8-sig") as file:
        first_line = next((line for line in file if line.strip()), "")
    if "\t" in first_line and not (";" in first_line or "," in first_line):
        raise UnreadableFile(message("reader.header_split_by_tabs"), 1)
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _holds_quotes(path: Path) -> bool:
    with path.open("rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            if _QUOTE in chunk:
                return True
    return False


def _scan_lines(path: Path, delimiter: str) -> tuple[int, list[np.ndarray]]:
    """No quotes: every non-empty line is a record. Empty lines (DuckDB skips them) shift
    the records after them; the widest line's cell count sizes the table."""
    delimiter_byte = ord(delimiter)
    drifts: list[np.ndarray] = []
    lines_before = records_before = shift = 0
    width = 1
    carry = b""
    with path.open("rb") as file:
        while True:
            chunk = file.read(CHUNK_BYTES)
            data = carry + chunk
            if not chunk:
                if not data:
                    break
                data += b"\n"  # the last line, without its line break
            bytes_ = np.frombuffer(data, dtype=np.uint8)
            ends = np.flatnonzero(bytes_ == _NEWLINE)
            if ends.size == 0:
                carry = data
                continue
            starts = np.concatenate(([0], ends[:-1] + 1))
            lengths = ends - starts
            # "\r\n" alone is as empty as "\n" alone.
            has_cr = lengths > 0
            has_cr[has_cr] = bytes_[ends[has_cr] - 1] == _CARRIAGE_RETURN
            empty = (lengths - has_cr) == 0
            if lines_before == 0 and bytes_[:3].tobytes() == b"\xef\xbb\xbf":
                empty[0] = lengths[0] - has_cr[0] == 3
            delimiters = np.flatnonzero(bytes_ == delimiter_byte)
            counts = np.searchsorted(delimiters, ends) - np.searchsorted(delimiters, starts)
            if counts.size:
                width = max(width, int(counts.max()) + 1)
            line_numbers = lines_before + 1 + np.arange(ends.size)
            kept = np.flatnonzero(~empty)
            records = records_before + np.arange(kept.size)
            shifts = line_numbers[kept] - records - 1
            changed = np.flatnonzero(np.diff(np.concatenate(([shift], shifts))) != 0)
            if changed.size:
                drifts.append(np.column_stack((records[changed], shifts[changed])))
                shift = int(shifts[-1])
            lines_before += ends.size
            records_before += kept.size
            carry = data[ends[-1] + 1 :]
            if not chunk:
                break
    return width, drifts


def _scan_with_csv(path: Path, delimiter: str) -> tuple[int, list[np.ndarray]]:
    drifts: list[np.ndarray] = []
    pending: list[tuple[int, int]] = []
    width = 1
    record = shift = 0
    row_start = 1
    with path.open(encoding="utf-8-sig", newline="") as file:
        # strict mode turns a quote that is never closed into an error instead of letting
        # one field silently swallow the rest of the file.
        reader = csv.reader(file, delimiter=delimiter, strict=True)
        try:
            for cells in reader:
                if cells:  # an empty line: DuckDB skips it
                    if row_start - record - 1 != shift:
                        shift = row_start - record - 1
                        pending.append((record, shift))
                        if len(pending) >= 100_000:
                            drifts.append(np.array(pending, dtype=np.int64))
                            pending = []
                    width = max(width, len(cells))
                    record += 1
                row_start = reader.line_num + 1
        except csv.Error as exc:
            raise UnreadableFile(message("reader.malformed_csv_quoting", error=str(exc)), row_start) from None
    if pending:
        drifts.append(np.array(pending, dtype=np.int64))
    return width, drifts
