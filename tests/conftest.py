"""Fixtures shared by every test folder."""

import shutil
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_succeeded, fill_inbox, run_refresh
from tests.shared_build import built_once

DEMO_EXPORTS = Path(__file__).resolve().parents[1] / "seeds" / "demo"
DEMO_COMPANY = Path(__file__).resolve().parents[1] / "seeds" / "company.json"


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A CARTERA_HOME where `cartera refresh` has published the committed demo exports, built
    once per test run (about a minute) and shared by every test that reads it: tests
    read it, never write to it. Built as `make demo` builds it, Great Expectations checks
    included, so the data-quality page has their results to show, and with the demo
    company's company.json, so statements print its header."""

    def refresh_demo(home: Path) -> None:
        shutil.copy(DEMO_COMPANY, home / "company.json")
        fill_inbox(home, DEMO_EXPORTS)
        assert_succeeded(run_refresh(home, gx_checks=True))

    return built_once(tmp_path_factory, "demo_home", refresh_demo)


# The modules that take minutes each (whole refreshes, a browser): handed to the xdist
# workers first, so that no worker is left running one of them alone at the end.
SLOW_MODULES = (
    "tests/e2e/test_refresh_faults.py",
    "tests/benchmarks/test_bench_smoke.py",
    "tests/browser/test_committee_e2e.py",
    "tests/e2e/test_small_refresh.py",
    "tests/e2e/test_bank_refresh.py",
    "tests/e2e/test_aging_fixture.py",
    "tests/orchestration/test_gx_checks.py",
    "tests/app_state/test_refresh_reads_the_store.py",
    "tests/orchestration/test_unchanged_refresh.py",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        module = item.nodeid.split("::", 1)[0]
        return SLOW_MODULES.index(module) if module in SLOW_MODULES else len(SLOW_MODULES)

    items.sort(key=rank)


# The smoke run of `make bench SIZE=S` (tests/benchmarks/test_bench_smoke.py) leaves its
# figures here; the run that ran it prints them after the test summary. A file, not
# captured output: under pytest-xdist the test runs in a worker, the summary in the
# controller.
BENCH_SMOKE_REPORT = "bench_smoke.md"


def bench_smoke_report(config) -> Path | None:
    cache = getattr(config, "cache", None)
    return cache.mkdir("cartera") / BENCH_SMOKE_REPORT if cache is not None else None


def pytest_sessionstart(session):
    session.config.cartera_started = time.time()


def pytest_terminal_summary(terminalreporter, config):
    report = bench_smoke_report(config)
    if report is not None and report.exists() and report.stat().st_mtime >= config.cartera_started:
        terminalreporter.section("make bench SIZE=S (smoke run: figures, never asserted)")
        terminalreporter.write(report.read_text(encoding="utf-8"))
