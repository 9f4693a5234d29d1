"""Bank reconciliation (conciliación): per account opening + movements = closing and applied +
suggested + unapplied = incoming; incoming lines by rule and confidence with the
straight-through share; lines nobody registered with their suggested documents; receipts
registered but not in the bank, by age."""

import streamlit as st

from dashboards import formatting, freshness, selection
from dashboards.i18n import t
from dashboards.queries import bank as queries
from dashboards.tables import page_number, show_table

chosen = selection.current()
database, language = chosen.database, chosen.language
published = chosen.published_as_of.isoformat()

st.title(t("bank.title"))
freshness.show_line()
if not chosen.is_published_date:
    st.info(t("bank.published_date_only", date=formatting.long_date(chosen.published_as_of, language)))

accounts = queries.accounts(database)
if accounts.empty:
    st.info(t("bank.no_statements"))
    st.stop()


def money(amount, currency: str) -> str:
    return "" if amount is None else formatting.money(amount, currency, language)


st.subheader(t("bank.accounts"))
for account in accounts.itertuples():
    currency = account.currency_code
    with st.container(border=True):
        st.markdown(f"**{account.bank_account}** · {currency}")
        st.caption(t("bank.coverage", count=account.statement_count,
                     first=formatting.short_date(account.first_statement_date, language),
                     last=formatting.short_date(account.last_statement_date, language)))
        opening, lines, closing, difference = st.columns(4)
        opening.metric(t("bank.opening"), money(account.opening_balance_amount, currency))
        lines.metric(t("bank.movements"), money(account.lines_amount, currency))
        closing.metric(t("bank.closing"), money(account.closing_balance_amount, currency))
        difference.metric(t("bank.difference"), money(account.balance_difference_amount, currency))
        incoming, applied, suggested, unapplied = st.columns(4)
        incoming.metric(t("bank.incoming"), money(account.incoming_amount, currency))
        applied.metric(t("bank.registered_applied"), money(account.registered_applied_amount, currency))
        suggested.metric(t("bank.suggested"), money(account.suggested_amount, currency))
        unapplied.metric(t("bank.unapplied"), money(account.unapplied_amount, currency))
        if account.balance_difference_amount:
            st.warning(t("bank.gap_warning"), icon=":material/warning:")

st.subheader(t("bank.by_rule"))
summary = queries.straight_through(database).iloc[0]
share_column, amount_column = st.columns(2)
share_column.metric(
    t("bank.straight_through"),
    formatting.percent(summary["straight_through_share"], language),
    help=t("bank.straight_through_help"),
)
st.caption(t("bank.straight_through_counts", lines=formatting.number(summary["straight_through_count"], language),
             total=formatting.number(summary["line_count"], language)))
amount_column.metric(
    t("bank.straight_through_amount"),
    formatting.percent(summary["straight_through_amount_share"], language),
)
rules = queries.lines_by_rule(database)
rule_names = {
    "registered_receipt": t("bank.rule_registered_receipt"),
    "reference": t("bank.rule_reference"),
    "payer_exact_amount": t("bank.rule_payer_exact_amount"),
    "payer_exact_sum": t("bank.rule_payer_exact_sum"),
    "payer_net_amount": t("bank.rule_payer_net_amount"),
    "payer_fifo": t("bank.rule_payer_fifo"),
    "unapplied": t("bank.rule_unapplied"),
}
rules["match_rule"] = [rule_names.get(rule, rule) for rule in rules["match_rule"]]
headers = {
    "rule_order": t("bank.col_rule_order"),
    "match_rule": t("bank.col_rule"),
    "confidence": t("bank.col_confidence"),
    "line_count": t("bank.col_lines"),
    "amount": t("bank.col_amount"),
}
reporting = accounts.iloc[0]["currency_code"]
show_table(
    rules, headers,
    money_columns=["amount"],
    percent_columns=["confidence"],
    currency_code=reporting,
    language=language,
    file_name=t("bank.rules_file", date=published),
    key="bank_rules",
)

st.subheader(t("bank.unregistered"))
unregistered_count = queries.unregistered_count(database, chosen.filters)
if unregistered_count == 0:
    st.info(t("bank.no_unregistered"))
else:

    def worded(unregistered):
        """The lines as the table shows them: rule names, and the unknown payer said so."""
        unregistered = unregistered.copy()
        unregistered["suggested_rule"] = [
            rule_names.get(rule, rule) if isinstance(rule, str) else ""
            for rule in unregistered["suggested_rule"]
        ]
        # A line whose payer nobody knows has no client to link to: say so instead.
        known = [isinstance(client_id, str) for client_id in unregistered["client_id"]]
        unregistered["client_id"] = [cid if ok else "" for cid, ok in zip(unregistered["client_id"], known)]
        unregistered["client_name"] = [
            name if ok else t("bank.unknown_payer") for name, ok in zip(unregistered["client_name"], known)
        ]
        unregistered["suggested_document_number"] = [
            number if isinstance(number, str) else "" for number in unregistered["suggested_document_number"]
        ]
        return unregistered

    headers = {
        "booking_date": t("bank.col_booking_date"),
        "bank_account": t("bank.col_account"),
        "client_id": t("bank.col_client_id"),
        "client_name": t("bank.col_payer"),
        "currency_code": t("bank.col_currency"),
        "line_amount": t("bank.col_amount"),
        "suggested_document_number": t("bank.col_suggested_document"),
        "suggested_rule": t("bank.col_rule"),
        "suggested_confidence": t("bank.col_confidence"),
        "suggested_documents": t("bank.col_suggested_count"),
        "bank_line_id": t("bank.col_line_id"),
    }
    page = page_number(unregistered_count, "bank_unregistered", language)
    show_table(
        worded(queries.unregistered_lines(database, chosen.filters, page)), headers,
        row_money_columns=["line_amount"],
        currency_column="currency_code",
        percent_columns=["suggested_confidence"],
        language=language,
        file_name=t("bank.unregistered_file", date=published),
        client_link=("client_name", "client_id"),
        key="bank_unregistered",
        all_rows=lambda: worded(queries.unregistered_lines(database, chosen.filters)),
    )

st.subheader(t("bank.unseen"))
ages = queries.unseen_receipts_by_age(database, chosen.filters)
if ages.empty:
    st.info(t("bank.no_unseen"))
else:
    band_names = {
        "in_transit": t("bank.band_in_transit"),
        "up_to_30_days": t("bank.band_up_to_30"),
        "31_to_90_days": t("bank.band_31_to_90"),
        "over_90_days": t("bank.band_over_90"),
    }
    for column, band in zip(st.columns(len(ages)), ages.itertuples()):
        column.metric(
            band_names.get(band.unseen_age_band, band.unseen_age_band),
            money(band.receipt_amount, reporting),
            help=t("bank.receipts_count", count=band.receipt_count),
        )
    unseen = queries.unseen_receipts(database, chosen.filters)
    unseen["unseen_age_band"] = [band_names.get(band, band) for band in unseen["unseen_age_band"]]
    headers = {
        "receipt_date": t("bank.col_receipt_date"),
        "days_unseen": t("bank.col_days_unseen"),
        "unseen_age_band": t("bank.col_age"),
        "client_id": t("bank.col_client_id"),
        "client_name": t("bank.col_client"),
        "payment_method": t("bank.col_method"),
        "currency_code": t("bank.col_currency"),
        "receipt_amount": t("bank.col_amount"),
        "receipt_id": t("bank.col_receipt_id"),
    }
    show_table(
        unseen, headers,
        row_money_columns=["receipt_amount"],
        currency_column="currency_code",
        language=language,
        file_name=t("bank.unseen_file", date=published),
        client_link=("client_name", "client_id"),
        key="bank_unseen",
    )
