"""`cartera refresh`: the refresh job run in this process, with an outcome in the
bookkeeper's words, an exit code a scheduler can alert on, and a line of history.

Nothing is done when nothing that feeds the warehouse changed since the last published
refresh (orchestration/refresh_inputs.py says what is compared): the refresh says so in
one line and exits 0, before Dagster, dbt or DuckDB is even imported; `force` runs it
anyway.

Exit codes:
  0  published, clean: every file loaded or already loaded, every check passed; or
     nothing changed since the last published refresh (outcome "unchanged")
  1  nothing published: the published warehouse was left as it was (a blocking check
     failed, a step failed, no export files, or another refresh holds this home)
  2  published, with quarantined or unrecognised files, files loaded with warnings
     (raw.ingest_warnings: schema drift, a note unlinked, a bank reader's note) or
     failed warning checks

The run is recorded in the home's Dagster instance ($CARTERA_HOME/dagster, see
`dagster_instance`), so `dagster dev` with DAGSTER_HOME there shows its materialisations
and check results, and `cartera status` lists it.

Each refresh appends one JSON object, one line, to $CARTERA_HOME/refresh_history.jsonl
(the dashboards' data-quality page reads it; keep this shape):

  {"run_id": str,                 Dagster run id ("" when no run started)
   "started_at": str,             ISO 8601 with offset
   "finished_at": str,
   "as_of_date": str | null,      ISO date the figures answer for
   "outcome": "published" | "published_with_warnings" | "failed" | "unchanged",
                                  unchanged: nothing changed, nothing ran, no files or
                                  checks (the published warehouse is the last refresh's)
   "exit_code": 0 | 1 | 2,
   "files": [{"file_name": str,
              "entity": str | null,   clients, documents, ..., bank_statements
              "status": "loaded" | "already_loaded" | "quarantined" | "unrecognised" | "not_read",
              "rows": int,            rows (bank: lines) loaded by this refresh
              "reason": str | {"key", "args"} | null}],
                                      why it was quarantined (the reader's text) / not
                                      loaded (a message of the catalogue)
   "checks": [{"asset": str,          e.g. "marts/ar_aging"
               "check": str,          the check's name (a dbt test's name)
               "severity": "error" | "warn",
               "passed": bool,
               "description": str | {"key": str, "args": {...}}}],
                                      what it checks, or when failed what is wrong: a
                                      message of the i18n catalogue with its arguments
                                      (dashboards/i18n/messages.py renders it in the
                                      reader's language), or text (lines written before
                                      messages were stored; Great Expectations' checks)
   "message": str | {"key": str, "args": {...}}}
                                  the outcome line printed last, a message of the
                                  catalogue as the checks' are (text in older lines)
"""

import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dashboards.i18n.messages import Message, cli_language, from_text, message, render
from orchestration.config import Settings, load_settings
from orchestration.refresh_inputs import PARTS, Inputs, changed_parts, current_inputs, forget, read_record, remember
from orchestration.refresh_selection import changed_roots, rebuilt_assets
from orchestration.refresh_lock import RefreshLocked, refresh_lock

if TYPE_CHECKING:  # imported where a refresh runs: a refresh with nothing new needs none
    import dagster as dg
    import duckdb

EXIT_PUBLISHED = 0
EXIT_NOTHING_PUBLISHED = 1
EXIT_PUBLISHED_WITH_WARNINGS = 2
HISTORY_FILE_NAME = "refresh_history.jsonl"
UNCHANGED = "unchanged"
_FAILING_ROWS_SHOWN = 3

_WRITTEN_BY_CARTERA = "# Written by cartera"
_DAGSTER_YAML = f"""\
{_WRITTEN_BY_CARTERA}: this home's Dagster instance. Runs, materialisations and check
# results are kept in SQLite here (runs and schedules where `storage: sqlite` keeps them,
# the event log through orchestration/dagster_event_log.py: Dagster's SQLite event log
# with its files kept open); at most one refresh runs at a time; nothing phones home.
event_log_storage:
  module: orchestration.dagster_event_log
  class: PooledSqliteEventLogStorage
  config:
    dagster_home:
      env: DAGSTER_HOME
run_queue:
  max_concurrent_runs: 1
telemetry:
  enabled: false
"""


# The parts a refresh with nothing new found unchanged (refresh_inputs.PARTS), but
# the inbox, which says how many files it holds.
_PART_MESSAGES = {
    "dbt_project": message("refresh.part_dbt_project"),
    "code": message("refresh.part_code"),
    "settings": message("refresh.part_settings"),
    "app_state": message("refresh.part_app_state"),
    "warehouse": message("refresh.part_warehouse"),
}


@dataclass(frozen=True)
class FileResult:
    file_name: str
    entity: str | None
    status: str
    rows: int = 0
    reason: Message | None = None


@dataclass(frozen=True)
class CheckResult:
    asset: str
    check: str
    severity: str
    passed: bool
    description: Message


def run_refresh(force: bool = False) -> int:
    settings = load_settings()
    settings.make_dirs()
    try:
        with refresh_lock(settings):
            started_at = datetime.now().astimezone()
            record = read_record(settings)
            inputs = current_inputs(settings, record)
            changed = changed_parts(record, inputs)
            if record is not None and not force and not changed:
                return _unchanged(settings, record, inputs, started_at)
            print(f"cartera refresh: inbox {settings.inbox}, warehouse {settings.published_db}", flush=True)
            # Until this refresh publishes, raw may hold what the published copy does not.
            forget(settings)
            # Without a record (or forced) everything counts as changed: a full rebuild.
            return _refresh(settings, inputs, started_at, None if force else record, changed)
    except RefreshLocked as locked:
        print(f"refresh not started: {locked}", flush=True)
        return EXIT_NOTHING_PUBLISHED


def _part_messages(parts: list[str], inputs: Inputs) -> list[Message]:
    files = len(inputs.inbox)
    inbox = message("refresh.part_inbox_one", files=files) if files == 1 else message("refresh.part_inbox", files=files)
    return [inbox if part == "inbox" else _PART_MESSAGES[part] for part in parts]


def _unchanged(settings: Settings, record: dict, inputs: Inputs, started_at: datetime) -> int:
    as_of = record.get("as_of_date")
    facts = {
        "checked": _part_messages(list(PARTS), inputs),
        "finished_at": _minutes(record.get("finished_at", "")),
        "database": str(settings.published_db),
        "as_of": as_of or message("refresh.latest_data_date"),
    }
    if record.get("outcome") == "published_with_warnings":
        said = message("refresh.unchanged_with_warnings", **facts)
    else:
        said = message("refresh.unchanged", **facts)
    print(render(said, cli_language()), flush=True)
    if inputs.inbox != record.get("inbox"):  # a file touched, not changed: not hashed again next time
        remember(settings, inputs, as_of, record["outcome"], record["finished_at"])
    _append_history(settings, "", started_at, as_of, [], [], said, EXIT_PUBLISHED, outcome=UNCHANGED)
    return EXIT_PUBLISHED


def dagster_instance(settings: Settings) -> "dg.DagsterInstance":
    """The home's persistent Dagster instance, $CARTERA_HOME/dagster, created on first use."""
    import dagster as dg

    dagster_home = settings.home / "dagster"
    dagster_home.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    # Cartera's own file is brought up to date; one written by someone else is theirs.
    written = config.read_text(encoding="utf-8") if config.exists() else None
    if written is None or (written.startswith(_WRITTEN_BY_CARTERA) and written != _DAGSTER_YAML):
        config.write_text(_DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    return dg.DagsterInstance.get()


def _refresh(settings: Settings, inputs: Inputs, started_at: datetime, record: dict | None, changed: list[str]) -> int:
    """Runs the refresh job: on every asset, or, when the record of the last published
    refresh says only the inbox or the committee's decisions changed since, on the assets
    they reach (orchestration/refresh_selection.py)."""
    from orchestration.ingest.loader import dropped_files

    known = inputs.file_hashes()  # hashed when the inputs were compared
    dropped = {
        path.name: known.get(path.name) or hashlib.sha256(path.read_bytes()).hexdigest()
        for path in dropped_files(settings)
    }
    if not dropped and not settings.build_db.exists():
        said = message("refresh.no_exports", inbox=str(settings.inbox))
        print(render(said, cli_language()), flush=True)
        _append_history(settings, "", started_at, None, [], [], said, EXIT_NOTHING_PUBLISHED)
        return EXIT_NOTHING_PUBLISHED
    # The dbt subprocesses (parse now, build in the job) find the build database here.
    os.environ["CARTERA_HOME"] = str(settings.home)
    instance = dagster_instance(settings)
    from orchestration.dbt_project import prepare, set_profile_environment

    set_profile_environment(settings)  # as the build step sets it, for dbt to connect to this home

    try:
        prepare(settings.dbt_vars())
    except Exception as error:  # dbt's own error is the readable part
        said = message("refresh.dbt_unreadable", error=_first_line(error))
        print(render(said, cli_language()), flush=True)
        _append_history(settings, "", started_at, None, [], [], said, EXIT_NOTHING_PUBLISHED)
        return EXIT_NOTHING_PUBLISHED
    from orchestration.definitions import defs
    from orchestration.serving import published_warehouse

    roots = changed_roots(changed, dropped) if record is not None else None
    selection = rebuilt_assets(defs, roots) if roots is not None else None
    if selection is not None:
        tables = [key for key in defs.resolve_asset_graph().materializable_asset_keys if key != published_warehouse.key]
        said = message(
            "refresh.partial", changed=_part_messages(changed, inputs), finished_at=_minutes(record["finished_at"]),
            rebuilt=sum(key in selection for key in tables), total=len(tables),
        )
        print(render(said, cli_language()), flush=True)
    run_id = str(uuid.uuid4())
    instance.add_event_listener(run_id, _print_progress)
    result = defs.resolve_job_def("refresh").execute_in_process(
        instance=instance,
        run_id=run_id,
        asset_selection=selection,
        raise_on_error=False,
        # dbt's own lines and the step lines below show the progress; the outcome follows.
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
    )
    files = _file_results(settings, dropped, started_at)
    checks = _check_results(settings, result.all_events, started_at)
    if selection is not None:
        checks += _checks_not_run(settings, checks)
    as_of = _as_of_date(settings)
    step_failures = [
        f"{event.step_key}: {_first_line(event.step_failure_data.error.message if event.step_failure_data.error else 'unknown error')}"
        for event in result.all_events
        if event.is_step_failure
    ]
    published = result.success
    loaded_with_warnings = _ingest_warnings(settings, started_at)
    warnings = (
        any(f.status in ("quarantined", "unrecognised") for f in files)
        or any(not c.passed for c in checks)
        or bool(loaded_with_warnings)
    )
    if published and warnings:
        exit_code = EXIT_PUBLISHED_WITH_WARNINGS
        said = message("refresh.published_with_warnings", database=str(settings.published_db))
    elif published:
        exit_code = EXIT_PUBLISHED
        said = message("refresh.published", database=str(settings.published_db))
    else:
        exit_code = EXIT_NOTHING_PUBLISHED
        blocking = [c for c in checks if not c.passed and c.severity == "error"]
        dbt_errors = _dbt_errors(settings, started_at)
        if blocking:
            reason = blocking[0].description
        elif dbt_errors:
            reason = dbt_errors[0]
        else:
            reason = step_failures[0] if step_failures else message("refresh.run_failed")
        said = message("refresh.failed", reason=reason)
    _print_summary(settings, files, loaded_with_warnings, checks, step_failures, as_of)
    print(render(said, cli_language()), flush=True)
    record = _append_history(settings, run_id, started_at, as_of, files, checks, said, exit_code)
    if published:
        remember(settings, inputs, as_of, record["outcome"], record["finished_at"])
    return exit_code


def _minutes(timestamp: str) -> str:
    """An ISO 8601 time as the refresh's lines show it: 2026-12-02 17:18."""
    return str(timestamp)[:16].replace("T", " ")


def _checks_not_run(settings: Settings, checks: list[CheckResult]) -> list[CheckResult]:
    """The checks of the last refresh that published which this one did not run: a partial
    refresh runs the checks of what it rebuilt (and dbt's tests across models that read one
    of them), so a check it did not run reads only tables it left as they were, and its
    result is still that refresh's. The data-quality page and the outcome see them all."""
    ran = {(check.asset, check.check) for check in checks}
    for run in reversed(history_records(settings)):
        if run.get("outcome") in ("published", "published_with_warnings"):
            return [
                CheckResult(**known) for known in run.get("checks") or [] if (known["asset"], known["check"]) not in ran
            ]
    return []


def history_records(settings: Settings) -> list[dict]:
    """The lines of refresh_history.jsonl, oldest first; a line cut by a crash is skipped."""
    path = settings.home / HISTORY_FILE_NAME
    records = []
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def _print_progress(entry) -> None:
    import dagster as dg

    event = entry.dagster_event
    if event is None:
        return
    if event.is_step_start:
        print(f"  running {event.step_key}", flush=True)
    elif event.is_step_failure:
        print(f"  FAILED  {event.step_key}", flush=True)
    elif event.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY:
        error = event.event_specific_data.error
        print(f"  retry   {event.step_key} after a transient failure: {_first_line(error.message if error else '')}", flush=True)


def _file_results(settings: Settings, dropped: dict[str, str], started_at: datetime) -> list[FileResult]:
    """What became of each file that was in the inbox when the refresh started, from the
    registry the loaders write (raw.file_registry), matched by content (sha256)."""
    import duckdb

    registry = {}
    try:
        with duckdb.connect(str(settings.build_db), read_only=True) as conn:
            rows = conn.execute(
                "select sha256, entity, status, coalesce(row_count, 0), message, seen_at "
                "from raw.file_registry order by seen_at"
            ).fetchall()
    except duckdb.Error:  # the run stopped before any file was registered
        rows = []
    for sha256, entity, status, rows_loaded, note, seen_at in rows:
        registry[sha256] = (entity, status, rows_loaded, note, seen_at)
    since = started_at.replace(tzinfo=None)
    results = []
    for file_name, sha256 in dropped.items():
        entity, status, rows_loaded, note, seen_at = registry.get(sha256, (None, None, 0, None, None))
        if status == "loaded" and seen_at >= since:
            results.append(FileResult(file_name, entity, "loaded", rows_loaded))
        elif status == "loaded":
            results.append(FileResult(file_name, entity, "already_loaded", 0, message("refresh.file_already_loaded")))
        elif status == "quarantined":
            reason = from_text(note or "")
            results.append(FileResult(file_name, entity, "quarantined", 0, _first_line(reason) if isinstance(reason, str) else reason))
        elif (settings.inbox / file_name).exists():
            results.append(FileResult(file_name, None, "unrecognised", 0, message("refresh.file_unrecognised")))
        else:
            results.append(FileResult(file_name, None, "not_read", 0, message("refresh.file_not_read")))
    return results


def _ingest_warnings(settings: Settings, since: datetime) -> dict[str, tuple[int, Message]]:
    """file name -> (number of warnings, the first one as a message) of the files this run
    loaded with warnings (raw.ingest_warnings, written in the transaction of each load)."""
    import duckdb

    from orchestration.readers import FieldError

    try:
        with duckdb.connect(str(settings.build_db), read_only=True) as conn:
            rows = conn.execute(
                """
                select file_name, line_number, column_name, value, reason
                from raw.ingest_warnings
                where recorded_at >= ?
                order by file_id, rowid  -- each file's warnings in the order they were found
                """,
                [since.replace(tzinfo=None)],
            ).fetchall()
    except duckdb.Error:  # the run stopped before any file was loaded
        return {}
    found: dict[str, tuple[int, str]] = {}
    for file_name, line, column, value, reason in rows:
        count, first = found.get(file_name, (0, FieldError(line or 0, column or "", value or "", from_text(reason)).as_message()))
        found[file_name] = (count + 1, first)
    return found


def _check_results(settings: Settings, events: "list[dg.DagsterEvent]", since: datetime) -> list[CheckResult]:
    """Every check of the run: dbt's tests from this run's run_results.json (Dagster sees
    only the tests attached to one model as asset checks; the tie-outs that read several
    models run in `dbt build` all the same), then the other asset checks (GX suites) from
    Dagster's check evaluations."""
    import dagster as dg

    from orchestration.check_sentences import check_sentence

    tests = _dbt_tests(settings)
    results = []
    for result in _run_results(settings, since):
        node = tests.get(result["unique_id"])
        if node is None or result["status"] == "skipped":
            continue
        passed = result["status"] == "pass"
        severity = "warn" if str(node["config"].get("severity", "error")).lower() == "warn" else "error"
        description = check_sentence(node, node["name"]) if passed else _dbt_failure(settings, node, result)
        results.append(CheckResult(node["_asset"], node["name"], severity, passed, description))
    dbt_names = {node["name"] for node in tests.values()}
    for event in events:
        if event.event_type != dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            continue
        evaluation = event.event_specific_data
        if evaluation.check_name in dbt_names:
            continue
        results.append(
            CheckResult(
                asset=evaluation.asset_key.to_user_string(),
                check=evaluation.check_name,
                severity="warn" if evaluation.severity == dg.AssetCheckSeverity.WARN else "error",
                passed=evaluation.passed,
                description=evaluation.description or check_sentence(None, evaluation.check_name),
            )
        )
    return results


def _run_results(settings: Settings, since: datetime) -> list[dict]:
    """The results of this run's `dbt build` (none if it did not get that far)."""
    run_results = settings.dbt_target / "run_results.json"
    if not run_results.exists() or run_results.stat().st_mtime < since.timestamp():
        return []
    return json.loads(run_results.read_text(encoding="utf-8"))["results"]


def _dbt_tests(settings: Settings) -> dict[str, dict]:
    """The dbt tests of the home's manifest by unique id, each with the relation of the
    model it is on and the asset it guards (its model, or the mart it reads)."""
    manifest = settings.dbt_target / "manifest.json"
    if not manifest.exists():
        return {}
    parsed = json.loads(manifest.read_text(encoding="utf-8"))
    nodes = parsed["nodes"]
    relations = {**nodes, **parsed["sources"]}
    tests = {}
    for unique_id, node in nodes.items():
        if node["resource_type"] != "test":
            continue
        parents = [relations[parent] for parent in node["depends_on"]["nodes"] if parent in relations]
        model = nodes.get(node.get("attached_node") or "") or next(
            (parent for parent in reversed(parents) if parent["config"].get("schema") == "marts"),
            parents[-1] if parents else {},
        )
        # Asset keys as the translator makes them: [schema, name], a source [source_name, name].
        asset = f"{model.get('source_name') or model['config'].get('schema')}/{model['name']}" if model else "dbt"
        tests[unique_id] = {**node, "_model_relation": model.get("relation_name"), "_asset": asset}
    return tests


def _dbt_failure(settings: Settings, node: dict, result: dict) -> Message:
    """"the open balance of 2 client(s) does not tie to the documents: client_id C0042,
    expected_amount 100.00, actual_amount 200.00 (differs by 100.00); files: documents.csv"
    — the test's own SQL (run_results.json) run again on the build for its first rows."""
    import duckdb

    from orchestration.check_sentences import failure_sentence

    compiled, failures = result.get("compiled_code"), result.get("failures") or 0
    sentence = failure_sentence(node, node["name"], failures)
    if result["status"] == "error":  # the test's SQL itself failed
        return message("check.could_not_run", sentence=sentence, error=_first_line(result.get("message") or ""))
    if not compiled:
        return sentence
    column = ((node.get("test_metadata") or {}).get("kwargs") or {}).get("column_name")
    try:
        with duckdb.connect(str(settings.build_db), read_only=True) as conn:
            if (node.get("test_metadata") or {}).get("name") == "not_null_columns":
                sentence = failure_sentence(node, node["name"], failures, _empty_values(conn, node, compiled))
            cursor = conn.execute(f"select * from (\n{compiled}\n) as failing limit {_FAILING_ROWS_SHOWN}")
            columns = [column[0] for column in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
            files = {str(row["_source_file"]) for row in rows if row.get("_source_file")}
            files |= _files_holding(conn, node, column, rows)
    except duckdb.Error:
        return sentence
    # A generic test returns the offending value under a generic name (relationships:
    # from_field); name it after the column the test is on.
    rows = [{(column if name in ("from_field", "value_field") and column else name): value for name, value in row.items()} for row in rows]
    for index, row in enumerate(rows):
        if index == 0:
            sentence = message("check.with_row", sentence=sentence, row=_describe_row(row))
        else:
            sentence = message("check.next_row", rows=sentence, row=_describe_row(row))
    return message("check.in_files", sentence=sentence, files=sorted(files)) if files else sentence


def _empty_values(conn: "duckdb.DuckDBPyConnection", node: dict, compiled: str) -> dict[str, int]:
    """column -> number of empty values, in the test's order of columns, from the failing
    rows of a folded not-null test (each names its column in `empty_column`): dbt's
    run_results count them, all columns together. Read on a failure only, once the build
    has ended (the refresh's one writer is done), so a green refresh pays nothing."""
    counts = dict(
        conn.execute(f"select empty_column, count(*) from (\n{compiled}\n) as failing group by empty_column").fetchall()
    )
    listed = ((node.get("test_metadata") or {}).get("kwargs") or {}).get("columns") or []
    return {column: counts[column] for column in listed if column in counts}


def _files_holding(conn: "duckdb.DuckDBPyConnection", node: dict, column: str | None, rows: list[dict]) -> set[str]:
    """The export files whose rows hold the failing values of a generic test on a model
    that carries lineage (_source_file), e.g. the allocations file naming receipt R9."""
    import duckdb

    relation = node.get("_model_relation")
    if not column or not relation or not rows:
        return set()
    values = [next(iter(row.values())) for row in rows]
    try:
        found = conn.execute(
            f'select distinct _source_file from {relation} where cast("{column}" as varchar) in '
            f"(select unnest(cast(? as varchar[])))",
            [[str(value) for value in values]],
        ).fetchall()
    except duckdb.Error:  # the model carries no lineage column
        return set()
    return {str(file_name) for (file_name,) in found if file_name}


def _dbt_errors(settings: Settings, since: datetime) -> list[Message]:
    """Models this run's dbt build could not build (a SQL error, a lock), with dbt's reason."""
    return [
        message("refresh.dbt_could_not_build", model=result["unique_id"].split(".")[-1], error=_first_line(result.get("message") or "no message"))
        for result in _run_results(settings, since)
        if result["status"] == "error" and not result["unique_id"].startswith("test.")
    ]


def _describe_row(row: dict) -> Message:
    """The row's filled values as they are, "client_id C0042, expected_amount 100.00, ...",
    with by how much it differs when it has an expected and an actual amount."""
    text = ", ".join(f"{name} {value}" for name, value in row.items() if value is not None and name != "_source_file")
    expected, actual = row.get("expected_amount"), row.get("actual_amount")
    if expected is not None and actual is not None:
        return message("check.row_differs", row=text, difference=str(abs(actual - expected)))
    return text


def _as_of_date(settings: Settings) -> str | None:
    import duckdb

    if settings.as_of_date is not None:
        return settings.as_of_date.isoformat()
    try:
        with duckdb.connect(str(settings.build_db), read_only=True) as conn:
            found = conn.execute("select max(as_of_date) from intermediate.int_as_of_date").fetchall()[0][0]
    except duckdb.Error:
        return None
    return found.isoformat() if found else None


def _print_summary(
    settings: Settings,
    files: list[FileResult],
    loaded_with_warnings: dict[str, tuple[int, Message]],
    checks: list[CheckResult],
    step_failures: list[str],
    as_of: str | None,
) -> None:
    said: list[Message] = []
    loaded = [f for f in files if f.status == "loaded"]
    if loaded:
        per_entity: dict[str, int] = {}
        for f in loaded:
            per_entity[f.entity or "?"] = per_entity.get(f.entity or "?", 0) + f.rows
        rows = ", ".join(f"{entity} {rows}" for entity, rows in sorted(per_entity.items()))
        said.append(message("refresh.summary_loaded", files=len(loaded), rows=rows))
    else:
        said.append(message("refresh.summary_loaded_none"))
    for file_name, (count, first) in loaded_with_warnings.items():
        said.append(message("refresh.summary_loaded_with_warnings", file=file_name, count=count, first=first))
    skipped = [f.file_name for f in files if f.status == "already_loaded"]
    if skipped:
        said.append(message("refresh.summary_skipped", count=len(skipped), files=", ".join(skipped)))
    for f in files:
        if f.status == "quarantined":
            said.append(message("refresh.summary_quarantined", file=f.file_name, reason=f.reason, folder=str(settings.quarantine)))
        elif f.status in ("unrecognised", "not_read"):
            said.append(f"{f.file_name}: {render(f.reason, cli_language())}")
    passed = sum(c.passed for c in checks)
    said.append(message("refresh.summary_checks", passed=passed, failed=len(checks) - passed))
    for c in checks:
        if not c.passed:
            facts = {"check": c.check, "asset": c.asset, "description": c.description}
            warned = c.severity == "warn"
            said.append(message("refresh.summary_check_warned", **facts) if warned else message("refresh.summary_check_failed", **facts))
    if not any(not c.passed and c.severity == "error" for c in checks):
        # A failed blocking check also fails its step; the check above says it better.
        said += [message("refresh.summary_step_failed", failure=failure) for failure in step_failures]
    said.append(message("refresh.summary_as_of", as_of=as_of) if as_of else message("refresh.summary_as_of_unknown"))
    language = cli_language()
    lines = ["", render(message("refresh.summary"), language)]
    lines += [f"  {render(line, language)}" for line in said]  # a plain str renders as itself
    print("\n".join(lines), flush=True)


def _append_history(
    settings: Settings,
    run_id: str,
    started_at: datetime,
    as_of: str | None,
    files: list[FileResult],
    checks: list[CheckResult],
    said: Message,
    exit_code: int,
    outcome: str | None = None,
) -> dict:
    outcome = outcome or {0: "published", 1: "failed", 2: "published_with_warnings"}[exit_code]
    record = {
        "run_id": run_id,
        "started_at": started_at.isoformat(),
        "finished_at": datetime.now().astimezone().isoformat(),
        "as_of_date": as_of,
        "outcome": outcome,
        "exit_code": exit_code,
        "files": [asdict(f) for f in files],
        "checks": [asdict(c) for c in checks],
        "message": said,
    }
    # One line per refresh, appended under the home's refresh lock.
    with open(settings.home / HISTORY_FILE_NAME, "a", encoding="utf-8") as history:
        history.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return record


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
