"""The aging page's datasets: one row per client with its buckets, the totals, the aging by
document currency (a client's open instalments are `client_file.open_installments`)."""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import (
    Page,
    cached,
    client_condition,
    clients_at,
    currency_condition,
    page_clause,
    totals_sql,
)
from dashboards.selection import Filters


@cached
def buckets(database: PublishedDatabase) -> pd.DataFrame:
    """marts.aging_buckets in bucket order: bucket_order, column_name, min_days, max_days."""
    sql = """
        select bucket_order, column_name, min_days, max_days
        from marts.aging_buckets
        order by bucket_order
    """
    return database.query(sql, [])


@cached
def client_aging(
    database: PublishedDatabase, as_of: date | None, filters: Filters,
    page: Page | None = None,
) -> pd.DataFrame:
    """One row per client the filters keep, as marts.ar_aging (or ar_aging_at(as_of)) holds
    it: client_id, client_name, branch, salesperson, currency_code, the bucket columns,
    open_balance_amount, overdue_amount, in_dispute_amount, unapplied_cash_amount; largest
    open balance first. Every client, or one `page` of them (how many in all: `totals`'
    client_count)."""
    clients, parameters = clients_at(as_of, filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select * exclude (as_of_date, net_balance_amount)
        from {clients}
        order by open_balance_amount desc, client_name, client_id
        {rows}
    """
    return database.query(sql, [*parameters, *row_parameters])


@cached
def totals(database: PublishedDatabase, as_of: date | None, filters: Filters) -> pd.DataFrame:
    """One row of `base.totals_sql` over the clients the filters keep at `as_of` (the
    overview's cards are the same sum)."""
    clients, parameters = clients_at(as_of, filters)
    return database.query(totals_sql(clients), parameters)


@cached
def currency_totals(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """One row per document currency of marts.ar_aging_by_currency (the warehouse's as-of
    date) over the clients and currencies the filters keep: currency_code,
    open_balance_amount, overdue_amount, in_dispute_amount, unapplied_cash_amount (document
    currency), reporting_currency_code, open_balance_reporting_amount,
    unapplied_cash_reporting_amount, client_count."""
    kept, kept_parameters = client_condition(filters, by_client_currency=False)
    currencies, currency_parameters = currency_condition(filters)
    sql = f"""
        select
            currency_code,
            cast(sum(open_balance_amount) as decimal(18, 2)) as open_balance_amount,
            cast(sum(overdue_amount) as decimal(18, 2)) as overdue_amount,
            cast(sum(in_dispute_amount) as decimal(18, 2)) as in_dispute_amount,
            cast(sum(unapplied_cash_amount) as decimal(18, 2)) as unapplied_cash_amount,
            min(reporting_currency_code) as reporting_currency_code,
            cast(sum(open_balance_reporting_amount) as decimal(18, 2))
                as open_balance_reporting_amount,
            cast(sum(unapplied_cash_reporting_amount) as decimal(18, 2))
                as unapplied_cash_reporting_amount,
            count(*) as client_count
        from marts.ar_aging_by_currency
        where {kept} and {currencies}
        group by currency_code
        order by currency_code
    """
    return database.query(sql, [*kept_parameters, *currency_parameters])


@cached
def client_currency_aging(
    database: PublishedDatabase, filters: Filters,
    page: Page | None = None,
) -> pd.DataFrame:
    """One row per client and document currency of marts.ar_aging_by_currency that the
    filters keep: client_id, client_name, currency_code, the bucket columns,
    open_balance_amount, overdue_amount, in_dispute_amount, unapplied_cash_amount,
    reporting_currency_code, open_balance_reporting_amount; by currency, then largest first.
    Every row, or one `page` of them (how many in all: the sum of `currency_totals`'
    client_count)."""
    kept, kept_parameters = client_condition(filters, by_client_currency=False)
    currencies, currency_parameters = currency_condition(filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select * exclude (as_of_date, branch, salesperson, net_balance_amount,
                          unapplied_cash_reporting_amount, net_balance_reporting_amount)
        from marts.ar_aging_by_currency
        where {kept} and {currencies}
        order by currency_code, open_balance_amount desc, client_name, client_id
        {rows}
    """
    return database.query(sql, [*kept_parameters, *currency_parameters, *row_parameters])
