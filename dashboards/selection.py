"""What the entrypoint settles once per script run and the page it runs reads."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from dashboards.db import PublishedDatabase

_SESSION_KEY = "cartera_selection"


@dataclass(frozen=True)
class Filters:
    """The sidebar's filters: the values chosen in each dimension; empty = no filter.

    Client-level views keep the clients whose current branch, salesperson, segment and
    currency (dim_clients) and grade (payment_behavior) are among the chosen ones; views of
    documents also keep only documents in the chosen currencies (see `queries.base`).
    Tuples, so that a Filters is hashable and can be an argument of a cached query.
    """

    branches: tuple[str, ...] = ()
    salespeople: tuple[str, ...] = ()
    currencies: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.branches or self.salespeople or self.currencies or self.segments
                    or self.grades)


@dataclass(frozen=True)
class Selection:
    """The published version to read (for every read of the page), the date to look at, the
    language, the warehouse's reporting currency (of every *_reporting_amount and of the
    client-level marts), the filters and the client the user chose."""

    database: PublishedDatabase
    published_as_of: date
    as_of: date
    language: str
    reporting_currency: str
    filters: Filters = field(default_factory=Filters)
    client_id: str | None = None

    @property
    def aging_as_of(self) -> date | None:
        """The `as_of` argument of the aging queries: None while the user looks at the
        warehouse's own as-of date (marts.ar_aging), else the chosen date."""
        return None if self.as_of == self.published_as_of else self.as_of

    @property
    def is_published_date(self) -> bool:
        """The marts that exist only at the warehouse's as-of date (worklist, behaviour,
        forecast) answer for the chosen date only when it is that one."""
        return self.as_of == self.published_as_of


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
