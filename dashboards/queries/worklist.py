"""The collections worklist's datasets (marts at the warehouse's as-of date): the actions
due by ladder step, the disputed items apart, and the clients up to date with credit left."""

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import Page, cached, client_condition, currency_condition, page_clause
from dashboards.selection import Filters

_LADDER_LABELS = {"es": "label_es", "en": "label_en"}
"""The dunning ladder's (seed) label column of each interface language."""


def _document_conditions(filters: Filters, alias: str = "") -> tuple[str, list[object]]:
    """The filters on rows of documents: their client's, and the document currency."""
    prefix = f"{alias}." if alias else ""
    kept, kept_parameters = client_condition(
        filters, f"{prefix}client_id", by_client_currency=False
    )
    currencies, currency_parameters = currency_condition(filters, f"{prefix}currency_code")
    return f"{kept} and {currencies}", [*kept_parameters, *currency_parameters]


def _summary(filters: Filters) -> tuple[str, list[object]]:
    """The worklist's figures by step and for the whole worklist (is_total), for the items
    the filters keep, as marts.collections_worklist_summary holds them for every item:
    that table when no filter is set (summed at the build: counting distinct clients over
    every item was most of the page at L), else summed here the same way."""
    if filters.is_empty:
        return "select * from marts.collections_worklist_summary", []
    conditions, parameters = _document_conditions(filters)
    figures = """
            count(*) as item_count,
            count(distinct client_id) as client_count,
            cast(coalesce(sum(outstanding_reporting_amount), 0) as decimal(18, 2)) as outstanding_reporting_amount,
            count(*) filter (where days_since_action_due = 0) as due_today_count"""
    sql = f"""
        select false as is_total, action_step_order, action_code, {figures}
        from marts.collections_worklist
        where {conditions}
        group by action_step_order, action_code
        union all
        select true, null, null, {figures}
        from marts.collections_worklist
        where {conditions}
    """
    return sql, [*parameters, *parameters]


@cached
def steps(database: PublishedDatabase, filters: Filters, language: str) -> pd.DataFrame:
    """One row per ladder step with actions due, in ladder order: action_step_order,
    action_code, action_label (in `language`), item_count, client_count,
    outstanding_reporting_amount, due_today_count (the step fell due on the as-of date).
    Items with no step due yet (issued on the as-of date) are step NULL, last."""
    summary, parameters = _summary(filters)
    sql = f"""
        select
            summary.action_step_order,
            summary.action_code,
            ladder.{_LADDER_LABELS[language]} as action_label,
            summary.item_count,
            summary.client_count,
            summary.outstanding_reporting_amount,
            summary.due_today_count
        from ({summary}) as summary
        left join staging.dunning_ladder as ladder on ladder.action_code = summary.action_code
        where not summary.is_total
        order by summary.action_step_order nulls last
    """
    return database.query(sql, parameters)


@cached
def totals(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """One row over the worklist's items the filters keep: item_count, client_count,
    outstanding_reporting_amount, due_today_count."""
    summary, parameters = _summary(filters)
    sql = f"""
        select item_count, client_count, outstanding_reporting_amount, due_today_count
        from ({summary}) as summary
        where summary.is_total
    """
    return database.query(sql, parameters)


@cached
def actions(
    database: PublishedDatabase, filters: Filters, language: str, step_order: int,
    page: Page | None = None,
) -> pd.DataFrame:
    """The worklist's items at one ladder step, most overdue first: client_id, client_name,
    salesperson, branch, email, phone, document_number, installment_no, due_date,
    days_past_due, currency_code, outstanding_amount, outstanding_reporting_amount,
    action_due_date, days_since_action_due, next_action_label (in `language`; NULL after
    the last step), next_action_date. Every item of the step, or one `page` of them (how
    many in all: the step's item_count, `steps`)."""
    conditions, parameters = _document_conditions(filters, "worklist")
    rows, row_parameters = page_clause(page)
    if page is not None and filters.is_empty:
        # The mart's step_position is this order over every item: the page is a range of
        # it, which the table's storage order lets DuckDB read without sorting the step.
        conditions = "worklist.step_position > ? and worklist.step_position <= ?"
        parameters = [page.number * page.size, (page.number + 1) * page.size]
        rows, row_parameters = "", []
    ladder_label = _LADDER_LABELS[language]
    sql = f"""
        select
            worklist.client_id,
            worklist.client_name,
            worklist.salesperson,
            worklist.branch,
            worklist.email,
            worklist.phone,
            worklist.document_number,
            worklist.installment_no,
            worklist.due_date,
            worklist.days_past_due,
            worklist.currency_code,
            worklist.outstanding_amount,
            worklist.outstanding_reporting_amount,
            worklist.action_due_date,
            worklist.days_since_action_due,
            next_step.{ladder_label} as next_action_label,
            worklist.next_action_date
        from marts.collections_worklist as worklist
        left join staging.dunning_ladder as next_step
            on next_step.action_code = worklist.next_action_code
        where worklist.action_step_order = ? and {conditions}
        order by worklist.days_past_due desc, worklist.client_name, worklist.document_number,
            worklist.installment_no, worklist.installment_key
        {rows}
    """
    return database.query(sql, [step_order, *parameters, *row_parameters])


@cached
def disputed(database: PublishedDatabase, filters: Filters, page: Page | None = None) -> pd.DataFrame:
    """marts.disputed_items the filters keep, oldest first: client_id, client_name,
    salesperson, branch, email, phone, document_number, issue_date, due_date, currency_code,
    total_amount, outstanding_amount, outstanding_reporting_amount, dispute_reason,
    days_since_issue, days_past_due. Every item, or one `page` of them (how many in all:
    `disputed_count`)."""
    conditions, parameters = _document_conditions(filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select
            client_id, client_name, salesperson, branch, email, phone, document_number,
            issue_date, due_date, currency_code, total_amount, outstanding_amount,
            outstanding_reporting_amount, dispute_reason, days_since_issue, days_past_due
        from marts.disputed_items
        where {conditions}
        order by days_since_issue desc, client_name, document_number, document_id
        {rows}
    """
    return database.query(sql, [*parameters, *row_parameters])


@cached
def disputed_count(database: PublishedDatabase, filters: Filters) -> int:
    """How many items `disputed` holds."""
    conditions, parameters = _document_conditions(filters)
    sql = f"select count(*) as item_count from marts.disputed_items where {conditions}"
    return int(database.query(sql, parameters).iloc[0]["item_count"])


@cached
def clients_al_dia(database: PublishedDatabase, filters: Filters, page: Page | None = None) -> pd.DataFrame:
    """marts.clients_al_dia the filters keep, most available credit first: client_id,
    client_name, segment, salesperson, branch, email, phone, credit_limit_reporting_amount,
    exposure_amount, available_credit_amount, revenue_12m_amount, last_sale_date,
    days_since_last_sale. Every client, or one `page` of them (how many in all:
    `al_dia_count`)."""
    kept, parameters = client_condition(filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select
            client_id, client_name, segment, salesperson, branch, email, phone,
            credit_limit_reporting_amount, exposure_amount, available_credit_amount,
            revenue_12m_amount, last_sale_date, days_since_last_sale
        from marts.clients_al_dia
        where {kept}
        order by available_credit_amount desc, client_name, client_id
        {rows}
    """
    return database.query(sql, [*parameters, *row_parameters])


@cached
def al_dia_count(database: PublishedDatabase, filters: Filters) -> int:
    """How many clients `clients_al_dia` holds."""
    kept, parameters = client_condition(filters)
    sql = f"select count(*) as client_count from marts.clients_al_dia where {kept}"
    return int(database.query(sql, parameters).iloc[0]["client_count"])
