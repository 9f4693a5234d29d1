"""Concentration: how much of the revenue a few clients make — Pareto chart with the 80 %
line and ABC classes, top-1/5/10 shares and HHI over time, and one plain sentence."""

import streamlit as st

from dashboards import charts_concentration as charts
from dashboards import formatting, freshness, selection
from dashboards.i18n import t
from dashboards.plain_text import literal
from dashboards.queries import concentration as queries
from dashboards.tables import page_number, show_table

chosen = selection.current()
language = chosen.language
database, filters = chosen.database, chosen.filters

st.title(t("concentration.title"))
freshness.show_line()

period_labels = {
    "trailing_12_months": t("concentration.trailing_12_months"),
    "year": t("concentration.year"),
    "quarter": t("concentration.quarter"),
    "month": t("concentration.month"),
}
type_column, end_column = st.columns(2)
period_type = type_column.segmented_control(
    t("concentration.period_type"),
    list(period_labels),
    format_func=period_labels.get,
    default="trailing_12_months",
    key="concentration_period_type",
) or "trailing_12_months"
ends = queries.period_ends(database, period_type, chosen.as_of)
if not ends:
    st.info(t("concentration.no_periods"))
    st.stop()
period_end = end_column.selectbox(
    t("concentration.period_end"),
    ends,
    format_func=lambda day: formatting.short_date(day, language),
    key=f"concentration_period_end_{period_type}",
)

period = queries.summary(database, period_type, period_end).iloc[0]
currency = period["currency_code"]
if period_type == "trailing_12_months":
    period_text = t("concentration.sentence_trailing",
                    end=formatting.short_date(period_end, language))
else:
    period_text = t("concentration.sentence_period",
                    start=formatting.short_date(period["period_start"], language),
                    end=formatting.short_date(period_end, language))
pareto_points = queries.pareto_points(database, period_type, period_end)
if pareto_points.empty:
    st.info(t("concentration.no_revenue"))
    st.stop()
largest = pareto_points.iloc[0]
st.markdown(
    t(
        "concentration.sentence",
        client=literal(largest["client_name"]),
        share=formatting.percent_points(largest["revenue_share_pct"], language),
        period=period_text,
    )
)

top1, top5, top10, hhi = st.columns(4)
top1.metric(t("concentration.top1"), formatting.percent_points(period["top1_share_pct"], language))
top5.metric(t("concentration.top5"), formatting.percent_points(period["top5_share_pct"], language))
top10.metric(t("concentration.top10"),
             formatting.percent_points(period["top10_share_pct"], language))
hhi.metric(
    t("concentration.hhi"),
    formatting.number(round(period["hhi"]), language),
    delta=None if period["hhi_change"] is None
    else formatting.signed_number(period["hhi_change"], language),
    delta_color="inverse",
    help=t("concentration.hhi_help"),
)

st.subheader(t("concentration.pareto"))
st.plotly_chart(charts.pareto(pareto_points, currency, language))
class_headers = {
    "abc_class": t("concentration.abc_class"),
    "client_count": t("concentration.clients"),
    "net_revenue_amount": t("concentration.revenue"),
    "revenue_share_pct": t("concentration.share"),
}
show_table(
    queries.classes(database, period_type, period_end), class_headers,
    money_columns=["net_revenue_amount"],
    points_columns=["revenue_share_pct"],
    currency_code=currency,
    language=language,
    file_name=t("concentration.classes_file", date=period_end.isoformat()),
    key="concentration_classes",
)

history = queries.history(database, period_type, chosen.as_of)
shares_column, hhi_column = st.columns(2)
with shares_column:
    st.subheader(t("concentration.top_history"))
    st.plotly_chart(charts.top_shares(history, language))
with hhi_column:
    st.subheader(t("concentration.hhi_history"))
    st.plotly_chart(charts.hhi(history, language))

st.subheader(t("concentration.clients_table"))
if not filters.is_empty:
    st.caption(t("concentration.filtered"))
client_headers = {
    "revenue_rank": t("concentration.rank"),
    "client_id": t("column.client_id"),
    "client_name": t("column.client"),
    "net_revenue_amount": t("concentration.revenue"),
    "revenue_share_pct": t("concentration.share"),
    "cumulative_share_pct": t("concentration.cumulative_share"),
    "abc_class": t("concentration.abc_class"),
}
page = page_number(
    queries.client_count(database, period_type, period_end, filters), "concentration_clients", language
)
show_table(
    queries.clients(database, period_type, period_end, filters, page), client_headers,
    money_columns=["net_revenue_amount"],
    points_columns=["revenue_share_pct", "cumulative_share_pct"],
    currency_code=currency,
    language=language,
    file_name=t("concentration.clients_file", date=period_end.isoformat()),
    client_link=("client_name", "client_id"),
    key="concentration_clients",
    all_rows=lambda: queries.clients(database, period_type, period_end, filters),
)
