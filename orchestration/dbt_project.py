"""The dbt project as Dagster sees it. Its manifest must exist before the dbt assets are
defined: `dagster dev` parses on load; `cartera refresh` and the tests call `prepare()`."""

from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()


def prepare() -> None:
    """Runs `dbt parse` so that the manifest matches the models on disk."""
    dbt_project.preparer.prepare(dbt_project)
