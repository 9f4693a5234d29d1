"""The overview's trend and forecast figures, asserted on fig.data."""

from datetime import date
from decimal import Decimal

import pandas as pd

from dashboards import charts

NBSP = "\u00a0"


def kpis() -> pd.DataFrame:
    """Three month ends of the shape of queries.overview.kpi_trend; October's countback is
    NULL (the AR is more than all sales of the history)."""
    return pd.DataFrame(
        {
            "month_end": [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)],
            "dso_simple": [Decimal("80.50"), Decimal("86.45"), Decimal("87.90")],
            "dso_countback": [Decimal("79.10"), Decimal("86.78"), None],
            "best_possible_dso": [Decimal("50.00"), Decimal("51.61"), Decimal("53.87")],
            "cei_pct": [Decimal("55.1000"), Decimal("41.9252"), Decimal("48.4317")],
        }
    )


def test_dso_trend_has_one_line_per_measure_and_hovers_name_the_month():
    figure = charts.dso_trend(kpis(), "es")

    assert figure.layout.legend.y > 1  # above the plot, clear of the month labels
    assert [trace.name for trace in figure.data] == [
        "DSO simple", "DSO por descuento", "Mejor DSO posible",
    ]
    simple, countback, _ = figure.data
    assert list(simple.x) == ["ago 2026", "sept 2026", "oct 2026"]
    assert list(simple.y) == [Decimal("80.50"), Decimal("86.45"), Decimal("87.90")]
    # A NULL countback leaves a gap, not a zero.
    assert list(countback.y) == [Decimal("79.10"), Decimal("86.78"), None]
    assert [list(row) for row in simple.customdata][2] == ["oct 2026", "DSO simple", "87,9 días"]
    assert "%{customdata[0]}" in simple.hovertemplate


def test_cei_trend_shows_the_marts_percentages_with_the_month_in_english():
    figure = charts.cei_trend(kpis(), "en")

    (line,) = figure.data
    assert list(line.x) == ["Aug 2026", "Sept 2026", "Oct 2026"]
    assert list(line.y) == [Decimal("55.1000"), Decimal("41.9252"), Decimal("48.4317")]
    assert [list(row) for row in line.customdata][1] == ["Sept 2026", "CEI", "41.9%"]


def test_cash_forecast_stacks_doubtful_over_expected_by_week():
    weeks = pd.DataFrame(
        {
            "week_start_date": [date(2026, 11, 2), date(2026, 11, 9)],
            "expected_amount": [Decimal("1200.50"), Decimal("0.00")],
            "doubtful_amount": [Decimal("300.00"), Decimal("45.10")],
        }
    )

    figure = charts.cash_forecast(weeks, "EUR", "es")

    assert figure.layout.barmode == "stack"
    assert figure.layout.legend.y > 1  # above the plot, clear of the week labels
    expected, doubtful = figure.data
    assert (expected.name, doubtful.name) == ("Cobro esperado", "Dudoso")
    assert list(expected.x) == ["Semana del 2 nov", "Semana del 9 nov"]
    assert list(doubtful.y) == [Decimal("300.00"), Decimal("45.10")]
    assert [list(row) for row in expected.customdata][0] == [
        "Semana del 2 nov", "Cobro esperado", f"1.200,50{NBSP}€",
    ]
