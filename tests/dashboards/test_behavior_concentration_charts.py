"""The payment behaviour and concentration figures, asserted on fig.data."""

from datetime import date
from decimal import Decimal

import pandas as pd

from dashboards import charts_behavior, charts_concentration

NBSP = "\u00a0"


def test_grade_distribution_puts_now_beside_90_days_ago():
    grades = pd.DataFrame(
        {
            "grade": ["A", "B", "C", "D", "E"],
            "client_count": [10, 4, 3, 0, 2],
            "previous_client_count": [8, 6, 3, 1, 1],
        }
    )

    figure = charts_behavior.grade_distribution(grades, "es")

    before, now = figure.data
    assert (before.name, now.name) == ("Hace 90 días", "Ahora")
    assert list(now.x) == ["A", "B", "C", "D", "E"]
    assert list(now.y) == [10, 4, 3, 0, 2]
    assert list(before.y) == [8, 6, 3, 1, 1]
    assert list(now.marker.color)[0] != list(now.marker.color)[-1]


def test_days_beyond_terms_names_the_on_time_bucket_and_keeps_amounts():
    distribution = pd.DataFrame(
        {
            "bucket_order": [2, 1, 3],
            "min_days": [1, None, 31],
            "max_days": [30, 0, None],
            "payment_count": [3, 10, 1],
            "paid_amount": [Decimal("300.00"), Decimal("1000.50"), Decimal("99.99")],
        }
    )

    (bars,) = charts_behavior.days_beyond_terms(distribution, "EUR", "en").data

    assert list(bars.x) == ["On time", "1–30 days", "Over 30 days"]
    assert list(bars.y) == [Decimal("1000.50"), Decimal("300.00"), Decimal("99.99")]
    assert list(bars.customdata[0]) == ["On time", "€1,000.50", "10 payments"]


def test_score_components_are_the_five_points():
    behavior = pd.Series({"score_lateness": 24, "score_on_time": 18, "score_severity": 20,
                          "score_trend": 5, "score_overdue": 15})

    (bars,) = charts_behavior.score_components(behavior, "en").data

    assert list(bars.y) == ["Average lateness", "Punctuality", "Severity", "Trend", "Overdue now"]
    assert list(bars.x) == [24, 18, 20, 5, 15]


def test_payment_history_marks_late_payments_red_and_early_green():
    payments = pd.DataFrame(
        {
            "paid_date": [date(2026, 1, 10), date(2026, 2, 20)],
            "document_number": ["F-1", "F-2"],
            "days_beyond_terms": [-3, 12],
        }
    )

    (dots,) = charts_behavior.payment_history(payments, "es").data

    assert list(dots.y) == [-3, 12]
    assert list(dots.marker.color) == ["#1a9850", "#d73027"]
    assert list(dots.customdata[1]) == ["20/02/2026", "F-2", "12 días"]


def clients() -> pd.DataFrame:
    """Four clients: 60 + 25 = 85 % (A, since 60 <= 80 and the first is always A; 85 > 80
    makes the second B), 10 -> 95 % (B), 5 -> 100 % (C)."""
    return pd.DataFrame(
        {
            "revenue_rank": [1, 2, 3, 4],
            "client_name": ["Uno", "Dos", "Tres", "Cuatro"],
            "net_revenue_amount": [Decimal("600.00"), Decimal("250.00"), Decimal("100.00"),
                                   Decimal("50.00")],
            "revenue_share_pct": [Decimal("60.0000"), Decimal("25.0000"), Decimal("10.0000"),
                                  Decimal("5.0000")],
            "cumulative_share_pct": [Decimal("60.0000"), Decimal("85.0000"),
                                     Decimal("95.0000"), Decimal("100.0000")],
            "abc_class": ["A", "B", "B", "C"],
        }
    )


def test_pareto_has_a_trace_per_class_the_cumulative_line_and_the_80_line():
    figure = charts_concentration.pareto(clients(), "EUR", "es")

    assert figure.layout.legend.y > 1  # above the plot, clear of the axis title
    names = [trace.name for trace in figure.data]
    assert names == ["Clase A", "Clase B", "Clase C", "Cuota acumulada"]
    class_b = figure.data[1]
    assert list(class_b.x) == [2, 3]
    assert list(class_b.y) == [Decimal("25.0000"), Decimal("10.0000")]
    assert list(class_b.customdata[0])[:4] == [
        "Dos", f"25,0{NBSP}%", f"85,0{NBSP}%", f"250,00{NBSP}€",
    ]
    assert list(figure.data[3].y)[-1] == Decimal("100.0000")
    assert [shape.y0 for shape in figure.layout.shapes] == [80]


def test_top_shares_and_hhi_over_time_hover_the_month():
    history = pd.DataFrame(
        {
            "period_end": [date(2026, 9, 30), date(2026, 10, 31)],
            "top1_share_pct": [Decimal("37.5527"), Decimal("36.9138")],
            "top5_share_pct": [Decimal("45.1706"), Decimal("44.6881")],
            "top10_share_pct": [Decimal("52.7756"), Decimal("52.4800")],
            "hhi": [Decimal("1458.94"), Decimal("1412.61")],
        }
    )

    shares = charts_concentration.top_shares(history, "en")
    assert [trace.name for trace in shares.data] == ["Largest client", "Top 5", "Top 10"]
    assert shares.layout.legend.y > 1  # above the plot, clear of the month labels
    assert list(shares.data[0].customdata[1]) == ["Oct 2026", "Largest client", "36.9%"]
    (line,) = charts_concentration.hhi(history, "es").data
    assert list(line.y) == [Decimal("1458.94"), Decimal("1412.61")]
    assert list(line.customdata[0]) == ["sept 2026", "1.459"]
