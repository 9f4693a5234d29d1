"""Where lineage starts: the export files. One external asset per source family (the
invoicing system's exports, the bank statements, the FX rates, and the app-state store
the committee's decisions come from), upstream of the raw
assets that load them, so `dagster dev` draws the lineage from file to dashboard table.
Dagster does not materialise them: files arrive in the inbox, and each raw asset's
metadata names the files of its run."""

import dagster as dg

from orchestration.readers import ENTITIES

_FAMILIES = {
    "invoicing_exports": "The invoicing system's exports dropped in the inbox: clients, documents, "
    "installments, receipts, allocations, withholdings (CSV or xlsx, seeds/README.md).",
    "bank_statements": "Bank statement files dropped in the inbox: Norma 43, camt.053/054, MT940, OFX, mapped bank CSV.",
    "fx_rates": "Daily reference exchange rates dropped in the inbox (ECB eurofxref-hist layout).",
    "app_state": "What the dashboards write to the app-state store: the credit committee's decisions.",
}

export_files = [
    dg.AssetSpec(["exports", family], group_name="exports", description=description, kinds={"file"})
    for family, description in _FAMILIES.items()
]


def _family(raw_key: dg.AssetKey) -> str:
    entity = raw_key.path[-1]
    if entity.startswith("bank_"):
        return "bank_statements"
    if entity == "fx_rates":
        return "fx_rates"
    if entity in ENTITIES:
        return "invoicing_exports"
    if entity == "credit_decisions":
        return "app_state"
    raise ValueError(f"no export family for {raw_key.to_user_string()}")


def with_export_sources(raw_assets: list[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    """The raw assets, each depending on the export files it reads."""
    return dg.map_asset_specs(
        lambda spec: spec.merge_attributes(deps=[dg.AssetKey(["exports", _family(spec.key)])]), raw_assets
    )
