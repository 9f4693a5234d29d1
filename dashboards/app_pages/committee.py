"""Credit committee (comité de crédito): the review queue, one client's figures side by
side with why it is due and how its recommended limit was worked out, its last decisions
and the form that records a new one; the limits the bookkeeper must copy into the
invoicing system; the meeting pack as PDF and Excel.

Decisions are read from and written to the app-state store (dashboards.signed_in), so a
new one shows here and in the client file at once; the warehouse's credit_limits takes it
as the client's limit at the next refresh. Client names and the committee's words are
shown as text (st.text, dataframes, plain_text.literal in headings), never as markdown
or HTML."""

from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from dashboards import client_search, credit_texts, formatting, freshness, limit_mismatches, meeting_pack, plain_text, selection
from dashboards.app_state import (
    ACTIONS,
    LIMIT_ACTIONS,
    RECORD_DECISION,
    AppStateError,
    decisions_of_client,
    latest_decisions,
    record_decision,
)
from dashboards.exports import XLSX_MIME
from dashboards.i18n import t
from dashboards.queries import committee as queries
from dashboards.queries.base import PAGE_ROWS, Page
from dashboards.signed_in import current_user, store
from dashboards.tables import page_number, show_table

LAST_DECISIONS = 5

chosen = selection.current()
database, language, currency = chosen.database, chosen.language, chosen.reporting_currency
as_of_text = chosen.published_as_of.isoformat()

st.title(t("committee.title"))
freshness.show_line()


def money(amount, currency_code: str) -> str:
    return "—" if amount is None else formatting.money(amount, currency_code, language)


store_latest = latest_decisions(store())

# ------------------------------------------------------------------ meeting pack
sort_labels = {queries.BY_URGENCY: t("committee.sort_urgency"), queries.BY_EXPOSURE: t("committee.sort_exposure")}
order = st.segmented_control(
    t("committee.sort"),
    list(sort_labels),
    default=queries.BY_URGENCY,
    format_func=sort_labels.get,
    key="committee_order",
) or queries.BY_URGENCY
queue_count = queries.review_count(database, chosen.filters)


def pack() -> meeting_pack.MeetingPack:
    queue = queries.review_cards(database, chosen.filters, order)
    ids = tuple(queue["client_id"])
    return meeting_pack.MeetingPack(
        as_of=chosen.published_as_of,
        currency=currency,
        queue=queue,
        history=queries.exposure_history(database, ids),
        decisions={client_id: decisions_of_client(store(), client_id) for client_id in ids},
    )


with st.container(horizontal=True):
    stem = t("committee.pack_file", date=as_of_text)
    st.download_button(
        t("committee.pack_pdf"), data=lambda: meeting_pack.meeting_pack_pdf(pack(), language),
        file_name=f"{stem}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
        on_click="ignore", type="primary", key="committee_pack_pdf",
    )
    st.download_button(
        t("committee.pack_xlsx"), data=lambda: meeting_pack.meeting_pack_xlsx(pack(), language),
        file_name=f"{stem}.xlsx", mime=XLSX_MIME, icon=":material/table_view:",
        on_click="ignore", key="committee_pack_xlsx",
    )

# ------------------------------------------------------------------ the queue
with st.container(key="committee_queue_section"):
    st.subheader(t("committee.queue"))
    if queue_count == 0:
        st.info(t("committee.queue_empty"))
    else:
        st.caption(t("committee.queue_count", count=queue_count, date=formatting.short_date(chosen.published_as_of, language)))

        def with_texts(queue):
            """The queue's rows with their reasons and the last decision, as the table shows them."""
            shown = queue.copy()
            shown["reasons"] = ["; ".join(credit_texts.review_reasons(row, currency, language))
                                for row in queue.to_dict("records")]
            shown["last_decision"] = [
                "" if client_id not in store_latest else
                credit_texts.action_label(store_latest[client_id].action, language)
                + " · " + formatting.short_date(store_latest[client_id].meeting_date, language)
                for client_id in queue["client_id"]
            ]
            return shown

        page = page_number(queue_count, "committee_queue", language)
        show_table(
            with_texts(queries.review_queue(database, chosen.filters, order, page)),
            {
                "client_name": t("committee.col_client"),
                "client_id": t("committee.col_client_id"),
                "branch": t("committee.col_branch"),
                "salesperson": t("committee.col_salesperson"),
                "exposure_amount": t("committee.col_exposure"),
                "credit_limit_reporting_amount": t("committee.col_limit"),
                "utilisation_pct": t("committee.col_utilisation"),
                "days_in_breach": t("committee.col_days_in_breach"),
                "reasons": t("committee.col_reasons"),
                "last_decision": t("committee.col_last_decision"),
            },
            money_columns=["exposure_amount", "credit_limit_reporting_amount"],
            points_columns=["utilisation_pct"],
            currency_code=currency,
            language=language,
            file_name=t("committee.queue_file", date=as_of_text),
            client_link=("client_name", "client_id"),
            key="committee_queue",
            all_rows=lambda: with_texts(queries.review_queue(database, chosen.filters, order)),
        )

# ------------------------------------------------------------------ one client
# The client chosen in the search, on another page or in the link; else the queue's first.
client_search.search(database, "committee_client", chosen.client_id)
card = queries.client_card(database, chosen.client_id) if chosen.client_id else pd.DataFrame()
if card.empty:
    # The queue's first page, as its table reads it (one query for both).
    first = queries.review_queue(database, chosen.filters, order, Page(0, PAGE_ROWS))
    if first.empty:
        st.stop()
    card = queries.client_card(database, first.iloc[0]["client_id"])
    st.caption(t("committee.client_shown"))
row = card.iloc[0].to_dict()
client_id = row["client_id"]

with st.container(key="committee_card"):
    st.subheader(t("committee.card", name=plain_text.literal(row["client_name"])))
    st.caption(t(
        "committee.card_identity", client_id=plain_text.literal(client_id),
        branch=plain_text.literal(row["branch"] or "—"), salesperson=plain_text.literal(row["salesperson"] or "—"),
    ))
    exposure_column, limit_column, utilisation_column, breach_column = st.columns(4)
    exposure_column.metric(t("committee.exposure"), money(row["exposure_amount"], currency))
    limit_column.metric(
        t("committee.limit"),
        money(row["credit_limit_amount"], row["credit_limit_currency_code"])
        if row["credit_limit_amount"] is not None else t("committee.no_limit"),
    )
    limit_column.text(
        t("committee.limit_source_committee", date=formatting.short_date(row["limit_decision_date"], language))
        if row["credit_limit_source"] == "committee" else t("committee.limit_source_export")
    )
    utilisation_column.metric(
        t("committee.utilisation"),
        "—" if row["utilisation_pct"] is None else formatting.percent(row["utilisation_pct"] * Decimal("0.01"), language),
    )
    breach_column.metric(
        t("committee.days_in_breach"),
        t("committee.not_in_breach") if row["days_in_breach"] is None else str(row["days_in_breach"]),
    )
    recommended_column, grade_column, overdue_column, disputed_column, share_column = st.columns(5)
    recommended_column.metric(t("committee.recommended"), money(row["recommended_limit_amount"], currency))
    grade_column.metric(
        t("committee.grade"), row["grade"] or "—",
        help=t("committee.grade_trend", previous=row["previous_grade"] or "—"),
    )
    grade_column.text(t("committee.grade_trend", previous=row["previous_grade"] or "—"))
    overdue_column.metric(t("committee.overdue"), money(row["overdue_amount"], currency))
    disputed_column.metric(t("committee.disputed"), money(row["in_dispute_amount"], currency))
    share_column.metric(
        t("committee.revenue_share"),
        "—" if row["revenue_share_pct"] is None else formatting.percent(row["revenue_share_pct"] * Decimal("0.01"), language),
    )

    reasons_column, rationale_column = st.columns(2)
    with reasons_column:
        st.markdown(f"**{t('committee.reasons_title')}**")
        for line in credit_texts.review_reasons(row, currency, language) or [t("committee.no_reasons")]:
            st.text(f"• {line}")
    with rationale_column:
        st.markdown(f"**{t('committee.rationale_title')}**")
        st.text(credit_texts.rationale(row, currency, language))

    st.markdown(f"**{t('committee.decisions')}**")
    decisions = decisions_of_client(store(), client_id)[:LAST_DECISIONS]
    if not decisions:
        st.info(t("committee.no_decisions"))
    else:
        history = pd.DataFrame([
            {
                "meeting_date": decision.meeting_date,
                "decided_by": decision.decided_by,
                "action": credit_texts.action_label(decision.action, language),
                "new_limit": "" if decision.new_limit is None else money(decision.new_limit, decision.currency),
                "next_review_date": decision.next_review_date,
                "reason": decision.reason,
            }
            for decision in decisions
        ])
        show_table(
            history,
            {
                "meeting_date": t("committee.col_meeting"),
                "decided_by": t("committee.col_by"),
                "action": t("committee.col_action"),
                "new_limit": t("committee.col_new_limit"),
                "next_review_date": t("committee.col_next_review"),
                "reason": t("committee.col_reason"),
            },
            language=language,
            file_name=f"{client_id}_{as_of_text}.csv",
            key="committee_decisions",
        )

# ------------------------------------------------------------------ the decision form
st.subheader(t("committee.form"))
user = current_user()
may_decide = user is not None and user.can(RECORD_DECISION)
if not may_decide:
    st.caption(t("committee.form_readonly"))
with st.form("committee_decision", clear_on_submit=False):
    action = st.selectbox(
        t("committee.form_action"), ACTIONS, format_func=lambda key: credit_texts.action_label(key, language),
        key="committee_action",
    )
    amount_column, currency_column = st.columns(2)
    typed_limit = amount_column.text_input(
        t("committee.form_new_limit"), help=t("committee.form_new_limit_help"), key="committee_new_limit"
    )
    limit_currency = currency_column.text_input(
        t("committee.form_currency"), value=row["credit_limit_currency_code"] or currency, max_chars=3,
        key="committee_currency",
    )
    reason = st.text_area(t("committee.form_reason"), key="committee_reason")
    meeting_column, review_column = st.columns(2)
    meeting_date = meeting_column.date_input(
        t("committee.form_meeting"), value=date.today(), format="DD/MM/YYYY", key="committee_meeting"
    )
    next_review = review_column.date_input(
        t("committee.form_next_review"), value=None, format="DD/MM/YYYY", key="committee_next_review"
    )
    submitted = st.form_submit_button(t("committee.form_submit"), type="primary", disabled=not may_decide)

if submitted:
    try:
        if user is None:
            raise AppStateError("not_signed_in", "no user signed in")
        decision = record_decision(
            store(), user, client_id, action,
            credit_texts.typed_amount(typed_limit),
            limit_currency if action in LIMIT_ACTIONS else None,
            reason, next_review, meeting_date,
        )
    except AppStateError as refusal:
        st.error(credit_texts.error_message(refusal.code, language), icon=":material/block:")
    else:
        # Shown after the rerun that draws the queue and the history with the decision.
        st.session_state["committee_recorded"] = decision.action
        st.rerun()
if "committee_recorded" in st.session_state:
    recorded = credit_texts.action_label(st.session_state.pop("committee_recorded"), language)
    st.success(t("committee.recorded", action=recorded), icon=":material/check:")

# ------------------------------------------------------------------ bookkeeper's list
limit_mismatches.show(database, language, as_of_text, key="committee_mismatches")
