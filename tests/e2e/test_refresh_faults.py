"""Refreshes that fail, crash and overlap, end to end through `cartera refresh` on the
small aging fixture (tests/fixtures/aging_inbox, as of 2025-06-30: open balance 2,084.00;
see test_aging_fixture.py). Two homes are refreshed side by side to keep the wall time
down; each step's refreshes run in parallel. Home B's last refresh adds a receipt and a
bank file that loads with notes: it is the clean run that home A, killed again and again
on the same new files, must converge to.

A mart's fingerprint is the sha256 of its rows sorted; "the same marts" means every mart
of the published file has the same fingerprint, but source_freshness, which says when each
home loaded its newest file.
"""

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from tests.e2e.conftest import CARTERA, REPO, fill_inbox, refresh_env, start_refresh

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
AS_OF = ("--as-of", "2025-06-30")
# As of 2025-05-31 (test_aging_fixture.py): C1 589.00 + C2 1,000.00 = 1,589.00.
VERSIONS = {"2025-06-30": D("2084.00"), "2025-05-31": D("1589.00")}
# One more receipt for C2, nothing allocated: 200.00 of unapplied cash.
LATE_RECEIPT = ("receipts_2025-06-25.csv", "receipt_id,client_id,date,currency,amount,method,reference\nR3,C2,2025-06-25,EUR,200.00,transfer,\n")
BAD_DOCUMENTS = ("documents_bad.csv", "document_id,type\nX1,invoice\n")
# A bank file read with 4 notes (tests/readers/bank/test_bank_mt940.py): it loads, and
# the refresh that loads it says so and exits 2.
NOTED_BANK_FILE = REPO / "tests" / "readers" / "bank" / "fixtures" / "variants" / "mt940_bank_quirks.sta"
# Where each phase of a refresh starts, as its output says.
PHASES = {"ingest": "running raw__", "dbt build": "running cartera_dbt_assets", "publish": "running published__warehouse"}
# A kill of the whole refresh costs its start (Dagster, dbt parse) and everything before
# the kill point, so most kills are of one step alone, in a process of its own running
# the refresh's own code: the loading of the new files (before the refresh kills, while
# they are still to load), then the publish step (after them, on a copy of A's file).
INGEST_ONLY_KILLS = 3
# SIGKILLs of home A's refresh in each phase, in this order, each at a delay drawn from
# the phase's length in B's clean run.
KILLS = {"ingest": 1, "dbt build": 1, "publish": 1}
PUBLISH_ONLY_KILLS = 4
# Kills fall within this share of the time measured for what they interrupt: a run a
# little quicker than the measured one (a fraction of a second for the publish alone)
# would otherwise often end before its kill.
KILL_WITHIN = 0.8

SEED = 14


def mart_fingerprints(database: Path) -> dict[str, str]:
    """Each mart's rows, hashed; a kept mart's positions (_read_through_file_id: when a row
    was computed, which differs between homes that loaded the same files in other runs)
    left out."""
    with duckdb.connect(str(database), read_only=True) as conn:
        names = [row[0] for row in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_name <> 'source_freshness' order by 1"
        ).fetchall()]
        return {
            name: hashlib.sha256(repr(conn.execute(
                f"""select columns(lambda c: c <> '_read_through_file_id') from marts."{name}" order by all"""
            ).fetchall()).encode()).hexdigest()
            for name in names
        }


def finish(process: subprocess.Popen) -> tuple[int, str]:
    output = process.stdout.read()
    return process.wait(timeout=900), output


def finish_timed(process: subprocess.Popen) -> tuple[int, str, dict[str, float]]:
    """As finish, and how long each phase took (seconds from its start marker to the
    next phase's, the last to the end of the run)."""
    started, lines = {}, []
    for line in process.stdout:
        lines.append(line)
        for phase, marker in PHASES.items():
            if marker in line:
                started.setdefault(phase, time.monotonic())
    ended = time.monotonic()
    code = process.wait(timeout=900)
    ends = [*(started[phase] for phase in list(PHASES)[1:]), ended]
    return code, "".join(lines), {phase: end - started[phase] for phase, end in zip(PHASES, ends)}


def run_together(*runs: tuple[Path, tuple[str, ...]]) -> list[tuple[int, str]]:
    """Refreshes started at the same moment, waited for together."""
    processes = [start_refresh(home, *extra) for home, extra in runs]
    return [finish(process) for process in processes]


def kill_at(home: Path, marker: str, delay: float) -> tuple[bool, str]:
    """Starts a refresh and SIGKILLs it (with the dbt process it may be running) `delay`
    seconds after `marker` appears in its output; returns whether it was still running
    then, and its output."""
    process = start_refresh(home, *AS_OF)
    lines, seen = [], threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if marker in line:
                seen.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    while not seen.wait(timeout=0.1) and reader.is_alive():
        pass
    assert seen.is_set(), f"{marker!r} never appeared:\n{''.join(lines)[-3000:]}"
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=900)
    reader.join(timeout=60)
    return process.returncode == -signal.SIGKILL, "".join(lines)


_INGEST = (
    "import sys, duckdb; from orchestration.config import load_settings; "
    "from orchestration.ingest.loader import ingest_entity; "
    "from orchestration.ingest.bank_loader import ingest_bank_statements; "
    "settings = load_settings(sys.argv[1]); conn = duckdb.connect(str(settings.build_db)); "
    "print('loading', flush=True); ingest_entity(conn, settings, 'receipts'); ingest_bank_statements(conn, settings)"
)


def kill_ingest_at(home: Path, delay: float | None) -> tuple[bool, float]:
    """The refresh's loading of the new receipts and bank files alone, in a process
    SIGKILLed `delay` seconds after it starts (None: not killed); returns whether it was
    still running then, and how long it ran."""
    return _kill_code_at(_INGEST, [str(home)], "loading\n", delay)


def copy_for_loading(home: Path, scratch: Path) -> Path:
    """A home holding a copy of `home`'s build database and of the files still in its inbox."""
    (scratch / "build").mkdir(parents=True)
    shutil.copy(home / "build" / "cartera.duckdb", scratch / "build")
    shutil.copytree(home / "inbox", scratch / "inbox", ignore=shutil.ignore_patterns("loaded"))
    return scratch


def files_loaded_whole(home: Path) -> list[tuple]:
    """Registry rows of loaded receipts and bank files whose rows in raw are not all there
    (none after any crash: each file loads in one transaction with its registry row)."""
    with duckdb.connect(str(home / "build" / "cartera.duckdb")) as conn:
        return conn.execute(
            """
            select registry.file_name, coalesce(registry.changed_rows, registry.row_count), count(rows._file_id)
            from raw.file_registry as registry
            left join (
                select _file_id from raw.receipts union all select _file_id from raw.bank_statement_lines
            ) as rows on rows._file_id = registry.file_id
            where registry.status = 'loaded' and registry.entity in ('receipts', 'bank_statements')
            group by all
            -- A receipts file loads only its new or changed rows (orchestration/ingest/changes.py).
            having coalesce(registry.changed_rows, registry.row_count) <> count(rows._file_id)
            """
        ).fetchall()


_PUBLISH = (
    "import sys; from pathlib import Path; from orchestration.publish import publish; "
    "print('publishing', flush=True); publish(Path(sys.argv[1]), Path(sys.argv[2]))"
)


def kill_publish_at(build: Path, published: Path, delay: float | None) -> tuple[bool, float]:
    """The refresh's publish step alone, in a process SIGKILLed `delay` seconds after it
    starts (None: not killed); returns whether it was still running then, and how long
    it ran."""
    return _kill_code_at(_PUBLISH, [str(build), str(published)], "publishing\n", delay)


def _kill_code_at(code: str, arguments: list[str], ready: str, delay: float | None) -> tuple[bool, float]:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("CARTERA_")}
    process = subprocess.Popen(
        [sys.executable, "-c", code, *arguments],
        cwd=REPO, env=environment, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )
    assert process.stdout.readline() == ready
    started = time.monotonic()
    if delay is not None:
        time.sleep(delay)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=300)
    return process.returncode == -signal.SIGKILL, time.monotonic() - started


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
    first runs. B: as of 2025-05-31 with a bad file, then 2025-06-30 again with a new
    receipt and a bank file read with notes, while a reader queries B's published file in
    a loop."""
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
    (b / "inbox" / LATE_RECEIPT[0]).write_text(LATE_RECEIPT[1], encoding="utf-8")
    shutil.copy(NOTED_BANK_FILE, b / "inbox")
    third_a, third_b = start_refresh(a, *AS_OF), start_refresh(b, *AS_OF)
    *third_b, phases = finish_timed(third_b)
    third = [finish(third_a), tuple(third_b)]
    reader.stop()
    fingerprints.append(mart_fingerprints(a / "cartera.duckdb"))
    sizes.append((a / "cartera.duckdb").stat().st_size)
    return {
        "reference": reference, "fingerprints": fingerprints, "sizes": sizes, "second": second,
        "third": third, "locked_out": locked_out, "reader": reader,
        "target": mart_fingerprints(b / "cartera.duckdb"), "phases": phases,
    }


def test_the_same_inbox_three_times_gives_identical_marts_and_size(homes, repeated):
    """Three refreshes of A on one inbox: every mart's rows are the same, the published
    file stays within twice its first size (the build file is copied with its free blocks
    only while they are at most half of it, orchestration/publish.py), and
    the later runs say they skipped the 7 files already loaded."""
    a = homes[0]
    assert repeated["second"][0][0] == 0 and repeated["third"][0][0] == 0, repeated["second"][0][1][-3000:]
    assert repeated["fingerprints"] == [repeated["reference"], repeated["reference"]]
    assert max(repeated["sizes"]) <= 2 * repeated["sizes"][0], repeated["sizes"]
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
    assert files["documents_bad.csv"]["status"] == "quarantined" and render(files["documents_bad.csv"]["reason"], "en").startswith("documents_bad.csv rejected")
    assert files["documents.csv"] == {"file_name": "documents.csv", "entity": "documents", "status": "already_loaded", "rows": 0,
                                      "reason": {"key": "refresh.file_already_loaded", "args": {}}}
    assert record["checks"] and all(check["passed"] and check["description"] for check in record["checks"])
    # Each check's sentence is stored as a message of the catalogue, rendered where it is shown.
    assert {"asset": "marts/fct_documents", "check": "assert_open_balance_ties_to_sources", "severity": "error", "passed": True,
            "description": {"key": "check.assert_open_balance_ties_to_sources", "args": {}}} in record["checks"]
    assert render({"key": "check.assert_open_balance_ties_to_sources", "args": {}}, "en") == (
        "each client's open balance ties to its documents, withholdings and receipts"
    )


def test_status_lists_the_runs_of_a_home(homes, repeated):
    result = subprocess.run([str(CARTERA), "status", "--home", str(homes[1])], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    outcomes = [line.split("  ")[2] for line in result.stdout.splitlines() if "  run " in line]
    # Newest first: back to 2025-06-30 with a bank file's notes, the quarantine run, the first run.
    assert outcomes == [
        "published with warnings, as of 2025-06-30", "published with warnings, as of 2025-05-31", "published, as of 2025-06-30"
    ]


def test_a_bank_file_read_with_notes_publishes_with_exit_code_2_and_says_so(homes, repeated):
    """B's last refresh: every file loads or was loaded, every check passes, and the MT940
    file's 4 notes (raw.ingest_warnings) make it 'published with warnings'."""
    b = homes[1]
    code, output = repeated["third"][1]
    assert code == 2, output[-4000:]
    assert (
        "  loaded mt940_bank_quirks.sta with 4 warning(s) (all in raw.ingest_warnings), first: file: text is neither "
        "UTF-8 nor Windows-1252 (byte 0x81 at offset 333): read as Latin-1"
    ) in output
    assert re.search(r"  checks: \d+ passed, 0 failed or warned", output), output[-4000:]
    record = history(b)[2]
    assert (record["outcome"], record["exit_code"]) == ("published_with_warnings", 2)
    assert all(check["passed"] for check in record["checks"])
    assert {f["status"] for f in record["files"]} == {"loaded", "already_loaded"}
    with duckdb.connect(str(b / "cartera.duckdb"), read_only=True) as conn:
        assert conn.execute(
            "select line_number, kind from raw.ingest_warnings where file_name = 'mt940_bank_quirks.sta' and line_number is not null"
            " order by line_number"
        ).fetchall() == [(9, "bank_format_note"), (15, "bank_format_note")]


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


def test_a_refresh_killed_again_and_again_leaves_the_published_warehouse_and_the_next_converges(homes, repeated, tmp_path):
    """A gets B's new receipt and bank file. Its loading of them alone is SIGKILLed 3 times
    at random points (seeded), each time on a copy of A's build and inbox as they are
    before it, so that each kill falls in a whole load (on A itself a kill landing after
    both files committed left nothing for the next ones to interrupt): each file is in raw
    whole or not at all, and a loading run after the kill completes it. Then its refresh
    is killed once while loading, once during dbt build and once while publishing, each
    at a random delay after the phase starts drawn from the phase's length in B's clean
    run; then its publish step alone 4 times at random points of the time it takes, on a
    copy of A's published file. After every kill the published file opens and holds the previous
    marts (or, killed while publishing, possibly already B's); one more refresh brings A
    to B's marts."""
    a, b, _ = homes
    previous, target = repeated["reference"], repeated["target"]
    assert target != previous
    saved = tmp_path / "saved" / "cartera.duckdb"
    saved.parent.mkdir()
    shutil.copy(a / "cartera.duckdb", saved)
    (a / "inbox" / LATE_RECEIPT[0]).write_text(LATE_RECEIPT[1], encoding="utf-8")
    shutil.copy(NOTED_BANK_FILE, a / "inbox")
    rng = random.Random(SEED)
    published, killed = previous, []

    # How long loading them takes, measured on copies of A's build and new files: the
    # fastest of three runs, so that a run measured while the machine was busier does not
    # put the kills after the end of the quicker runs on A.
    timings = []
    for attempt in range(3):
        scratch = copy_for_loading(a, tmp_path / f"timed_{attempt}")
        timings.append(kill_ingest_at(scratch, None)[1])
        assert files_loaded_whole(scratch) == [] and sorted(p.name for p in (scratch / "inbox").iterdir()) == ["loaded"]
    loading = min(timings)
    for attempt in range(INGEST_ONLY_KILLS):
        scratch = copy_for_loading(a, tmp_path / f"killed_{attempt}")
        killed.append(kill_ingest_at(scratch, rng.uniform(0, KILL_WITHIN * loading))[0])
        assert files_loaded_whole(scratch) == []
        kill_ingest_at(scratch, None)
        assert files_loaded_whole(scratch) == [] and sorted(p.name for p in (scratch / "inbox").iterdir()) == ["loaded"]
        assert mart_fingerprints(a / "cartera.duckdb") == previous

    for phase, count in KILLS.items():
        for _ in range(count):
            delay = rng.uniform(0, KILL_WITHIN * repeated["phases"][phase])
            was_running, output = kill_at(a, PHASES[phase], delay)
            killed.append(was_running)
            now = mart_fingerprints(a / "cartera.duckdb")
            reached_publish = PHASES["publish"] in output
            assert now in ((published, target) if reached_publish else (published,)), (phase, delay, output[-3000:])
            published = now

    # How long the publish step alone takes (a fraction of a second), the fastest of three
    # runs as for the loading; then killed within that.
    copy = tmp_path / "copy" / "cartera.duckdb"
    copy.parent.mkdir()
    shutil.copy(saved, copy)
    publishing = min(kill_publish_at(a / "build" / "cartera.duckdb", copy, None)[1] for _ in range(3))
    assert mart_fingerprints(copy) == target
    for _ in range(PUBLISH_ONLY_KILLS):
        shutil.copy(saved, copy)
        killed.append(kill_publish_at(a / "build" / "cartera.duckdb", copy, rng.uniform(0, KILL_WITHIN * publishing))[0])
        assert mart_fingerprints(copy) in (previous, target)
    assert sum(killed) >= 8, killed

    code, output = run_together((a, AS_OF))[0]
    assert code in (0, 2), output[-4000:]
    assert mart_fingerprints(a / "cartera.duckdb") == target
    assert sorted(p.name for p in a.glob(".cartera.duckdb*")) == []
    with duckdb.connect(str(a / "cartera.duckdb"), read_only=True) as conn:
        # 2,084.00 open as before; C2's new receipt is unapplied cash: 300.00 + 200.00.
        assert conn.execute(
            "select sum(open_balance_amount), sum(unapplied_cash_amount) from marts.ar_aging"
        ).fetchall() == [(D("2084.00"), D("500.00"))]
