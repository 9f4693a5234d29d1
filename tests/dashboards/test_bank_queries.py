"""The bank page's rule table and straight-through share read the marts summed at the
build (cash_application_rules, cash_application_straight_through; their logic is tested
by the dbt unit tests in models/marts/_bank__models.yml), here in hand-made rows."""

from decimal import Decimal

import duckdb
import pytest

from dashboards import db
from dashboards.queries import bank


def published(path, rules: list[tuple], straight_through: tuple) -> db.PublishedDatabase:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.cash_application_rules (rule_order integer, match_rule varchar, "
            "confidence decimal(3,2), line_count bigint, amount decimal(18,2), currency_code varchar)"
        )
        for rule in rules:
            connection.execute("insert into marts.cash_application_rules values (?, ?, ?, ?, ?, 'EUR')", rule)
        connection.execute(
            "create table marts.cash_application_straight_through (line_count bigint, "
            "straight_through_count bigint, line_amount decimal(18,2), straight_through_amount decimal(18,2))"
        )
        connection.execute("insert into marts.cash_application_straight_through values (?, ?, ?, ?)", straight_through)
    return db.PublishedDatabase(db.file_identity(path))


@pytest.fixture
def database(tmp_path):
    """The unit tests' four lines (L1 100.00 registered; L2 200.00 by reference for 150.00,
    50.00 unapplied; L3 300.00 exact amount; L4 400.00 FIFO), stored out of order, with
    rule 3 also at its lower confidence."""
    rules = [
        (7, "unapplied", None, 1, Decimal("50.00")),
        (3, "payer_exact_amount", Decimal("0.70"), 2, Decimal("80.00")),
        (1, "registered_receipt", Decimal("1.00"), 1, Decimal("100.00")),
        (6, "payer_fifo", Decimal("0.40"), 1, Decimal("400.00")),
        (3, "payer_exact_amount", Decimal("0.85"), 1, Decimal("300.00")),
        (2, "reference", Decimal("0.95"), 1, Decimal("150.00")),
    ]
    return published(tmp_path / "cartera.duckdb", rules, (4, 2, Decimal("1000.00"), Decimal("400.00")))


def test_the_straight_through_shares_are_of_the_lines_and_of_the_money(database):
    """2 of 4 lines = 50 %; 400.00 of 1,000.00 = 40 % of the money."""
    summary = bank.straight_through(database).iloc[0]

    assert (summary["line_count"], summary["straight_through_count"]) == (4, 2)
    assert summary["straight_through_share"] == 0.5
    assert summary["line_amount"] == Decimal("1000.00")
    assert summary["straight_through_amount"] == Decimal("400.00")
    assert summary["straight_through_amount_share"] == 0.4


def test_without_lines_the_shares_are_zero(tmp_path):
    summary = bank.straight_through(published(tmp_path / "cartera.duckdb", [], (0, 0, Decimal("0.00"), Decimal("0.00")))).iloc[0]

    assert (summary["line_count"], summary["straight_through_share"], summary["straight_through_amount_share"]) == (0, 0, 0)


def test_lines_by_rule_come_in_rule_order_the_surer_first(database):
    rules = bank.lines_by_rule(database)

    assert rules[["match_rule", "line_count"]].values.tolist() == [
        ["registered_receipt", 1], ["reference", 1], ["payer_exact_amount", 1], ["payer_exact_amount", 2],
        ["payer_fifo", 1], ["unapplied", 1],
    ]
    assert list(rules["confidence"].iloc[2:4]) == [0.85, 0.70]
    assert list(rules["amount"]) == [Decimal("100.00"), Decimal("150.00"), Decimal("300.00"), Decimal("80.00"),
                                     Decimal("400.00"), Decimal("50.00")]
