"""The state a link carries: language, as-of date, filters and client live in the URL.

Session state is what the widgets read; the URL mirrors it. On a session's first run (a
link opened, a page reloaded) the URL's values are copied into session state before the
widgets are drawn; after they are drawn, every run writes the current state back into the
URL, so the address bar can always be shared. Values the URL names that do not exist (an
unknown branch, a date after the published one) are dropped, never an error.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from dashboards.i18n import DEFAULT_LANGUAGE, LANGUAGE_KEY, LANGUAGES
from dashboards.selection import Filters, Selection, current

LANGUAGE_PARAM = "lang"
AS_OF_PARAM = "as_of"
CLIENT_PARAM = "client_id"
FILTER_PARAMS = {
    "branch": "branches",
    "salesperson": "salespeople",
    "currency": "currencies",
    "segment": "segments",
    "grade": "grades",
}
"""URL parameter -> Filters field; the widget of each is keyed `filter_<parameter>`."""

CLIENT_KEY = "cartera_client_id"
"""Session-state key of the chosen client (set by the client page, read by `Selection`)."""
_AS_OF_FROM_URL = "cartera_url_as_of"
_RESTORED = "cartera_url_restored"


def filter_key(parameter: str) -> str:
    return f"filter_{parameter}"


def restore_once() -> None:
    """On the session's first run, copy the URL's state into session state."""
    if st.session_state.get(_RESTORED):
        return
    st.session_state[_RESTORED] = True
    params = st.query_params
    language = params.get(LANGUAGE_PARAM)
    if language in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = language
    for parameter in FILTER_PARAMS:
        values = params.get_all(parameter)
        if values:
            st.session_state[filter_key(parameter)] = values
    as_of = params.get(AS_OF_PARAM)
    if as_of:
        try:
            st.session_state[_AS_OF_FROM_URL] = date.fromisoformat(as_of)
        except ValueError:
            pass
    client_id = params.get(CLIENT_PARAM)
    if client_id:
        st.session_state[CLIENT_KEY] = client_id


def keep_known(parameter: str, options: Sequence[str]) -> None:
    """Drop from a filter widget's state the values its options no longer hold (a branch
    named in an old link), before the widget is drawn."""
    key = filter_key(parameter)
    if key in st.session_state:
        st.session_state[key] = [value for value in st.session_state[key] if value in options]


def initial_as_of(published_as_of: date) -> date:
    """The date the as-of picker starts at: the URL's, if it is not after the published one."""
    from_url = st.session_state.get(_AS_OF_FROM_URL)
    if from_url is not None and from_url <= published_as_of:
        return from_url
    return published_as_of


def chosen_client() -> str | None:
    return st.session_state.get(CLIENT_KEY)


def choose_client(client_id: str | None) -> None:
    """Make `client_id` the chosen client (None: none); the URL follows on this run."""
    if client_id is None:
        st.session_state.pop(CLIENT_KEY, None)
    else:
        st.session_state[CLIENT_KEY] = client_id
    st.query_params.from_dict(params(replace(current(), client_id=client_id)))


def params(selection: Selection) -> dict[str, str | list[str]]:
    """The URL parameters of a selection: only what differs from opening the app afresh
    (default language, the published as-of date, no filter, no client)."""
    result: dict[str, str | list[str]] = {}
    if selection.language != DEFAULT_LANGUAGE:
        result[LANGUAGE_PARAM] = selection.language
    if not selection.is_published_date:
        result[AS_OF_PARAM] = selection.as_of.isoformat()
    for parameter, field_name in FILTER_PARAMS.items():
        values = getattr(selection.filters, field_name)
        if values:
            result[parameter] = list(values)
    if selection.client_id:
        result[CLIENT_PARAM] = selection.client_id
    return result


def write(selection: Selection) -> None:
    """Mirror the selection in the URL (after the sidebar is drawn, on every run)."""
    st.query_params.from_dict(params(selection))


def page_url(url_path: str, selection: Selection) -> str:
    """A relative link to the page at `url_path` with the selection's state, e.g.
    'client?as_of=2026-06-30&client_id=C0042'. Relative, so it works behind any base path."""
    query = urlencode(params(selection), doseq=True)
    return f"{url_path}?{query}" if query else url_path


def filters_from_state() -> Filters:
    """The filters the sidebar's widgets hold now."""
    return Filters(
        **{
            field_name: tuple(st.session_state.get(filter_key(parameter), ()))
            for parameter, field_name in FILTER_PARAMS.items()
        }
    )


CLIENT_PAGE = "client"
"""url_path of the client file page (expediente)."""


def client_url(client_id: str, selection: Selection) -> str:
    """The link to `client_id`'s file, keeping the selection's language, date and filters:
    every client link of every table is built here."""
    return page_url(CLIENT_PAGE, replace(selection, client_id=client_id))
