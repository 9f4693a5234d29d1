"""The committee page on the demo warehouse: a committee member records a decision and sees
it at once in the queue and in the client file (read from the app-state store), a refusal
is one readable line, a viewer cannot record one even by calling the store directly, and
client names and the committee's words are shown as text. Each test has its own store
(CARTERA_APP_DB_URL in its tmp_path), so no test sees another's writes."""

import shutil
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from apptest import CHEAP_ARGON2, add_test_users, displayed_frame, marts, metrics, open_page
from dashboards import client_search, credit_texts, formatting, plain_text
from dashboards.app_state import PermissionDenied, decisions_of_client, get_user, open_store, record_decision
from dashboards.app_state.settings import StoreSettings
from dashboards.navigation import specs_for

PAGE = "app_pages/committee.py"
# A reason a committee member might paste: it must show as typed, not as HTML or a link.
HOSTILE = "<script>alert(1)</script> **[x](javascript:alert(1))**"


@pytest.fixture
def store(demo, tmp_path, monkeypatch):
    """The demo warehouse and a store of this test's own with the test users (comite is
    the committee's, demo a viewer)."""
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    add_test_users(url)
    monkeypatch.setenv("CARTERA_APP_DB_URL", url)
    store = open_store(settings=StoreSettings(url=url, **CHEAP_ARGON2))
    yield store
    store.close()


def open_committee(language: str = "es", **query_params):
    """The committee page, signed in through the login form as comite."""
    return open_page(PAGE, language, role="committee", **query_params)


def table(app, header: str):
    """The displayed cells of the first table with a column `header` (AppTest does not
    find dataframes by key)."""
    for grid in app.dataframe:
        frame = displayed_frame(grid)
        if header in frame.columns:
            return frame
    raise AssertionError(f"no table with a column {header!r}")


def card_client(app) -> str:
    """The client whose card is shown: the code in the card's identity line."""
    [line] = [caption.value for caption in app.caption if caption.value.startswith(("Código ", "Code "))]
    return line.split(" · ")[0].split(" ", 1)[1]


def most_urgent(demo) -> str:
    return marts(demo, """
        select client_id from marts.credit_limits where is_review_due
        order by is_in_breach desc, days_in_breach desc nulls last,
            length(review_reasons) - length(replace(review_reasons, ',', '')) desc, exposure_amount desc, client_id
        limit 1""")["client_id"][0]


def queue_of(demo) -> list[str]:
    return list(marts(
        demo, "select client_id from marts.credit_limits where is_review_due"
    )["client_id"])


def test_only_committee_and_admin_have_the_page():
    def pages(role):
        return {spec.path for specs in specs_for(role).values() for spec in specs}

    assert PAGE in pages("committee") and PAGE in pages("admin")
    assert PAGE not in pages("viewer")


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_card_shows_the_marts_figures_and_the_queue_its_clients(demo, store, language):
    app = open_committee(language)
    client_id = card_client(app)
    assert client_id == most_urgent(demo)
    row = marts(demo, """
        select limits.*, coalesce(aging.overdue_amount, 0) as overdue_amount
        from marts.credit_limits as limits left join marts.ar_aging as aging using (client_id)
        where client_id = ?""", [client_id]).iloc[0].to_dict()

    queue = table(app, "Motivos" if language == "es" else "Reasons")
    assert sorted(queue["Código" if language == "es" else "Code"]) == sorted(queue_of(demo))
    # Urgency first: the first client is in breach, the longest breach.
    longest = marts(demo, "select max(days_in_breach) as days from marts.credit_limits where is_review_due")
    assert row["days_in_breach"] == longest["days"][0]
    shown = metrics(app)
    money = lambda amount: formatting.money(amount, "EUR", language)  # noqa: E731
    assert shown["Riesgo vivo" if language == "es" else "Exposure"] == money(row["exposure_amount"])
    assert shown["Vencido" if language == "es" else "Overdue"] == money(row["overdue_amount"])
    assert shown["Límite recomendado" if language == "es" else "Recommended limit"] == money(
        row["recommended_limit_amount"]
    )
    texts = [element.value for element in app.text]
    assert credit_texts.rationale(row, "EUR", language) in texts
    for sentence in credit_texts.review_reasons(row, "EUR", language):
        assert f"• {sentence}" in texts


def test_a_committee_member_records_a_decision_and_sees_it_in_the_queue_and_the_client_file(demo, store):
    app = open_committee()
    client_id = card_client(app)
    app.selectbox(key="committee_action").set_value("raise")
    app.text_input(key="committee_new_limit").set_value("12.345,67")
    app.text_area(key="committee_reason").set_value(HOSTILE)
    app.date_input(key="committee_meeting").set_value(date(2026, 11, 5))
    app.date_input(key="committee_next_review").set_value(date(2027, 5, 5))
    app.button(key="FormSubmitter:committee_decision-Registrar decisión").click().run()

    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    [decision] = decisions_of_client(store, client_id)
    assert (decision.action, decision.new_limit, decision.currency, decision.reason, decision.decided_by) == (
        "raise", Decimal("12345.67"), "EUR", HOSTILE, "comite",
    )
    assert app.success[0].value.startswith("Decisión registrada: Subir el límite")
    queue = table(app, "Motivos")
    assert queue.loc[queue["Código"] == client_id, "Última decisión"].tolist() == ["Subir el límite · 05/11/2026"]
    decisions = table(app, "Registrada por")
    assert decisions["Motivo"].tolist() == [HOSTILE]
    assert decisions["Nuevo límite"].tolist() == [formatting.money(Decimal("12345.67"), "EUR", "es")]
    # Nothing the user typed reached a markdown element.
    assert not any(HOSTILE in element.value for element in app.markdown)

    client_file = open_page("app_pages/client_file.py", "es", client_id=client_id)
    history = table(client_file, "Motivo")
    assert history["Motivo"].tolist() == [HOSTILE]
    assert history["Decisión"].tolist() == ["Subir el límite"]


def test_another_client_is_chosen_in_two_steps_and_a_link_opens_its_card(demo, store):
    """The search (part of a name), then one of its matches: the card is that client's, and
    the URL names it, so a link with ?client_id= opens the same card without a search."""
    other = marts(demo, """
        select client_id, client_name from marts.credit_limits where client_id <> ?
        order by client_id limit 1""", [most_urgent(demo)]).iloc[0]
    text = other["client_name"][:12].lower()
    app = open_committee("en")
    assert card_client(app) == most_urgent(demo)

    app.text_input(key="committee_client_search").set_value(text).run()
    picker = app.selectbox(key=f"committee_client_pick_{text}")
    assert [option for option in picker.options if f"· {other['client_id']}" in option]
    assert len(picker.options) <= client_search.SEARCH_LIMIT
    assert not [option for option in picker.options if "nan" in option]
    picker.set_value(other["client_id"]).run()

    assert not app.exception, app.exception
    assert card_client(app) == other["client_id"]
    assert app.query_params["client_id"] == other["client_id"]
    linked = open_committee("en", client_id=other["client_id"])
    assert card_client(linked) == other["client_id"]
    assert [header.value for header in linked.subheader if header.value == plain_text.literal(other["client_name"])]


def test_a_refusal_is_one_readable_line(store):
    app = open_committee("en")
    app.selectbox(key="committee_action").set_value("raise")
    app.text_area(key="committee_reason").set_value("more volume")
    app.button(key="FormSubmitter:committee_decision-Record decision").click().run()

    assert [error.value for error in app.error] == ["Not recorded: give the new limit."]
    assert decisions_of_client(store, card_client(app)) == []


def test_a_viewer_cannot_record_a_decision_even_through_the_code(store):
    """The page is not in a viewer's navigation; the store refuses the write itself."""
    viewer = get_user(store, "demo")
    assert viewer.role == "viewer"
    with pytest.raises(PermissionDenied):
        record_decision(store, viewer, "C0001", "keep", None, None, "intento", None, date(2026, 11, 5))
    assert decisions_of_client(store, "C0001") == []


def test_the_queue_sorts_by_exposure_and_keeps_the_branch_of_the_sidebar(demo, store):
    branch = marts(demo, "select branch from marts.credit_limits where is_review_due group by branch "
                         "order by count(*) desc, branch limit 1")["branch"][0]
    app = open_committee("en", branch=branch)
    app.segmented_control(key="committee_order").set_value("exposure").run()
    assert not app.exception, app.exception

    expected = marts(demo, """
        select client_id from marts.credit_limits where is_review_due and branch = ?
        order by exposure_amount desc, client_id""", [branch])
    queue = table(app, "Reasons")
    assert list(queue["Code"]) == list(expected["client_id"])
    assert set(queue["Branch"]) == {branch}


HOSTILE_NAME = "<script>alert(1)</script> **[x](javascript:alert(1))**"


def test_a_hostile_client_name_is_shown_as_text(demo, store, tmp_path, monkeypatch):
    """The most urgent client renamed in a copy of the published warehouse: the queue shows
    the name as typed, the card's heading escapes it (plain_text), no markdown carries it."""
    home = tmp_path / "hostile"
    home.mkdir()
    shutil.copy(demo / "cartera.duckdb", home / "cartera.duckdb")
    with duckdb.connect(str(home / "cartera.duckdb")) as connection:
        client_id = connection.execute("""
            select client_id from marts.credit_limits where is_review_due
            order by is_in_breach desc, days_in_breach desc nulls last, exposure_amount desc limit 1""").fetchone()[0]
        connection.execute("update marts.credit_limits set client_name = ? where client_id = ?", [HOSTILE_NAME, client_id])
    monkeypatch.setenv("CARTERA_HOME", str(home))

    app = open_committee("en")

    assert card_client(app) == client_id
    assert HOSTILE_NAME in list(table(app, "Reasons")["Client"])
    assert [header.value for header in app.subheader if "alert" in header.value] == [plain_text.literal(HOSTILE_NAME)]
    assert not any(HOSTILE_NAME in element.value for element in app.markdown)
