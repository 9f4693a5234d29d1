"""The bookkeeper's list: limits the committee set that the invoicing system does not carry
yet. Shown on the committee page and on the data-quality page, which the bookkeeper reads
whatever their role."""

import streamlit as st

from dashboards import credit_texts
from dashboards.i18n import t
from dashboards.queries import committee as queries
from dashboards.db import PublishedDatabase
from dashboards.tables import show_table


def show(database: PublishedDatabase, language: str, as_of_text: str, key: str) -> None:
    st.subheader(t("committee.mismatches"))
    mismatches = queries.limit_mismatches(database)
    if mismatches.empty:
        st.info(t("committee.mismatches_none"))
        return
    st.caption(t("committee.mismatches_help"))
    mismatches["limit_decision"] = [credit_texts.action_label(action, language) for action in mismatches["limit_decision"]]
    show_table(
        mismatches,
        {
            "client_name": t("committee.col_client"),
            "client_id": t("committee.col_client_id"),
            "erp_credit_limit_amount": t("committee.col_erp_limit"),
            "credit_limit_amount": t("committee.col_committee_limit"),
            "credit_limit_currency_code": t("committee.form_currency"),
            "limit_decision": t("committee.col_action"),
            "limit_decision_date": t("committee.col_decided_on"),
        },
        row_money_columns=["erp_credit_limit_amount", "credit_limit_amount"],
        currency_column="credit_limit_currency_code",
        language=language,
        file_name=t("committee.mismatches_file", date=as_of_text),
        client_link=("client_name", "client_id"),
        key=key,
    )
