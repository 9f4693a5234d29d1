"""The overview page's datasets: totals, aging now and at month ends, most overdue clients."""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import (
    bucket_amounts,
    bucket_totals_sql,
    cached,
    client_condition,
    clients_at,
    currency_condition,
    filters_dimension,
    monthly_clients,
    totals_sql,
)
from dashboards.selection import Filters


@cached
def receivable_totals(
    database: PublishedDatabase, as_of: date | None, filters: Filters
) -> pd.DataFrame:
    """One row of `base.totals_sql` over the clients the filters keep at `as_of`."""
    clients, parameters = clients_at(as_of, filters)
    return database.query(totals_sql(clients), parameters)


@cached
def current_aging(
    database: PublishedDatabase, as_of: date | None, filters: Filters
) -> pd.DataFrame:
    """One row per aging bucket, in bucket order: bucket_order, column_name, min_days,
    max_days, amount (summed over clients; 0 for an empty bucket)."""
    clients, parameters = clients_at(as_of, filters)
    return database.query(bucket_totals_sql(clients), parameters)


@cached
def aging_history(database: PublishedDatabase, filters: Filters, until: date) -> pd.DataFrame:
    """One row per month end per aging bucket, by month end then bucket order: month_end,
    bucket_order, column_name, min_days, max_days, amount (summed over the clients the
    filters keep; every month end of the mart up to `until`, 0 when none of them had
    anything).

    marts.ar_totals holds each month end's bucket sums for the company and each single
    branch, salesperson, segment, currency and grade; other combinations of filters sum
    the clients' month-end rows (ar_aging_monthly)."""
    dimension = filters_dimension(filters)
    if dimension is not None:
        # The month ends' rows of that dimension (ar_totals also holds the build's date).
        month_totals = """(
            select * from marts.ar_totals
            where dimension_type = ? and dimension_value = ?
                and as_of_date in (select as_of_date from month_ends)
        )"""
        parameters = list(dimension)
    else:
        clients, parameters = monthly_clients(filters)
        # Each month end's columns summed before they are unpivoted: one row per month end
        # instead of one per client (about 15x less CPU at 10,000 clients).
        month_totals = f"(select as_of_date, sum(columns('_amount$')) from {clients} as kept group by as_of_date)"
    sql = f"""
        with
            month_ends as (
                select distinct as_of_date from marts.ar_aging_monthly where as_of_date <= ?
            ),
            {bucket_amounts(month_totals)}
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
    return database.query(sql, [until, *parameters])


@cached
def top_overdue_clients(
    database: PublishedDatabase, as_of: date | None, filters: Filters, limit: int
) -> pd.DataFrame:
    """The `limit` clients with the largest overdue amount, largest first: client_id,
    client_name, branch, overdue_amount, open_balance_amount, overdue_share (of the total
    overdue of all clients)."""
    clients, parameters = clients_at(as_of, filters)
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


@cached
def receivable_change(
    database: PublishedDatabase, as_of: date | None, previous: date, filters: Filters
) -> pd.DataFrame:
    """One row: the change of the cards of `receivable_totals` at `as_of` since `previous`
    (the month end before): open_balance_change, overdue_change, overdue_share_change (in
    fractions of one, 0.012 = 1.2 points), unapplied_cash_change, and previous_client_count
    (0: nothing then, no change to show).

    marts.ar_totals holds them at the warehouse's as-of date and every month end for the
    company and each single branch, salesperson, segment, currency and grade; other dates
    and combinations of filters subtract the month end's client rows (ar_aging_monthly)
    from the totals at `as_of`."""
    dimension = filters_dimension(filters)
    if dimension is not None:
        sql = """
            select open_balance_change, overdue_change, overdue_share_change,
                   unapplied_cash_change, previous_client_count
            from marts.ar_totals
            where as_of_date = coalesce(?, (select max(as_of_date) from marts.ar_totals))
              and previous_month_end = ? and dimension_type = ? and dimension_value = ?
        """
        change = database.query(sql, [as_of, previous, *dimension])
        if not change.empty:
            return change
    now, now_parameters = clients_at(as_of, filters)
    month_end, month_end_parameters = monthly_clients(filters)
    before = f"(select * from {month_end} where as_of_date = ?)"
    sql = f"""
        with
            now as ({totals_sql(now)}),
            before as ({totals_sql(before)})
        select
            cast(now.open_balance_amount - before.open_balance_amount as decimal(18, 2))
                as open_balance_change,
            cast(now.overdue_amount - before.overdue_amount as decimal(18, 2))
                as overdue_change,
            now.overdue_share - before.overdue_share as overdue_share_change,
            cast(now.unapplied_cash_amount - before.unapplied_cash_amount as decimal(18, 2))
                as unapplied_cash_change,
            before.client_count as previous_client_count
        from now cross join before
    """
    return database.query(sql, [*now_parameters, *month_end_parameters, previous])


@cached
def kpi_trend(
    database: PublishedDatabase, until: date, dimension_type: str, dimension_value: str,
    months: int,
) -> pd.DataFrame:
    """The last `months` rows of marts.ar_kpis_monthly up to `until` for one dimension
    (company/all, or one branch, salesperson, segment, currency or grade), oldest first: month_end, currency_code,
    dso_simple, dso_countback, best_possible_dso, average_days_delinquent, cei_pct."""
    sql = """
        select
            month_end, currency_code, dso_simple, dso_countback, best_possible_dso,
            average_days_delinquent, cei_pct
        from (
            select *
            from marts.ar_kpis_monthly
            where month_end <= ? and dimension_type = ? and dimension_value = ?
            order by month_end desc
            limit ?
        )
        order by month_end
    """
    return database.query(sql, [until, dimension_type, dimension_value, months])


@cached
def cash_forecast_weeks(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """The 13 weeks of marts.cash_forecast_weekly in order: week_start_date, week_end_date,
    iso_week, expected_amount, doubtful_amount. With filters, the weeks' amounts are the sums
    of marts.cash_forecast's instalments of the clients (and document currencies) kept."""
    if filters.is_empty:
        sql = """
            select week_start_date, week_end_date, iso_week, expected_amount, doubtful_amount
            from marts.cash_forecast_weekly
            order by week_start_date
        """
        return database.query(sql, [])
    kept, kept_parameters = client_condition(filters, by_client_currency=False)
    currencies, currency_parameters = currency_condition(filters)
    sql = f"""
        with kept as (
            select week_start_date, expected_amount, doubtful_amount
            from marts.cash_forecast
            where {kept} and {currencies}
        )
        select
            weeks.week_start_date,
            weeks.week_end_date,
            weeks.iso_week,
            cast(coalesce(sum(kept.expected_amount), 0) as decimal(18, 2)) as expected_amount,
            cast(coalesce(sum(kept.doubtful_amount), 0) as decimal(18, 2)) as doubtful_amount
        from marts.cash_forecast_weekly as weeks
        left join kept on kept.week_start_date = weeks.week_start_date
        group by weeks.week_start_date, weeks.week_end_date, weeks.iso_week
        order by weeks.week_start_date
    """
    return database.query(sql, [*kept_parameters, *currency_parameters])
