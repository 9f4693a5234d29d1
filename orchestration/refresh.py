"""`cartera refresh`: the refresh job run in this process, with a readable outcome."""

import dagster as dg

from orchestration.config import load_settings
from orchestration.dbt_project import prepare


def run_refresh() -> bool:
    settings = load_settings()
    settings.make_dirs()
    print(f"cartera refresh: inbox {settings.inbox}, warehouse {settings.published_db}", flush=True)
    prepare()
    from orchestration.definitions import defs

    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
        # dbt's own lines show the progress; Dagster's step events are summarised below.
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    for event in result.all_events:
        if event.is_step_success:
            print(f"  ok     {event.step_key}", flush=True)
        elif event.is_step_failure:
            error = event.step_failure_data.error
            print(f"  FAILED {event.step_key}: {error.message.strip() if error else 'unknown error'}", flush=True)
        elif event.is_step_skipped:
            print(f"  skipped {event.step_key} (an upstream step failed)", flush=True)
    if result.success:
        print(f"published {settings.published_db}", flush=True)
    else:
        print("refresh failed: the published warehouse was left as it was", flush=True)
    return result.success
