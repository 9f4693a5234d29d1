"""The concentration page's datasets: marts.client_concentration, concentration_summary and
concentration_classes."""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import cached, client_condition
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


@cached
def clients(
    database: PublishedDatabase, period_type: str, period_end: date, filters: Filters
) -> pd.DataFrame:
    """The period's clients, by rank (largest first): revenue_rank, client_id, client_name,
    net_revenue_amount, revenue_share_pct, cumulative_share_pct, abc_class. Shares are of
    the whole company's revenue; the filters only choose which clients are listed."""
    kept, kept_parameters = client_condition(filters)
    sql = f"""
        select
            revenue_rank, client_id, client_name, net_revenue_amount, revenue_share_pct,
            cumulative_share_pct, abc_class
        from marts.client_concentration
        where period_type = ? and period_end = ? and {kept}
        order by revenue_rank
    """
    return database.query(sql, [period_type, period_end, *kept_parameters])


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
