"""The last asset of the refresh: the checked build, published for the dashboards."""

import dagster as dg

from orchestration.dbt_assets import cartera_dbt_assets
from orchestration.publish import publish
from orchestration.resources import WarehouseResource

_PUBLISH_RETRIES = 3


@dg.asset(
    key=["published", "warehouse"],
    group_name="serving",
    deps=list(cartera_dbt_assets.keys),
    description="The read-only copy of the checked warehouse that the dashboards open.",
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    try:
        published = publish(settings.build_db, settings.published_db)
    except OSError as error:
        # A full disk or a busy file system may pass: retry with backoff (2, 4, 8 s).
        # The published copy is untouched until the final rename, so a retry is safe.
        if context.retry_number >= _PUBLISH_RETRIES:
            raise
        raise dg.RetryRequested(max_retries=_PUBLISH_RETRIES, seconds_to_wait=2 ** (context.retry_number + 1)) from error
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(published)), "size_bytes": published.stat().st_size}
    )
