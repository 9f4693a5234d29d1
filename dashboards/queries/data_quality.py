"""The data-quality page's datasets: the refresh history, the files of the last refresh,
the quarantine reports, the file registry, the checks per asset and the ingest warnings.

Besides tables of the published database it reads files of CARTERA_HOME, and it is the only
code that names them: refresh_history.jsonl (one JSON object per refresh, written by
`cartera refresh`; shape in orchestration/refresh.py) and the quarantine folder's
*.report.txt and their *.report.json twins. Every source may be missing (a home that has never refreshed, a warehouse
built before a table existed): each function then returns an empty result with its columns,
and the page says there is no record yet.
"""

import json
import os
from datetime import datetime
from pathlib import Path

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import cached

HISTORY_FILE = "refresh_history.jsonl"
# A refresh that found nothing changed ran nothing: the files and checks shown are those
# of the last refresh that ran.
UNCHANGED = "unchanged"
REPORT_SUFFIX = ".report.txt"
# The same report's lines as stored messages (orchestration/ingest/loader.py), to word in
# the page's language; a report written before them has its text alone.
REPORT_LINES_SUFFIX = ".report.json"

RUN_COLUMNS = [
    "run_id", "started_at", "finished_at", "as_of_date", "outcome", "exit_code",
    "files_loaded", "files_already_loaded", "files_quarantined", "files_other",
    "rows_loaded", "checks_passed", "checks_warned", "checks_failed", "message",
]
FILE_COLUMNS = ["file_name", "entity", "status", "rows", "reason"]
CHECK_COLUMNS = ["asset", "passed", "warned", "failed"]
FAILED_CHECK_COLUMNS = ["asset", "check", "severity", "description"]
REPORT_COLUMNS = ["report_name", "modified_at", "text", "lines"]


def home() -> Path:
    """CARTERA_HOME, as the app and `cartera refresh` read it (default ./data)."""
    return Path(os.environ.get("CARTERA_HOME", "data"))


def quarantine_folder(cartera_home: Path) -> Path:
    """CARTERA_QUARANTINE if set, else CARTERA_HOME/quarantine (orchestration.config)."""
    explicit = os.environ.get("CARTERA_QUARANTINE")
    return Path(explicit) if explicit else cartera_home / "quarantine"


def refresh_runs(cartera_home: Path, limit: int) -> list[dict]:
    """The last `limit` refreshes of refresh_history.jsonl, newest first (lines that are
    not JSON objects, such as a line cut by a crash, are skipped)."""
    path = cartera_home / HISTORY_FILE
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            run = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(run, dict):
            runs.append(run)
    return list(reversed(runs))[:limit]


def _last_run(cartera_home: Path) -> dict:
    """The newest refresh that ran (not one that found nothing changed), or {}."""
    runs = [run for run in refresh_runs(cartera_home, 10**9) if run.get("outcome") != UNCHANGED]
    return runs[0] if runs else {}


def refresh_history(cartera_home: Path, limit: int) -> pd.DataFrame:
    """One row per refresh, newest first (RUN_COLUMNS): when, outcome, how many files were
    loaded, already loaded, quarantined or other (unrecognised, not read), rows loaded, and
    checks passed, warned (failed with severity warn) and failed (severity error)."""
    rows = []
    for run in refresh_runs(cartera_home, limit):
        files = run.get("files") or []
        checks = run.get("checks") or []
        statuses = [entry.get("status") for entry in files]
        rows.append({
            "run_id": run.get("run_id"),
            "started_at": _moment(run.get("started_at")),
            "finished_at": _moment(run.get("finished_at")),
            "as_of_date": run.get("as_of_date"),
            "outcome": run.get("outcome"),
            "exit_code": run.get("exit_code"),
            "files_loaded": statuses.count("loaded"),
            "files_already_loaded": statuses.count("already_loaded"),
            "files_quarantined": statuses.count("quarantined"),
            "files_other": sum(status not in ("loaded", "already_loaded", "quarantined")
                               for status in statuses),
            "rows_loaded": sum(int(entry.get("rows") or 0) for entry in files),
            "checks_passed": sum(bool(check.get("passed")) for check in checks),
            "checks_warned": sum(not check.get("passed") and check.get("severity") == "warn"
                                 for check in checks),
            "checks_failed": sum(not check.get("passed") and check.get("severity") != "warn"
                                 for check in checks),
            "message": run.get("message"),
        })
    return pd.DataFrame(rows, columns=RUN_COLUMNS)


def last_refresh_files(cartera_home: Path) -> pd.DataFrame:
    """The files of the latest refresh that ran (FILE_COLUMNS), in the order it read them."""
    files = _last_run(cartera_home).get("files") or []
    return pd.DataFrame(
        [{column: entry.get(column) for column in FILE_COLUMNS} for entry in files],
        columns=FILE_COLUMNS,
    )


def checks_by_asset(cartera_home: Path) -> pd.DataFrame:
    """The checks per asset of the latest refresh that ran, by asset (CHECK_COLUMNS): passed,
    warned (failed, severity warn), failed (severity error)."""
    counts: dict[str, dict[str, int]] = {}
    for check in _last_run(cartera_home).get("checks") or []:
        asset = counts.setdefault(check.get("asset") or "", {"passed": 0, "warned": 0, "failed": 0})
        if check.get("passed"):
            asset["passed"] += 1
        elif check.get("severity") == "warn":
            asset["warned"] += 1
        else:
            asset["failed"] += 1
    rows = [{"asset": asset, **count} for asset, count in sorted(counts.items())]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def failed_checks(cartera_home: Path) -> pd.DataFrame:
    """The checks of the latest refresh that ran that did not pass, errors first
    (FAILED_CHECK_COLUMNS)."""
    failed = [
        {column: check.get(column) for column in FAILED_CHECK_COLUMNS}
        for check in _last_run(cartera_home).get("checks") or []
        if not check.get("passed")
    ]
    failed.sort(key=lambda check: (check["severity"] == "warn", check["asset"] or "", check["check"] or ""))
    return pd.DataFrame(failed, columns=FAILED_CHECK_COLUMNS)


def quarantine_reports(cartera_home: Path) -> pd.DataFrame:
    """The quarantine folder's reports, newest first (REPORT_COLUMNS): the report's file
    name, when it was written, its text, and its lines as stored messages (None for a
    report written before they were kept)."""
    folder = quarantine_folder(cartera_home)
    reports = sorted(folder.glob(f"*{REPORT_SUFFIX}"), key=lambda path: path.stat().st_mtime, reverse=True) \
        if folder.is_dir() else []
    rows = [
        {
            "report_name": path.name,
            "modified_at": datetime.fromtimestamp(path.stat().st_mtime),
            "text": path.read_text(encoding="utf-8", errors="replace"),
            "lines": _report_lines(path),
        }
        for path in reports
    ]
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def _report_lines(report: Path) -> list | None:
    twin = report.with_name(report.name.removesuffix(REPORT_SUFFIX) + REPORT_LINES_SUFFIX)
    try:
        lines = json.loads(twin.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return lines if isinstance(lines, list) else None


@cached
def file_registry(database: PublishedDatabase) -> pd.DataFrame:
    """Every file the warehouse has seen (raw.file_registry), newest first: file_name,
    entity, status, row_count, message, seen_at."""
    sql = """
        select file_name, entity, status, row_count, message, seen_at
        from raw.file_registry
        order by seen_at desc, file_id desc
    """
    return database.query(sql, [])


@cached
def has_table(database: PublishedDatabase, schema: str, table: str) -> bool:
    """The published database has `schema`.`table` (tables added by later versions of the
    pipeline are missing from a warehouse published before them)."""
    sql = """
        select count(*) as tables
        from information_schema.tables
        where table_schema = ? and table_name = ?
    """
    return bool(database.query(sql, [schema, table]).iloc[0]["tables"])


@cached
def data_quality_results(database: PublishedDatabase) -> pd.DataFrame | None:
    """The checks on the raw tables (raw.data_quality_results), failed first, by table:
    table_name, check_name, description, severity, success, unexpected_count,
    unexpected_sample, observed_value, checked_at; None when the table does not exist."""
    if not has_table(database, "raw", "data_quality_results"):
        return None
    sql = """
        select
            table_name, check_name, description, severity, success, unexpected_count,
            unexpected_sample, observed_value, checked_at
        from raw.data_quality_results
        order by success, severity, table_name, check_name
    """
    return database.query(sql, [])


@cached
def ingest_warnings(database: PublishedDatabase, limit: int) -> pd.DataFrame | None:
    """Values the loaders accepted with a warning (raw.ingest_warnings), newest first, at
    most `limit`: file_name, entity, line_number, column_name, value, reason, kind,
    recorded_at; None when the table does not exist."""
    if not has_table(database, "raw", "ingest_warnings"):
        return None
    sql = """
        select file_name, entity, line_number, column_name, value, reason, kind, recorded_at
        from raw.ingest_warnings
        order by recorded_at desc, file_name, line_number
        limit ?
    """
    return database.query(sql, [limit])


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Shown and exported in the server's local time, without an offset (Excel has none).
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
