"""The bank lines' models are kept from build to build (DECISIONLOG: Bank movements by the
file): stg_bank__statement_lines reads again only the movements that the bank files
registered since its latest rows list, and all of them after a withdrawal;
int_bank_incoming_lines and int_bank_line_reference_keys read only the lines staging read
again. After every build each table must equal a full rebuild of the same raw lines, row
for row.

Fixture tests/fixtures/bank_inbox (see test_bank_staging.py), one file per build:
1. cuenta_dos_cuentas.n43 (ES91 and ES77: 5 movements) and extracto_diario_2025-07-01.xml
   (ES69: A +500.00, B -20.00);
2. extracto_diario_2025-07-02.xml: C and C' (+100.00 each, identical, occurrences 1 and 2);
3. extracto_mensual_2025-07.xml: A, B, C, C' again and E +300.00: the monthly copy now
   describes them (statement_copies 2), E is new; ES91 and ES77 are not listed again;
4. the withdrawal of the 2 July statement: C and C' are left with the monthly copy alone.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import withdraw_file
from tests.dbt.warehouse import build_warehouse, run_dbt, warehouse_settings

INBOX = Path(__file__).parent.parent / "fixtures" / "bank_inbox"
ES69 = "ES6900810200100001234567"
ES91 = "ES9121000418450200051332"
KEPT = {
    "stg_bank__statement_lines": "staging",
    "int_bank_incoming_lines": "intermediate",
    "int_bank_line_reference_keys": "intermediate",
}
SELECT = "+int_bank_line_reference_keys"
DAYS = [
    ["cuenta_dos_cuentas.n43", "extracto_diario_2025-07-01.xml"],
    ["extracto_diario_2025-07-02.xml"],
    ["extracto_mensual_2025-07.xml"],
]
STATEMENT_LINES = "staging.stg_bank__statement_lines"


def full_rebuild(home: Path, into: Path) -> Path:
    """A copy of home whose kept tables are rebuilt from scratch from the same raw lines."""
    shutil.copytree(home, into)
    result = run_dbt(["run", "--full-refresh", "--select", *KEPT], into, {})
    assert result.returncode == 0, result.stdout[-4000:]
    return into / "build" / "cartera.duckdb"


def differing_rows(kept: Path, rebuilt: Path) -> dict[str, int]:
    """For each kept table, the rows in it and not in its full rebuild, either way,
    duplicates counted; the position a row was read at is left out (a kept row says when
    it was read)."""
    columns = "* exclude (_read_through_file_id)"
    counts = {}
    with duckdb.connect() as conn:
        conn.execute(f"attach '{kept}' as kept (read_only)")
        conn.execute(f"attach '{rebuilt}' as rebuilt (read_only)")
        for table, schema in KEPT.items():
            one, other = f"kept.{schema}.{table}", f"rebuilt.{schema}.{table}"
            (counts[table],) = conn.execute(f"""
                select (select count(*) from (select {columns} from {one} except all select {columns} from {other}))
                     + (select count(*) from (select {columns} from {other} except all select {columns} from {one}))""").fetchone()
    return counts


def es69_rows(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(f"""
            select line_amount::varchar, occurrence, statement_copies, _source_file
            from {STATEMENT_LINES} where bank_account = '{ES69}'
            order by booking_date, line_amount, occurrence""").fetchall()


def positions(database: Path, table: str) -> dict[str, set[int]]:
    """The positions the rows of `table` (a kept one) were read at, by account."""
    with duckdb.connect(str(database), read_only=True) as conn:
        rows = conn.execute(f"""
            select lines.bank_account, kept._read_through_file_id
            from {KEPT[table]}.{table} as kept
            inner join {STATEMENT_LINES} as lines on lines.bank_line_id = kept.bank_line_id""").fetchall()
    found: dict[str, set[int]] = {}
    for account, position in rows:
        found.setdefault(account, set()).add(position)
    return found


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """After each build of one home: (a copy of its build database, a full rebuild of it,
    the SQL dbt ran for the model)."""
    folder = tmp_path_factory.mktemp("bank_by_the_file")
    home = folder / "home"
    ran = home / "dbt_target" / "run" / "cartera" / "models" / "staging" / "bank" / "stg_bank__statement_lines.sql"
    after = []
    for number, names in enumerate(DAYS, start=1):
        inbox = folder / f"day_{number}"
        inbox.mkdir()
        for name in names:
            shutil.copy(INBOX / name, inbox)
        database = build_warehouse(inbox, home, {}, select=SELECT)
        kept = shutil.copy(database, folder / f"kept_{number}.duckdb")
        after.append((kept, full_rebuild(home, folder / f"rebuilt_{number}"), ran.read_text()))
    with duckdb.connect(str(warehouse_settings(home).build_db)) as conn:
        withdraw_file(conn, "extracto_diario_2025-07-02.xml")
    (folder / "day_4").mkdir()
    database = build_warehouse(folder / "day_4", home, {}, select=SELECT)
    after.append((database, full_rebuild(home, folder / "rebuilt_4"), ran.read_text()))
    return after


def test_every_build_equals_a_full_rebuild_of_the_same_lines(builds):
    nothing = {table: 0 for table in KEPT}
    assert [differing_rows(kept, rebuilt) for kept, rebuilt, _ in builds] == [nothing] * 4
    # Builds 2 to 4 took the kept table's path: they inserted into it (a full build creates it).
    assert [sql.lstrip().startswith("insert into") for _, _, sql in builds] == [False, True, True, True]


def test_a_later_copy_of_a_statement_describes_its_movements_again(builds):
    monthly = "extracto_mensual_2025-07.xml"
    kept, _, _ = builds[2]
    assert es69_rows(kept) == [
        ("-20.00", 1, 2, monthly),
        ("500.00", 1, 2, monthly),
        ("100.00", 1, 2, monthly),
        ("100.00", 2, 2, monthly),
        ("300.00", 1, 1, monthly),
    ]


def test_movements_no_later_file_lists_are_kept_as_read(builds):
    """The monthly statement lists ES69 alone: ES91's rows (its movements, its two incoming
    lines, the keys of their texts) are those of build 1, read at its position; ES69's
    were read again at build 3's."""
    first, _, _ = builds[0]
    third, _, _ = builds[2]
    for table in KEPT:
        before, after = positions(first, table), positions(third, table)
        assert after[ES91] == before[ES91], table
        assert len(after[ES69]) == 1 and after[ES69] != before[ES69], table


def test_a_withdrawal_reads_every_movement_again(builds):
    kept, _, _ = builds[3]
    monthly = "extracto_mensual_2025-07.xml"
    assert [(amount, copies) for amount, _, copies, _ in es69_rows(kept)] == [
        ("-20.00", 2), ("500.00", 2), ("100.00", 1), ("100.00", 1), ("300.00", 1)]
    assert {source for *_, source in es69_rows(kept)} == {monthly}
    for table in KEPT:
        assert len({position for found in positions(kept, table).values() for position in found}) == 1, table
