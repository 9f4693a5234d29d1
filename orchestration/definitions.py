"""The one Definitions: `dagster dev -m orchestration.definitions` shows the lineage from
export file to published warehouse."""

import dagster as dg

from orchestration.automation import daily_refresh, inbox_sensor, refresh_job
from orchestration.checks.asset_checks import gx_asset_checks
from orchestration.dbt_assets import cartera_dbt_assets
from orchestration.dbt_project import CarteraDbtCli, dbt_project
from orchestration.ingest.assets import raw_assets
from orchestration.lineage import export_files, with_export_sources
from orchestration.resources import WarehouseResource
from orchestration.serving import published_warehouse

defs = dg.Definitions(
    assets=[*export_files, *with_export_sources(raw_assets), cartera_dbt_assets, published_warehouse],
    asset_checks=gx_asset_checks,
    jobs=[refresh_job],
    schedules=[daily_refresh],
    sensors=[inbox_sensor],
    resources={
        "warehouse": WarehouseResource(),
        "dbt": CarteraDbtCli(project_dir=dbt_project),
    },
    # One writer to DuckDB: steps run one after another in the run's process.
    executor=dg.in_process_executor,
)
