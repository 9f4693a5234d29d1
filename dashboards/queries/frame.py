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
        -- Distinct before the union: the union's own distinct took every document's row
        -- (at L 7.5 M rows, ~90 ms of CPU for the query; ~30 with this).
        select 'currency', currency_code from (select distinct currency_code from marts.fct_documents)
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
    """marts.source_freshness, by source and part: source (raw.file_registry's entity),
    part (a bank account for bank statements; '' otherwise), newest_data_date,
    newest_file_name (the file that brought that date) and newest_file_loaded_at (NULL
    when the registry holds no load of it)."""
    sql = """
        select source, part, newest_data_date, newest_file_name, newest_file_loaded_at
        from marts.source_freshness
        order by source, part
    """
    return database.query(sql, [])
