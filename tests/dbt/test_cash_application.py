"""Cash application, bank reconciliation and best payment date on a hand-made fixture
where every matching rule fires (tests/fixtures/cash_application_inbox, as of
2026-03-31; rules in DECISIONLOG "Cash application").

Clients C1-C4 (tax ids B12345674, B23456783, B34567891, B45678901). One EUR account,
ES69 0081 0200 1000 0123 4567, one camt.053 for Q1 2026: opening 5,000.00, twelve
incoming lines (8,917.00) and a fee of -12.00, closing 13,905.00. Payers' IBANs: A for
C1, B for C2, D for C4; lines without a counterparty name a tax id or nobody.

Registered receipts (rule 1) and where they are on the bank:
- R1 C1 1,000.00 transfer 10 Feb -> D1. Line L01 +1,000.00 booked 10 Feb, value 11 Feb,
  "FRA. F-2026-000101", IBAN A: matched by reference; R1's payment date is 11 Feb, so
  D1 (due 9 Feb) was paid 2 days late, not 1.
- R2 C2 300.00 transfer 12 Feb -> D7. L07 +300.00 "F2026000107" (compact form), IBAN B.
- R3 C3 250.00 24 Mar, on account (no allocation). L11 +250.00 "B34567891 A CUENTA":
  matched by payer (C3's tax id), nothing allocated: 250.00 unapplied,
  registered_without_allocation.
- R6 C4 500.00 transfer 26 Mar -> D13. L12 +499.50 "F-2026-113", IBAN D: the text names
  D13, so it is R6 with a difference of -0.50; rule 1 applies 499.50 to D13.
- R4 C1 300.00 transfer 25 Mar -> D11: on no line; 6 days unseen at 31 Mar.
- R5 C2 150.00 cheque 5 Mar -> D12: cheques are not looked for on the statements.

The lines nobody registered, in booking order, on the documents open at 31 Mar:
- L02 +500.00 2 Mar "PAGO F 2026 102" (IBAN A): rule 2 reference, 500.00 to D2
  (1,210.00; 710.00 stays open).
- L03 +847.00 3 Mar "TRANSFERENCIA" (IBAN B -> C2, learnt from L07): rule 3, D3 owes
  exactly 847.00.
- L04 +525.50 4 Mar "PAGO PROVEEDOR B34567891" (tax id -> C3): no C3 document owes
  525.50; of D4 400.00, D5 250.00, D6 125.50 the sums are 650.00, 525.50 (D4 + D6),
  375.50, 775.50: rule 4 applies 400.00 to D4 and 125.50 to D6.
- L05 +1,060.00 9 Mar "LIQUIDACION B45678901" (C4): D8 is 1,210.00 with net 1,000.00;
  less 15 % withholding (150.00) = 1,060.00: rule 5, deduction 150.00.
- L06 +1,960.00 16 Mar "B45678901 PRONTO PAGO" (C4): D9 2,000.00 issued 10 Mar offers
  2 % within 10 days; 2,000.00 - 40.00 = 1,960.00 on day 6: rule 5, deduction 40.00.
- L08 +900.00 20 Mar "A CUENTA" (IBAN A -> C1): no exact amount (D2 710.00, D10 400.00),
  no sum (1,110.00), no net amount: rule 6 FIFO, 710.00 to D2 (due 28 Feb), 190.00 to
  D10 (due 31 Mar).
- L09 +75.00 23 Mar "DEVOLUCION RECIBO", no account, no tax id: unapplied, payer_unknown.
- L10 +1,000.00 24 Mar "TRANSFERENCIA" (IBAN B -> C2): C2 owes nothing left (D3 went to
  L03, D7 and D12 are paid): unapplied, nothing_open.

Per account: incoming 8,917.00 = registered 1,000.00 + 300.00 + 499.50 = 1,799.50
+ suggested 500.00 + 847.00 + 525.50 + 1,060.00 + 1,960.00 + 900.00 = 5,792.50
+ unapplied 75.00 + 1,000.00 + 250.00 = 1,325.00. Balance: 5,000.00 + 8,905.00 =
13,905.00, difference 0.00.
"""

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse, run_dbt, tables_of

INBOX = Path(__file__).parent.parent / "fixtures" / "cash_application_inbox"
SELECT = "+cash_application +bank_reconciliation +bank_account_reconciliation +fct_installment_payments"
AS_OF = "2026-03-31"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("cash_application")
    build_warehouse(INBOX, home, {"as_of_date": AS_OF}, select=SELECT)
    return home


@pytest.fixture(scope="module")
def warehouse(home):
    with duckdb.connect(str(home / "build" / "cartera.duckdb"), read_only=True) as conn:
        yield conn


def rows(conn, sql):
    return conn.execute(sql).fetchall()


def test_every_rule_fires_with_the_allocation_worked_out_by_hand(warehouse):
    applied = rows(warehouse, """
        select line_amount, match_rule, payer_client_id, document_id, applied_amount,
               unapplied_amount, deduction_type, deduction_amount, unapplied_reason
        from marts.cash_application
        order by booking_date, line_amount, rule_order, document_id
    """)
    d = Decimal
    assert applied == [
        (d("1000.00"), "registered_receipt", "C1", "D1", d("1000.00"), None, None, None, None),
        (d("300.00"), "registered_receipt", "C2", "D7", d("300.00"), None, None, None, None),
        (d("500.00"), "reference", "C1", "D2", d("500.00"), None, None, None, None),
        (d("847.00"), "payer_exact_amount", "C2", "D3", d("847.00"), None, None, None, None),
        (d("525.50"), "payer_exact_sum", "C3", "D4", d("400.00"), None, None, None, None),
        (d("525.50"), "payer_exact_sum", "C3", "D6", d("125.50"), None, None, None, None),
        (d("1060.00"), "payer_net_amount", "C4", "D8", d("1060.00"), None, "withholding", d("150.00"), None),
        (d("1960.00"), "payer_net_amount", "C4", "D9", d("1960.00"), None, "early_payment_discount", d("40.00"), None),
        (d("900.00"), "payer_fifo", "C1", "D10", d("190.00"), None, None, None, None),
        (d("900.00"), "payer_fifo", "C1", "D2", d("710.00"), None, None, None, None),
        (d("75.00"), "unapplied", None, None, None, d("75.00"), None, None, "payer_unknown"),
        (d("250.00"), "unapplied", "C3", None, None, d("250.00"), None, None, "registered_without_allocation"),
        (d("1000.00"), "unapplied", "C2", None, None, d("1000.00"), None, None, "nothing_open"),
        (d("499.50"), "registered_receipt", "C4", "D13", d("499.50"), None, None, None, None),
    ]


def test_payers_are_told_by_account_tax_id_or_nobody(warehouse):
    payers = rows(warehouse, """
        select lines.line_amount, payers.payer_client_id, payers.payer_source
        from intermediate.int_bank_payers as payers
        inner join intermediate.int_bank_incoming_lines as lines using (bank_line_id)
        order by lines.booking_date, lines.line_amount
    """)
    assert [(str(amount), client, source) for amount, client, source in payers] == [
        ("1000.00", "C1", "account"), ("300.00", "C2", "account"), ("500.00", "C1", "account"),
        ("847.00", "C2", "account"), ("525.50", "C3", "tax_id"), ("1060.00", "C4", "tax_id"),
        ("1960.00", "C4", "tax_id"), ("900.00", "C1", "account"), ("75.00", None, None),
        ("250.00", "C3", "tax_id"), ("1000.00", "C2", "account"), ("499.50", "C4", "account"),
    ]


def test_reconciliation_statuses(warehouse):
    reconciliation = rows(warehouse, """
        select reconciliation_status, receipt_id, line_amount, difference_amount, match_evidence,
               days_unseen, unseen_age_band, suggested_document_id, suggested_rule
        from marts.bank_reconciliation
        order by reconciliation_status, receipt_id, line_amount
    """)
    d = Decimal
    assert reconciliation == [
        ("amount_difference", "R6", d("499.50"), d("-0.50"), "reference", None, None, None, None),
        ("in_bank_not_registered", None, d("75.00"), None, None, None, None, None, None),
        ("in_bank_not_registered", None, d("500.00"), None, None, None, None, "D2", "reference"),
        ("in_bank_not_registered", None, d("525.50"), None, None, None, None, "D4", "payer_exact_sum"),
        ("in_bank_not_registered", None, d("847.00"), None, None, None, None, "D3", "payer_exact_amount"),
        ("in_bank_not_registered", None, d("900.00"), None, None, None, None, "D2", "payer_fifo"),
        ("in_bank_not_registered", None, d("1000.00"), None, None, None, None, None, None),
        ("in_bank_not_registered", None, d("1060.00"), None, None, None, None, "D8", "payer_net_amount"),
        ("in_bank_not_registered", None, d("1960.00"), None, None, None, None, "D9", "payer_net_amount"),
        ("matched", "R1", d("1000.00"), d("0.00"), "reference", None, None, None, None),
        ("matched", "R2", d("300.00"), d("0.00"), "reference", None, None, None, None),
        ("matched", "R3", d("250.00"), d("0.00"), "payer", None, None, None, None),
        ("not_expected_in_bank", "R5", None, None, None, None, None, None, None),
        ("registered_not_in_bank", "R4", None, None, None, 6, "up_to_30_days", None, None),
    ]


def test_an_unregistered_line_names_its_payer_even_with_nothing_to_suggest(warehouse):
    clients = rows(warehouse, """
        select line_amount, client_id, suggested_document_id
        from marts.bank_reconciliation
        where reconciliation_status = 'in_bank_not_registered' and suggested_document_id is null
        order by line_amount
    """)
    # L09 comes from nobody known; L10 is C2's overpayment, with nothing of C2's left open.
    assert clients == [(Decimal("75.00"), None, None), (Decimal("1000.00"), "C2", None)]


def test_account_ties_applied_plus_unapplied_to_incoming_and_balances_to_lines(warehouse):
    account = rows(warehouse, """
        select bank_account, opening_balance_amount, lines_amount, closing_balance_amount,
               balance_difference_amount, incoming_amount, registered_applied_amount,
               suggested_amount, unapplied_amount
        from marts.bank_account_reconciliation
    """)
    d = Decimal
    assert account == [(
        "ES6900810200100001234567", d("5000.00"), d("8905.00"), d("13905.00"), d("0.00"),
        d("8917.00"), d("1799.50"), d("5792.50"), d("1325.00"),
    )]


def test_a_matched_receipt_is_paid_on_the_bank_value_date(warehouse):
    receipts = rows(warehouse, "select receipt_id, receipt_date, payment_date from intermediate.int_receipts order by receipt_id")
    assert receipts[0] == ("R1", date(2026, 2, 10), date(2026, 2, 11))
    # Unmatched (R4, R5) keep the date the invoicing system recorded.
    assert receipts[3] == ("R4", date(2026, 3, 25), date(2026, 3, 25))
    assert receipts[4] == ("R5", date(2026, 3, 5), date(2026, 3, 5))
    paid = rows(warehouse, "select paid_date, days_beyond_terms from marts.fct_installment_payments where document_id = 'D1'")
    assert paid == [(date(2026, 2, 11), 2)]  # due 9 Feb


def test_the_tie_out_fails_when_a_line_is_not_fully_accounted_for(home, tmp_path):
    copy = tmp_path / "build" / "cartera.duckdb"
    copy.parent.mkdir()
    shutil.copy(home / "build" / "cartera.duckdb", copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute("update marts.cash_application set applied_amount = applied_amount - 0.01 where document_id = 'D3'")
    result = run_dbt(["test", "--select", "assert_cash_application_ties_to_bank_lines"], tmp_path, {"as_of_date": AS_OF})
    assert result.returncode == 1, result.stdout[-3000:]
    assert "FAIL 1" in result.stdout


# int_bank_line_reference_keys is kept by the file (DECISIONLOG: Bank movements by the
# file), as the bank lines' models it reads: a build reads again the lines that files
# registered since list; an incremental build after a second day of files must equal a
# full build of both days, table for table. Day 1 is this module's inbox. Day 2: the bank
# sends the Q1 statement again (extracto_es69_2026-q1_copia.xml) with one text corrected,
# L02 "PAGO F 2026 102" -> "PAGO F 2026 102 Y 2026 110": the same movement (account,
# dates, amount, bank reference), so the same bank_line_id; the later copy describes it
# (DECISIONLOG: Bank statements), and L02 now names D2 and D10 (F-2026-000110).

STATEMENT = "extracto_es69_2026-q1.xml"
OLD_TEXT, NEW_TEXT = "<Ustrd>PAGO F 2026 102</Ustrd>", "<Ustrd>PAGO F 2026 102 Y 2026 110</Ustrd>"


@pytest.fixture(scope="module")
def builds(home, tmp_path_factory):
    """Day 1 is the module's home (copied); day 2 is built on the copy, and both days
    again from nothing."""
    folder = tmp_path_factory.mktemp("incremental_bank_references")
    day_2 = folder / "day_2"
    day_2.mkdir()
    statement = (INBOX / STATEMENT).read_text(encoding="utf-8")
    assert statement.count(OLD_TEXT) == 1
    (day_2 / "extracto_es69_2026-q1_copia.xml").write_text(statement.replace(OLD_TEXT, NEW_TEXT), encoding="utf-8")
    incremental_home = folder / "incremental"
    shutil.copytree(home, incremental_home)
    with duckdb.connect(str(incremental_home / "build" / "cartera.duckdb"), read_only=True) as conn:
        day_1_keys = conn.execute(
            "select bank_line_id, reference_no, start_position, reference_key, _read_through_file_id "
            "from intermediate.int_bank_line_reference_keys").fetchall()
    incremental = build_warehouse(day_2, incremental_home, {"as_of_date": AS_OF}, select=SELECT)
    ran = (incremental_home / "dbt_target" / "run" / "cartera" / "models" / "intermediate" / "bank"
           / "int_bank_line_reference_keys.sql").read_text()
    both_days = folder / "both_days"
    shutil.copytree(INBOX, both_days)
    shutil.copytree(day_2, both_days, dirs_exist_ok=True)
    full = build_warehouse(both_days, folder / "full", {"as_of_date": AS_OF}, select=SELECT)
    return incremental, full, day_1_keys, ran


def test_a_day_with_a_corrected_statement_copy_equals_a_full_build_table_for_table(builds):
    incremental, full, _, ran = builds
    # The day's build took the incremental path: it inserted into the kept table.
    assert ran.lstrip().startswith('insert into "cartera"."intermediate"."int_bank_line_reference_keys"')
    tables, differing = tables_of(incremental, full)
    assert {("intermediate", "int_bank_line_reference_keys"), ("marts", "cash_application")} <= tables
    assert differing == []


def test_the_day_read_again_the_lines_the_copy_lists(builds):
    """The copy lists every movement of the Q1 statement again: each line's keys are read
    again, at day 2's position (the registry's last file id then, after day 1's), L02's
    from its new text (they gained 2026/110, the D10 number's groups); the other lines'
    keys are day 1's."""
    incremental, _, day_1_keys, _ = builds
    with duckdb.connect(str(incremental), read_only=True) as conn:
        keys = conn.execute(
            "select bank_line_id, reference_no, start_position, reference_key, _read_through_file_id "
            "from intermediate.int_bank_line_reference_keys").fetchall()
        (l02,) = conn.execute(
            "select bank_line_id from intermediate.int_bank_incoming_lines where remittance_text = 'PAGO F 2026 102 Y 2026 110'"
        ).fetchone()
        named = conn.execute(
            "select document_id from intermediate.int_bank_line_references where bank_line_id = ? order by all", [l02]
        ).fetchall()
        (day_2_position,) = conn.execute("select max(file_id) from raw.file_registry").fetchone()
    assert {row[4] for row in keys} == {day_2_position}
    assert day_2_position > max(row[4] for row in day_1_keys)
    assert sorted(row[:4] for row in keys if row[0] != l02) == sorted(row[:4] for row in day_1_keys if row[0] != l02)
    assert {row[3] for row in keys if row[0] == l02} - {row[3] for row in day_1_keys if row[0] == l02} >= {"2026/110"}
    assert named == [("D10",), ("D2",)]


@pytest.mark.parametrize("table", [
    "staging.stg_bank__statement_lines", "intermediate.int_bank_incoming_lines",
    "intermediate.int_bank_line_reference_keys", "intermediate.int_document_reference_keys",
    "intermediate.int_bank_reference_candidates", "staging.stg_invoicing__documents",
    "staging.stg_invoicing__receipts", "staging.stg_invoicing__allocations"])
def test_a_kept_table_keeps_rows_of_the_version_the_model_stamps(builds, table):
    """A kept table is read whole when any row's _model_version is not the code version
    the build renders (macros/read_through.sql read_after, in the log): that version must
    be the one the model stamps its rows with (else every row would be read again every
    day)."""
    incremental, _, _, _ = builds
    log = (incremental.parents[1] / "dbt_logs" / "dbt.log").read_text()
    schema, name = table.split(".")
    versions = re.findall(rf"_model_version <> '([0-9a-f]{{32}})'\).*from \"cartera\"\.\"{schema}\"\.\"{name}\"\n", log)
    pre_hook_version = versions[-1]
    with duckdb.connect(str(incremental), read_only=True) as conn:
        stamped = conn.execute(f"select distinct _model_version from {table}").fetchall()
    assert stamped == [(pre_hook_version,)]
