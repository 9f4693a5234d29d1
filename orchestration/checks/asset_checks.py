"""The suites as Dagster asset checks: one multi-asset check per raw asset, one check per
expectation, so the UI and the refresh summary name each one. ERROR checks are blocking:
when one fails, the dbt build and the publish do not run."""

import dagster as dg

from orchestration.checks.runner import Outcome, RunInfo, check_suite, describe_expectation, ensure_results_table
from orchestration.checks.suites import SUITES, Severity, Suite
from orchestration.resources import WarehouseResource

_SEVERITY = {Severity.ERROR: dg.AssetCheckSeverity.ERROR, Severity.WARN: dg.AssetCheckSeverity.WARN}


def _asset_key(table: str) -> dg.AssetKey:
    # raw.client_tax_id_checks is written by the clients asset.
    schema, name = table.split(".")
    return dg.AssetKey([schema, "clients" if name == "client_tax_id_checks" else name])


def _specs(suites: list[Suite]) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            check.name,
            asset=dg.AssetKey(list(suite.asset)),
            description=f"{check.description} ({check.severity.value}; Great Expectations)",
            blocking=check.severity is Severity.ERROR,
            # The ids it looks up must be loaded first.
            additional_deps=[_asset_key(table) for table in suite.depends_on],
        )
        for suite in suites
        for check in suite.checks
    ]


def _result(suite: Suite, outcome: Outcome) -> dg.AssetCheckResult:
    metadata: dict[str, object] = {
        "table": suite.table,
        "expectation": describe_expectation(outcome.check),
        "severity": outcome.check.severity.value,
        "checked_at": outcome.checked_at.isoformat(sep=" ", timespec="seconds"),
        "reused_stored_result": outcome.from_cache,
    }
    if outcome.element_count is not None:
        metadata["element_count"] = outcome.element_count
    if outcome.unexpected_count is not None:
        metadata["unexpected_count"] = outcome.unexpected_count
    if outcome.unexpected_sample:
        metadata["unexpected_sample"] = outcome.unexpected_sample
    if outcome.observed_value:
        metadata["observed_value"] = outcome.observed_value
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(list(suite.asset)),
        check_name=outcome.check.name,
        passed=outcome.success,
        severity=_SEVERITY[outcome.check.severity],
        description=outcome.check.description,
        metadata=metadata,
    )


def _gx_check(asset: tuple[str, ...], suites: list[Suite]) -> dg.AssetChecksDefinition:
    @dg.multi_asset_check(
        specs=_specs(suites),
        name=f"gx_{'_'.join(asset)}",
        description=f"Great Expectations suites of {', '.join(suite.table for suite in suites)}",
        # A check selected alone in the UI runs alone; with CARTERA_GX_CHECKS=off none
        # reports, which Dagster logs instead of failing the run.
        can_subset=True,
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        settings = warehouse.settings()
        with warehouse.connect() as conn:
            # Created even with the checks off, so the data-quality page always finds it.
            ensure_results_table(conn)
            if not settings.gx_checks:
                context.log.info("Great Expectations checks are off (CARTERA_GX_CHECKS=off)")
                return
            run = RunInfo(context.run.run_id, settings.as_of_date)
            selected = context.selected_asset_check_keys
            for suite in suites:
                for outcome in check_suite(conn, suite, run):
                    result = _result(suite, outcome)
                    if dg.AssetCheckKey(result.asset_key, result.check_name) in selected:
                        yield result

    return _check


def _by_asset() -> dict[tuple[str, ...], list[Suite]]:
    grouped: dict[tuple[str, ...], list[Suite]] = {}
    for suite in SUITES:
        grouped.setdefault(suite.asset, []).append(suite)
    return grouped


gx_asset_checks = [_gx_check(asset, suites) for asset, suites in _by_asset().items()]
