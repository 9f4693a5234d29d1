"""Long lists read a page at a time (queries.base.Page) on the demo warehouse: the pages,
one after the other, are the whole list in its order, and the count the page shows is the
whole list's; a list's neighbours that stopped reading it whole keep their order."""

from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from dashboards import db
from dashboards.queries import committee, worklist
from dashboards.queries.base import Page
from dashboards.selection import Filters

EVERYONE = Filters()


@pytest.fixture
def database(demo) -> db.PublishedDatabase:
    return db.open_published()


def pages_of(read, size: int, count: int) -> pd.DataFrame:
    """Every page of `size` rows that `count` rows fill, read and put one after the other."""
    pages = [read(Page(number, size)) for number in range(-(-count // size))]
    return pd.concat(pages, ignore_index=True)


@pytest.mark.parametrize("order", [committee.BY_URGENCY, committee.BY_EXPOSURE])
def test_the_review_queues_pages_are_the_whole_queue(database, order):
    whole = committee.review_queue(database, EVERYONE, order)
    count = committee.review_count(database, EVERYONE)
    assert count == len(whole) > 7  # more than one page of 7

    paged = pages_of(lambda page: committee.review_queue(database, EVERYONE, order, page), 7, count)

    pd.testing.assert_frame_equal(paged, whole)
    assert committee.review_queue(database, EVERYONE, order, Page(count // 7 + 1, 7)).empty


@pytest.mark.parametrize("order", [committee.BY_URGENCY, committee.BY_EXPOSURE])
def test_the_committees_client_list_is_the_queue_then_the_others_by_name(database, order):
    """As the page built it from the whole queue: the queue's clients in its order, then
    every other current client by name (then id)."""
    queue = list(committee.review_queue(database, EVERYONE, order)["client_id"])
    clients = committee.clients(database, EVERYONE, order)
    everyone = clients.sort_values(["client_name", "client_id"])
    others = [client_id for client_id in everyone["client_id"] if client_id not in set(queue)]

    assert list(clients["client_id"]) == queue + others
    assert list(clients.columns) == ["client_id", "client_name"]


def test_clients_not_due_follow_the_queue_by_name(tmp_path):
    """Every demo client is due for review, so the others are written here. Due: C1 in
    breach for 10 days; C3 and C4 not in breach, C3 with two reasons ('a,b') and C4 one
    (exposure 50 and 500). By urgency C1, C3, C4; by exposure C4 (500), C1 (100), C3 (50).
    Then the rest by name, then id: Alfa C2, Alfa C5, Zeta C6 (whose due flag is empty)."""
    path = tmp_path / "cartera.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.credit_limits (client_id varchar, client_name varchar, "
            "is_review_due boolean, is_in_breach boolean, days_in_breach integer, "
            "review_reasons varchar, exposure_amount decimal(18, 2))"
        )
        connection.executemany("insert into marts.credit_limits values (?, ?, ?, ?, ?, ?, ?)", [
            ("C1", "Beta", True, True, 10, "a", Decimal("100.00")),
            ("C2", "Alfa", False, False, None, "", Decimal("900.00")),
            ("C3", "Gamma", True, False, None, "a,b", Decimal("50.00")),
            ("C4", "Delta", True, False, None, "a", Decimal("500.00")),
            ("C5", "Alfa", False, False, None, "", Decimal("0.00")),
            ("C6", "Zeta", None, False, None, "", Decimal("1.00")),
        ])
    database = db.PublishedDatabase(db.file_identity(path))

    by_urgency = committee.clients(database, EVERYONE, committee.BY_URGENCY)
    by_exposure = committee.clients(database, EVERYONE, committee.BY_EXPOSURE)

    assert list(by_urgency["client_id"]) == ["C1", "C3", "C4", "C2", "C5", "C6"]
    assert list(by_exposure["client_id"]) == ["C4", "C1", "C3", "C2", "C5", "C6"]


def test_the_worklists_lists_read_by_pages_are_the_whole_lists(database):
    disputed = worklist.disputed(database, EVERYONE)
    al_dia = worklist.clients_al_dia(database, EVERYONE)
    assert worklist.disputed_count(database, EVERYONE) == len(disputed) > 7
    assert worklist.al_dia_count(database, EVERYONE) == len(al_dia) > 7

    pd.testing.assert_frame_equal(
        pages_of(lambda page: worklist.disputed(database, EVERYONE, page), 7, len(disputed)), disputed
    )
    pd.testing.assert_frame_equal(
        pages_of(lambda page: worklist.clients_al_dia(database, EVERYONE, page), 7, len(al_dia)), al_dia
    )


@pytest.mark.parametrize("chosen", ["everyone", "one currency"])
def test_a_steps_actions_read_by_pages_are_its_items_of_the_step_count(database, chosen):
    """Without filters a page is a range of the mart's step_position; with one, the
    filtered items sorted and cut: either way the pages are the whole list."""
    filters = EVERYONE if chosen == "everyone" else Filters(currencies=("EUR",))
    steps = worklist.steps(database, filters, "en").dropna(subset=["action_step_order"])
    step = steps.sort_values("item_count").iloc[-1]  # the step with the most items
    whole = worklist.actions(database, filters, "en", int(step["action_step_order"]))
    assert len(whole) == step["item_count"] > 7

    paged = pages_of(
        lambda page: worklist.actions(database, filters, "en", int(step["action_step_order"]), page),
        7, int(step["item_count"]),
    )

    pd.testing.assert_frame_equal(paged, whole)
