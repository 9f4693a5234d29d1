"""Long lists read a page at a time (queries.base.Page) on the demo warehouse: the pages,
one after the other, are the whole list in its order, and the count the page shows is the
whole list's; a list's neighbours that stopped reading it whole keep their order."""


import pandas as pd
import pytest

from dashboards import db
from dashboards.queries import bank, committee, payment_behavior, worklist
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


def test_the_bank_lines_no_receipt_explains_read_by_pages_are_the_whole_list(database):
    whole = bank.unregistered_lines(database, EVERYONE)
    assert bank.unregistered_count(database, EVERYONE) == len(whole) > 7

    paged = pages_of(lambda page: bank.unregistered_lines(database, EVERYONE, page), 7, len(whole))

    pd.testing.assert_frame_equal(paged, whole)


def test_the_late_payers_read_by_pages_are_the_whole_list(database):
    whole = payment_behavior.morosos(database, EVERYONE)
    assert payment_behavior.moroso_count(database, EVERYONE) == len(whole) > 7

    paged = pages_of(lambda page: payment_behavior.morosos(database, EVERYONE, page), 7, len(whole))

    pd.testing.assert_frame_equal(paged, whole)
