"""`cartera refresh`: the refresh job run in this process, with a readable outcome."""

import os

import dagster as dg

from orchestration.config import Settings, load_settings
from orchestration.dbt_project import prepare
from orchestration.ingest.loader import dropped_files


def run_refresh() -> bool:
    settings = load_settings()
    settings.make_dirs()
    print(f"cartera refresh: inbox {settings.inbox}, warehouse {settings.published_db}", flush=True)
    if not _has_data(settings):
        print(f"refresh failed: no export files in {settings.inbox} (the contract is seeds/README.md)", flush=True)
        return False
    # The dbt subprocesses (parse now, build in the job) find the build database here.
    os.environ["CARTERA_HOME"] = str(settings.home)
    prepare(settings.dbt_vars())
    from orchestration.definitions import defs

    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        # dbt's own lines show the progress; the steps are summarised below.
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    for event in result.all_events:
        _report(event, settings)
    if result.success:
        print(f"published {settings.published_db}", flush=True)
    else:
        print("refresh failed: the published warehouse was left as it was", flush=True)
    return result.success


def _has_data(settings: Settings) -> bool:
    return settings.build_db.exists() or bool(dropped_files(settings))


def _report(event: dg.DagsterEvent, settings: Settings) -> None:
    if event.is_step_success:
        print(f"  ok      {event.step_key}", flush=True)
    elif event.is_step_failure:
        error = event.step_failure_data.error
        message = error.message.strip().splitlines()[0] if error else "unknown error"
        print(f"  FAILED  {event.step_key}: {message}", flush=True)
    elif event.is_step_skipped:
        print(f"  skipped {event.step_key} (an upstream step failed)", flush=True)
    elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
        evaluation = event.event_specific_data
        if not evaluation.passed:
            # An error-severity check also fails its step (reported above); a warning does
            # not stop the publish, so this line is where it shows.
            level = "warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "FAILED "
            print(f"  {level} check {evaluation.check_name} on {evaluation.asset_key.to_user_string()}", flush=True)
    elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
        metadata = event.step_materialization_data.materialization.metadata
        quarantined = metadata.get("quarantined")
        if quarantined is not None and quarantined.value != "none":
            print(f"  quarantined {quarantined.value}: see the reports in {settings.quarantine}", flush=True)
        unrecognised = metadata.get("unrecognised")
        if unrecognised is not None and unrecognised.value != "none":
            print(f"  left in the inbox, not recognised as an export: {unrecognised.value}", flush=True)
