"""Benchmark: bank statement parsing and loading per line, Norma 43 and camt.053.

The demo company's own bank movements (orchestration/demo_bank.py: a 300-client company,
seed 42) are repeated up to LINES movements and written as one Norma 43 file and one
camt.053 file of one account in a temporary folder (never committed). Each file is then,
in a process of its own (so its peak RSS is its own):
  - parsed: `read_bank_statement`, the reader ingestion calls;
  - parsed and loaded: `ingest_bank_statements` into a fresh warehouse, as a refresh does.
Prints CPU (user + sys) and wall time per line and peak RSS; asserts nothing about time:
    .venv/bin/python tests/benchmarks/bench_bank_parsing.py [--lines 200000] [--formats norma43 camt053]
"""

import argparse
import itertools
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
# Imported here, not timed: DuckDB imports pandas on the first Arrow table registered, and a
# refresh process has it imported long before (0.5 s, once per process, not per line).
import pandas  # noqa: F401

from orchestration.config import load_settings
from orchestration.demo_bank import N43_ACCOUNT, DemoBank, camt_file, norma43_file, spanish_iban
from orchestration.demo_data import DemoCompany
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.readers.bank import read_bank_statement

STATEMENT_MOVEMENTS = 50_000
FILE_NAMES = {"norma43": "bank_large.n43", "camt053": "bank_large.xml"}


def _movements(lines: int):
    """The demo's movements of both accounts, repeated until there are `lines`, each
    repetition with its own references so no two lines are the same movement."""
    company = DemoCompany(300, 2, 42, date(2026, 10, 31))
    company.build()
    bank = DemoBank(company, 42)
    bank.build()
    demo = bank.n43 + bank.camt
    return [
        replace(movement, reference=f"{movement.reference}R{index // len(demo)}")
        for index, movement in zip(range(lines), itertools.cycle(demo))
    ], company


def write_files(folder: Path, lines: int, formats: list[str]) -> dict[str, Path]:
    movements, company = _movements(lines)
    paths = {}
    for file_format in formats:
        path = paths[file_format] = folder / FILE_NAMES[file_format]
        if file_format == "norma43":
            data = _norma43(movements, company)
        else:
            data = camt_file(spanish_iban(*N43_ACCOUNT), (2026, 10), company.start, company.end, 0, movements)
        path.write_bytes(data)
    return paths


def _norma43(movements, company) -> bytes:
    """One Norma 43 file of one account, a statement (records 11 to 33) per
    STATEMENT_MOVEMENTS movements, as record 33 counts at most 99,999 debits."""
    records = []
    for first in range(0, len(movements), STATEMENT_MOVEMENTS):
        chunk = movements[first : first + STATEMENT_MOVEMENTS]
        records += norma43_file(N43_ACCOUNT, company.start, company.end, 0, chunk).split(b"\r\n")[:-2]
    records.append(f"88{'9' * 18}{len(records):06d}".ljust(80).encode("latin-1"))
    return b"\r\n".join(records) + b"\r\n"


def _usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_one(step: str, path: Path, lines: int) -> None:
    """One step on one file, in this process: prints one line of figures."""
    data_mb = path.stat().st_size / 1_000_000
    cpu_before, rss_before = _usage()
    started = time.perf_counter()
    if step == "parse":
        parsed = read_bank_statement(path.name, path.read_bytes())
        rows = parsed.line_columns.num_rows
        what = "parse"
    else:
        with tempfile.TemporaryDirectory() as home:
            settings = load_settings(Path(home))
            settings.make_dirs()
            (settings.inbox / path.name).write_bytes(path.read_bytes())
            cpu_before, _ = _usage()
            started = time.perf_counter()
            with duckdb.connect(str(settings.build_db), config=settings.duckdb_config()) as conn:
                [outcome] = ingest_bank_statements(conn, settings).outcomes
                rows = outcome.rows
                assert outcome.status == "loaded", outcome
        what = "parse + load"
    wall = time.perf_counter() - started
    cpu_after, rss_after = _usage()
    cpu = cpu_after - cpu_before
    print(
        f"  {path.suffix[1:]:>3} {what:<12} {rows:>9,} lines, {data_mb:7.1f} MB: "
        f"{cpu / rows * 1e6:7.2f} us CPU / {wall / rows * 1e6:7.2f} us wall per line "
        f"({cpu:.1f} s CPU, {wall:.1f} s wall), peak RSS {rss_after:,.0f} MB "
        f"(before {rss_before:,.0f} MB)",
        flush=True,
    )


def main(arguments: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="movements per file")
    parser.add_argument("--formats", nargs="+", default=["norma43", "camt053"], choices=sorted(FILE_NAMES))
    parser.add_argument("--one", nargs=3, metavar=("STEP", "PATH", "LINES"), help=argparse.SUPPRESS)
    parser.add_argument("--write", metavar="FOLDER", help=argparse.SUPPRESS)
    options = parser.parse_args(arguments)
    if options.one:
        run_one(options.one[0], Path(options.one[1]), int(options.one[2]))
        return
    if options.write:
        write_files(Path(options.write), options.lines, options.formats)
        return
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        # Written by a process of its own: Linux keeps a process's peak RSS across exec, so
        # the measuring processes must not be started from one that held the movements.
        subprocess.run(
            [sys.executable, __file__, "--write", folder, "--lines", str(options.lines), "--formats", *options.formats],
            check=True,
        )
        paths = {file_format: Path(folder) / FILE_NAMES[file_format] for file_format in options.formats}
        print(
            f"bank parsing: {options.lines:,} movements per file, written in "
            f"{time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for file_format, path in paths.items():
            for step in ("parse", "load"):
                subprocess.run(
                    [sys.executable, __file__, "--one", step, str(path), str(options.lines)], check=True
                )


if __name__ == "__main__":
    main(sys.argv[1:])
