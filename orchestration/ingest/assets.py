"""One asset per raw table: the inbox's export files of that entity, loaded whole or
quarantined; one multi-asset for the two bank statement tables. The readers that parse
them live in orchestration/readers."""

import dagster as dg

from orchestration.ingest.app_state import raw_credit_decisions
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.ingest.loader import LOADED, QUARANTINED, ingest_entity
from orchestration.readers import ENTITIES
from orchestration.resources import WarehouseResource
from orchestration.retries import WRITE_RETRY_POLICY, only_transient_failures_retried

# Each file is checked against what raw holds (orchestration/ingest/references.py), so
# what it names loads first: rates and clients, then documents and receipts, then the rest.
_UPSTREAM = {
    "documents": ("clients", "fx_rates"),
    "receipts": ("clients", "fx_rates"),
    "installments": ("documents",),
    "withholdings": ("documents",),
    "allocations": ("receipts", "documents"),
}


def _raw_asset(entity: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", entity],
        group_name="raw",
        deps=[dg.AssetKey(["raw", upstream]) for upstream in _UPSTREAM.get(entity, ())],
        description=f"The {entity} export files of the inbox, one row per new or changed data line, every version kept.",
        retry_policy=WRITE_RETRY_POLICY,
    )
    def _load(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        # A retry is safe: each file loads in one transaction and a loaded file is skipped.
        with only_transient_failures_retried(f"loading the {entity} files"), warehouse.connect() as conn:
            outcomes = ingest_entity(conn, warehouse.settings(), entity)
            total_rows = conn.execute(f"select count(*) from raw.{entity}").fetchall()[0][0]
        for outcome in outcomes:
            if outcome.status == QUARANTINED:
                context.log.warning(f"{outcome.file_name} quarantined: {outcome.message} (report: {outcome.report_path})")
            else:
                context.log.info(
                    f"{outcome.file_name}: {outcome.status}, {outcome.rows:,} rows, {outcome.changed_rows:,} new or changed"
                )
            for warning in outcome.warnings:
                context.log.warning(f"{outcome.file_name} loaded with a warning: {warning}")
        return dg.MaterializeResult(
            metadata={
                "files_loaded": sum(outcome.status == LOADED for outcome in outcomes),
                "warnings": sum(len(outcome.warnings) for outcome in outcomes),
                "files_quarantined": sum(outcome.status == QUARANTINED for outcome in outcomes),
                "rows_loaded": sum(outcome.rows for outcome in outcomes),
                "rows_new_or_changed": sum(outcome.changed_rows for outcome in outcomes),
                "rows_in_table": total_rows,
                "quarantined": ", ".join(o.file_name for o in outcomes if o.status == QUARANTINED) or "none",
                # The first warning of each file that loaded with some (all in raw.ingest_warnings).
                "warned": "; ".join(f"{o.file_name}: {o.warnings[0]}" for o in outcomes if o.warnings) or "none",
            }
        )

    _load.__name__ = f"raw_{entity}"
    return _load


raw_assets = [_raw_asset(entity) for entity in ENTITIES]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", "bank_statements"],
            group_name="raw",
            description="One row per statement of a loaded bank file (N43, camt, MT940, OFX, mapped CSV), every copy kept.",
        ),
        dg.AssetSpec(
            ["raw", "bank_statement_lines"],
            group_name="raw",
            description="One row per booked line of a loaded bank statement, every copy kept (staging removes overlaps).",
        ),
    ],
    name="raw_bank_statements",
    retry_policy=WRITE_RETRY_POLICY,
)
def raw_bank_statements(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """The inbox's bank statement files, told by content, loaded whole or quarantined;
    files that nothing recognises are left in the inbox and listed as unrecognised."""
    with only_transient_failures_retried("loading the bank statement files"), warehouse.connect() as conn:
        result = ingest_bank_statements(conn, warehouse.settings())
        statements = conn.execute("select count(*) from raw.bank_statements").fetchall()[0][0]
        lines = conn.execute("select count(*) from raw.bank_statement_lines").fetchall()[0][0]
    outcomes = result.outcomes
    for outcome in outcomes:
        if outcome.status == QUARANTINED:
            context.log.warning(f"{outcome.file_name} quarantined: {outcome.message} (report: {outcome.report_path})")
        else:
            context.log.info(f"{outcome.file_name}: {outcome.status}, {outcome.rows} lines")
        for warning in outcome.warnings:
            context.log.warning(f"{outcome.file_name} loaded with a note: {warning}")
    if result.unrecognised:
        context.log.warning(f"left in the inbox, not recognised: {', '.join(result.unrecognised)}")
    yield dg.MaterializeResult(
        asset_key=["raw", "bank_statements"],
        metadata={
            "files_loaded": sum(outcome.status == LOADED for outcome in outcomes),
            "files_quarantined": sum(outcome.status == QUARANTINED for outcome in outcomes),
            "warnings": sum(len(outcome.warnings) for outcome in outcomes),
            "rows_in_table": statements,
            "quarantined": ", ".join(o.file_name for o in outcomes if o.status == QUARANTINED) or "none",
            "unrecognised": ", ".join(result.unrecognised) or "none",
        },
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "bank_statement_lines"],
        metadata={"rows_loaded": sum(outcome.rows for outcome in outcomes), "rows_in_table": lines},
    )


raw_assets.append(raw_bank_statements)
raw_assets.append(raw_credit_decisions)  # the dashboards' app-state store, a source
