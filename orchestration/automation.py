"""When the refresh runs: every morning, and whenever a new export lands in the inbox."""

import dagster as dg

from orchestration.config import load_settings
from orchestration.ingest.loader import dropped_files

refresh_job = dg.define_asset_job("refresh", selection=dg.AssetSelection.all())

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh", job=refresh_job, cron_schedule="0 6 * * *", execution_timezone="Europe/Madrid"
)


@dg.sensor(job=refresh_job, minimum_interval_seconds=60)
def inbox_sensor(context: dg.SensorEvaluationContext):
    """One run per new inbox state; the run key (names, sizes, mtimes) makes a file that
    is still there on the next tick trigger nothing."""
    settings = load_settings()
    inbox = settings.inbox
    files = dropped_files(settings)
    if not files:
        return dg.SkipReason(f"no export files in {inbox}")
    state = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)
    if state == context.cursor:
        return dg.SkipReason("no new files since the last run")
    context.update_cursor(state)
    return dg.RunRequest(run_key=state)
