"""The inbox's bank files read in order, by this process or, for a large inbox, by two others
while this one loads what they read.

Reading a bank file is Python (camt's XML above all: 43 µs a line, 74 s of L's 1.7 M camt
lines, 89 s of its 126 s bank ingestion); loading it is DuckDB's. The loader still takes the
files one at a time in the inbox's order, in one transaction each, so which file gets which
file id, what is a duplicate and what is quarantined do not depend on who read it.
"""

import hashlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from orchestration.readers.bank import BankCsvMapping, BankStatementFile, read_bank_statement

# Below this many bytes of bank files the readers' processes would cost more to start
# (~1 s: a spawned Python importing the readers) than they save; the demo's are a few MB.
PARALLEL_READ_BYTES = 64 * 2**20
READERS = 2
# Files read ahead of the one being loaded: the readers stay busy while a load runs, and at
# most this many read files wait in memory.
READ_AHEAD = 2 * READERS


@dataclass(frozen=True)
class BankFileToRead:
    path: Path
    mapping: BankCsvMapping | None


@dataclass(frozen=True)
class ReadBankFile:
    """One inbox file, its content's hash and size, and what reading it gives: `statement()`
    returns the file's statements or raises the reader's ExportError."""

    path: Path
    sha256: str
    size: int
    statement: Callable[[], BankStatementFile]


def read_bank_file(path: Path, mapping: BankCsvMapping | None) -> BankStatementFile:
    """A reader process's work: one file read whole (ExportError is raised back to the loader)."""
    return read_bank_statement(path.name, path.read_bytes(), mapping)


def read_in_order(files: list[BankFileToRead]) -> Iterator[ReadBankFile]:
    """The files in their order, each with what reading it gives; two reader processes
    read ahead when the files hold PARALLEL_READ_BYTES or more."""
    if sum(file.path.stat().st_size for file in files) < PARALLEL_READ_BYTES:
        for file in files:
            data = file.path.read_bytes()
            yield ReadBankFile(
                file.path, _sha256(data), len(data), partial(read_bank_statement, file.path.name, data, file.mapping)
            )
        return
    # Spawned, not forked: this process runs DuckDB's and Dagster's threads, and a fork
    # copies whatever lock one of them holds at that moment.
    with ProcessPoolExecutor(max_workers=READERS, mp_context=get_context("spawn")) as readers:
        waiting = iter(files)
        reading: deque = deque()

        def read_next() -> None:
            file = next(waiting, None)
            if file is not None:
                reading.append((file, readers.submit(read_bank_file, file.path, file.mapping)))

        for _ in range(READ_AHEAD):
            read_next()
        while reading:
            file, future = reading.popleft()
            read_next()
            data = file.path.read_bytes()
            yield ReadBankFile(file.path, _sha256(data), len(data), future.result)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
