"""Overview: receivable totals and their change since the previous month end, DSO and CEI
over 12 months, aging history and at the chosen date, the 13-week cash forecast, the most
overdue clients."""

from datetime import timedelta

import streamlit as st

from dashboards import charts, formatting, freshness, selection
from dashboards.i18n import t
from dashboards.queries import overview as queries
from dashboards.queries.base import filters_dimension
from dashboards.tables import show_table

TOP_CLIENTS = 10
TREND_MONTHS = 12

chosen = selection.current()
language = chosen.language
database, as_of, filters = chosen.database, chosen.aging_as_of, chosen.filters
as_of_text = formatting.long_date(chosen.as_of, language)

st.title(t("overview.title"))
freshness.show_line()

totals = queries.receivable_totals(database, as_of, filters).iloc[0]
if totals["client_count"] == 0:
    st.info(t("overview.no_rows", date=as_of_text))
    st.stop()

currency = totals["currency_code"]
previous_month_end = chosen.as_of.replace(day=1) - timedelta(days=1)
st.caption(
    t(
        "overview.caption",
        date=as_of_text,
        currency=currency,
        previous=formatting.long_date(previous_month_end, language),
    )
)


def money(amount):
    return formatting.money(amount, currency, language)


change = queries.receivable_change(database, as_of, previous_month_end, filters).iloc[0]
has_previous = change["previous_client_count"] > 0


def money_change(amount):
    return formatting.signed_money(amount, currency, language) if has_previous else None


total, overdue, overdue_share, unapplied = st.columns(4)
# An increase of what is owed or overdue is bad news: shown red (inverse).
total.metric(
    t("overview.total_receivable"), money(totals["open_balance_amount"]),
    delta=money_change(change["open_balance_change"]), delta_color="inverse",
)
overdue.metric(
    t("overview.overdue"), money(totals["overdue_amount"]),
    delta=money_change(change["overdue_change"]), delta_color="inverse",
)
overdue_share.metric(
    t("overview.overdue_share"), formatting.percent(totals["overdue_share"], language),
    delta=(
        formatting.signed_points(change["overdue_share_change"], language)
        if has_previous else None
    ),
    delta_color="inverse",
)
unapplied.metric(
    t("overview.unapplied_cash"), money(totals["unapplied_cash_amount"]),
    delta=money_change(change["unapplied_cash_change"]), delta_color="inverse",
)

dimension, value = filters_dimension(filters) or ("company", "all")
st.subheader(t("overview.kpis"))
kpis = queries.kpi_trend(database, chosen.as_of, dimension, value, TREND_MONTHS)
if kpis.empty:
    st.info(t("overview.no_kpis"))
else:
    latest = kpis.iloc[-1]
    month_text = formatting.month(latest["month_end"], language)
    if dimension != "company":
        scope = formatting.segment_name(value, language) if dimension == "segment" else value
        st.caption(t("overview.kpis_scope", scope=scope, month=month_text))
    elif not filters.is_empty:
        st.caption(t("overview.kpis_company_only", month=month_text))
    else:
        st.caption(t("overview.kpis_month", month=month_text))

    def days(number):
        return "—" if number is None else formatting.days(number, language)

    simple, countback, best, cei = st.columns(4)
    simple.metric(t("overview.dso_simple"), days(latest["dso_simple"]),
                  help=t("overview.dso_simple_help"))
    countback.metric(t("overview.dso_countback"), days(latest["dso_countback"]),
                     help=t("overview.dso_countback_help"))
    best.metric(t("overview.best_possible_dso"), days(latest["best_possible_dso"]),
                help=t("overview.best_possible_dso_help"))
    cei.metric(
        t("overview.cei"),
        "—" if latest["cei_pct"] is None else formatting.percent_points(latest["cei_pct"], language),
        help=t("overview.cei_help"),
    )
    dso_column, cei_column = st.columns(2)
    with dso_column:
        st.plotly_chart(charts.dso_trend(kpis, language))
    with cei_column:
        st.plotly_chart(charts.cei_trend(kpis, language))

history_column, current_column = st.columns([3, 2])
with history_column:
    st.subheader(t("overview.history"))
    st.plotly_chart(
        charts.aging_history(
            queries.aging_history(database, filters, chosen.as_of), currency, language
        )
    )
with current_column:
    st.subheader(t("overview.current_aging", date=as_of_text))
    st.plotly_chart(
        charts.current_aging(queries.current_aging(database, as_of, filters), currency, language)
    )

st.subheader(t("overview.forecast"))
st.caption(
    t("overview.forecast_caption", date=formatting.long_date(chosen.published_as_of, language))
)
if not chosen.is_published_date:
    st.info(t("overview.forecast_at_published",
              date=formatting.long_date(chosen.published_as_of, language), chosen=as_of_text))
st.plotly_chart(charts.cash_forecast(queries.cash_forecast_weeks(database, filters), currency,
                                     language))

st.subheader(t("overview.top_overdue", count=TOP_CLIENTS))
clients = queries.top_overdue_clients(database, as_of, filters, TOP_CLIENTS)
headers = {
    "client_id": t("column.client_id"),
    "client_name": t("column.client"),
    "branch": t("column.branch"),
    "overdue_amount": t("column.overdue"),
    "open_balance_amount": t("column.open_balance"),
    "overdue_share": t("column.overdue_share"),
}
show_table(
    clients, headers,
    money_columns=["overdue_amount", "open_balance_amount"],
    percent_columns=["overdue_share"],
    currency_code=currency,
    language=language,
    file_name=t("overview.top_overdue_file", date=chosen.as_of.isoformat()),
    client_link=("client_name", "client_id"),
)
