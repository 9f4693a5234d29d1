"""One asset per raw table: the inbox's export files of that entity, loaded whole or
quarantined. The readers that parse them live in orchestration/readers."""

import dagster as dg

from orchestration.ingest.loader import LOADED, QUARANTINED, ingest_entity
from orchestration.readers import ENTITIES
from orchestration.resources import WarehouseResource

# Installments are checked against the documents' totals, so documents load first.
_UPSTREAM = {"installments": ("documents",)}


def _raw_asset(entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", entity],
        group_name="raw",
        deps=[dg.AssetKey(["raw", upstream]) for upstream in _UPSTREAM.get(entity, ())],
        description=f"The {entity} export files of the inbox, one row per data line, every version kept.",
    )
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as conn:
            outcomes = ingest_entity(conn, warehouse.settings(), entity)
            total_rows = conn.execute(f"select count(*) from raw.{entity}").fetchall()[0][0]
        for outcome in outcomes:
            if outcome.status == QUARANTINED:
                context.log.warning(f"{outcome.file_name} quarantined: {outcome.message} (report: {outcome.report_path})")
            else:
                context.log.info(f"{outcome.file_name}: {outcome.status}, {outcome.rows} rows")
        return dg.MaterializeResult(
            metadata={
                "files_loaded": sum(outcome.status == LOADED for outcome in outcomes),
                "files_quarantined": sum(outcome.status == QUARANTINED for outcome in outcomes),
                "rows_loaded": sum(outcome.rows for outcome in outcomes),
                "rows_in_table": total_rows,
                "quarantined": ", ".join(o.file_name for o in outcomes if o.status == QUARANTINED) or "none",
            }
        )

    _load.__name__ = f"raw_{entity}"
    return _load


raw_assets = [_raw_asset(entity) for entity in ENTITIES]
