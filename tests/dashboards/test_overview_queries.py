"""The overview's queries on the demo warehouse: the cash forecast and the aging history
honour the filters and the chosen date."""

from datetime import date

import pandas as pd
import pytest

from apptest import marts
from dashboards import db
from dashboards.queries import overview
from dashboards.selection import Filters


@pytest.fixture
def database(demo) -> db.PublishedDatabase:
    return db.open_published()


def test_without_filters_the_forecast_is_the_weekly_mart(demo, database):
    weeks = overview.cash_forecast_weeks(database, Filters())

    expected = marts(
        demo,
        "select week_start_date, expected_amount, doubtful_amount "
        "from marts.cash_forecast_weekly order by week_start_date",
    )
    assert len(weeks) == 13
    assert list(weeks["week_start_date"]) == list(expected["week_start_date"])
    assert list(weeks["expected_amount"]) == list(expected["expected_amount"])
    assert list(weeks["doubtful_amount"]) == list(expected["doubtful_amount"])


def test_a_branch_forecast_sums_the_forecast_of_its_clients(demo, database):
    weeks = overview.cash_forecast_weeks(database, Filters(branches=("Madrid",)))

    expected = marts(
        demo,
        """
        select weeks.week_start_date, coalesce(sum(forecast.expected_amount), 0) as expected
        from marts.cash_forecast_weekly as weeks
        left join (
            select forecast.* from marts.cash_forecast as forecast
            join marts.dim_clients as clients
                on clients.client_id = forecast.client_id and clients.is_current
            where clients.branch = 'Madrid'
        ) as forecast on forecast.week_start_date = weeks.week_start_date
        group by weeks.week_start_date order by weeks.week_start_date
        """,
    )
    assert list(weeks["expected_amount"]) == list(expected["expected"])
    assert sum(weeks["expected_amount"]) < sum(
        overview.cash_forecast_weeks(database, Filters())["expected_amount"]
    )


def test_the_aging_history_stops_at_the_chosen_date(database):
    history = overview.aging_history(database, Filters(), date(2026, 6, 30))

    assert max(history["month_end"]) == date(2026, 6, 30)


@pytest.mark.parametrize("filters", [Filters(), Filters(branches=("Madrid",)), Filters(grades=("A",))])
def test_the_aging_history_from_ar_totals_is_the_sum_of_the_clients_month_ends(
    database, monkeypatch, filters
):
    """The company's and a single branch's or grade's history read ar_totals' bucket sums;
    summing the kept clients' rows of ar_aging_monthly (the way for any other choice of
    filters) gives the same amounts at every month end, to the cent."""
    until = date(2026, 10, 31)
    from_totals = overview.aging_history.__wrapped__(database, filters, until)
    monkeypatch.setattr(overview, "filters_dimension", lambda filters: None)
    from_clients = overview.aging_history.__wrapped__(database, filters, until)

    assert len(from_totals) > 6 * 12  # every bucket of more than a year of month ends
    assert from_totals["amount"].sum() > 0
    pd.testing.assert_frame_equal(from_totals, from_clients)
