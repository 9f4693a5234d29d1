"""Aging (antigüedad de saldos): one row per client with its buckets, open balance, overdue,
disputed and unapplied cash; the same by document currency; a client's open instalments."""

import streamlit as st

from dashboards import formatting, freshness, selection, url_state
from dashboards.i18n import t
from dashboards.plain_text import literal
from dashboards.queries import aging as queries
from dashboards.queries import client_file as client_queries
from dashboards.tables import page_number, show_table

chosen = selection.current()
language = chosen.language
database, as_of, filters = chosen.database, chosen.aging_as_of, chosen.filters
as_of_text = formatting.long_date(chosen.as_of, language)

st.title(t("aging.title"))
freshness.show_line()

totals = queries.totals(database, as_of, filters).iloc[0]
if totals["client_count"] == 0:
    st.info(t("aging.no_rows", date=as_of_text))
    st.stop()
currency = totals["currency_code"]
st.caption(t("aging.caption", date=as_of_text, currency=currency))


def money(amount):
    return formatting.money(amount, currency, language)


open_balance, overdue, disputed, unapplied = st.columns(4)
open_balance.metric(t("aging.open_balance"), money(totals["open_balance_amount"]))
overdue.metric(t("aging.overdue"), money(totals["overdue_amount"]))
disputed.metric(t("aging.in_dispute"), money(totals["in_dispute_amount"]))
unapplied.metric(t("aging.unapplied_cash"), money(totals["unapplied_cash_amount"]))

bucket_headers = {
    bucket.column_name: formatting.bucket_label(
        None if bucket.min_days is None else int(bucket.min_days),
        None if bucket.max_days is None else int(bucket.max_days),
        language,
    )
    for bucket in queries.buckets(database).itertuples()
}
amount_headers = {
    "open_balance_amount": t("aging.open_balance"),
    "overdue_amount": t("aging.overdue"),
    "in_dispute_amount": t("aging.in_dispute"),
    "unapplied_cash_amount": t("aging.unapplied_cash"),
}

by_client, by_currency = st.tabs([t("aging.by_client"), t("aging.by_currency")])

with by_client:
    page = page_number(int(totals["client_count"]), "aging_clients", language)
    clients = queries.client_aging(database, as_of, filters, page)
    headers = {
        "client_id": t("column.client_id"),
        "client_name": t("column.client"),
        "branch": t("column.branch"),
        "salesperson": t("aging.salesperson"),
        **bucket_headers,
        **amount_headers,
    }
    st.caption(t("aging.select_hint"))
    event = show_table(
        clients, headers,
        money_columns=[*bucket_headers, *amount_headers],
        currency_code=currency,
        language=language,
        file_name=t("aging.file", date=chosen.as_of.isoformat()),
        client_link=("client_name", "client_id"),
        on_select="rerun",
        key="aging_clients",
        all_rows=lambda: queries.client_aging(database, as_of, filters),
    )
    # A selection made before the filters changed may point past the rows shown now.
    rows = [row for row in (event.selection.rows if event is not None else []) if row < len(clients)]
    client_id = clients.iloc[rows[0]]["client_id"] if rows else chosen.client_id
    if rows and client_id != chosen.client_id:
        url_state.choose_client(client_id)

    if client_id is not None:
        names = clients.loc[clients["client_id"] == client_id, "client_name"]
        if names.empty:  # chosen on another page of the list, or elsewhere
            history = client_queries.fiscal_history(database, client_id)
            names = history.loc[history["is_current"], "legal_name"]
        name = names.iloc[0] if len(names) else client_id
        st.subheader(t("aging.installments", client=literal(name)))
        if not chosen.is_published_date:
            st.info(t("aging.installments_at_published",
                      date=formatting.long_date(chosen.published_as_of, language)))
        installments = client_queries.open_installments(database, client_id)
        if installments.empty:
            st.info(t("aging.no_installments"))
        else:
            installment_headers = {
                "document_number": t("aging.document"),
                "installment_no": t("aging.installment_no"),
                "issue_date": t("aging.issue_date"),
                "due_date": t("aging.due_date"),
                "days_past_due": t("aging.days_past_due"),
                "currency_code": t("aging.currency"),
                "outstanding_amount": t("aging.outstanding"),
                "outstanding_reporting_amount": t("aging.outstanding_reporting",
                                                  currency=currency),
                "is_in_dispute": t("aging.disputed"),
                "dispute_reason": t("aging.dispute_reason"),
                "early_discount_pct": t("aging.discount"),
                "early_discount_days": t("aging.discount_days"),
            }
            show_table(
                installments, installment_headers,
                money_columns=["outstanding_reporting_amount"],
                currency_code=currency,
                row_money_columns=["outstanding_amount"],
                currency_column="currency_code",
                language=language,
                points_columns=["early_discount_pct"],
                file_name=t("aging.installments_file", client=client_id,
                            date=chosen.published_as_of.isoformat()),
                key="aging_installments",
            )

with by_currency:
    if not chosen.is_published_date:
        st.info(t("aging.by_currency_at_published",
                  date=formatting.long_date(chosen.published_as_of, language)))
    currencies = queries.currency_totals(database, filters)
    currency_headers = {
        "currency_code": t("aging.currency"),
        "client_count": t("aging.client_count"),
        "open_balance_amount": t("aging.open_balance"),
        "overdue_amount": t("aging.overdue"),
        "in_dispute_amount": t("aging.in_dispute"),
        "unapplied_cash_amount": t("aging.unapplied_cash"),
        "open_balance_reporting_amount": t("aging.open_balance_reporting", currency=currency),
        "unapplied_cash_reporting_amount": t("aging.unapplied_cash_reporting",
                                             currency=currency),
    }
    document_money = ["open_balance_amount", "overdue_amount", "in_dispute_amount", "unapplied_cash_amount"]
    reporting_money = ["open_balance_reporting_amount", "unapplied_cash_reporting_amount"]
    st.subheader(t("aging.currency_totals"))
    # Document-currency money in each row's currency; reporting money in the reporting one.
    show_table(
        currencies, currency_headers,
        money_columns=reporting_money,
        currency_code=currency,
        row_money_columns=document_money,
        currency_column="currency_code",
        language=language,
        file_name=t("aging.currency_file", date=chosen.published_as_of.isoformat()),
        key="aging_currency_totals",
    )
    st.subheader(t("aging.currency_clients"))
    currency_page = page_number(int(currencies["client_count"].sum()), "aging_currency_clients", language)
    client_currencies = queries.client_currency_aging(database, filters, currency_page)
    client_currency_headers = {
        "client_id": t("column.client_id"),
        "client_name": t("column.client"),
        "currency_code": t("aging.currency"),
        **bucket_headers,
        "open_balance_amount": t("aging.open_balance"),
        "overdue_amount": t("aging.overdue"),
        "in_dispute_amount": t("aging.in_dispute"),
        "unapplied_cash_amount": t("aging.unapplied_cash"),
        "open_balance_reporting_amount": t("aging.open_balance_reporting", currency=currency),
    }
    show_table(
        client_currencies, client_currency_headers,
        money_columns=["open_balance_reporting_amount"],
        currency_code=currency,
        row_money_columns=[*bucket_headers, *amount_headers],
        currency_column="currency_code",
        language=language,
        file_name=t("aging.currency_clients_file", date=chosen.published_as_of.isoformat()),
        client_link=("client_name", "client_id"),
        key="aging_currency_clients",
        all_rows=lambda: queries.client_currency_aging(database, filters),
    )
