"""Overview: receivable totals, aging history, aging at the chosen date, most overdue clients."""

import streamlit as st

from dashboards import charts, formatting, selection
from dashboards.queries import overview as queries
from dashboards.i18n import current_language, t
from dashboards.tables import show_table

TOP_CLIENTS = 10

language = current_language()
chosen = selection.current()
database, as_of = chosen.database, chosen.aging_as_of
as_of_text = formatting.long_date(chosen.as_of, language)

st.title(t("overview.title"))

totals = queries.receivable_totals(database, as_of).iloc[0]
if totals["client_count"] == 0:
    st.info(t("overview.no_rows", date=as_of_text))
    st.stop()

currency = totals["currency_code"]
st.caption(t("overview.caption", date=as_of_text, currency=currency))


def money(amount):
    return formatting.money(amount, currency, language)


total, overdue, overdue_share, unapplied = st.columns(4)
total.metric(t("overview.total_receivable"), money(totals["open_balance_amount"]))
overdue.metric(t("overview.overdue"), money(totals["overdue_amount"]))
overdue_share.metric(
    t("overview.overdue_share"), formatting.percent(totals["overdue_share"], language)
)
unapplied.metric(t("overview.unapplied_cash"), money(totals["unapplied_cash_amount"]))

history_column, current_column = st.columns([3, 2])
with history_column:
    st.subheader(t("overview.history"))
    st.plotly_chart(charts.aging_history(queries.aging_history(database), currency, language))
with current_column:
    st.subheader(t("overview.current_aging", date=as_of_text))
    st.plotly_chart(
        charts.current_aging(queries.current_aging(database, as_of), currency, language)
    )

st.subheader(t("overview.top_overdue", count=TOP_CLIENTS))
clients = queries.top_overdue_clients(database, as_of, TOP_CLIENTS)
headers = {
    "client_name": t("column.client"),
    "branch": t("column.branch"),
    "overdue_amount": t("column.overdue"),
    "open_balance_amount": t("column.open_balance"),
    "overdue_share": t("column.overdue_share"),
}
show_table(
    clients[list(headers)].rename(columns=headers),
    money_columns=[headers["overdue_amount"], headers["open_balance_amount"]],
    percent_columns=[headers["overdue_share"]],
    currency_code=currency,
    language=language,
    file_name=t("overview.top_overdue_file", date=chosen.as_of.isoformat()),
)
