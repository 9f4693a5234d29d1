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
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.config import load_settings
from orchestration.refresh import _check_results
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
    is emptied, and in the first model (by test id) with two columns or more and three rows
    or more its first column in two more rows: each test then fails once per empty value,
    its failing rows naming every column; a test on a model without rows passes. The
    refresh's sentence of each failed test names every emptied column with its own count
    (3 for that first column, 1 for each other one)."""
    home = tmp_path
    copy = home / "build" / "cartera.duckdb"
    copy.parent.mkdir()
    shutil.copy(demo_home / "build" / "cartera.duckdb", copy)
    expected: dict[str, dict[str, int]] = {}
    with duckdb.connect(str(copy)) as conn:
        for test in sorted(not_null_columns_tests(manifest), key=lambda test: test["unique_id"]):
            model = manifest["nodes"][test["attached_node"]]
            columns = test["test_metadata"]["kwargs"]["columns"]
            relation = model["relation_name"]
            emptied = conn.execute(
                f"update {relation} set {', '.join(f'{column} = null' for column in columns)} "
                f"where rowid = (select min(rowid) from {relation})"
            ).fetchone()[0]
            expected[test["unique_id"]] = dict.fromkeys(columns, 1) if emptied else {}
            rows = conn.execute(f"select count(*) from {relation}").fetchone()[0]
            if len(columns) >= 2 and rows >= 3 and not any(3 in counts.values() for counts in expected.values()):
                conn.execute(
                    f"update {relation} set {columns[0]} = null "
                    f"where rowid in (select rowid from {relation} where {columns[0]} is not null order by rowid limit 2)"
                )
                expected[test["unique_id"]][columns[0]] = 3
    assert sum(bool(counts) for counts in expected.values()) >= 0.9 * len(expected)  # the demo fills nearly every model
    assert sum(3 in counts.values() for counts in expected.values()) == 1

    # The demo refresh's parse, reused (same vars): the profile names no home.
    settings = load_settings(home)
    settings.dbt_target.mkdir(parents=True)
    shutil.copy(demo_home / "dbt" / "target" / "partial_parse.msgpack", settings.dbt_target)
    started = datetime.now().astimezone()
    result = subprocess.run(
        [
            str(DBT), "test", "--select", "test_name:not_null_columns", "--vars", json.dumps(load_settings(demo_home).dbt_vars()),
            "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
            "--target-path", str(settings.dbt_target), "--log-path", str(home / "dbt_logs"),
        ],
        env={**os.environ, "CARTERA_HOME": str(home), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    results = json.loads((settings.dbt_target / "run_results.json").read_text(encoding="utf-8"))["results"]

    outcomes, named = {}, {}
    with duckdb.connect(str(copy), read_only=True) as conn:
        for run in results:
            outcomes[run["unique_id"]] = (run["status"], run["failures"])
            rows = conn.execute(f"select empty_column from ({run['compiled_code']})").fetchall()
            named[run["unique_id"]] = sorted(column for (column,) in rows)
    assert outcomes == {
        unique_id: ("fail", sum(counts.values())) if counts else ("pass", 0) for unique_id, counts in expected.items()
    }
    assert named == {
        unique_id: sorted(column for column, count in counts.items() for _ in range(count))
        for unique_id, counts in expected.items()
    }

    # What the refresh says of each failed test: every emptied column, each with its count.
    sentences = {check.check: render(check.description, "en") for check in _check_results(settings, [], since=started) if not check.passed}
    for unique_id, counts in expected.items():
        if not counts:
            continue
        test = manifest["nodes"][unique_id]
        model = manifest["nodes"][test["attached_node"]]["name"]
        parts = [f"{count} value{'' if count == 1 else 's'} of {column}" for column, count in counts.items()]
        listed = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        verb = "is" if list(counts.values()) == [1] else "are"
        assert sentences[test["name"]].startswith(f"{listed} {verb} empty in {model}: "), sentences[test["name"]]
    assert len(sentences) == sum(bool(counts) for counts in expected.values())
    (three,) = [sentences[manifest["nodes"][unique_id]["name"]] for unique_id, counts in expected.items() if 3 in counts.values()]
    assert three.startswith("3 values of ") and " and 1 value of " in three
