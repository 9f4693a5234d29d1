"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

from tests.e2e.conftest import assert_succeeded, fill_inbox, run_refresh
from tests.shared_build import built_once

DEMO_EXPORTS = Path(__file__).resolve().parents[1] / "seeds" / "demo"


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A CARTERA_HOME where `cartera refresh` has published the committed demo exports, built
    once per test run (about a minute) and shared by every test that reads it: tests
    read it, never write to it. Built as `make demo` builds it, Great Expectations checks
    included, so the data-quality page has their results to show."""

    def refresh_demo(home: Path) -> None:
        fill_inbox(home, DEMO_EXPORTS)
        assert_succeeded(run_refresh(home, gx_checks=True))

    return built_once(tmp_path_factory, "demo_home", refresh_demo)
