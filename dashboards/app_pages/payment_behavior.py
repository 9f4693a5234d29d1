"""Payment behaviour: grade distribution, how late the last year's money came, the late
payers (morosos), and per client the score's components, its trend and the uptake of
early-payment discounts."""

import streamlit as st

from dashboards import charts_behavior as charts
from dashboards import client_search, formatting, freshness, reasons, selection
from dashboards.i18n import t
from dashboards.plain_text import literal
from dashboards.queries import payment_behavior as queries
from dashboards.tables import page_number, show_table

chosen = selection.current()
language = chosen.language
database, filters, currency = chosen.database, chosen.filters, chosen.reporting_currency
published_text = formatting.long_date(chosen.published_as_of, language)

st.title(t("behavior.title"))
freshness.show_line()
if chosen.is_published_date:
    st.caption(t("behavior.caption", date=published_text))
else:
    st.info(t("behavior.at_published", date=published_text))

grades = queries.grades(database, filters)
if grades["client_count"].sum() == 0:
    st.info(t("behavior.no_clients"))
    st.stop()

grade_column, lateness_column = st.columns(2)
with grade_column:
    st.subheader(t("behavior.grades"))
    st.plotly_chart(charts.grade_distribution(grades, language))
with lateness_column:
    st.subheader(t("behavior.days_beyond_terms"))
    st.plotly_chart(
        charts.days_beyond_terms(queries.days_beyond_terms(database, filters), currency, language)
    )

grade_headers = {
    "grade": t("behavior.grade"),
    "client_count": t("behavior.clients"),
    "previous_client_count": t("behavior.clients_90"),
    "moroso_count": t("behavior.morosos_count"),
    "overdue_amount": t("behavior.overdue"),
}
show_table(
    grades, grade_headers,
    money_columns=["overdue_amount"],
    currency_code=currency,
    language=language,
    file_name=t("behavior.grades_file", date=chosen.published_as_of.isoformat()),
    key="behavior_grades",
)

st.subheader(t("behavior.morosos"))
st.caption(t("behavior.morosos_caption"))
moroso_count = queries.moroso_count(database, filters)
if moroso_count == 0:
    st.info(t("behavior.no_morosos"))
else:

    def with_reasons(morosos):
        """The late payers with their reasons worded: only theirs (at L 11,667 late payers,
        a page shows 1,000)."""
        codes = queries.reasons(database, "moroso")
        worded = reasons.by_client(codes[codes["client_id"].isin(set(morosos["client_id"]))], language)
        return morosos.assign(moroso_reasons=[worded.get(client, "") for client in morosos["client_id"]])

    moroso_headers = {
        "client_id": t("column.client_id"),
        "client_name": t("column.client"),
        "grade": t("behavior.grade"),
        "score": t("behavior.score"),
        "moroso_reasons": t("behavior.moroso_reason"),
        "overdue_amount": t("behavior.overdue"),
        "max_days_past_due_undisputed": t("behavior.max_days_past_due"),
        "weighted_days_beyond_terms_365": t("behavior.days_beyond_terms_365"),
        "paid_count_365": t("behavior.payments_365"),
    }
    page = page_number(moroso_count, "behavior_morosos", language)
    show_table(
        with_reasons(queries.morosos(database, filters, page)), moroso_headers,
        money_columns=["overdue_amount"],
        currency_code=currency,
        language=language,
        file_name=t("behavior.morosos_file", date=chosen.published_as_of.isoformat()),
        client_link=("client_name", "client_id"),
        key="behavior_morosos",
        all_rows=lambda: with_reasons(queries.morosos(database, filters)),
    )

st.subheader(t("behavior.client"))
client_search.search(database, "behavior_client", chosen.client_id)
client_id = chosen.client_id
behavior_rows = queries.client_behavior(database, client_id) if client_id else None
if client_id is None:
    st.caption(t("behavior.choose"))
elif behavior_rows.empty:
    st.info(t("behavior.unknown_client", client_id=literal(client_id)))
else:
    behavior = behavior_rows.iloc[0]
    st.markdown(f"**{t('behavior.client_heading', name=literal(behavior['client_name']), client_id=literal(client_id))}**")
    grade, score, before, uptake = st.columns(4)
    grade.metric(t("behavior.grade"), behavior["grade"])
    score.metric(t("behavior.score"), f"{int(behavior['score'])} / 100")
    before.metric(t("behavior.previous_grade"), behavior["previous_grade"] or "—")
    offered = int(behavior["early_discount_offered_count_365"])
    uptake.metric(
        t("behavior.discount_uptake"),
        "—" if behavior["early_discount_uptake_rate_365"] is None
        else formatting.percent(behavior["early_discount_uptake_rate_365"], language),
        help=t("behavior.discount_uptake_help", taken=int(behavior["early_discount_taken_count_365"]),
               offered=offered),
    )
    grade_reasons = queries.client_reasons(database, client_id)
    grade_reasons = grade_reasons[grade_reasons["reason_type"] == "grade"]
    if not grade_reasons.empty:
        st.caption(t("behavior.reasons", reasons=reasons.sentences(grade_reasons, language)))
    trend = behavior["trend_days_beyond_terms"]
    st.caption(
        t("behavior.trend_none") if trend is None else t(
            "behavior.trend",
            recent=formatting.days(behavior["weighted_days_beyond_terms_90"], language),
            prior=formatting.days(behavior["weighted_days_beyond_terms_prior_90"], language),
            change=formatting.days(trend, language),
        )
    )
    components_column, history_column = st.columns([2, 3])
    with components_column:
        st.plotly_chart(charts.score_components(behavior, language))
    with history_column:
        payments = queries.client_payments(database, client_id)
        if payments.empty:
            st.info(t("behavior.no_payments"))
        else:
            st.plotly_chart(charts.payment_history(payments, language))
