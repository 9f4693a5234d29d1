"""`cartera refresh` with nothing new does nothing and says so; what changed makes it run.
On one copy of the refreshed demo home (its refresh left the record of its inputs), with
the Great Expectations checks on as that refresh had them (a setting that changes is a
change). Which change counts is tested on its own in test_refresh_inputs.py."""

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

import orchestration.refresh
from dashboards.app_state import add_user, open_store, record_decision
from dashboards.i18n.messages import render
from dashboards.app_state.settings import StoreSettings
from orchestration.cli import main
from tests.app_state.conftest import CHEAP_ARGON2, SHELL
from tests.e2e.conftest import CARTERA, REPO, refresh_env, run_refresh


@pytest.fixture(scope="module")
def home(demo_home, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("unchanged") / "home"
    shutil.copytree(demo_home, copy)
    return copy


def history(home: Path) -> list[dict]:
    return [json.loads(line) for line in (home / "refresh_history.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_refresh_with_nothing_new_does_nothing_and_says_so(home):
    published = (home / "cartera.duckdb").stat()
    last = history(home)[-1]

    result = run_refresh(home, gx_checks=True)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("nothing to refresh: the inbox (0 files), the dbt project, cartera's code, the settings,")
    assert f"as of {last['as_of_date']} is current" in lines[0]
    assert (home / "cartera.duckdb").stat().st_mtime_ns == published.st_mtime_ns
    entry = history(home)[-1]
    assert (entry["outcome"], entry["exit_code"], entry["run_id"], entry["files"], entry["checks"]) == ("unchanged", 0, "", [], [])
    assert entry["as_of_date"] == last["as_of_date"]
    assert render(entry["message"], "en") == lines[0]


def test_nothing_to_refresh_is_said_in_cartera_language_and_stored_as_a_message(home):
    """CARTERA_LANGUAGE=es: the line in Spanish; the history keeps the message, which the
    English reader words as the English line."""
    result = subprocess.run(
        [str(CARTERA), "refresh", "--home", str(home)],
        cwd=REPO, env={**refresh_env(home, gx_checks=True), "CARTERA_LANGUAGE": "es"}, capture_output=True, text=True, timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        "nada que actualizar: la carpeta inbox (0 ficheros), el proyecto dbt, el código de cartera, la configuración, "
        "las decisiones del comité, los ficheros del almacén están como en la actualización del "
    )
    assert line.endswith(f"el almacén publicado {home / 'cartera.duckdb'} a {history(home)[-1]['as_of_date']} está al día (--force actualiza de todos modos)")
    entry = history(home)[-1]
    assert entry["message"]["key"] == "refresh.unchanged"
    assert render(entry["message"], "en").startswith("nothing to refresh: the inbox (0 files), the dbt project, cartera's code,")


def test_a_new_committee_decision_makes_the_next_refresh_run_and_publish_it(home, tmp_path):
    """The decision is in the published warehouse after the refresh; the refresh after
    that finds nothing new again. Only the decisions changed, so the refresh rebuilt only
    what reads them (orchestration/refresh_selection.py), and its warehouse is, table for
    table, the one a full rebuild (--force) gives; its history still lists every check."""
    before = next(run for run in reversed(history(home)) if run["outcome"] == "published")
    store = open_store(settings=StoreSettings(url=f"sqlite:///{home / 'app.sqlite'}", **CHEAP_ARGON2))
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    record_decision(store, "comite", "C0001", "raise", Decimal("20000.00"), "EUR", "dos años pagando a tiempo", date(2027, 6, 1), date(2026, 11, 1))
    store.close()

    result = run_refresh(home, gx_checks=True)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "nothing to refresh" not in result.stdout
    assert result.stdout.splitlines()[1].startswith(
        "only the committee's decisions changed since the refresh of "
        f"{before['finished_at'][:16].replace('T', ' ')}: 9 of "
    )
    run_results = json.loads((home / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8"))
    built = {node["unique_id"].split(".")[-1] for node in run_results["results"] if node["unique_id"].startswith("model.")}
    # The demo's build database is far under half of DuckDB's cap: two models at a time.
    assert run_results["args"]["threads"] == 2
    assert built == {
        "stg_app__credit_decisions", "int_client_credit_decisions", "int_client_credit_positions",
        "int_client_credit_breaches", "credit_limits", "credit_decision_history", "clients_al_dia", "source_freshness",
    }
    entry = history(home)[-1]
    assert entry["outcome"] == "published"
    checked = {(check["asset"], check["check"]) for check in entry["checks"]}
    assert checked == {(check["asset"], check["check"]) for check in before["checks"]}
    assert len(checked) > 200
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as conn:
        decisions = conn.execute("select client_id, decision, credit_limit_amount from marts.credit_decision_history").fetchall()
    assert decisions == [("C0001", "raise", Decimal("20000.00"))]

    again = run_refresh(home, gx_checks=True)
    assert again.returncode == 0
    assert again.stdout.startswith("nothing to refresh")

    partial = tmp_path / "partial.duckdb"
    shutil.copy(home / "cartera.duckdb", partial)
    # The rebuild one model at a time, as a large warehouse builds (Settings.dbt_threads_for).
    forced = subprocess.run(
        [str(CARTERA), "refresh", "--home", str(home), "--force"], cwd=REPO,
        env=refresh_env(home, gx_checks=True) | {"CARTERA_DBT_THREADS": "1"}, capture_output=True, text=True, timeout=900,
    )
    assert forced.returncode == 0, forced.stdout[-4000:] + forced.stderr[-4000:]
    assert "only the" not in forced.stdout
    assert json.loads((home / "dbt" / "target" / "run_results.json").read_text(encoding="utf-8"))["args"]["threads"] == 1
    # The same rows everywhere but the builds' record, one build more (orchestration/builds.py).
    assert tables_differing(partial, home / "cartera.duckdb") == ["raw.dbt_builds"]


# Kept tables part of whose rows every build computes again: the as-of marts' open
# documents (their days past due move with the date), the cash application's lines
# nobody registered (the open documents they are shared among move), the reconciliation's
# unregistered lines and unmatched transfers (the statements' coverage, the days unseen),
# the ledger's and the reductions' withholdings (their staging model is computed whole).
RECOMPUTED_EVERY_BUILD = {
    "marts.fct_installments", "marts.fct_documents", "marts.cash_application", "marts.bank_reconciliation",
    "intermediate.int_ar_ledger", "intermediate.int_document_reductions",
}


def tables_differing(left: Path, right: Path) -> list[str]:
    """The tables of two warehouses whose rows differ (as multisets), or that one lacks.
    The kept tables part of whose rows every build computes again (RECOMPUTED_EVERY_BUILD)
    have those rows' positions (_read_through_file_id, when a row was computed) move:
    left out there. Every other kept table must keep its rows' positions when nothing new
    came (a kept model reading again what it has is a defect)."""
    with duckdb.connect() as conn:
        conn.execute(f"attach '{left}' as l (read_only)")
        conn.execute(f"attach '{right}' as r (read_only)")
        tables = {
            name: set(conn.execute(
                "select schema_name || '.' || table_name from duckdb_tables() where database_name = ?", [name]
            ).fetchall())
            for name in ("l", "r")
        }
        differing = sorted(table for (table,) in tables["l"] ^ tables["r"])
        for (table,) in sorted(tables["l"] & tables["r"]):
            columns = "* exclude (_read_through_file_id)" if table in RECOMPUTED_EVERY_BUILD else "*"
            rows = conn.execute(
                f"select count(*) from ((select {columns} from l.{table} except all select {columns} from r.{table}) "
                f"union all (select {columns} from r.{table} except all select {columns} from l.{table}))"
            ).fetchall()[0][0]
            if rows:
                differing.append(table)
    assert len(tables["l"]) > 80
    return differing


def test_force_refreshes_anyway(home, monkeypatch, capsys):
    ran = []
    monkeypatch.setattr(orchestration.refresh, "_refresh", lambda settings, *_: ran.append(settings.home) or 0)
    for name, value in refresh_env(home, gx_checks=True).items():
        if name.startswith("CARTERA_"):
            monkeypatch.setenv(name, value)

    assert main(["refresh", "--home", str(home)]) == 0
    assert ran == []
    assert capsys.readouterr().out.startswith("nothing to refresh")
    assert main(["refresh", "--home", str(home), "--force"]) == 0
    assert ran == [home]


def test_the_build_reused_the_parse_before_it(home):
    """dbt's log of the last refresh's `dbt build`: its partial parsing found nothing to
    parse again (the seed is no longer seen as changed, the profile's variables are those
    of the parse), so dbt parsed once in that refresh."""
    events = []
    for log in sorted((home / "dbt" / "target").glob("dbt.log*"), reverse=True):  # dbt.log.1 is the older
        events += [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    builds = [
        event["info"]["invocation_id"] for event in events
        if event["info"]["name"] == "MainReportArgs" and event["data"]["args"]["invocation_command"].startswith("dbt build")
    ]
    names = [event["info"]["name"] for event in events if event["info"]["invocation_id"] == builds[-1]]
    assert "PartialParsingEnabled" in names
    assert "UnableToPartialParse" not in names
    assert "PartialParsingFile" not in names  # no file parsed again, the seed neither
