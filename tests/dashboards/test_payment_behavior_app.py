"""The payment behaviour page on the demo warehouse: grades, the morosos and a client's
score are the marts' figures."""

import pytest

from apptest import displayed_frame, mart_value, marts, metrics, open_page
from dashboards import formatting, reasons


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
    assert f"**{row['client_name']} ({client_id})**" in [element.value for element in app.markdown]


def test_a_client_is_found_by_its_tax_id_and_its_score_shown(demo):
    """Two steps from nothing chosen: part of the tax id typed, the match picked; the
    client becomes the session's (the URL names it)."""
    row = marts(demo, """
        select behavior.client_id, behavior.score, clients.tax_id
        from marts.payment_behavior as behavior
        inner join marts.dim_clients as clients on clients.client_id = behavior.client_id and clients.is_current
        order by behavior.client_id desc limit 1""").iloc[0]
    app = open_page("app_pages/payment_behavior.py", "en")
    assert "Score" not in metrics(app)

    text = row["tax_id"][1:]
    app.text_input(key="behavior_client_search").set_value(text).run()
    app.selectbox(key=f"behavior_client_pick_{text}").set_value(row["client_id"]).run()

    assert not app.exception, app.exception
    assert metrics(app)["Score"] == f"{row['score']} / 100"
    assert app.query_params["client_id"] == row["client_id"]


MOROSO_WORDS = {"es": ("días de vencida", "retraso crónico"), "en": ("days past due", "chronic lateness")}


@pytest.mark.parametrize("language", ["es", "en"])
def test_moroso_reasons_are_sentences_in_the_users_language(demo, language):
    """The morosos' reasons column is the mart's codes and figures worded by the catalogue:
    Spanish words on the Spanish page, English on the English one, never the other."""
    app = open_page("app_pages/payment_behavior.py", language)

    codes = marts(
        demo,
        "select client_id, reason_type, reason_code, points_lost, parameter_1, parameter_2, parameter_3 "
        "from marts.payment_behavior_reasons where reason_type = 'moroso' order by client_id, reason_order",
    )
    shown = displayed_frame(app.dataframe[1])
    expected = reasons.by_client(codes, language)
    assert set(codes["reason_code"]) <= {"open_over_90_days", "chronic_lateness"}
    assert len(shown) == len(expected) > 0
    for client_id, sentence in zip(shown.iloc[:, 0], shown.iloc[:, 4]):
        assert sentence == expected[client_id]
        assert any(word in sentence for word in MOROSO_WORDS[language]), sentence
        other = MOROSO_WORDS["en" if language == "es" else "es"]
        assert not any(word in sentence for word in other), sentence


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_clients_grade_reasons_are_sentences_in_the_users_language(demo, language):
    """A client whose grade lost points on lateness: the caption words its reasons,
    e.g. es 'retraso medio de 54,93 días…', en 'paid 54.93 days beyond terms…', with the
    mart's figures written as the language writes numbers."""
    client_id, days = marts(
        demo,
        "select client_id, parameter_1 from marts.payment_behavior_reasons "
        "where reason_code = 'lateness' order by points_lost desc, client_id limit 1",
    ).iloc[0]

    app = open_page("app_pages/payment_behavior.py", language, client_id=client_id)

    codes = marts(
        demo,
        "select client_id, reason_type, reason_code, points_lost, parameter_1, parameter_2, parameter_3 "
        "from marts.payment_behavior_reasons where client_id = ? and reason_type = 'grade' "
        "order by reason_order", [client_id],
    )
    captions = [caption.value for caption in app.caption]
    lead = {"es": "Pierde puntos por: ", "en": "Loses points for: "}[language]
    assert lead + reasons.sentences(codes, language) in captions
    words = {"es": f"retraso medio de {formatting.number(days, 'es')} días",
             "en": f"paid {formatting.number(days, 'en')} days beyond terms"}[language]
    assert any(words in caption for caption in captions), captions


@pytest.mark.parametrize(
    ("language", "note"),
    [("es", "El comportamiento de pago es el del 1 de noviembre de 2026, la fecha de los datos publicados."),
     ("en", "The payment behaviour is the one of 1 November 2026, the date of the published data.")],
)
def test_an_earlier_date_says_the_behaviour_is_the_published_dates(demo, language, note):
    app = open_page("app_pages/payment_behavior.py", language, as_of="2026-10-31")
    assert note in [info.value for info in app.info]
