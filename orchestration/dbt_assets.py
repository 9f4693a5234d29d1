"""Every dbt model as an asset, its tests as asset checks, built by one `dbt build`."""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.builds import record_build_passed, record_build_started
from orchestration.dbt_project import (
    UNIT_TESTS_RECORD_DIR,
    dbt_project,
    project_state,
    remember_unit_tests_passed,
    set_profile_environment,
    unit_tests_passed,
)
from orchestration.resources import WarehouseResource
from orchestration.retries import WRITE_RETRY_POLICY, dbt_build_failure


class CarteraDbtTranslator(DagsterDbtTranslator):
    """Keys are [schema, name], so source raw.documents is the ingestion asset
    ["raw", "documents"] and lineage runs from file to mart."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["config"]["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["config"].get("schema") or "dbt"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=CarteraDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
    retry_policy=WRITE_RETRY_POLICY,
)
def cartera_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    settings = warehouse.settings()
    # dbt finds the build database through CARTERA_HOME, and the loader's DuckDB cap and
    # spill folder (orchestration/dbt_home.py); it runs as a subprocess of this environment.
    set_profile_environment(settings)
    # The unit tests (SQL on fixed inputs) run when the project changed since they last
    # passed in this checkout, whatever the home; the data tests run on every build.
    state = project_state(settings.dbt_vars())
    unit_tests_known = unit_tests_passed(UNIT_TESTS_RECORD_DIR, state)
    # The build reuses the parse of `prepare()` in the home's own target folder; the
    # threads are not part of the parse state (only the connection's keys are).
    threads = settings.dbt_threads_for(warehouse.raw_row_count())
    context.log.info(f"dbt builds {threads} model(s) at a time")
    with warehouse.connect() as conn:
        build_id = record_build_started(conn)
    invocation = dbt.cli(
        [
            "build",
            "--vars", json.dumps(settings.dbt_vars()),
            "--threads", str(threads),
            *(["--exclude", "test_type:unit"] if unit_tests_known else []),
        ],
        context=context,
        target_path=settings.dbt_target,
        raise_on_error=False,
    )
    yield from invocation.stream()
    # A partial refresh (orchestration/refresh_selection.py) ran the unit tests of its models only.
    whole = set(context.selected_asset_keys) == set(context.assets_def.keys)
    if invocation.is_successful() and not unit_tests_known and whole:
        remember_unit_tests_passed(UNIT_TESTS_RECORD_DIR, state)
    if invocation.is_successful():
        with warehouse.connect() as conn:
            record_build_passed(conn, build_id)
    else:
        # Retried only when dbt failed on I/O or a lock; a failing test is not retried.
        raise dbt_build_failure(invocation.get_artifact("run_results.json")["results"])
