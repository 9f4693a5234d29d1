"""Benchmark: the loader on one large export, generated in a temporary folder, never
committed: a receipts export of so many MB (300 by default) and, with --documents N, a
documents export of N rows written by DuckDB's COPY.

Prints figures, asserts nothing about time:
    .venv/bin/python tests/benchmarks/bench_large_export.py [MB ...] [--documents ROWS ...]
Each export loads in its own process so its peak memory (RSS) is its own. The warehouse
is opened as a refresh opens it (CARTERA_DUCKDB_MEMORY_LIMIT, CARTERA_DUCKDB_TEMP_DIRECTORY).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.config import load_settings
from orchestration.ingest.loader import ingest_entity

ROW = "R{:09d},C1,2025-06-25,EUR,1234.56,transfer,F-2025-000123 pago parcial\n"
CLIENTS = (
    "client_id,tax_id,legal_name,country,payment_terms_days,currency,updated_at\n"
    "C1,B12345674,Talleres Ebro S.L.,ES,30,EUR,2025-01-01T00:00:00\n"
)
# One invoice per row, every column of the contract filled as an invoicing system would.
DOCUMENTS_COPY = """
copy (
    select
        'D' || lpad(cast(i as varchar), 9, '0') as document_id,
        'invoice' as type,
        'F-2025-' || lpad(cast(i as varchar), 9, '0') as number,
        'C1' as client_id,
        date '2025-01-01' + cast(i % 300 as integer) as issue_date,
        date '2025-01-01' + cast(i % 300 as integer) + 60 as due_date,
        'EUR' as currency,
        '1000.00' as net, '210.00' as tax, '150.00' as withholding, '1060.00' as total,
        '' as related_document_id,
        'PO-' || cast(i % 9973 as varchar) as purchase_order,
        'issued' as status,
        '2025-11-01T18:00:00' as updated_at,
        '3' as early_discount_pct, '10' as early_discount_days,
        'false' as in_dispute, '' as dispute_reason
    from range(?) as numbers(i)
) to '{path}' (header, delimiter ',')
"""


def _home(folder: str):
    settings = load_settings(Path(folder))
    settings.make_dirs()
    (settings.inbox / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    return settings


def _receipts(settings, megabytes: int) -> tuple[str, int]:
    rows = 0
    with (settings.inbox / "receipts_large.csv").open("w", encoding="utf-8") as file:
        file.write("receipt_id,client_id,date,currency,amount,method,reference\n")
        while file.tell() < megabytes * 1_000_000:
            file.write(ROW.format(rows))
            rows += 1
    return "receipts", rows


def _documents(settings, rows: int) -> tuple[str, int]:
    path = settings.inbox / "documents_large.csv"
    with duckdb.connect() as conn:
        conn.execute(DOCUMENTS_COPY.format(path=path), [rows])
    return "documents", rows


def run_one(kind: str, size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = _home(folder)
        started = time.perf_counter()
        entity, rows = _receipts(settings, size) if kind == "receipts" else _documents(settings, size)
        generated = time.perf_counter() - started
        file_mb = sum(path.stat().st_size for path in settings.inbox.glob(f"{entity}_*")) / 1_000_000
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with duckdb.connect(str(settings.build_db), config=settings.duckdb_config()) as conn:
            ingest_entity(conn, settings, "clients")
            started = time.perf_counter()
            cpu_started = time.process_time()
            [outcome] = ingest_entity(conn, settings, entity)
            took = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{entity} export of {file_mb:,.0f} MB ({rows:,} rows, generated in {generated:.1f} s): "
            f"{outcome.status}, {outcome.rows:,} rows in {took:.1f} s wall / {cpu:.1f} s CPU, "
            f"peak RSS {peak_mb:,.0f} MB (before loading {before_mb:,.0f} MB), "
            f"DuckDB memory limit {settings.duckdb_memory_limit}, load average {os.getloadavg()[0]:.1f}"
        )
        if outcome.message:
            print(f"  {outcome.message}")


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--one"]:
        run_one(arguments[1], int(arguments[2]))
        return
    runs, kind = [], "receipts"
    for argument in arguments:
        if argument == "--documents":
            kind = "documents"
        else:
            runs.append((kind, int(argument)))
    for kind, size in runs or [("receipts", 300)]:
        subprocess.run([sys.executable, __file__, "--one", kind, str(size)], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
