"""Bank statement staging on a hand-made inbox: overlapping statements count each movement
once, and every loaded statement still ties to its lines in the warehouse.

Fixture tests/fixtures/bank_inbox:
- cuenta_dos_cuentas.n43: June 2025, ES91 (EUR) +1,210.00 -350.75 +2,000.00 and
  ES77 (USD) +800.00 -12.50: 5 movements, no overlap.
- extracto_manipulado.n43: the same file with ES77's final balance 288.50 instead of
  287.50: quarantined whole, nothing of it in raw.
- Account ES69 0081 0200 1000 0123 4567 (EUR), camt.053, July 2025:
    extracto_diario_2025-07-01.xml  opening 1,000.00: A +500.00 (FRA-2025-0101),
                                    B -20.00 (BANKREF-0701-2); closing 1,480.00
    extracto_diario_2025-07-02.xml  opening 1,480.00: C +100.00 and C' +100.00, two real
                                    quotas, identical in every field, no reference;
                                    closing 1,680.00
    extracto_mensual_2025-07.xml    opening 1,000.00: A, B, C, C', E +300.00 (15 July);
                                    closing 1,980.00
  Raw keeps 2 + 2 + 5 = 9 lines; staging keeps A, B, C, C', E: 5 movements,
  500.00 - 20.00 + 100.00 + 100.00 + 300.00 = 980.00 = 1,980.00 - 1,000.00.
- notas_gestoria.txt: not a statement, left in the inbox.
"""

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse, run_dbt

INBOX = Path(__file__).parent.parent / "fixtures" / "bank_inbox"
ES69 = "ES6900810200100001234567"
SELECT = "+stg_bank__statement_lines +stg_bank__statements"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("bank")
    build_warehouse(INBOX, home, {}, select=SELECT)
    return home


@pytest.fixture(scope="module")
def warehouse(home):
    with duckdb.connect(str(home / "build" / "cartera.duckdb"), read_only=True) as conn:
        yield conn


def test_overlapping_statements_count_each_movement_once(warehouse):
    rows = warehouse.execute(
        f"""
        select booking_date::varchar, line_amount, match_reference, occurrence, statement_copies
        from staging.stg_bank__statement_lines
        where bank_account = '{ES69}'
        order by booking_date, line_amount, occurrence
        """
    ).fetchall()
    assert rows == [
        ("2025-07-01", Decimal("-20.00"), "BANKREF-0701-2", 1, 2),
        ("2025-07-01", Decimal("500.00"), "FRA-2025-0101", 1, 2),
        # Two real quotas, both in the daily and in the monthly statement: both kept, once each.
        ("2025-07-02", Decimal("100.00"), "CUOTA SOCIO JULIO", 1, 2),
        ("2025-07-02", Decimal("100.00"), "CUOTA SOCIO JULIO", 2, 2),
        ("2025-07-15", Decimal("300.00"), "FRA-2025-0107", 1, 1),
    ]
    assert sum(row[1] for row in rows) == Decimal("980.00")
    raw = warehouse.execute(f"select count(*) from raw.bank_statement_lines where account = '{ES69}'").fetchall()
    assert raw == [(9,)]


def test_the_latest_loaded_copy_describes_a_movement(warehouse):
    # Files load in name order: the monthly (extracto_mensual_…) after the dailies.
    sources = warehouse.execute(
        f"select distinct _source_file from staging.stg_bank__statement_lines where bank_account = '{ES69}'"
    ).fetchall()
    assert sources == [("extracto_mensual_2025-07.xml",)]


def test_movements_without_overlap_all_stay(warehouse):
    rows = warehouse.execute(
        f"""
        select bank_account, currency_code, count(*), sum(line_amount)
        from staging.stg_bank__statement_lines
        where bank_account <> '{ES69}'
        group by bank_account, currency_code
        order by bank_account
        """
    ).fetchall()
    assert rows == [
        ("ES7700491500012810123456", "USD", 2, Decimal("787.50")),  # 287.50 - (-500.00)
        ("ES9121000418450200051332", "EUR", 3, Decimal("2859.25")),  # 4093.81 - 1234.56
    ]


def test_one_staged_statement_per_statement_and_nothing_of_the_tampered_file(warehouse):
    statements = warehouse.execute(
        """
        select bank_account, period_start_date::varchar, period_end_date::varchar,
               opening_balance_amount, closing_balance_amount, statement_format, _source_file
        from staging.stg_bank__statements
        order by bank_account, period_start_date, period_end_date
        """
    ).fetchall()
    assert statements == [
        (ES69, "2025-07-01", "2025-07-01", Decimal("1000.00"), Decimal("1480.00"), "camt053", "extracto_diario_2025-07-01.xml"),
        (ES69, "2025-07-01", "2025-07-31", Decimal("1000.00"), Decimal("1980.00"), "camt053", "extracto_mensual_2025-07.xml"),
        (ES69, "2025-07-02", "2025-07-02", Decimal("1480.00"), Decimal("1680.00"), "camt053", "extracto_diario_2025-07-02.xml"),
        ("ES7700491500012810123456", "2025-06-01", "2025-06-30", Decimal("-500.00"), Decimal("287.50"), "norma43", "cuenta_dos_cuentas.n43"),
        ("ES9121000418450200051332", "2025-06-01", "2025-06-30", Decimal("1234.56"), Decimal("4093.81"), "norma43", "cuenta_dos_cuentas.n43"),
    ]
    registry = warehouse.execute(
        "select file_name, status from raw.file_registry where entity = 'bank_statements' order by file_name"
    ).fetchall()
    assert ("extracto_manipulado.n43", "quarantined") in registry
    assert len(registry) == 5


def test_unrecognised_file_stays_in_the_inbox(home):
    assert (home / "inbox" / "notas_gestoria.txt").exists()
    assert not (home / "quarantine" / "notas_gestoria.txt").exists()
    assert (home / "quarantine" / "extracto_manipulado.n43.report.txt").exists()


def test_warehouse_rechecks_every_statement_against_its_lines(home, tmp_path):
    results = json.loads((home / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    statuses = {result["unique_id"].split(".")[2]: result["status"] for result in results["results"]}
    assert statuses["assert_bank_statements_tie_to_lines"] == "pass"

    # The same test fails on a raw line changed after loading: opening + lines <> closing.
    copy = tmp_path / "build" / "cartera.duckdb"
    copy.parent.mkdir()
    shutil.copy(home / "build" / "cartera.duckdb", copy)
    with duckdb.connect(str(copy)) as conn:
        conn.execute(
            "update raw.bank_statement_lines set amount = amount + 0.01 "
            "where _source_file = 'extracto_diario_2025-07-01.xml' and line_number = 1"
        )
    result = run_dbt(["test", "--select", "assert_bank_statements_tie_to_lines"], tmp_path, {})
    assert result.returncode == 1, result.stdout[-3000:]
    assert "assert_bank_statements_tie_to_lines" in result.stdout and "FAIL 1" in result.stdout
