"""The overview page's datasets: totals, aging now and at month ends, most overdue clients."""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import bucket_amounts, cached, clients_at


@cached
def receivable_totals(database: PublishedDatabase, as_of: date | None) -> pd.DataFrame:
    """One row: currency_code, open_balance_amount, overdue_amount, overdue_share (of the
    open balance; 0 when nothing is open), unapplied_cash_amount, client_count."""
    clients, parameters = clients_at(as_of)
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


@cached
def current_aging(database: PublishedDatabase, as_of: date | None) -> pd.DataFrame:
    """One row per aging bucket, in bucket order: bucket_order, column_name, min_days,
    max_days, amount (summed over clients; 0 for an empty bucket)."""
    clients, parameters = clients_at(as_of)
    sql = f"""
        with {bucket_amounts(clients)}
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


@cached
def aging_history(database: PublishedDatabase) -> pd.DataFrame:
    """One row per month end per aging bucket, by month end then bucket order: month_end,
    bucket_order, column_name, min_days, max_days, amount (summed over clients)."""
    sql = f"""
        with
            month_ends as (select distinct as_of_date from marts.ar_aging_monthly),
            {bucket_amounts("marts.ar_aging_monthly")}
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


@cached
def top_overdue_clients(
    database: PublishedDatabase, as_of: date | None, limit: int
) -> pd.DataFrame:
    """The `limit` clients with the largest overdue amount, largest first: client_id,
    client_name, branch, overdue_amount, open_balance_amount, overdue_share (of the total
    overdue of all clients)."""
    clients, parameters = clients_at(as_of)
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
