"""What the entrypoint and every page's frame read: the published as-of date, the filters'
options and the sources' freshness."""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import cached


@cached
def published_as_of(database: PublishedDatabase) -> date | None:
    """The as-of date of the published aging (None if the mart is empty)."""
    frame = database.query("select max(as_of_date) as as_of_date from marts.ar_aging", [])
    return frame.iloc[0]["as_of_date"]


@cached
def reporting_currency(database: PublishedDatabase) -> str | None:
    """The warehouse's reporting currency: the currency of marts.ar_aging (var
    reporting_currency of the build); None when the mart is empty."""
    frame = database.query("select min(currency_code) as currency_code from marts.ar_aging", [])
    return frame.iloc[0]["currency_code"]


@cached
def filter_options(database: PublishedDatabase) -> dict[str, list[str]]:
    """The values each sidebar filter offers, sorted: branch, salesperson, segment and
    currency of the current clients (dim_clients), the currencies of the documents, and
    the grades payment_behavior gives. Keys are the URL parameters of `url_state`."""
    sql = """
        select 'branch' as parameter, branch as value
        from marts.dim_clients where is_current and branch is not null
        union
        select 'salesperson', salesperson
        from marts.dim_clients where is_current and salesperson is not null
        union
        select 'segment', segment
        from marts.dim_clients where is_current and segment is not null
        union
        select 'currency', currency_code
        from marts.dim_clients where is_current and currency_code is not null
        union
        select 'currency', currency_code from marts.fct_documents
        union
        select 'grade', grade from marts.payment_behavior
        order by parameter, value
    """
    frame = database.query(sql, [])
    options = {parameter: [] for parameter in ("branch", "salesperson", "currency", "segment",
                                               "grade")}
    for row in frame.itertuples():
        options[row.parameter].append(row.value)
    return options


@cached
def source_freshness(database: PublishedDatabase) -> pd.DataFrame:
    """One row per source and part (a bank account for bank statements; '' otherwise):
    source (raw.file_registry's entity), part, newest_data_date (the latest date the
    source's data covers), newest_file_name (the file that brought that date, from the
    staging lineage) and newest_file_loaded_at (when raw.file_registry last loaded a file
    of that name; NULL when it holds none)."""
    sql = """
        with
            data_dates as (
                select
                    'documents' as source, '' as part, max(issue_date) as newest_data_date,
                    arg_max(_source_file, issue_date) as newest_file_name
                from staging.stg_invoicing__documents
                union all
                select 'receipts', '', max(receipt_date), arg_max(_source_file, receipt_date)
                from staging.stg_invoicing__receipts
                union all
                select
                    'withholdings', '', max(withholding_date),
                    arg_max(_source_file, withholding_date)
                from staging.stg_invoicing__withholdings
                union all
                select 'fx_rates', '', max(rate_date), arg_max(_source_file, rate_date)
                from staging.stg_fx__rates
                union all
                select
                    'bank_statements', bank_account, max(period_end_date),
                    arg_max(_source_file, period_end_date)
                from staging.stg_bank__statements
                group by bank_account
            ),
            loads as (
                select entity, file_name, max(seen_at) as loaded_at
                from raw.file_registry
                where status = 'loaded'
                group by entity, file_name
            )
        select
            data_dates.source,
            data_dates.part,
            data_dates.newest_data_date,
            data_dates.newest_file_name,
            loads.loaded_at as newest_file_loaded_at
        from data_dates
        left join loads
            on loads.entity = data_dates.source
            and loads.file_name = data_dates.newest_file_name
        where data_dates.newest_data_date is not null
        order by data_dates.source, data_dates.part
    """
    return database.query(sql, [])
