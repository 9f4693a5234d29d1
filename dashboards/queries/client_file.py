"""The client file's datasets (expediente): search, fiscal data and its history, position,
statement of account, open items, payment history, credit limit and decisions, worklist
actions and disputes; and the statement the client file prints.

`as_of` as in `base`: None reads the warehouse's own as-of date (marts.ar_aging), a date reads
the aging at that date. The statement of account holds every movement up to the
warehouse's as-of date; a period ending earlier reads its running balances at that end.
"""

from datetime import date

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import bucket_totals_sql, cached, clients_at
from dashboards.statement_pdf import Company, Statement

@cached
def search_clients(database: PublishedDatabase, text: str, limit: int) -> pd.DataFrame:
    """Clients whose id, name or tax id, now or in an earlier version, contains `text`
    (case-insensitive; a tax id also without separators), by current name: client_id,
    client_name, tax_id, branch, salesperson, former_names (earlier names and tax ids that
    differ from today's, '; '-joined; null when none)."""
    sql = """
        with matched as (
            select distinct client_id
            from marts.dim_clients
            where contains(lower(client_id), lower(?))
                or contains(lower(legal_name), lower(?))
                or contains(lower(tax_id), lower(?))
                or (
                    length(regexp_replace(?, '[^0-9A-Za-z]', '', 'g')) > 0
                    and contains(
                        normalised_tax_id, upper(regexp_replace(?, '[^0-9A-Za-z]', '', 'g'))
                    )
                )
        ),
        shown as (
            -- the page of matches shown, before their former names are gathered (at L
            -- gathering them for every match cost a third of the search)
            select client_id, legal_name, tax_id, branch, salesperson
            from marts.dim_clients
            where is_current and client_id in (select client_id from matched)
            order by legal_name, client_id
            limit ?
        ),
        former as (
            select
                versions.client_id,
                string_agg(
                    distinct versions.legal_name || ' (' || versions.tax_id || ')', '; '
                    order by versions.legal_name || ' (' || versions.tax_id || ')'
                ) as former_names
            from marts.dim_clients as versions
            inner join shown on shown.client_id = versions.client_id
            where not versions.is_current
                and (versions.legal_name <> shown.legal_name
                     or versions.tax_id <> shown.tax_id)
            group by versions.client_id
        )
        select
            shown.client_id,
            shown.legal_name as client_name,
            shown.tax_id,
            shown.branch,
            shown.salesperson,
            former.former_names
        from shown
        left join former on former.client_id = shown.client_id
        order by shown.legal_name, shown.client_id
    """
    return database.query(sql, [text, text, text, text, text, limit])


@cached
def fiscal_history(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's versions, newest first (marts.dim_clients): version_no, valid_from,
    valid_to, is_current, legal_name, tax_id, tax_id_is_valid, tax_id_check_reason,
    address, country_code, segment, salesperson, branch, payment_terms_days,
    credit_limit_amount, currency_code, email, phone, changed_fields."""
    sql = """
        select
            version_no, valid_from, valid_to, is_current, legal_name, tax_id,
            tax_id_is_valid, tax_id_check_reason, address, country_code, segment,
            salesperson, branch, payment_terms_days, credit_limit_amount, currency_code,
            email, phone, changed_fields
        from marts.dim_clients
        where client_id = ?
        order by version_no desc
    """
    return database.query(sql, [client_id])


@cached
def position(database: PublishedDatabase, client_id: str, as_of: date | None) -> pd.DataFrame:
    """One row (none for an unknown client): the aging at `as_of` (currency_code,
    open_balance_amount, overdue_amount, in_dispute_amount, unapplied_cash_amount,
    net_balance_amount; 0 when nothing is open), and at the warehouse's as-of date the
    credit position (marts.credit_limits: credit_limit_amount, credit_limit_currency_code,
    credit_limit_reporting_amount, available_credit_amount, utilisation_share (fraction),
    is_in_breach, days_in_breach, recommended_limit_amount, review_reasons, last_review_at,
    last_decision) and the grade (marts.payment_behavior: grade, previous_grade, score,
    is_moroso (the reasons: queries.payment_behavior.client_reasons),
    weighted_days_beyond_terms_365, and the score's components score_lateness (of 30),
    score_on_time (20), score_severity (20), score_trend (10), score_overdue (20))."""
    clients, parameters = clients_at(as_of)
    sql = f"""
        with aging as (select * from {clients} where client_id = ?)
        select
            limits.client_id,
            limits.client_name,
            coalesce(aging.currency_code, limits.credit_limit_currency_code) as currency_code,
            coalesce(aging.open_balance_amount, 0) as open_balance_amount,
            coalesce(aging.overdue_amount, 0) as overdue_amount,
            coalesce(aging.in_dispute_amount, 0) as in_dispute_amount,
            coalesce(aging.unapplied_cash_amount, 0) as unapplied_cash_amount,
            coalesce(aging.net_balance_amount, 0) as net_balance_amount,
            limits.credit_limit_amount,
            limits.credit_limit_currency_code,
            limits.credit_limit_reporting_amount,
            limits.available_credit_amount,
            cast(limits.utilisation_pct as double) * 0.01 as utilisation_share,
            limits.is_in_breach,
            limits.days_in_breach,
            limits.recommended_limit_amount,
            limits.review_reasons,
            limits.last_review_at,
            limits.last_decision,
            behaviour.grade,
            behaviour.previous_grade,
            behaviour.score,
            behaviour.is_moroso,
            behaviour.weighted_days_beyond_terms_365,
            behaviour.score_lateness,
            behaviour.score_on_time,
            behaviour.score_severity,
            behaviour.score_trend,
            behaviour.score_overdue
        from marts.credit_limits as limits
        left join aging on aging.client_id = limits.client_id
        left join marts.payment_behavior as behaviour on behaviour.client_id = limits.client_id
        where limits.client_id = ?
    """
    return database.query(sql, [*parameters, client_id, client_id])


@cached
def client_aging(database: PublishedDatabase, client_id: str, as_of: date | None) -> pd.DataFrame:
    """One row per aging bucket, in bucket order: bucket_order, column_name, min_days,
    max_days, amount (the client's, reporting currency; 0 for an empty bucket)."""
    clients, parameters = clients_at(as_of)
    client = f"(select * from {clients} where client_id = ?)"
    return database.query(bucket_totals_sql(client), [*parameters, client_id])


@cached
def statement_balances(
    database: PublishedDatabase, client_id: str, start: date, end: date
) -> pd.DataFrame:
    """One row per currency of the client's statement (marts.statement_of_account), by
    currency: currency_code, opening_balance_amount (running balance of the last movement
    before `start`, 0 if none), closing_balance_amount (of the last movement up to `end`),
    reporting_currency_code."""
    sql = """
        select
            currency_code,
            coalesce(
                arg_max(running_balance_amount, movement_seq) filter (where movement_date < ?),
                0
            ) as opening_balance_amount,
            coalesce(
                arg_max(running_balance_amount, movement_seq) filter (where movement_date <= ?),
                0
            ) as closing_balance_amount,
            min(reporting_currency_code) as reporting_currency_code
        from marts.statement_of_account
        where client_id = ?
        group by currency_code
        order by currency_code
    """
    return database.query(sql, [start, end, client_id])


@cached
def statement_movements(
    database: PublishedDatabase, client_id: str, start: date, end: date
) -> pd.DataFrame:
    """The client's movements dated from `start` to `end`, in statement order: currency_code,
    movement_seq, movement_date, recorded_date, movement_type, movement_id, reference,
    debit_amount, credit_amount, running_balance_amount."""
    sql = """
        select
            currency_code, movement_seq, movement_date, recorded_date, movement_type,
            movement_id, reference, debit_amount, credit_amount, running_balance_amount
        from marts.statement_of_account
        where client_id = ? and movement_date between ? and ?
        order by currency_code, movement_seq
    """
    return database.query(sql, [client_id, start, end])


@cached
def statement_first_date(database: PublishedDatabase, client_id: str) -> date | None:
    """The date of the client's first movement (None without movements)."""
    sql = "select min(movement_date) as first_date from marts.statement_of_account where client_id = ?"
    return database.query(sql, [client_id]).iloc[0]["first_date"]


@cached
def open_installments(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's open instalments at the warehouse's as-of date (marts.fct_installments),
    oldest due first: document_id, document_number, document_type, installment_no,
    issue_date, due_date, days_past_due, currency_code, installment_amount,
    outstanding_amount, outstanding_reporting_amount, is_in_dispute, dispute_reason,
    early_discount_pct, early_discount_days. The aging page reads it too."""
    sql = """
        select
            document_id, document_number, document_type, installment_no, issue_date,
            due_date, days_past_due, currency_code, installment_amount, outstanding_amount,
            outstanding_reporting_amount, is_in_dispute, dispute_reason, early_discount_pct,
            early_discount_days
        from marts.fct_installments
        where client_id = ? and is_open
        order by due_date, document_number, installment_no
    """
    return database.query(sql, [client_id])


@cached
def payment_history(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's paid instalments (marts.fct_installment_payments, payments only), by paid
    date: document_number, installment_no, due_date, paid_date, days_beyond_terms,
    installment_amount, currency_code, settled_by."""
    sql = """
        select
            document_number, installment_no, due_date, paid_date, days_beyond_terms,
            installment_amount, currency_code, settled_by
        from marts.fct_installment_payments
        where client_id = ? and is_payment
        order by paid_date, document_number, installment_no
    """
    return database.query(sql, [client_id])


@cached
def worklist_actions(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's collection actions today (marts.collections_worklist), by step:
    action_step_order, action_label_es, action_label_en, document_number, installment_no,
    due_date, days_past_due, outstanding_amount, currency_code, action_due_date,
    last_action_code, last_action_date."""
    sql = """
        select
            action_step_order, action_label_es, action_label_en, document_number,
            installment_no, due_date, days_past_due, outstanding_amount, currency_code,
            action_due_date, last_action_code, last_action_date
        from marts.collections_worklist
        where client_id = ?
        order by action_step_order, due_date, document_number, installment_no
    """
    return database.query(sql, [client_id])


@cached
def disputes(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's documents in dispute (marts.disputed_items), oldest first:
    document_number, issue_date, due_date, total_amount, outstanding_amount, currency_code,
    dispute_reason, days_past_due."""
    sql = """
        select
            document_number, issue_date, due_date, total_amount, outstanding_amount,
            currency_code, dispute_reason, days_past_due
        from marts.disputed_items
        where client_id = ?
        order by issue_date, document_number
    """
    return database.query(sql, [client_id])


def statement(
    database: PublishedDatabase,
    client_id: str,
    start: date,
    end: date,
    as_of: date | None,
    company: Company | None,
) -> Statement:
    """Everything the statement's PDF and Excel print, for movements from `start` to `end`
    and the aging at `as_of` (see the module's docstring), headed by `company`
    (`dashboards.company_settings`)."""
    history = fiscal_history(database, client_id)
    current = history[history["is_current"]].iloc[0]
    balances = statement_balances(database, client_id, start, end)
    totals = position(database, client_id, as_of)
    reporting_currency = (
        balances.iloc[0]["reporting_currency_code"] if not balances.empty
        else totals.iloc[0]["currency_code"]
    )
    return Statement(
        company=company,
        client={
            "client_id": client_id,
            "legal_name": current["legal_name"],
            "tax_id": current["tax_id"],
            "address": current["address"],
            "country_code": current["country_code"],
        },
        period_start=start,
        period_end=end,
        balances=balances,
        movements=statement_movements(database, client_id, start, end),
        aging=client_aging(database, client_id, as_of),
        aging_totals=totals.iloc[0][
            ["open_balance_amount", "unapplied_cash_amount", "net_balance_amount"]
        ].to_dict(),
        reporting_currency_code=reporting_currency,
    )
