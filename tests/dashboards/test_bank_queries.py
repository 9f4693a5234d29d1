"""The straight-through share on a hand-made cash application."""

from decimal import Decimal

import duckdb
import pytest

from dashboards import db
from dashboards.queries import bank


@pytest.fixture
def database(tmp_path):
    """Four incoming lines: L1 100.00 registered (rule 1); L2 200.00 by reference for 150.00
    and 50.00 left unapplied; L3 300.00 payer and exact amount; L4 400.00 payer FIFO."""
    path = tmp_path / "cartera.duckdb"
    rows = [
        ("L1", Decimal("100.00"), 1, "registered_receipt", Decimal("1.00"), Decimal("100.00"), None),
        ("L2", Decimal("200.00"), 2, "reference", Decimal("0.95"), Decimal("150.00"), None),
        ("L2", Decimal("200.00"), 7, "unapplied", None, None, Decimal("50.00")),
        ("L3", Decimal("300.00"), 3, "payer_exact_amount", Decimal("0.85"), Decimal("300.00"), None),
        ("L4", Decimal("400.00"), 6, "payer_fifo", Decimal("0.40"), Decimal("400.00"), None),
    ]
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.cash_application (bank_line_id varchar, line_amount decimal(18,2), "
            "rule_order integer, match_rule varchar, confidence decimal(3,2), "
            "applied_amount decimal(18,2), unapplied_amount decimal(18,2), currency_code varchar)"
        )
        connection.executemany(
            "insert into marts.cash_application values (?, ?, ?, ?, ?, ?, ?, 'EUR')", rows
        )
    return db.PublishedDatabase(db.file_identity(path))


def test_a_line_is_straight_through_only_when_every_row_comes_from_an_exact_rule(database):
    """L1 and L3 are straight-through, L2 (unapplied rest) and L4 (FIFO) are not: 2 of 4
    lines = 50 %; (100.00 + 300.00) of 1000.00 = 40 % of the money."""
    summary = bank.straight_through(database).iloc[0]

    assert (summary["line_count"], summary["straight_through_count"]) == (4, 2)
    assert summary["straight_through_share"] == 0.5
    assert summary["line_amount"] == Decimal("1000.00")
    assert summary["straight_through_amount"] == Decimal("400.00")
    assert summary["straight_through_amount_share"] == 0.4


def test_lines_by_rule_count_lines_and_sum_money(database):
    """Rule 7's amount is the unapplied rest (50.00); the others what they applied."""
    rules = bank.lines_by_rule(database)

    assert rules[["match_rule", "line_count"]].values.tolist() == [
        ["registered_receipt", 1], ["reference", 1], ["payer_exact_amount", 1],
        ["payer_fifo", 1], ["unapplied", 1],
    ]
    assert list(rules["amount"]) == [Decimal("100.00"), Decimal("150.00"), Decimal("300.00"),
                                     Decimal("400.00"), Decimal("50.00")]
