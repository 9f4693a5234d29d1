"""Every read of the published warehouse: the only module that names tables.

One function per dataset. Values travel as `?` parameters; the only text put into SQL is a
relation chosen here. Results are cached per published version: the cache key holds the
file identity of the database they were read from, so a new publish is never answered from
an old one. Business rules stay in the marts; here are only sums and shares of what they give.

`as_of` in the aging functions: None reads `marts.ar_aging` (the warehouse's own as-of date);
a date reads `marts.ar_aging_at(as_of)`.
"""

from datetime import date

import pandas as pd
import streamlit as st

from dashboards.db import PublishedDatabase

_cached = st.cache_data(
    show_spinner=False,
    hash_funcs={PublishedDatabase: lambda database: database.identity},
)


@_cached
def published_as_of(database: PublishedDatabase) -> date | None:
    """The as-of date of the published aging (None if the mart is empty)."""
    frame = database.query("select max(as_of_date) as as_of_date from marts.ar_aging", [])
    return frame.iloc[0]["as_of_date"]


@_cached
def receivable_totals(database: PublishedDatabase, as_of: date | None) -> pd.DataFrame:
    """One row: currency_code, open_balance_amount, overdue_amount, overdue_share (of the
    open balance; 0 when nothing is open), unapplied_cash_amount, client_count."""
    clients, parameters = _clients_at(as_of)
    sql = f"""
        select
            min(currency_code) as currency_code,
            cast(coalesce(sum(open_balance_amount), 0) as decimal(18, 2)) as open_balance_amount,
            cast(coalesce(sum(overdue_amount), 0) as decimal(18, 2)) as overdue_amount,
            coalesce(
                cast(sum(overdue_amount) as double)
                / nullif(cast(sum(open_balance_amount) as double), 0),
                0
            ) as overdue_share,
            cast(coalesce(sum(unapplied_cash_amount), 0) as decimal(18, 2))
                as unapplied_cash_amount,
            count(*) as client_count
        from {clients}
    """
    return database.query(sql, parameters)


@_cached
def current_aging(database: PublishedDatabase, as_of: date | None) -> pd.DataFrame:
    """One row per aging bucket, in bucket order: bucket_order, column_name, min_days,
    max_days, amount (summed over clients; 0 for an empty bucket)."""
    clients, parameters = _clients_at(as_of)
    sql = f"""
        with {_bucket_amounts(clients)}
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
    return database.query(sql, parameters)


@_cached
def aging_history(database: PublishedDatabase) -> pd.DataFrame:
    """One row per month end per aging bucket, by month end then bucket order: month_end,
    bucket_order, column_name, min_days, max_days, amount (summed over clients)."""
    sql = f"""
        with
            month_ends as (select distinct as_of_date from marts.ar_aging_monthly),
            {_bucket_amounts("marts.ar_aging_monthly")}
        select
            month_ends.as_of_date as month_end,
            buckets.bucket_order,
            buckets.column_name,
            buckets.min_days,
            buckets.max_days,
            cast(coalesce(sum(bucket_amounts.amount), 0) as decimal(18, 2)) as amount
        from month_ends
        cross join marts.aging_buckets as buckets
        left join bucket_amounts
            on bucket_amounts.as_of_date = month_ends.as_of_date
            and bucket_amounts.column_name = buckets.column_name
        group by all
        order by month_end, buckets.bucket_order
    """
    return database.query(sql, [])


@_cached
def top_overdue_clients(
    database: PublishedDatabase, as_of: date | None, limit: int
) -> pd.DataFrame:
    """The `limit` clients with the largest overdue amount, largest first: client_id,
    client_name, branch, overdue_amount, open_balance_amount, overdue_share (of the total
    overdue of all clients)."""
    clients, parameters = _clients_at(as_of)
    sql = f"""
        with clients as (
            select
                client_id,
                client_name,
                branch,
                overdue_amount,
                open_balance_amount,
                coalesce(
                    cast(overdue_amount as double)
                    / nullif(cast(sum(overdue_amount) over () as double), 0),
                    0
                ) as overdue_share
            from {clients}
        )
        select *
        from clients
        where overdue_amount > 0
        order by overdue_amount desc, client_name, client_id
        limit ?
    """
    return database.query(sql, [*parameters, limit])


def _clients_at(as_of: date | None) -> tuple[str, list[object]]:
    """The relation with one row per client at `as_of`, and the parameters it takes."""
    if as_of is None:
        return "marts.ar_aging", []
    return "marts.ar_aging_at(?)", [as_of]


def _bucket_amounts(clients: str) -> str:
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
