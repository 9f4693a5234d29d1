"""The query functions against a real published file: hand-computed sums and orders."""

from datetime import date
from decimal import Decimal

import pytest

from dashboards import db
from dashboards.queries import aging, frame, overview
from dashboards.queries.base import Page
from dashboards.selection import Filters
from published_warehouse import JANUARY, MARCH, write_published_db

NO_FILTER = Filters()


@pytest.fixture
def database(cartera_home) -> db.PublishedDatabase:
    return db.open_published()


def test_the_published_as_of_date_is_the_latest_of_ar_aging(database):
    assert frame.published_as_of(database) == MARCH


def test_totals_at_the_published_date(database):
    totals = overview.receivable_totals(database, None, NO_FILTER).iloc[0]

    assert totals["currency_code"] == "EUR"
    assert totals["open_balance_amount"] == Decimal("9150.74")
    assert totals["overdue_amount"] == Decimal("5350.74")
    assert totals["overdue_share"] == pytest.approx(5350.74 / 9150.74)
    assert totals["unapplied_cash_amount"] == Decimal("170.00")
    assert totals["client_count"] == 4


def test_a_date_between_month_ends_reads_ar_aging_at_that_date(database):
    # The fixture's macro answers with the latest month end on or before the date.
    totals = overview.receivable_totals(database, date(2026, 2, 15), NO_FILTER).iloc[0]

    assert totals["open_balance_amount"] == Decimal("4700.00")  # 1500 + 2700 + 500 (January)
    assert totals["client_count"] == 3


def test_a_date_before_any_balance_gives_zero_totals(database):
    totals = overview.receivable_totals(database, date(2025, 12, 31), NO_FILTER).iloc[0]

    assert totals["client_count"] == 0
    assert totals["open_balance_amount"] == Decimal("0.00")
    assert totals["overdue_share"] == 0


def test_current_aging_has_every_bucket_in_order_with_its_bounds(database):
    aging = overview.current_aging(database, None, NO_FILTER)

    assert list(aging["bucket_order"]) == [1, 2, 3, 4, 5, 6]
    assert list(aging["min_days"]) == [None, 1, 31, 61, 91, 121]
    assert list(aging["max_days"]) == [0, 30, 60, 90, 120, None]
    assert list(aging["amount"]) == [
        Decimal("3800.00"),  # 1000 + 2000 + 800
        Decimal("500.00"),
        Decimal("250.50"),
        Decimal("1200.00"),
        Decimal("300.25"),
        Decimal("3099.99"),  # 100 + 2999.99
    ]


def test_aging_history_has_each_month_end_and_bucket(database):
    history = overview.aging_history(database, NO_FILTER, MARCH)

    assert len(history) == 3 * 6
    january = history[history["month_end"] == JANUARY]
    assert list(january["amount"]) == [
        Decimal("3200.00"), Decimal("300.00"), Decimal("1200.00"),
        Decimal("0.00"), Decimal("0.00"), Decimal("0.00"),
    ]
    totals_by_month = history.groupby("month_end")["amount"].sum()
    assert list(totals_by_month) == [Decimal("4700.00"), Decimal("8449.99"), Decimal("9150.74")]


def test_top_overdue_clients_are_those_with_overdue_largest_first(database):
    clients = overview.top_overdue_clients(database, None, NO_FILTER, 10)

    assert list(clients["client_id"]) == ["C4", "C2", "C1"]
    assert list(clients["overdue_amount"]) == [
        Decimal("2999.99"), Decimal("1500.25"), Decimal("850.50"),
    ]
    assert list(clients["open_balance_amount"]) == [
        Decimal("2999.99"), Decimal("3500.25"), Decimal("1850.50"),
    ]
    # Shares of the total overdue of all clients, not only of those shown.
    assert list(clients["overdue_share"]) == pytest.approx(
        [2999.99 / 5350.74, 1500.25 / 5350.74, 850.50 / 5350.74]
    )
    assert list(overview.top_overdue_clients(database, None, NO_FILTER, 2)["client_id"]) == ["C4", "C2"]


def test_bucket_columns_and_bounds_come_from_the_bucket_table(tmp_path, monkeypatch):
    buckets = [
        (1, "current_amount", None, 0),
        (2, "days_1_45_amount", 1, 45),
        (3, "days_over_45_amount", 46, None),
    ]
    months = {MARCH: {"C1": (["10.00", "20.00", "30.00"], "0.00")}}
    path = write_published_db(tmp_path / "custom.duckdb", buckets=buckets, months=months)
    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(path))
    database = db.open_published()

    aging = overview.current_aging(database, None, NO_FILTER)

    assert list(aging["column_name"]) == [column for _, column, _, _ in buckets]
    assert list(aging["amount"]) == [Decimal("10.00"), Decimal("20.00"), Decimal("30.00")]
    assert overview.receivable_totals(database, None, NO_FILTER).iloc[0]["overdue_amount"] == Decimal("50.00")


def test_a_page_of_the_client_aging_is_those_rows_of_the_whole_list(database):
    """Open balances in March (sum of the buckets): C1 1,000 + 500 + 250.50 + 100 = 1,850.50;
    C2 2,000 + 1,200 + 300.25 = 3,500.25; C3 800; C4 2,999.99. Largest first: C2, C4, C1, C3.
    Pages of 3: C2, C4, C1, then C3 alone; the totals count the 4 clients of both pages."""
    whole = aging.client_aging(database, None, NO_FILTER)
    first = aging.client_aging(database, None, NO_FILTER, Page(0, 3))
    second = aging.client_aging(database, None, NO_FILTER, Page(1, 3))

    assert list(whole["client_id"]) == ["C2", "C4", "C1", "C3"]
    assert list(first["client_id"]) == ["C2", "C4", "C1"]
    assert list(second["client_id"]) == ["C3"]
    assert list(first["open_balance_amount"]) == [
        Decimal("3500.25"), Decimal("2999.99"), Decimal("1850.50")
    ]
    assert first.columns.equals(whole.columns)
    assert aging.totals(database, None, NO_FILTER).iloc[0]["client_count"] == 4


def test_a_page_at_an_earlier_date_reads_that_dates_order(database):
    """In February: C2 2,000 + 1,200 = 3,200; C4 2,999.99; C1 900 + 400 + 300 = 1,600;
    C3 650. The second page of 2 is C1 then C3."""
    second = aging.client_aging(database, date(2026, 2, 28), NO_FILTER, Page(1, 2))

    assert list(second["client_id"]) == ["C1", "C3"]
    assert list(second["open_balance_amount"]) == [Decimal("1600.00"), Decimal("650.00")]
