"""Plotly figures of the payment behaviour page: pure functions of a DataFrame and a language."""

import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting
from dashboards.charts import LEGEND_ABOVE, bucket_colours
from dashboards.i18n import translate

_HOVER = "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<extra></extra>"
GRADE_COLOURS = {"A": "#1a9850", "B": "#91cf60", "C": "#fee08b", "D": "#fc8d59", "E": "#d73027"}
"""Green (best) to red (worst), readable on light and dark backgrounds."""


def grade_distribution(grades: pd.DataFrame, language: str) -> go.Figure:
    """Clients per grade now (bars coloured by grade) and 90 days earlier (outlined bars).

    `grades`: grade, client_count, previous_client_count, as
    `queries.payment_behavior.grades`.
    """
    now, before = translate(language, "chart.grade_now"), translate(language, "chart.grade_90")
    figure = go.Figure()
    figure.add_bar(
        name=before,
        x=list(grades["grade"]),
        y=list(grades["previous_client_count"]),
        marker_color="rgba(0,0,0,0)",
        marker_line_color="#888888",
        marker_line_width=2,
        customdata=[[grade, before, count] for grade, count in
                    zip(grades["grade"], grades["previous_client_count"])],
        hovertemplate=_HOVER,
    )
    figure.add_bar(
        name=now,
        x=list(grades["grade"]),
        y=list(grades["client_count"]),
        marker_color=[GRADE_COLOURS[grade] for grade in grades["grade"]],
        customdata=[[grade, now, count] for grade, count in
                    zip(grades["grade"], grades["client_count"])],
        hovertemplate=_HOVER,
    )
    figure.update_layout(
        barmode="group",
        xaxis_title=translate(language, "chart.grade"),
        yaxis_title=translate(language, "chart.clients"),
        legend=LEGEND_ABOVE,
    )
    return figure


def days_beyond_terms(distribution: pd.DataFrame, currency_code: str, language: str) -> go.Figure:
    """The money paid in the last 365 days by how late it was, one bar per aging bucket
    (green on time to red very late); the hover names the bucket, the amount and the count.

    `distribution`: bucket_order, min_days, max_days, payment_count, paid_amount, as
    `queries.payment_behavior.days_beyond_terms`.
    """
    distribution = distribution.sort_values("bucket_order")
    labels = [
        translate(language, "chart.on_time")
        if not pd.isna(max_days) and max_days <= 0
        else formatting.bucket_label(
            None if pd.isna(min_days) else int(min_days),
            None if pd.isna(max_days) else int(max_days),
            language,
        )
        for min_days, max_days in zip(distribution["min_days"], distribution["max_days"])
    ]
    amounts = list(distribution["paid_amount"])
    payments = translate(language, "chart.payments")
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=amounts,
            marker_color=bucket_colours(len(labels)),
            customdata=[
                [label, formatting.money(amount, currency_code, language),
                 f"{formatting.number(count, language)} {payments}"]
                for label, amount, count in zip(labels, amounts, distribution["payment_count"])
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
                          "<extra></extra>",
        )
    )
    currency = formatting.currency_symbol(currency_code, language)
    figure.update_layout(
        showlegend=False,
        separators=formatting.plotly_separators(language),
        xaxis_title=translate(language, "chart.days_beyond_terms"),
        yaxis_title=translate(language, "chart.amount", currency=currency),
        yaxis_tickformat=",.0f",
    )
    return figure


def score_components(behavior: pd.Series, language: str) -> go.Figure:
    """The five components of a client's score as horizontal bars (points each).

    `behavior`: a row of marts.payment_behavior (score_lateness … score_overdue).
    """
    components = {
        "score_lateness": translate(language, "chart.score_lateness"),
        "score_on_time": translate(language, "chart.score_on_time"),
        "score_severity": translate(language, "chart.score_severity"),
        "score_trend": translate(language, "chart.score_trend"),
        "score_overdue": translate(language, "chart.score_overdue"),
    }
    points_name = translate(language, "chart.points")
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=list(components.values()),
            x=[int(behavior[column]) for column in components],
            marker_color="#4575b4",
            customdata=[[name, points_name, int(behavior[column])]
                        for column, name in components.items()],
            hovertemplate=_HOVER,
        )
    )
    figure.update_layout(
        showlegend=False,
        xaxis_title=points_name,
        yaxis_autorange="reversed",
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
    )
    return figure


def payment_history(payments: pd.DataFrame, language: str) -> go.Figure:
    """Days beyond terms of each payment over time (a dot per paid instalment, above zero
    late, below early); the hover names the day and the document.

    `payments`: paid_date, document_number, days_beyond_terms, as
    `queries.payment_behavior.client_payments`.
    """
    name = translate(language, "chart.days_beyond_terms")
    days = [int(value) for value in payments["days_beyond_terms"]]
    figure = go.Figure(
        go.Scatter(
            x=list(payments["paid_date"]),
            y=days,
            mode="markers",
            marker_color=["#d73027" if value > 0 else "#1a9850" for value in days],
            customdata=[
                [formatting.short_date(day, language), document,
                 translate(language, "unit.days_whole", days=value)]
                for day, document, value in zip(payments["paid_date"],
                                                payments["document_number"], days)
            ],
            hovertemplate=_HOVER,
        )
    )
    figure.add_hline(y=0, line_dash="dot", line_color="#888888")
    figure.update_layout(
        showlegend=False,
        xaxis_title=translate(language, "chart.paid_date"),
        yaxis_title=name,
    )
    return figure
