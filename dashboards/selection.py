"""What the entrypoint settles once per script run and the page it runs reads."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboards.db import PublishedDatabase

_SESSION_KEY = "cartera_selection"


@dataclass(frozen=True)
class Selection:
    """The published version to read (for every read of the page) and the date to look at."""

    database: PublishedDatabase
    published_as_of: date
    as_of: date

    @property
    def aging_as_of(self) -> date | None:
        """The `as_of` argument of the aging queries: None while the user looks at the
        warehouse's own as-of date (marts.ar_aging), else the chosen date."""
        return None if self.as_of == self.published_as_of else self.as_of


@contextmanager
def pinned(selection: Selection) -> Iterator[None]:
    """Make `selection` the current one while a page runs, then let go of it, so an idle
    session does not keep an old published version open."""
    st.session_state[_SESSION_KEY] = selection
    try:
        yield
    finally:
        del st.session_state[_SESSION_KEY]


def current() -> Selection:
    return st.session_state[_SESSION_KEY]
