"""Marts are total on small inputs (issue 14, rule 2): every model builds and every dbt
test passes (build_warehouse fails otherwise) on each inbox below, at its default as-of
date (the latest data date), and each answers what it should. Reporting currency EUR.

one_invoice (tests/fixtures/small_inboxes/one_invoice): client C1 and invoice D1 of
    1,210.00 (1,000.00 + 21 % VAT) issued 2025-03-03, due 2025-04-02; nothing else. As of
    2025-03-03 (its issue date) D1 is not due: 1,210.00 open, all in "not due"; nothing
    has been settled, so the forecast backtest has 0 instalments but still its date;
    C1 is the only client of 2025: HHI 10,000.
invoices_without_receipts: as of 2025-03-20 (D3's issue date).
    C1: D1 1,210.00 due 2025-02-09, 39 days past due -> 31-60; D3 605.00 due 2025-04-19,
        not due. Open 1,815.00, overdue 1,210.00.
    C2: D2 USD 1,100.00 issued 2025-02-10 at 1.1000 USD per EUR: factor 1 / 1.1 =
        0.9090909091 (10 decimals), 1,100.00 x 0.9090909091 = 1,000.00000001 -> 1,000.00;
        due 2025-03-12, 8 days past due -> 1-30.
    Nobody has paid: backtest 0 instalments; payment_behavior counts 0 payments.
partial_payment_single_client: one client C1, D1 as in one_invoice, R1 of 500.00 on
    2025-04-10 allocated to it. As of 2025-04-10: D1 open 1,210.00 - 500.00 = 710.00,
    8 days past due (due 2025-04-02) -> 1-30; not fully paid, so the backtest is empty;
    C1 holds 100 % of 2025's revenue and of the open AR.
bank_only: the July 2025 camt.053 statement of tests/fixtures/bank_inbox alone (opening
    1,000.00; credits 500.00 on 1 July, 100.00 and 100.00 on 2 July, 300.00 on 15 July;
    a 20.00 fee debited on 1 July; closing 1,980.00). As of 2025-07-15, its latest
    booking date. The four credits (1,000.00) are unapplied: nothing is open and no
    payer is known; the account ties: 1,000.00 + 980.00 - 1,980.00 = 0.
first_payments: invoices_without_receipts' home, then the first money of all: R0, C1's
    605.00 on 2025-03-21 paying D3, and R1, C1's 1,210.00 on 2025-03-25 paying D1 (the
    kept models held no reduction before: empty tables, which give no position to
    compare from, so they are computed whole), built as of 2025-03-24: D3 settled the day
    after its issue (03-20), 29 days before its due date (04-19); D1, paid after that
    date, still open. Then a rates file alone (USD on 2025-03-25, after D2's issue date: no
    document is read again), as of 2025-03-25 (the latest data date): R1 is visible, so
    D1, which no settlement row held and nothing computed since, is settled 74 days after its
    issue (01-10), 44 beyond its terms (02-09); C1 owes nothing (no aging row); C2's D2
    is 13 days past due (1-30). Every table equals a full build of both inboxes.
single_day: everything on 2025-06-30. C1's D1 1,210.00 due 2025-07-30 (not due); C2's D2
    605.00 due the same day and paid by card the same day: days to pay 0, on time; the
    backtest has that one instalment. June's KPIs (2025-06-30 is a month end): credit
    sales 1,210.00 + 605.00 = 1,815.00, ending AR 1,210.00.
"""

import json
import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.export_files import write
from tests.dbt.warehouse import build_warehouse, dbt_manifest, tables_of

SMALL_INBOXES = Path(__file__).resolve().parents[1] / "fixtures" / "small_inboxes"


def rows(database, sql, params=()):
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(sql, params).fetchall()


def aging(database):
    """client -> (not due, 1-30, 31-60, open, overdue, unapplied), reporting currency."""
    return {
        row[0]: row[1:]
        for row in rows(database, """
            select client_id, not_due_amount, days_1_30_amount, days_31_60_amount,
                open_balance_amount, overdue_amount, unapplied_cash_amount
            from marts.ar_aging order by client_id""")
    }


def backtest(database):
    return rows(database, "select as_of_date, installment_count from marts.cash_forecast_backtest_summary")


def check_one_invoice(database):
    assert aging(database) == {"C1": (D("1210.00"), D("0.00"), D("0.00"), D("1210.00"), D("0.00"), D("0.00"))}
    assert backtest(database) == [(date(2025, 3, 3), 0)]
    assert rows(database, """
        select client_id, outstanding_amount, expected_amount, expected_collection_date
        from marts.cash_forecast""") == [("C1", D("1210.00"), D("1210.00"), date(2025, 4, 2))]
    assert rows(database, """
        select client_count, total_net_revenue_amount, hhi from marts.concentration_summary
        where period_type = 'year'""") == [(1, D("1000.00"), D("10000.00"))]
    assert rows(database, """
        select running_balance_amount from marts.statement_of_account""") == [(D("1210.00"),)]


def check_invoices_without_receipts(database):
    assert aging(database) == {
        "C1": (D("605.00"), D("0.00"), D("1210.00"), D("1815.00"), D("1210.00"), D("0.00")),
        "C2": (D("0.00"), D("1000.00"), D("0.00"), D("1000.00"), D("1000.00"), D("0.00")),
    }
    assert backtest(database) == [(date(2025, 3, 20), 0)]
    assert rows(database, "select client_id, paid_count_365 from marts.payment_behavior order by client_id") == [
        ("C1", 0), ("C2", 0),
    ]


def check_partial_payment_single_client(database):
    assert aging(database) == {"C1": (D("0.00"), D("710.00"), D("0.00"), D("710.00"), D("710.00"), D("0.00"))}
    assert backtest(database) == [(date(2025, 4, 10), 0)]
    assert rows(database, "select document_id, paid_amount, outstanding_amount from marts.fct_documents") == [
        ("D1", D("500.00"), D("710.00")),
    ]
    assert rows(database, """
        select revenue_share_pct from marts.client_concentration
        where period_type = 'year'""") == [(D("100.0000"),)]
    assert rows(database, "select client_id, ar_share_pct from marts.ar_concentration") == [("C1", D("100.0000"))]


def check_bank_only(database):
    assert rows(database, "select as_of_date from intermediate.int_as_of_date") == [(date(2025, 7, 15),)]
    lines = rows(database, """
        select booking_date, line_amount, applied_amount, unapplied_amount, unapplied_reason
        from marts.cash_application order by booking_date, line_amount""")
    assert lines == [
        (date(2025, 7, 1), D("500.00"), None, D("500.00"), "payer_unknown"),
        (date(2025, 7, 2), D("100.00"), None, D("100.00"), "payer_unknown"),
        (date(2025, 7, 2), D("100.00"), None, D("100.00"), "payer_unknown"),
        (date(2025, 7, 15), D("300.00"), None, D("300.00"), "payer_unknown"),
    ]
    # The statement ties: 1,000.00 + (1,000.00 - 20.00) - 1,980.00 = 0; and its 1,000.00
    # of incoming money is all unapplied.
    assert rows(database, """
        select opening_balance_amount, lines_amount, closing_balance_amount, balance_difference_amount,
            incoming_amount, registered_applied_amount, suggested_amount, unapplied_amount
        from marts.bank_account_reconciliation""") == [
        (D("1000.00"), D("980.00"), D("1980.00"), D("0.00"), D("1000.00"), D("0.00"), D("0.00"), D("1000.00")),
    ]
    assert aging(database) == {}
    assert backtest(database) == [(date(2025, 7, 15), 0)]


def check_single_day(database):
    assert aging(database) == {"C1": (D("1210.00"), D("0.00"), D("0.00"), D("1210.00"), D("0.00"), D("0.00"))}
    assert rows(database, """
        select document_id, paid_date, days_to_pay, days_beyond_terms, is_on_time
        from marts.fct_installment_payments""") == [("D2", date(2025, 6, 30), 0, 0, True)]
    assert backtest(database) == [(date(2025, 6, 30), 1)]
    assert rows(database, """
        select month_end, credit_sales_amount, ending_ar_amount from marts.ar_kpis_monthly
        where dimension_type = 'company'""") == [(date(2025, 6, 30), D("1815.00"), D("1210.00"))]


CASES = {
    "one_invoice": check_one_invoice,
    "invoices_without_receipts": check_invoices_without_receipts,
    "partial_payment_single_client": check_partial_payment_single_client,
    "bank_only": check_bank_only,
    "single_day": check_single_day,
}


@pytest.mark.parametrize("case", CASES)
def test_every_mart_builds_and_answers_on_a_small_input(small_warehouse, case):
    database = small_warehouse(case)

    manifest = json.loads(dbt_manifest(database).read_text())
    marts = {
        node["name"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    built = {name for (name,) in rows(database, "select table_name from information_schema.tables where table_schema = 'marts'")}
    assert len(marts) >= 25 and marts == built
    CASES[case](database)


def first_payments(inbox: Path) -> None:
    write(inbox / "receipts.csv", ["receipt_id", "client_id", "date", "currency", "amount", "method", "reference"], [
        {"receipt_id": receipt, "client_id": "C1", "date": day, "currency": "EUR", "amount": amount,
         "method": "transfer", "reference": number}
        for receipt, day, amount, number in [("R0", "2025-03-21", "605.00", "F-003"),
                                             ("R1", "2025-03-25", "1210.00", "F-001")]])
    write(inbox / "allocations.csv", ["receipt_id", "document_id", "installment_no", "amount"], [
        {"receipt_id": "R0", "document_id": "D3", "installment_no": "", "amount": "605.00"},
        {"receipt_id": "R1", "document_id": "D1", "installment_no": "", "amount": "1210.00"}])


def test_the_first_payments_after_a_refresh_without_any(small_warehouse, tmp_path):
    without_receipts = small_warehouse("invoices_without_receipts")
    home = tmp_path / "incremental"
    shutil.copytree(without_receipts.parents[1], home)
    day_2, day_3, both = tmp_path / "day_2", tmp_path / "day_3", tmp_path / "both"
    day_2.mkdir()
    day_3.mkdir()
    first_payments(day_2)
    (day_3 / "fx_rates_2025-03-25.csv").write_text("Date,USD\n2025-03-25,1.1200\n", encoding="utf-8")
    payments = "select document_id, paid_date, days_to_pay, days_beyond_terms from marts.fct_installment_payments order by all"

    day_2_database = build_warehouse(day_2, home, {"as_of_date": "2025-03-24"})
    assert rows(day_2_database, payments) == [("D3", date(2025, 3, 21), 1, -29)]

    incremental = build_warehouse(day_3, home, {})
    shutil.copytree(SMALL_INBOXES / "invoices_without_receipts", both)
    first_payments(both)
    shutil.copy(day_3 / "fx_rates_2025-03-25.csv", both)
    full = build_warehouse(both, tmp_path / "full", {})

    assert rows(incremental, payments) == [("D1", date(2025, 3, 25), 74, 44), ("D3", date(2025, 3, 21), 1, -29)]
    assert aging(incremental) == {"C2": (D("0.00"), D("1000.00"), D("0.00"), D("1000.00"), D("1000.00"), D("0.00"))}
    # When each file was loaded differs, as it should.
    tables, differing = tables_of(incremental, full, exclude={"source_freshness": "newest_file_loaded_at"})
    assert len(tables) > 60 and differing == []
