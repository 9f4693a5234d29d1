"""Where cartera keeps its files and what it reports in: one documented place.

Every setting has a default and a `CARTERA_*` environment variable that overrides it.
Settings are read when a run starts (`load_settings()`), never at import time.

| variable | default | meaning |
|---|---|---|
| CARTERA_HOME | ./data | holds inbox/, quarantine/, build/, dbt/ (dbt's target and logs), dagster/ (the run history) and the published database |
| CARTERA_INBOX | $CARTERA_HOME/inbox | where export files are dropped |
| CARTERA_QUARANTINE | $CARTERA_HOME/quarantine | rejected files and their reports |
| CARTERA_REPORTING_CURRENCY | EUR | currency of aging and KPIs |
| CARTERA_AS_OF_DATE | (latest data date) | the date every "as of" figure answers for |
| CARTERA_BANK_CSV_MAPPINGS | (none) | JSON file of bank CSV column mappings, see below |
| CARTERA_GX_CHECKS | on | `off` skips the Great Expectations checks of the raw tables (orchestration/checks) |
| CARTERA_DUCKDB_MEMORY_LIMIT | 5.5 GiB (less on a machine under 10 GiB, see `default_memory_limit`) | DuckDB's memory cap while loading and building (`4GB`, `60%`...): above it DuckDB spills to the temp directory |
| CARTERA_DUCKDB_TEMP_DIRECTORY | $CARTERA_HOME/build/cartera.duckdb.tmp | where DuckDB spills what does not fit under the cap |
| CARTERA_DBT_THREADS | 2, or 1 above a million raw rows per GiB of the cap (see `Settings.dbt_threads_for`) | how many dbt models build at once |

Bank statements in Norma 43, camt, MT940 and OFX are recognised by their content. A
bank's CSV export is not: CARTERA_BANK_CSV_MAPPINGS names a JSON object whose keys are
file-name patterns (shell globs, case-insensitive) and whose values are the fields of
`orchestration.readers.bank.BankCsvMapping`; the first pattern matching a file's name
says how to read it. For example:

    {"movimientos_*.csv": {"account": "ES9121000418450200051332", "date_column": "Fecha",
                           "description_column": "Concepto", "amount_column": "Importe",
                           "balance_column": "Saldo"}}
"""

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DATABASE_FILE_NAME = "cartera.duckdb"

GIB = 2**30
# A refresh's whole process tree (cartera's process, dbt's, and DuckDB in each) is to stay
# within 8 GiB, or within 80 % of a smaller machine's memory (DECISIONLOG: DuckDB's memory
# cap). DuckDB is the part that grows with the data; the rest is Python: at L, cartera's
# process keeps ~1.5 GiB after loading, and dbt's process runs ~0.7 GiB above the cap (its
# Python, DuckDB's allocations outside its buffer pool), so the cap leaves 2.5 GiB to them.
REFRESH_MEMORY_BUDGET = 8 * GIB
PYTHON_MEMORY_HEADROOM = 5 * GIB // 2
# Two dbt threads up to this many raw rows per GiB of DuckDB's cap: M (2.1 M raw rows) built
# at two threads within the 5.5 GiB cap, L (~35 M) ran out of memory (DECISIONLOG: dbt threads).
RAW_ROWS_PER_GIB_FOR_TWO_THREADS = 1_000_000
DBT_PROJECT_DIR = Path(__file__).resolve().parent.parent / "dbt_project"


def default_memory_limit(ram_bytes: int | None = None) -> str:
    """DuckDB's cap when CARTERA_DUCKDB_MEMORY_LIMIT is not set: the refresh's budget (8 GiB,
    or 80 % of the machine's memory when that is less) less the Python headroom, and never
    under a quarter of the budget. 5.5 GiB from 10 GiB of memory up; 3.9 GiB on 8 GiB."""
    ram = ram_bytes or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    budget = min(REFRESH_MEMORY_BUDGET, ram * 8 // 10)
    return f"{max(budget - PYTHON_MEMORY_HEADROOM, budget // 4) // 2**20}MiB"


# The units DuckDB's memory_limit takes (decimal and binary); a percentage is of the machine's memory.
_BYTE_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
               "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def memory_limit_bytes(limit: str, ram_bytes: int | None = None) -> int:
    """A DuckDB memory_limit setting ("5632MiB", "4GB", "60%") in bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z%]*)\s*", limit)
    unit = match and match.group(2).lower()
    if not match or (unit != "%" and unit not in _BYTE_UNITS):
        raise ValueError(f"CARTERA_DUCKDB_MEMORY_LIMIT: {limit!r} is not an amount of memory such as 4GB, 5632MiB or 60%")
    if unit == "%":
        ram = ram_bytes or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return int(float(match.group(1)) * ram / 100)
    return int(float(match.group(1)) * _BYTE_UNITS[unit])


@dataclass(frozen=True)
class Settings:
    home: Path
    inbox: Path
    quarantine: Path
    reporting_currency: str = "EUR"
    as_of_date: date | None = None
    bank_csv_mappings: Path | None = None
    gx_checks: bool = True
    duckdb_memory_limit: str = field(default_factory=default_memory_limit)
    duckdb_temp_directory: Path | None = None
    dbt_threads: int | None = None

    @property
    def build_db(self) -> Path:
        # Same file name as the published copy: DuckDB names the catalog after the file,
        # and dbt's views and the ar_aging_at macro refer to it by that name.
        return self.home / "build" / DATABASE_FILE_NAME

    @property
    def published_db(self) -> Path:
        return self.home / DATABASE_FILE_NAME

    @property
    def dbt_target(self) -> Path:
        # dbt's artefacts (manifest, partial parse, run results, logs) per home: two
        # refreshes from one checkout on two homes never share or lock one target/.
        return self.home / "dbt" / "target"

    def duckdb_config(self) -> dict[str, str]:
        """Settings of the connections that write the build database: the loader's here,
        dbt's through the same variables (orchestration/dbt_home.py)."""
        temp_directory = self.duckdb_temp_directory or self.build_db.with_name(DATABASE_FILE_NAME + ".tmp")
        return {"memory_limit": self.duckdb_memory_limit, "temp_directory": str(temp_directory)}

    def dbt_duckdb_config(self) -> dict[str, str]:
        """dbt's connection: the loader's settings, and the rows of a table built in any
        order. Keeping insertion order makes DuckDB hold a whole result in memory to write it
        in order; at L two marts built at once ran out of memory for it. No model
        reads a table's order (every ordering is a window's or a query's ORDER BY); the
        loader's connection keeps it, as it numbers a CSV file's lines by rowid."""
        return self.duckdb_config() | {"preserve_insertion_order": "false"}

    def dbt_threads_for(self, raw_rows: int) -> int:
        """dbt's threads for a build over this many rows in the raw tables: the setting's,
        else two up to a million raw rows per GiB of DuckDB's memory cap, one above
        (DECISIONLOG: dbt threads). A small build's node time is mostly dbt's Python, which
        a second thread overlaps with DuckDB's work; a large one's is DuckDB's, which uses
        every core by itself, and two heavy nodes at once share the one cap: at L they ran
        out of memory together where either alone fits. Raw rows, not the file's size: a
        cold build starts from a file holding the raw tables alone."""
        if self.dbt_threads is not None:
            return self.dbt_threads
        return 1 if raw_rows > RAW_ROWS_PER_GIB_FOR_TWO_THREADS * memory_limit_bytes(self.duckdb_memory_limit) // GIB else 2

    def dbt_vars(self) -> dict[str, str]:
        dbt_vars = {"reporting_currency": self.reporting_currency}
        if self.as_of_date is not None:
            dbt_vars["as_of_date"] = self.as_of_date.isoformat()
        return dbt_vars

    def make_dirs(self) -> None:
        for folder in (self.inbox, self.quarantine, self.build_db.parent):
            folder.mkdir(parents=True, exist_ok=True)


def load_settings(home: Path | str | None = None) -> Settings:
    env = os.environ
    root = Path(home or env.get("CARTERA_HOME") or "data").resolve()
    as_of = env.get("CARTERA_AS_OF_DATE")
    bank_csv_mappings = env.get("CARTERA_BANK_CSV_MAPPINGS")
    temp_directory = env.get("CARTERA_DUCKDB_TEMP_DIRECTORY")
    return Settings(
        home=root,
        inbox=Path(env.get("CARTERA_INBOX") or root / "inbox").resolve(),
        quarantine=Path(env.get("CARTERA_QUARANTINE") or root / "quarantine").resolve(),
        reporting_currency=(env.get("CARTERA_REPORTING_CURRENCY") or "EUR").upper(),
        as_of_date=date.fromisoformat(as_of) if as_of else None,
        bank_csv_mappings=Path(bank_csv_mappings).resolve() if bank_csv_mappings else None,
        gx_checks=_on_or_off("CARTERA_GX_CHECKS", env.get("CARTERA_GX_CHECKS") or "on"),
        duckdb_memory_limit=env.get("CARTERA_DUCKDB_MEMORY_LIMIT") or default_memory_limit(),
        duckdb_temp_directory=Path(temp_directory).resolve() if temp_directory else None,
        dbt_threads=_positive_int("CARTERA_DBT_THREADS", env.get("CARTERA_DBT_THREADS")),
    )


def _on_or_off(variable: str, value: str) -> bool:
    if value.strip().lower() not in ("on", "off"):
        raise ValueError(f"{variable} must be on or off, not {value!r}")
    return value.strip().lower() == "on"


def _positive_int(variable: str, value: str | None) -> int | None:
    if not value:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"{variable} must be a whole number from 1, not {value!r}")
    return int(value)
