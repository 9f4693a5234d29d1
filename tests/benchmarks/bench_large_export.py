"""Benchmark: the loader on one large receipts export (300 MB by default), generated in
a temporary folder, never committed.

Prints figures, asserts nothing about time:
    .venv/bin/python tests/benchmarks/bench_large_export.py [MB ...]
Each size runs in its own process so its peak memory is its own. Above the loader's
MAX_EXPORT_MB a file is refused (quarantined with a report) without being read.
"""

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.config import Settings
from orchestration.ingest.loader import MAX_EXPORT_MB, ingest_entity

ROW = "R{:09d},C1,2025-06-25,EUR,1234.56,transfer,F-2025-000123 pago parcial\n"
CLIENTS = (
    "client_id,tax_id,legal_name,country,payment_terms_days,currency,updated_at\n"
    "C1,B12345674,Talleres Ebro S.L.,ES,30,EUR,2025-01-01T00:00:00\n"
)


def run_one(megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        settings = Settings(home=home, inbox=home / "inbox", quarantine=home / "quarantine")
        settings.make_dirs()
        (settings.inbox / "clients.csv").write_text(CLIENTS, encoding="utf-8")
        started = time.perf_counter()
        rows = 0
        with (settings.inbox / "receipts_large.csv").open("w", encoding="utf-8") as file:
            file.write("receipt_id,client_id,date,currency,amount,method,reference\n")
            while file.tell() < megabytes * 1_000_000:
                file.write(ROW.format(rows))
                rows += 1
        generated = time.perf_counter() - started
        with duckdb.connect(str(home / "warehouse.duckdb")) as conn:
            ingest_entity(conn, settings, "clients")
            started = time.perf_counter()
            [outcome] = ingest_entity(conn, settings, "receipts")
            took = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{megabytes} MB receipts export ({rows:,} rows, generated in {generated:.1f} s): "
            f"{outcome.status}, {outcome.rows:,} rows in {took:.1f} s, peak memory {peak_mb:,.0f} MB"
        )
        if outcome.message:
            print(f"  {outcome.message}")


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--one"]:
        run_one(int(arguments[1]))
        return
    sizes = [int(size) for size in arguments] or [300]
    print(f"loader limit: {MAX_EXPORT_MB} MB per export (orchestration/ingest/loader.py MAX_EXPORT_MB)")
    for megabytes in sizes:
        subprocess.run([sys.executable, __file__, "--one", str(megabytes)], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
