"""collections_worklist, disputed_items and clients_al_dia on a hand-made inbox
(tests/fixtures/collections_inbox), as of 2025-06-30. Every expected figure is worked
out by hand below from the fixture files and the ladder seed (dunning_ladder.csv):

    confirm_receipt issue+1 | reminder_before_due due-14 | reminder_due due+0 |
    overdue_1 due+1 | overdue_2 due+15 | overdue_3 due+30 | call due+45 |
    stop_supplying due+60 | legal due+90

A step dated on or before the issue date does not apply; confirm_receipt applies only
when dated before the due date. The action due is the latest applicable step dated on or
before 2025-06-30.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

INBOX = Path(__file__).parent.parent / "fixtures" / "collections_inbox"
AS_OF = dt.date(2025, 6, 30)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("collections")
    database = build_warehouse(
        INBOX, home, {"as_of_date": AS_OF.isoformat()},
        select="+collections_worklist +disputed_items +clients_al_dia",
    )
    with duckdb.connect(str(database), read_only=True) as conn:
        yield conn


def rows(conn, sql: str) -> list[dict]:
    cursor = conn.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def worklist(conn) -> dict[str, dict]:
    return {row["installment_key"]: row for row in rows(conn, "select * from marts.collections_worklist")}


def test_worklist_holds_every_open_undisputed_instalment_and_nothing_else(warehouse):
    """K1: W1, W2, W3, W4 (two instalments), W5, W6, W7, W8 are open. W9 is paid in full
    (121.00 - 121.00 = 0), DS1 is in dispute, CN1 is an unlinked credit note (-121.00,
    owes nothing). K2: A1 open; A2, A3 and DS2 paid. K3: U1. K4: N1. K5: L1. K6: O1 paid.
    K7: only DS3, disputed. 9 + 1 + 1 + 1 + 1 = 13 rows."""
    assert sorted(worklist(warehouse)) == sorted([
        "W1|1", "W2|1", "W3|1", "W4|1", "W4|2", "W5|1", "W6|1", "W7|1", "W8|1",
        "A1|1", "U1|1", "N1|1", "L1|1",
    ])


@pytest.mark.parametrize(
    ("key", "action", "action_date", "last_action", "last_date", "next_action", "next_date", "days_past_due"),
    [
        # W1 issued 06-29, due 07-29: confirm 06-29+1 = 06-30 (today); next reminder 07-29-14 = 07-15.
        ("W1|1", "confirm_receipt", "2025-06-30", None, None, "reminder_before_due", "2025-07-15", 0),
        # W2 issued today: no step has fallen due; the first is confirm on 07-01.
        ("W2|1", None, None, None, None, "confirm_receipt", "2025-07-01", 0),
        # W3 due 06-19, 11 days late: overdue_1 06-20; before it reminder_due 06-19; next overdue_2 06-19+15 = 07-04.
        ("W3|1", "overdue_1", "2025-06-20", "reminder_due", "2025-06-19", "overdue_2", "2025-07-04", 11),
        # W4/1 due 05-01, 60 days late (30 in May + 30 in June): stop_supplying 05-01+60 = 06-30;
        # call 05-01+45 = 06-15; legal 05-01+90 = 07-30.
        ("W4|1", "stop_supplying", "2025-06-30", "call", "2025-06-15", "legal", "2025-07-30", 60),
        # W4/2 due 06-10, 20 days late: overdue_2 06-25 (until day 30); overdue_1 06-11; overdue_3 07-10.
        ("W4|2", "overdue_2", "2025-06-25", "overdue_1", "2025-06-11", "overdue_3", "2025-07-10", 20),
        # W5 issued and due 06-25 (cash terms): reminder_due 06-25 is not after the issue date and
        # confirm 06-26 is not before the due date, so neither applies; overdue_1 06-26, overdue_2 07-10.
        ("W5|1", "overdue_1", "2025-06-26", None, None, "overdue_2", "2025-07-10", 5),
        # W6 issued 06-25, due 07-05 (10-day terms): reminder_before_due 06-21 is before the issue
        # date, so does not apply; confirm 06-26, then reminder_due 07-05.
        ("W6|1", "confirm_receipt", "2025-06-26", None, None, "reminder_due", "2025-07-05", 0),
        # W7 issued 05-31, due 07-14: reminder_before_due 07-14-14 = 06-30 (today); confirm 06-01.
        ("W7|1", "reminder_before_due", "2025-06-30", "confirm_receipt", "2025-06-01", "reminder_due", "2025-07-14", 0),
        # W8 due 03-22, 100 days late (9 + 30 + 31 + 30): legal 03-22+90 = 06-20; stop_supplying
        # 03-22+60 = 05-21; nothing after legal.
        ("W8|1", "legal", "2025-06-20", "stop_supplying", "2025-05-21", None, None, 100),
        # U1 issued 06-02, due 07-02: reminder_before_due 06-18; confirm 06-03; reminder_due 07-02.
        ("U1|1", "reminder_before_due", "2025-06-18", "confirm_receipt", "2025-06-03", "reminder_due", "2025-07-02", 0),
        # A1 issued 06-01, due 07-31 (60 days): confirm 06-02 until reminder_before_due 07-17.
        ("A1|1", "confirm_receipt", "2025-06-02", None, None, "reminder_before_due", "2025-07-17", 0),
    ],
)
def test_ladder_step_per_instalment(warehouse, key, action, action_date, last_action, last_date,
                                    next_action, next_date, days_past_due):
    row = worklist(warehouse)[key]
    assert row["action_code"] == action
    assert row["action_due_date"] == (d(action_date) if action_date else None)
    assert row["last_action_code"] == last_action
    assert row["last_action_date"] == (d(last_date) if last_date else None)
    assert row["next_action_code"] == next_action
    assert row["next_action_date"] == (d(next_date) if next_date else None)
    assert row["days_past_due"] == days_past_due


def test_worklist_amounts_labels_and_contact(warehouse):
    items = worklist(warehouse)
    # W4/1: 500.00 - 200.00 allocated to instalment 1 by RW4 = 300.00; W4/2 untouched 500.00.
    assert items["W4|1"]["outstanding_amount"] == Decimal("300.00")
    assert items["W4|2"]["outstanding_amount"] == Decimal("500.00")
    # stop_supplying fell due on 06-30: 0 days ago; W8's legal on 06-20: 10 days ago.
    assert items["W4|1"]["days_since_action_due"] == 0
    assert items["W8|1"]["days_since_action_due"] == 10
    assert items["W4|1"]["action_label_en"] == "Stop supplying"
    assert items["W4|1"]["action_label_es"] == "Suspender suministro"
    assert items["W4|1"]["email"] == "cobros@ebro.example"
    assert items["W4|1"]["phone"] == "+34 976 000 001"
    # U1: 1000.00 USD issued 06-02 at 1.2500 USD per EUR (rate of 01-02) = 800.00 EUR.
    assert items["U1|1"]["outstanding_amount"] == Decimal("1000.00")
    assert items["U1|1"]["outstanding_reporting_amount"] == Decimal("800.00")
    # K1 in the worklist: 121.00 + 242.00 + 363.00 + 300.00 + 500.00 + 60.50 + 96.80 + 484.00 + 181.50
    # = 2348.80.
    total = warehouse.execute(
        "select sum(outstanding_reporting_amount) from marts.collections_worklist where client_id = 'K1'"
    ).fetchone()[0]
    assert total == Decimal("2348.80")


def test_disputed_items_listed_apart_with_reason_and_age(warehouse):
    """DS1 (K1, 1210.00 unpaid, issued 04-10, due 05-10) and DS3 (K7, 300.00, issued 05-01,
    due 05-31). DS2 (K2) is disputed but paid (121.00 - 121.00 = 0): nothing to hold.
    Age: 04-10 -> 06-30 = 20 + 31 + 30 = 81 days, past due 05-10 -> 06-30 = 21 + 30 = 51.
    DS3: 05-01 -> 06-30 = 30 + 30 = 60 days, past due 05-31 -> 06-30 = 30."""
    found = {row["document_id"]: row for row in rows(warehouse, "select * from marts.disputed_items")}
    assert sorted(found) == ["DS1", "DS3"]
    assert found["DS1"]["outstanding_amount"] == Decimal("1210.00")
    assert found["DS1"]["dispute_reason"] == "precio"
    assert found["DS1"]["days_since_issue"] == 81
    assert found["DS1"]["days_past_due"] == 51
    assert found["DS3"]["outstanding_reporting_amount"] == Decimal("300.00")
    assert found["DS3"]["dispute_reason"] == "entrega incompleta"
    assert found["DS3"]["days_since_issue"] == 60
    assert found["DS3"]["days_past_due"] == 30


def test_worklist_and_disputes_cover_the_open_balance(warehouse):
    """K1's open balance: worklist 2348.80 + disputed DS1 1210.00 - unlinked credit note CN1
    121.00 = 3437.80 (also enforced for every client by assert_collections_cover_open_balance)."""
    open_balance = warehouse.execute(
        "select open_balance_amount from marts.ar_aging where client_id = 'K1'"
    ).fetchone()[0]
    assert open_balance == Decimal("3437.80")


def test_al_dia_lists_clients_with_nothing_overdue_and_credit_left(warehouse):
    """K1 has overdue W3, W4, W5, W8; K7 has DS3 overdue (disputed still counts); K4 has no
    limit; K5's exposure 1000.00 equals its limit 1000.00 (nothing available). Left: K2, K3, K6.

    K2: limit 2000.00 - exposure A1 1210.00 = 790.00. Revenue since 2024-07-01 (issue date
        > 2025-06-30 - 12 months): A1 1000.00 + A3 200.00 + DS2 100.00 = 1300.00 (A2, issued
        2024-05-15, is older). Last sale A1 06-01: 29 days.
    K3: limit 5000.00 USD at the as-of rate (1.6000 USD per EUR from 06-27) = 3125.00 EUR;
        exposure U1 at its issue rate 1000.00 / 1.25 = 800.00; available 2325.00; revenue
        800.00; last sale 06-02: 28 days.
    K6: limit 3000.00, nothing open: 3000.00 available; no sale since O1 on 2024-01-10:
        revenue 0.00, 366 (2024 is a leap year) + 31 + 28 + 31 + 30 + 31 + 20 = 537 days."""
    found = {row["client_id"]: row for row in rows(warehouse, "select * from marts.clients_al_dia")}
    assert sorted(found) == ["K2", "K3", "K6"]
    assert found["K2"]["exposure_amount"] == Decimal("1210.00")
    assert found["K2"]["available_credit_amount"] == Decimal("790.00")
    assert found["K2"]["revenue_12m_amount"] == Decimal("1300.00")
    assert found["K2"]["days_since_last_sale"] == 29
    assert found["K3"]["credit_limit_amount"] == Decimal("5000.00")
    assert found["K3"]["credit_limit_currency_code"] == "USD"
    assert found["K3"]["credit_limit_reporting_amount"] == Decimal("3125.00")
    assert found["K3"]["exposure_amount"] == Decimal("800.00")
    assert found["K3"]["available_credit_amount"] == Decimal("2325.00")
    assert found["K3"]["revenue_12m_amount"] == Decimal("800.00")
    assert found["K3"]["last_sale_date"] == d("2025-06-02")
    assert found["K3"]["days_since_last_sale"] == 28
    assert found["K6"]["available_credit_amount"] == Decimal("3000.00")
    assert found["K6"]["revenue_12m_amount"] == Decimal("0.00")
    assert found["K6"]["last_sale_date"] == d("2024-01-10")
    assert found["K6"]["days_since_last_sale"] == 537
