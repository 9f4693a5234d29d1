"""The payment behaviour page on the demo warehouse: grades, the morosos and a client's
score are the marts' figures."""

import pytest

from apptest import displayed_frame, mart_value, marts, metrics, open_page
from dashboards import formatting


@pytest.mark.parametrize("language", ["es", "en"])
def test_grade_distribution_and_morosos_are_the_marts(demo, language):
    app = open_page("app_pages/payment_behavior.py", language)

    grades = marts(
        demo,
        "select grade, count(*) as clients, count(*) filter (where is_moroso) as morosos "
        "from marts.payment_behavior group by grade order by grade",
    )
    grade_table = app.dataframe[0].value
    shown = grade_table[grade_table.iloc[:, 1] > 0]
    assert list(shown.iloc[:, 0]) == list(grades["grade"])
    assert list(shown.iloc[:, 1]) == list(grades["clients"])
    assert list(shown.iloc[:, 3]) == list(grades["morosos"])
    morosos = marts(
        demo,
        "select client_id, overdue_amount from marts.payment_behavior where is_moroso "
        "order by overdue_amount desc, client_name, client_id",
    )
    moroso_table = app.dataframe[1]
    assert list(moroso_table.value.iloc[:, 0]) == list(morosos["client_id"])
    assert list(displayed_frame(moroso_table).iloc[:, 5]) == [
        formatting.money(amount, "EUR", language) for amount in morosos["overdue_amount"]
    ]


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_clients_score_grade_and_discount_uptake(demo, language):
    client_id = mart_value(
        demo,
        "select client_id from marts.payment_behavior "
        "where early_discount_offered_count_365 > 0 and early_discount_taken_count_365 > 0 "
        "order by client_id limit 1",
    )

    app = open_page("app_pages/payment_behavior.py", language, client_id=client_id)

    row = marts(demo, "select * from marts.payment_behavior where client_id = ?",
                [client_id]).iloc[0]
    shown = metrics(app)
    labels = {
        "es": ("Calificación", "Puntuación", "Uso del dto. pronto pago"),
        "en": ("Grade", "Score", "Early-payment discount uptake"),
    }[language]
    assert shown[labels[0]] == row["grade"]
    assert shown[labels[1]] == f"{row['score']} / 100"
    assert shown[labels[2]] == formatting.percent(row["early_discount_uptake_rate_365"], language)
    assert app.selectbox(key="behavior_client").value == client_id
