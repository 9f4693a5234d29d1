"""`make bench SIZE=S|M|L`: one generated company through cartera, timed, and written to
docs/benchmarks.md (the section of that size; the other sizes' sections are kept).

Figures, never pass/fail: nothing here asserts a time. It exits non-zero only when a
part fails (generation, a refresh that publishes nothing) or is stopped.

    python tests/benchmarks/bench.py --size S [--runs 20] [--keep FOLDER] [--report FILE]
                                     [--parts generate,cold,noop,day,pages,aging_at,as_of,baseline]

For the size (S = 300 clients x 2 years, the committed demo; M = 10,000 x 3;
L = 100,000 x 5), the parts, in this order:

1. generate: `cartera demo-data` (seed 42): wall time, CPU and peak RSS;
2. cold: a `cartera refresh` of every export but the last data day's into a new home: wall
   time, CPU, peak RSS (the refresh and its dbt process together), each Dagster step's
   time and dbt's slowest nodes;
3. noop: the same refresh again with nothing new;
4. day: the full exports, one more day (+1 day refresh);
5. pages: every dashboard page's queries (bench_pages.py), median and p95;
6. aging_at: `marts.ar_aging_at` for a date that is not a month end, median and p95;
7. as_of (with --as-of-documents N): `ar_aging_at` at scale on the synthetic settlement
   periods of N documents (bench_as_of.py; L is 10 M), with the row groups each call reads;
8. baseline: the pandas baseline (pandas_baseline.py) recomputing the aging, DSO and payment
   behaviour from the exports, timed, and its figures compared with the marts to the cent.
   At L it cuts the exports into blocks of clients first and recomputes each alone (every
   export held at once: 1.86 GiB at M, ~40 GiB extrapolated at L); the cut is timed with it.

Each part's figures are kept in FOLDER/results/<part>.json as soon as it ends, and the
size's section is written again from them: a run that dies, or is stopped (SIGTERM or
Ctrl-C: the refresh in progress is stopped with it and its figures so far are kept), leaves
every part it finished, the one it was in, and the ones it did not reach marked so. With
--keep, a later run continues in the same folder: exports already there are reused, never
regenerated, and --parts runs only the parts named (`--parts noop,day,pages` after a cold
refresh of an earlier session); the section shows each part's commit, time and load.
A new generation or a new cold refresh drops the figures measured on what they replace.

DuckDB's memory cap and spill folder are the refresh's settings:
CARTERA_DUCKDB_MEMORY_LIMIT and CARTERA_DUCKDB_TEMP_DIRECTORY pass through.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_as_of  # noqa: E402
import bench_pages  # noqa: E402
import pandas_baseline  # noqa: E402
from orchestration.config import default_memory_limit  # noqa: E402

CARTERA = Path(sys.executable).parent / "cartera"
SIZES = {"S": (300, 2), "M": (10_000, 3), "L": (100_000, 5)}
SEED = 42
REPORT = REPO / "docs" / "benchmarks.md"
EXPORTS = ("clients.csv", "documents.csv", "installments.csv", "receipts.csv", "allocations.csv",
           "withholdings.csv", "fx_rates.csv")
PARTS = ("generate", "cold", "noop", "day", "pages", "aging_at", "as_of", "baseline")
REFRESHES = {"cold": "cold (all but the last day)", "noop": "no-op (nothing new)", "day": "+1 day"}
# What a new run of a part replaces: the figures measured on the company or home it replaces.
REPLACES = {"generate": PARTS[1:], "cold": PARTS[2:]}
# The pandas baseline's blocks of clients by size (pandas_baseline.split_by_client): L's
# 100,000 clients in blocks of ~5,000, each about half of M's memory.
BASELINE_BLOCKS = {"S": 1, "M": 1, "L": 20}
STAGES = ("ingest", "dbt build", "checks", "publish")


class Stopped(BaseException):
    """SIGTERM: stop the part in progress, keep its figures so far, write the section."""


class PartFailed(Exception):
    def __init__(self, message: str, figures: dict | None = None):
        super().__init__(message)
        self.figures = figures or {}


# --- measuring ----------------------------------------------------------------------------

def tree_usage(root: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of a process and all its descendants, and each one's CPU seconds so
    far (user + system), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            statm = Path(entry.path, "statm").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(statm.split()[1]) * page
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, seen, stack = 0, {}, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        seen[pid] = cpu.get(pid, 0.0)
        stack.extend(children.get(pid, []))
    return total, seen


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the command and every process it waited for
    peak_bytes: int
    exit_code: int | None  # None: stopped
    output: str


def measured(command: list[str], env: dict[str, str]) -> Run:
    """Runs a command, sampling the resident memory of its process tree every 0.2 s. Stopped
    (SIGTERM, Ctrl-C), it stops the command's whole process group and raises with the
    figures so far on the exception (`run`); their CPU is then the sum of what /proc showed
    of each process of the tree, the processes that ended unseen not counted."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    peak, cpu_seen = [0], {}

    def sample() -> None:
        while process.poll() is None:
            rss, cpu = tree_usage(process.pid)
            peak[0] = max(peak[0], rss)
            cpu_seen.update(cpu)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output = process.communicate()[0]
    except BaseException as stop:
        stop_group(process)
        sampler.join()
        stop.run = Run(time.perf_counter() - started, sum(cpu_seen.values()), peak[0], None, "")
        raise
    seconds = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Run(seconds, cpu, peak[0], process.returncode, output)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the command's process group (it started one of its own), SIGKILL after 30 s."""
    for sent, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def percentile(values: list[float], percent: int) -> float:
    return bench_pages.percentile(values, percent)


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


def load_average() -> str:
    return " / ".join(f"{load:.1f}" for load in os.getloadavg())


def now() -> str:
    return f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC"


def commit() -> str:
    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=REPO, capture_output=True, text=True).stdout.strip()

    # The report this run writes is not a change of the code measured.
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/benchmarks.md")
    return (git("rev-parse", "--short", "HEAD") or "unknown") + (" with local changes" if changed else "")


# --- the company ----------------------------------------------------------------------------

def scratch_duckdb(work: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for the exports' preparation: the refresh's memory cap (4 GB when
    none is set), spilling under the work folder."""
    connection = duckdb.connect()
    connection.execute("set memory_limit = ?", [os.environ.get("CARTERA_DUCKDB_MEMORY_LIMIT") or "4GB"])
    connection.execute("set temp_directory = ?", [str(work / "duckdb_tmp")])
    return connection


def csv_of(folder: Path, name: str) -> str:
    """Every column as text, as the ERP wrote it (an empty field reads as NULL)."""
    path = str(folder / name).replace("'", "''")
    return f"read_csv('{path}', header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"')"


def exports_complete(exports: Path) -> bool:
    return all((exports / name).exists() for name in EXPORTS)


def last_data_day(exports: Path, work: Path) -> date:
    """The as-of date a refresh of these exports takes: the latest issue, receipt or
    withholding date."""
    with scratch_duckdb(work) as connection:
        (day,) = connection.execute(
            f"select greatest((select max(issue_date) from {csv_of(exports, 'documents.csv')}), "
            f"(select max(date) from {csv_of(exports, 'receipts.csv')}), "
            f"(select max(date) from {csv_of(exports, 'withholdings.csv')}))").fetchone()
    return date.fromisoformat(day)


def exports_before(exports: Path, day: date, into: Path, work: Path) -> None:
    """The same exports as the ERP would have written them the evening before `day`: every
    row dated before it (bank statements whole: they are monthly). Filtered by DuckDB,
    streaming, so that L's 10 M documents fit; written to a side folder and renamed, so a
    folder `into` is always whole."""
    partial = into.with_name(into.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    before = day.isoformat()

    def dated_before(column: str) -> str:  # an empty date or time compares as the empty text
        return f"coalesce(substr({column}, 1, 10), '') < '{before}'"

    def rows_of(name: str, where: str) -> str:  # in the file's order, whatever the joins do
        return (f"select * exclude (file_row) from (select *, row_number() over () as file_row "
                f"from {csv_of(exports, name)}) where {where} order by file_row")

    with scratch_duckdb(work) as connection:
        clients = rows_of("clients.csv", dated_before("updated_at"))
        connection.execute(f"create temp table kept_clients as {clients}")
        documents = rows_of("documents.csv", f"{dated_before('updated_at')} and {dated_before('issue_date')} "
                                             "and client_id in (select client_id from kept_clients)")
        connection.execute(f"create temp table kept_documents as select document_id from ({documents})")
        receipts = rows_of("receipts.csv", f"{dated_before('date')} and client_id in (select client_id from kept_clients)")
        connection.execute(f"create temp table kept_receipts as select receipt_id from ({receipts})")
        kept = "document_id in (select document_id from kept_documents)"
        queries = {
            "clients.csv": clients,
            "documents.csv": documents,
            "installments.csv": rows_of("installments.csv", kept),
            "receipts.csv": receipts,
            "allocations.csv": rows_of("allocations.csv", f"{kept} and receipt_id in (select receipt_id from kept_receipts)"),
            "withholdings.csv": rows_of("withholdings.csv", f"{kept} and {dated_before('date')}"),
            "fx_rates.csv": rows_of("fx_rates.csv", dated_before("Date")),
        }
        for name, query in queries.items():
            target = str(partial / name).replace("'", "''")
            connection.execute(f"copy ({query}) to '{target}' (header, delimiter ',')")
    for statement in exports.iterdir():
        if statement.name not in EXPORTS:
            shutil.copy(statement, partial)
    shutil.rmtree(into, ignore_errors=True)
    partial.rename(into)


def drop_into_inbox(exports: Path, home: Path) -> None:
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for export in sorted(exports.iterdir()):
        shutil.copy(export, inbox)


def line_count(path: Path) -> int:
    with path.open("rb") as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 24), b""))


def bank_line_count(exports: Path) -> int:
    lines = 0
    for statement in exports.glob("bank_n43_*.n43"):
        lines += sum(1 for line in statement.open("rb") if line.startswith(b"22"))
    for statement in exports.glob("bank_camt053_*.xml"):
        lines += statement.read_bytes().count(b"<Ntry>")
    return lines


def company_counts(exports: Path) -> str:
    return (f"{line_count(exports / 'documents.csv') - 1:,} document rows, "
            f"{line_count(exports / 'receipts.csv') - 1:,} receipts, {bank_line_count(exports):,} bank lines")


# --- the refresh ------------------------------------------------------------------------------

def refresh_env(home: Path) -> dict[str, str]:
    keep = ("CARTERA_DUCKDB_MEMORY_LIMIT", "CARTERA_DUCKDB_TEMP_DIRECTORY", "CARTERA_DBT_THREADS")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTERA_") or k in keep}
    env["DAGSTER_HOME"] = str(home / "dagster")
    return env


def step_times(home: Path) -> list[tuple[str, float]]:
    """Each finished step of the home's latest Dagster run and its seconds, in the order they ran."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return []
        stats = instance.get_run_step_stats(runs[0].run_id)
    stats = sorted((s for s in stats if s.start_time and s.end_time), key=lambda s: s.start_time)
    return [(s.step_key, s.end_time - s.start_time) for s in stats]


def slowest_dbt_nodes(home: Path, since: float, kind: str, count: int = 8) -> list[tuple[str, float]]:
    """dbt's slowest nodes of a kind ("model", "test") in a build that ended after `since`
    (its run_results.json)."""
    run_results = home / "dbt" / "target" / "run_results.json"
    if not run_results.exists() or run_results.stat().st_mtime < since:
        return []
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    # unique_id is kind.project.name, and a hash after the name for a generic test.
    nodes = [(r["unique_id"].split(".")[2], r["execution_time"]) for r in results if r["unique_id"].startswith(kind + ".")]
    return sorted(nodes, key=lambda node: -node[1])[:count]


def stage_of(step_key: str) -> str:
    if "dbt" in step_key:
        return "dbt build"
    if "publish" in step_key:
        return "publish"
    if step_key.startswith("gx_") or "check" in step_key:
        return "checks"
    return "ingest"


def refreshed(home: Path, label: str) -> dict:
    """A `cartera refresh` of the home, measured: the figures of the part's record."""
    started = time.time()
    try:
        run = measured([str(CARTERA), "refresh", "--home", str(home)], refresh_env(home))
    except BaseException as stop:
        run = getattr(stop, "run", None)
        if run is not None:
            stop.figures = refresh_figures(home, label, run, started)
        raise
    figures = refresh_figures(home, label, run, started)
    if run.exit_code not in (0, 2):
        raise PartFailed(f"refresh failed (exit code {run.exit_code}): {last_line(run.output)}\n{run.output[-4000:]}", figures)
    return figures


def last_line(output: str) -> str:
    return next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "no output")


def refresh_figures(home: Path, label: str, run: Run, started: float) -> dict:
    # A refresh that found nothing changed started no Dagster run: no step to show.
    steps = [] if run.output.startswith("nothing to refresh") else step_times(home)
    stages: dict[str, float] = {}
    for step, seconds in steps:
        stages[stage_of(step)] = stages.get(stage_of(step), 0.0) + seconds
    return {"label": label, "seconds": run.seconds, "cpu_seconds": run.cpu_seconds, "peak_bytes": run.peak_bytes,
            "exit_code": run.exit_code, "stages": stages, "steps": steps,
            "dbt_models": slowest_dbt_nodes(home, started, "model"), "dbt_tests": slowest_dbt_nodes(home, started, "test"),
            "output_tail": run.output[-2000:]}


# --- the answers -------------------------------------------------------------------------------

def aging_at_times(database: Path, day: date, runs: int) -> list[float]:
    times = []
    with duckdb.connect(str(database), read_only=True) as connection:
        for _ in range(runs):
            started = time.perf_counter()
            # Fetched as an Arrow table, the way the dashboards read (dashboards/db.py).
            connection.execute("select * from marts.ar_aging_at(?)", [day]).to_arrow_table()
            times.append(time.perf_counter() - started)
    return times


def not_a_month_end(day: date) -> date:
    if (day + timedelta(days=1)).day == 1:
        return day - timedelta(days=1)
    return day


def published_as_of(database: Path) -> date:
    with duckdb.connect(str(database), read_only=True) as connection:
        (as_of,) = connection.execute("select max(as_of_date) from marts.ar_aging").fetchone()
    return as_of


# --- the parts -------------------------------------------------------------------------------

@dataclass
class Bench:
    size: str
    runs: int
    work: Path
    as_of_documents: int
    report: Path
    parts: tuple[str, ...]
    records: dict[str, dict] = field(default_factory=dict)

    @property
    def exports(self) -> Path:
        return self.work / "exports"

    @property
    def home(self) -> Path:
        return self.work / "home"

    @property
    def database(self) -> Path:
        return self.home / "cartera.duckdb"

    @property
    def results(self) -> Path:
        return self.work / "results"

    def read_records(self) -> None:
        if self.results.exists():
            for path in sorted(self.results.glob("*.json")):
                self.records[path.stem] = json.loads(path.read_text(encoding="utf-8"))

    def keep(self, part: str, record: dict) -> None:
        self.records[part] = record
        self.results.mkdir(parents=True, exist_ok=True)
        path = self.results / f"{part}.json"
        path.with_suffix(".partial").write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
        path.with_suffix(".partial").replace(path)
        write_report(self.section(), self.report)

    def drop(self, parts: tuple[str, ...]) -> None:
        for part in parts:
            self.records.pop(part, None)
            (self.results / f"{part}.json").unlink(missing_ok=True)

    def needs(self, what: Path, made_by: str) -> None:
        if not what.exists():
            raise PartFailed(f"{what} is missing: run the {made_by} part first (--parts {made_by})")

    def section(self) -> "Section":
        return compose(self)


def run_generate(bench: Bench) -> dict:
    clients, years = SIZES[bench.size]
    if exports_complete(bench.exports):
        return {"lines": [f"Generation: the exports already in {bench.exports} reused (not generated nor "
                          f"measured by this run); {company_counts(bench.exports)}."]}
    bench.drop(REPLACES["generate"])
    for made_of_them in (bench.exports, bench.work / "day_before", bench.home):
        shutil.rmtree(made_of_them, ignore_errors=True)
    generation = measured([str(CARTERA), "demo-data", "--out", str(bench.exports), "--clients", str(clients),
                           "--years", str(years), "--seed", str(SEED)], dict(os.environ))
    if generation.exit_code != 0:
        raise PartFailed(f"demo-data failed:\n{generation.output[-4000:]}")
    return {"seconds": generation.seconds, "cpu_seconds": generation.cpu_seconds, "peak_bytes": generation.peak_bytes,
            "lines": [f"Generation (`cartera demo-data`, seed {SEED}): {generation.seconds:.1f} s wall, "
                      f"{generation.cpu_seconds:.1f} s CPU, peak RSS {gib(generation.peak_bytes)}; "
                      f"{company_counts(bench.exports)}."]}


def run_cold(bench: Bench) -> dict:
    bench.needs(bench.exports, "generate")
    bench.drop(REPLACES["cold"])
    day_before = bench.work / "day_before"
    if not day_before.exists():
        exports_before(bench.exports, last_data_day(bench.exports, bench.work), day_before, bench.work)
    shutil.rmtree(bench.home, ignore_errors=True)
    drop_into_inbox(day_before, bench.home)
    return refreshed(bench.home, REFRESHES["cold"])


def run_noop(bench: Bench) -> dict:
    bench.needs(bench.database, "cold")
    return refreshed(bench.home, REFRESHES["noop"])


def run_day(bench: Bench) -> dict:
    bench.needs(bench.database, "cold")
    drop_into_inbox(bench.exports, bench.home)
    return refreshed(bench.home, f"{REFRESHES['day']} ({last_data_day(bench.exports, bench.work)})")


def run_pages(bench: Bench) -> dict:
    bench.needs(bench.database, "cold")
    pages = bench_pages.bench(bench.home, bench.runs)
    lines = [f"Dashboard pages ({bench.runs} loads each, every query of the page uncached):", "",
             "| page | queries | median ms | p95 ms | CPU ms (median) | slowest query (median ms) |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {page.name} | {page.queries} | {page.median_ms:.1f} | {page.p95_ms:.1f} | "
              f"{page.cpu_median_ms:.1f} | {page.slowest} |" for page in pages]
    skipped = [f"{page.name}.{query}" for page in pages for query in page.skipped]
    if skipped:
        lines += ["", f"Not measured (a parameter with no typical value): {', '.join(skipped)}."]
    return {"lines": lines}


def run_aging_at(bench: Bench) -> dict:
    bench.needs(bench.database, "cold")
    day = not_a_month_end(published_as_of(bench.database) - timedelta(days=40))
    times = aging_at_times(bench.database, day, bench.runs)
    return {"median_seconds": statistics.median(times),
            "lines": [f"`marts.ar_aging_at('{day}')` ({bench.runs} calls): median "
                      f"{statistics.median(times) * 1000:.1f} ms, p95 {percentile(times, 95) * 1000:.1f} ms."]}


def run_as_of(bench: Bench) -> dict:
    bench.needs(bench.database, "cold")
    return {"lines": bench_as_of.run(bench.database, bench.as_of_documents, bench_as_of.L_CLIENTS,
                                     bench_as_of.L_YEARS, bench.runs, bench.work / "as_of")}


def run_baseline(bench: Bench) -> dict:
    bench.needs(bench.database, "cold")
    as_of = published_as_of(bench.database)
    with duckdb.connect(str(bench.database), read_only=True) as connection:
        payment_dates = pandas_baseline.payment_dates_of(connection)
        started, cpu_started = time.perf_counter(), time.process_time()
        blocks = BASELINE_BLOCKS[bench.size]
        baseline = pandas_baseline.recompute(bench.exports, as_of, payment_dates=payment_dates, blocks=blocks)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        marts = pandas_baseline.marts_figures(connection, baseline)
    found = pandas_baseline.differences(baseline, marts)
    month_end, dso = next(iter(baseline.dso_simple.items()))
    lines = [f"Pandas baseline (tests/benchmarks/pandas_baseline.py: aging by client at {as_of}, "
             f"company DSO at {month_end}, weighted days beyond terms by client over 365 days; "
             f"receipts dated by the warehouse's bank matching"
             f"{f'; the exports cut into {blocks} blocks of clients first' if blocks > 1 else ''}): {seconds:.1f} s wall, {cpu:.1f} s CPU for "
             f"{len(baseline.aging):,} clients with a balance, DSO {dso}."]
    if found:
        lines += [f"It DISAGREES with the marts on {len(found):,} figures; the first ones:", ""]
        lines += [f"    {difference}" for difference in found[:10]]
    else:
        lines.append(f"It agrees with the marts to the cent on every figure compared "
                     f"({len(baseline.aging):,} clients x {len(pandas_baseline.AGING_COLUMNS)} aging columns, "
                     f"the DSO, {len(baseline.days_beyond_terms):,} clients' days beyond terms).")
    return {"seconds": seconds, "cpu_seconds": cpu, "disagreements": len(found), "lines": lines}


RUNNERS = {"generate": run_generate, "cold": run_cold, "noop": run_noop, "day": run_day, "pages": run_pages,
           "aging_at": run_aging_at, "as_of": run_as_of, "baseline": run_baseline}


# --- the report ------------------------------------------------------------------------------

@dataclass
class Section:
    size: str
    lines: list[str] = field(default_factory=list)

    def add(self, text: str = "") -> None:
        self.lines.append(text)


def machine_lines() -> list[str]:
    import dagster
    import dbt.version
    import pandas as pd

    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    ram = int(memory.split()[1]) * 1024
    return [
        f"- machine: {os.cpu_count()} cores, {gib(ram)} RAM, {platform.platform()} (other work may share "
        "the machine: times are noisy, CPU is the steadier figure; each part's load average is below)",
        f"- versions: Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"dbt-core {dbt.version.__version__}, Dagster {dagster.__version__}, pandas {pd.__version__}",
        f"- DuckDB memory limit: {os.environ.get('CARTERA_DUCKDB_MEMORY_LIMIT') or default_memory_limit() + ' (default)'}",
    ]


def part_state(bench: Bench, part: str) -> str | None:
    """None when the part finished; otherwise what became of it, in words."""
    record = bench.records.get(part)
    if record is not None and record["status"] == "done":
        return None
    if record is not None and record["status"] == "not reached":
        return f"not reached ({record['reason']})"
    if record is not None and record["status"] == "started":
        return f"started {record['started']}, did not finish (the run died or was killed without a word)"
    if record is not None:  # stopped or failed
        return f"{record['status'].upper()} {record['ended']}: {record['reason']}"
    return "not reached" if part in bench.parts else "not run (not among --parts)"


def refresh_row(bench: Bench, part: str) -> str:
    record = bench.records.get(part)
    state = part_state(bench, part)
    if record is None or "seconds" not in record:
        return f"| {REFRESHES[part]} | {state} | - | - | - | - | - | - |"
    label = record["label"] + ("" if state is None else f" ({record['status'].upper()})")
    cells = " | ".join(f"{record['stages'][s]:.1f} s" if s in record["stages"] else "-" for s in STAGES)
    return f"| {label} | {record['seconds']:.1f} s | {record['cpu_seconds']:.1f} s | {gib(record['peak_bytes'])} | {cells} |"


def compose(bench: Bench) -> Section:
    clients, years = SIZES[bench.size]
    section = Section(bench.size)
    section.add(f"## {bench.size}: {clients:,} clients x {years} years ({now()})")
    section.add()
    for line in machine_lines():
        section.add(line)
    for part in PARTS:
        record = bench.records.get(part)
        if record is not None and record["status"] != "not reached":
            section.add(f"- {part}: {record['started']}, commit {record['commit']}, load average "
                        f"{record['load_start']} at the start, {record.get('load_end', '-')} at the end (1 / 5 / 15 min)")
    section.add()

    def text_of(part: str, title: str) -> None:
        state = part_state(bench, part)
        record = bench.records.get(part)
        if state is None:
            for line in record["lines"]:
                section.add(line)
        else:
            section.add(f"{title}: {state}.")
        section.add()

    text_of("generate", "Generation")
    section.add("| refresh | wall | CPU | peak RSS | ingest | dbt build | checks | publish |")
    section.add("|---|---|---|---|---|---|---|---|")
    for part in REFRESHES:
        section.add(refresh_row(bench, part))
    section.add()
    section.add("Stages are the Dagster steps' times (step start to end); the wall time adds "
                "process start, `dbt parse` and the summary. CPU is user + system time of the "
                "refresh and its dbt process: on a shared machine it is the steadier figure.")
    section.add()
    for part in REFRESHES:
        record = bench.records.get(part)
        if record is None or not record.get("steps"):
            continue
        steps = sorted(record["steps"], key=lambda step: -step[1])[:6]
        line = f"{record['label']}: slowest steps " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps)
        for kind in ("models", "tests"):
            if record.get(f"dbt_{kind}"):
                line += f"; slowest dbt {kind} " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in record[f"dbt_{kind}"])
        section.add(line + ".")
        section.add()
    for part in REFRESHES:
        record = bench.records.get(part)
        if record is not None and record["status"] in ("stopped", "failed"):
            section.add(f"The {part} refresh: {part_state(bench, part)}.")
            section.add()
            if record.get("output_tail"):
                section.add("Its last output:")
                section.add()
                section.lines += [f"    {line}" for line in record["output_tail"].splitlines()[-15:]]
                section.add()
    text_of("pages", "Dashboard pages")
    text_of("aging_at", "`marts.ar_aging_at`")
    if bench.as_of_documents or "as_of" in bench.records:
        text_of("as_of", "`ar_aging_at` at scale")
    text_of("baseline", "Pandas baseline")
    if all(part_state(bench, part) is None for part in ("cold", "day", "aging_at", "baseline")):
        cold, plus_one, baseline = bench.records["cold"], bench.records["day"], bench.records["baseline"]
        answer = bench.records["aging_at"]["median_seconds"]
        section.add("Against the baseline (CPU seconds; the issue's targets in brackets): cold refresh "
                    f"{cold['cpu_seconds'] / baseline['cpu_seconds']:.1f}x the baseline [<= 0.2x], +1 day refresh "
                    f"{plus_one['cpu_seconds'] / baseline['cpu_seconds']:.1f}x [<= 0.02x]; an `ar_aging_at` answer is "
                    f"{baseline['seconds'] / answer:,.0f}x faster than recomputing it [>= 1,000x, wall].")
        section.add()
    return section


def write_report(section: Section, report: Path) -> None:
    """Replaces this size's section of `report` (docs/benchmarks.md), keeping the others."""
    start, end = f"<!-- size {section.size} -->", f"<!-- /size {section.size} -->"
    text = report.read_text() if report.exists() else (
        "# Benchmarks\n\nWritten by `make bench SIZE=S|M|L` (tests/benchmarks/bench.py): figures, "
        "never pass/fail. Each section is the last run of that size, written again as each part ends.\n\n")
    block = "\n".join([start, *section.lines, end])
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)


# --- the run ----------------------------------------------------------------------------------

def chosen_parts(text: str | None, as_of_documents: int) -> tuple[str, ...]:
    if text is None:
        return tuple(part for part in PARTS if part != "as_of" or as_of_documents)
    named = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(named) - set(PARTS))
    if unknown:
        raise SystemExit(f"unknown parts {', '.join(unknown)}: choose among {', '.join(PARTS)}")
    if "as_of" in named and not as_of_documents:
        raise SystemExit("the as_of part needs --as-of-documents N")
    return tuple(part for part in PARTS if part in named)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--size", choices=SIZES, default="S")
    arguments.add_argument("--runs", type=int, default=20, help="loads per page and ar_aging_at calls")
    arguments.add_argument("--keep", type=Path, help="work in this folder and leave it (default: a temporary "
                                                     "one); a folder of an earlier run is continued")
    arguments.add_argument("--parts", help=f"the parts to run, comma-separated, among {','.join(PARTS)} "
                                           "(default: all)")
    arguments.add_argument("--as-of-documents", type=int, default=0,
                           help="synthetic documents for the ar_aging_at scale run (bench_as_of.py; L is 10000000); 0 skips it")
    arguments.add_argument("--report", type=Path, default=REPORT,
                           help="the Markdown file whose section of this size is written (default docs/benchmarks.md)")
    options = arguments.parse_args()
    parts = chosen_parts(options.parts, options.as_of_documents)
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        bench(Bench(options.size, options.runs, options.keep.resolve(), options.as_of_documents, options.report, parts))
        return
    with tempfile.TemporaryDirectory(prefix=f"cartera-bench-{options.size}-") as folder:
        bench(Bench(options.size, options.runs, Path(folder), options.as_of_documents, options.report, parts))


def stop_on_sigterm(signum, frame) -> None:
    raise Stopped()


def bench(bench: Bench) -> None:
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    bench.read_records()
    for part in bench.parts:
        if part == "generate" and bench.records.get("generate", {}).get("status") == "done" \
                and exports_complete(bench.exports):
            print(f"generate: the exports of {bench.records['generate']['started']} kept", flush=True)
            continue
        record = {"part": part, "status": "started", "started": now(), "commit": commit(),
                  "load_start": load_average()}
        bench.keep(part, record)
        print(f"--- {part} ({record['started']}, load average {record['load_start']})", flush=True)
        try:
            record |= RUNNERS[part](bench)
            record["status"] = "done"
        except (Stopped, KeyboardInterrupt) as stop:
            record |= getattr(stop, "figures", {})
            record |= {"status": "stopped", "reason": "stopped by a signal (SIGTERM or Ctrl-C) while it ran"}
        except PartFailed as failure:
            record |= failure.figures
            record |= {"status": "failed", "reason": str(failure).splitlines()[0]}
            print(str(failure), file=sys.stderr, flush=True)
        record |= {"ended": now(), "load_end": load_average()}
        bench.keep(part, record)
        for line in record.get("lines", []):
            print(line, flush=True)
        if record["status"] != "done":
            # Kept, so that a later run of other parts still says why these have no figures.
            for later in bench.parts[bench.parts.index(part) + 1:]:
                bench.keep(later, {"part": later, "status": "not reached",
                                   "reason": f"the {part} part {record['status']} {record['ended']}"})
            sys.exit(f"{part} {record['status']}: {record['reason']}; written to {bench.report}")
    print(f"written to {bench.report}")


if __name__ == "__main__":
    main()
