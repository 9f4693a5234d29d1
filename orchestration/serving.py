"""The last asset of the refresh: the checked build, published for the dashboards."""

import dagster as dg

from orchestration.builds import last_build, record_build_published
from orchestration.dbt_assets import cartera_dbt_assets
from orchestration.publish import publish
from orchestration.resources import WarehouseResource
from orchestration.retries import WRITE_RETRY_POLICY, only_transient_failures_retried


@dg.asset(
    key=["published", "warehouse"],
    group_name="serving",
    deps=list(cartera_dbt_assets.keys),
    description="The read-only copy of the checked warehouse that the dashboards open.",
    # The published copy is untouched until the final rename, so a retry is safe.
    retry_policy=WRITE_RETRY_POLICY,
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connect() as conn:
        build = last_build(conn)
    if build is not None and not build.passed:
        raise dg.Failure(
            f"dbt build {build.build_id} did not pass: the dashboards keep the warehouse last published",
            allow_retries=False,
        )
    with only_transient_failures_retried("publishing"):
        published = publish(settings.build_db, settings.published_db)
    if build is not None:
        with warehouse.connect() as conn:
            record_build_published(conn, build.build_id)
    return dg.MaterializeResult(
        metadata={"path": dg.MetadataValue.path(str(published)), "size_bytes": published.stat().st_size}
    )
