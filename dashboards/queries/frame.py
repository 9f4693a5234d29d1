"""What the entrypoint reads before any page: the published as-of date."""

from datetime import date

from dashboards.db import PublishedDatabase
from dashboards.queries.base import cached


@cached
def published_as_of(database: PublishedDatabase) -> date | None:
    """The as-of date of the published aging (None if the mart is empty)."""
    frame = database.query("select max(as_of_date) as as_of_date from marts.ar_aging", [])
    return frame.iloc[0]["as_of_date"]
