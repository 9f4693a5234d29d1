"""Plotly figures of the concentration page: pure functions of a DataFrame and a language.
Shares arrive as the marts hold them, percentages 0-100."""

import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting
from dashboards.charts import LEGEND_ABOVE, add_measure_line
from dashboards.i18n import translate

CLASS_COLOURS = {"A": "#4575b4", "B": "#fdae61", "C": "#a6a6a6"}
PARETO_LINE = 80
"""The Pareto rule's line, in percent: class A is the clients up to 80 % of the revenue."""


def pareto(clients: pd.DataFrame, currency_code: str, language: str) -> go.Figure:
    """Bars of each client's share of revenue at its rank, largest first, coloured by ABC
    class (a trace per class, named by it), the cumulative share as a line through the
    same ranks on the same 0-100 axis, and a dotted line at 80 %. The hover names the
    client, its share, cumulative share and revenue.

    `clients`: revenue_rank, client_name, net_revenue_amount, revenue_share_pct,
    cumulative_share_pct, abc_class, as `queries.concentration.pareto_points` (the ranks
    drawn: every one in a small period, a bounded sample of a large one).
    """
    clients = clients.sort_values("revenue_rank")
    figure = go.Figure()
    for abc_class in ("A", "B", "C"):
        rows = clients[clients["abc_class"] == abc_class]
        if rows.empty:
            continue
        name = translate(language, "chart.abc_class", abc_class=abc_class)
        figure.add_bar(
            name=name,
            x=list(rows["revenue_rank"]),
            y=list(rows["revenue_share_pct"]),
            marker_color=CLASS_COLOURS[abc_class],
            customdata=[
                [client, formatting.percent_points(share, language),
                 formatting.percent_points(cumulative, language),
                 formatting.money(amount, currency_code, language), name]
                for client, share, cumulative, amount in zip(
                    rows["client_name"], rows["revenue_share_pct"],
                    rows["cumulative_share_pct"], rows["net_revenue_amount"])
            ],
            hovertemplate=_pareto_hover(language),
        )
    figure.add_scatter(
        name=translate(language, "chart.cumulative_share"),
        x=list(clients["revenue_rank"]),
        y=list(clients["cumulative_share_pct"]),
        mode="lines",
        line_color="#d73027",
        hoverinfo="skip",
    )
    figure.add_hline(
        y=PARETO_LINE, line_dash="dot", line_color="#888888",
        annotation_text=formatting.percent_points(PARETO_LINE, language),
    )
    figure.update_layout(
        barmode="overlay",
        separators=formatting.plotly_separators(language),
        xaxis_title=translate(language, "chart.client_rank"),
        yaxis_title=translate(language, "chart.share_of_revenue"),
        yaxis_range=[0, 100],
        yaxis_ticksuffix=" %" if language == "es" else "%",
        legend=LEGEND_ABOVE,
    )
    return figure


def _pareto_hover(language: str) -> str:
    share = translate(language, "chart.share")
    cumulative = translate(language, "chart.cumulative_share")
    return (
        "<b>%{customdata[0]}</b> (%{customdata[4]})<br>"
        f"{share}: %{{customdata[1]}}<br>{cumulative}: %{{customdata[2]}}<br>"
        "%{customdata[3]}<extra></extra>"
    )


def top_shares(history: pd.DataFrame, language: str) -> go.Figure:
    """One line per top-N share (1, 5, 10 clients) over the periods; the hover names the
    period's month.

    `history`: period_end, top1_share_pct, top5_share_pct, top10_share_pct, as
    `queries.concentration.history`.
    """
    months = [formatting.month(end, language) for end in history["period_end"]]
    figure = go.Figure()
    for column, name in (
        ("top1_share_pct", translate(language, "chart.top1")),
        ("top5_share_pct", translate(language, "chart.top5")),
        ("top10_share_pct", translate(language, "chart.top10")),
    ):
        add_measure_line(
            figure, months, name, history[column], lambda points: formatting.percent_points(points, language)
        )
    figure.update_layout(
        separators=formatting.plotly_separators(language),
        yaxis_title=translate(language, "chart.share_of_revenue"),
        yaxis_ticksuffix=" %" if language == "es" else "%",
        legend=LEGEND_ABOVE,
    )
    return figure


def hhi(history: pd.DataFrame, language: str) -> go.Figure:
    """The Herfindahl-Hirschman index over the periods, with the bands 1 500 and 2 500
    (moderately and highly concentrated) dotted; the hover names the month.

    `history`: period_end, hhi, as `queries.concentration.history`.
    """
    months = [formatting.month(end, language) for end in history["period_end"]]
    values = [None if pd.isna(value) else value for value in history["hhi"]]
    figure = go.Figure(
        go.Scatter(
            x=months,
            y=values,
            mode="lines+markers",
            line_color="#4575b4",
            customdata=[
                [month, "" if value is None else formatting.number(round(value), language)]
                for month, value in zip(months, values)
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>HHI: %{customdata[1]}<extra></extra>",
        )
    )
    for band in (1500, 2500):
        figure.add_hline(y=band, line_dash="dot", line_color="#888888")
    figure.update_layout(
        showlegend=False,
        separators=formatting.plotly_separators(language),
        yaxis_title="HHI",
        yaxis_tickformat=",.0f",
    )
    return figure
