"""`marts.ar_aging_at(date)` reads one month's slice of the open periods
(int_open_item_months, int_unapplied_receipt_months: DECISIONLOG, Aging at any past date);
at every date it must give what the build's own aging gives when it reads every period.

Fixture tests/fixtures/aging_inbox (worked out in tests/e2e/test_aging_fixture.py), built
as of 2025-06-30 with only the aging chain. Its dated events: D3 (C2, 1,100.00 USD = 1,000.00
EUR, due 02-09) issued 01-10; D1 (C1, 1,210.00 in #1 400 due 03-31, #2 400 due 04-30, #3 410
due 05-30) issued 03-01; R1 04-05 (400 naming #1, 100 naming none); CN1 04-15 (121 on D1);
CN2 06-01 (unlinked, -50.00); W1 06-05 (60 on D1); D2 06-10 (605.00, due 07-10); R2 06-20
(300.00, unapplied).

The reference for a date is the same macro over every open period: in a transaction rolled
back afterwards, the two month-keyed tables are replaced by views holding each open period
under every month, so the month lookup keeps them all and only valid_from <= D < valid_to
chooses (the range read of the whole history the slice replaces).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"

AS_OF = date(2025, 6, 30)
DATES = [
    date(2025, 1, 9),    # the day before the first document: nothing
    date(2025, 1, 10),   # the first document's day
    date(2025, 4, 10),   # inside a month (worked out below)
    date(2025, 4, 29),   # the day before a month end
    date(2025, 4, 30),   # a month end (the build's ar_aging_monthly)
    date(2025, 5, 1),    # the day after it
    date(2025, 5, 30),
    date(2025, 5, 31),
    date(2025, 6, 1),    # worked out below
    date(2025, 6, 20),   # the last receipt's day
    date(2025, 6, 25),   # after the last document and receipt, before the as-of date
    AS_OF,               # the build's ar_aging
    date(2025, 7, 15),   # after the as-of date: a month the tables hold no rows for
    date(2026, 2, 14),
]
EVERY_MONTH = "(select cast(range as date) as period_month from range(date '2025-01-01', date '2026-03-01', interval 1 month))"
UNSLICED = {
    "int_open_item_months": f"""
        select months.period_month, balances.*
        from intermediate.int_receivable_item_balances as balances cross join {EVERY_MONTH} as months
        where balances.outstanding_amount <> 0""",
    "int_unapplied_receipt_months": f"""
        select months.period_month, balances.*
        from intermediate.int_receipt_balances as balances cross join {EVERY_MONTH} as months
        where balances.unapplied_amount <> 0""",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    home = tmp_path_factory.mktemp("aging_at")
    return build_warehouse(FIXTURE, home, {"as_of_date": AS_OF.isoformat()},
                           select="+ar_aging +ar_aging_monthly")


def aging_at(conn, day: date) -> list[tuple]:
    return sorted(conn.execute("select * from marts.ar_aging_at(?)", [day]).fetchall())


def test_every_date_reads_from_the_month_slice_what_every_period_gives(database):
    with duckdb.connect(str(database)) as conn:
        sliced = {day: aging_at(conn, day) for day in DATES}
        conn.execute("begin")
        for table, sql in UNSLICED.items():
            conn.execute(f"drop table intermediate.{table}")
            conn.execute(f"create view intermediate.{table} as {sql}")
        unsliced = {day: aging_at(conn, day) for day in DATES}
        conn.execute("rollback")
        assert conn.execute("select count(*) from intermediate.int_open_item_months").fetchone()[0] > 0
    assert sliced == unsliced
    assert sliced[date(2025, 1, 9)] == []
    assert all(len(sliced[day]) == 2 for day in DATES if day >= date(2025, 3, 1))


def test_month_ends_and_the_as_of_date_equal_the_builds_stored_aging(database):
    with duckdb.connect(str(database), read_only=True) as conn:
        for month_end in (date(2025, 4, 30), date(2025, 5, 31)):
            stored = sorted(conn.execute("select * from marts.ar_aging_monthly where as_of_date = ?",
                                         [month_end]).fetchall())
            assert stored and aging_at(conn, month_end) == stored
        assert aging_at(conn, AS_OF) == sorted(conn.execute("select * from marts.ar_aging").fetchall())


FIGURES = """select client_id, not_due_amount, days_1_30_amount, days_31_60_amount, days_91_120_amount,
                    open_balance_amount, overdue_amount, unapplied_cash_amount, net_balance_amount
             from marts.ar_aging_at(?) order by client_id"""


def test_inside_a_month_by_hand(database):
    """2025-04-10. C1: R1 (04-05) paid #1's 400 by name and its other 100 to the oldest open
    instalment, #2: #2 = 400 - 100 = 300 (due 04-30) and #3 = 410 (due 05-30), both not
    due: 710.00, nothing overdue; R1 wholly allocated, no unapplied cash. C2: D3 1,000.00
    EUR due 02-09 is 19 (Feb) + 31 (Mar) + 10 = 60 days past due: 31-60."""
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(FIGURES, [date(2025, 4, 10)]).fetchall()
    cents = Decimal
    assert rows == [
        ("C1", cents("710.00"), cents("0.00"), cents("0.00"), cents("0.00"), cents("710.00"), cents("0.00"), cents("0.00"), cents("710.00")),
        ("C2", cents("0.00"), cents("0.00"), cents("1000.00"), cents("0.00"), cents("1000.00"), cents("1000.00"), cents("0.00"), cents("1000.00")),
    ]


def test_the_day_after_a_month_end_by_hand(database):
    """2025-06-01. C1: CN1 (04-15, 121) also went to #2: 300 - 121 = 179, due 04-30, 31 (May)
    + 1 = 32 days: 31-60; #3 410 due 05-30, 2 days: 1-30; open 589.00, all overdue (W1,
    D2 and R2 are later). C2: D3 is 19 + 31 + 30 + 31 + 1 = 112 days: 91-120; CN2 issued
    that day is -50.00 not due; open 1,000.00 - 50.00 = 950.00, overdue 1,000.00."""
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(FIGURES, [date(2025, 6, 1)]).fetchall()
    cents = Decimal
    assert rows == [
        ("C1", cents("0.00"), cents("410.00"), cents("179.00"), cents("0.00"), cents("589.00"), cents("589.00"), cents("0.00"), cents("589.00")),
        ("C2", cents("-50.00"), cents("0.00"), cents("0.00"), cents("1000.00"), cents("950.00"), cents("1000.00"), cents("0.00"), cents("950.00")),
    ]
