"""Statement of account and aging in document currency on a hand-made fixture.

Fixture tests/fixtures/statement_inbox, as of 2025-06-30, reporting currency EUR.

Client C1 (EUR)
- D1 invoice 1,000.00 issued 2025-03-01; R1 1,000.00 on 2025-04-10 allocated to it.
- D2 invoice 500.00 issued 2025-04-01; IRPF withholding 50.00 dated 2025-03-25, before
  the invoice, so it counts from 2025-04-01 (DECISIONLOG); R2 450.00 on 2025-05-21.
- D3 invoice 1,210.00 issued 2025-05-15 in two instalments of 605.00 (due 2025-06-14 and
  2025-07-14); CN1 credit note 110.00 on 2025-06-01 correcting D3 (-> #1 = 495.00);
  R3 600.00 on 2025-06-20: 400.00 allocated to D3 without instalment (-> #1 = 95.00),
  200.00 unapplied.
- D4 invoice 300.00 issued 2025-06-20, due 2025-07-20. D8 is void: nothing.
Statement, in date order (document before receipt before withholding on the same day):
  +1,000.00 = 1,000.00 | +500.00 = 1,500.00 | -50.00 = 1,450.00 | -1,000.00 = 450.00 |
  +1,210.00 = 1,660.00 | -450.00 = 1,210.00 | -110.00 = 1,100.00 | +300.00 = 1,400.00 |
  -600.00 = 800.00.
Closing 800.00 = open items (D3 95.00 + 605.00, D4 300.00 = 1,000.00) - unapplied 200.00,
which is ar_aging's net balance for C1.

Client C2 (USD invoice, EUR credit note)
- D5 invoice 1,000.00 USD issued 2025-02-03 (1.1000 USD per EUR: factor 1 / 1.1 =
  0.9090909091) in instalments 333.33 / 333.33 / 333.34 due 2025-03-05 / 04-04 / 05-04.
  In EUR instalment by instalment: 333.33 x 0.9090909091 = 303.0272... -> 303.03 (twice),
  333.34 x 0.9090909091 = 303.0363... -> 303.04; the document is 909.10 on the statement
  (its own total would round to 909.09; the aging converts instalments, so does the
  statement).
- R4 500.00 USD on 2025-03-20 (1.2500: factor 0.8): 333.33 to #1, 100.00 to D5 without
  instalment (-> #2 = 233.33), 66.67 unapplied.
  Open in EUR: #2 233.33 x 0.9090909091 = 212.1181... -> 212.12, #3 303.04: 515.16.
  D5 settled in EUR = 909.10 - 515.16 = 393.94 (R4's applied share); unapplied 66.67 x 0.8
  = 53.336 -> 53.34. R4 on the statement = -(393.94 + 53.34) = -447.28.
  USD statement: +1,000.00 | -500.00 = 500.00 USD = 566.67 open - 66.67 unapplied;
  in EUR 909.10 - 447.28 = 461.82 = 515.16 - 53.34.
- CN2 unlinked credit note 40.00 EUR on 2025-06-10: its own EUR statement, -40.00.
  Days past due: #2 due 04-04 -> 26 + 31 + 30 = 87 (61-90); #3 due 05-04 -> 27 + 30 = 57
  (31-60); CN2 20 (1-30).
C2 in ar_aging: open 515.16 - 40.00 = 475.16, unapplied 53.34, net 421.82 = 461.82 - 40.00.

Client C3 (EUR): D6 800.00 due 2025-01-30 (151 days: over 120), D7 200.00 in dispute
and D9 150.00, both not due: statement 800.00, 1,000.00, 1,150.00.
"""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "statement_inbox"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    home = tmp_path_factory.mktemp("statement")
    db = build_warehouse(
        FIXTURE, home, {"as_of_date": "2025-06-30"},
        select="+statement_of_account +ar_aging_by_currency +ar_aging +fct_documents",
    )
    with duckdb.connect(str(db), read_only=True) as conn:
        yield conn


def statement(conn, client_id, currency_code):
    return conn.execute(
        "select movement_date, movement_type, movement_id, debit_amount, credit_amount, running_balance_amount, "
        "movement_reporting_amount, running_balance_reporting_amount from marts.statement_of_account "
        "where client_id = ? and currency_code = ? order by movement_seq",
        [client_id, currency_code],
    ).fetchall()


def test_every_movement_in_date_order_with_its_running_balance(warehouse):
    zero = D("0.00")
    assert statement(warehouse, "C1", "EUR") == [
        (date(2025, 3, 1), "invoice", "D1", D("1000.00"), zero, D("1000.00"), D("1000.00"), D("1000.00")),
        (date(2025, 4, 1), "invoice", "D2", D("500.00"), zero, D("1500.00"), D("500.00"), D("1500.00")),
        (date(2025, 4, 1), "withholding", "D2|IRPF|2025-03-25|CERT-9", zero, D("50.00"), D("1450.00"), D("-50.00"), D("1450.00")),
        (date(2025, 4, 10), "receipt", "R1", zero, D("1000.00"), D("450.00"), D("-1000.00"), D("450.00")),
        (date(2025, 5, 15), "invoice", "D3", D("1210.00"), zero, D("1660.00"), D("1210.00"), D("1660.00")),
        (date(2025, 5, 21), "receipt", "R2", zero, D("450.00"), D("1210.00"), D("-450.00"), D("1210.00")),
        (date(2025, 6, 1), "credit_note", "CN1", zero, D("110.00"), D("1100.00"), D("-110.00"), D("1100.00")),
        (date(2025, 6, 20), "invoice", "D4", D("300.00"), zero, D("1400.00"), D("300.00"), D("1400.00")),
        (date(2025, 6, 20), "receipt", "R3", zero, D("600.00"), D("800.00"), D("-600.00"), D("800.00")),
    ]


def test_a_withholding_dated_before_its_document_counts_from_the_document(warehouse):
    assert warehouse.execute(
        "select movement_date, recorded_date from marts.statement_of_account where movement_type = 'withholding'"
    ).fetchall() == [(date(2025, 4, 1), date(2025, 3, 25))]


def test_a_foreign_currency_statement_runs_in_its_currency_and_in_euros(warehouse):
    zero = D("0.00")
    assert statement(warehouse, "C2", "USD") == [
        (date(2025, 2, 3), "invoice", "D5", D("1000.00"), zero, D("1000.00"), D("909.10"), D("909.10")),
        (date(2025, 3, 20), "receipt", "R4", zero, D("500.00"), D("500.00"), D("-447.28"), D("461.82")),
    ]
    assert statement(warehouse, "C2", "EUR") == [
        (date(2025, 6, 10), "credit_note", "CN2", zero, D("40.00"), D("-40.00"), D("-40.00"), D("-40.00")),
    ]


def test_closing_balances_are_the_net_balance_of_ar_aging(warehouse):
    """C1 800.00; C2 461.82 + (-40.00) = 421.82; C3 800.00 + 200.00 + 150.00 = 1,150.00."""
    closing = warehouse.execute(
        "select client_id, sum(running_balance_reporting_amount) from marts.statement_of_account as s "
        "where movement_seq = (select max(movement_seq) from marts.statement_of_account as l "
        "  where l.client_id = s.client_id and l.currency_code = s.currency_code) "
        "group by client_id order by client_id"
    ).fetchall()
    aging = warehouse.execute("select client_id, net_balance_amount from marts.ar_aging order by client_id").fetchall()
    assert closing == aging == [("C1", D("800.00")), ("C2", D("421.82")), ("C3", D("1150.00"))]


def test_void_documents_are_not_on_the_statement(warehouse):
    assert warehouse.execute("select count(*) from marts.statement_of_account where movement_id = 'D8'").fetchone() == (0,)


BUCKETS = "not_due_amount, days_1_30_amount, days_31_60_amount, days_61_90_amount, days_91_120_amount, days_over_120_amount"


def test_aging_in_document_currency(warehouse):
    rows = warehouse.execute(
        f"select client_id, currency_code, {BUCKETS}, open_balance_amount, overdue_amount, in_dispute_amount, "
        "unapplied_cash_amount, net_balance_amount, open_balance_reporting_amount, unapplied_cash_reporting_amount, "
        "net_balance_reporting_amount from marts.ar_aging_by_currency order by client_id, currency_code"
    ).fetchall()
    z = D("0.00")
    assert rows == [
        # C1: D3#2 605.00 + D4 300.00 not due; D3#1 95.00 16 days past due.
        ("C1", "EUR", D("905.00"), D("95.00"), z, z, z, z, D("1000.00"), D("95.00"), z, D("200.00"), D("800.00"),
         D("1000.00"), D("200.00"), D("800.00")),
        ("C2", "EUR", z, D("-40.00"), z, z, z, z, D("-40.00"), D("-40.00"), z, z, D("-40.00"),
         D("-40.00"), z, D("-40.00")),
        # C2 in dollars: 333.34 (57 days) and 233.33 (87 days); 66.67 USD unapplied.
        ("C2", "USD", z, z, D("333.34"), D("233.33"), z, z, D("566.67"), D("566.67"), z, D("66.67"), D("500.00"),
         D("515.16"), D("53.34"), D("461.82")),
        # C3: D7 200.00 (in dispute) + D9 150.00 not due; D6 800.00 151 days past due.
        ("C3", "EUR", D("350.00"), z, z, z, z, D("800.00"), D("1150.00"), D("800.00"), D("200.00"), z, D("1150.00"),
         D("1150.00"), z, D("1150.00")),
    ]
