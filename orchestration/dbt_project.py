"""The dbt project as Dagster sees it. Its manifest must exist before the dbt assets are
defined: `dagster dev` parses on load; `cartera refresh` and the tests call `prepare()`.

dbt writes its target (manifest, partial parse, run results) and logs under the home's
dbt/target, so refreshes of different homes from one checkout share nothing. The dbt
assets are defined from that manifest when this module is imported, so the home is read
here, once: CARTERA_HOME must be set before `orchestration.definitions` is imported
(`cartera refresh` does; under `dagster dev` it comes from the shell)."""

import json
import os
import sys
from pathlib import Path

from dagster_dbt import DagsterDbtProjectPreparer, DbtProject

from orchestration.config import DBT_PROJECT_DIR, load_settings

# dagster-dbt runs the `dbt` executable found on PATH; make it the one installed beside
# this interpreter, so `cartera` works from a venv that was never activated.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_VENV_BIN, os.environ.get("PATH", "")])
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=load_settings().dbt_target
)
dbt_project.prepare_if_dev()


def prepare(dbt_vars: dict[str, str] | None = None) -> None:
    """Runs `dbt parse` so that the manifest matches the models on disk. Parsing with the
    vars (and CARTERA_HOME) the build will use lets `dbt build` reuse the parse."""
    arguments = ["parse", "--quiet"]
    if dbt_vars:
        arguments += ["--vars", json.dumps(dbt_vars)]
    DagsterDbtProjectPreparer(prepare_project_cli_args=arguments).prepare(dbt_project)
