"""Builds made once per test run, even when pytest-xdist spreads the tests over several
worker processes: the first worker to ask builds, the others wait on a file lock and reuse
the result. Only for builds the tests read and never write."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

DONE = ".built"


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """The folder `name`, filled by `build(folder)` the first time any worker asks for it in
    this test run. Under xdist every worker's temporary folder sits in one run folder, the
    parent of its own; without xdist that parent holds earlier runs too, so the folder is
    then made in this run's own temporary folder."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not (folder / DONE).exists():
            folder.mkdir(parents=True, exist_ok=True)
            build(folder)
            (folder / DONE).touch()
    return folder
