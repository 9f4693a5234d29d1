"""The concentration page on the demo warehouse: the sentence, the top shares, HHI and the
clients are the marts' figures."""

import pytest

from apptest import displayed_frame, mart_value, marts, metrics, open_page
from dashboards import formatting

SENTENCE = {
    "es": "**{client}** es el **{share}** de la facturación de los últimos 12 meses hasta el {end}.",
    "en": "**{client}** is **{share}** of the revenue of the last 12 months up to {end}.",
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_sentence_names_the_largest_client_of_the_last_12_months(demo, language):
    app = open_page("app_pages/concentration.py", language)

    as_of = mart_value(demo, "select max(as_of_date) from marts.ar_aging")
    largest = marts(
        demo,
        "select client_name, revenue_share_pct from marts.client_concentration "
        "where period_type = 'trailing_12_months' and period_end = ? and revenue_rank = 1",
        [as_of],
    ).iloc[0]
    assert app.markdown[0].value == SENTENCE[language].format(
        client=largest["client_name"],
        share=formatting.percent_points(largest["revenue_share_pct"], language),
        end=formatting.short_date(as_of, language),
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_top_shares_and_hhi_are_the_summary_marts(demo, language):
    app = open_page("app_pages/concentration.py", language)

    summary = marts(
        demo,
        "select * from marts.concentration_summary where period_type = 'trailing_12_months' "
        "order by period_end desc limit 1",
    ).iloc[0]
    shown = list(metrics(app).values())
    assert shown[:3] == [
        formatting.percent_points(summary[column], language)
        for column in ("top1_share_pct", "top5_share_pct", "top10_share_pct")
    ]
    assert shown[3] == formatting.number(round(summary["hhi"]), language)


def test_clients_ranked_with_their_shares_and_abc_class(demo):
    app = open_page("app_pages/concentration.py", "en")

    as_of = mart_value(demo, "select max(as_of_date) from marts.ar_aging")
    expected = marts(
        demo,
        "select client_id, revenue_share_pct, cumulative_share_pct, abc_class "
        "from marts.client_concentration where period_type = 'trailing_12_months' "
        "and period_end = ? order by revenue_rank",
        [as_of],
    )
    table = app.dataframe[-1]
    assert list(table.value.iloc[:, 1]) == list(expected["client_id"])
    shown = displayed_frame(table)
    assert list(shown.iloc[:, 4][:5]) == [
        formatting.percent_points(share, "en") for share in expected["revenue_share_pct"][:5]
    ]
    assert list(table.value.iloc[:, 6]) == list(expected["abc_class"])
    classes = app.dataframe[0].value
    assert list(classes.iloc[:, 0]) == sorted(set(expected["abc_class"]))
    assert list(classes.iloc[:, 1]) == [
        (expected["abc_class"] == abc_class).sum() for abc_class in classes.iloc[:, 0]
    ]


def test_a_branch_filter_lists_only_its_clients_with_company_shares(demo):
    app = open_page("app_pages/concentration.py", "en", branch="Madrid")

    as_of = mart_value(demo, "select max(as_of_date) from marts.ar_aging")
    expected = marts(
        demo,
        "select concentration.client_id from marts.client_concentration as concentration "
        "join marts.dim_clients as clients on clients.client_id = concentration.client_id "
        "and clients.is_current where clients.branch = 'Madrid' "
        "and period_type = 'trailing_12_months' and period_end = ? order by revenue_rank",
        [as_of],
    )
    assert list(app.dataframe[-1].value.iloc[:, 1]) == list(expected["client_id"])
