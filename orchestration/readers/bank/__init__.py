"""Bank statement readers: Norma 43, camt.053/054, MT940, OFX and mapped bank CSV.

Pure functions from bytes to statements and lines, or an ExportError naming every
problem; a statement whose own control figures disagree with its lines is rejected.
"""

import pyarrow as pa

from dashboards.i18n.messages import Message, message

from ..errors import ExportError, FieldError, ProblemLog
from .bank_csv import read_bank_csv
from .camt import read_camt
from .common import garbage_collection_paused
from .detection import detect_bank_format
from .model import (
    BankCsvMapping,
    BankStatement,
    BankStatementFile,
    BankStatementLine,
    line_table,
)
from .mt940 import read_mt940
from .norma43 import read_norma43
from .ofx import read_ofx

FORMATS = ("norma43", "camt053", "camt054", "mt940", "ofx", "csv")

__all__ = [
    "FORMATS",
    "BankCsvMapping",
    "BankStatement",
    "BankStatementFile",
    "BankStatementLine",
    "detect_bank_format",
    "read_bank_statement",
]


def read_bank_statement(
    file_name: str, data: bytes, csv_mapping: BankCsvMapping | None = None
) -> BankStatementFile:
    """Every statement and line of one bank file, checked against its own control figures.

    The format is told by content; a file no format claims is read as CSV when a
    mapping is given. Raises ExportError listing every problem: a file is loaded whole
    or not at all.
    """
    problems = ProblemLog()
    file_format = detect_bank_format(file_name, data)
    if file_format is None and csv_mapping is None:
        problems.add(0, "", "", _unknown_reason(data))
        raise ExportError(file_name, problems.errors)
    with garbage_collection_paused():
        file_format, statements, line_columns, notes = _read(file_format, data, csv_mapping, problems)
    if not problems.errors and not line_columns.num_rows and not statements:
        problems.add(0, "", "", message("bank_reader.no_statement"))
    problems.raise_if_any(file_name)
    return BankStatementFile(
        format=file_format, statements=statements, line_columns=line_columns, notes=notes
    )


def _read(
    file_format: str | None, data: bytes, csv_mapping: BankCsvMapping | None, problems: ProblemLog
) -> tuple[str, list[BankStatement], pa.Table, list[FieldError]]:
    """(format, statements, line columns, notes) of a file of a known format, or a CSV."""
    if file_format == "norma43":
        # Read as columns: a Norma 43 file is the bulk of a bank's lines.
        statements, line_columns, notes = read_norma43(data, problems)
    else:
        if file_format is None:
            file_format = "csv"
            statements, lines, notes = read_bank_csv(data, csv_mapping, problems)
        elif file_format == "mt940":
            statements, lines, notes = read_mt940(data, problems)
        elif file_format == "ofx":
            statements, lines, notes = read_ofx(data, problems)
        else:
            file_format, statements, lines, notes = read_camt(data, problems)
        # A rejected file's lines may be half read: they are never loaded.
        line_columns = line_table([] if problems.errors else lines)
    return file_format, statements, line_columns, notes


def _unknown_reason(data: bytes) -> Message:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return message("bank_reader.not_a_text_file")
    if not data.strip():
        return message("bank_reader.empty_file")
    return message("bank_reader.unknown_format")
