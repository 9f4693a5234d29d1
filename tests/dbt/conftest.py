"""Warehouses built once per test run (whatever the number of xdist workers) from the small inboxes of
tests/fixtures/small_inboxes (and bank statements alone), shared by the tests that read
them: one `dbt build` costs tens of seconds."""

import shutil
from pathlib import Path

import pytest

from tests.dbt.warehouse import build_warehouse, warehouse_settings
from tests.shared_build import built_once

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SMALL_INBOXES = FIXTURES / "small_inboxes"
# Bank statements alone: the July 2025 camt.053 statement of the bank fixture.
BANK_ONLY_FILES = [FIXTURES / "bank_inbox" / "extracto_mensual_2025-07.xml"]


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory):
    """small_warehouse(name) -> the build database of small inbox `name` (or
    "bank_only"), built at its default as-of date (the latest data date) on first use."""

    def build_small(name: str, home: Path) -> None:
        if name == "bank_only":
            inbox = home / "fixture_inbox"
            inbox.mkdir()
            for path in BANK_ONLY_FILES:
                shutil.copy(path, inbox)
        else:
            inbox = SMALL_INBOXES / name
        build_warehouse(inbox, home, {})

    def build(name: str) -> Path:
        home = built_once(tmp_path_factory, f"small_{name}", lambda home: build_small(name, home))
        return warehouse_settings(home).build_db

    return build

