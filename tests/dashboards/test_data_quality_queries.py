"""The data-quality page's file sources: refresh history, quarantine reports; absent ones."""

import json
from datetime import datetime

from dashboards.queries import data_quality as queries

FIRST_RUN = {
    "run_id": "r1", "started_at": "2026-11-02T06:00:00+00:00",
    "finished_at": "2026-11-02T06:02:00+00:00", "as_of_date": "2026-11-01",
    "outcome": "published_with_warnings", "exit_code": 2,
    "files": [
        {"file_name": "clients.csv", "entity": "clients", "status": "loaded", "rows": 309, "reason": None},
        {"file_name": "documents.csv", "entity": "documents", "status": "quarantined", "rows": 0,
         "reason": "line 12, field total_amount: not a number"},
        {"file_name": "notes.txt", "entity": None, "status": "unrecognised", "rows": 0, "reason": "unknown file"},
    ],
    "checks": [
        {"asset": "marts/ar_aging", "check": "a", "severity": "error", "passed": True, "description": "x"},
        {"asset": "marts/ar_aging", "check": "b", "severity": "warn", "passed": False, "description": "gap"},
        {"asset": "raw/documents", "check": "c", "severity": "error", "passed": False, "description": "bad"},
    ],
    "message": "published with warnings",
}
SECOND_RUN = {
    "run_id": "r2", "started_at": "2026-11-03T06:00:00+00:00",
    "finished_at": "2026-11-03T06:01:00+00:00", "as_of_date": "2026-11-02",
    "outcome": "published", "exit_code": 0,
    "files": [
        {"file_name": "clients.csv", "entity": "clients", "status": "already_loaded", "rows": 0, "reason": None},
        {"file_name": "receipts.csv", "entity": "receipts", "status": "loaded", "rows": 120, "reason": None},
    ],
    "checks": [
        {"asset": "marts/ar_aging", "check": "a", "severity": "error", "passed": True, "description": "x"},
    ],
    "message": "published",
}


def write_history(home, *runs, extra_line=None):
    lines = [json.dumps(run) for run in runs]
    if extra_line is not None:
        lines.insert(1, extra_line)
    (home / queries.HISTORY_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_refresh_history_is_newest_first_with_files_and_checks_counted(tmp_path):
    """Run 1: 1 loaded, 1 quarantined, 1 unrecognised, 309 rows; checks 1 passed, 1 warned
    (warn, not passed), 1 failed (error, not passed). Run 2: 1 loaded, 1 already loaded."""
    write_history(tmp_path, FIRST_RUN, SECOND_RUN, extra_line='{"run_id": "cut sho')

    runs = queries.refresh_history(tmp_path, 10)

    assert list(runs["run_id"]) == ["r2", "r1"]
    first = runs.iloc[1]
    assert (first["files_loaded"], first["files_already_loaded"], first["files_quarantined"],
            first["files_other"], first["rows_loaded"]) == (1, 0, 1, 1, 309)
    assert (first["checks_passed"], first["checks_warned"], first["checks_failed"]) == (1, 1, 1)
    second = runs.iloc[0]
    assert (second["files_loaded"], second["files_already_loaded"], second["rows_loaded"]) == (1, 1, 120)
    assert second["outcome"] == "published"
    assert isinstance(second["finished_at"], datetime) and second["finished_at"].tzinfo is None
    assert list(queries.refresh_history(tmp_path, 1)["run_id"]) == ["r2"]


def test_the_latest_refresh_gives_its_files_and_checks_per_asset(tmp_path):
    write_history(tmp_path, SECOND_RUN, FIRST_RUN)

    files = queries.last_refresh_files(tmp_path)
    checks = queries.checks_by_asset(tmp_path)
    failed = queries.failed_checks(tmp_path)

    assert list(files["status"]) == ["loaded", "quarantined", "unrecognised"]
    assert files.iloc[1]["reason"] == "line 12, field total_amount: not a number"
    assert checks.values.tolist() == [["marts/ar_aging", 1, 1, 0], ["raw/documents", 0, 0, 1]]
    assert failed[["asset", "severity"]].values.tolist() == [
        ["raw/documents", "error"], ["marts/ar_aging", "warn"],
    ]


def test_quarantine_reports_are_read_newest_first(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_QUARANTINE", raising=False)
    folder = tmp_path / "quarantine"
    folder.mkdir()
    (folder / "documents.csv").write_text("bad")
    older = folder / "documents.csv.report.txt"
    older.write_text("documents.csv, línea 12, campo total_amount: no es un número", encoding="utf-8")
    newer = folder / "receipts.csv.report.txt"
    newer.write_text("receipts.csv: empty file", encoding="utf-8")
    import os
    os.utime(older, (1_700_000_000, 1_700_000_000))

    reports = queries.quarantine_reports(tmp_path)

    assert list(reports["report_name"]) == ["receipts.csv.report.txt", "documents.csv.report.txt"]
    assert reports.iloc[1]["text"] == "documents.csv, línea 12, campo total_amount: no es un número"


def test_a_home_that_never_refreshed_has_no_records_but_all_columns(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_QUARANTINE", raising=False)

    assert queries.refresh_history(tmp_path, 5).empty
    assert list(queries.refresh_history(tmp_path, 5).columns) == queries.RUN_COLUMNS
    assert list(queries.last_refresh_files(tmp_path).columns) == queries.FILE_COLUMNS
    assert queries.checks_by_asset(tmp_path).empty
    assert queries.failed_checks(tmp_path).empty
    assert list(queries.quarantine_reports(tmp_path).columns) == queries.REPORT_COLUMNS


UNCHANGED_RUN = {
    "run_id": "", "started_at": "2026-11-04T06:00:00+00:00",
    "finished_at": "2026-11-04T06:00:01+00:00", "as_of_date": "2026-11-01",
    "outcome": "unchanged", "exit_code": 0, "files": [], "checks": [],
    "message": "nothing to refresh: ... the published warehouse as of 2026-11-01 is current",
}


def test_a_refresh_that_found_nothing_changed_is_listed_and_the_files_and_checks_are_the_last_run(tmp_path):
    """The unchanged refresh read no file and ran no check: the page's files and checks
    stay those of the refresh before it (run 1: 3 files; checks 1 passed, 1 warned, 1 failed)."""
    write_history(tmp_path, FIRST_RUN, UNCHANGED_RUN)

    runs = queries.refresh_history(tmp_path, 10)

    assert list(runs["outcome"]) == ["unchanged", "published_with_warnings"]
    assert list(queries.last_refresh_files(tmp_path)["file_name"]) == ["clients.csv", "documents.csv", "notes.txt"]
    assert queries.checks_by_asset(tmp_path).values.tolist() == [["marts/ar_aging", 1, 1, 0], ["raw/documents", 0, 0, 1]]
    assert list(queries.failed_checks(tmp_path)["check"]) == ["c", "b"]
