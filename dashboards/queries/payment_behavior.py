"""The payment behaviour page's datasets (marts.payment_behavior and
fct_installment_payments at the warehouse's as-of date)."""

import pandas as pd

from dashboards.db import PublishedDatabase
from dashboards.queries.base import Page, cached, client_condition, page_clause
from dashboards.selection import Filters

@cached
def grades(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """One row per grade A-E (every grade, 0 when none): grade, client_count,
    previous_client_count (clients with that grade 90 days earlier), overdue_amount,
    moroso_count, over the clients the filters keep."""
    kept, parameters = client_condition(filters)
    sql = f"""
        with
            kept as (select * from marts.payment_behavior where {kept}),
            grade_list as (select unnest(['A', 'B', 'C', 'D', 'E']) as grade)
        select
            grade_list.grade,
            (select count(*) from kept where kept.grade = grade_list.grade) as client_count,
            (select count(*) from kept where kept.previous_grade = grade_list.grade)
                as previous_client_count,
            (select cast(coalesce(sum(overdue_amount), 0) as decimal(18, 2))
             from kept where kept.grade = grade_list.grade) as overdue_amount,
            (select count(*) from kept where kept.grade = grade_list.grade and kept.is_moroso)
                as moroso_count
        from grade_list
        order by grade_list.grade
    """
    return database.query(sql, parameters)


@cached
def days_beyond_terms(database: PublishedDatabase, filters: Filters) -> pd.DataFrame:
    """Payments of the last 365 days by days beyond terms, in the aging buckets' bounds
    (marts.payment_delay_distribution summed over the clients the filters keep; not due =
    paid on time or early): bucket_order, min_days, max_days, payment_count, paid_amount
    (reporting currency); every bucket of marts.aging_buckets, 0 when empty."""
    kept, kept_parameters = client_condition(filters, "distribution.client_id")
    sql = f"""
        with kept as (
            select bucket_order, payment_count, paid_amount
            from marts.payment_delay_distribution as distribution
            where {kept}
        )
        select
            buckets.bucket_order,
            buckets.min_days,
            buckets.max_days,
            cast(coalesce(sum(kept.payment_count), 0) as bigint) as payment_count,
            cast(coalesce(sum(kept.paid_amount), 0) as decimal(18, 2)) as paid_amount
        from marts.aging_buckets as buckets
        left join kept on kept.bucket_order = buckets.bucket_order
        group by buckets.bucket_order, buckets.min_days, buckets.max_days
        order by buckets.bucket_order
    """
    return database.query(sql, kept_parameters)


@cached
def morosos(database: PublishedDatabase, filters: Filters, page: Page | None = None) -> pd.DataFrame:
    """The late payers (is_moroso) the filters keep, largest overdue first: client_id,
    client_name, grade, score, overdue_amount, max_days_past_due_undisputed,
    weighted_days_beyond_terms_365, paid_count_365 (their reasons: `reasons`). Every one,
    or one `page` of them (how many in all: `moroso_count`)."""
    kept, parameters = client_condition(filters)
    rows, row_parameters = page_clause(page)
    sql = f"""
        select
            client_id, client_name, grade, score, overdue_amount,
            max_days_past_due_undisputed, weighted_days_beyond_terms_365, paid_count_365
        from marts.payment_behavior
        where is_moroso and {kept}
        order by overdue_amount desc, client_name, client_id
        {rows}
    """
    return database.query(sql, [*parameters, *row_parameters])


@cached
def moroso_count(database: PublishedDatabase, filters: Filters) -> int:
    """How many late payers `morosos` lists."""
    kept, parameters = client_condition(filters)
    sql = f"select count(*) as client_count from marts.payment_behavior where is_moroso and {kept}"
    return int(database.query(sql, parameters).iloc[0]["client_count"])


@cached
def reasons(database: PublishedDatabase, reason_type: str) -> pd.DataFrame:
    """Every client's reasons of one type, 'grade' or 'moroso' (marts.payment_behavior_reasons),
    in each client's order: client_id, reason_type, reason_code, points_lost, parameter_1,
    parameter_2, parameter_3; `dashboards.reasons` words them."""
    sql = """
        select client_id, reason_type, reason_code, points_lost, parameter_1, parameter_2, parameter_3
        from marts.payment_behavior_reasons
        where reason_type = ?
        order by client_id, reason_order
    """
    return database.query(sql, [reason_type])


@cached
def client_reasons(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's reasons, grade then moroso, in order; columns as `reasons`."""
    sql = """
        select client_id, reason_type, reason_code, points_lost, parameter_1, parameter_2, parameter_3
        from marts.payment_behavior_reasons
        where client_id = ?
        order by reason_type, reason_order
    """
    return database.query(sql, [client_id])


@cached
def client_behavior(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's row of marts.payment_behavior (every column); empty when it has none."""
    sql = "select * from marts.payment_behavior where client_id = ?"
    return database.query(sql, [client_id])


@cached
def client_payments(database: PublishedDatabase, client_id: str) -> pd.DataFrame:
    """The client's payments (fct_installment_payments with is_payment), by paid date:
    paid_date, document_number, installment_no, days_beyond_terms,
    installment_reporting_amount, early_discount_offered, early_discount_taken."""
    sql = """
        select
            paid_date, document_number, installment_no, days_beyond_terms,
            installment_reporting_amount, early_discount_offered, early_discount_taken
        from marts.fct_installment_payments
        where client_id = ? and is_payment
        order by paid_date, document_number, installment_no
    """
    return database.query(sql, [client_id])
