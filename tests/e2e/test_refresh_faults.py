"""Refreshes that fail, crash and overlap, end to end through `cartera refresh` on the
small aging fixture (tests/fixtures/aging_inbox, as of 2025-06-30: open balance 2,084.00;
see test_aging_fixture.py). Two homes are refreshed side by side to keep the wall time
down; each step's refreshes run in parallel.

A mart's fingerprint is the sha256 of its rows sorted; "the same marts" means every mart
of the published file has the same fingerprint.
"""

import hashlib
import json
import os
import signal
import subprocess
import threading
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.e2e.conftest import CARTERA, REPO, fill_inbox, refresh_env, start_refresh

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
AS_OF = ("--as-of", "2025-06-30")
# As of 2025-05-31 (test_aging_fixture.py): C1 589.00 + C2 1,000.00 = 1,589.00.
VERSIONS = {"2025-06-30": D("2084.00"), "2025-05-31": D("1589.00")}
# One more receipt for C2, nothing allocated: 200.00 of unapplied cash.
LATE_RECEIPT = ("receipts_2025-06-25.csv", "receipt_id,client_id,date,currency,amount,method,reference\nR3,C2,2025-06-25,EUR,200.00,transfer,\n")
BAD_DOCUMENTS = ("documents_bad.csv", "document_id,type\nX1,invoice\n")


def mart_fingerprints(database: Path) -> dict[str, str]:
    with duckdb.connect(str(database), read_only=True) as conn:
        names = [row[0] for row in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        ).fetchall()]
        return {
            name: hashlib.sha256(repr(conn.execute(f'select * from marts."{name}" order by all').fetchall()).encode()).hexdigest()
            for name in names
        }


def finish(process: subprocess.Popen) -> tuple[int, str]:
    output = process.stdout.read()
    return process.wait(timeout=900), output


def run_together(*runs: tuple[Path, tuple[str, ...]]) -> list[tuple[int, str]]:
    """Refreshes started at the same moment, waited for together."""
    processes = [start_refresh(home, *extra) for home, extra in runs]
    return [finish(process) for process in processes]


def kill_when(home: Path, marker: str) -> str:
    """Starts a refresh and SIGKILLs it (with the dbt process it may be running) as soon
    as `marker` appears in its output; returns the output up to there."""
    process = start_refresh(home, *AS_OF)
    seen = []
    for line in process.stdout:
        seen.append(line)
        if marker in line:
            os.killpg(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=900)
    output = "".join(seen)
    assert process.returncode == -signal.SIGKILL, f"{marker!r} never appeared:\n{output[-3000:]}"
    return output


def history(home: Path) -> list[dict]:
    return [json.loads(line) for line in (home / "refresh_history.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    """Homes A and B, same inbox, refreshed at the same moment from one checkout."""
    a, b = tmp_path_factory.mktemp("home_a"), tmp_path_factory.mktemp("home_b")
    for home in (a, b):
        fill_inbox(home, FIXTURE)
    first = run_together((a, AS_OF), (b, AS_OF))
    return a, b, first


def test_two_refreshes_on_two_homes_at_once_both_publish(homes):
    """Each home parses and builds in its own dbt target, so neither waits on the other's
    manifest lock, and both publish the same marts."""
    a, b, first = homes
    for code, output in first:
        assert code == 0, output[-4000:]
        assert "Traceback" not in output and "concurrent-update-lock" not in output
    assert (a / "dbt" / "target" / "manifest.json").exists() and (b / "dbt" / "target" / "manifest.json").exists()
    assert mart_fingerprints(a / "cartera.duckdb") == mart_fingerprints(b / "cartera.duckdb")


@pytest.fixture(scope="module")
def repeated(homes):
    """A: the same inbox dropped twice more, a second `cartera refresh` on A started while the
    first runs. B: as of 2025-05-31 with a bad file, then 2025-06-30 again, while a reader
    queries B's published file in a loop."""
    a, b, _ = homes
    reference = mart_fingerprints(a / "cartera.duckdb")
    sizes = [(a / "cartera.duckdb").stat().st_size]
    reader = PublishedReader(b / "cartera.duckdb")
    reader.start()
    # A loaded file moves to inbox/loaded/<day>/: the same exports are dropped again.
    for home in (a, b):
        fill_inbox(home, FIXTURE)
    (b / "inbox" / BAD_DOCUMENTS[0]).write_text(BAD_DOCUMENTS[1], encoding="utf-8")
    second_a = start_refresh(a, *AS_OF)
    second_b = start_refresh(b, "--as-of", "2025-05-31")
    for line in second_a.stdout:
        if "running " in line:  # A's refresh holds the lock now
            break
    locked_out = subprocess.run(
        [str(CARTERA), "refresh", "--home", str(a), *AS_OF],
        cwd=REPO, env=refresh_env(a), capture_output=True, text=True, timeout=600,
    )
    second = [finish(second_a), finish(second_b)]
    fingerprints = [mart_fingerprints(a / "cartera.duckdb")]
    sizes.append((a / "cartera.duckdb").stat().st_size)
    for home in (a, b):
        fill_inbox(home, FIXTURE)
    third = run_together((a, AS_OF), (b, AS_OF))
    reader.stop()
    fingerprints.append(mart_fingerprints(a / "cartera.duckdb"))
    sizes.append((a / "cartera.duckdb").stat().st_size)
    return {
        "reference": reference, "fingerprints": fingerprints, "sizes": sizes, "second": second,
        "third": third, "locked_out": locked_out, "reader": reader,
    }


def test_the_same_inbox_three_times_gives_identical_marts_and_size(homes, repeated):
    """Three refreshes of A on one inbox: every mart's rows are the same, the published
    file keeps its size (a compact copy, not the build file with its free blocks), and
    the later runs say they skipped the 7 files already loaded."""
    a = homes[0]
    assert repeated["second"][0][0] == 0 and repeated["third"][0][0] == 0, repeated["second"][0][1][-3000:]
    assert repeated["fingerprints"] == [repeated["reference"], repeated["reference"]]
    assert max(repeated["sizes"]) - min(repeated["sizes"]) <= 64 * 1024, repeated["sizes"]
    assert "skipped 7 file(s) already loaded" in repeated["third"][0][1]
    assert [(run["outcome"], run["exit_code"]) for run in history(a)] == [("published", 0)] * 3


def test_a_second_refresh_of_the_same_home_says_so_and_writes_nothing(homes, repeated):
    locked_out = repeated["locked_out"]
    assert locked_out.returncode == 1, locked_out.stdout + locked_out.stderr
    assert f"refresh not started: another refresh is running on {homes[0]} (pid " in locked_out.stdout
    assert "Traceback" not in locked_out.stderr


def test_a_quarantined_file_publishes_with_exit_code_2_and_says_why(homes, repeated):
    b = homes[1]
    code, output = repeated["second"][1]
    assert code == 2, output[-4000:]
    assert "quarantined documents_bad.csv: documents_bad.csv rejected" in output
    assert "as of 2025-05-31" in output
    record = history(b)[1]
    assert set(record) == {"run_id", "started_at", "finished_at", "as_of_date", "outcome", "exit_code", "files", "checks", "message"}
    assert (record["outcome"], record["exit_code"], record["as_of_date"]) == ("published_with_warnings", 2, "2025-05-31")
    files = {f["file_name"]: f for f in record["files"]}
    assert files["documents_bad.csv"]["status"] == "quarantined" and files["documents_bad.csv"]["reason"].startswith("documents_bad.csv rejected")
    assert files["documents.csv"] == {"file_name": "documents.csv", "entity": "documents", "status": "already_loaded", "rows": 0, "reason": "same content already loaded"}
    assert record["checks"] and all(check["passed"] and check["description"] for check in record["checks"])
    assert {"asset": "marts/fct_documents", "check": "assert_open_balance_ties_to_sources", "severity": "error", "passed": True,
            "description": "each client's open balance ties to its documents, withholdings and receipts"} in record["checks"]


def test_status_lists_the_runs_of_a_home(homes, repeated):
    result = subprocess.run([str(CARTERA), "status", "--home", str(homes[1])], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outcomes = [line.split("  ")[2] for line in result.stdout.splitlines() if "  run " in line]
    # Newest first: back to 2025-06-30, the quarantine run, the first run.
    assert outcomes == ["published, as of 2025-06-30", "published_with_warnings, as of 2025-05-31", "published, as of 2025-06-30"]


class PublishedReader(threading.Thread):
    """The dashboards' way in (db.PublishedDatabase, reopened when the file identity
    changes), querying in a loop: each pass reads the as-of date and the open balance
    through one version; a pass that mixed two versions would pair a date with the other
    version's balance."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.errors, self.seen, self.passes = path, [], set(), 0
        self._halt = threading.Event()

    def run(self) -> None:
        from dashboards.db import PublishedDatabase, file_identity

        while not self._halt.wait(0.05):
            try:
                database = PublishedDatabase(file_identity(self.path))
                as_of = database.query("select distinct as_of_date from marts.ar_aging", []).iloc[0, 0]
                total = database.query("select sum(open_balance_amount) as total from marts.ar_aging", []).iloc[0, 0]
                self.seen.add((as_of.isoformat(), total))
                self.passes += 1
            except Exception as error:  # every error is a finding
                self.errors.append(repr(error))

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=60)


def test_a_reader_during_publishes_sees_no_error_and_never_two_versions_mixed(repeated):
    reader = repeated["reader"]
    assert not reader.errors, reader.errors[:3]
    assert reader.passes > 0
    assert reader.seen <= set(VERSIONS.items()), reader.seen
    assert reader.seen == set(VERSIONS.items())  # both versions were read
    assert repeated["third"][1][0] == 0 and repeated["reader"] is not None


def test_a_refresh_killed_anywhere_leaves_the_published_warehouse_and_the_next_converges(homes, repeated):
    """A new receipts file lands in A and B. B refreshes cleanly: its marts are the target.
    A's refresh is SIGKILLed while loading, in the middle of dbt build, and as publishing
    starts: after each kill the published file opens and holds A's previous marts (after
    the publish kill: the previous or, if the rename was done, the new ones); then one
    refresh brings A to B's marts."""
    a, b, _ = homes
    previous = repeated["reference"]
    for home in (a, b):
        (home / "inbox" / LATE_RECEIPT[0]).write_text(LATE_RECEIPT[1], encoding="utf-8")
    clean_b = start_refresh(b, *AS_OF)

    kill_when(a, "running raw__")
    assert mart_fingerprints(a / "cartera.duckdb") == previous
    kill_when(a, "START sql table model marts.")
    assert mart_fingerprints(a / "cartera.duckdb") == previous
    code, output = finish(clean_b)
    assert code == 0, output[-4000:]
    target = mart_fingerprints(b / "cartera.duckdb")
    assert target != previous
    kill_when(a, "running published__warehouse")
    assert mart_fingerprints(a / "cartera.duckdb") in (previous, target)

    code, output = run_together((a, AS_OF))[0]
    assert code == 0, output[-4000:]
    assert mart_fingerprints(a / "cartera.duckdb") == target
    assert sorted(p.name for p in a.glob(".cartera.duckdb*")) == []
    with duckdb.connect(str(a / "cartera.duckdb"), read_only=True) as conn:
        # 2,084.00 open as before; C2's new receipt is unapplied cash: 200.00.
        assert conn.execute(
            "select sum(open_balance_amount), sum(unapplied_cash_amount) from marts.ar_aging"
        ).fetchall() == [(D("2084.00"), D("500.00"))]
