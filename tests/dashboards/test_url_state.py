"""The URL of a selection: only what differs from opening the app afresh; client links."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

from dashboards import url_state
from dashboards.selection import Filters, Selection

PUBLISHED = date(2026, 11, 1)


def selection(**changes) -> Selection:
    values = {
        "database": None, "published_as_of": PUBLISHED, "as_of": PUBLISHED,
        "language": "es", "reporting_currency": "EUR",
    }
    return Selection(**(values | changes))


def test_a_fresh_selection_has_no_parameters_and_links_to_the_bare_client_page():
    assert url_state.params(selection()) == {}
    assert url_state.client_url("C0042", selection()) == "client?client_id=C0042"


def test_a_link_carries_language_date_filters_and_client():
    chosen = selection(
        language="en",
        as_of=date(2026, 6, 30),
        filters=Filters(branches=("Madrid", "Valencia"), grades=("E",)),
    )

    link = urlsplit(url_state.client_url("C0042", chosen))

    assert link.path == "client"
    assert parse_qs(link.query) == {
        "lang": ["en"],
        "as_of": ["2026-06-30"],
        "branch": ["Madrid", "Valencia"],
        "grade": ["E"],
        "client_id": ["C0042"],
    }
