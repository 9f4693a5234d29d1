"""Large amounts build every mart and tie to the cent (issue 14): a USD 50,000,000.00
invoice converted with a 10-decimal FX factor (a product that overflowed DECIMAL(18) from
about 1,000,000.00), and a client with EUR 900,000,000.00 of yearly revenue (its square,
in the HHI, overflowed from 10,000,000.00).

Fixture tests/fixtures/large_amounts_inbox, as of 2025-04-10, reporting currency EUR.

C1 (USD client, 50 days terms, limit USD 10,000,000.00):
    D1 invoice USD 50,000,000.00 (no VAT) issued 2025-03-03, due 2025-04-22.
    R1 USD 20,000,000.00 on 2025-04-10, allocated to D1: USD 30,000,000.00 open.
    USD per EUR: 1.0800 from 2025-03-03, 1.1000 from 2025-04-10.
    D1's factor (issue date): 1 / 1.08 = 0.92592592592.. -> 0.9259259259 (10 decimals).
    D1 in EUR: 50,000,000.00 x 0.9259259259 = 46,296,296.295 -> 46,296,296.30.
    R1 applied at D1's rate: 20,000,000.00 x 0.9259259259 = 18,518,518.518 -> 18,518,518.52.
    Open: 46,296,296.30 - 18,518,518.52 = 27,777,777.78 (= 30,000,000.00 x 0.9259259259
    = 27,777,777.777 -> 27,777,777.78), not due on 2025-04-10.
    Limit at the as-of rate: 10,000,000.00 x (1 / 1.1 = 0.9090909091) = 9,090,909.091
    -> 9,090,909.09.
C2 (EUR client, 30 days terms, limit 100,000,000.00):
    D2, D3, D4: 300,000,000.00 + 21 % VAT = 363,000,000.00 each, issued 2025-01-15,
    2025-02-14, 2025-03-03, due 30 days later (02-14, 03-16, 04-02).
    R2 363,000,000.00 on 2025-02-24 pays D2, 10 days late.
    Open: D3 + D4 = 726,000,000.00, both 1-30 days past due (25 and 8 days).
    Net revenue 2025 = 3 x 300,000,000.00 = 900,000,000.00.

Concentration, year 2025 (to 2025-04-10): C2 900,000,000.00 + C1 46,296,296.30 =
    946,296,296.30. top1 = 900,000,000 / 946,296,296.30 = 95.1076..%.
    HHI = 10,000 x (900,000,000.00^2 + 46,296,296.30^2) / 946,296,296.30^2
        = 10,000 x (810,000,000,000,000,000.00 + 2,143,347,051,097,393.69)
          / 895,476,680,391,097,393.69
        = 9,069.3969.. -> 9069.40 (the squares need up to 22 digits: DECIMAL(38)).
    March: C2 300,000,000.00 + C1 46,296,296.30 = 346,296,296.30,
    HHI = 10,000 x (90,000,000,000,000,000.00 + 2,143,347,051,097,393.69)
          / 119,921,124,831,097,393.69 = 7,683.6626.. -> 7683.66.
Open AR shares of 726,000,000.00 + 27,777,777.78 = 753,777,777.78: C2 96.3148..% ->
    96.3149 %, C1 3.6851 %.

Credit limits (credit_policy defaults: grade C factor 0.80, cap 5 % of the company's
12-month revenue, rounded down to 500):
    Grades: C1 never paid, nothing overdue: 15 + 10 + 10 + 5 (no trend) + 20 = 60 -> C.
    C2 10 days late (lateness 18), not on time (0), nothing over 30 days (severity 20),
    no trend (5), oldest open 25 days past due (15) = 58 -> C.
    C1 base = 46,296,296.30 (peak month) x (50 + 0 days) x 0.80 / 30
            = 1,851,851,852.00 / 30 = 61,728,395.0666.. -> 61,728,395.07.
    C2 base = 363,000,000.00 x (30 + 10.00) x 0.80 / 30 = 387,200,000.00.
    Cap = 946,296,296.30 x 5 x 0.01 = 47,314,814.815 -> 47,314,814.82 (both clients).
    Recommended = the lower, 47,314,814.82, rounded down to 500: 47,314,500.00.
    Utilisation C1 = 27,777,777.78 x 100 / 9,090,909.09 = 305.5556 %;
    C2 = 726,000,000.00 x 100 / 100,000,000.00 = 726.0000 %.
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "large_amounts_inbox"
AS_OF = date(2025, 4, 10)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    database = build_warehouse(FIXTURE, tmp_path_factory.mktemp("large_amounts"), {"as_of_date": AS_OF.isoformat()})
    with duckdb.connect(str(database), read_only=True) as conn:
        yield conn


def test_a_50_million_usd_invoice_converts_and_ties_to_the_cent(warehouse):
    assert warehouse.execute("""
        select document_id, total_amount, total_reporting_amount, paid_amount, outstanding_amount,
            outstanding_reporting_amount
        from marts.fct_documents where document_id = 'D1'""").fetchall() == [
        ("D1", D("50000000.00"), D("46296296.30"), D("20000000.00"), D("30000000.00"), D("27777777.78")),
    ]
    assert warehouse.execute("""
        select movement_id, movement_amount, running_balance_amount, movement_reporting_amount,
            running_balance_reporting_amount
        from marts.statement_of_account where client_id = 'C1' order by movement_seq""").fetchall() == [
        ("D1", D("50000000.00"), D("50000000.00"), D("46296296.30"), D("46296296.30")),
        ("R1", D("-20000000.00"), D("30000000.00"), D("-18518518.52"), D("27777777.78")),
    ]
    assert warehouse.execute("""
        select currency_code, not_due_amount, open_balance_amount, open_balance_reporting_amount
        from marts.ar_aging_by_currency where client_id = 'C1'""").fetchall() == [
        ("USD", D("30000000.00"), D("30000000.00"), D("27777777.78")),
    ]
    assert warehouse.execute("""
        select outstanding_reporting_amount, expected_amount from marts.cash_forecast
        where document_id = 'D1'""").fetchall() == [(D("27777777.78"), D("27777777.78"))]


def test_aging_and_kpis_hold_hundreds_of_millions(warehouse):
    assert warehouse.execute("""
        select client_id, not_due_amount, days_1_30_amount, open_balance_amount, overdue_amount
        from marts.ar_aging order by client_id""").fetchall() == [
        ("C1", D("27777777.78"), D("0.00"), D("27777777.78"), D("0.00")),
        ("C2", D("0.00"), D("726000000.00"), D("726000000.00"), D("726000000.00")),
    ]
    # March: credit sales D4 363,000,000.00 + D1 46,296,296.30; ending AR D3 + D4 + D1.
    assert warehouse.execute("""
        select credit_sales_amount, ending_ar_amount, overdue_ar_amount from marts.ar_kpis_monthly
        where dimension_type = 'company' and month_end = '2025-03-31'""").fetchall() == [
        (D("409296296.30"), D("772296296.30"), D("363000000.00")),
    ]
    assert warehouse.execute("""
        select client_id, ar_share_pct from marts.ar_concentration order by client_id""").fetchall() == [
        ("C1", D("3.6851")), ("C2", D("96.3149")),
    ]


def test_900_million_of_yearly_revenue_gives_its_hhi(warehouse):
    assert warehouse.execute("""
        select period_start, total_net_revenue_amount, top1_share_pct, hhi
        from marts.concentration_summary
        where (period_type = 'year' and period_start = '2025-01-01')
            or (period_type = 'month' and period_start = '2025-03-01')
        order by period_type desc""").fetchall() == [
        (date(2025, 1, 1), D("946296296.30"), D("95.1076"), D("9069.40")),
        (date(2025, 3, 1), D("346296296.30"), D("86.6310"), D("7683.66")),
    ]
    assert warehouse.execute("""
        select net_revenue_amount from marts.client_concentration
        where client_id = 'C2' and period_type = 'year' and period_start = '2025-01-01'""").fetchall() == [
        (D("900000000.00"),),
    ]


def test_credit_limits_of_large_clients_are_exact(warehouse):
    assert warehouse.execute("""
        select client_id, credit_limit_reporting_amount, measured_exposure_amount, utilisation_pct,
            grade, expected_days_late, base_recommended_limit_amount, company_revenue_12m_amount,
            concentration_cap_amount, recommended_limit_amount
        from marts.credit_limits order by client_id""").fetchall() == [
        ("C1", D("9090909.09"), D("27777777.78"), D("305.5556"), "C", D("0.00"),
         D("61728395.07"), D("946296296.30"), D("47314814.82"), D("47314500.00")),
        ("C2", D("100000000.00"), D("726000000.00"), D("726.0000"), "C", D("10.00"),
         D("387200000.00"), D("946296296.30"), D("47314814.82"), D("47314500.00")),
    ]
