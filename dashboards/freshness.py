"""The freshness line every page shows under its title: the as-of date of the data, when it
was published, and a warning for each source whose newest data is older than expected.

EXPECTED_PERIODS is the one place that says how often each source should bring new data.
"""

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from dashboards import formatting, selection
from dashboards.i18n import t
from dashboards.queries import frame

EXPECTED_PERIODS = {
    "documents": timedelta(days=3),
    "receipts": timedelta(days=3),
    "withholdings": timedelta(days=35),
    "fx_rates": timedelta(days=7),
    "bank_statements": timedelta(days=3),
}
"""Source (raw.file_registry entity) -> the longest normal gap between its newest data and
today: daily exports over a weekend (3 days), withholdings arrive with monthly
certificates, exchange rates weekly. A source not named here is not checked."""


def stale_sources(freshness: pd.DataFrame, today: date) -> pd.DataFrame:
    """The rows of `queries.frame.source_freshness` whose newest data is older than their
    source's expected period at `today`, with days_old (today - newest_data_date)."""
    rows = []
    for row in freshness.itertuples(index=False):
        period = EXPECTED_PERIODS.get(row.source)
        days_old = (today - row.newest_data_date).days
        if period is not None and days_old > period.days:
            rows.append({**row._asdict(), "days_old": days_old})
    return pd.DataFrame(rows, columns=[*freshness.columns, "days_old"])


def show_line(today: date | None = None) -> None:
    """Draw the freshness line of the current selection (call right under the title)."""
    chosen = selection.current()
    language = chosen.language
    published_at = datetime.fromtimestamp(chosen.database.identity.mtime_ns / 1e9)
    freshness = frame.source_freshness(chosen.database)
    st.caption(
        t(
            "freshness.line",
            as_of=formatting.short_date(chosen.published_as_of, language),
            published=formatting.short_datetime(published_at, language),
        ),
        help=sources_help(freshness, language),
    )
    stale = stale_sources(freshness, today or date.today())
    if stale.empty:
        return
    items = [
        t(
            "freshness.stale_source",
            source=source_label(row.source),
            part=f" {row.part}" if row.part else "",
            date=formatting.short_date(row.newest_data_date, language),
            days=row.days_old,
        )
        for row in stale.itertuples()
    ]
    st.warning(t("freshness.stale", sources="; ".join(items)), icon=":material/schedule:")


def sources_help(freshness: pd.DataFrame, language: str) -> str:
    """One line per source: how far its data runs and the last file loaded for it."""
    lines = []
    for row in freshness.itertuples():
        loaded = (
            t("freshness.source_file", file=row.newest_file_name,
              loaded=formatting.short_datetime(row.newest_file_loaded_at, language))
            if row.newest_file_loaded_at is not None and not pd.isna(row.newest_file_loaded_at)
            else ""
        )
        lines.append(
            "- " + t(
                "freshness.source_detail",
                source=source_label(row.source),
                part=f" {row.part}" if row.part else "",
                date=formatting.short_date(row.newest_data_date, language),
                file=loaded,
            )
        )
    return "\n".join(lines)


def source_label(source: str) -> str:
    """The source's name for the user."""
    labels = {
        "documents": t("freshness.source_documents"),
        "receipts": t("freshness.source_receipts"),
        "withholdings": t("freshness.source_withholdings"),
        "fx_rates": t("freshness.source_fx_rates"),
        "bank_statements": t("freshness.source_bank_statements"),
    }
    return labels.get(source, source)
