"""The dbt unit tests' record is the checkout's (orchestration/dbt_project.py): they test
the SQL on fixed inputs, so a second home's first refresh does not run them again, while
a change of the vars (or of the project, or dbt's version) does."""

from orchestration.dbt_project import (
    project_state,
    remember_unit_tests_passed,
    unit_tests_passed,
)


def test_a_new_home_reuses_the_unit_tests_another_home_passed(tmp_path, monkeypatch):
    record = tmp_path / "not_yet_made"
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path / "home_a"))
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "80%")
    remember_unit_tests_passed(record, project_state({"reporting_currency": "EUR"}))

    monkeypatch.setenv("CARTERA_HOME", str(tmp_path / "home_b"))
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "2GB")
    assert unit_tests_passed(record, project_state({"reporting_currency": "EUR"}))
    assert not unit_tests_passed(record, project_state({"reporting_currency": "USD"}))
    assert not unit_tests_passed(tmp_path / "elsewhere", project_state({"reporting_currency": "EUR"}))
    assert [path.name for path in record.iterdir()] == ["cartera_unit_tests.json"]


def test_a_folder_that_cannot_be_written_only_means_running_them_again(tmp_path):
    blocked = tmp_path / "a_file"
    blocked.write_text("", encoding="utf-8")
    remember_unit_tests_passed(blocked / "target", project_state({}))
    assert not unit_tests_passed(blocked / "target", project_state({}))
