"""The figures, asserted on fig.data: trace names, order, values and colours."""

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest

from dashboards import charts
from published_warehouse import BUCKETS

LABELS = {
    "es": [
        "No vencido", "1–30 días", "31–60 días", "61–90 días", "91–120 días", "> 120 días",
    ],
    "en": [
        "Not due", "1–30 days", "31–60 days", "61–90 days", "91–120 days", "Over 120 days",
    ],
}
GREEN, RED = "rgb(0, 104, 55)", "rgb(165, 0, 38)"


def history_frame() -> pd.DataFrame:
    """Two month ends of the shape of queries.aging_history, rows deliberately shuffled."""
    amounts = {
        date(2026, 1, 31): ["3200.00", "300.00", "1200.00", "0.00", "0.00", "0.00"],
        date(2026, 2, 28): ["3550.00", "400.00", "300.00", "1200.00", "0.00", "2999.99"],
    }
    rows = [
        (month_end, order, column, min_days, max_days, Decimal(amount))
        for month_end, month_amounts in amounts.items()
        for (order, column, min_days, max_days), amount in zip(BUCKETS, month_amounts)
    ]
    frame = pd.DataFrame(
        rows,
        columns=["month_end", "bucket_order", "column_name", "min_days", "max_days", "amount"],
    )
    return frame.iloc[::-1]


def current_frame() -> pd.DataFrame:
    amounts = ["3800.00", "500.00", "250.50", "1200.00", "300.25", "3099.99"]
    return pd.DataFrame(
        [(*bucket, Decimal(amount)) for bucket, amount in zip(BUCKETS, amounts)],
        columns=["bucket_order", "column_name", "min_days", "max_days", "amount"],
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_history_has_one_trace_per_bucket_named_and_ordered_by_bucket(language):
    figure = charts.aging_history(history_frame(), "EUR", language)

    assert [trace.name for trace in figure.data] == LABELS[language]
    assert figure.layout.barmode == "stack"


def test_history_stacks_each_bucket_amount_per_month_end():
    figure = charts.aging_history(history_frame(), "EUR", "es")

    assert [list(trace.x) for trace in figure.data][0] == ["ene 2026", "feb 2026"]
    # Money reaches the chart as Decimal: the sums are exact, not approximately equal.
    assert [sum(trace.y) for trace in figure.data] == [
        Decimal(v) for v in ("6750.00", "700.00", "1500.00", "1200.00", "0.00", "2999.99")
    ]
    assert list(figure.data[5].y) == [Decimal("0.00"), Decimal("2999.99")]
    assert figure.data[0].marker.color == GREEN
    assert figure.data[-1].marker.color == RED


def test_history_hover_and_axes_follow_the_locale():
    spanish = charts.aging_history(history_frame(), "EUR", "es")
    english = charts.aging_history(history_frame(), "EUR", "en")

    assert list(spanish.data[0].customdata[1]) == ["No vencido", "3.550,00\u00a0€"]
    assert list(english.data[0].customdata[1]) == ["Not due", "€3,550.00"]
    assert spanish.layout.separators == ",."
    assert english.layout.separators == ".,"
    assert spanish.layout.yaxis.title.text == "Importe (€)"
    assert english.layout.xaxis.title.text == "Month end"


@pytest.mark.parametrize("language", ["es", "en"])
def test_current_aging_has_one_bar_per_bucket_green_to_red(language):
    figure = charts.current_aging(current_frame().iloc[::-1], "EUR", language)

    (bars,) = figure.data
    assert list(bars.x) == LABELS[language]
    assert list(bars.y) == [
        Decimal(v) for v in ("3800.00", "500.00", "250.50", "1200.00", "300.25", "3099.99")
    ]
    assert bars.marker.color[0] == GREEN
    assert bars.marker.color[-1] == RED


def test_bucket_colours_run_from_green_to_red():
    assert charts.bucket_colours(1) == [GREEN]
    colours = charts.bucket_colours(3)
    assert (colours[0], colours[-1]) == (GREEN, RED)
