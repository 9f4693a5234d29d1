"""Payment behaviour of a small hand-made fixture: fct_installment_payments and
payment_behavior, every figure worked out by hand below.

Fixture (tests/fixtures/payment_behavior_inbox), as of 2025-12-31, reporting currency EUR.
Windows by paid_date: 365 days = (2024-12-31, 2025-12-31]; 90 days = (2025-10-02,
2025-12-31] (Dec 31 - 30 = Dec 1, - 60 = Nov 1, - 90 = Oct 2); the 90 before =
(2025-07-04, 2025-10-02] (Oct 2 - 30 = Sep 2, - 60 = Aug 3, - 90 = Jul 4).
previous_grade is the same computation as of 2025-10-02.

C1, a good payer (terms 30)
- D11 1,000.00 issued 09-01, due 10-01, paid 09-21 (R11): 20 days to pay, -10 beyond terms.
- D12 2,000.00 issued 10-15, due 11-14, paid 11-14 (R12): 16 + 14 = 30 days, 0 beyond.
- D13 605.00 (500 + 21 % VAT) issued 11-03, due 12-03, 3 % within 10 days offered. On 11-10
  credit note CN13 of 18.15 (3 % of 500.00 + 3 % of 105.00 = 15.00 + 3.15) and R13 586.85:
  7 days to pay, -23 beyond terms (12-03 - 11-10 = 20 + 3). Discount taken: paid on day
  7 <= 10 and credited 18.15 >= 605.00 x 3 % - 0.02 = 18.13.
- D14 440.00 USD issued 11-20 (ECB 1.1000 USD per EUR: 440.00 / 1.1 = 400.00 EUR), due
  12-20, 3 % within 10 days offered, paid 12-19 in full (R14 440.00 USD): 29 days, -1
  beyond terms; offered, not taken (day 29 and no credit note).
- D15 300.00 issued 06-02, cancelled by credit note CN15 300.00 on 06-10: settled on 06-10
  by credit note only, so not a payment (8 days, -22 beyond terms, left out below).
- D16 800.00 issued 08-01, due 08-31, in dispute, open: 30 + 31 + 30 + 31 = 122 days
  past due at 12-31.

C2, a late payer (terms 60)
- D21 3,000.00 issued 03-01 in two instalments: #1 1,500.00 due 03-31, #2 1,500.00 due
  04-30. R21A 500.00 on 04-20 and R21B 1,000.00 on 05-15, no instalment named, pay #1
  (oldest first): a partial then the final payment, settled 05-15: 45 days beyond terms
  (04-30 = +30, 05-15 = +45), 75 days to pay (03-31 = 30, 04-30 = 60, 05-15 = 75).
  R21C 1,500.00 on 08-08 names #2: 100 days beyond terms (05-31 = 31, 06-30 = 61,
  07-31 = 92, 08-08 = 100), 160 days to pay (03-01 to 08-01 = 31+30+31+30+31 = 153, + 7).
- D22 1,200.00 issued 09-10, due 11-09; on 11-20 an IRPF withholding of 100.00 and R22
  1,100.00: settled 11-20 by receipt + withholding, 11 days beyond terms, 20 + 31 + 20 = 71
  days to pay.
- D23 2,000.00 issued 10-12, due 12-11, open: 20 days past due.

C3 never pays: D31 2,500.00 issued 07-01, due 07-31, open: 31 + 30 + 31 + 30 + 31 = 153
days past due (63 at 10-02).

C4 is new: D41 700.00 issued 12-15, due 2026-01-14, not due; nothing before 10-02.

C5 is chronically late (terms 30): D51, D52, D53 of 1,000.00 due 05-31, 07-01, 07-31,
each paid 70 days beyond terms (08-09, 09-09, 10-09) and 100 days after issue (05-01,
06-01, 07-01).
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "payment_behavior_inbox"
SELECT = ("+ar_totals +concentration_classes +source_freshness "
          "+payment_delay_distribution +payment_behavior_reasons +payment_behavior +fct_installment_payments +ar_aging +fct_installments")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    build_db = build_warehouse(FIXTURE, tmp_path_factory.mktemp("payment_behavior"),
                               {"as_of_date": "2025-12-31"}, select=SELECT)
    with duckdb.connect(str(build_db), read_only=True) as conn:
        yield conn


def rows_by_key(conn, sql: str) -> dict:
    cursor = conn.execute(sql)
    names = [column[0] for column in cursor.description]
    return {row[0]: dict(zip(names[1:], row[1:])) for row in cursor.fetchall()}


NO_PAYMENTS = {  # a client without payments in 365 days: NULL, not 0
    "paid_count_90": 0, "paid_count_365": 0, "paid_amount_365": D("0.00"),
    "weighted_days_to_pay_365": None, "weighted_days_beyond_terms_365": None,
    "weighted_days_beyond_terms_90": None, "weighted_days_beyond_terms_prior_90": None,
    "trend_days_beyond_terms": None, "on_time_rate_365": None,
    "share_paid_over_30_late_365": None, "share_paid_over_60_late_365": None,
    "share_paid_over_90_late_365": None,
    "early_discount_offered_count_365": 0, "early_discount_taken_count_365": 0,
    "early_discount_uptake_rate_365": None,
}


def behavior(conn, client_id: str) -> dict:
    cursor = conn.execute("select * from marts.payment_behavior where client_id = ?", [client_id])
    names = [column[0] for column in cursor.description]
    row = dict(zip(names, cursor.fetchone()))
    for key in ["as_of_date", "client_id", "client_name"]:
        del row[key]
    return row


def test_installment_payments(warehouse):
    rows = rows_by_key(warehouse, """
        select installment_key, installment_amount, installment_reporting_amount, paid_date,
               days_to_pay, days_beyond_terms, is_on_time, settled_by, is_payment,
               early_discount_offered, early_discount_taken
        from marts.fct_installment_payments
    """)
    columns = ["installment_amount", "installment_reporting_amount", "paid_date", "days_to_pay",
               "days_beyond_terms", "is_on_time", "settled_by", "is_payment",
               "early_discount_offered", "early_discount_taken"]
    expected = {
        "D11|1": (D("1000.00"), D("1000.00"), date(2025, 9, 21), 20, -10, True, "receipt", True, False, False),
        "D12|1": (D("2000.00"), D("2000.00"), date(2025, 11, 14), 30, 0, True, "receipt", True, False, False),
        "D13|1": (D("605.00"), D("605.00"), date(2025, 11, 10), 7, -23, True, "receipt+credit_note", True, True, True),
        "D14|1": (D("440.00"), D("400.00"), date(2025, 12, 19), 29, -1, True, "receipt", True, True, False),
        "D15|1": (D("300.00"), D("300.00"), date(2025, 6, 10), 8, -22, True, "credit_note", False, False, False),
        "D21|1": (D("1500.00"), D("1500.00"), date(2025, 5, 15), 75, 45, False, "receipt", True, False, False),
        "D21|2": (D("1500.00"), D("1500.00"), date(2025, 8, 8), 160, 100, False, "receipt", True, False, False),
        "D22|1": (D("1200.00"), D("1200.00"), date(2025, 11, 20), 71, 11, False, "receipt+withholding", True, False, False),
        "D51|1": (D("1000.00"), D("1000.00"), date(2025, 8, 9), 100, 70, False, "receipt", True, False, False),
        "D52|1": (D("1000.00"), D("1000.00"), date(2025, 9, 9), 100, 70, False, "receipt", True, False, False),
        "D53|1": (D("1000.00"), D("1000.00"), date(2025, 10, 9), 100, 70, False, "receipt", True, False, False),
    }
    # D16, D23, D31 and D41 are open: not here.
    assert rows == {key: dict(zip(columns, values)) for key, values in expected.items()}


def test_good_payer_with_a_dispute(warehouse):
    """C1. Payments in 365 days (D15 is a credit note, not a payment):
    D11 1,000 (20 d, -10), D12 2,000 (30, 0), D13 605 (7, -23), D14 400 EUR (29, -1);
    amount 4,005.00.
    - days to pay: (20,000 + 60,000 + 4,235 + 11,600) / 4,005 = 95,835 / 4,005 = 23.9288 -> 23.93
    - beyond terms: (-10,000 + 0 - 13,915 - 400) / 4,005 = -24,315 / 4,005 = -6.0712 -> -6.07
    - last 90 (D12, D13, D14): -14,315 / 3,005 = -4.7637 -> -4.76; prior 90 (D11): -10.00
    - trend -4.76 - (-10.00) = +5.24: paying later -> 5 of 10 points.
    - all on time: rate 1, shares late 0; discount offered on D13 and D14, taken on D13: 1/2.
    - D16 (800.00, 122 days past due) is disputed: open dispute, overdue, but the overdue
      score and the moroso rule look at undisputed debt (none): 20 points.
    Score 30 + 20 + 20 + 5 + 20 = 95 -> A.
    As of 10-02 only D11 was paid (-10 d): 30 + 20 + 20 + 5 (nothing to compare) + 20 = 95 -> A.
    """
    row = behavior(warehouse, "C1")
    assert row == {
        "paid_count_90": 3, "paid_count_365": 4, "paid_amount_365": D("4005.00"),
        "weighted_days_to_pay_365": D("23.93"), "weighted_days_beyond_terms_365": D("-6.07"),
        "weighted_days_beyond_terms_90": D("-4.76"), "weighted_days_beyond_terms_prior_90": D("-10.00"),
        "trend_days_beyond_terms": D("5.24"), "on_time_rate_365": D("1.0000"),
        "share_paid_over_30_late_365": D("0.0000"), "share_paid_over_60_late_365": D("0.0000"),
        "share_paid_over_90_late_365": D("0.0000"),
        "early_discount_offered_count_365": 2, "early_discount_taken_count_365": 1,
        "early_discount_uptake_rate_365": D("0.5000"),
        "open_disputes_count": 1, "open_disputes_amount": D("800.00"),
        "max_days_past_due_open": 122, "max_days_past_due_undisputed": 0, "overdue_amount": D("800.00"),
        "score_lateness": 30, "score_on_time": 20, "score_severity": 20, "score_trend": 5, "score_overdue": 20,
        "score": 95, "grade": "A", "previous_grade": "A",
        "is_moroso": False, "is_open_over_90_days": False, "is_chronically_late": False,
    }


def test_late_payer_improving(warehouse):
    """C2. Payments in 365 days: D21#1 1,500 (75 d to pay, 45 beyond), D21#2 1,500 (160, 100),
    D22 1,200 (71, 11); amount 4,200.00.
    - days to pay: (112,500 + 240,000 + 85,200) / 4,200 = 437,700 / 4,200 = 104.2143 -> 104.21
    - beyond terms: (67,500 + 150,000 + 13,200) / 4,200 = 230,700 / 4,200 = 54.9286 -> 54.93
    - last 90: D22 11.00; prior 90: D21#2 100.00; trend 11 - 100 = -89.00 (better) -> 10.
    - on time: none -> 0.0000; > 30 late: 3,000 / 4,200 = 0.7143; > 60 and > 90: 1,500 / 4,200 = 0.3571.
    - lateness 54.93 <= 60 -> 6; on time 0; severity round(20 - 7.143 - 1.7855 - 1.7855)
      = round(9.286) = 9; overdue D23 20 days -> 15.
    Score 6 + 0 + 9 + 10 + 15 = 40 -> D (the D floor). Not moroso: 54.93 <= 60, 20 <= 90.
    As of 10-02: D21#1 and #2 paid, 3,000; beyond terms (67,500 + 150,000) / 3,000 = 72.50
    -> 0; on time 0; shares 1, 0.5, 0.5 -> 20 - 10 - 2.5 - 2.5 = 5; last 90 (#2) 100 vs
    prior 90 (#1, 05-15) 45: +55 -> 0; nothing overdue (D22 due 11-09) -> 20. 25 -> E; not
    chronic with only 2 payments.
    """
    row = behavior(warehouse, "C2")
    assert row == {
        "paid_count_90": 1, "paid_count_365": 3, "paid_amount_365": D("4200.00"),
        "weighted_days_to_pay_365": D("104.21"), "weighted_days_beyond_terms_365": D("54.93"),
        "weighted_days_beyond_terms_90": D("11.00"), "weighted_days_beyond_terms_prior_90": D("100.00"),
        "trend_days_beyond_terms": D("-89.00"), "on_time_rate_365": D("0.0000"),
        "share_paid_over_30_late_365": D("0.7143"), "share_paid_over_60_late_365": D("0.3571"),
        "share_paid_over_90_late_365": D("0.3571"),
        "early_discount_offered_count_365": 0, "early_discount_taken_count_365": 0,
        "early_discount_uptake_rate_365": None,
        "open_disputes_count": 0, "open_disputes_amount": D("0.00"),
        "max_days_past_due_open": 20, "max_days_past_due_undisputed": 20, "overdue_amount": D("2000.00"),
        "score_lateness": 6, "score_on_time": 0, "score_severity": 9, "score_trend": 10, "score_overdue": 15,
        "score": 40, "grade": "D", "previous_grade": "E",
        "is_moroso": False, "is_open_over_90_days": False, "is_chronically_late": False,
    }


def test_never_pays(warehouse):
    """C3: no payment, so NULL averages and rates (not 0); it owes late, so the history
    components score 0; no trend -> 5; 153 days past due -> 0. Score 5 -> E; moroso.
    As of 10-02: 63 days past due -> 5 overdue points, 0 + 0 + 0 + 5 + 5 = 10 -> E."""
    row = behavior(warehouse, "C3")
    assert row == NO_PAYMENTS | {
        "open_disputes_count": 0, "open_disputes_amount": D("0.00"),
        "max_days_past_due_open": 153, "max_days_past_due_undisputed": 153, "overdue_amount": D("2500.00"),
        "score_lateness": 0, "score_on_time": 0, "score_severity": 0, "score_trend": 5, "score_overdue": 0,
        "score": 5, "grade": "E", "previous_grade": "E",
        "is_moroso": True, "is_open_over_90_days": True, "is_chronically_late": False,
    }


def test_new_client(warehouse):
    """C4: no payment and nothing overdue: half the history points (15 + 10 + 10), 5 for
    no trend, 20 for nothing overdue = 60 -> C. Nothing issued by 10-02: no previous grade."""
    row = behavior(warehouse, "C4")
    assert row == NO_PAYMENTS | {
        "open_disputes_count": 0, "open_disputes_amount": D("0.00"),
        "max_days_past_due_open": 0, "max_days_past_due_undisputed": 0, "overdue_amount": D("0.00"),
        "score_lateness": 15, "score_on_time": 10, "score_severity": 10, "score_trend": 5, "score_overdue": 20,
        "score": 60, "grade": "C", "previous_grade": None,
        "is_moroso": False, "is_open_over_90_days": False, "is_chronically_late": False,
    }


def test_chronically_late(warehouse):
    """C5: 3 payments of 1,000, each 70 days beyond terms and 100 days to pay: averages
    70.00 and 100.00; last 90 (D53) 70.00, prior 90 (D51, D52) 70.00, trend 0.00 -> 10.
    Shares > 30 and > 60 late 1, > 90 late 0: severity 20 - 10 - 5 = 5; lateness > 60 -> 0;
    nothing open -> 20. Score 0 + 0 + 5 + 10 + 20 = 35; moroso by chronic lateness
    (3 payments, 70.00 > 60) -> E.
    As of 10-02: 2 payments only (not chronic); D53 63 days past due -> 5; no prior-90
    payment -> 5; 0 + 0 + 5 + 5 + 5 = 15 -> E."""
    row = behavior(warehouse, "C5")
    assert row == {
        "paid_count_90": 1, "paid_count_365": 3, "paid_amount_365": D("3000.00"),
        "weighted_days_to_pay_365": D("100.00"), "weighted_days_beyond_terms_365": D("70.00"),
        "weighted_days_beyond_terms_90": D("70.00"), "weighted_days_beyond_terms_prior_90": D("70.00"),
        "trend_days_beyond_terms": D("0.00"), "on_time_rate_365": D("0.0000"),
        "share_paid_over_30_late_365": D("1.0000"), "share_paid_over_60_late_365": D("1.0000"),
        "share_paid_over_90_late_365": D("0.0000"),
        "early_discount_offered_count_365": 0, "early_discount_taken_count_365": 0,
        "early_discount_uptake_rate_365": None,
        "open_disputes_count": 0, "open_disputes_amount": D("0.00"),
        "max_days_past_due_open": 0, "max_days_past_due_undisputed": 0, "overdue_amount": D("0.00"),
        "score_lateness": 0, "score_on_time": 0, "score_severity": 5, "score_trend": 10, "score_overdue": 20,
        "score": 35, "grade": "E", "previous_grade": "E",
        "is_moroso": True, "is_open_over_90_days": False, "is_chronically_late": True,
    }


def test_reasons_as_codes_and_figures(warehouse):
    """payment_behavior_reasons: the points each component lost (its maximum minus its
    points above) with the figures of the tests above; they add up to 100 - score.
    - C1 (95): trend 10 - 5 = 5 (+5.24 days).
    - C2 (40): lateness 30 - 6 = 24 (54.93 days); on time 20 - 0 = 20 (0.00 %);
      severity 20 - 9 = 11 (71.43 / 35.71 / 35.71 %); overdue 20 - 15 = 5 (20 days);
      24 + 20 + 11 + 5 = 60 = 100 - 40.
    - C3 (5): no payment 70 - 0 = 70; trend 10 - 5 = 5 with nothing to compare; overdue
      20 (153 days); moroso (grade E), by 153 days past due undisputed. 70 + 5 + 20 = 95.
    - C4 (60): no payment 70 - 35 = 35; trend 5 with nothing to compare. 35 + 5 = 40.
    - C5 (35): lateness 30 (70.00 days); on time 20 (0.00 %); severity 20 - 5 = 15
      (100.00 / 100.00 / 0.00 %); moroso by chronic lateness (70.00 days, 3 payments).
      30 + 20 + 15 = 65."""
    rows = warehouse.execute("""
        select client_id, reason_type, reason_code, points_lost, parameter_1, parameter_2, parameter_3
        from marts.payment_behavior_reasons
        order by client_id, reason_type, reason_order
    """).fetchall()
    assert rows == [
        ("C1", "grade", "trend", 5, D("5.24"), None, None),
        ("C2", "grade", "lateness", 24, D("54.93"), None, None),
        ("C2", "grade", "on_time", 20, D("0.00"), None, None),
        ("C2", "grade", "severity", 11, D("71.43"), D("35.71"), D("35.71")),
        ("C2", "grade", "overdue", 5, D("20.00"), None, None),
        ("C3", "grade", "no_payment_365", 70, None, None, None),
        ("C3", "grade", "trend_no_comparison", 5, None, None, None),
        ("C3", "grade", "overdue", 20, D("153.00"), None, None),
        ("C3", "grade", "moroso", None, None, None, None),
        ("C3", "moroso", "open_over_90_days", None, D("153.00"), None, None),
        ("C4", "grade", "no_payment_365", 35, None, None, None),
        ("C4", "grade", "trend_no_comparison", 5, None, None, None),
        ("C5", "grade", "lateness", 30, D("70.00"), None, None),
        ("C5", "grade", "on_time", 20, D("0.00"), None, None),
        ("C5", "grade", "severity", 15, D("100.00"), D("100.00"), D("0.00")),
        ("C5", "grade", "moroso", None, None, None, None),
        ("C5", "moroso", "chronic_lateness", None, D("70.00"), D("3.00"), None),
    ]


def test_payments_by_days_beyond_terms(warehouse):
    """payment_delay_distribution: the 365-day payments above in the aging buckets' bounds
    (not due <= 0, 1-30, 31-60, 61-90, 91-120, over 120).
    - C1: D11 -10, D12 0, D13 -23, D14 -1 all paid on time: 4 payments, 1,000.00 +
      2,000.00 + 605.00 + 400.00 = 4,005.00 (D15's credit note is no payment).
    - C2: D22 11 days (1-30) 1,200.00; D21#1 45 days (31-60) 1,500.00; D21#2 100 days
      (91-120) 1,500.00.
    - C5: D51-D53 70 days each (61-90): 3 payments, 3,000.00.
    - C3 and C4 paid nothing: no row."""
    rows = warehouse.execute("""
        select client_id, bucket_order, min_days, max_days, payment_count, paid_amount
        from marts.payment_delay_distribution
        order by client_id, bucket_order
    """).fetchall()
    assert rows == [
        ("C1", 1, None, 0, 4, D("4005.00")),
        ("C2", 2, 1, 30, 1, D("1200.00")),
        ("C2", 3, 31, 60, 1, D("1500.00")),
        ("C2", 5, 91, 120, 1, D("1500.00")),
        ("C5", 4, 61, 90, 3, D("3000.00")),
    ]


def test_one_row_per_client_as_of_the_build_date(warehouse):
    rows = warehouse.execute(
        "select client_id, as_of_date from marts.payment_behavior order by client_id").fetchall()
    assert rows == [(client, date(2025, 12, 31)) for client in ["C1", "C2", "C3", "C4", "C5"]]


def test_overview_totals_and_their_change_since_the_previous_month_end(warehouse):
    """ar_totals for the company at 2025-12-31 (a month end) against 2025-11-30.
    Open at 12-31: D16 800.00 (disputed, overdue), D23 2,000.00 (20 days overdue), D31
    2,500.00 (overdue), D41 700.00 (not due) = 6,000.00; overdue 800 + 2,000 + 2,500 =
    5,300.00; share 5,300 / 6,000 = 0.883333.
    Open at 11-30: D16 800.00 and D31 2,500.00 overdue, D23 2,000.00 (due 12-11) and D14
    400.00 EUR (440 USD / 1.1, due 12-20) not due; D41 not issued yet = 5,700.00, overdue
    3,300.00, share 0.578947 (3,300 / 5,700 = 0.5789473).
    Changes: +300.00, +2,000.00, 0.883333 - 0.578947 = +0.304386; 3 clients owed then (C1,
    C2, C3: C4 had nothing issued, C5's payments had all come)."""
    row = warehouse.execute("""
        select client_count, open_balance_amount, overdue_amount, overdue_share,
               unapplied_cash_amount, previous_client_count, open_balance_change,
               overdue_change, overdue_share_change, unapplied_cash_change
        from marts.ar_totals
        where as_of_date = date '2025-12-31' and dimension_type = 'company'
    """).fetchone()
    assert row == (4, D("6000.00"), D("5300.00"), D("0.883333"), D("0.00"),
                   3, D("300.00"), D("2000.00"), D("0.304386"), D("0.00"))
    grade_e = warehouse.execute("""
        select client_count, open_balance_amount from marts.ar_totals
        where as_of_date = date '2025-12-31' and dimension_type = 'grade' and dimension_value = 'E'
    """).fetchone()
    # C3 (2,500.00) and C5 (nothing open) are graded E; only C3 owes.
    assert grade_e == (1, D("2500.00"))


def test_abc_classes_add_up_to_each_period(warehouse):
    """concentration_classes: per period the classes hold every ranked client and the
    period's whole revenue, and their shares add up to 100 within 0.0001 per class."""
    gaps = warehouse.execute("""
        select classes.period_type, classes.period_end
        from (
            select period_type, period_end, sum(client_count) as clients,
                   sum(net_revenue_amount) as amount, sum(revenue_share_pct) as share, count(*) as class_count
            from marts.concentration_classes group by period_type, period_end
        ) as classes
        join marts.concentration_summary as summary using (period_type, period_end)
        where classes.clients <> summary.client_count
            or classes.amount <> summary.total_net_revenue_amount
            or abs(classes.share - 100) > 0.0001 * classes.class_count
    """).fetchall()
    periods = warehouse.execute("select count(*) from marts.concentration_classes").fetchone()[0]
    assert periods > 0 and gaps == []


def test_source_freshness_names_each_sources_newest_date_and_file(warehouse):
    """The newest document is D41 (issued 2025-12-15), the newest receipt R14 (12-19), the
    only rate 2025-11-20; each from the fixture's file of that entity, loaded once."""
    rows = {
        row[0]: row[1:]
        for row in warehouse.execute(
            "select source, newest_data_date, newest_file_name, newest_file_loaded_at is not null "
            "from marts.source_freshness where part = ''"
        ).fetchall()
    }
    assert rows["documents"] == (date(2025, 12, 15), "documents.csv", True)
    assert rows["receipts"] == (date(2025, 12, 19), "receipts.csv", True)
    assert rows["fx_rates"] == (date(2025, 11, 20), "fx_rates.csv", True)
