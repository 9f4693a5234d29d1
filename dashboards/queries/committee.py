"""The credit committee's datasets: the review queue, one client's card, the limits the
bookkeeper must copy into the invoicing system, and the exposure history the meeting
pack draws. Everything at the warehouse's own as-of date (credit_limits has no other).

The figures a card shows are credit_limits' columns (the reasons' and the rationale's
codes and figures included: dashboards/credit_texts.py writes the sentences), with the
client's overdue and disputed amounts from ar_aging."""

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import Page, cached, client_condition, page_clause
from dashboards.selection import Filters

BY_URGENCY = "urgency"
BY_EXPOSURE = "exposure"
# The two orders of the queue. Urgency: in breach first, the longest breach first, then
# the clients with more reasons, then the larger exposure.
_ORDERS = {
    BY_URGENCY: """
        cards.is_in_breach desc, cards.days_in_breach desc nulls last,
        length(cards.review_reasons) - length(replace(cards.review_reasons, ',', '')) desc,
        cards.exposure_amount desc, cards.client_id""",
    BY_EXPOSURE: "cards.exposure_amount desc, cards.client_id",
}

_CARDS = """
    select
        limits.*,
        cast(coalesce(aging.overdue_amount, 0) as decimal(18, 2)) as overdue_amount,
        cast(coalesce(aging.in_dispute_amount, 0) as decimal(18, 2)) as in_dispute_amount
    from marts.credit_limits as limits
    left join marts.ar_aging as aging on aging.client_id = limits.client_id
"""


# What the queue shows and its reasons read (credit_texts.review_reasons). The meeting
# pack reads every card column (review_cards), only when it is downloaded: at 10,000
# clients turning the cards' 22 money columns into Decimals cost 4x the query itself.
_QUEUE_COLUMNS = """
    cards.client_id, cards.client_name, cards.branch, cards.salesperson, cards.exposure_amount,
    cards.credit_limit_reporting_amount, cards.utilisation_pct, cards.days_in_breach,
    cards.review_reasons, cards.months_since_review, cards.review_months, cards.next_review_date,
    cards.grade, cards.previous_grade, cards.revenue_share_pct, cards.ar_share_pct"""


def _queue(
    database: PublishedDatabase, filters: Filters, order: str, columns: str, page: Page | None = None
) -> pd.DataFrame:
    kept, parameters = client_condition(filters, "cards.client_id")
    rows, row_parameters = page_clause(page)
    sql = f"""
        select {columns}
        from ({_CARDS}) as cards
        where cards.is_review_due and {kept}
        order by {_ORDERS[order]}
        {rows}
    """
    return database.query(sql, [*parameters, *row_parameters])


@cached
def review_queue(
    database: PublishedDatabase, filters: Filters, order: str = BY_URGENCY, page: Page | None = None
) -> pd.DataFrame:
    """The clients due for review (credit_limits.is_review_due) the filters keep, in
    `order` (BY_URGENCY or BY_EXPOSURE), with what the queue shows and its reasons read:
    client_id, client_name, branch, salesperson, exposure_amount,
    credit_limit_reporting_amount, utilisation_pct, days_in_breach, review_reasons,
    months_since_review, review_months, next_review_date, grade, previous_grade,
    revenue_share_pct, ar_share_pct. Every client of the queue, or one `page` of them (how
    many in all: `review_count`)."""
    return _queue(database, filters, order, _QUEUE_COLUMNS, page)


@cached
def review_count(database: PublishedDatabase, filters: Filters) -> int:
    """How many clients the queue (`review_queue`) holds."""
    kept, parameters = client_condition(filters)
    sql = f"select count(*) as client_count from marts.credit_limits where is_review_due and {kept}"
    return int(database.query(sql, parameters).iloc[0]["client_count"])


@cached
def review_cards(database: PublishedDatabase, filters: Filters, order: str = BY_URGENCY) -> pd.DataFrame:
    """The clients of `review_queue`, in the same order, with the columns of `client_card`
    (every column of credit_limits plus overdue_amount and in_dispute_amount, ar_aging; 0
    when nothing is open): the meeting pack's pages."""
    return _queue(database, filters, order, "cards.*")


@cached
def client_card(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """One row (none for an unknown client) with the columns of `review_cards`, due for
    review or not: the committee may decide on any client."""
    return database.query(f"select cards.* from ({_CARDS}) as cards where cards.client_id = ?", [client_id])


@cached
def limit_mismatches(database: PublishedDatabase) -> pd.DataFrame:
    """The bookkeeper's list: clients whose committee limit the invoicing system does not
    carry yet (credit_limits.has_erp_limit_mismatch), by name: client_id, client_name,
    erp_credit_limit_amount, erp_credit_limit_currency_code, credit_limit_amount,
    credit_limit_currency_code, limit_decision, limit_decision_date."""
    sql = """
        select
            client_id, client_name, erp_credit_limit_amount, erp_credit_limit_currency_code,
            credit_limit_amount, credit_limit_currency_code, limit_decision, limit_decision_date
        from marts.credit_limits
        where has_erp_limit_mismatch
        order by client_name, client_id
    """
    return database.query(sql, [])


@cached
def exposure_history(database: PublishedDatabase, client_ids: tuple[str, ...], months: int = 12) -> pd.DataFrame:
    """Open balance at each of the last `months` month ends up to the as-of date, per client
    of `client_ids` (0 at a month end it owed nothing): client_id, as_of_date,
    open_balance_amount; by client, then date."""
    if not client_ids:
        return pd.DataFrame(columns=["client_id", "as_of_date", "open_balance_amount"])
    placeholders = ", ".join("?" for _ in client_ids)
    sql = f"""
        with month_ends as (
            select distinct as_of_date from marts.ar_aging_monthly
            where as_of_date <= (select max(as_of_date) from marts.credit_limits)
            order by as_of_date desc
            limit ?
        ),
        chosen as (
            select client_id from marts.credit_limits where client_id in ({placeholders})
        )
        select
            chosen.client_id,
            month_ends.as_of_date,
            cast(coalesce(monthly.open_balance_amount, 0) as decimal(18, 2)) as open_balance_amount
        from chosen
        cross join month_ends
        left join marts.ar_aging_monthly as monthly
            on monthly.client_id = chosen.client_id and monthly.as_of_date = month_ends.as_of_date
        order by chosen.client_id, month_ends.as_of_date
    """
    return database.query(sql, [months, *client_ids])
