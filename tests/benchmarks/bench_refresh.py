"""Benchmark: a full `cartera refresh` on a generated company larger than the demo.

Prints figures, asserts nothing about time: `make bench` (CLIENTS=… YEARS=… to scale).
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.demo_data import generate

CARTERA = Path(sys.executable).parent / "cartera"


def main() -> None:
    clients = int(os.environ.get("CLIENTS", "3000"))
    years = int(os.environ.get("YEARS", "3"))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        started = time.perf_counter()
        counts = generate(home / "inbox", clients=clients, years=years, seed=1)
        generated = time.perf_counter() - started
        print(f"generated {clients} clients x {years} years in {generated:.1f} s: " + ", ".join(f"{name} {rows}" for name, rows in counts.items()))

        for run in ("first refresh (everything new)", "second refresh (nothing new)"):
            started = time.perf_counter()
            result = subprocess.run([str(CARTERA), "refresh", "--home", str(home)], capture_output=True, text=True)
            elapsed = time.perf_counter() - started
            if result.returncode != 0:
                sys.exit(result.stdout[-3000:] + result.stderr[-3000:])
            print(f"{run}: {elapsed:.1f} s")

        published = home / "cartera.duckdb"
        with duckdb.connect(str(published), read_only=True) as conn:
            tables = conn.execute(
                "select schema_name || '.' || table_name, estimated_size from duckdb_tables() "
                "where schema_name = 'marts' order by 1"
            ).fetchall()
        print(f"published {published.stat().st_size / 2**20:.1f} MiB")
        for name, rows in tables:
            print(f"  {name}: {rows} rows")


if __name__ == "__main__":
    main()
