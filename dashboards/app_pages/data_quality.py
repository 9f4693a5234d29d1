"""Data quality: the last refreshes (when, outcome), the files loaded, skipped as already loaded
or quarantined (with their reports), the checks per asset, the checks on the raw tables and
the loaders' warnings, and how fresh each source is."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import formatting, freshness, limit_mismatches, selection
from dashboards.i18n import t
from dashboards.i18n.messages import render
from dashboards.queries import data_quality as queries
from dashboards.queries import frame
from dashboards.tables import show_table

HISTORY_LIMIT = 20
WARNINGS_LIMIT = 1000

chosen = selection.current()
database, language = chosen.database, chosen.language
home = queries.home()
today = chosen.published_as_of.isoformat()


def _show(table: pd.DataFrame, headers: dict[str, str], file_name: str, key: str) -> None:
    """`show_table` of the columns in `headers`, in the page's language."""
    show_table(table, headers, language=language, file_name=file_name, key=key)


st.title(t("data_quality.title"))
freshness.show_line()


outcomes = {
    "published": t("data_quality.outcome_published"),
    "published_with_warnings": t("data_quality.outcome_warnings"),
    "failed": t("data_quality.outcome_failed"),
    queries.UNCHANGED: t("data_quality.outcome_unchanged"),
}
statuses = {
    "loaded": t("data_quality.status_loaded"),
    "already_loaded": t("data_quality.status_already_loaded"),
    "quarantined": t("data_quality.status_quarantined"),
    "unrecognised": t("data_quality.status_unrecognised"),
    "not_read": t("data_quality.status_not_read"),
}

st.subheader(t("data_quality.refreshes"))
runs = queries.refresh_history(home, HISTORY_LIMIT)
if runs.empty:
    st.info(t("data_quality.no_history"))
else:
    latest = runs.iloc[0]
    outcome_text = outcomes.get(latest["outcome"], latest["outcome"])
    when = formatting.short_datetime(latest["finished_at"], language) if latest["finished_at"] else "—"
    alert = {"published": st.success, "published_with_warnings": st.warning, queries.UNCHANGED: st.success}.get(
        latest["outcome"], st.error
    )
    alert(t("data_quality.last_refresh", when=when, outcome=outcome_text, message=render(latest["message"], language)))
    runs["outcome"] = [outcomes.get(outcome, outcome) for outcome in runs["outcome"]]
    runs["message"] = [render(message, language) for message in runs["message"]]
    headers = {
        "finished_at": t("data_quality.col_finished_at"),
        "outcome": t("data_quality.col_outcome"),
        "as_of_date": t("data_quality.col_as_of"),
        "files_loaded": t("data_quality.col_files_loaded"),
        "files_already_loaded": t("data_quality.col_files_already_loaded"),
        "files_quarantined": t("data_quality.col_files_quarantined"),
        "rows_loaded": t("data_quality.col_rows_loaded"),
        "checks_passed": t("data_quality.col_checks_passed"),
        "checks_warned": t("data_quality.col_checks_warned"),
        "checks_failed": t("data_quality.col_checks_failed"),
        "message": t("data_quality.col_message"),
        "run_id": t("data_quality.col_run_id"),
    }
    _show(runs, headers, t("data_quality.refreshes_file", date=today), "dq_runs")

    st.subheader(t("data_quality.last_files"))
    files = queries.last_refresh_files(home)
    if files.empty:
        st.caption(t("data_quality.no_files"))
    else:
        files["status"] = [statuses.get(status, status) for status in files["status"]]
        files["reason"] = [render(reason, language) for reason in files["reason"]]
        headers = {
            "file_name": t("data_quality.col_file"),
            "entity": t("data_quality.col_entity"),
            "status": t("data_quality.col_status"),
            "rows": t("data_quality.col_rows"),
            "reason": t("data_quality.col_reason"),
        }
        _show(files, headers, t("data_quality.files_file", date=today), "dq_files")

    st.subheader(t("data_quality.checks"))
    checks = queries.checks_by_asset(home)
    if checks.empty:
        st.caption(t("data_quality.no_checks"))
    else:
        passed, warned, failed = st.columns(3)
        passed.metric(t("data_quality.col_checks_passed"), formatting.number(int(checks["passed"].sum()), language))
        warned.metric(t("data_quality.col_checks_warned"), formatting.number(int(checks["warned"].sum()), language))
        failed.metric(t("data_quality.col_checks_failed"), formatting.number(int(checks["failed"].sum()), language))
        headers = {
            "asset": t("data_quality.col_asset"),
            "passed": t("data_quality.col_checks_passed"),
            "warned": t("data_quality.col_checks_warned"),
            "failed": t("data_quality.col_checks_failed"),
        }
        _show(checks, headers, t("data_quality.checks_file", date=today), "dq_checks")
        failures = queries.failed_checks(home)
        if not failures.empty:
            failures["description"] = [render(description, language) for description in failures["description"]]
            headers = {
                "asset": t("data_quality.col_asset"),
                "check": t("data_quality.col_check"),
                "severity": t("data_quality.col_severity"),
                "description": t("data_quality.col_description"),
            }
            st.markdown(t("data_quality.failed_checks"))
            _show(failures, headers, t("data_quality.failed_checks_file", date=today), "dq_failed_checks")

st.subheader(t("data_quality.quarantine"))
reports = queries.quarantine_reports(home)
if reports.empty:
    st.success(t("data_quality.no_quarantine"))
else:
    for report in reports.itertuples():
        with st.expander(f"{report.report_name} · {formatting.short_datetime(report.modified_at, language)}"):
            text = report.text if report.lines is None else "\n".join(render(line, language) for line in report.lines)
            st.code(text, language=None, wrap_lines=True)

st.subheader(t("data_quality.registry"))
registry = queries.file_registry(database)
registry["status"] = [statuses.get(status, status) for status in registry["status"]]
registry["entity"] = [freshness.source_label(entity) for entity in registry["entity"]]
registry["message"] = [render(message, language) if isinstance(message, str) else "" for message in registry["message"]]
headers = {
    "seen_at": t("data_quality.col_seen_at"),
    "file_name": t("data_quality.col_file"),
    "entity": t("data_quality.col_entity"),
    "status": t("data_quality.col_status"),
    "row_count": t("data_quality.col_rows"),
    "message": t("data_quality.col_message"),
}
_show(registry, headers, t("data_quality.registry_file", date=today), "dq_registry")

st.subheader(t("data_quality.raw_checks"))
results = queries.data_quality_results(database)
if results is None:
    st.caption(t("data_quality.no_raw_checks"))
else:
    headers = {
        "table_name": t("data_quality.col_table"),
        "check_name": t("data_quality.col_check"),
        "severity": t("data_quality.col_severity"),
        "success": t("data_quality.col_success"),
        "unexpected_count": t("data_quality.col_unexpected"),
        "unexpected_sample": t("data_quality.col_sample"),
        "description": t("data_quality.col_description"),
        "checked_at": t("data_quality.col_checked_at"),
    }
    _show(results, headers, t("data_quality.raw_checks_file", date=today), "dq_raw_checks")

st.subheader(t("data_quality.warnings"))
warnings = queries.ingest_warnings(database, WARNINGS_LIMIT)
if warnings is None or warnings.empty:
    st.caption(t("data_quality.no_warnings"))
else:
    warnings["reason"] = [render(reason, language) if isinstance(reason, str) else "" for reason in warnings["reason"]]
    headers = {
        "file_name": t("data_quality.col_file"),
        "line_number": t("data_quality.col_line"),
        "column_name": t("data_quality.col_column"),
        "value": t("data_quality.col_value"),
        "reason": t("data_quality.col_reason"),
        "kind": t("data_quality.col_kind"),
    }
    _show(warnings, headers, t("data_quality.warnings_file", date=today), "dq_warnings")

st.subheader(t("data_quality.freshness"))
source_rows = frame.source_freshness(database)
stale = freshness.stale_sources(source_rows, date.today())
stale_parts = set(zip(stale["source"], stale["part"]))
sources = source_rows.assign(
    source=[freshness.source_label(source) for source in source_rows["source"]],
    expected_days=[
        period.days if (period := freshness.EXPECTED_PERIODS.get(source)) else None
        for source in source_rows["source"]
    ],
    is_stale=[
        t("data_quality.stale") if (source, part) in stale_parts else ""
        for source, part in zip(source_rows["source"], source_rows["part"])
    ],
)
headers = {
    "source": t("data_quality.col_source"),
    "part": t("data_quality.col_part"),
    "newest_data_date": t("data_quality.col_newest_data"),
    "expected_days": t("data_quality.col_expected_days"),
    "is_stale": t("data_quality.col_stale"),
    "newest_file_name": t("data_quality.col_newest_file"),
    "newest_file_loaded_at": t("data_quality.col_newest_file_loaded_at"),
}
_show(sources, headers, t("data_quality.freshness_file", date=today), "dq_freshness")

limit_mismatches.show(database, language, today, key="dq_limit_mismatches")
