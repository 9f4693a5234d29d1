"""Loads the inbox's export files of one entity into raw.<entity>, whole or not at all.

A file is read and checked in DuckDB (orchestration/readers/staged_export.py: its rows
never pass through Python, so an export of any size loads in the memory DuckDB is
allowed), then checked against what raw already holds (references.py), then loaded
with one INSERT ... SELECT in one transaction together with its registry row and its
warnings, so a crash leaves either all or none. Only the rows that change what raw
holds reach it (changes.py: the invoicing system exports whole snapshots); the registry
keeps the file's row count and how many were new or changed. A file with any invalid row goes to the quarantine folder
beside a report naming file, line, column, value and reason; the entity's other files
still load. A loaded file then moves to inbox/loaded/YYYY-MM-DD/ (a crash before the
move leaves it in the inbox, where the next run finds it already loaded and moves it).
A file whose sha256 was loaded before loads nothing. `withdraw_file` takes a loaded
file's rows out of raw again.
"""

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from dashboards.i18n.messages import Message, as_text, cli_language, message, render
from orchestration.config import Settings
from orchestration.ingest.changes import known_rows, mark_repeated_rows
from orchestration.ingest.raw_tables import LINEAGE_COLUMNS, WITHDRAWAL, ensure_raw_schema
from orchestration.ingest.references import SCHEMA_DRIFT, IngestWarning, check_references, still_referenced
from orchestration.ingest.tax_ids import refresh_tax_id_checks
from orchestration.readers import ExportError, detect_entity, staged_export
from orchestration.readers.contract import CONTRACT
from orchestration.readers.staged_export import StagedExport

LOADED = "loaded"
DUPLICATE = "duplicate"
QUARANTINED = "quarantined"
WITHDRAWN = "withdrawn"

LOADED_FOLDER = "loaded"
# A quarantined file's report, beside it; its lines as messages in <name>.report.json.
REPORT_SUFFIX = ".report.txt"

# The temp table of an export's rows marked new/changed or repeated (changes.py).
_MARKED = "incoming_marked_rows"


@dataclass(frozen=True)
class FileOutcome:
    file_name: str
    status: str
    rows: int = 0
    # Of `rows`, those new or changed, which reached raw (the rest repeat rows raw holds).
    changed_rows: int = 0
    report_path: Path | None = None
    message: str = ""
    # One readable line per warning recorded in raw.ingest_warnings for this file.
    warnings: tuple[str, ...] = ()


def dropped_files(settings: Settings) -> list[Path]:
    """Every file in the inbox, in name order, but hidden files and office lock files
    (".x", "~$x"): those are in-progress artefacts, not exports. Dated exports load
    oldest first, so a later file's version of a row wins."""
    if not settings.inbox.is_dir():
        return []
    return sorted(
        path for path in settings.inbox.iterdir() if path.is_file() and not path.name.startswith((".", "~$"))
    )


def inbox_files(settings: Settings, entity: str) -> list[Path]:
    """The inbox's export files of one invoicing entity."""
    return [path for path in dropped_files(settings) if detect_entity(path.name) == entity]


def ingest_entity(conn: duckdb.DuckDBPyConnection, settings: Settings, entity: str) -> list[FileOutcome]:
    ensure_raw_schema(conn)
    outcomes = [_ingest_file(conn, settings, entity, path) for path in inbox_files(settings, entity)]
    if entity == "clients":
        # Recomputed whole after every clients load, so it always matches raw.clients.
        refresh_tax_id_checks(conn)
    return outcomes


def _ingest_file(conn: duckdb.DuckDBPyConnection, settings: Settings, entity: str, path: Path) -> FileOutcome:
    with path.open("rb") as file:
        sha256 = hashlib.file_digest(file, "sha256").hexdigest()
    size = path.stat().st_size
    if already_loaded(conn, sha256):
        archive_loaded_file(settings, path)
        return FileOutcome(path.name, DUPLICATE, message="same content already loaded")
    try:
        with (
            staged_export(conn, entity, path, path.name, known=known_rows(entity)) as incoming,
            _repeated_rows_marked(conn, entity, incoming) as (changed, repeated),
        ):
            # The checks read which rows repeat raw's: those need checking only where
            # what they read changed since (references.py).
            problems, warnings = check_references(conn, entity, _MARKED, incoming.rows, settings.reporting_currency)
            if problems:
                raise ExportError(path.name, problems)
            warnings = [IngestWarning(SCHEMA_DRIFT, problem) for problem in incoming.warnings] + warnings
            _load(conn, entity, path.name, sha256, size, incoming.rows, changed, repeated, warnings)
    except ExportError as error:
        return quarantine(conn, settings, entity, path, sha256, size, error)
    archive_loaded_file(settings, path)
    return FileOutcome(
        path.name, LOADED, rows=incoming.rows, changed_rows=changed,
        warnings=tuple(warning.problem.describe() for warning in warnings),
    )


def already_loaded(conn: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    found = conn.execute(
        "select count(*) from raw.file_registry where sha256 = ? and status = ?", [sha256, LOADED]
    ).fetchall()[0]
    return found[0] > 0


def archive_loaded_file(settings: Settings, path: Path) -> Path:
    """Moves a loaded (or already loaded) file out of the inbox to inbox/loaded/<today>/,
    so the inbox holds only what is still to do. A name taken that day gets a suffix."""
    folder = settings.inbox / LOADED_FOLDER / datetime.now().date().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    copy = 1
    while target.exists():
        copy += 1
        target = folder / f"{path.stem}.{copy}{path.suffix}"
    shutil.move(str(path), target)
    return target


def next_file_id(conn: duckdb.DuckDBPyConnection) -> int:
    return conn.execute("select nextval('raw.file_id_seq')").fetchall()[0][0]


@contextmanager
def _repeated_rows_marked(
    conn: duckdb.DuckDBPyConnection, entity: str, incoming: StagedExport
) -> Iterator[tuple[int, dict[int, int]]]:
    """The temp table _MARKED while the context lasts: the file's rows, each with the file
    whose row it repeats (changes.py); gives how many rows are new or changed and the
    repeated rows per holder file."""
    try:
        yield mark_repeated_rows(conn, entity, incoming.relation, _MARKED)
    finally:
        conn.execute(f"drop table if exists {_MARKED}")


def _load(
    conn: duckdb.DuckDBPyConnection,
    entity: str,
    file_name: str,
    sha256: str,
    size: int,
    rows: int,
    changed: int,
    repeated: dict[int, int],
    warnings: list[IngestWarning],
) -> None:
    """Loads the file's new or changed rows (those of _MARKED with no holder) with its
    registry row, warnings and confirmations in one transaction."""
    loaded_at = datetime.now()
    conn.execute("begin transaction")
    try:
        file_id = next_file_id(conn)
        # The file's lineage is the same on every row: given once as parameters rather
        # than copied into each row (a large export would hold every row twice).
        lineage = {"_file_id": file_id, "_source_file": file_name, "_sha256": sha256, "_loaded_at": loaded_at}
        names = [column.name for column in CONTRACT[entity].columns] + [name for name, _ in LINEAGE_COLUMNS]
        values = [f'"{name}"' for name in names if name not in lineage]
        columns = ", ".join([*values, *lineage])
        conn.execute(
            f"insert into raw.{entity} ({columns}) select {', '.join(values)}, ?, ?, ?, ? "
            f"from {_MARKED} where _holder_file_id is null",
            list(lineage.values()),
        )
        if repeated:
            conn.executemany(
                "insert into raw.file_confirmations values (?, ?, ?)",
                [[file_id, holder, count] for holder, count in repeated.items()],
            )
        record_warnings(conn, file_id, file_name, entity, warnings, loaded_at)
        loaded = message("registry.loaded", rows=rows, changed=changed)
        register(conn, file_id, file_name, entity, sha256, size, rows, LOADED, loaded, loaded_at, changed)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise


def record_warnings(
    conn: duckdb.DuckDBPyConnection,
    file_id: int,
    file_name: str,
    entity: str,
    warnings: list[IngestWarning],
    recorded_at: datetime,
) -> None:
    if warnings:
        conn.executemany(
            "insert into raw.ingest_warnings values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [
                    file_id, file_name, entity, warning.problem.line or None, warning.problem.column or None,
                    warning.problem.value or None, as_text(warning.problem.message), warning.kind, recorded_at,
                ]
                for warning in warnings
            ],
        )


def quarantine(
    conn: duckdb.DuckDBPyConnection,
    settings: Settings,
    entity: str,
    path: Path,
    sha256: str,
    size: int,
    error: ExportError,
) -> FileOutcome:
    settings.quarantine.mkdir(parents=True, exist_ok=True)
    report_path = write_quarantine_report(settings, path.name, error)
    shutil.move(str(path), settings.quarantine / path.name)
    register(conn, next_file_id(conn), path.name, entity, sha256, size, None, QUARANTINED, error.summary(), datetime.now())
    return FileOutcome(path.name, QUARANTINED, report_path=report_path, message=str(error))


def write_quarantine_report(settings: Settings, file_name: str, error: ExportError) -> Path:
    """The report of a quarantined file, beside it: as text in CARTERA_LANGUAGE for whoever
    opens the folder, and its lines as stored messages (.report.json) for the data-quality
    page to word in its reader's language."""
    report_path = settings.quarantine / f"{file_name}{REPORT_SUFFIX}"
    report_path.write_text(error.report(cli_language()) + "\n", encoding="utf-8")
    lines = json.dumps(error.report_lines(), ensure_ascii=False, indent=1)
    report_path.with_suffix(".json").write_text(lines + "\n", encoding="utf-8")
    return report_path


def register(
    conn: duckdb.DuckDBPyConnection,
    file_id: int,
    file_name: str,
    entity: str,
    sha256: str,
    size: int,
    rows: int | None,
    status: str,
    message: Message | None,
    seen_at: datetime,
    changed_rows: int | None = None,
) -> None:
    """The file's row in raw.file_registry; a message of the catalogue is kept as its JSON
    (dashboards/i18n/messages.py words it where it is shown), a reader's reason as text."""
    conn.execute(
        "insert into raw.file_registry (file_id, file_name, entity, sha256, size_bytes, row_count, status, message, "
        "seen_at, changed_rows) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [file_id, file_name, entity, sha256, size, rows, status, None if message is None else as_text(message), seen_at, changed_rows],
    )


class WithdrawError(Exception):
    """Why a file cannot be withdrawn, in one readable line: `message`, a message of the
    catalogue (the CLI words it in CARTERA_LANGUAGE); str() is its English."""

    def __init__(self, reason: Message) -> None:
        super().__init__(render(reason, "en"))
        self.message = reason


# The raw tables a file of each registry entity wrote to; invoicing entities write to
# raw.<entity>.
_BANK_TABLES = ("bank_statements", "bank_statement_lines")


def withdraw_file(conn: duckdb.DuckDBPyConnection, name_or_sha256: str) -> Message:
    """Takes a loaded file's rows (and its warnings) out of raw, marks its registry row
    withdrawn and records the withdrawal as a registry row of its own; returns what was
    done in one line (a message of the catalogue). The same file, or a corrected one, loads normally when dropped
    again. Raises WithdrawError when no loaded file, or more than one, answers the name,
    or when other loaded files still name rows only this file holds (a clients export
    whose clients have documents, a documents export whose documents have allocations):
    those are withdrawn first, or the rows loaded again in another export. Refused too
    while a later loaded export repeats rows of this one without loading them
    (changes.py): that export goes first, newest first."""
    ensure_raw_schema(conn)
    matches = conn.execute(
        """
        select file_id, file_name, entity, sha256, size_bytes, seen_at
        from raw.file_registry
        where status = ? and (file_name = ? or sha256 = lower(?))
        order by file_id
        """,
        [LOADED, name_or_sha256, name_or_sha256],
    ).fetchall()
    if not matches:
        raise WithdrawError(message("withdraw.no_such_file", name=name_or_sha256))
    if len(matches) > 1:
        versions = [
            message("withdraw.version", sha256=sha256, loaded_at=f"{seen_at:%Y-%m-%d %H:%M}")
            for _, _, _, sha256, _, seen_at in matches
        ]
        raise WithdrawError(message("withdraw.ambiguous", count=len(matches), name=name_or_sha256, versions=versions))
    [(file_id, file_name, entity, sha256, size, loaded_at)] = matches
    repeated = _repeated_by_later_files(conn, file_id)
    if repeated:
        raise WithdrawError(_repeated_message(file_name, repeated))
    referenced = still_referenced(conn, entity, file_id)
    if referenced:
        raise WithdrawError(_still_referenced_message(file_name, entity, referenced))
    tables = _BANK_TABLES if entity == "bank_statements" else (entity,)
    withdrawn_at = datetime.now()
    conn.execute("begin transaction")
    try:
        removed = {table: _delete_file_rows(conn, table, file_id) for table in tables}
        conn.execute("delete from raw.ingest_warnings where file_id = ?", [file_id])
        conn.execute("delete from raw.file_confirmations where file_id = ?", [file_id])
        withdrawn = as_text(message("registry.withdrawn", at=f"{withdrawn_at:%Y-%m-%d %H:%M}"))
        conn.execute("update raw.file_registry set status = ?, message = ? where file_id = ?", [WITHDRAWN, withdrawn, file_id])
        summary = [message("registry.rows_from", rows=rows, table=table) for table, rows in removed.items()]
        register(
            conn, next_file_id(conn), file_name, entity, sha256, size, removed[tables[-1]], WITHDRAWAL,
            message("registry.withdrawal", file_id=str(file_id), loaded_at=f"{loaded_at:%Y-%m-%d %H:%M}", removed=summary),
            withdrawn_at,
        )
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    if entity == "clients":
        refresh_tax_id_checks(conn)
    return message(
        "withdraw.done", file_name=file_name, sha256=sha256[:12], loaded_at=f"{loaded_at:%Y-%m-%d %H:%M}", removed=summary
    )


def _repeated_by_later_files(conn: duckdb.DuckDBPyConnection, file_id: int) -> list[tuple[str, int]]:
    """The loaded files, newest first, that did not load rows of their own because they
    repeat rows of file `file_id` (changes.py), with how many: those rows are raw's only
    copy of what the later files list."""
    return conn.execute(
        """
        select registry.file_name || ' (sha256 ' || left(registry.sha256, 12) || '…)', sum(confirmations.row_count)
        from raw.file_confirmations as confirmations
        inner join raw.file_registry as registry on registry.file_id = confirmations.file_id
        where confirmations.confirmed_file_id = ? and registry.status = ?
        group by registry.file_id, registry.file_name, registry.sha256
        order by registry.file_id desc
        """,
        [file_id, LOADED],
    ).fetchall()


def _repeated_message(file_name: str, repeated: list[tuple[str, int]]) -> Message:
    rows = sum(count for _, count in repeated)
    return message("withdraw.repeated", file_name=file_name, rows=rows, files=[name for name, _ in repeated])


def _still_referenced_message(file_name: str, entity: str, referenced: dict[str, list[str]]) -> Message:
    files = sorted({name for names in referenced.values() for name in names})
    named = [message("withdraw.named_in", value=key, files=names) for key, names in list(referenced.items())[:3]]
    # The keys are listed with "; " between them: each names a list of files.
    shown: Message = named[0]
    for more_named in named[1:]:
        shown = message("withdraw.and_named_in", named=shown, more=more_named)
    if len(referenced) > 3:
        shown = message("withdraw.and_more", named=shown, n=len(referenced) - 3)
    return message("withdraw.still_referenced", file_name=file_name, entity=entity, count=len(referenced), named=shown, files=files)


def _delete_file_rows(conn: duckdb.DuckDBPyConnection, table: str, file_id: int) -> int:
    return conn.execute(f"delete from raw.{table} where _file_id = ?", [file_id]).fetchall()[0][0]
