"""Benchmark: every page's queries on a published demo warehouse, median and p95 per page.

Prints figures, asserts nothing about time (`make bench`). A "page" is one query module of
dashboards/queries (frame is the entrypoint's, run on every page); one page load calls each
of its cached functions once, uncached, with typical parameters chosen by parameter name
(`database`, `as_of`, `client_id`, `start`/`end`, `limit`, `text`, `home`, `filters` = none
chosen, `until`, `previous`, `language`, `page` = a long list's first page...; anything
with a default keeps it), except the ones a click reads (ON_DEMAND), timed apart. The
target is 200 ms per page.

    python tests/benchmarks/bench_pages.py [--home CARTERA_HOME] [--runs 20] [--queries] [--render N]

Beside the wall-clock times, the median CPU time of a load (this process's, DuckDB's
threads included) is printed: on a shared, loaded machine the wall time grows with the
load while the CPU time is the page's own cost. --queries also prints each query's median
wall and CPU time.

--render N also draws each page whole N times (AppTest, signed in as admin, the typical
client chosen, the data cache cleared before each draw): the queries plus what the page
does with their rows (tables formatted, reasons worded), which the figures above leave
out; at L that part was most of some pages (a table of 1,000 rows ~1 s of CPU).

Without --home, the committed demo exports are refreshed into a temporary home first
(about a minute).
"""

import argparse
import importlib
import inspect
import os
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
DEMO_EXPORTS = REPO / "seeds" / "demo"
CARTERA = Path(sys.executable).parent / "cartera"
TARGET_MS = 200
# Read on a click, not on a page load: timed apart, not in the page's figures.
ON_DEMAND = {("committee", "review_cards"): "the meeting pack's rows, read when it is downloaded"}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--home", type=Path, help="a CARTERA_HOME with a published warehouse")
    arguments.add_argument("--runs", type=int, default=20, help="page loads per page")
    arguments.add_argument("--queries", action="store_true", help="also each query's times")
    arguments.add_argument("--render", type=int, default=0, metavar="N",
                           help="also draw each page whole N times (AppTest)")
    options = arguments.parse_args()
    print(f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")
    if options.home is not None:
        bench(options.home, options.runs, options.queries)
        if options.render:
            render(options.home, options.render)
        return
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        publish_demo(home)
        bench(home, options.runs, options.queries)
        if options.render:
            render(home, options.render)


def publish_demo(home: Path) -> None:
    (home / "inbox").mkdir(parents=True)
    for export in sorted(DEMO_EXPORTS.iterdir()):
        if export.is_file():
            shutil.copy(export, home / "inbox")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CARTERA_")}
    env["DAGSTER_HOME"] = str(home / "dagster")
    started = time.perf_counter()
    result = subprocess.run(
        [str(CARTERA), "refresh", "--home", str(home)],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
    print(f"demo refreshed in {time.perf_counter() - started:.0f} s")


@dataclass(frozen=True)
class PageTimes:
    name: str
    queries: int
    median_ms: float
    p95_ms: float
    slowest: str  # the slowest query and its median ms
    skipped: tuple[str, ...] = ()  # queries with a parameter that has no typical value
    cpu_median_ms: float = 0.0  # CPU time of a load, this process's (DuckDB's threads too)


def bench(home: Path, runs: int, each_query: bool = False) -> list[PageTimes]:
    """Prints each page's figures and returns them (tests/benchmarks/bench.py writes them)."""
    os.environ["CARTERA_HOME"] = str(home)
    os.environ.pop("CARTERA_PUBLISHED_DB", None)
    from dashboards import db
    from dashboards.queries import frame
    from dashboards.queries.base import PAGE_ROWS, Page
    from dashboards.selection import Filters

    path = home / "cartera.duckdb"
    database = db.PublishedDatabase(db.file_identity(path))
    as_of = frame.published_as_of.__wrapped__(database)
    client_id = typical_client(path)
    typical = {
        "database": database,
        "as_of": None,
        "client_id": client_id,
        "start": as_of - timedelta(days=90),
        "end": as_of,
        "limit": 10,
        "text": "sa",
        "home": home,
        "reason_type": "moroso",  # the payment behaviour page's call (the late payers' reasons)
        "period_type": "trailing_12_months",
        "period_end": as_of,
        "filters": Filters(),
        "until": as_of,
        "previous": as_of.replace(day=1) - timedelta(days=1),
        "language": "es",
        "step_order": 3,
        "months": 12,
        "dimension_type": "company",
        "dimension_value": "all",
        "schema": "raw",
        "table": "file_registry",
        "period_type": "trailing_12_months",
        "period_end": as_of,
        "page": Page(0, PAGE_ROWS),  # a long list's first page, as a page load reads it
    }
    print(f"{runs} loads per page on {path} (as of {as_of}, client {client_id}); "
          f"target {TARGET_MS} ms per page")
    print(f"{'page':<20}{'queries':>8}{'median ms':>11}{'p95 ms':>9}{'CPU ms':>8}  "
          f"slowest query (median ms)")
    results = []
    for name, functions in pages():
        calls, skipped, on_demand = [], [], []
        for function_name, function in functions:
            arguments = arguments_for(function, typical)
            if arguments is None:
                skipped.append(function_name)
            elif (name, function_name) in ON_DEMAND:
                on_demand.append((function_name, function, arguments))
            else:
                calls.append((function_name, function, arguments))
        loads, load_cpu = [], []
        per_query = {function_name: [] for function_name, _, _ in calls}
        per_query_cpu = {function_name: [] for function_name, _, _ in calls}
        for _ in range(runs):
            load_started, load_cpu_started = time.perf_counter(), time.process_time()
            for function_name, function, arguments in calls:
                started, cpu_started = time.perf_counter(), time.process_time()
                function(**arguments)
                per_query[function_name].append(time.perf_counter() - started)
                per_query_cpu[function_name].append(time.process_time() - cpu_started)
            loads.append(time.perf_counter() - load_started)
            load_cpu.append(time.process_time() - load_cpu_started)
        slowest = max(per_query.items(), key=lambda item: statistics.median(item[1]), default=None)
        slowest_text = (
            f"{slowest[0]} ({statistics.median(slowest[1]) * 1000:.1f})" if slowest else "-"
        )
        page = PageTimes(name, len(calls), statistics.median(loads) * 1000,
                         percentile(loads, 95) * 1000, slowest_text, tuple(skipped),
                         cpu_median_ms=statistics.median(load_cpu) * 1000)
        results.append(page)
        print(f"{name:<20}{page.queries:>8}{page.median_ms:>11.1f}{page.p95_ms:>9.1f}"
              f"{page.cpu_median_ms:>8.1f}  {slowest_text}")
        if each_query:
            for function_name in per_query:
                print(f"{'':<4}{function_name:<32}{statistics.median(per_query[function_name]) * 1000:>11.1f}"
                      f"{'':>9}{statistics.median(per_query_cpu[function_name]) * 1000:>8.1f}")
        if skipped:
            print(f"{'':<20}  not measured (no typical value for a parameter): {', '.join(skipped)}")
        for function_name, function, arguments in on_demand:
            times = []
            for _ in range(max(3, runs // 4)):
                started = time.perf_counter()
                function(**arguments)
                times.append(time.perf_counter() - started)
            print(f"{'':<20}  on demand, not in the page load: {function_name} ({ON_DEMAND[(name, function_name)]}), "
                  f"median {statistics.median(times) * 1000:.1f} ms")
    return results


def typical_client(path: Path) -> str:
    """The client with the most statement movements (the client file's largest)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        (client_id,) = connection.execute(
            "select client_id from marts.statement_of_account "
            "group by client_id order by count(*) desc, client_id limit 1"
        ).fetchone()
    return client_id


def render(home: Path, runs: int) -> None:
    """Prints each page's whole draw (median wall and CPU ms of `runs`), data cache cleared."""
    sys.path.insert(0, str(REPO / "tests" / "dashboards"))
    import apptest
    import streamlit as st

    print(f"each page drawn whole, {runs} times (AppTest, admin, client {typical_client(home / 'cartera.duckdb')}); "
          f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"{'page':<20}{'median ms':>11}{'CPU ms':>8}")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CARTERA_APP_DB_URL"] = f"sqlite:///{Path(folder) / 'app.sqlite'}"
        apptest.add_test_users(os.environ["CARTERA_APP_DB_URL"])
        app = apptest.run_app({"client_id": typical_client(home / "cartera.duckdb")}, "admin")
        app.default_timeout = 600
        for page in sorted((REPO / "dashboards" / "app_pages").glob("*.py")):
            walls, cpus, failure = [], [], None
            for _ in range(runs):
                st.cache_data.clear()
                started, cpu_started = time.perf_counter(), time.process_time()
                app.switch_page(f"app_pages/{page.name}").run()
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu_started)
                if app.exception:
                    failure = app.exception[0].message.splitlines()[0]
                    break
            print(f"{page.stem:<20}{statistics.median(walls) * 1000:>11.0f}{statistics.median(cpus) * 1000:>8.0f}"
                  + (f"  FAILED: {failure}" if failure else ""))


def pages():
    """(module name, [(function name, uncached function)]) per query module."""
    import dashboards.queries as package

    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"dashboards.queries.{module_info.name}")
        functions = [
            (name, value.__wrapped__)
            for name, value in vars(module).items()
            if hasattr(value, "__wrapped__") and hasattr(value, "clear")
            and getattr(value.__wrapped__, "__module__", None) == module.__name__
        ]
        if functions:
            yield module_info.name, functions


def arguments_for(function, typical: dict) -> dict | None:
    """Keyword arguments by parameter name; None when one has no typical value."""
    arguments = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in typical:
            arguments[parameter.name] = typical[parameter.name]
        elif parameter.default is not inspect.Parameter.empty:
            arguments[parameter.name] = parameter.default
        else:
            return None
    return arguments


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
