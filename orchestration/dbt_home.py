"""A dbt-duckdb plugin that points dbt at the home's build database when dbt connects,
rather than in dbt_project/profiles.yml.

dbt keeps its partial parse only while the profile's connection info is what it was at
the parse (dbt/parser/manifest.py, build_manifest_state_check): a path holding the home
made every new home's first refresh parse the project from nothing (~11 s of CPU on the demo). With
the home read here, the profile is the same for every home, so one parse serves them all
(orchestration/dbt_project.py `prepare`). The build database, DuckDB's memory cap and its
spill folder are the settings' (orchestration/config.py), from the variables the
refresh sets for dbt's process (`set_profile_environment`), with insertion order not kept
(`Settings.dbt_duckdb_config`). The cap and spill folder are
given when the database opens, not per cursor: DuckDB refuses to set the spill folder
again once something spilled."""

import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin

from orchestration.config import load_settings

# The home when CARTERA_HOME is not set: the checkout's data folder, as for `cartera`
# run from the checkout (dbt runs in dbt_project/).
_DEFAULT_HOME = Path(__file__).resolve().parents[1] / "data"


class Plugin(BasePlugin):
    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        settings = load_settings(os.environ.get("CARTERA_HOME") or _DEFAULT_HOME)
        creds.path = str(settings.build_db)
        config.update(settings.dbt_duckdb_config())
