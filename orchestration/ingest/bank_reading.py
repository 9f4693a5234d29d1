"""The inbox's bank files read in order, by this process or, for a large inbox, by two reader
processes while this one loads what they read.

Reading a bank file is Python (camt's XML above all: 43 µs a line, 74 s of L's 1.7 M camt
lines, 89 s of its 163 s bank ingestion); loading it is DuckDB's. The loader still takes the
files one at a time in the inbox's order, in one transaction each, so which file gets which
file id, what is a duplicate and what is quarantined do not depend on who read it.

A reader is `python -m orchestration.ingest.bank_reading`: it reads (path, mapping) pairs from
its stdin and answers each, in order, with the file's statements or the reader's error, pickled.
Not multiprocessing: its spawned children import the parent's `__main__` again (a test
worker's had become a Streamlit page, and the child ran it), and a forked child would copy
whatever lock DuckDB's, Dagster's or Arrow's threads hold at that moment.
"""

import hashlib
import os
import pickle
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import BinaryIO

from orchestration.readers.bank import BankCsvMapping, BankStatementFile, read_bank_statement

# Below this many bytes of bank files a reader process would cost more to start (~0.7 s:
# Python importing the readers) than it saves; the demo's are a few MB.
PARALLEL_READ_BYTES = 64 * 2**20
READERS = 2
# Files given to each reader ahead of the one being loaded: the readers stay busy while a
# load runs, and at most READERS x this many read files wait in the pipes.
READ_AHEAD = 2


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
    readers = [_start_reader() for _ in range(READERS)]
    try:
        waiting = iter(enumerate(files))
        reading: deque = deque()

        def read_next() -> None:
            task = next(waiting, None)
            if task is not None:
                index, file = task
                reader = readers[index % READERS]
                _send(reader.stdin, (file.path, file.mapping))
                reading.append((file, reader))

        for _ in range(READERS * READ_AHEAD):
            read_next()
        while reading:
            file, reader = reading.popleft()
            answer = _receive(reader.stdout, file.path)
            read_next()
            data = file.path.read_bytes()
            yield ReadBankFile(file.path, _sha256(data), len(data), partial(_unwrap, answer))
    finally:
        for reader in readers:
            reader.stdin.close()
        for reader in readers:
            # Files still queued when the loader stopped early are not worth waiting for.
            if reading:
                reader.kill()
            reader.wait()
            reader.stdout.close()


def _start_reader() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.ingest.bank_reading"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )


def _send(pipe: BinaryIO, value: object) -> None:
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(len(body).to_bytes(8, "little") + body)
    pipe.flush()


def _receive(pipe: BinaryIO, path: Path) -> tuple[bool, object]:
    head = pipe.read(8)
    if len(head) < 8:
        raise RuntimeError(f"the bank reader process stopped while reading {path.name}")
    return pickle.loads(pipe.read(int.from_bytes(head, "little")))


def _unwrap(answer: tuple[bool, object]) -> BankStatementFile:
    read, value = answer
    if not read:
        raise value
    return value


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _serve(tasks: BinaryIO, answers: BinaryIO) -> None:
    """A reader process: each (path, mapping) from tasks answered with (True, statements)
    or (False, the exception reading raised), until tasks closes."""
    while head := tasks.read(8):
        path, mapping = pickle.loads(tasks.read(int.from_bytes(head, "little")))
        try:
            answer = (True, read_bank_statement(path.name, path.read_bytes(), mapping))
        except Exception as error:  # the loader raises it as a serial read would
            answer = (False, error)
        _send(answers, answer)


if __name__ == "__main__":
    # The answers keep stdout's pipe to themselves: anything a library prints goes to stderr.
    answer_pipe = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _serve(sys.stdin.buffer, answer_pipe)
