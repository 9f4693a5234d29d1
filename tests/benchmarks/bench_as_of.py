"""Benchmark: `marts.ar_aging_at(date)` at L scale (issue 17, part 2) without generating
and refreshing L. Figures, never pass/fail.

    python tests/benchmarks/bench_as_of.py [--warehouse CARTERA_DUCKDB] [--documents 10000000]
        [--clients 100000] [--years 5] [--runs 20] [--keep FOLDER]

1. Tables shaped like int_receivable_item_balances and int_receipt_balances (and
   int_clients_current) are written straight into a DuckDB file with generate_series-style
   SQL: `--documents` items issued evenly over `--years`, in a shuffled order (as dbt
   writes them), terms 30/60/90 days; 85 % paid in one receipt 10 days early to 60 late,
   10 % in two, 3 % never, 2 % unlinked credit notes; as many receipts, 95 % applied the
   day they arrive, 3 % some days later, 2 % never. A payment after the last day is not
   there yet.
2. The real models int_open_item_months and int_unapplied_receipt_months are built on them
   by `dbt run --select` (timed), and `marts.ar_aging_at` is created from the definition
   in a built warehouse (`--warehouse`; without it the aging fixture is built first).
3. The file is published the way a refresh publishes (orchestration.publish), and the
   published copy answers `ar_aging_at` for dates that are not month ends, spread over the
   years: median and p95 of `--runs` calls per date (the answer fetched as an Arrow table,
   as the dashboards read it; one date also as Python tuples), EXPLAIN ANALYZE's row
   groups read, and the same figures for the range read over every open period (the plan
   before part 2: same macro, month lookup removed) at a few of those dates, with both
   answers compared to the cent.
"""

import argparse
import os
import resource
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from orchestration.publish import publish  # noqa: E402

# The dashboards' own read (dashboards/db.py says why it keeps `execute`).
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result makes an extra copy", category=UserWarning)

DBT = Path(sys.executable).parent / "dbt"
DBT_PROJECT = REPO / "dbt_project"
AGING_FIXTURE = REPO / "tests" / "fixtures" / "aging_inbox"
MONTH_TABLES = ("int_open_item_months", "int_unapplied_receipt_months")
L_DOCUMENTS, L_CLIENTS, L_YEARS = 10_000_000, 100_000, 5  # the L


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


# --- the synthetic warehouse -------------------------------------------------------------

def write_periods(conn, documents: int, clients: int, first_day: date, days: int) -> None:
    """Items and receipts as the settlement engine leaves them: one row per period. Item i
    takes the place p = i * 7919 mod n (a permutation when n is not a multiple of 7919),
    so dates arrive in no order, as from dbt's joins. Amounts are cents cast to DECIMAL."""
    last_day = first_day + timedelta(days=days - 1)
    shuffle = 7919 if documents % 7919 else 7907
    conn.execute("create schema if not exists intermediate")
    conn.execute("create schema if not exists marts")
    conn.execute(f"""
        create or replace temp table items as
        with drawn as (
            select
                i,
                date '{first_day}' + cast((i * {shuffle} % {documents}) * {days} // {documents} as integer) as issue_date,
                cast(hash(i, 1) % 1000 as integer) as kind,
                [30, 60, 90][1 + cast(hash(i, 2) % 3 as integer)] as terms,
                cast(cast(5000 + cast(hash(i, 3) % 500000 as integer) as decimal(18, 0)) * 0.01 as decimal(18, 2)) as amount,
                cast(cast(hash(i, 4) % 71 as integer) as integer) - 10 as delay,
                'C' || lpad(cast(cast(hash(i, 5) % {clients} as integer) as varchar), 6, '0') as client_id
            from range({documents}) as r(i)
        )
        select
            i, issue_date, client_id, kind,
            case when kind < 20 then 'credit_note' else 'installment' end as item_type,
            case when kind < 20 then -amount else amount end as amount,
            case when kind < 20 then issue_date else issue_date + terms end as due_date,
            case
                when kind < 50 then null
                when kind < 150 then greatest(issue_date + 1, issue_date + terms + delay - 15)
                else greatest(issue_date + 1, issue_date + terms + delay)
            end as first_payment,
            case when kind >= 50 and kind < 150 then issue_date + terms + delay + 30 end as second_payment
        from drawn
    """)
    item_columns = f"""
        item_type, 'D' || lpad(cast(i as varchar), 9, '0') as document_id, cast(1 as bigint) as installment_no,
        case when item_type = 'credit_note' then 'credit_note' else 'invoice' end as document_type,
        'F-' || cast(i as varchar) as document_number, client_id, 'EUR' as currency_code,
        issue_date, due_date, amount as item_amount"""
    period = """
        {valid_from} as valid_from, {valid_to} as valid_to,
        cast(amount - ({outstanding}) as decimal(18, 2)) as settled_amount,
        cast({outstanding} as decimal(18, 2)) as outstanding_amount,
        cast({outstanding} as decimal(18, 2)) as outstanding_reporting_amount,
        cast(hash(i, 6) % 100 as integer) = 0 as is_in_dispute, cast(1 as decimal(18, 10)) as to_reporting_factor"""
    half = "cast(cast(amount as decimal(38, 2)) * 0.5 as decimal(18, 2))"
    paid_1 = f"case when first_payment <= date '{last_day}' then first_payment end"
    paid_2 = f"case when second_payment <= date '{last_day}' then second_payment end"
    conn.execute(f"""
        create or replace table intermediate.int_receivable_item_balances as
        select {item_columns}, {period.format(valid_from='issue_date', valid_to=paid_1, outstanding='amount')}
        from items
        union all
        select {item_columns}, {period.format(valid_from='first_payment', valid_to=f'case when second_payment is null then null else {paid_2} end',
                                              outstanding=f'case when second_payment is null then 0 else amount - {half} end')}
        from items where first_payment <= date '{last_day}'
        union all
        select {item_columns}, {period.format(valid_from='second_payment', valid_to='cast(null as date)', outstanding='0')}
        from items where second_payment <= date '{last_day}'
    """)
    conn.execute(f"""
        create or replace temp table receipts as
        select
            i,
            'R' || lpad(cast(i as varchar), 9, '0') as receipt_id,
            'C' || lpad(cast(cast(hash(i, 7) % {clients} as integer) as varchar), 6, '0') as client_id,
            date '{first_day}' + cast((i * {shuffle} % {documents}) * {days} // {documents} as integer) as payment_date,
            cast(cast(5000 + cast(hash(i, 8) % 500000 as integer) as decimal(18, 0)) * 0.01 as decimal(18, 2)) as receipt_amount,
            cast(hash(i, 9) % 100 as integer) as kind,
            cast(5 + cast(hash(i, 10) % 36 as integer) as integer) as days_to_apply
        from range({documents}) as r(i)
    """)
    receipt_columns = "receipt_id, client_id, 'EUR' as currency_code, payment_date, receipt_amount, cast(1 as decimal(18, 10)) as to_reporting_factor"
    applied_on = f"case when payment_date + days_to_apply <= date '{last_day}' then payment_date + days_to_apply end"
    conn.execute(f"""
        create or replace table intermediate.int_receipt_balances as
        select {receipt_columns}, payment_date as valid_from,
            case when kind >= 2 and kind < 5 then {applied_on} end as valid_to,
            case when kind < 5 then receipt_amount else cast(0 as decimal(18, 2)) end as unapplied_amount,
            case when kind < 5 then receipt_amount else cast(0 as decimal(18, 2)) end as unapplied_reporting_amount
        from receipts
        union all
        select {receipt_columns}, payment_date + days_to_apply, null, cast(0 as decimal(18, 2)), cast(0 as decimal(18, 2))
        from receipts where kind >= 2 and kind < 5 and payment_date + days_to_apply <= date '{last_day}'
    """)
    conn.execute(f"""
        create or replace table intermediate.int_clients_current as
        select 'C' || lpad(cast(c as varchar), 6, '0') as client_id, 'Client ' || c as client_name,
            ['Madrid', 'Zaragoza', 'Sevilla'][1 + c % 3] as branch, ['Lucía', 'Pedro'][1 + c % 2] as salesperson
        from range({clients}) as r(c)
    """)


def build_month_tables(home: Path) -> tuple[float, float]:
    """The real models, by dbt, on the synthetic periods: wall and CPU seconds."""
    command = [str(DBT), "run", "--select", " ".join(MONTH_TABLES),
               "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
               "--target-path", str(home / "dbt_target"), "--log-path", str(home / "dbt_logs")]
    env = {**os.environ, "CARTERA_HOME": str(home), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"dbt run failed:\n{result.stdout[-4000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - started, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def aging_at_definition(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        (definition,) = conn.execute(
            "select macro_definition from duckdb_functions() where function_name = 'ar_aging_at' "
            "and schema_name = 'marts'").fetchone()
    return definition


def built_fixture_warehouse(work: Path) -> Path:
    from tests.dbt.warehouse import build_warehouse
    return build_warehouse(AGING_FIXTURE, work / "fixture", {"as_of_date": "2025-06-30"}, select="+ar_aging")


# --- measuring -----------------------------------------------------------------------------

@dataclass
class Calls:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # every DuckDB thread of this process

    def add(self, other: "Calls") -> None:
        self.wall += other.wall
        self.cpu += other.cpu

    def figures(self) -> str:
        return (f"median {statistics.median(self.wall) * 1000:.0f} ms, p95 {percentile(self.wall, 95) * 1000:.0f} ms "
                f"wall; CPU median {statistics.median(self.cpu) * 1000:.0f} ms, p95 {percentile(self.cpu, 95) * 1000:.0f} ms")


def timed_calls(conn, macro: str, day: date, runs: int, python_rows: bool = False) -> tuple[Calls, list[tuple]]:
    """`runs` calls of the macro at `day`, each answer fetched as an Arrow table, the way
    the dashboards read (dashboards/db.py), or with python_rows as Python tuples: about
    1.7 M Python objects (DECIMALs as decimal.Decimal) for 100,000 clients, which cost
    more than the query itself. Returns the times and the sorted rows of one more call."""
    calls = Calls()
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = conn.execute(f"select * from marts.{macro}(?)", [day])
        result.fetchall() if python_rows else result.to_arrow_table()
        calls.wall.append(time.perf_counter() - started)
        calls.cpu.append(time.process_time() - cpu_started)
    return calls, sorted(conn.execute(f"select * from marts.{macro}(?)", [day]).fetchall())


def row_groups_read(conn, macro: str, day: date) -> list[str]:
    """EXPLAIN ANALYZE's table scans: the table and row groups read of the total."""
    plan = conn.execute(f"explain analyze select * from marts.{macro}(cast('{day}' as date))").fetchall()[0][1]
    tables = re.findall(r"Table: \S+?\.(\w+)\s*│", plan)
    groups = re.findall(r"Row Groups Scanned: ([\d,]+ / [\d,]+)", plan)
    return [f"{table} {group}" for table, group in zip(tables, groups)]


def dates_to_ask(first_day: date, days: int, count: int = 12) -> list[date]:
    """`count` dates spread over the history, none a month end nor a month start."""
    step = days // (count + 1)
    asked = []
    for k in range(1, count + 1):
        day = first_day + timedelta(days=k * step)
        if (day + timedelta(days=1)).day == 1 or day.day == 1:
            day += timedelta(days=2)
        asked.append(day)
    return asked


def run(warehouse: Path | None, documents: int, clients: int, years: int, runs: int, work: Path) -> list[str]:
    lines = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    definition = aging_at_definition(warehouse or built_fixture_warehouse(work))
    home = work / "synthetic"
    (home / "build").mkdir(parents=True, exist_ok=True)
    build_db = home / "build" / "cartera.duckdb"  # the catalog name the macro's definition names
    first_day, days = date(2021, 12, 1), 365 * years + years // 4
    say(f"`ar_aging_at` at scale (tests/benchmarks/bench_as_of.py): {documents:,} documents and as many "
        f"receipts over {years} years ({first_day} to {first_day + timedelta(days=days - 1)}), {clients:,} clients; "
        f"load average at the start {load()} (1 / 5 / 15 min).")
    say()
    started = time.perf_counter()
    with duckdb.connect(str(build_db)) as conn:
        write_periods(conn, documents, clients, first_day, days)
    generated = time.perf_counter() - started
    months_seconds, months_cpu = build_month_tables(home)
    with duckdb.connect(str(build_db)) as conn:
        conn.execute(f"create or replace macro marts.ar_aging_at(p_as_of_date) as table {definition}")
        # The plan before part 2 for comparison: the same macro reading every open period.
        unsliced = definition.replace("(balances.period_month = as_of_dates.period_month)", "true")
        for table, periods, open_column in (("int_open_item_months", "int_receivable_item_balances", "outstanding_amount"),
                                            ("int_unapplied_receipt_months", "int_receipt_balances", "unapplied_amount")):
            conn.execute(f"create or replace view marts.every_{table} as select cast(null as date) as period_month, * "
                         f"from intermediate.{periods} where {open_column} <> 0")
            unsliced = unsliced.replace(f"cartera.intermediate.{table}", f"cartera.marts.every_{table}")
        conn.execute(f"create or replace macro marts.ar_aging_every_period_at(p_as_of_date) as table {unsliced}")
        last_day = first_day + timedelta(days=days - 1)
        conn.execute("create or replace table marts.ar_aging as select * from marts.ar_aging_at(?)", [last_day])
        counts = {table: conn.execute(f"select count(*) from intermediate.{table}").fetchone()[0]
                  for table in ("int_receivable_item_balances", "int_receipt_balances", *MONTH_TABLES)}
    published = publish(build_db, home / "cartera.duckdb")
    say(f"- synthetic periods written in {generated:.1f} s: {counts['int_receivable_item_balances']:,} item periods, "
        f"{counts['int_receipt_balances']:,} receipt periods;")
    say(f"- `dbt run` of int_open_item_months + int_unapplied_receipt_months: {months_seconds:.1f} s wall, "
        f"{months_cpu:.1f} s CPU (dbt's parse included); {counts['int_open_item_months']:,} + "
        f"{counts['int_unapplied_receipt_months']:,} rows;")
    with duckdb.connect(str(published), read_only=True) as conn:
        asked = dates_to_ask(first_day, days)
        every_call, answers = Calls(), {}
        for day in asked:
            calls, answers[day] = timed_calls(conn, "ar_aging_at", day, runs)
            every_call.add(calls)
        clients_answered = statistics.median(len(rows) for rows in answers.values())
        say(f"- `marts.ar_aging_at` on the published copy, {len(asked)} dates ({asked[0]} … {asked[-1]}) x {runs} calls, "
            f"the answer as an Arrow table: {every_call.figures()} (median {clients_answered:,.0f} clients per answer); "
            f"load average now {load()};")
        middle = asked[len(asked) // 2]
        as_tuples, _ = timed_calls(conn, "ar_aging_at", middle, max(3, runs // 4), python_rows=True)
        say(f"- the same answer at {middle} as Python tuples (`fetchall`, how this figure was taken before): "
            f"{as_tuples.figures()};")
        say(f"- EXPLAIN ANALYZE at {middle}, row groups read: {'; '.join(row_groups_read(conn, 'ar_aging_at', middle))};")
        compared = asked[::4]
        before, agree = Calls(), True
        for day in compared:
            calls, rows = timed_calls(conn, "ar_aging_every_period_at", day, max(3, runs // 4))
            before.add(calls)
            agree = agree and rows == answers[day]
        say(f"- the range read over every open period (before part 2), {len(compared)} of those dates x "
            f"{max(3, runs // 4)} calls: {before.figures()}; row groups read: "
            f"{'; '.join(row_groups_read(conn, 'ar_aging_every_period_at', middle))}; its answers "
            f"{'equal' if agree else 'DIFFER FROM'} ar_aging_at's to the cent.")
    say()
    return lines


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--warehouse", type=Path, help="a built cartera.duckdb whose ar_aging_at definition is timed")
    arguments.add_argument("--documents", type=int, default=L_DOCUMENTS)
    arguments.add_argument("--clients", type=int, default=L_CLIENTS)
    arguments.add_argument("--years", type=int, default=L_YEARS)
    arguments.add_argument("--runs", type=int, default=20)
    arguments.add_argument("--keep", type=Path, help="work in this folder and leave it")
    options = arguments.parse_args()
    if options.keep:
        shutil.rmtree(options.keep / "synthetic", ignore_errors=True)
        options.keep.mkdir(parents=True, exist_ok=True)
        run(options.warehouse, options.documents, options.clients, options.years, options.runs, options.keep)
        return
    with tempfile.TemporaryDirectory(prefix="cartera-bench-as-of-") as folder:
        run(options.warehouse, options.documents, options.clients, options.years, options.runs, Path(folder))


if __name__ == "__main__":
    main()
