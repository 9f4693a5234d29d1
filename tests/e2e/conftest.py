"""Runs the real `cartera refresh` (Dagster job: ingest, dbt build, checks, publish) as a
newcomer would, on a throw-away CARTERA_HOME."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CARTERA = Path(sys.executable).parent / "cartera"


def refresh_env(home: Path, *, gx_checks: bool = False) -> dict[str, str]:
    """The environment of a refresh on `home`. The Great Expectations checks are off unless
    asked for: each fresh home would pay their import and evaluation (tens of seconds), and
    they are tested in tests/orchestration/test_gx_checks.py and on the demo warehouse."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTERA_")}
    env["DAGSTER_HOME"] = str(home / "dagster")
    env["CARTERA_GX_CHECKS"] = "on" if gx_checks else "off"
    return env


def run_refresh(home: Path, *extra: str, gx_checks: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CARTERA), "refresh", "--home", str(home), *extra],
        cwd=REPO, env=refresh_env(home, gx_checks=gx_checks), capture_output=True, text=True, timeout=900,
    )


def start_refresh(home: Path, *extra: str) -> subprocess.Popen:
    """`cartera refresh` started in its own process group (so a test can kill it with
    the dbt process it runs), its output merged and readable line by line."""
    return subprocess.Popen(
        [str(CARTERA), "refresh", "--home", str(home), *extra],
        cwd=REPO, env=refresh_env(home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )


def fill_inbox(home: Path, source: Path) -> None:
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for path in sorted(p for p in source.iterdir() if p.is_file()):
        shutil.copy(path, inbox)


def assert_succeeded(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def descendants(pid: int) -> set[int]:
    """Every process started by `pid`, read from /proc (children, their children, ...)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), set()).add(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def pid_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture(scope="session")
def refresh():
    return run_refresh
