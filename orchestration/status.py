"""`cartera status`: the last refreshes of a home, read from its Dagster instance — when
each ran, its outcome, and the checks that failed or warned — with the outcome words and
check sentences of refresh_history.jsonl where that run wrote them."""

import json
from datetime import datetime

import dagster as dg

from orchestration.config import load_settings
from orchestration.refresh import HISTORY_FILE_NAME, dagster_instance

_RUN_OUTCOME = {dg.DagsterRunStatus.SUCCESS: "published", dg.DagsterRunStatus.FAILURE: "failed"}


def print_status(limit: int) -> int:
    settings = load_settings()
    if not (settings.home / "dagster" / "dagster.yaml").exists():
        print(f"no refresh recorded in {settings.home} yet")
        return 0
    instance = dagster_instance(settings)
    history = _history_by_run(settings.home / HISTORY_FILE_NAME)
    runs = instance.get_runs(limit=limit)
    if not runs:
        print(f"no refresh recorded in {settings.home} yet")
        return 0
    for run in runs:
        recorded = history.get(run.run_id, {})
        outcome = recorded.get("outcome") or _RUN_OUTCOME.get(run.status, run.status.value.lower())
        stats = instance.get_run_stats(run.run_id)
        started = datetime.fromtimestamp(stats.start_time).isoformat(sep=" ", timespec="seconds") if stats.start_time else "not started"
        as_of = f", as of {recorded['as_of_date']}" if recorded.get("as_of_date") else ""
        print(f"{started}  run {run.run_id[:8]}  {outcome}{as_of}")
        sentences = {check["check"]: check["description"] for check in recorded.get("checks", [])}
        evaluations = [
            record.event_log_entry.dagster_event.event_specific_data
            for record in instance.get_records_for_run(
                run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000
            ).records
        ]
        passed = sum(evaluation.passed for evaluation in evaluations)
        print(f"  checks: {passed} of {len(evaluations)} passed")
        for evaluation in evaluations:
            if not evaluation.passed:
                level = "warning" if evaluation.severity == dg.AssetCheckSeverity.WARN else "FAILED "
                what = sentences.get(evaluation.check_name) or evaluation.description or ""
                print(f"  {level} {evaluation.check_name} on {evaluation.asset_key.to_user_string()}" + (f": {what}" if what else ""))
    return 0


def _history_by_run(path) -> dict[str, dict]:
    if not path.exists():
        return {}
    records = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a crash is not a run
        if record.get("run_id"):
            records[record["run_id"]] = record
    return records
