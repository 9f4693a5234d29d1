"""AR KPIs by month (ar_kpis_monthly) on a hand-made fixture, every figure worked by hand.

Fixture tests/fixtures/concentration_inbox (shared with test_concentration), as of
2025-05-20, reporting currency EUR; month ends May 2024 - April 2025 (May 2025 is not
over). Credit sales are document totals (VAT included, as in the AR):

| month    | credit sales                                             | receipts / credits         |
|----------|----------------------------------------------------------|----------------------------|
| May 2024 | D0 C2 484.00                                             | R0 484.00 on D0 (30 May)   |
| Jan 2025 | D1 C1 1,210.00 + D2 C2 605.00 = 1,815.00                  |                            |
| Feb 2025 | D3 C3 2,420.00 + D4 C4 USD 1,000 / 1.25 = 800.00 = 3,220  | R1 1,210.00 pays D1        |
| Mar 2025 | D5 C1 1,815.00 - CN1 C2 121.00 (on D2) = 1,694.00         | R2 484.00 pays D2; R3 D4   |
| Apr 2025 | D6 C1 968.00 + D7 C3 1,210.00 = 2,178.00                  | R4 1,000.00 on D3 (30 Apr) |

Ending AR (ar_aging_monthly), current (not due) and overdue:
- 31 Jan: D1 1,210 (due 9 Feb) + D2 605 (due 19 Feb) = 1,815, all current.
- 28 Feb: D2 605 overdue; D3 2,420 + D4 800 current: 3,825 = 3,220 current + 605 overdue.
- 31 Mar: D2 = 605 - 121 - 484 = 0, D4 paid; D3 2,420 (due 6 Apr) + D5 1,815 (due 2 Apr)
  = 4,235, all current.
- 30 Apr: D3 2,420 - 1,000 = 1,420 and D5 1,815 overdue = 3,235; D6 968 (due 10 May) +
  D7 1,210 (due 19 Jun) current = 2,178; ending AR 5,413.

April 2025, company:
- overdue share = 100 x 3,235 / 5,413 = 59.76353..% -> 59.7635
- credit sales of the last 3 months = Feb 3,220 + Mar 1,694 + Apr 2,178 = 7,092, over
  28 + 31 + 30 = 89 days.
- DSO simple = 5,413 x 89 / 7,092 = 481,757 / 7,092 = 67.9296.. -> 67.93
- best possible DSO = 2,178 x 89 / 7,092 = 193,842 / 7,092 = 27.3325.. -> 27.33
- average days delinquent = 67.93 - 27.33 = 40.60 (= 3,235 x 89 / 7,092 = 40.597..)
- DSO countback, walking back from April:
    AR 5,413 >= April sales 2,178: April counts whole, 30 days; 5,413 - 2,178 = 3,235 left
    3,235 >= March sales 1,694: March counts whole, 31 days; 3,235 - 1,694 = 1,541 left
    1,541 < February sales 3,220: February counts 1,541 / 3,220 of its 28 days
        = 43,148 / 3,220 = 13.40 days
    DSO countback = 30 + 31 + 13.40 = 74.40
- CEI = 100 x (beginning 4,235 + sales 2,178 - ending 5,413)
            / (beginning 4,235 + sales 2,178 - ending current 2,178)
      = 100 x 1,000 / 4,235 = 23.61275..% -> 23.6128
- AR turnover = 2,178 / ((4,235 + 5,413) / 2) = 2,178 / 4,824 = 0.45149.. -> 0.4515

March 2025: 3 months Jan-Mar = 1,815 + 3,220 + 1,694 = 6,729 over 31 + 28 + 31 = 90 days;
DSO simple = 4,235 x 90 / 6,729 = 381,150 / 6,729 = 56.6429.. -> 56.64 = best possible
(all current), delinquent 0.00. Countback: 4,235 - 1,694 = 2,541 left after March (31 d);
2,541 < 3,220: 2,541 / 3,220 x 28 = 22.0957 d; 31 + 22.0957 = 53.0957 -> 53.10.
CEI = 100 x (3,825 + 1,694 - 4,235) / (3,825 + 1,694 - 4,235) = 100 x 1,284 / 1,284 = 100.
Turnover = 1,694 / ((3,825 + 4,235) / 2) = 1,694 / 4,030 = 0.42034.. -> 0.4203.

February 2025: 3 months Dec-Feb = 0 + 1,815 + 3,220 = 5,035 over 31 + 31 + 28 = 90 days;
DSO simple = 3,825 x 90 / 5,035 = 68.3714.. -> 68.37; best possible = 3,220 x 90 / 5,035
= 57.5571.. -> 57.56; delinquent 68.37 - 57.56 = 10.81. Countback: 3,825 - 3,220 = 605
left after February (28 d); 605 < 1,815: 605 / 1,815 x 31 = 10.3333 d -> 38.33.
CEI = 100 x (1,815 + 3,220 - 3,825) / (1,815 + 3,220 - 3,220) = 100 x 1,210 / 1,815 = 66.6667.
Overdue share 100 x 605 / 3,825 = 15.8170. Turnover 3,220 / 2,820 = 1.1418.

January 2025: AR 1,815 = January's sales exactly: countback ends at the start of
January, 31.00 days. DSO simple = 1,815 x (30 + 31 + 31) / 1,815 = 92.00. CEI = 0 / 0: NULL.
Turnover 1,815 / ((0 + 1,815) / 2) = 2.0000.

August 2024: no sales in June-August: DSO simple and best possible are NULL (0 / 0 days
of sales), countback 0 (nothing open).
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "concentration_inbox"
COLUMNS = [
    "credit_sales_amount", "beginning_ar_amount", "ending_ar_amount", "current_ar_amount",
    "overdue_ar_amount", "overdue_share_pct", "credit_sales_3_months_amount", "days_in_3_months",
    "dso_simple", "dso_countback", "best_possible_dso", "average_days_delinquent", "cei_pct",
    "ar_turnover",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("ar_kpis")
    database = build_warehouse(FIXTURE, home, {"as_of_date": "2025-05-20"}, select="+ar_kpis_monthly")
    with duckdb.connect(str(database), read_only=True) as conn:
        yield conn


def kpis(conn, dimension_type: str, dimension_value: str, month_end: date) -> dict:
    row = conn.execute(
        f"""
        select {", ".join(COLUMNS)}
        from marts.ar_kpis_monthly
        where dimension_type = ? and dimension_value = ? and month_end = ?
        """,
        [dimension_type, dimension_value, month_end],
    ).fetchone()
    return dict(zip(COLUMNS, row))


def test_april_company_kpis_with_a_countback_over_two_whole_months_and_a_fraction(warehouse):
    assert kpis(warehouse, "company", "all", date(2025, 4, 30)) == {
        "credit_sales_amount": D("2178.00"),
        "beginning_ar_amount": D("4235.00"),
        "ending_ar_amount": D("5413.00"),
        "current_ar_amount": D("2178.00"),
        "overdue_ar_amount": D("3235.00"),
        "overdue_share_pct": D("59.7635"),
        "credit_sales_3_months_amount": D("7092.00"),
        "days_in_3_months": 89,
        "dso_simple": D("67.93"),
        "dso_countback": D("74.40"),
        "best_possible_dso": D("27.33"),
        "average_days_delinquent": D("40.60"),
        "cei_pct": D("23.6128"),
        "ar_turnover": D("0.4515"),
    }


def test_company_kpis_month_by_month(warehouse):
    rows = warehouse.execute(
        """
        select month_end, credit_sales_amount, ending_ar_amount, dso_simple, dso_countback,
               best_possible_dso, average_days_delinquent, cei_pct, ar_turnover
        from marts.ar_kpis_monthly
        where dimension_type = 'company' and month_end >= '2025-01-01'
        order by month_end
        """
    ).fetchall()
    assert rows == [
        (date(2025, 1, 31), D("1815.00"), D("1815.00"), D("92.00"), D("31.00"), D("92.00"), D("0.00"), None, D("2.0000")),
        (date(2025, 2, 28), D("3220.00"), D("3825.00"), D("68.37"), D("38.33"), D("57.56"), D("10.81"), D("66.6667"), D("1.1418")),
        (date(2025, 3, 31), D("1694.00"), D("4235.00"), D("56.64"), D("53.10"), D("56.64"), D("0.00"), D("100.0000"), D("0.4203")),
        (date(2025, 4, 30), D("2178.00"), D("5413.00"), D("67.93"), D("74.40"), D("27.33"), D("40.60"), D("23.6128"), D("0.4515")),
    ]


def test_no_sales_gives_null_ratios_not_zero(warehouse):
    row = kpis(warehouse, "company", "all", date(2024, 8, 31))
    assert row["credit_sales_3_months_amount"] == D("0.00")
    assert (row["dso_simple"], row["best_possible_dso"], row["cei_pct"], row["ar_turnover"]) == (None, None, None, None)
    assert row["dso_countback"] == D("0.00")


def test_branch_countback_counts_a_month_without_sales_whole(warehouse):
    """Branch Sur (C3, C4) at 30 April: AR = D3 1,420 + D7 1,210 = 2,630.
    April sales 1,210 (D7): 2,630 - 1,210 = 1,420 left, 30 days; March sales 0: 31 days,
    still 1,420 left; February sales 2,420 + 800 = 3,220 > 1,420: 1,420 / 3,220 x 28 =
    39,760 / 3,220 = 12.3478 days. 30 + 31 + 12.3478 = 73.3478 -> 73.35.
    DSO simple = 2,630 x 89 / (3,220 + 0 + 1,210) = 234,070 / 4,430 = 52.8375.. -> 52.84.
    CEI = 100 x (2,420 + 1,210 - 2,630) / (2,420 + 1,210 - 1,210) = 100 x 1,000 / 2,420
    = 41.32231.. -> 41.3223."""
    row = kpis(warehouse, "branch", "Sur", date(2025, 4, 30))
    assert (row["ending_ar_amount"], row["dso_countback"], row["dso_simple"], row["cei_pct"]) == (
        D("2630.00"), D("73.35"), D("52.84"), D("41.3223"),
    )


def test_dimensions_come_from_the_clients_current_attributes(warehouse):
    """C1 Ana/Norte, C2 Luis/Norte, C3 Ana/Sur, C4 no salesperson/Sur. In February
    Ana's sales are D3 2,420; '(not set)' (C4) D4 800.00; Luis nothing."""
    rows = warehouse.execute(
        """
        select dimension_type, dimension_value, credit_sales_amount
        from marts.ar_kpis_monthly
        where month_end = '2025-02-28' and dimension_type in ('company', 'branch', 'salesperson')
        order by dimension_type, dimension_value
        """
    ).fetchall()
    assert rows == [
        ("branch", "Norte", D("0.00")),
        ("branch", "Sur", D("3220.00")),
        ("company", "all", D("3220.00")),
        ("salesperson", "(not set)", D("800.00")),
        ("salesperson", "Ana", D("2420.00")),
        ("salesperson", "Luis", D("0.00")),
    ]
