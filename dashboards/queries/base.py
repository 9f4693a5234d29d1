"""What every query module shares: the per-version cache and the relations of client balances.

The query modules (one per page, plus `frame` for what the entrypoint reads) are the only
code that names tables. One function per dataset. Values travel as `?` parameters; the only
text put into SQL is a relation chosen here. Results are cached per published version: the
cache key holds the file identity of the database they were read from, so a new publish is
never answered from an old one. Business rules stay in the marts; the query modules hold only
sums and shares of what they give.

`as_of` in the aging functions: None reads `marts.ar_aging` (the warehouse's own as-of date);
a date reads `marts.ar_aging_at(as_of)`.
"""

from datetime import date

import streamlit as st

from dashboards.db import PublishedDatabase

cached = st.cache_data(
    show_spinner=False,
    hash_funcs={PublishedDatabase: lambda database: database.identity},
)


def clients_at(as_of: date | None) -> tuple[str, list[object]]:
    """The relation with one row per client at `as_of`, and the parameters it takes."""
    if as_of is None:
        return "marts.ar_aging", []
    return "marts.ar_aging_at(?)", [as_of]


def bucket_amounts(clients: str) -> str:
    """CTE `bucket_amounts`: the *_amount columns of `clients` as (column_name, amount) rows.

    Joined to marts.aging_buckets on column_name, only the bucket columns remain: the bucket
    columns are read from that table, never named here.
    """
    return f"""
        bucket_amounts as (
            unpivot (select * from {clients})
            on columns('_amount$')
            into name column_name value amount
        )
    """
