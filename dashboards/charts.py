"""Plotly figures from query results: pure functions of a DataFrame and a language.

Bucket names come from each bucket's bounds (min_days, max_days), never from its column
name, and bucket colours run from green (not due) to red (oldest) in bucket order.
"""

from collections.abc import Callable, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from dashboards import formatting
from dashboards.i18n import translate

_GREEN_TO_RED = "RdYlGn_r"
_HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"
_HOVER_MEASURE = "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<extra></extra>"
LEGEND_ABOVE = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0}
"""A horizontal legend above the plot: below it, it ran into the month or week labels
and the axis title on a laptop's width."""


def aging_history(history: pd.DataFrame, currency_code: str, language: str) -> go.Figure:
    """Stacked bars, one per month end, one trace per bucket (trace name = bucket label).

    `history`: month_end, bucket_order, min_days, max_days, amount, as `queries.overview.aging_history`.
    """
    labels = _bucket_labels(history, language)
    colours = bucket_colours(len(labels))
    figure = go.Figure()
    for colour, (bucket_order, label) in zip(colours, labels.items()):
        rows = history[history["bucket_order"] == bucket_order].sort_values("month_end")
        amounts = list(rows["amount"])
        figure.add_bar(
            name=label,
            x=[formatting.month(month_end, language) for month_end in rows["month_end"]],
            y=amounts,
            marker_color=colour,
            customdata=[
                [label, formatting.money(amount, currency_code, language)] for amount in amounts
            ],
            hovertemplate=_HOVER,
        )
    figure.update_layout(barmode="stack", legend_title_text=translate(language, "chart.bucket"))
    return _money_axes(figure, currency_code, language, translate(language, "chart.month_end"))


def current_aging(aging: pd.DataFrame, currency_code: str, language: str) -> go.Figure:
    """One bar per bucket, in bucket order, coloured green to red.

    `aging`: bucket_order, min_days, max_days, amount, as `queries.overview.current_aging`.
    """
    aging = aging.sort_values("bucket_order")
    labels = list(_bucket_labels(aging, language).values())
    amounts = list(aging["amount"])
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=amounts,
            marker_color=bucket_colours(len(labels)),
            customdata=[
                [label, formatting.money(amount, currency_code, language)]
                for label, amount in zip(labels, amounts)
            ],
            hovertemplate=_HOVER,
        )
    )
    figure.update_layout(showlegend=False)
    return _money_axes(figure, currency_code, language, translate(language, "chart.bucket"))


def bucket_colours(count: int) -> Sequence[str]:
    """`count` colours from green to red (one green for a single bucket)."""
    if count == 1:
        return sample_colorscale(_GREEN_TO_RED, [0.0])
    return sample_colorscale(_GREEN_TO_RED, [index / (count - 1) for index in range(count)])


def _bucket_labels(frame: pd.DataFrame, language: str) -> dict[int, str]:
    """Bucket order -> translated label, in bucket order."""
    buckets = frame[["bucket_order", "min_days", "max_days"]].drop_duplicates("bucket_order")
    return {
        bucket.bucket_order: formatting.bucket_label(
            _days(bucket.min_days), _days(bucket.max_days), language
        )
        for bucket in buckets.sort_values("bucket_order").itertuples()
    }


def _days(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def _money_axes(figure: go.Figure, currency_code: str, language: str, x_title: str) -> go.Figure:
    currency = formatting.currency_symbol(currency_code, language)
    figure.update_layout(
        separators=formatting.plotly_separators(language),
        xaxis_title=x_title,
        yaxis_title=translate(language, "chart.amount", currency=currency),
        yaxis_tickformat=",.0f",
    )
    return figure


def dso_trend(kpis: pd.DataFrame, language: str) -> go.Figure:
    """One line per DSO measure (simple, countback, best possible) over the month ends, in
    days; the hover names the month and the measure.

    `kpis`: month_end, dso_simple, dso_countback, best_possible_dso, as
    `queries.overview.kpi_trend`. A NULL (no sales to divide by) leaves a gap.
    """
    measures = {
        "dso_simple": translate(language, "chart.dso_simple"),
        "dso_countback": translate(language, "chart.dso_countback"),
        "best_possible_dso": translate(language, "chart.best_possible_dso"),
    }
    months = [formatting.month(month_end, language) for month_end in kpis["month_end"]]
    figure = go.Figure()
    for column, name in measures.items():
        add_measure_line(figure, months, name, kpis[column], lambda days: formatting.days(days, language))
    figure.update_layout(
        separators=formatting.plotly_separators(language),
        xaxis_title=translate(language, "chart.month_end"),
        yaxis_title=translate(language, "chart.days"),
        legend=LEGEND_ABOVE,
    )
    return figure


def cei_trend(kpis: pd.DataFrame, language: str) -> go.Figure:
    """The collection effectiveness index over the month ends, in percent (0-100 as the
    mart holds it); the hover names the month.

    `kpis`: month_end, cei_pct, as `queries.overview.kpi_trend`.
    """
    name = translate(language, "chart.cei")
    months = [formatting.month(month_end, language) for month_end in kpis["month_end"]]
    figure = go.Figure()
    add_measure_line(
        figure, months, name, kpis["cei_pct"], lambda points: formatting.percent_points(points, language)
    )
    figure.update_layout(
        separators=formatting.plotly_separators(language),
        xaxis_title=translate(language, "chart.month_end"),
        yaxis_title=translate(language, "chart.cei_axis"),
        yaxis_ticksuffix=" %" if language == "es" else "%",
        showlegend=False,
    )
    return figure


def add_measure_line(
    figure: go.Figure, months: Sequence[str], name: str, values: Iterable[object], show: Callable[[object], str]
) -> None:
    """Add `values` over `months` as a lines+markers trace named `name`; a NULL leaves a gap,
    and the hover names the month, the measure and the value as `show` writes it."""
    values = [None if pd.isna(value) else value for value in values]
    figure.add_scatter(
        name=name,
        x=months,
        y=values,
        mode="lines+markers",
        customdata=[[month, name, "" if value is None else show(value)] for month, value in zip(months, values)],
        hovertemplate=_HOVER_MEASURE,
    )


def cash_forecast(weeks: pd.DataFrame, currency_code: str, language: str) -> go.Figure:
    """Stacked bars per week: expected collections and, on top, the doubtful amount; the
    hover names the week (its Monday) and the amount.

    `weeks`: week_start_date, expected_amount, doubtful_amount, as
    `queries.overview.cash_forecast_weeks`.
    """
    labels = [
        translate(language, "chart.week_of", date=formatting.day_month(start, language))
        for start in weeks["week_start_date"]
    ]
    figure = go.Figure()
    for column, name, colour in (
        ("expected_amount", translate(language, "chart.expected"), "#2e7d32"),
        ("doubtful_amount", translate(language, "chart.doubtful"), "#e65100"),
    ):
        amounts = list(weeks[column])
        figure.add_bar(
            name=name,
            x=labels,
            y=amounts,
            marker_color=colour,
            customdata=[
                [label, name, formatting.money(amount, currency_code, language)]
                for label, amount in zip(labels, amounts)
            ],
            hovertemplate=_HOVER_MEASURE,
        )
    figure.update_layout(barmode="stack", legend=LEGEND_ABOVE)
    return _money_axes(figure, currency_code, language, translate(language, "chart.week"))
