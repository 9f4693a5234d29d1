"""`cartera status`: the last refreshes of a home, read from its Dagster instance — when
each ran, its outcome, and the checks that failed or warned — with the outcome words and
checks of refresh_history.jsonl where that run wrote them (a run launched by `dagster
dev` has only the instance's record)."""

from datetime import datetime

import dagster as dg

from dashboards.i18n.messages import Message, cli_language, message, render
from orchestration.config import load_settings
from orchestration.refresh import dagster_instance, history_records

# The refresh's outcomes (refresh_history.jsonl) and a run's own status where the run
# wrote no history (launched from `dagster dev`); another status is shown as Dagster names it.
_OUTCOMES = {
    "published": message("status.outcome_published"),
    "published_with_warnings": message("status.outcome_published_with_warnings"),
    "failed": message("status.outcome_failed"),
}
_RUN_OUTCOME = {dg.DagsterRunStatus.SUCCESS: "published", dg.DagsterRunStatus.FAILURE: "failed"}


def print_status(limit: int) -> int:
    """The last `limit` runs, newest first, worded in CARTERA_LANGUAGE."""
    settings = load_settings()
    language = cli_language()

    def say(line: Message, indent: str = "") -> None:
        print(indent + render(line, language))

    if not (settings.home / "dagster" / "dagster.yaml").exists():
        say(message("status.none", home=str(settings.home)))
        return 0
    instance = dagster_instance(settings)
    history = {record["run_id"]: record for record in history_records(settings) if record.get("run_id")}
    runs = instance.get_runs(limit=limit)
    if not runs:
        say(message("status.none", home=str(settings.home)))
        return 0
    for run in runs:
        recorded = history.get(run.run_id, {})
        outcome = recorded.get("outcome") or _RUN_OUTCOME.get(run.status, run.status.value.lower())
        stats = instance.get_run_stats(run.run_id)
        facts = {
            "started": datetime.fromtimestamp(stats.start_time).isoformat(sep=" ", timespec="seconds")
            if stats.start_time else message("status.not_started"),
            "run": run.run_id[:8],
            "outcome": _OUTCOMES.get(outcome, outcome),
        }
        if recorded.get("as_of_date"):
            say(message("status.run_as_of", **facts, as_of=recorded["as_of_date"]))
        else:
            say(message("status.run", **facts))
        if recorded.get("checks") is not None:
            # The refresh recorded every check, the dbt tie-outs that read several models
            # too (Dagster attaches only single-model tests to an asset).
            checks = [(c["check"], c["asset"], c["severity"] == "warn", c["passed"], c["description"]) for c in recorded["checks"]]
        else:
            checks = [
                (e.check_name, e.asset_key.to_user_string(), e.severity == dg.AssetCheckSeverity.WARN, e.passed, e.description or "")
                for e in _check_evaluations(instance, run.run_id)
            ]
        say(message("status.checks", passed=sum(check[3] for check in checks), total=len(checks)), "  ")
        for name, asset, is_warning, passed, description in checks:
            if not passed:
                which = message("status.check_warned", check=name, asset=asset) if is_warning else message(
                    "status.check_failed", check=name, asset=asset)
                print(f"  {render(which, language)}" + (f": {render(description, language)}" if description else ""))
    return 0


def _check_evaluations(instance: dg.DagsterInstance, run_id: str) -> list:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=100_000).records
    return [record.event_log_entry.dagster_event.event_specific_data for record in records]
