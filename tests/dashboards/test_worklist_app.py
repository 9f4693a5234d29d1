"""The collections worklist on the demo warehouse: steps, actions, disputes and the
up-to-date list are the marts' rows."""

import pytest

from apptest import displayed_frame, mart_value, marts, metrics, open_page
from dashboards import formatting

STEPS_SQL = """
    select
        ladder.label_{language} as label,
        count(*) as item_count,
        sum(worklist.outstanding_reporting_amount) as amount
    from marts.collections_worklist as worklist
    join staging.dunning_ladder as ladder on ladder.action_code = worklist.action_code
    {where}
    group by ladder.step_order, ladder.label_{language}
    order by ladder.step_order
"""


@pytest.mark.parametrize("language", ["es", "en"])
def test_actions_are_grouped_by_ladder_step_with_the_worklists_amounts(demo, language):
    app = open_page("app_pages/worklist.py", language)

    expected = marts(demo, STEPS_SQL.format(language=language, where=""))
    shown = displayed_frame(app.dataframe[0])
    assert list(shown.iloc[:, 0]) == list(expected["label"])
    assert list(app.dataframe[0].value.iloc[:, 1]) == list(expected["item_count"])
    assert list(shown.iloc[:, 3]) == [
        formatting.money(amount, "EUR", language) for amount in expected["amount"]
    ]
    # The ladder runs from confirming receipt to stopping supplies (and beyond).
    codes = marts(demo, "select distinct action_code from marts.collections_worklist")
    assert {"confirm_receipt", "reminder_before_due", "overdue_1", "stop_supplying"} <= set(
        codes["action_code"]
    )
    # A step's table is drawn once its expander is opened: none before.
    assert len(app.dataframe) == 3  # the steps, the disputed items, the clients al día
    for code in codes["action_code"]:
        app.session_state[f"worklist_open_{code}"] = True
    app.run()
    # One table per step under its heading, with the contacts of each client.
    step_tables = app.dataframe[1:1 + len(expected)]
    assert [len(table.value) for table in step_tables] == list(expected["item_count"])
    contacts = {"es": {"Correo", "Teléfono"}, "en": {"E-mail", "Phone"}}[language]
    assert contacts <= set(step_tables[0].value.columns)


def test_the_salesperson_filter_narrows_every_list(demo):
    salesperson = mart_value(
        demo, "select min(salesperson) from marts.collections_worklist"
    )

    app = open_page("app_pages/worklist.py", "en", salesperson=salesperson)

    expected = marts(
        demo,
        STEPS_SQL.format(language="en", where="where worklist.salesperson = ?"),
        [salesperson],
    )
    assert list(app.dataframe[0].value.iloc[:, 1]) == list(expected["item_count"])
    total = mart_value(
        demo,
        "select sum(outstanding_reporting_amount) from marts.collections_worklist "
        "where salesperson = ?",
        [salesperson],
    )
    assert metrics(app)["Outstanding (EUR)"] == formatting.money(total, "EUR", "en")
    disputed = marts(
        demo, "select document_number from marts.disputed_items where salesperson = ? "
        "order by days_since_issue desc, client_name, document_number", [salesperson]
    )
    assert list(app.dataframe[-2].value["Document"]) == list(disputed["document_number"])


@pytest.mark.parametrize("language", ["es", "en"])
def test_disputed_items_apart_and_the_up_to_date_list_for_sales(demo, language):
    app = open_page("app_pages/worklist.py", language)

    disputed = marts(
        demo, "select document_number, outstanding_reporting_amount from marts.disputed_items "
        "order by days_since_issue desc, client_name, document_number"
    )
    disputed_table = app.dataframe[-2]
    assert list(disputed_table.value.iloc[:, 4]) == list(disputed["document_number"])
    al_dia = marts(
        demo, "select client_id, available_credit_amount from marts.clients_al_dia "
        "order by available_credit_amount desc, client_name, client_id"
    )
    al_dia_table = app.dataframe[-1]
    assert list(al_dia_table.value.iloc[:, 0]) == list(al_dia["client_id"])
    available = displayed_frame(al_dia_table).iloc[:, 7]
    assert list(available) == [
        formatting.money(amount, "EUR", language) for amount in al_dia["available_credit_amount"]
    ]


@pytest.mark.parametrize(
    ("language", "note"),
    [("es", "La lista de cobranza es la del 1 de noviembre de 2026, la fecha de los datos publicados."),
     ("en", "The worklist is the one of 1 November 2026, the date of the published data.")],
)
def test_an_earlier_date_says_the_worklist_is_the_published_dates(demo, language, note):
    app = open_page("app_pages/worklist.py", language, as_of="2026-10-31")
    assert note in [info.value for info in app.info]
