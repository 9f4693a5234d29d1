"""dbt parses, and runs its unit tests, only when what they depend on changed: the records
`prepare()` and the build keep in the home's dbt target (orchestration/dbt_project.py).
dbt itself is replaced here by a stand-in that writes a manifest; that the real build
reuses the parse is shown on a real refresh in test_unchanged_refresh.py."""

import json
from importlib import metadata
from types import SimpleNamespace

import pytest
from packaging.version import Version

import orchestration.dbt_project as module
from orchestration.dbt_project import (
    PARSE_RECORD_FILE_NAME,
    prepare,
    project_state,
    remember_unit_tests_passed,
    unit_tests_passed,
)


@pytest.fixture
def parses(tmp_path, monkeypatch) -> list[list[str]]:
    """The `dbt` commands prepare() starts, on a target folder of its own."""
    target = tmp_path / "target"
    monkeypatch.setattr(module, "dbt_project", SimpleNamespace(target_path=target, manifest_path=target / "manifest.json"))
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    started = []

    class Dbt:
        def __init__(self, project_dir):
            pass

        def cli(self, arguments, target_path):
            started.append(list(arguments))
            target_path.mkdir(parents=True, exist_ok=True)
            (target_path / "manifest.json").write_text("{}", encoding="utf-8")
            return self

        def wait(self):
            return self

    monkeypatch.setattr(module, "CarteraDbtCli", Dbt)
    return started


def test_a_second_prepare_with_nothing_changed_starts_no_dbt(parses):
    prepare({"reporting_currency": "EUR"})
    prepare({"reporting_currency": "EUR"})

    assert parses == [["parse", "--quiet", "--vars", '{"reporting_currency": "EUR"}']]


def test_other_vars_or_profile_variables_parse_again(parses, monkeypatch, tmp_path):
    prepare({"reporting_currency": "EUR"})
    prepare({"reporting_currency": "USD"})
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "2GB")
    prepare({"reporting_currency": "USD"})

    assert len(parses) == 3


def test_a_project_moved_elsewhere_is_parsed_from_nothing(parses, tmp_path):
    """dbt's saved partial parse keeps the seeds' absolute paths: kept, it would load the
    seed from the old folder."""
    prepare({"reporting_currency": "EUR"})
    target = tmp_path / "target"
    record = json.loads((target / PARSE_RECORD_FILE_NAME).read_text(encoding="utf-8"))
    (target / PARSE_RECORD_FILE_NAME).write_text(json.dumps({**record, "project_dir": "/elsewhere/dbt_project"}), encoding="utf-8")
    (target / "partial_parse.msgpack").write_bytes(b"saved parse")

    prepare({"reporting_currency": "EUR"})

    assert len(parses) == 2
    assert not (target / "partial_parse.msgpack").exists()


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
