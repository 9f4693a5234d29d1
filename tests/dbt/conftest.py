"""Warehouses built once per test session from the small inboxes of
tests/fixtures/small_inboxes (and bank statements alone), shared by the tests that read
them: one `dbt build` costs tens of seconds."""

import shutil
from pathlib import Path

import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SMALL_INBOXES = FIXTURES / "small_inboxes"
# Bank statements alone: the July 2025 camt.053 statement of the bank fixture.
BANK_ONLY_FILES = [FIXTURES / "bank_inbox" / "extracto_mensual_2025-07.xml"]


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory):
    """small_warehouse(name) -> the build database of small inbox `name` (or
    "bank_only"), built at its default as-of date (the latest data date) on first use."""
    built: dict[str, Path] = {}

    def build(name: str) -> Path:
        if name not in built:
            home = tmp_path_factory.mktemp(name)
            if name == "bank_only":
                inbox = home / "fixture_inbox"
                inbox.mkdir()
                for path in BANK_ONLY_FILES:
                    shutil.copy(path, inbox)
            else:
                inbox = SMALL_INBOXES / name
            built[name] = build_warehouse(inbox, home, {})
        return built[name]

    return build

