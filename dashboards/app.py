"""Entrypoint of the dashboards: `streamlit run dashboards/app.py` from the repository root.

The frame every page shares: page config, the sidebar (language, as-of date) and the
navigation. It opens the published database once per script run, before the page reads it.
"""

import streamlit as st

from dashboards import db
from dashboards.queries import frame
from dashboards.i18n import DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGES, t, translate
from dashboards.selection import Selection, pinned

st.set_page_config(page_title=t("app.title"), page_icon=":material/account_balance:", layout="wide")

st.sidebar.radio(
    t("sidebar.language"),
    LANGUAGES,
    index=LANGUAGES.index(DEFAULT_LANGUAGE),
    format_func=lambda language: translate(language, "language.name"),
    key=LANGUAGE_KEY,
    horizontal=True,
)

page = st.navigation(
    [
        st.Page(
            "app_pages/overview.py",
            title=t("overview.title"),
            icon=":material/dashboard:",
            url_path="overview",
            default=True,
        ),
    ]
)

database = db.open_published()
published_as_of = frame.published_as_of(database) if database is not None else None
if published_as_of is None:
    st.info(t("app.no_data"), icon=":material/hourglass_empty:")
else:
    as_of = st.sidebar.date_input(
        t("sidebar.as_of"),
        value=published_as_of,
        max_value=published_as_of,
        format="DD/MM/YYYY",
        # A new as-of date from a publish starts the picker afresh at that date.
        key=f"as_of_{published_as_of.isoformat()}",
    )
    with pinned(Selection(database, published_as_of, as_of)):
        page.run()
