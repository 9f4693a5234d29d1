"""Client file (expediente): find a client; its fiscal data and history, position and grade,
statement of account (PDF and Excel), open items, payment history, credit limit and
decisions, collection actions and disputes. The client comes from the URL (?client_id=)."""

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import client_charts, client_search, credit_texts, formatting, freshness, reasons, selection
from dashboards.app_state import decisions_of_client
from dashboards.company_settings import CompanySettingsError, load_company, problem_words
from dashboards.exports import XLSX_MIME
from dashboards.i18n import t
from dashboards.i18n.messages import render
from dashboards.plain_text import literal
from dashboards.queries import client_file as queries
from dashboards.queries import committee as committee_queries
from dashboards.queries import payment_behavior as behavior_queries
from dashboards.signed_in import store
from dashboards.statement_pdf import (
    movement_type_label,
    statement_file_stem,
    statement_pdf,
    statement_xlsx,
)
from dashboards.tables import show_table

STATEMENT_MONTHS = 3

chosen = selection.current()
database, language = chosen.database, chosen.language
published = chosen.published_as_of.isoformat()

st.title(t("client_file.title"))
freshness.show_line()


def money(amount, currency: str) -> str:
    return "" if amount is None else formatting.money(amount, currency, language)


def _show_items(table, headers: dict[str, str], money_columns: tuple[str, ...], file_name: str, key: str) -> None:
    """`show_table` of the columns in `headers`, the `money_columns` in each row's currency."""
    show_table(
        table, headers,
        row_money_columns=money_columns,
        currency_column="currency_code",
        language=language,
        file_name=file_name,
        key=key,
    )


client_search.search(database, "client", chosen.client_id)
client_id = chosen.client_id
if client_id is None:
    st.info(t("client_file.choose"))
    st.stop()

history = queries.fiscal_history(database, client_id)
if history.empty:
    st.warning(t("client_file.unknown", client_id=literal(client_id)))
    st.stop()
current = history.iloc[0]
position = queries.position(database, client_id, chosen.aging_as_of)
reporting = chosen.reporting_currency

st.header(literal(current["legal_name"]))
st.caption(
    t(
        "client_file.identity",
        client_id=literal(client_id),
        tax_id=literal(current["tax_id"]),
        branch=literal(current["branch"] or "—"),
        salesperson=literal(current["salesperson"] or "—"),
        segment=literal(formatting.segment_name(current["segment"], language) if current["segment"] else "—"),
    )
)

if not position.empty:
    row = position.iloc[0]
    balance, overdue, available, grade = st.columns(4)
    balance.metric(t("client_file.balance"), money(row["open_balance_amount"], reporting))
    overdue.metric(t("client_file.overdue"), money(row["overdue_amount"], reporting))
    available.metric(
        t("client_file.available_credit"),
        money(row["available_credit_amount"], reporting) if row["available_credit_amount"] is not None
        else t("client_file.no_limit"),
    )
    grade.metric(t("client_file.grade"), row["grade"] or "—")
    client_reasons = behavior_queries.client_reasons(database, client_id)
    grade_reasons = client_reasons[client_reasons["reason_type"] == "grade"]
    moroso_reasons = client_reasons[client_reasons["reason_type"] == "moroso"]
    if row["score"] is not None:
        with st.expander(t("client_file.score", score=row["score"], previous=row["previous_grade"] or "—")):
            # The maxima are the points tables of macros/payment_behavior.sql (DECISIONLOG).
            components = [
                (t("client_file.score_lateness"), row["score_lateness"], 30),
                (t("client_file.score_on_time"), row["score_on_time"], 20),
                (t("client_file.score_severity"), row["score_severity"], 20),
                (t("client_file.score_trend"), row["score_trend"], 10),
                (t("client_file.score_overdue"), row["score_overdue"], 20),
            ]
            for label, points, maximum in components:
                st.progress(int(points) / maximum, text=t("client_file.score_points", component=label,
                                                            points=points, maximum=maximum))
            if not grade_reasons.empty:
                st.caption(t("client_file.grade_reasons",
                             reasons=reasons.sentences(grade_reasons, language)))
    if row["is_moroso"]:
        st.error(t("client_file.moroso", reason=reasons.sentences(moroso_reasons, language)),
                 icon=":material/warning:")
    if not chosen.is_published_date:
        st.caption(
            t("client_file.position_dates",
              date=formatting.long_date(chosen.as_of, language),
              published=formatting.long_date(chosen.published_as_of, language))
        )

(statement_tab, open_tab, payments_tab, credit_tab, collections_tab, fiscal_tab) = st.tabs([
    t("client_file.tab_statement"),
    t("client_file.tab_open"),
    t("client_file.tab_payments"),
    t("client_file.tab_credit"),
    t("client_file.tab_collections"),
    t("client_file.tab_fiscal"),
])


def _company():
    """The statement's header; a wrong company.json is said once and the statement prints
    without a header rather than with half of one."""
    try:
        return load_company()
    except CompanySettingsError as error:
        st.error(t(
            "client_file.company_invalid", path=str(error.path),
            line=error.line or "-", field=error.field or "-",
            problem=problem_words(error.problem, language),
        ))
        return None


with statement_tab:
    first = queries.statement_first_date(database, client_id)
    default_start = date(chosen.as_of.year, chosen.as_of.month, 1)
    for _ in range(STATEMENT_MONTHS - 1):
        default_start = date(default_start.year - (default_start.month == 1),
                             (default_start.month - 2) % 12 + 1, 1)
    if first is not None:
        default_start = max(default_start, first)
    start_column, end_column = st.columns(2)
    start = start_column.date_input(
        t("client_file.period_start"), value=default_start, max_value=chosen.as_of,
        format="DD/MM/YYYY", key=f"statement_start_{client_id}_{chosen.as_of}",
    )
    end = end_column.date_input(
        t("client_file.period_end"), value=chosen.as_of, min_value=start, max_value=chosen.as_of,
        format="DD/MM/YYYY", key=f"statement_end_{client_id}_{chosen.as_of}",
    )
    statement = queries.statement(database, client_id, start, end, chosen.aging_as_of, _company())
    if statement.balances.empty:
        st.info(t("client_file.no_movements"))
    for balance in statement.balances.itertuples():
        currency = balance.currency_code
        opening, closing = st.columns(2)
        opening.metric(t("client_file.opening", date=formatting.short_date(start, language)),
                       money(balance.opening_balance_amount, currency))
        closing.metric(t("client_file.closing", date=formatting.short_date(end, language)),
                       money(balance.closing_balance_amount, currency))
        movements = statement.movements[statement.movements["currency_code"] == currency].copy()
        movements["movement_type"] = [
            movement_type_label(kind, language) for kind in movements["movement_type"]
        ]
        headers = {
            "movement_date": t("client_file.col_date"),
            "movement_type": t("client_file.col_concept"),
            "reference": t("client_file.col_reference"),
            "movement_id": t("client_file.col_movement_id"),
            "debit_amount": t("client_file.col_debit"),
            "credit_amount": t("client_file.col_credit"),
            "running_balance_amount": t("client_file.col_balance"),
        }
        show_table(
            movements, headers,
            money_columns=["debit_amount", "credit_amount", "running_balance_amount"],
            currency_code=currency,
            language=language,
            file_name=f"{statement_file_stem(statement, language)}_{currency}.csv",
            key=f"statement_{currency}",
        )
    stem = statement_file_stem(statement, language)
    with st.container(horizontal=True):
        st.download_button(
            t("client_file.statement_pdf"), data=lambda: statement_pdf(statement, language),
            file_name=f"{stem}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
            on_click="ignore", type="primary", key="statement_pdf",
        )
        st.download_button(
            t("client_file.statement_xlsx"), data=lambda: statement_xlsx(statement, language),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            icon=":material/table_view:", on_click="ignore", key="statement_xlsx",
        )

with open_tab:
    items = queries.open_installments(database, client_id)
    if items.empty:
        st.info(t("client_file.nothing_open"))
    else:
        items["is_in_dispute"] = [
            t("client_file.yes") if disputed else "" for disputed in items["is_in_dispute"]
        ]
        headers = {
            "document_number": t("client_file.col_document"),
            "installment_no": t("client_file.col_installment"),
            "issue_date": t("client_file.col_issue_date"),
            "due_date": t("client_file.col_due_date"),
            "days_past_due": t("client_file.col_days_past_due"),
            "currency_code": t("client_file.col_currency"),
            "installment_amount": t("client_file.col_amount"),
            "outstanding_amount": t("client_file.col_outstanding"),
            "is_in_dispute": t("client_file.col_disputed"),
            "dispute_reason": t("client_file.col_dispute_reason"),
        }
        _show_items(
            items, headers, ("installment_amount", "outstanding_amount"),
            t("client_file.open_file", client_id=client_id, date=published), "open_items",
        )

with payments_tab:
    payments = queries.payment_history(database, client_id)
    if payments.empty:
        st.info(t("client_file.no_payments"))
    else:
        average = position.iloc[0]["weighted_days_beyond_terms_365"] if not position.empty else None
        st.plotly_chart(client_charts.payment_history(payments, average, language))
        headers = {
            "document_number": t("client_file.col_document"),
            "installment_no": t("client_file.col_installment"),
            "due_date": t("client_file.col_due_date"),
            "paid_date": t("client_file.col_paid_date"),
            "days_beyond_terms": t("client_file.col_days_beyond_terms"),
            "currency_code": t("client_file.col_currency"),
            "installment_amount": t("client_file.col_amount"),
        }
        _show_items(
            payments.sort_values("paid_date", ascending=False), headers, ("installment_amount",),
            t("client_file.payments_file", client_id=client_id, date=published), "payments",
        )

with credit_tab:
    if not position.empty:
        row = position.iloc[0]
        limit, recommended, utilisation = st.columns(3)
        limit.metric(
            t("client_file.credit_limit"),
            money(row["credit_limit_amount"], row["credit_limit_currency_code"])
            if row["credit_limit_amount"] is not None else t("client_file.no_limit"),
        )
        recommended.metric(t("client_file.recommended_limit"), money(row["recommended_limit_amount"], reporting))
        utilisation.metric(
            t("client_file.utilisation"),
            formatting.percent(row["utilisation_share"], language) if row["utilisation_share"] is not None else "—",
        )
        card = committee_queries.client_card(database, client_id).iloc[0].to_dict()
        st.text(t("client_file.rationale", rationale=credit_texts.rationale(card, reporting, language)))
        if row["is_in_breach"]:
            st.warning(t("client_file.breach", days=row["days_in_breach"]), icon=":material/error:")
        if row["review_reasons"]:
            st.text(t("client_file.review_reasons",
                      reasons="; ".join(credit_texts.review_reasons(card, reporting, language))))
    st.subheader(t("client_file.decisions"))
    # From the app-state store, not the warehouse: a decision shows as soon as it is recorded.
    decisions = pd.DataFrame(
        [decision.__dict__ for decision in decisions_of_client(store(), client_id)],
        columns=["decided_at", "decided_by", "action", "currency", "new_limit", "meeting_date",
                 "next_review_date", "reason"],
    )
    if decisions.empty:
        st.info(t("client_file.no_decisions"))
    else:
        decisions["action"] = [credit_texts.action_label(action, language) for action in decisions["action"]]
        headers = {
            "decided_at": t("client_file.col_decided_at"),
            "decided_by": t("client_file.col_decided_by"),
            "action": t("client_file.col_decision"),
            "currency": t("client_file.col_currency"),
            "new_limit": t("client_file.col_limit"),
            "meeting_date": t("committee.col_meeting"),
            "next_review_date": t("committee.col_next_review"),
            "reason": t("client_file.col_reason"),
        }
        show_table(
            decisions, headers, row_money_columns=["new_limit"], currency_column="currency",
            language=language,
            file_name=t("client_file.decisions_file", client_id=client_id, date=published), key="decisions",
        )

with collections_tab:
    st.subheader(t("client_file.actions"))
    actions = queries.worklist_actions(database, client_id)
    if actions.empty:
        st.info(t("client_file.no_actions"))
    else:
        actions["action"] = actions["action_label_es" if language == "es" else "action_label_en"]
        headers = {
            "action": t("client_file.col_action"),
            "action_due_date": t("client_file.col_action_due"),
            "document_number": t("client_file.col_document"),
            "installment_no": t("client_file.col_installment"),
            "due_date": t("client_file.col_due_date"),
            "days_past_due": t("client_file.col_days_past_due"),
            "currency_code": t("client_file.col_currency"),
            "outstanding_amount": t("client_file.col_outstanding"),
        }
        _show_items(
            actions, headers, ("outstanding_amount",),
            t("client_file.actions_file", client_id=client_id, date=published), "actions",
        )
    st.subheader(t("client_file.disputes"))
    disputed = queries.disputes(database, client_id)
    if disputed.empty:
        st.info(t("client_file.no_disputes"))
    else:
        headers = {
            "document_number": t("client_file.col_document"),
            "issue_date": t("client_file.col_issue_date"),
            "due_date": t("client_file.col_due_date"),
            "currency_code": t("client_file.col_currency"),
            "total_amount": t("client_file.col_amount"),
            "outstanding_amount": t("client_file.col_outstanding"),
            "dispute_reason": t("client_file.col_dispute_reason"),
        }
        _show_items(
            disputed, headers, ("total_amount", "outstanding_amount"),
            t("client_file.disputes_file", client_id=client_id, date=published), "disputes",
        )

with fiscal_tab:
    history["tax_id_is_valid"] = [
        "" if valid is None else t("client_file.yes") if valid else t("client_file.no")
        for valid in history["tax_id_is_valid"]
    ]
    # Stored as a catalogue message (older rows: English text), worded in the page's language.
    history["tax_id_check_reason"] = [
        render(reason, language) if isinstance(reason, str) else "" for reason in history["tax_id_check_reason"]
    ]
    headers = {
        "version_no": t("client_file.col_version"),
        "valid_from": t("client_file.col_valid_from"),
        "valid_to": t("client_file.col_valid_to"),
        "legal_name": t("client_file.col_legal_name"),
        "tax_id": t("client_file.col_tax_id"),
        "tax_id_is_valid": t("client_file.col_tax_id_valid"),
        "tax_id_check_reason": t("client_file.col_tax_id_check"),
        "address": t("client_file.col_address"),
        "country_code": t("client_file.col_country"),
        "payment_terms_days": t("client_file.col_terms"),
        "currency_code": t("client_file.col_currency"),
        "credit_limit_amount": t("client_file.col_limit"),
        "email": t("client_file.col_email"),
        "phone": t("client_file.col_phone"),
        "changed_fields": t("client_file.col_changed"),
    }
    _show_items(
        history, headers, ("credit_limit_amount",),
        t("client_file.fiscal_file", client_id=client_id, date=published), "fiscal",
    )

