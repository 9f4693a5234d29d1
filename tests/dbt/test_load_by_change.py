"""Loading full snapshots by change (orchestration/ingest/changes.py) changes nothing the
warehouse reads: on the same sequence of exports (tests/orchestration/snapshot_sequence.py:
a full export, the same again in other bytes, a corrected one), the marts equal table
for table those of a warehouse that loads every row of every export, as the loader did
before; and after each withdrawal, newest first, staging reads the same in both."""

import json
import shutil
from decimal import Decimal

import duckdb
import pytest

from orchestration.ingest import loader
from orchestration.ingest.loader import withdraw_file
from tests.dbt.warehouse import build_warehouse, dbt_manifest, tables_of
from tests.orchestration.snapshot_sequence import ENTITIES, write_sequence

AS_OF = {"as_of_date": "2025-06-30"}
# Newest first within each entity, dependants (instalments naming D5) before what they name.
WITHDRAWALS = (
    "installments_3.csv", "documents_3.csv", "receipts_3.csv", "clients_3.csv",
    *(f"{entity}_2.csv" for entity in reversed(ENTITIES)),
)


def every_row_new(conn, entity, incoming, marked):
    """The loading before: every row of every export reaches raw."""
    conn.execute(f"create or replace temp table {marked} as select *, null::BIGINT as _holder_file_id from {incoming}")
    return conn.execute(f"select count(*) from {marked}").fetchall()[0][0], {}


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("load_by_change")
    write_sequence(folder / "inbox")
    by_change = build_warehouse(folder / "inbox", folder / "by_change", AS_OF)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "mark_repeated_rows", every_row_new)
        every_row = build_warehouse(folder / "inbox", folder / "every_row", AS_OF)
    return by_change, every_row


def raw_rows(database, entity):
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(f"select count(*) from raw.{entity}").fetchall()[0][0]


def staging_sql(database) -> dict[str, str]:
    """Each staging model's compiled SQL, from the build that made `database`: staging
    is built as tables, so a test that changes raw afterwards reads it again this way."""
    nodes = json.loads(dbt_manifest(database).read_text())["nodes"].values()
    return {node["name"]: node["compiled_code"] for node in nodes
            if node["resource_type"] == "model" and node["original_file_path"].startswith("models/staging/")}


def staging_readings(database, models: dict[str, str]):
    """Every staging model's rows as raw reads now, without lineage (which file brought
    a row is not what the warehouse reads from it), sorted."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return {
            name: sorted(conn.execute(f"select columns(lambda c: not starts_with(c, '_')) from ({sql}\n)").fetchall(), key=repr)
            for name, sql in models.items()
        }


def test_the_marts_equal_table_for_table_those_of_loading_every_row(builds):
    """documents: 6 rows, then 6 repeated, then 7 of which 2 new or changed: 8 rows in raw
    by change, 6 + 6 + 7 = 19 loading every row. Instalments: 3, 3 repeated, then D1's
    new split of 2 and D5's 1: 6 by change, 3 + 3 + 3 = 9 every row."""
    by_change, every_row = builds
    assert (raw_rows(by_change, "documents"), raw_rows(every_row, "documents")) == (8, 19)
    assert (raw_rows(by_change, "installments"), raw_rows(every_row, "installments")) == (6, 9)

    # Lineage names the file that brought a version: by change, the first export that
    # held it, not the latest that repeated it; the sequence's files have different
    # names, so source_freshness names another file for withholdings and rates (with the
    # same name every day, as the invoicing system writes them, it names the same one).
    tables, differing = tables_of(by_change, every_row,
                                  exclude={"source_freshness": "newest_file_name, newest_file_loaded_at"})

    assert len(tables) > 20
    assert differing == []


def test_staging_reads_the_same_after_each_withdrawal(builds, tmp_path):
    models = staging_sql(builds[0])
    assert "stg_invoicing__documents" in models and "stg_invoicing__installments" in models
    copies = []
    for name, database in zip(("by_change", "every_row"), builds):
        (tmp_path / name).mkdir()
        copies.append(shutil.copy(database, tmp_path / name / database.name))
    by_change, every_row = copies
    assert staging_readings(by_change, models) == staging_readings(every_row, models)

    for file_name in WITHDRAWALS:
        for database in copies:
            with duckdb.connect(str(database)) as conn:
                withdraw_file(conn, file_name)
        assert staging_readings(by_change, models) == staging_readings(every_row, models), f"after {file_name}"

    # Back to the first export alone: D2 at 605.00 again, D1 in its three instalments.
    readings = staging_readings(by_change, {name: models[name] for name in (
        "stg_invoicing__documents", "stg_invoicing__installments")})
    assert [row[10] for row in readings["stg_invoicing__documents"] if row[0] == "D2"] == [Decimal("605.00")]
    assert sorted(row[3] for row in readings["stg_invoicing__installments"]) == [
        Decimal("400.00"), Decimal("400.00"), Decimal("410.00")]
