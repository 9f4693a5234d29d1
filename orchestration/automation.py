"""When the refresh runs: every morning, and whenever a new export lands in the inbox."""

import hashlib
from pathlib import Path

import dagster as dg

from orchestration.config import load_settings
from orchestration.ingest.loader import dropped_files

refresh_job = dg.define_asset_job("refresh", selection=dg.AssetSelection.all())

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh", job=refresh_job, cron_schedule="0 6 * * *", execution_timezone="Europe/Madrid"
)


@dg.sensor(job=refresh_job, minimum_interval_seconds=60)
def inbox_sensor(context: dg.SensorEvaluationContext):
    """One run for the files that arrived since the last run. The cursor is one number,
    the newest arrival time seen (a file's ctime changes when it is written or moved into
    the inbox, even if a copy keeps an old mtime); the run key names only the new files,
    by name and content hash, so the same file never triggers twice."""
    settings = load_settings()
    files = dropped_files(settings)
    if not files:
        return dg.SkipReason(f"no export files in {settings.inbox}")
    seen_until = int(context.cursor or 0)
    arrivals = {path: max(path.stat().st_mtime_ns, path.stat().st_ctime_ns) for path in files}
    new = sorted(path for path, arrived in arrivals.items() if arrived > seen_until)
    if not new:
        return dg.SkipReason("no new files since the last run")
    context.update_cursor(str(max(arrivals.values())))
    run_key = ";".join(f"{path.name}:{_sha256(path)[:16]}" for path in new)
    return dg.RunRequest(run_key=run_key, tags={"cartera/new_files": ", ".join(path.name for path in new)[:1000]})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
