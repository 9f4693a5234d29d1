"""Collections worklist (cobranza): the actions due by dunning-ladder step with amounts and
contacts, the disputed items apart, and the clients up to date with credit left (for sales).
The sidebar's salesperson and branch filters narrow every list."""

import streamlit as st

from dashboards import formatting, freshness, selection
from dashboards.i18n import t
from dashboards.queries import worklist as queries
from dashboards.tables import page_number, show_table

chosen = selection.current()
language = chosen.language
database, filters = chosen.database, chosen.filters
published_text = formatting.long_date(chosen.published_as_of, language)

st.title(t("worklist.title"))
freshness.show_line()
if chosen.is_published_date:
    st.caption(t("worklist.caption", date=published_text))
else:
    st.info(t("worklist.at_published", date=published_text))

steps = queries.steps(database, filters, language)
reporting = chosen.reporting_currency
contact_headers = {
    "email": t("worklist.email"),
    "phone": t("worklist.phone"),
}


def money(amount, code):
    return formatting.money(amount, code, language)


actions_tab, disputed_tab, al_dia_tab = st.tabs(
    [t("worklist.actions"), t("worklist.disputed"), t("worklist.al_dia")]
)

with actions_tab:
    if steps.empty:
        st.info(t("worklist.no_actions"))
    else:
        totals = queries.totals(database, filters).iloc[0]
        items, clients, amount, today = st.columns(4)
        items.metric(t("worklist.items"), formatting.number(totals["item_count"], language))
        clients.metric(t("worklist.clients"), formatting.number(totals["client_count"], language))
        amount.metric(t("worklist.amount", currency=reporting),
                      money(totals["outstanding_reporting_amount"], reporting))
        today.metric(t("worklist.due_today"),
                     formatting.number(totals["due_today_count"], language))
        step_headers = {
            "action_label": t("worklist.step"),
            "item_count": t("worklist.items"),
            "client_count": t("worklist.clients"),
            "outstanding_reporting_amount": t("worklist.amount", currency=reporting),
            "due_today_count": t("worklist.due_today"),
        }
        show_table(
            steps, step_headers,
            money_columns=["outstanding_reporting_amount"],
            currency_code=reporting,
            language=language,
            file_name=t("worklist.steps_file", date=chosen.published_as_of.isoformat()),
            key="worklist_steps",
        )
        action_headers = {
            "client_id": t("column.client_id"),
            "client_name": t("column.client"),
            **contact_headers,
            "salesperson": t("worklist.salesperson"),
            "document_number": t("worklist.document"),
            "installment_no": t("worklist.installment_no"),
            "due_date": t("worklist.due_date"),
            "days_past_due": t("worklist.days_past_due"),
            "currency_code": t("worklist.currency"),
            "outstanding_amount": t("worklist.outstanding"),
            "outstanding_reporting_amount": t("worklist.amount", currency=reporting),
            "action_due_date": t("worklist.action_due_date"),
            "next_action_label": t("worklist.next_action"),
            "next_action_date": t("worklist.next_action_date"),
        }
        for step in steps.dropna(subset=["action_step_order"]).itertuples():
            label = t(
                "worklist.step_heading",
                step=step.action_label,
                items=formatting.number(step.item_count, language),
                amount=money(step.outstanding_reporting_amount, reporting),
            )
            # A step's list is drawn when its expander is open: drawing a table costs ~1 ms
            # a row (formatting), and at L every step holds a full page of 1,000.
            with st.expander(label, key=f"worklist_open_{step.action_code}", on_change="rerun") as step_box:
                if not step_box.open:
                    continue
                step_order = int(step.action_step_order)
                page = page_number(int(step.item_count), f"worklist_step_{step.action_code}", language)
                show_table(
                    queries.actions(database, filters, language, step_order, page), action_headers,
                    money_columns=["outstanding_reporting_amount"],
                    currency_code=reporting,
                    row_money_columns=["outstanding_amount"],
                    currency_column="currency_code",
                    language=language,
                    file_name=t("worklist.step_file", step=step.action_code,
                                date=chosen.published_as_of.isoformat()),
                    client_link=("client_name", "client_id"),
                    key=f"worklist_step_{step.action_code}",
                    all_rows=lambda step_order=step_order: queries.actions(database, filters, language, step_order),
                )

with disputed_tab:
    disputed_count = queries.disputed_count(database, filters)
    if disputed_count == 0:
        st.info(t("worklist.no_disputed"))
    else:
        st.caption(t("worklist.disputed_caption"))
        disputed_headers = {
            "client_id": t("column.client_id"),
            "client_name": t("column.client"),
            **contact_headers,
            "document_number": t("worklist.document"),
            "issue_date": t("worklist.issue_date"),
            "due_date": t("worklist.due_date"),
            "days_past_due": t("worklist.days_past_due"),
            "currency_code": t("worklist.currency"),
            "outstanding_amount": t("worklist.outstanding"),
            "outstanding_reporting_amount": t("worklist.amount", currency=reporting),
            "dispute_reason": t("worklist.dispute_reason"),
            "days_since_issue": t("worklist.days_since_issue"),
        }
        page = page_number(disputed_count, "worklist_disputed", language)
        show_table(
            queries.disputed(database, filters, page), disputed_headers,
            money_columns=["outstanding_reporting_amount"],
            currency_code=reporting,
            row_money_columns=["outstanding_amount"],
            currency_column="currency_code",
            language=language,
            file_name=t("worklist.disputed_file", date=chosen.published_as_of.isoformat()),
            client_link=("client_name", "client_id"),
            key="worklist_disputed",
            all_rows=lambda: queries.disputed(database, filters),
        )

with al_dia_tab:
    al_dia_count = queries.al_dia_count(database, filters)
    if al_dia_count == 0:
        st.info(t("worklist.no_al_dia"))
    else:
        st.caption(t("worklist.al_dia_caption"))
        al_dia_headers = {
            "client_id": t("column.client_id"),
            "client_name": t("column.client"),
            **contact_headers,
            "salesperson": t("worklist.salesperson"),
            "credit_limit_reporting_amount": t("worklist.credit_limit"),
            "exposure_amount": t("worklist.exposure"),
            "available_credit_amount": t("worklist.available_credit"),
            "revenue_12m_amount": t("worklist.revenue_12m"),
            "last_sale_date": t("worklist.last_sale"),
            "days_since_last_sale": t("worklist.days_since_last_sale"),
        }
        page = page_number(al_dia_count, "worklist_al_dia", language)
        show_table(
            queries.clients_al_dia(database, filters, page), al_dia_headers,
            money_columns=[
                "credit_limit_reporting_amount", "exposure_amount", "available_credit_amount", "revenue_12m_amount"
            ],
            currency_code=reporting,
            language=language,
            file_name=t("worklist.al_dia_file", date=chosen.published_as_of.isoformat()),
            client_link=("client_name", "client_id"),
            key="worklist_al_dia",
            all_rows=lambda: queries.clients_al_dia(database, filters),
        )
