"""The search box of every page that shows one client: the user types part of a code, name
or tax id (today's or a former one), picks one of the first matches, and the client
becomes the session's chosen client (url_state.choose_client), so the URL and the other
pages follow; a link or another page that chose a client is shown without a search.

A picker holding every client read and converted all of them on each page load (100,000
at L: ~130 ms of CPU on the committee page, ~75 ms on payment behaviour); the search reads
at most SEARCH_LIMIT matches, and only when something is typed."""

import pandas as pd
import streamlit as st

from dashboards import url_state
from dashboards.db import PublishedDatabase
from dashboards.i18n import t
from dashboards.plain_text import literal
from dashboards.queries.client_file import search_clients

SEARCH_LIMIT = 50
"""Matches offered at most; one more is read to say that there are more."""


def search(database: PublishedDatabase, key: str, chosen_client_id: str | None) -> None:
    """The text box `{key}_search` and, once something is typed, the matches in the
    select box `{key}_pick_{text}`; choosing one makes it the chosen client and reruns."""
    text = st.text_input(
        t("client_search.search"), placeholder=t("client_search.placeholder"), key=f"{key}_search"
    ).strip()
    if not text:
        return
    found = search_clients(database, text, SEARCH_LIMIT + 1)
    if found.empty:
        st.info(t("client_search.no_match", text=literal(text)))
        return
    shown = found.head(SEARCH_LIMIT)
    labels = {
        row.client_id: t("client_search.match", name=row.client_name, tax_id=row.tax_id, client_id=row.client_id)
        + (t("client_search.formerly", former=row.former_names) if pd.notna(row.former_names) else "")
        for row in shown.itertuples()
    }
    picked = st.selectbox(
        t("client_search.matches", count=len(shown)) if len(found) <= SEARCH_LIMIT
        else t("client_search.first_matches", count=len(shown)),
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder=t("client_search.pick"),
        key=f"{key}_pick_{text}",
    )
    if picked is not None and picked != chosen_client_id:
        url_state.choose_client(picked)
        st.rerun()
