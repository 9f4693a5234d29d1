"""Client concentration (client_concentration, concentration_summary, ar_concentration) on
a hand-made fixture, with every figure worked out by hand below.

Fixture tests/fixtures/concentration_inbox, as of 2025-05-20, reporting currency EUR.
Net revenue is the net (no VAT) of issued invoices + debit notes - credit notes:

| doc | client | issued     | net                | note                                  |
|-----|--------|------------|--------------------|---------------------------------------|
| D0  | C2     | 2024-05-20 | 400.00             |                                       |
| D1  | C1     | 2025-01-10 | 1,000.00           | total 1,210.00: the 210.00 VAT is out  |
| D2  | C2     | 2025-01-20 | 500.00             |                                       |
| D3  | C3     | 2025-02-05 | 2,000.00           |                                       |
| D4  | C4     | 2025-02-10 | USD 1,000.00       | 1.2500 USD per EUR: 1,000 / 1.25 = 800 |
| D5  | C1     | 2025-03-03 | 1,500.00           |                                       |
| D10 | C3     | 2025-03-10 | 5,000.00           | void: counts for nothing              |
| CN1 | C2     | 2025-03-15 | -100.00            | credit note on D2                     |
| D6  | C1     | 2025-04-10 | 800.00             |                                       |
| D7  | C3     | 2025-04-20 | 1,000.00           |                                       |
| D8  | C2     | 2025-05-05 | 600.00             |                                       |
| D9  | C1     | 2025-05-25 | 999.00             | after the as-of date: not yet there   |

Year 2025 (1 Jan - 20 May, period to date), and the trailing 12 months ending on the
as-of date (21 May 2024 - 20 May 2025: D0 of 20 May 2024 is one day too early), hold
the same documents:
  C1 = 1,000 + 1,500 + 800 = 3,300; C3 = 2,000 + 1,000 = 3,000;
  C2 = 500 - 100 + 600 = 1,000; C4 = 800. Total 8,100.
  shares: 3,300 / 8,100 = 40.74074..% -> 40.7407; 3,000 / 8,100 = 37.03703..% -> 37.0370;
          1,000 / 8,100 = 12.34567..% -> 12.3457; 800 / 8,100 = 9.87654..% -> 9.8765.
  cumulative: 40.7407; 6,300 / 8,100 = 77.7778; 7,300 / 8,100 = 90.12345.. -> 90.1235; 100.
  ABC: C1 A (<= 80), C3 A (77.78 <= 80), C2 B (90.12 <= 95), C4 C.
  HHI = 10,000 x (3,300^2 + 3,000^2 + 1,000^2 + 800^2) / 8,100^2
      = 10,000 x (10,890,000 + 9,000,000 + 1,000,000 + 640,000) / 65,610,000
      = 215,300,000,000 / 65,610,000 = 3,281.5119.. -> 3281.51.

Trailing 12 months ending 2025-04-30 (1 May 2024 - 30 April 2025): D0 is in, D8 is not.
  C1 3,300; C3 3,000; C2 = 400 + 500 - 100 = 800; C4 800 (a tie: C2 ranks first by id).
  Total 7,900. Shares 41.7722, 37.9747, 10.1266, 10.1266; cumulative 41.7722,
  6,300 / 7,900 = 79.7468 (A), 7,100 / 7,900 = 89.8734 (B), 100 (C).

Q1 2025: C1 = 1,000 + 1,500 = 2,500; C3 2,000; C4 800; C2 = 500 - 100 = 400. Total 5,700.
  top1 = 2,500 / 5,700 = 43.8596 %; top5 = top10 = 100 %.
  HHI = 10,000 x (6,250,000 + 4,000,000 + 640,000 + 160,000) / 32,490,000
      = 110,500,000,000 / 32,490,000 = 3,401.0464.. -> 3401.05.
  hhi_change NULL: Q4 2024 had no revenue.
Q2 2025 (1 April - 20 May): C3 1,000, C1 800, C2 600; total 2,400.
  HHI = 10,000 x (1,000,000 + 640,000 + 360,000) / 5,760,000 = 3,472.22; change
  3,472.22 - 3,401.05 = 71.17.

Months: January C1 1,000 + C2 500 = 1,500: HHI = 10,000 x 1,250,000 / 2,250,000 = 5,555.56
(change NULL: December had no revenue). February C3 2,000 + C4 800 = 2,800: HHI = 10,000 x
4,640,000 / 7,840,000 = 5,918.37, change 362.81. March: C1 1,500, C2 -100 (credit note
only): C2 has no share to rank, C1 is 100 %, HHI 10,000, change 4,081.63. April: C3 1,000
+ C1 800 = 1,800: HHI = 10,000 x 1,640,000 / 3,240,000 = 5,061.73, change -4,938.27.

Open AR at 2025-05-20 (ar_aging): C1 = D5 1,815.00 + D6 968.00 = 2,783.00 (no receipt);
C3 = D3 2,420.00 - R4 1,000.00 + D7 1,210.00 = 2,630.00; C2 = D8 726.00 (D0 and D2 paid,
D2 = 605 - 121 credit - 484 receipt); C4: D4 paid, only unapplied cash (R5 USD 100): not
ranked. Total 6,139.00.
  shares: 2,783 / 6,139 = 45.33311..% -> 45.3331; 2,630 / 6,139 = 42.84085..% -> 42.8409;
          726 / 6,139 = 11.82603..% -> 11.8260.
  cumulative: 45.3331; 5,413 / 6,139 = 88.17397.. -> 88.1740 (B); 100 (C).
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "concentration_inbox"
AS_OF = date(2025, 5, 20)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("concentration")
    database = build_warehouse(
        FIXTURE, home, {"as_of_date": AS_OF.isoformat()},
        select="+client_concentration +concentration_summary +ar_concentration",
    )
    with duckdb.connect(str(database), read_only=True) as conn:
        yield conn


def ranking(conn, period_type: str, period_end: date) -> list[tuple]:
    return conn.execute(
        """
        select client_id, period_start, net_revenue_amount, revenue_share_pct, revenue_rank,
               cumulative_share_pct, abc_class
        from marts.client_concentration
        where period_type = ? and period_end = ?
        order by revenue_rank
        """,
        [period_type, period_end],
    ).fetchall()


def summary(conn, period_type: str, period_end: date) -> tuple:
    return conn.execute(
        """
        select client_count, total_net_revenue_amount, top1_share_pct, top5_share_pct,
               top10_share_pct, hhi, hhi_change
        from marts.concentration_summary
        where period_type = ? and period_end = ?
        """,
        [period_type, period_end],
    ).fetchone()


YEAR_2025 = [
    ("C1", D("3300.00"), D("40.7407"), 1, D("40.7407"), "A"),
    ("C3", D("3000.00"), D("37.0370"), 2, D("77.7778"), "A"),
    ("C2", D("1000.00"), D("12.3457"), 3, D("90.1235"), "B"),
    ("C4", D("800.00"), D("9.8765"), 4, D("100.0000"), "C"),
]


def test_year_to_date_net_revenue_without_vat_at_the_issue_date_rate(warehouse):
    rows = ranking(warehouse, "year", AS_OF)
    assert {row[1] for row in rows} == {date(2025, 1, 1)}
    assert [row[:1] + row[2:] for row in rows] == YEAR_2025


def test_trailing_twelve_months_at_the_as_of_date_is_what_credit_limits_read(warehouse):
    rows = ranking(warehouse, "trailing_12_months", AS_OF)
    # 21 May 2024 - 20 May 2025: D0 (20 May 2024) is one day before the window.
    assert {row[1] for row in rows} == {date(2024, 5, 21)}
    assert [row[:1] + row[2:] for row in rows] == YEAR_2025


def test_trailing_twelve_months_at_a_month_end_breaks_ties_by_client_id(warehouse):
    rows = ranking(warehouse, "trailing_12_months", date(2025, 4, 30))
    assert {row[1] for row in rows} == {date(2024, 5, 1)}
    assert [row[:1] + row[2:] for row in rows] == [
        ("C1", D("3300.00"), D("41.7722"), 1, D("41.7722"), "A"),
        ("C3", D("3000.00"), D("37.9747"), 2, D("79.7468"), "A"),
        ("C2", D("800.00"), D("10.1266"), 3, D("89.8734"), "B"),
        ("C4", D("800.00"), D("10.1266"), 4, D("100.0000"), "C"),
    ]


def test_a_client_with_only_a_credit_note_in_the_period_is_not_ranked(warehouse):
    assert [row[0] for row in ranking(warehouse, "month", date(2025, 3, 31))] == ["C1"]
    assert summary(warehouse, "month", date(2025, 3, 31)) == (
        1, D("1500.00"), D("100.0000"), D("100.0000"), D("100.0000"), D("10000.00"), D("4081.63"),
    )


def test_quarters_top_shares_hhi_and_its_change(warehouse):
    assert [row[:1] + row[2:] for row in ranking(warehouse, "quarter", date(2025, 3, 31))] == [
        ("C1", D("2500.00"), D("43.8596"), 1, D("43.8596"), "A"),
        ("C3", D("2000.00"), D("35.0877"), 2, D("78.9474"), "A"),
        ("C4", D("800.00"), D("14.0351"), 3, D("92.9825"), "B"),
        ("C2", D("400.00"), D("7.0175"), 4, D("100.0000"), "C"),
    ]
    assert summary(warehouse, "quarter", date(2025, 3, 31)) == (
        4, D("5700.00"), D("43.8596"), D("100.0000"), D("100.0000"), D("3401.05"), None,
    )
    # The running quarter ends on the as-of date.
    assert summary(warehouse, "quarter", AS_OF) == (
        3, D("2400.00"), D("41.6667"), D("100.0000"), D("100.0000"), D("3472.22"), D("71.17"),
    )


def test_monthly_hhi_trend(warehouse):
    rows = warehouse.execute(
        """
        select period_end, client_count, hhi, hhi_change
        from marts.concentration_summary
        where period_type = 'month' and period_end >= '2024-12-01'
        order by period_end
        """
    ).fetchall()
    assert rows == [
        (date(2024, 12, 31), 0, None, None),
        (date(2025, 1, 31), 2, D("5555.56"), None),
        (date(2025, 2, 28), 2, D("5918.37"), D("362.81")),
        (date(2025, 3, 31), 1, D("10000.00"), D("4081.63")),
        (date(2025, 4, 30), 2, D("5061.73"), D("-4938.27")),
        (AS_OF, 1, D("10000.00"), D("4938.27")),
    ]


def test_every_period_type_has_one_row_per_period(warehouse):
    counts = dict(warehouse.execute(
        "select period_type, count(*) from marts.concentration_summary group by period_type"
    ).fetchall())
    # Months May 2024 - May 2025 (13); quarters Q2 2024 - Q2 2025 (5); years 2024, 2025;
    # trailing windows at the 12 month ends May 2024 - April 2025 and at the as-of date.
    assert counts == {"month": 13, "quarter": 5, "year": 2, "trailing_12_months": 13}


def test_open_receivable_concentration(warehouse):
    rows = warehouse.execute(
        """
        select as_of_date, client_id, open_balance_amount, ar_share_pct, ar_rank,
               cumulative_ar_share_pct, abc_class
        from marts.ar_concentration
        order by ar_rank
        """
    ).fetchall()
    assert rows == [
        (AS_OF, "C1", D("2783.00"), D("45.3331"), 1, D("45.3331"), "A"),
        (AS_OF, "C3", D("2630.00"), D("42.8409"), 2, D("88.1740"), "B"),
        (AS_OF, "C2", D("726.00"), D("11.8260"), 3, D("100.0000"), "C"),
    ]


def test_at_a_month_end_the_trailing_window_is_listed_once(tmp_path):
    """As of 2025-02-28, a month end: the trailing window ending on the as-of date is the
    month-end one, counted in whole months (1 March 2024 - 28 February 2025, not from
    29 February), listed once; the running quarter and year end on the as-of date."""
    database = build_warehouse(FIXTURE, tmp_path, {"as_of_date": "2025-02-28"}, select="+int_concentration_periods")
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(
            """
            select period_type, period_start, period_end
            from intermediate.int_concentration_periods
            where period_end >= '2025-01-31'
            order by period_type, period_end
            """
        ).fetchall()
    assert rows == [
        ("month", date(2025, 1, 1), date(2025, 1, 31)),
        ("month", date(2025, 2, 1), date(2025, 2, 28)),
        ("quarter", date(2025, 1, 1), date(2025, 2, 28)),
        ("trailing_12_months", date(2024, 2, 1), date(2025, 1, 31)),
        ("trailing_12_months", date(2024, 3, 1), date(2025, 2, 28)),
        ("year", date(2025, 1, 1), date(2025, 2, 28)),
    ]
