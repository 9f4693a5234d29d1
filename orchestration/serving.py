"""The last asset of the refresh: the checked build, published for the dashboards."""

import dagster as dg

from orchestration.dbt_assets import cartera_dbt_assets
from orchestration.publish import publish
from orchestration.resources import WarehouseResource


@dg.asset(
    key=["published", "warehouse"],
    group_name="serving",
    deps=list(cartera_dbt_assets.keys),
    description="The read-only copy of the checked warehouse that the dashboards open.",
)
def published_warehouse(warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    published = publish(settings.build_db, settings.published_db)
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(published)), "size_bytes": published.stat().st_size}
    )
