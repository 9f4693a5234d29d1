"""Entrypoint of the dashboards: `streamlit run dashboards/app.py` from the repository root.

The frame every page shares: page config, the login (login.py: until a user has signed in
only the language switch and the form are drawn, and the warehouse is not opened), the
navigation (by section, the pages of the user's role), the sidebar (language, account,
as-of date, filters), the URL that mirrors them. It opens the published database once per
script run, before the page reads it, and hands the page a `Selection` (see FRAME.md of the
dashboards branch and `selection.current()`).
"""

import streamlit as st

from dashboards import db, formatting, login, url_state
from dashboards.i18n import DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGES, current_language, t, translate
from dashboards.navigation import every_page, pages_for
from dashboards.queries import frame
from dashboards.selection import Selection, pinned

st.set_page_config(page_title=t("app.title"), page_icon=":material/account_balance:", layout="wide")

url_state.restore_once()


st.sidebar.radio(
    t("sidebar.language"),
    LANGUAGES,
    index=LANGUAGES.index(DEFAULT_LANGUAGE),
    format_func=lambda language: translate(language, "language.name"),
    key=LANGUAGE_KEY,
    horizontal=True,
)

user = login.signed_in_user()
if user is None:
    # Every page registered but hidden and not run: the address a link opened is kept
    # through the sign-in.
    st.navigation(every_page(), position="hidden")
    login.login_form()
    st.stop()

page = st.navigation(pages_for(user.role))
login.account_sidebar(user)

database = db.open_published()
published_as_of = frame.published_as_of(database) if database is not None else None
if published_as_of is None:
    st.info(t("app.no_data"), icon=":material/hourglass_empty:")
else:
    as_of = st.sidebar.date_input(
        t("sidebar.as_of"),
        value=url_state.initial_as_of(published_as_of),
        max_value=published_as_of,
        format="DD/MM/YYYY",
        # A new as-of date from a publish starts the picker afresh at that date.
        key=f"as_of_{published_as_of.isoformat()}",
    )
    options = frame.filter_options(database)
    # The segment names in the language of this run, bound now: a format function that
    # looked the language up when called would name them in the default language when
    # called outside the run (AppTest formats a widget's value in the test's thread).
    language = current_language()
    format_funcs = {"segment": lambda code: formatting.segment_name(code, language)}
    with st.sidebar.expander(t("sidebar.filters"), icon=":material/filter_list:", expanded=True):
        labels = {
            "branch": t("sidebar.branch"),
            "salesperson": t("sidebar.salesperson"),
            "currency": t("sidebar.currency"),
            "segment": t("sidebar.segment"),
            "grade": t("sidebar.grade"),
        }
        for parameter, label in labels.items():
            url_state.keep_known(parameter, options[parameter])
            st.multiselect(
                label,
                options[parameter],
                format_func=format_funcs.get(parameter, str),
                key=url_state.filter_key(parameter),
                placeholder=t("sidebar.all"),
            )
    selection = Selection(
        database,
        published_as_of,
        as_of,
        current_language(),
        frame.reporting_currency(database),
        url_state.filters_from_state(),
        url_state.chosen_client(),
    )
    url_state.write(selection)
    with pinned(selection):
        page.run()
