"""The client file's figures: pure functions of a query result and a language."""

from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from dashboards import formatting
from dashboards.i18n import translate

_ON_TIME, _LATE = "#2e7d32", "#c62828"


def payment_history(payments: pd.DataFrame, average: Decimal | None, language: str) -> go.Figure:
    """One point per paid instalment: paid date against days beyond terms (green on time,
    red late), and a line at the client's amount-weighted average of the last 365 days
    (payment_behavior.weighted_days_beyond_terms_365) when it has one.

    `payments`: paid_date, days_beyond_terms, document_number, installment_no, as
    `queries.client_file.payment_history`.
    """
    days = [int(value) for value in payments["days_beyond_terms"]]
    figure = go.Figure(
        go.Scatter(
            x=list(payments["paid_date"]),
            y=days,
            mode="markers",
            marker={"color": [_LATE if value > 0 else _ON_TIME for value in days], "size": 7},
            customdata=[
                [f"{number}/{installment}", formatting.short_date(paid, language)]
                for number, installment, paid in zip(
                    payments["document_number"], payments["installment_no"], payments["paid_date"]
                )
            ],
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{y}<extra></extra>",
            name=translate(language, "client_chart.payments"),
        )
    )
    if average is not None:
        figure.add_hline(
            y=float(average),
            line_dash="dash",
            annotation_text=translate(
                language, "client_chart.average", days=formatting.days(average, language)
            ),
            annotation_position="top left",
        )
    figure.update_layout(
        separators=formatting.plotly_separators(language),
        xaxis_title=translate(language, "client_chart.paid_date"),
        yaxis_title=translate(language, "client_chart.days_beyond_terms"),
        showlegend=False,
    )
    return figure
