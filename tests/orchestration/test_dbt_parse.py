"""dbt parses, and runs its unit tests, only when what they depend on changed: the records
`prepare()` and the build keep in the home's dbt target (orchestration/dbt_project.py),
and the parses a checkout shares with its next homes. dbt itself is replaced here by a
stand-in that writes a manifest, except in the last test, which shows on the real project
that a parse made for one home is dbt's own partial parse for another; that the real
build reuses the parse is shown on a real refresh in test_unchanged_refresh.py."""

import json
import os
import shutil
import subprocess
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

from dagster_dbt import DbtProject

import pytest
from packaging.version import Version

import orchestration.dbt_project as module
from orchestration.config import DBT_PROJECT_DIR
from orchestration.dbt_project import (
    PARSE_RECORD_FILE_NAME,
    prepare,
    project_state,
    remember_unit_tests_passed,
    unit_tests_passed,
)


def use_home(monkeypatch, home: Path) -> Path:
    """Makes `home` the home prepare() works for; returns its dbt target folder."""
    target = home / "target"
    monkeypatch.setattr(module, "dbt_project", SimpleNamespace(target_path=target, manifest_path=target / "manifest.json"))
    monkeypatch.setenv("CARTERA_HOME", str(home))
    return target


@pytest.fixture
def parses(tmp_path, monkeypatch) -> list[list[str]]:
    """The `dbt` commands prepare() starts, on a target folder of its own, with the parses
    shared in a folder of the test's."""
    use_home(monkeypatch, tmp_path)
    monkeypatch.setattr(module, "PARSES_DIR", tmp_path / "shared_parses")
    started = []

    class Dbt:
        def __init__(self, project_dir):
            pass

        def cli(self, arguments, target_path):
            started.append(list(arguments))
            target_path.mkdir(parents=True, exist_ok=True)
            saved = target_path / "partial_parse.msgpack"
            # dbt starts from the partial parse it finds in the target folder, if any.
            started_from = saved.read_text(encoding="utf-8") if saved.exists() else None
            manifest = {"parse": len(started), "started_from": started_from}
            (target_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
            saved.write_text(f"partial parse {len(started)}", encoding="utf-8")
            return self

        def wait(self):
            return self

    monkeypatch.setattr(module, "CarteraDbtCli", Dbt)
    return started


def test_a_second_prepare_with_nothing_changed_starts_no_dbt(parses):
    prepare({"reporting_currency": "EUR"})
    prepare({"reporting_currency": "EUR"})

    assert parses == [["parse", "--quiet", "--vars", '{"reporting_currency": "EUR"}']]


def test_other_vars_parse_again_the_memory_settings_do_not(parses, monkeypatch, tmp_path):
    prepare({"reporting_currency": "EUR"})
    prepare({"reporting_currency": "USD"})
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "2GB")
    prepare({"reporting_currency": "USD"})

    assert len(parses) == 2


def test_a_new_home_copies_the_parse_another_home_made_and_starts_no_dbt(parses, monkeypatch, tmp_path):
    """Both files dbt needs to reuse a parse: the manifest Dagster defines its assets from
    and dbt's partial parse, which the build loads."""
    first = use_home(monkeypatch, tmp_path / "first_home")
    prepare({"reporting_currency": "EUR"})

    second = use_home(monkeypatch, tmp_path / "second_home")
    prepare({"reporting_currency": "EUR"})
    prepare({"reporting_currency": "EUR"})

    assert len(parses) == 1
    for name in ("manifest.json", "partial_parse.msgpack", PARSE_RECORD_FILE_NAME):
        assert (second / name).read_bytes() == (first / name).read_bytes()
    assert len(list((tmp_path / "shared_parses").iterdir())) == 1  # one parse, no half-written copy left


def test_a_changed_project_file_is_parsed_again_even_in_a_new_home(parses, monkeypatch, tmp_path):
    """The shared parse is found by the project's files: a new home never gets the parse
    of files that have changed since. Its dbt starts from the latest parse shared, so that
    dbt's partial parsing reads again only the files that changed."""
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: cartera\n", encoding="utf-8")
    (project / "models" / "ar_aging.sql").write_text("select 1 as client_id", encoding="utf-8")
    monkeypatch.setattr(module, "DBT_PROJECT_DIR", project)
    use_home(monkeypatch, tmp_path / "first_home")
    prepare({"reporting_currency": "EUR"})

    (project / "models" / "ar_aging.sql").write_text("select 2 as client_id", encoding="utf-8")
    second = use_home(monkeypatch, tmp_path / "second_home")
    prepare({"reporting_currency": "EUR"})

    assert len(parses) == 2
    assert json.loads((second / "manifest.json").read_text(encoding="utf-8")) == {"parse": 2, "started_from": "partial parse 1"}


def test_a_new_home_starts_only_from_a_shared_parse_with_its_own_vars(parses, monkeypatch, tmp_path):
    """dbt parses from nothing when the vars differ: a parse with other vars is no start."""
    use_home(monkeypatch, tmp_path / "first_home")
    prepare({"reporting_currency": "EUR"})
    use_home(monkeypatch, tmp_path / "second_home")
    prepare({"reporting_currency": "USD"})
    (tmp_path / "shared_parses" / module._state_key(module.project_state({"reporting_currency": "EUR"}))).touch()

    third = use_home(monkeypatch, tmp_path / "third_home")
    prepare({"reporting_currency": "USD", "as_of_date": "2026-11-01"})
    fourth = use_home(monkeypatch, tmp_path / "fourth_home")
    monkeypatch.setattr(module, "dbt_project_digest", lambda root: "the project after a change")
    prepare({"reporting_currency": "USD"})

    assert json.loads((third / "manifest.json").read_text(encoding="utf-8")) == {"parse": 3, "started_from": None}
    assert json.loads((fourth / "manifest.json").read_text(encoding="utf-8")) == {"parse": 4, "started_from": "partial parse 2"}


def test_only_the_latest_shared_parses_are_kept(parses, monkeypatch, tmp_path):
    for day in range(module._PARSES_KEPT + 3):
        prepare({"reporting_currency": "EUR", "as_of_date": f"2026-11-{day + 1:02d}"})

    assert len(parses) == module._PARSES_KEPT + 3
    assert len(list((tmp_path / "shared_parses").iterdir())) == module._PARSES_KEPT


def test_a_project_moved_elsewhere_is_parsed_from_nothing(parses, tmp_path):
    """dbt's saved partial parse keeps the seeds' absolute paths: kept, it would load the
    seed from the old folder."""
    prepare({"reporting_currency": "EUR"})
    target = tmp_path / "target"
    record = json.loads((target / PARSE_RECORD_FILE_NAME).read_text(encoding="utf-8"))
    (target / PARSE_RECORD_FILE_NAME).write_text(json.dumps({**record, "project_dir": "/elsewhere/dbt_project"}), encoding="utf-8")
    (target / "partial_parse.msgpack").write_text("saved parse elsewhere", encoding="utf-8")
    shutil.rmtree(tmp_path / "shared_parses")  # nor shared by this checkout

    prepare({"reporting_currency": "EUR"})

    assert len(parses) == 2
    assert json.loads((target / "manifest.json").read_text(encoding="utf-8")) == {"parse": 2, "started_from": None}


def test_unit_tests_run_again_only_when_the_project_state_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    state = project_state({"reporting_currency": "EUR"})
    assert not unit_tests_passed(tmp_path, state)

    remember_unit_tests_passed(tmp_path, state)

    assert unit_tests_passed(tmp_path, project_state({"reporting_currency": "EUR"}))
    assert not unit_tests_passed(tmp_path, project_state({"reporting_currency": "USD"}))


def test_dbts_version_is_known_without_starting_dbt(monkeypatch):
    """dagster-dbt asks `dbt --version` (a dbt process, ~3 s) before the first command of
    each resource object: twice a refresh. The resource the refresh uses knows it."""
    import dagster_dbt.core.resource as dagster_dbt_resource

    def no_process(command, *args, **kwargs):
        raise AssertionError(f"started {command}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_process)

    dbt = module.CarteraDbtCli(project_dir=module.dbt_project)

    assert dbt._cli_version == Version(metadata.version("dbt-core"))
    assert dbt._cli_version.major == 1  # the dbt-core CLI, not the fusion engine


def test_a_parse_made_for_one_home_is_dbts_partial_parse_for_another(tmp_path, monkeypatch):
    """The real project, parsed by dbt for a first home, copied for a second: dbt, started
    in the second home, finds nothing to parse again (the profile names no home,
    orchestration/dbt_home.py), and the manifest the second home's Dagster assets are
    defined from is the parse of the project files on disk: every model file is a node."""
    monkeypatch.setattr(module, "PARSES_DIR", tmp_path / "shared_parses")
    homes = {}
    for name in ("first_home", "second_home"):
        home = tmp_path / name
        monkeypatch.setenv("CARTERA_HOME", str(home))
        project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=home / "dbt" / "target")
        monkeypatch.setattr(module, "dbt_project", project)
        prepare({"reporting_currency": "EUR"})
        homes[name] = project.target_path

    reparse = subprocess.run(
        [
            str(Path(module.sys.executable).parent / "dbt"), "parse", "--vars", json.dumps({"reporting_currency": "EUR"}),
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--target-path", str(homes["second_home"]), "--log-path", str(tmp_path / "logs"),
        ],
        env={**os.environ, "CARTERA_HOME": str(tmp_path / "second_home"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True, text=True, timeout=300,
    )
    assert reparse.returncode == 0, reparse.stdout[-3000:]
    assert "partial parsing" not in reparse.stdout.lower() and "full parse" not in reparse.stdout.lower(), reparse.stdout

    manifest = json.loads((homes["second_home"] / "manifest.json").read_text(encoding="utf-8"))
    model_files = {path.relative_to(DBT_PROJECT_DIR).as_posix() for path in (DBT_PROJECT_DIR / "models").rglob("*.sql")}
    parsed = {node["original_file_path"] for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    assert parsed == model_files


def test_homes_sharing_the_same_parse_at_once_leave_one_whole_copy(tmp_path, monkeypatch):
    """Refreshes of several homes from one checkout (the test suite's) may finish the same
    parse together: each offers it, one copy is kept whole, nothing half-written stays."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(module, "PARSES_DIR", tmp_path / "shared_parses")
    state = {"project": "same files", "vars": {"reporting_currency": "EUR"}}
    targets = []
    for home in range(6):
        target = tmp_path / f"home_{home}" / "target"
        target.mkdir(parents=True)
        (target / "manifest.json").write_text('{"nodes": {}}', encoding="utf-8")
        (target / "partial_parse.msgpack").write_bytes(b"dbt's partial parse" * 100_000)
        targets.append(target)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda target: module.share_parse(state, target), targets))

    (shared,) = (tmp_path / "shared_parses").iterdir()
    assert not shared.name.startswith(".")
    new_home = tmp_path / "new_home" / "target"
    assert module.copy_shared_parse(state, new_home)
    assert (new_home / "partial_parse.msgpack").read_bytes() == b"dbt's partial parse" * 100_000
    assert (new_home / "manifest.json").read_text(encoding="utf-8") == '{"nodes": {}}'
