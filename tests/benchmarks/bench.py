"""`make bench SIZE=S|M|L`: one generated company through cartera, timed, and written to
docs/benchmarks.md (the section of that size; the other sizes' sections are kept).

Figures, never pass/fail: nothing here asserts a time. It exits non-zero only when a
step fails (generation, a refresh that publishes nothing).

    python tests/benchmarks/bench.py --size S [--runs 20] [--keep FOLDER] [--report FILE]

For the size (S = 300 clients x 2 years, the committed demo; M = 10,000 x 3;
L = 100,000 x 5):

1. `cartera demo-data` (seed 42): wall time and peak RSS;
2. a cold `cartera refresh` of every export but the last data day's: wall time, peak
   RSS (the refresh and its dbt process together) and each Dagster step's time;
3. the same refresh again with nothing new (no-op);
4. the full exports, one more day (+1 day refresh);
5. every dashboard page's queries (bench_pages.py) and `marts.ar_aging_at` for a date
   that is not a month end, median and p95; with --as-of-documents N, `ar_aging_at` at
   scale on the synthetic settlement periods of N documents (bench_as_of.py; L is 10 M),
   with the row groups each call reads;
6. the pandas baseline (pandas_baseline.py) recomputing the aging, DSO and payment
   behaviour from the exports, timed, and its figures compared with the marts to the cent.

DuckDB's memory cap and spill folder are the refresh's settings:
CARTERA_DUCKDB_MEMORY_LIMIT and CARTERA_DUCKDB_TEMP_DIRECTORY pass through.
"""

import argparse
import os
import platform
import resource
import shutil
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
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_as_of  # noqa: E402
import bench_pages  # noqa: E402
import pandas_baseline  # noqa: E402

CARTERA = Path(sys.executable).parent / "cartera"
SIZES = {"S": (300, 2), "M": (10_000, 3), "L": (100_000, 5)}
SEED = 42
REPORT = REPO / "docs" / "benchmarks.md"
EXPORTS = ("clients.csv", "documents.csv", "installments.csv", "receipts.csv", "allocations.csv",
           "withholdings.csv", "fx_rates.csv")


# --- measuring ----------------------------------------------------------------------------

def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            statm = Path(entry.path, "statm").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        rss[int(entry.name)] = int(statm.split()[1]) * page
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the command and every process it waited for
    peak_bytes: int
    exit_code: int
    output: str


def measured(command: list[str], env: dict[str, str]) -> Run:
    """Runs a command, sampling the resident memory of its process tree every 0.2 s."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    seconds = time.perf_counter() - started
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Run(seconds, cpu, peak[0], process.returncode, output)


def percentile(values: list[float], percent: int) -> float:
    return bench_pages.percentile(values, percent)


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


# --- the company ----------------------------------------------------------------------------

def last_data_day(exports: Path) -> date:
    """The as-of date a refresh of these exports takes: the latest issue, receipt or
    withholding date."""
    days = [pd.read_csv(exports / "documents.csv", usecols=["issue_date"])["issue_date"].max(),
            pd.read_csv(exports / "receipts.csv", usecols=["date"])["date"].max(),
            pd.read_csv(exports / "withholdings.csv", usecols=["date"])["date"].max()]
    return date.fromisoformat(max(days))


def exports_before(exports: Path, day: date, into: Path) -> None:
    """The same exports as the ERP would have written them the evening before `day`: every
    row dated before it (bank statements whole: they are monthly)."""
    text = {"dtype": str, "keep_default_na": False}
    before = day.isoformat()
    clients = pd.read_csv(exports / "clients.csv", **text)
    clients = clients[clients["updated_at"].str[:10] < before]
    documents = pd.read_csv(exports / "documents.csv", **text)
    documents = documents[(documents["updated_at"].str[:10] < before) & (documents["issue_date"] < before)
                          & documents["client_id"].isin(clients["client_id"])]
    kept = set(documents["document_id"])
    installments = pd.read_csv(exports / "installments.csv", **text)
    receipts = pd.read_csv(exports / "receipts.csv", **text)
    receipts = receipts[(receipts["date"] < before) & receipts["client_id"].isin(clients["client_id"])]
    allocations = pd.read_csv(exports / "allocations.csv", **text)
    allocations = allocations[allocations["receipt_id"].isin(receipts["receipt_id"])
                              & allocations["document_id"].isin(kept)]
    withholdings = pd.read_csv(exports / "withholdings.csv", **text)
    withholdings = withholdings[(withholdings["date"] < before) & withholdings["document_id"].isin(kept)]
    fx = pd.read_csv(exports / "fx_rates.csv", **text)
    frames = {
        "clients.csv": clients, "documents.csv": documents,
        "installments.csv": installments[installments["document_id"].isin(kept)],
        "receipts.csv": receipts, "allocations.csv": allocations, "withholdings.csv": withholdings,
        "fx_rates.csv": fx[fx["Date"] < before],
    }
    into.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(into / name, index=False, lineterminator="\n")
    for statement in exports.iterdir():
        if statement.name not in EXPORTS:
            shutil.copy(statement, into)


def drop_into_inbox(exports: Path, home: Path) -> None:
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for export in sorted(exports.iterdir()):
        shutil.copy(export, inbox)


# --- the refresh ------------------------------------------------------------------------------

def refresh_env(home: Path) -> dict[str, str]:
    keep = ("CARTERA_DUCKDB_MEMORY_LIMIT", "CARTERA_DUCKDB_TEMP_DIRECTORY")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTERA_") or k in keep}
    env["DAGSTER_HOME"] = str(home / "dagster")
    return env


def refresh(home: Path) -> Run:
    run = measured([str(CARTERA), "refresh", "--home", str(home)], refresh_env(home))
    if run.exit_code not in (0, 2):
        sys.exit(f"refresh failed ({run.exit_code}):\n{run.output[-4000:]}")
    return run


def step_times(home: Path) -> list[tuple[str, float]]:
    """Each step of the home's latest Dagster run and its seconds, in the order they ran."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    with dg.DagsterInstance.get() as instance:
        latest = instance.get_runs(limit=1)[0]
        stats = instance.get_run_step_stats(latest.run_id)
    stats = sorted((s for s in stats if s.start_time and s.end_time), key=lambda s: s.start_time)
    return [(s.step_key, s.end_time - s.start_time) for s in stats]


def stage_of(step_key: str) -> str:
    if "dbt" in step_key:
        return "dbt build"
    if "publish" in step_key:
        return "publish"
    if step_key.startswith("gx_") or "check" in step_key:
        return "checks"
    return "ingest"


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


# --- the report ------------------------------------------------------------------------------

@dataclass
class Section:
    size: str
    lines: list[str] = field(default_factory=list)

    def add(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)


def machine_lines() -> list[str]:
    import dagster
    import dbt.version

    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    ram = int(memory.split()[1]) * 1024
    return [
        f"- machine: {os.cpu_count()} cores, {gib(ram)} RAM, {platform.platform()}; load average "
        f"at the start {os.getloadavg()[0]:.1f} (other work shares the machine: times are noisy)",
        f"- versions: Python {platform.python_version()}, DuckDB {duckdb.__version__}, "
        f"dbt-core {dbt.version.__version__}, Dagster {dagster.__version__}, pandas {pd.__version__}",
        f"- DuckDB memory limit: {os.environ.get('CARTERA_DUCKDB_MEMORY_LIMIT', '80% (default)')}",
    ]


def write_report(section: Section, report: Path) -> None:
    """Replaces this size's section of `report` (docs/benchmarks.md), keeping the others."""
    start, end = f"<!-- size {section.size} -->", f"<!-- /size {section.size} -->"
    text = report.read_text() if report.exists() else (
        "# Benchmarks\n\nWritten by `make bench SIZE=S|M|L` (tests/benchmarks/bench.py): figures, "
        "never pass/fail. Each section is the last run of that size.\n\n")
    block = "\n".join([start, *section.lines, end])
    if start in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(text)


# --- the run ----------------------------------------------------------------------------------

def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--size", choices=SIZES, default="S")
    arguments.add_argument("--runs", type=int, default=20, help="loads per page and ar_aging_at calls")
    arguments.add_argument("--keep", type=Path, help="work in this folder and leave it (default: a temporary one)")
    arguments.add_argument("--as-of-documents", type=int, default=0,
                           help="synthetic documents for the ar_aging_at scale run (bench_as_of.py; L is 10000000); 0 skips it")
    arguments.add_argument("--report", type=Path, default=REPORT,
                           help="the Markdown file whose section of this size is written (default docs/benchmarks.md)")
    options = arguments.parse_args()
    if options.keep:
        options.keep.mkdir(parents=True, exist_ok=True)
        bench(options.size, options.runs, options.keep, options.as_of_documents, options.report)
        return
    with tempfile.TemporaryDirectory(prefix=f"cartera-bench-{options.size}-") as folder:
        bench(options.size, options.runs, Path(folder), options.as_of_documents, options.report)


def bench(size: str, runs: int, work: Path, as_of_documents: int, report: Path = REPORT) -> None:
    clients, years = SIZES[size]
    section = Section(size)
    section.add(f"## {size}: {clients:,} clients x {years} years "
                f"({datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC)")
    section.add()
    for line in machine_lines():
        section.add(line)
    section.add()

    exports = work / "exports"
    generation = measured([str(CARTERA), "demo-data", "--out", str(exports), "--clients", str(clients),
                           "--years", str(years), "--seed", str(SEED)], dict(os.environ))
    if generation.exit_code != 0:
        sys.exit(f"demo-data failed:\n{generation.output[-4000:]}")
    documents = sum(1 for _ in (exports / "documents.csv").open()) - 1
    receipts = sum(1 for _ in (exports / "receipts.csv").open()) - 1
    bank_lines = bank_line_count(exports)
    section.add(f"Generation (`cartera demo-data`, seed {SEED}): {generation.seconds:.1f} s wall, "
                f"{generation.cpu_seconds:.1f} s CPU, peak RSS {gib(generation.peak_bytes)}; {documents:,} document rows, "
                f"{receipts:,} receipts, {bank_lines:,} bank lines.")
    section.add()

    home = work / "home"
    last_day = last_data_day(exports)
    exports_before(exports, last_day, work / "day_before")
    drop_into_inbox(work / "day_before", home)
    runs_by_name: dict[str, Run] = {}
    section.add("| refresh | wall | CPU | peak RSS | ingest | dbt build | checks | publish |")
    section.add("|---|---|---|---|---|---|---|---|")
    for name, drop in (("cold (all but the last day)", None), ("no-op (nothing new)", None),
                       (f"+1 day ({last_day})", exports)):
        if drop is not None:
            drop_into_inbox(drop, home)
        run = refresh(home)
        runs_by_name[name.split(" ")[0]] = run
        stages: dict[str, float] = {}
        # A refresh that found nothing changed started no Dagster run: no stage to show.
        for step, seconds in ([] if run.output.startswith("nothing to refresh") else step_times(home)):
            stages[stage_of(step)] = stages.get(stage_of(step), 0.0) + seconds
        cells = " | ".join(f"{stages[s]:.1f} s" if s in stages else "-"
                           for s in ("ingest", "dbt build", "checks", "publish"))
        section.add(f"| {name} | {run.seconds:.1f} s | {run.cpu_seconds:.1f} s | {gib(run.peak_bytes)} | {cells} |")
    section.add()
    section.add("Stages are the Dagster steps' times (step start to end); the wall time adds "
                "process start, `dbt parse` and the summary. CPU is user + system time of the "
                "refresh and its dbt process: on a shared machine it is the steadier figure.")
    section.add()

    database = home / "cartera.duckdb"
    pages = bench_pages.bench(home, runs)
    section.add(f"Dashboard pages ({runs} loads each, every query of the page uncached):")
    section.add()
    section.add("| page | queries | median ms | p95 ms | slowest query (median ms) |")
    section.add("|---|---|---|---|---|")
    for page in pages:
        section.add(f"| {page.name} | {page.queries} | {page.median_ms:.1f} | {page.p95_ms:.1f} | {page.slowest} |")
    skipped = [f"{page.name}.{query}" for page in pages for query in page.skipped]
    if skipped:
        section.add()
        section.add(f"Not measured (a parameter with no typical value): {', '.join(skipped)}.")
    section.add()
    with duckdb.connect(str(database), read_only=True) as connection:
        (as_of,) = connection.execute("select max(as_of_date) from marts.ar_aging").fetchone()
    day = not_a_month_end(as_of - timedelta(days=40))
    times = aging_at_times(database, day, runs)
    section.add(f"`marts.ar_aging_at('{day}')` ({runs} calls): median "
                f"{statistics.median(times) * 1000:.1f} ms, p95 {percentile(times, 95) * 1000:.1f} ms.")
    section.add()
    if as_of_documents:
        section.lines += bench_as_of.run(database, as_of_documents, bench_as_of.L_CLIENTS, bench_as_of.L_YEARS,
                                         runs, work / "as_of")

    with duckdb.connect(str(database), read_only=True) as connection:
        payment_dates = pandas_baseline.payment_dates_of(connection)
        started, cpu_started = time.perf_counter(), time.process_time()
        baseline = pandas_baseline.recompute(exports, as_of, payment_dates=payment_dates)
        baseline_seconds = time.perf_counter() - started
        baseline_cpu = time.process_time() - cpu_started
        marts = pandas_baseline.marts_figures(connection, baseline)
    found = pandas_baseline.differences(baseline, marts)
    month_end, dso = next(iter(baseline.dso_simple.items()))
    section.add(f"Pandas baseline (tests/benchmarks/pandas_baseline.py: aging by client at {as_of}, "
                f"company DSO at {month_end}, weighted days beyond terms by client over 365 days; "
                f"receipts dated by the warehouse's bank matching): {baseline_seconds:.1f} s wall, "
                f"{baseline_cpu:.1f} s CPU for "
                f"{len(baseline.aging):,} clients with a balance, DSO {dso}.")
    if found:
        section.add(f"It DISAGREES with the marts on {len(found):,} figures; the first ones:")
        section.add()
        for difference in found[:10]:
            section.add(f"    {difference}")
    else:
        section.add(f"It agrees with the marts to the cent on every figure compared "
                    f"({len(baseline.aging):,} clients x {len(pandas_baseline.AGING_COLUMNS)} aging columns, "
                    f"the DSO, {len(baseline.days_beyond_terms):,} clients' days beyond terms).")
    section.add()
    cold, plus_one = runs_by_name["cold"], runs_by_name["+1"]
    answer = statistics.median(times)
    section.add("Against the baseline (CPU seconds; the issue's targets in brackets): cold refresh "
                f"{cold.cpu_seconds / baseline_cpu:.1f}x the baseline [<= 0.2x], +1 day refresh "
                f"{plus_one.cpu_seconds / baseline_cpu:.1f}x [<= 0.02x]; an `ar_aging_at` answer is "
                f"{baseline_seconds / answer:,.0f}x faster than recomputing it [>= 1,000x, wall].")
    section.add()
    write_report(section, report)
    print(f"written to {report}")


def bank_line_count(exports: Path) -> int:
    lines = 0
    for statement in exports.glob("bank_n43_*.n43"):
        lines += sum(1 for line in statement.open("rb") if line.startswith(b"22"))
    for statement in exports.glob("bank_camt053_*.xml"):
        lines += statement.read_bytes().count(b"<Ntry>")
    return lines


if __name__ == "__main__":
    main()
