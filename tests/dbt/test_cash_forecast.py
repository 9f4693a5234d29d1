"""Cash forecast, its weekly summary and its backtest on a hand-made fixture.

Fixture tests/fixtures/statement_inbox (see test_statement_of_account), as of 2025-06-30
(a Monday), reporting currency EUR.

Cash payments (fct_installment_payments, is_payment) and days beyond terms:
- D1 (C1) 1,000.00 due 2025-03-31, settled by R1 on 2025-04-10: 10 days.
- D2 (C1) 500.00 due 2025-05-01, withholding from 04-01, settled by R2 on 2025-05-21: 20.
- D5#1 (C2) 333.33 USD = 303.03 EUR due 2025-03-05, settled by R4 on 2025-03-20: 15.
Typical days beyond terms (amount-weighted, reporting amounts, last 365 days):
- C1: (1,000.00 x 10 + 500.00 x 20) / 1,500.00 = 13.33 -> 13 days.
- C2: 15.00 -> 15 days.
- C3 never paid: the company's (10,000.00 + 10,000.00 + 303.03 x 15 = 4,545.45) =
  24,545.45 / 1,803.03 = 13.61 -> 14 days.
Grades (payment_behavior): C1 C, C2 D, C3 E (moroso: D6 151 days past due, undisputed).

Open instalments, expected date = greatest(2025-07-01, due + days):
- D3#1 C1 95.00: 06-14 + 13 = 06-27 -> 07-01 (W27).
- D3#2 C1 605.00: 07-14 + 13 = 07-27 (Sunday, W30).
- D4 C1 300.00: 07-20 + 13 = 08-02 (Saturday, W31).
- D5#2 C2 233.33 USD = 212.12 EUR: 04-04 + 15 = 04-19 -> 07-01 (W27).
- D5#3 C2 333.34 USD = 303.04 EUR: 05-04 + 15 = 05-19 -> 07-01 (W27).
- D6 C3 800.00: 01-30 + 14 = 02-13 -> 07-01 (W27), doubtful: grade E, 151 days past due.
- D7 C3 200.00: 07-31 + 14 = 08-14 (W33), doubtful: grade E, in dispute.
- D9 C3 150.00: 08-14 + 14 = 08-28 (W35), doubtful: grade E only.
Weeks W27 (2025-06-30) to W39 (2025-09-22): W27 expected 95.00 + 212.12 + 303.04 =
610.16, doubtful 800.00; W30 605.00; W31 300.00; W33 doubtful 200.00; W35 doubtful
150.00; the other eight weeks 0.00.

Backtest, each paid instalment predicted the day before its due date:
- D5#1 due 03-05: nobody had paid yet -> 0 days -> 03-05; paid 03-20: error -15.
- D1 due 03-31: C1 had not paid; company = D5#1's 15 days -> 04-15; paid 04-10: +5.
- D2 due 05-01: C1 = D1's 10 days -> 05-11; paid 05-21: -10. (The company's by then:
  (303.03 x 15 + 1,000.00 x 10) / 1,303.03 = 14,545.45 / 1,303.03 = 11.16, unused.)
MAE (15 + 5 + 10) / 3 = 10.00; bias (-15 + 5 - 10) / 3 = -6.67; "paid on the due date"
misses by (15 + 10 + 20) / 3 = 15.00; weighted by amount (303.03 x 15 + 1,000.00 x 5 +
500.00 x 10) / 1,803.03 = 14,545.45 / 1,803.03 = 8.07.
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "statement_inbox"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("cash_forecast")
    db = build_warehouse(
        FIXTURE, home, {"as_of_date": "2025-06-30"},
        select="+cash_forecast_weekly +cash_forecast_backtest_summary +fct_installments",
    )
    with duckdb.connect(str(db), read_only=True) as conn:
        yield conn


def test_each_open_instalment_gets_a_date_and_an_amount(warehouse):
    rows = warehouse.execute(
        "select installment_key, expected_days_late, expected_collection_date, iso_week, is_doubtful, "
        "doubtful_reason, expected_amount, doubtful_amount from marts.cash_forecast order by installment_key"
    ).fetchall()
    z = D("0.00")
    assert rows == [
        ("D3|1", 13, date(2025, 7, 1), "2025-W27", False, None, D("95.00"), z),
        ("D3|2", 13, date(2025, 7, 27), "2025-W30", False, None, D("605.00"), z),
        ("D4|1", 13, date(2025, 8, 2), "2025-W31", False, None, D("300.00"), z),
        ("D5|2", 15, date(2025, 7, 1), "2025-W27", False, None, D("212.12"), z),
        ("D5|3", 15, date(2025, 7, 1), "2025-W27", False, None, D("303.04"), z),
        ("D6|1", 14, date(2025, 7, 1), "2025-W27", True, "grade E; 151 days past due", z, D("800.00")),
        ("D7|1", 14, date(2025, 8, 14), "2025-W33", True, "grade E; in dispute", z, D("200.00")),
        ("D9|1", 14, date(2025, 8, 28), "2025-W35", True, "grade E", z, D("150.00")),
    ]


def test_typical_days_come_from_payment_behaviour_else_the_company(warehouse):
    rows = warehouse.execute(
        "select distinct client_id, grade, client_days_beyond_terms, company_days_beyond_terms, is_company_fallback "
        "from marts.cash_forecast order by client_id"
    ).fetchall()
    assert rows == [
        ("C1", "C", D("13.33"), D("13.61"), False),
        ("C2", "D", D("15.00"), D("13.61"), False),
        ("C3", "E", None, D("13.61"), True),
    ]


def test_thirteen_iso_weeks_empty_ones_included(warehouse):
    rows = warehouse.execute(
        "select week_start_date, iso_week, expected_amount, doubtful_amount from marts.cash_forecast_weekly "
        "order by week_start_date"
    ).fetchall()
    z = D("0.00")
    amounts = {"2025-W27": (D("610.16"), D("800.00")), "2025-W30": (D("605.00"), z), "2025-W31": (D("300.00"), z),
               "2025-W33": (z, D("200.00")), "2025-W35": (z, D("150.00"))}
    assert len(rows) == 13
    assert rows[0][:2] == (date(2025, 6, 30), "2025-W27")
    assert rows[-1][:2] == (date(2025, 9, 22), "2025-W39")
    assert {row[1]: row[2:] for row in rows if row[2:] != (z, z)} == amounts


def test_backtest_predicts_with_what_was_known_at_the_due_date(warehouse):
    rows = warehouse.execute(
        "select installment_key, client_days_beyond_terms, company_days_beyond_terms, predicted_collection_date, "
        "paid_date, error_days from marts.cash_forecast_backtest order by due_date"
    ).fetchall()
    assert rows == [
        ("D5|1", None, None, date(2025, 3, 5), date(2025, 3, 20), -15),
        ("D1|1", None, D("15.00"), date(2025, 4, 15), date(2025, 4, 10), 5),
        ("D2|1", D("10.00"), D("11.16"), date(2025, 5, 11), date(2025, 5, 21), -10),
    ]


def test_backtest_summary(warehouse):
    assert warehouse.execute(
        "select installment_count, mean_absolute_error_days, mean_error_days, due_date_mean_absolute_error_days, "
        "weighted_mean_absolute_error_days from marts.cash_forecast_backtest_summary"
    ).fetchall() == [(3, D("10.00"), D("-6.67"), D("15.00"), D("8.07"))]
