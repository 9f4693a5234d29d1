"""int_settlement_events is incremental (DECISIONLOG: Settlement events by the day): a
build keeps the rows of every document whose inputs (instalments and reductions) are
unchanged and recomputes the others. An incremental build after one more day of exports
must equal a full build of the same exports, table for table, to the cent.

Fixture tests/fixtures/aging_inbox split in two days. Day 1 (as of 2025-06-19): every
file but the withholding W1, the document D2 and the receipt R2. Day 2 (as of 2025-06-30)
adds W1 (60.00 on D1: a new reduction on an old document), D2 (a new invoice), R2 (new
unapplied cash) and a corrected re-export of D3 (1,100.00 -> 1,000.00 USD, updated
2025-06-20: an old document whose rows must be rebuilt)."""

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
SELECT = "+fct_installment_payments +ar_aging +ar_aging_monthly"
DAY_1, DAY_2 = {"as_of_date": "2025-06-19"}, {"as_of_date": "2025-06-30"}


def rows_of(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def split_fixture(day_1: Path, day_2: Path) -> None:
    day_1.mkdir()
    day_2.mkdir()
    for name in ("clients.csv", "fx_rates.csv", "installments.csv", "allocations.csv"):
        shutil.copy(FIXTURE / name, day_1)
    shutil.copy(FIXTURE / "withholdings.csv", day_2)
    header, documents = rows_of(FIXTURE / "documents.csv")
    write(day_1 / "documents.csv", header, [row for row in documents if row["document_id"] != "D2"])
    corrected = {**next(row for row in documents if row["document_id"] == "D3"),
                 "net": "1000.00", "total": "1000.00", "updated_at": "2025-06-20T10:00:00"}
    write(day_2 / "documents_2025-06-20.csv", header,
          [row for row in documents if row["document_id"] == "D2"] + [corrected])
    header, receipts = rows_of(FIXTURE / "receipts.csv")
    write(day_1 / "receipts.csv", header, [row for row in receipts if row["receipt_id"] != "R2"])
    write(day_2 / "receipts_2025-06-20.csv", header, [row for row in receipts if row["receipt_id"] == "R2"])


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("incremental_settlement")
    day_1, day_2 = folder / "day_1", folder / "day_2"
    split_fixture(day_1, day_2)
    incremental_home, full_home = folder / "incremental", folder / "full"
    build_warehouse(day_1, incremental_home, DAY_1, select=SELECT)
    with duckdb.connect(str(incremental_home / "build" / "cartera.duckdb"), read_only=True) as conn:
        day_1_events = conn.execute(
            "select document_id, installment_no, reduction_type, applied_amount, outstanding_amount "
            "from intermediate.int_settlement_events").fetchall()
    incremental = build_warehouse(day_2, incremental_home, DAY_2, select=SELECT)
    ran = incremental_home / "dbt_target" / "run" / "cartera" / "models" / "intermediate" / "int_settlement_events.sql"
    day_2_sql = ran.read_text()
    both_days = folder / "both_days"
    shutil.copytree(day_1, both_days)
    shutil.copytree(day_2, both_days, dirs_exist_ok=True)
    full = build_warehouse(both_days, full_home, DAY_2, select=SELECT)
    return incremental, full, day_1_events, day_2_sql


def test_an_incremental_day_equals_a_full_build_table_for_table(builds):
    incremental, full, _, day_2_sql = builds
    # The day's build took the incremental path: it inserted into the kept table (a full
    # build creates it).
    assert day_2_sql.lstrip().startswith('insert into "cartera"."intermediate"."int_settlement_events"')
    with duckdb.connect() as conn:
        conn.execute(f"attach '{incremental}' as incremental (read_only)")
        conn.execute(f"attach '{full}' as full_build (read_only)")
        tables = conn.execute(
            "select schema_name, table_name from duckdb_tables() where database_name = 'full_build' "
            "and schema_name in ('intermediate', 'marts') order by all").fetchall()
        assert ("intermediate", "int_settlement_events") in tables
        differing = []
        for schema, table in tables:
            one, other = f"incremental.{schema}.{table}", f"full_build.{schema}.{table}"
            (count,) = conn.execute(f"""
                select (select count(*) from (select * from {one} except all select * from {other}))
                     + (select count(*) from (select * from {other} except all select * from {one}))""").fetchone()
            if count:
                differing.append(table)
        assert differing == []


def test_the_day_rebuilt_the_documents_it_touched(builds):
    """D1 gained W1 (60.00): its oldest open instalment, #2 (400 - 100 - 121 = 179.00 open),
    takes it: 119.00 left. Its rows of day 1 (R1 on #1 and #2, CN1 on #2) are there as
    they were; D3, re-exported at 1,000.00, is still unpaid: no rows. So one row more."""
    incremental, _, day_1_events, _ = builds
    columns = "document_id, installment_no, reduction_type, applied_amount, outstanding_amount"
    with duckdb.connect(str(incremental), read_only=True) as conn:
        rows = conn.execute(f"select {columns} from intermediate.int_settlement_events").fetchall()
    before = day_1_events
    assert ("D1", 2, "withholding", Decimal("60.00"), Decimal("119.00")) in rows
    assert sorted(set(rows) - set(before)) == [("D1", 2, "withholding", Decimal("60.00"), Decimal("119.00"))]
    assert len(rows) == len(before) + 1
