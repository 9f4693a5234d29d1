"""DuckDB's memory cap and spill folder come from the settings, for the loader's connection and dbt's."""

from orchestration.config import load_settings
from orchestration.resources import WarehouseResource


def test_the_loader_connects_with_the_memory_limit_and_temp_directory_of_the_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("CARTERA_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    with WarehouseResource(home=str(tmp_path)).connect() as conn:
        limit, folder = conn.execute(
            "select current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchone()
    # DuckDB reports 512 MB (10^6 bytes) in binary units: 512e6 / 2^20 = 488.2 MiB.
    assert limit == "488.2 MiB"
    assert folder == str(tmp_path / "spill")


def test_without_settings_duckdb_keeps_its_own_default_cap_and_spills_beside_the_build_database(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_DUCKDB_MEMORY_LIMIT", raising=False)
    monkeypatch.delenv("CARTERA_DUCKDB_TEMP_DIRECTORY", raising=False)
    settings = load_settings(tmp_path)
    assert settings.duckdb_config() == {
        "memory_limit": "80%",
        "temp_directory": str(tmp_path.resolve() / "build" / "cartera.duckdb.tmp"),
    }


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
        limit, folder, database = handle.cursor().execute(
            "select current_setting('memory_limit'), current_setting('temp_directory'), "
            "(select path from duckdb_databases() where database_name = 'cartera')"
        ).fetchone()
    finally:
        handle.close()

    assert (limit, folder) == ("488.2 MiB", str(tmp_path / "spill"))  # 512e6 / 2^20 = 488.2 MiB
    assert database == str(tmp_path / "build" / "cartera.duckdb")
    assert (tmp_path / "build" / "cartera.duckdb").exists()
