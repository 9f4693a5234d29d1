"""Loads the inbox's bank statement files into raw.bank_statements and
raw.bank_statement_lines, whole or not at all.

Which files: every inbox file that is not an invoicing export (those are told by the
start of their name and load through loader.py) and whose content a bank reader
recognises (Norma 43, camt.053/054, MT940, OFX), or whose name matches a bank CSV
mapping of CARTERA_BANK_CSV_MAPPINGS. A file neither recognises stays in the inbox
untouched and is reported as unrecognised: it may be a file still being written, or
one for a later release. A file whose control figures disagree with its lines goes to
quarantine beside the reader's report; the other files still load. Same registry
(entity 'bank_statements'), same sha256 rule and same one-transaction load as the
invoicing files, and a loaded file moves to inbox/loaded/YYYY-MM-DD/ as they do. Raw
keeps every copy of a statement; stg_bank__statement_lines keeps one row per movement
(DECISIONLOG: Bank statements). What a reader accepted with a note (something the
standard leaves open, or that could not be checked) is recorded in raw.ingest_warnings
in the load's transaction, kind `bank_format_note`, so the bookkeeper sees it.
"""

import fnmatch
import hashlib
import json
from contextlib import closing
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.config import Settings
from orchestration.ingest.bank_reading import BankFileToRead, ReadBankFile, read_in_order
from orchestration.ingest.loader import (
    DUPLICATE,
    LOADED,
    FileOutcome,
    already_loaded,
    archive_loaded_file,
    dropped_files,
    next_file_id,
    quarantine,
    record_warnings,
    register,
)
from orchestration.ingest.raw_tables import BANK_STATEMENT_LINES_SCHEMA, BANK_STATEMENTS_SCHEMA, ensure_raw_schema
from orchestration.ingest.references import IngestWarning
from orchestration.readers import ExportError, detect_entity
from orchestration.readers.bank import BankCsvMapping, BankStatementFile, detect_bank_format

ENTITY = "bank_statements"
UNRECOGNISED = "unrecognised"
# Kind of warning in raw.ingest_warnings: a bank reader accepted the file with a note.
BANK_FORMAT_NOTE = "bank_format_note"

_SNIFF = 8192


@dataclass(frozen=True)
class BankIngestResult:
    """What one pass over the inbox did: an outcome per bank file it recognised, and the
    names of the files it left alone because nothing recognised them."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)


def load_bank_csv_mappings(path: Path | None) -> list[tuple[str, BankCsvMapping]]:
    """(file-name glob, mapping) pairs in the file's order; none without a file.

    A malformed mappings file raises ValueError naming it: a silent fallback would leave
    every bank CSV unrecognised with no hint why."""
    if path is None:
        return []
    try:
        declared = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"bank CSV mappings {path}: {error}") from error
    if not isinstance(declared, dict):
        raise ValueError(f"bank CSV mappings {path}: expected an object of pattern -> mapping")
    known = {f.name for f in fields(BankCsvMapping)}
    mappings = []
    for pattern, options in declared.items():
        if not isinstance(options, dict) or set(options) - known:
            unknown = sorted(set(options) - known) if isinstance(options, dict) else options
            raise ValueError(f"bank CSV mappings {path}, {pattern!r}: unknown fields {unknown}")
        try:
            mappings.append((pattern.lower(), BankCsvMapping(**options)))
        except (TypeError, ValueError) as error:
            raise ValueError(f"bank CSV mappings {path}, {pattern!r}: {error}") from error
    return mappings


def ingest_bank_statements(conn: duckdb.DuckDBPyConnection, settings: Settings) -> BankIngestResult:
    ensure_raw_schema(conn)
    mappings = load_bank_csv_mappings(settings.bank_csv_mappings)
    result = BankIngestResult()
    recognised = []
    for path in _candidate_files(settings):
        mapping = _csv_mapping(path.name, mappings)
        with path.open("rb") as file:
            head = file.read(_SNIFF)  # detection reads no further: an unknown file is not read whole
        if detect_bank_format(path.name, head) is None and mapping is None:
            result.unrecognised.append(path.name)
            continue
        recognised.append(BankFileToRead(path, mapping))
    # A file loaded by an earlier run is told by its hash before anyone reads it: a folder
    # dropped again costs the hashing of its statements, not their reading (at L, the 1,200
    # files of a +1 day's drop were all read again by the reader processes: 71 s).
    loaded_before = {file.path for file in recognised if already_loaded(conn, _file_sha256(file.path))}
    with closing(read_in_order([file for file in recognised if file.path not in loaded_before])) as reading:
        for file in recognised:
            if file.path in loaded_before:
                result.outcomes.append(_duplicate(settings, file.path))
            else:
                result.outcomes.append(_ingest_file(conn, settings, next(reading)))
    return result


def _duplicate(settings: Settings, path: Path) -> FileOutcome:
    archive_loaded_file(settings, path)
    return FileOutcome(path.name, DUPLICATE, message="same content already loaded")


def _file_sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _candidate_files(settings: Settings) -> list[Path]:
    """Inbox files that are not invoicing exports."""
    return [path for path in dropped_files(settings) if detect_entity(path.name) is None]


def _csv_mapping(file_name: str, mappings: list[tuple[str, BankCsvMapping]]) -> BankCsvMapping | None:
    name = file_name.lower()
    return next((mapping for pattern, mapping in mappings if fnmatch.fnmatchcase(name, pattern)), None)


def _ingest_file(conn: duckdb.DuckDBPyConnection, settings: Settings, read_file: ReadBankFile) -> FileOutcome:
    path = read_file.path
    if already_loaded(conn, read_file.sha256):  # the same content earlier in this inbox
        return _duplicate(settings, path)
    try:
        statement_file = read_file.statement()
    except ExportError as error:
        return quarantine(conn, settings, ENTITY, path, read_file.sha256, read_file.size, error)
    # A note says where it applies: the physical line (N43, MT940, OFX) or the element (camt, as its column).
    warnings = [IngestWarning(BANK_FORMAT_NOTE, note) for note in statement_file.notes]
    _load(conn, path.name, read_file.sha256, read_file.size, statement_file, warnings)
    archive_loaded_file(settings, path)
    return FileOutcome(
        path.name, LOADED, rows=statement_file.line_columns.num_rows, warnings=tuple(w.problem.describe() for w in warnings)
    )


def _load(
    conn: duckdb.DuckDBPyConnection,
    file_name: str,
    sha256: str,
    size: int,
    content: BankStatementFile,
    warnings: list[IngestWarning],
) -> None:
    loaded_at = datetime.now()
    conn.execute("begin transaction")
    try:
        file_id = next_file_id(conn)
        lineage = {"_file_id": file_id, "_source_file": file_name, "_sha256": sha256, "_loaded_at": loaded_at}
        statements = [
            {
                "statement_id": statement.statement_id,
                "statement_number": number,
                "account": statement.account,
                "currency": statement.currency,
                "period_start": statement.period_start,
                "period_end": statement.period_end,
                "opening_balance": statement.opening_balance,
                "closing_balance": statement.closing_balance,
                "line_count": statement.line_count,
                "format": content.format,
                **lineage,
            }
            for number, statement in enumerate(content.statements, start=1)
        ]
        _insert(conn, "bank_statements", pa.Table.from_pylist(statements, schema=BANK_STATEMENTS_SCHEMA))
        _insert(conn, "bank_statement_lines", _line_rows(content.line_columns, lineage))
        record_warnings(conn, file_id, file_name, ENTITY, warnings, loaded_at)
        register(
            conn, file_id, file_name, ENTITY, sha256, size, content.line_columns.num_rows, LOADED, None, loaded_at
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def _line_rows(line_columns: pa.Table, lineage: dict) -> pa.Table:
    """The reader's line columns as raw.bank_statement_lines takes them, column by column."""
    rows = line_columns.num_rows
    source_line = line_columns["source_line"]
    columns = {name: line_columns[name] for name in line_columns.column_names if name != "source_line"}
    # The reader's 0 means "no physical line" (XML): unknown, not line zero.
    columns["_line_number"] = pc.if_else(pc.equal(source_line, 0), pa.scalar(None, pa.int64()), source_line)
    columns.update({name: pa.repeat(pa.scalar(value), rows) for name, value in lineage.items()})
    return pa.Table.from_arrays(
        [columns[name] for name in BANK_STATEMENT_LINES_SCHEMA.names], schema=BANK_STATEMENT_LINES_SCHEMA
    )


def _insert(conn: duckdb.DuckDBPyConnection, table: str, batch: pa.Table) -> None:
    if not batch.num_rows:
        return
    conn.register("incoming_bank_rows", batch)
    try:
        columns = ", ".join(f'"{name}"' for name in batch.schema.names)
        conn.execute(f"insert into raw.{table} ({columns}) select {columns} from incoming_bank_rows")
    finally:
        conn.unregister("incoming_bank_rows")
