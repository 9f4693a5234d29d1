"""The folded not-null test (macros/tests/not_null_columns.sql, DECISIONLOG: dbt nodes):
one test per model names the columns that must never be empty, where there was one
`not_null` test per column. No column lost its guard in the fold, and each test fails on an
empty value in any of its columns, naming the column.

required_columns.csv lists every column the project guarantees filled: the 200 columns that
had a `not_null` test each before the fold. A column leaves it only on purpose."""

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from orchestration.config import load_settings
from tests.dbt.warehouse import DBT, DBT_PROJECT

REQUIRED_COLUMNS = Path(__file__).with_name("required_columns.csv")


@pytest.fixture(scope="module")
def manifest(demo_home) -> dict:
    """The manifest of the demo's refresh: the project as it is (the refresh parses it)."""
    return json.loads((demo_home / "dbt" / "target" / "manifest.json").read_text(encoding="utf-8"))


def not_null_columns_tests(manifest: dict) -> list[dict]:
    return [node for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") == "not_null_columns"]


def test_every_required_column_keeps_a_not_null_test(manifest):
    with REQUIRED_COLUMNS.open(encoding="utf-8") as file:
        required = {(row["model"], row["column"]) for row in csv.DictReader(file)}
    covered = set()
    for node in manifest["nodes"].values():
        kind, kwargs = (node.get("test_metadata") or {}).get("name"), (node.get("test_metadata") or {}).get("kwargs") or {}
        model = manifest["nodes"].get(node.get("attached_node") or "", {}).get("name")
        if kind == "not_null_columns":
            covered |= {(model, column) for column in kwargs["columns"]}
        elif kind == "not_null":
            covered.add((model, kwargs["column_name"]))

    assert len(required) == 200
    assert sorted(required - covered) == []


def test_every_listed_column_is_a_documented_column_of_its_model(manifest):
    """A misspelt column would make its test fail on a binder error at build time; here it
    is named at once."""
    tests = not_null_columns_tests(manifest)
    assert len(tests) > 50
    undocumented = [
        (test["name"], column)
        for test in tests
        for column in test["test_metadata"]["kwargs"]["columns"]
        if column not in manifest["nodes"][test["attached_node"]]["columns"]
    ]
    assert undocumented == []


def test_each_folded_test_fails_on_an_empty_value_in_any_of_its_columns_and_names_it(demo_home, manifest, tmp_path):
    """In a copy of the demo's build database every listed column of one row of each model
    is emptied: each test then fails once per listed column (one failing row per empty
    value), its failing rows naming every column; a test on a model without rows passes."""
    copy = tmp_path / "build" / "cartera.duckdb"
    copy.parent.mkdir()
    shutil.copy(demo_home / "build" / "cartera.duckdb", copy)
    expected = {}
    with duckdb.connect(str(copy)) as conn:
        for test in not_null_columns_tests(manifest):
            model = manifest["nodes"][test["attached_node"]]
            columns = test["test_metadata"]["kwargs"]["columns"]
            relation = model["relation_name"]
            emptied = conn.execute(
                f"update {relation} set {', '.join(f'{column} = null' for column in columns)} "
                f"where rowid = (select min(rowid) from {relation})"
            ).fetchone()[0]
            expected[test["unique_id"]] = (columns if emptied else [])
    assert sum(bool(columns) for columns in expected.values()) >= 0.9 * len(expected)  # the demo fills nearly every model

    # The demo refresh's parse, reused (same vars): the profile names no home.
    (tmp_path / "dbt_target").mkdir()
    shutil.copy(demo_home / "dbt" / "target" / "partial_parse.msgpack", tmp_path / "dbt_target")
    result = subprocess.run(
        [
            str(DBT), "test", "--select", "test_name:not_null_columns", "--vars", json.dumps(load_settings(demo_home).dbt_vars()),
            "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(tmp_path / "dbt_target"), "--log-path", str(tmp_path / "dbt_logs"),
        ],
        env={**os.environ, "CARTERA_HOME": str(tmp_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    results = json.loads((tmp_path / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))["results"]

    outcomes, named = {}, {}
    with duckdb.connect(str(copy), read_only=True) as conn:
        for run in results:
            outcomes[run["unique_id"]] = (run["status"], run["failures"])
            rows = conn.execute(f"select empty_column from ({run['compiled_code']})").fetchall()
            named[run["unique_id"]] = sorted(column for (column,) in rows)
    assert outcomes == {
        unique_id: ("fail", len(columns)) if columns else ("pass", 0) for unique_id, columns in expected.items()
    }
    assert named == {unique_id: sorted(columns) for unique_id, columns in expected.items()}
