"""The dbt project as Dagster sees it. Its manifest must exist before the dbt assets are
defined: `dagster dev` parses on load; `cartera refresh` and the tests call `prepare()`."""

import json
import os
import sys
from pathlib import Path

from dagster_dbt import DagsterDbtProjectPreparer, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

# dagster-dbt runs the `dbt` executable found on PATH; make it the one installed beside
# this interpreter, so `cartera` works from a venv that was never activated.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_VENV_BIN, os.environ.get("PATH", "")])
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare(dbt_vars: dict[str, str] | None = None) -> None:
    """Runs `dbt parse` so that the manifest matches the models on disk. Parsing with the
    vars (and CARTERA_HOME) the build will use lets `dbt build` reuse the parse."""
    arguments = ["parse", "--quiet"]
    if dbt_vars:
        arguments += ["--vars", json.dumps(dbt_vars)]
    DagsterDbtProjectPreparer(prepare_project_cli_args=arguments).prepare(dbt_project)
