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

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboards.db import PublishedDatabase
from dashboards.selection import Filters

PAGE_ROWS = 1000
"""Rows of a long list a page reads and shows at once (dashboards.tables.page_number picks
which): at L a list of every client is ~100,000 rows, and turning them into Decimals costs
~0.6 s where a page of them costs ~7 ms. The demo's lists (at most 594 rows) fit one page.
The downloads read every row, on the click."""


@dataclass(frozen=True)
class Page:
    """The rows of an ordered list a page shows: the 0-based `number` of pages of `size`."""

    number: int
    size: int


def page_clause(page: Page | None) -> tuple[str, list[object]]:
    """`limit ? offset ?` reading `page` of an ordered query, and its parameters; no clause
    (every row) when `page` is None."""
    if page is None:
        return "", []
    return "limit ? offset ?", [page.size, page.number * page.size]


cached = st.cache_data(
    show_spinner=False,
    hash_funcs={PublishedDatabase: lambda database: database.identity},
)


def clients_at(as_of: date | None, filters: Filters = Filters()) -> tuple[str, list[object]]:
    """The relation with one row per client at `as_of` that the filters keep, and the
    parameters it takes."""
    source, parameters = ("marts.ar_aging", []) if as_of is None else ("marts.ar_aging_at(?)", [as_of])
    kept, kept_parameters = client_condition(filters)
    return f"(select * from {source} where {kept})", [*parameters, *kept_parameters]


def monthly_clients(filters: Filters = Filters()) -> tuple[str, list[object]]:
    """marts.ar_aging_monthly (one row per month end and client) restricted to the clients
    the filters keep, and its parameters."""
    kept, kept_parameters = client_condition(filters)
    return f"(select * from marts.ar_aging_monthly where {kept})", kept_parameters


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


def bucket_totals_sql(clients: str) -> str:
    """One row per aging bucket of marts.aging_buckets, in bucket order, summing a relation of
    client balances (`clients_at`, or one client of it): bucket_order, column_name, min_days,
    max_days, amount (0 for an empty bucket). The overview's chart and a client's statement
    are this one sum."""
    # The columns summed before they are unpivoted: one row instead of one per client
    # (at L half the CPU of the overview's current aging).
    summed = f"(select sum(columns('_amount$')) from {clients} as kept)"
    return f"""
        with {bucket_amounts(summed)}
        select
            buckets.bucket_order,
            buckets.column_name,
            buckets.min_days,
            buckets.max_days,
            cast(coalesce(sum(bucket_amounts.amount), 0) as decimal(18, 2)) as amount
        from marts.aging_buckets as buckets
        left join bucket_amounts on bucket_amounts.column_name = buckets.column_name
        group by buckets.bucket_order, buckets.column_name, buckets.min_days, buckets.max_days
        order by buckets.bucket_order
    """


def client_condition(
    filters: Filters, column: str = "client_id", *, by_client_currency: bool = True
) -> tuple[str, list[object]]:
    """A SQL condition keeping the rows whose `column` is a client the filters keep, and its
    parameters: current branch, salesperson, segment, currency (dim_clients) and grade
    (payment_behavior) among the chosen values. 'true' when nothing is chosen.

    Views of documents pass by_client_currency=False and filter the document's own
    currency with currency_condition instead."""
    dimensions = {
        "clients.branch": filters.branches,
        "clients.salesperson": filters.salespeople,
        "clients.segment": filters.segments,
        "clients.currency_code": filters.currencies if by_client_currency else (),
        "behavior.grade": filters.grades,
    }
    chosen = {name: values for name, values in dimensions.items() if values}
    if not chosen:
        return "true", []
    conditions = " and ".join(f"{name} in ({_placeholders(values)})" for name, values in chosen.items())
    sql = f"""{column} in (
        select clients.client_id
        from marts.dim_clients as clients
        left join marts.payment_behavior as behavior on behavior.client_id = clients.client_id
        where clients.is_current and {conditions}
    )"""
    return sql, [value for values in chosen.values() for value in values]


def filters_dimension(filters: Filters) -> tuple[str, str] | None:
    """The (dimension_type, dimension_value) of the marts kept per dimension (ar_totals,
    ar_kpis_monthly) that answers for the filters: nothing chosen is ('company', 'all'), one
    value of one dimension is that value; None for any other choice."""
    chosen = [
        (dimension_type, values)
        for dimension_type, values in (
            ("branch", filters.branches), ("salesperson", filters.salespeople),
            ("segment", filters.segments), ("currency", filters.currencies),
            ("grade", filters.grades),
        )
        if values
    ]
    if not chosen:
        return "company", "all"
    if len(chosen) == 1 and len(chosen[0][1]) == 1:
        return chosen[0][0], chosen[0][1][0]
    return None


def currency_condition(filters: Filters, column: str = "currency_code") -> tuple[str, list[object]]:
    """A SQL condition keeping the rows of documents in the chosen currencies ('true' when
    none is chosen), and its parameters; for views of documents, beside client_condition."""
    if not filters.currencies:
        return "true", []
    return f"{column} in ({_placeholders(filters.currencies)})", list(filters.currencies)


def _placeholders(values: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in values)


def totals_sql(clients: str) -> str:
    """One row summing a relation of client balances (`clients_at`): currency_code,
    open_balance_amount, overdue_amount, overdue_share (of the open balance, a fraction; 0
    when nothing is open), in_dispute_amount, unapplied_cash_amount, client_count. The
    overview's cards and the aging page's totals are this one sum."""
    return f"""
        select
            min(currency_code) as currency_code,
            cast(coalesce(sum(open_balance_amount), 0) as decimal(18, 2)) as open_balance_amount,
            cast(coalesce(sum(overdue_amount), 0) as decimal(18, 2)) as overdue_amount,
            coalesce(
                cast(sum(overdue_amount) as double)
                / nullif(cast(sum(open_balance_amount) as double), 0),
                0
            ) as overdue_share,
            cast(coalesce(sum(in_dispute_amount), 0) as decimal(18, 2)) as in_dispute_amount,
            cast(coalesce(sum(unapplied_cash_amount), 0) as decimal(18, 2))
                as unapplied_cash_amount,
            count(*) as client_count
        from {clients}
    """
