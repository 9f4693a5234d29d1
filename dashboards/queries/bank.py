"""The bank reconciliation page's datasets: the per-account tie-out, incoming lines by rule
and confidence with the straight-through share (both summed at the build), lines nobody
registered with their suggested documents, and receipts registered but not seen in the
bank, by age.

The bank marts answer at the warehouse's as-of date only. The accounts, rules and
straight-through share are the company's; the lists of lines and receipts honour the
sidebar's filters by their client (a line whose payer is unknown is left out when a client
filter is chosen) and currency.
"""

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import Page, cached, client_condition, currency_condition, page_clause
from dashboards.selection import Filters


@cached
def accounts(database: PublishedDatabase) -> pd.DataFrame:
    """One row per bank account (marts.bank_account_reconciliation), by account:
    bank_account, currency_code, statement_count, first_statement_date,
    last_statement_date, opening_balance_amount, lines_amount, closing_balance_amount,
    balance_difference_amount, incoming_amount, registered_applied_amount,
    suggested_amount, unapplied_amount, as_of_date."""
    sql = """
        select
            bank_account, currency_code, statement_count,
            cast(first_statement_date as date) as first_statement_date,
            cast(last_statement_date as date) as last_statement_date,
            opening_balance_amount, lines_amount, closing_balance_amount,
            balance_difference_amount, incoming_amount, registered_applied_amount,
            suggested_amount, unapplied_amount,
            cast(as_of_date as date) as as_of_date
        from marts.bank_account_reconciliation
        order by bank_account
    """
    return database.query(sql, [])


@cached
def lines_by_rule(database: PublishedDatabase) -> pd.DataFrame:
    """One row per cash-application rule and confidence, in rule order
    (marts.cash_application_rules): rule_order, match_rule, confidence (fraction; null for
    the unapplied rest), line_count (distinct lines with a row of it), amount (applied, or
    unapplied for the rest), currency_code (of the lines; one reporting-currency account
    set is the rule)."""
    sql = """
        select
            rule_order,
            match_rule,
            cast(confidence as double) as confidence,
            line_count,
            amount,
            currency_code
        from marts.cash_application_rules
        order by rule_order, confidence desc nulls last
    """
    return database.query(sql, [])


@cached
def straight_through(database: PublishedDatabase) -> pd.DataFrame:
    """One row: line_count (incoming lines), straight_through_count, straight_through_share
    (of the lines; 0 without lines), line_amount, straight_through_amount,
    straight_through_amount_share (of the money). Which lines are straight through:
    marts.cash_application_straight_through."""
    sql = """
        select
            line_count,
            straight_through_count,
            coalesce(cast(straight_through_count as double) / nullif(line_count, 0), 0)
                as straight_through_share,
            line_amount,
            straight_through_amount,
            coalesce(
                cast(straight_through_amount as double) / nullif(cast(line_amount as double), 0), 0
            ) as straight_through_amount_share
        from marts.cash_application_straight_through
    """
    return database.query(sql, [])


def _unregistered_condition(filters: Filters) -> tuple[str, list[object]]:
    """The incoming lines no receipt explains that the filters keep, on `lines`."""
    clients, client_parameters = client_condition(filters, "lines.client_id", by_client_currency=False)
    currencies, currency_parameters = currency_condition(filters, "lines.currency_code")
    condition = f"lines.reconciliation_status = 'in_bank_not_registered' and {clients} and {currencies}"
    return condition, [*client_parameters, *currency_parameters]


@cached
def unregistered_lines(database: PublishedDatabase, filters: Filters, page: Page | None = None) -> pd.DataFrame:
    """Incoming lines no receipt explains (marts.bank_reconciliation in_bank_not_registered),
    newest first: bank_line_id, bank_account, booking_date, value_date, currency_code,
    line_amount, client_id, client_name (the payer when known), suggested_document_number,
    suggested_rule, suggested_confidence (fraction), suggested_documents. Every line, or one
    `page` of them (how many in all: `unregistered_count`)."""
    condition, parameters = _unregistered_condition(filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select
            lines.bank_line_id,
            lines.bank_account,
            lines.booking_date,
            lines.value_date,
            lines.currency_code,
            lines.line_amount,
            lines.client_id,
            clients.legal_name as client_name,
            lines.suggested_document_number,
            lines.suggested_rule,
            cast(lines.suggested_confidence as double) as suggested_confidence,
            lines.suggested_documents
        from marts.bank_reconciliation as lines
        left join marts.dim_clients as clients
            on clients.client_id = lines.client_id and clients.is_current
        where {condition}
        order by lines.booking_date desc, lines.bank_line_id
        {rows}
    """
    return database.query(sql, [*parameters, *row_parameters])


@cached
def unregistered_count(database: PublishedDatabase, filters: Filters) -> int:
    """How many lines `unregistered_lines` holds."""
    condition, parameters = _unregistered_condition(filters)
    sql = f"select count(*) as line_count from marts.bank_reconciliation as lines where {condition}"
    return int(database.query(sql, parameters).iloc[0]["line_count"])


@cached
def unseen_receipts_by_age(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """Receipts registered but not in the bank (registered_not_in_bank), one row per age
    band in age order: unseen_age_band, receipt_count, receipt_amount."""
    clients, client_parameters = client_condition(filters, "client_id", by_client_currency=False)
    currencies, currency_parameters = currency_condition(filters, "currency_code")
    sql = f"""
        select
            unseen_age_band,
            count(*) as receipt_count,
            cast(sum(receipt_amount) as decimal(18, 2)) as receipt_amount
        from marts.bank_reconciliation
        where reconciliation_status = 'registered_not_in_bank'
            and {clients}
            and {currencies}
        group by unseen_age_band
        order by min(days_unseen)
    """
    return database.query(sql, [*client_parameters, *currency_parameters])


@cached
def unseen_receipts(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """Those receipts, oldest first: receipt_id, client_id, client_name, payment_method,
    receipt_date, days_unseen, unseen_age_band, currency_code, receipt_amount."""
    clients, client_parameters = client_condition(filters, "receipts.client_id", by_client_currency=False)
    currencies, currency_parameters = currency_condition(filters, "receipts.currency_code")
    sql = f"""
        select
            receipts.receipt_id,
            receipts.client_id,
            clients.legal_name as client_name,
            receipts.payment_method,
            receipts.receipt_date,
            receipts.days_unseen,
            receipts.unseen_age_band,
            receipts.currency_code,
            receipts.receipt_amount
        from marts.bank_reconciliation as receipts
        left join marts.dim_clients as clients
            on clients.client_id = receipts.client_id and clients.is_current
        where receipts.reconciliation_status = 'registered_not_in_bank'
            and {clients}
            and {currencies}
        order by receipts.days_unseen desc, receipts.receipt_id
    """
    return database.query(sql, [*client_parameters, *currency_parameters])
