"""The concentration page's datasets: marts.client_concentration, concentration_summary and
concentration_classes."""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import Page, cached, client_condition, page_clause
from dashboards.selection import Filters


@cached
def period_ends(database: PublishedDatabase, period_type: str, until: date) -> list[date]:
    """The period ends of `period_type` in concentration_summary up to `until`, latest first."""
    sql = """
        select period_end
        from marts.concentration_summary
        where period_type = ? and period_end <= ?
        order by period_end desc
    """
    return list(database.query(sql, [period_type, until])["period_end"])


@cached
def summary(database: PublishedDatabase, period_type: str, period_end: date) -> pd.DataFrame:
    """The period's row of marts.concentration_summary: period_start, period_end,
    client_count, currency_code, total_net_revenue_amount, top1_share_pct, top5_share_pct,
    top10_share_pct, hhi, hhi_change; empty when there is none."""
    sql = """
        select
            period_start, period_end, client_count, currency_code, total_net_revenue_amount,
            top1_share_pct, top5_share_pct, top10_share_pct, hhi, hhi_change
        from marts.concentration_summary
        where period_type = ? and period_end = ?
    """
    return database.query(sql, [period_type, period_end])


@cached
def history(database: PublishedDatabase, period_type: str, until: date) -> pd.DataFrame:
    """Every period of `period_type` up to `until`, oldest first: period_end,
    top1_share_pct, top5_share_pct, top10_share_pct, hhi (NULL shares for a period without
    revenue)."""
    sql = """
        select period_end, top1_share_pct, top5_share_pct, top10_share_pct, hhi
        from marts.concentration_summary
        where period_type = ? and period_end <= ?
        order by period_end
    """
    return database.query(sql, [period_type, until])


PARETO_TOP = 100
"""Clients the Pareto chart draws one by one, largest first."""
PARETO_POINTS = 400
"""About how many more ranks the chart draws past them, evenly spaced to the last."""

_COLUMNS = """
    revenue_rank, client_id, client_name, net_revenue_amount, revenue_share_pct,
    cumulative_share_pct, abc_class"""


@cached
def clients(
    database: PublishedDatabase, period_type: str, period_end: date, filters: Filters,
    page: Page | None = None,
) -> pd.DataFrame:
    """The period's clients, by rank (largest first): revenue_rank, client_id, client_name,
    net_revenue_amount, revenue_share_pct, cumulative_share_pct, abc_class. Shares are of
    the whole company's revenue; the filters only choose which clients are listed. Every
    client, or one `page` of them (how many in all: `client_count`)."""
    kept, kept_parameters = client_condition(filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select {_COLUMNS}
        from marts.client_concentration
        where period_type = ? and period_end = ? and {kept}
        order by revenue_rank
        {rows}
    """
    return database.query(sql, [period_type, period_end, *kept_parameters, *row_parameters])


@cached
def client_count(database: PublishedDatabase, period_type: str, period_end: date, filters: Filters) -> int:
    """How many clients `clients` lists."""
    kept, kept_parameters = client_condition(filters)
    sql = f"""
        select count(*) as client_count from marts.client_concentration
        where period_type = ? and period_end = ? and {kept}
    """
    return int(database.query(sql, [period_type, period_end, *kept_parameters]).iloc[0]["client_count"])


@cached
def pareto_points(
    database: PublishedDatabase, period_type: str, period_end: date,
    top: int = PARETO_TOP, points: int = PARETO_POINTS,
) -> pd.DataFrame:
    """The rows of `clients` (every client of the period, no filter) the Pareto chart draws,
    by rank: the first `top`, every k-th rank after them (k = the period's client count
    divided by `points`, rounded up), and each ABC class's last client (the first rank is
    the largest client, the last rank's cumulative share is 100 %). At most top + points +
    3 rows, each the mart's row as it is: at L a period has ~94,000 clients, which the
    chart cannot tell apart and which cost ~190 ms of CPU to read. A period of at most
    top + points clients is read whole."""
    sql = f"""
        with period as (
            select revenue_rank, abc_class from marts.client_concentration
            where period_type = ? and period_end = ?
        ),
        step as (select greatest(1, cast(ceil((count(*) - ?) / ?) as bigint)) as every from period),
        shown as (
            select revenue_rank from period
            where revenue_rank <= ? or (revenue_rank - ?) % (select every from step) = 0
            union
            select max(revenue_rank) from period group by abc_class
        )
        select {_COLUMNS}
        from marts.client_concentration
        where period_type = ? and period_end = ? and revenue_rank in (select revenue_rank from shown)
        order by revenue_rank
    """
    return database.query(sql, [period_type, period_end, top, points, top, top, period_type, period_end])


@cached
def classes(database: PublishedDatabase, period_type: str, period_end: date) -> pd.DataFrame:
    """One row per ABC class of the period (marts.concentration_classes), A first:
    abc_class, client_count, net_revenue_amount, revenue_share_pct (0-100)."""
    sql = """
        select abc_class, client_count, net_revenue_amount, revenue_share_pct
        from marts.concentration_classes
        where period_type = ? and period_end = ?
        order by abc_class
    """
    return database.query(sql, [period_type, period_end])
