"""The dbt project as Dagster sees it. Its manifest must exist before the dbt assets are
defined: `dagster dev` parses on load; `cartera refresh` and the tests call `prepare()`.

dbt writes its target (manifest, partial parse, run results) and logs under the home's
dbt/target, so refreshes of different homes from one checkout share nothing but the
parses `prepare` offers to the next homes, written whole before they are seen. The dbt
assets are defined from that manifest when this module is imported, so the home is read
here, once: CARTERA_HOME must be set before `orchestration.definitions` is imported
(`cartera refresh` does; under `dagster dev` it comes from the shell)."""

import hashlib
import json
import os
import shutil
import sys
import tempfile
from functools import cached_property
from importlib import metadata
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from orchestration.config import DBT_PROJECT_DIR, Settings, load_settings
from orchestration.refresh_inputs import dbt_project_digest

# What the last `dbt parse` of a home's target parsed (see `prepare`), beside its manifest;
# and the project state whose unit tests last passed (see `unit_tests_passed`), kept in the
# checkout's own dbt target folder: the unit tests are the project's, not a home's, so a
# new home's first refresh does not repeat them (DECISIONLOG: dbt's fixed costs).
PARSE_RECORD_FILE_NAME = "cartera_parse.json"
UNIT_TESTS_RECORD_FILE_NAME = "cartera_unit_tests.json"
UNIT_TESTS_RECORD_DIR = DBT_PROJECT_DIR / "target"
# The libraries whose version changes how the project parses and what its SQL does.
_DBT_LIBRARIES = ("dbt-core", "dbt-duckdb", "duckdb")
# Parses this checkout made, by project state, each a manifest and dbt's partial parse:
# a new home's first refresh copies one instead of parsing (see `prepare`).
PARSES_DIR = UNIT_TESTS_RECORD_DIR / "parses"
_PARSE_FILES = ("manifest.json", "partial_parse.msgpack")
_PARSES_KEPT = 8

# dagster-dbt runs the `dbt` executable found on PATH; make it the one installed beside
# this interpreter, so `cartera` works from a venv that was never activated.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_VENV_BIN, os.environ.get("PATH", "")])
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")



class CarteraDbtCli(DbtCliResource):
    """dagster-dbt's dbt resource, told dbt's version instead of asking it: dagster-dbt runs
    `dbt --version` once per resource object to learn it, a dbt process (~3 s, its imports)
    before the parse and again before the build of every refresh. The `dbt` it runs is
    this environment's (PATH above), so the installed dbt-core's version is the answer."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(metadata.version("dbt-core"))


dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=load_settings().dbt_target
)
dbt_project.prepare_if_dev()


def set_profile_environment(settings: Settings) -> None:
    """The variables the dbt subprocesses this process starts read when they connect
    (orchestration/dbt_home.py): the build database's home, and the loader's DuckDB cap
    and spill folder."""
    duckdb_config = settings.duckdb_config()
    os.environ["CARTERA_HOME"] = str(settings.home)
    os.environ["CARTERA_DUCKDB_MEMORY_LIMIT"] = duckdb_config["memory_limit"]
    os.environ["CARTERA_DUCKDB_TEMP_DIRECTORY"] = duckdb_config["temp_directory"]


def prepare(dbt_vars: dict[str, str] | None = None) -> None:
    """Makes the manifest in the home's target folder the parse of the project files on
    disk with these vars, and leaves beside it dbt's partial parse, which the build then
    reuses. Nothing is done when the record beside the manifest says it is already that
    parse; a parse this checkout already made for another home is copied (PARSES_DIR);
    else `dbt parse` runs (a dbt process: on the demo ~11 s of CPU from nothing, ~5 s from
    a shared parse of the project before a few files changed) and its result is shared.
    The profile names no home (orchestration/dbt_home.py), so a parse made for one home
    is the parse of any other.

    dagster-dbt's own preparer is not used here: after parsing it marks every seed as
    changed in partial_parse.msgpack (so that a project moved to another folder re-reads
    its seeds' paths), which made every build parse again. A parse here starts from
    nothing instead when the project is not in the folder the last parse recorded."""
    record = project_state(dbt_vars)
    target = dbt_project.target_path
    record_path = target / PARSE_RECORD_FILE_NAME
    recorded = _read_json(record_path)
    if dbt_project.manifest_path.exists() and recorded == record:
        return
    record_path.unlink(missing_ok=True)
    if not copy_shared_parse(record, target):
        if recorded.get("project_dir") != record["project_dir"]:
            (target / "partial_parse.msgpack").unlink(missing_ok=True)
        _start_from_latest_shared_parse(record, target)
        arguments = ["parse", "--quiet"]
        if dbt_vars:
            arguments += ["--vars", json.dumps(dbt_vars)]
        CarteraDbtCli(project_dir=dbt_project).cli(arguments, target_path=target).wait()
        share_parse(record, target)
    record_path.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")


def project_state(dbt_vars: dict[str, str] | None) -> dict:
    """What a parse of the project, and the answer of its unit tests, depend on: where the
    project is and its files, the vars and the versions of dbt and DuckDB. Not the home:
    the profile names none (orchestration/dbt_home.py), and the unit tests run on fixed
    inputs, whatever the build database they run in."""
    return {
        "project_dir": str(DBT_PROJECT_DIR),
        "project": dbt_project_digest(DBT_PROJECT_DIR),
        "vars": dbt_vars or {},
        "versions": {name: metadata.version(name) for name in _DBT_LIBRARIES},
    }


def copy_shared_parse(state: dict, target: Path) -> bool:
    """Copies into `target` the parse this checkout shared for `state`, if any (a home's
    first refresh; the test suite's warehouse builds, tests/dbt/warehouse.py)."""
    shared = PARSES_DIR / _state_key(state)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name in _PARSE_FILES:
            shutil.copyfile(shared / name, target / name)
    except OSError:  # none shared, or pruned while copied: parse
        return False
    return True


def _start_from_latest_shared_parse(state: dict, target: Path) -> None:
    """Gives a target folder without a partial parse the latest one this checkout shared
    with the same vars and versions (dbt parses from nothing when those differ): dbt's
    partial parsing then reads again only the project files that changed since."""
    if (target / "partial_parse.msgpack").exists():
        return
    but_files = {**state, "project": None}
    try:
        shared = [
            path for path in PARSES_DIR.iterdir()
            if not path.name.startswith(".") and {**_read_json(path / PARSE_RECORD_FILE_NAME), "project": None} == but_files
        ]
        latest = max(shared, key=lambda path: path.stat().st_mtime)
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(latest / "partial_parse.msgpack", target / "partial_parse.msgpack")
    except (OSError, ValueError):  # none shared yet (max of nothing), or pruned meanwhile
        pass


def share_parse(state: dict, target: Path) -> None:
    """Offers the parse just made in `target` to the next homes: copied whole into a folder
    of its own, then renamed to the state's name, so that refreshes of several homes never
    read a half-written parse (the first to rename wins; a parse of the same state is the
    same). Only the few latest states are kept. A checkout that cannot be written only
    means the next home parses too."""
    try:
        PARSES_DIR.mkdir(parents=True, exist_ok=True)
        written = Path(tempfile.mkdtemp(dir=PARSES_DIR, prefix=".new-"))
    except OSError:
        return
    try:
        for name in _PARSE_FILES:
            shutil.copyfile(target / name, written / name)
        (written / PARSE_RECORD_FILE_NAME).write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        written.rename(PARSES_DIR / _state_key(state))
    except OSError:  # shared meanwhile by another home's refresh, or nothing to share
        shutil.rmtree(written, ignore_errors=True)
    try:
        shared = sorted(PARSES_DIR.iterdir(), key=lambda path: path.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in shared[_PARSES_KEPT:]:
        shutil.rmtree(old, ignore_errors=True)


def _state_key(state: dict) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def unit_tests_passed(target: Path, state: dict) -> bool:
    """The project's dbt unit tests passed in a build recorded in `target` with this same
    state. They test the SQL on fixed inputs, not the data: their answer changes only with
    the project, so a build repeats them only when the project state changed."""
    return _read_json(target / UNIT_TESTS_RECORD_FILE_NAME) == state


def remember_unit_tests_passed(target: Path, state: dict) -> None:
    """Records that the unit tests passed with `state`, written whole (a temporary file
    renamed) since refreshes of several homes may share `target`. A folder that cannot be
    written only means the next build runs them again."""
    try:
        target.mkdir(parents=True, exist_ok=True)
        written = target / f".{UNIT_TESTS_RECORD_FILE_NAME}.{os.getpid()}"
        written.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
        written.replace(target / UNIT_TESTS_RECORD_FILE_NAME)
    except OSError:
        pass


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
