"""DuckDB's memory cap and spill folder come from the settings, for the loader's connection and dbt's."""

import duckdb
import pytest

from orchestration.config import GIB, default_memory_limit, load_settings, memory_limit_bytes
from orchestration.resources import WarehouseResource


def test_the_loader_connects_with_the_memory_limit_and_temp_directory_of_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("CARTERA_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    with WarehouseResource(home=str(tmp_path)).connect() as conn:
        limit, folder, insertion_order = conn.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('preserve_insertion_order')"
        ).fetchone()
    # DuckDB reports 512 MB (10^6 bytes) in binary units: 512e6 / 2^20 = 488.2 MiB.
    assert limit == "488.2 MiB"
    assert folder == str(tmp_path / "spill")
    # The loader numbers a CSV file's lines by rowid (readers/csv_cells.py): order kept.
    assert insertion_order is True


def test_without_settings_duckdb_is_capped_by_the_refresh_budget_and_spills_beside_the_build_database(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("CARTERA_DUCKDB_TEMP_DIRECTORY", raising=False)
    settings = load_settings(tmp_path)
    assert settings.duckdb_config() == {
        "memory_limit": default_memory_limit(),
        "temp_directory": str(tmp_path.resolve() / "build" / "cartera.duckdb.tmp"),
    }


def test_the_default_cap_leaves_two_and_a_half_gib_of_the_refresh_budget_to_python():
    """Budget = min(8 GiB, 80 % of memory); cap = budget - 2.5 GiB, at least budget / 4.
    24 GiB: budget 8 GiB = 8192 MiB, cap 8192 - 2560 = 5632 MiB. 8 GiB: budget 6.4 GiB =
    6553.6 MiB, cap 6553.6 - 2560 = 3993.6 MiB, floored 3993. 4 GiB: budget 3276.8 MiB,
    less 2560 is 716.8, under a quarter of the budget (819.2): 819. 2 GiB: a quarter of
    1638.4 MiB, 409.6, floored 409."""
    assert default_memory_limit(24 * GIB) == "5632MiB"
    assert default_memory_limit(8 * GIB) == "3993MiB"
    assert default_memory_limit(4 * GIB) == "819MiB"
    assert default_memory_limit(2 * GIB) == "409MiB"


def test_dbt_connects_to_the_homes_build_database_with_the_settings_cap_and_spill_folder(tmp_path, monkeypatch):
    """dbt's profile names no home (dbt_project/profiles.yml): its plugin
    (orchestration/dbt_home.py) opens the home's build database, as dbt-duckdb opens it."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.adapters.duckdb.environments.local import LocalEnvironment

    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("CARTERA_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    (tmp_path / "build").mkdir()
    profile = DuckDBCredentials.from_dict(
        {"path": "cartera.duckdb", "database": "cartera", "schema": "main", "plugins": [{"module": "orchestration.dbt_home"}]}
    )

    handle = LocalEnvironment(profile).handle()
    try:
        limit, folder, insertion_order, database = handle.cursor().execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), "
            "current_setting('preserve_insertion_order'), "
            "(select path from duckdb_databases() where database_name = 'cartera')"
        ).fetchone()
    finally:
        handle.close()

    assert (limit, folder) == ("488.2 MiB", str(tmp_path / "spill"))  # 512e6 / 2^20 = 488.2 MiB
    # Tables built in any row order: DuckDB need not hold a result whole to keep its order.
    assert insertion_order is False
    assert database == str(tmp_path / "build" / "cartera.duckdb")
    assert (tmp_path / "build" / "cartera.duckdb").exists()


def test_memory_limits_read_in_bytes_as_duckdb_reads_them():
    assert memory_limit_bytes("5632MiB") == 5632 * 2**20
    assert memory_limit_bytes("4GB") == 4_000_000_000
    assert memory_limit_bytes(" 1.5 GiB ") == 3 * 2**29
    # 60 % of 10 GiB is 6 GiB.
    assert memory_limit_bytes("60%", ram_bytes=10 * GIB) == 6 * GIB
    with pytest.raises(ValueError, match="lots"):
        memory_limit_bytes("lots")


def test_dbt_builds_two_models_at_once_up_to_a_million_raw_rows_per_gib_of_the_cap(tmp_path, monkeypatch):
    """Cap 4GiB: two threads up to 4,000,000 raw rows, one from the next row; the setting,
    when given, wins either way."""
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "4GiB")
    monkeypatch.delenv("CARTERA_DBT_THREADS", raising=False)
    settings = load_settings(tmp_path)
    assert settings.dbt_threads_for(0) == 2
    assert settings.dbt_threads_for(4_000_000) == 2
    assert settings.dbt_threads_for(4_000_001) == 1

    monkeypatch.setenv("CARTERA_DBT_THREADS", "3")
    assert load_settings(tmp_path).dbt_threads_for(10**12) == 3
    monkeypatch.setenv("CARTERA_DBT_THREADS", "0")
    with pytest.raises(ValueError, match="CARTERA_DBT_THREADS"):
        load_settings(tmp_path)


def test_the_raw_row_count_counts_the_raw_tables_only(tmp_path):
    """3 documents + 2 receipts in raw; the 5 rows of a built table are not raw data."""
    warehouse = WarehouseResource(home=str(tmp_path))
    assert warehouse.raw_row_count() == 0
    with warehouse.connect() as conn:
        conn.execute("create schema raw; create schema marts")
        conn.execute("create table raw.documents as select range as id from range(3)")
        conn.execute("create table raw.receipts as select range as id from range(2)")
        conn.execute("create table marts.fct_documents as select range as id from range(5)")
    assert warehouse.raw_row_count() == 5
