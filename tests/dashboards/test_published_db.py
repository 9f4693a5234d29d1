"""The published file: where it is looked for, and a new publish seen without a restart."""

import os
from decimal import Decimal
from pathlib import Path

from published_warehouse import JANUARY, MARCH, write_published_db
from dashboards import db
from dashboards.queries import frame, overview
from dashboards.selection import Filters

NO_FILTER = Filters()


def test_the_published_file_is_in_cartera_home_unless_named_directly(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.delenv("CARTERA_HOME", raising=False)
    assert db.published_db_path() == Path("data") / "cartera.duckdb"

    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    assert db.published_db_path() == tmp_path / "cartera.duckdb"

    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(tmp_path / "elsewhere.duckdb"))
    assert db.published_db_path() == tmp_path / "elsewhere.duckdb"


def test_nothing_published_yet_opens_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(tmp_path / "cartera.duckdb"))

    assert db.open_published() is None


def test_a_file_named_directly_is_opened(tmp_path, monkeypatch):
    path = write_published_db(tmp_path / "served.duckdb")
    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(path))

    database = db.open_published()

    assert frame.published_as_of(database) == MARCH
    assert overview.receivable_totals(database, JANUARY, NO_FILTER).iloc[0]["client_count"] == 3


def test_the_same_version_keeps_its_connection(cartera_home):
    assert db.open_published() is db.open_published()


def test_a_new_publish_is_read_at_the_next_open_without_a_restart(cartera_home, tmp_path):
    before = db.open_published()
    assert overview.receivable_totals(before, None, NO_FILTER).iloc[0]["open_balance_amount"] == Decimal(
        "9150.74"
    )

    # Publish as the pipeline does: a copy built elsewhere under the same file name (the
    # catalog name), then renamed over the served file.
    build = tmp_path / "build"
    build.mkdir()
    write_published_db(build / "cartera.duckdb", scale=Decimal(2))
    os.replace(build / "cartera.duckdb", cartera_home / "cartera.duckdb")
    after = db.open_published()

    assert after is not before
    assert after.identity != before.identity
    assert overview.receivable_totals(after, None, NO_FILTER).iloc[0]["open_balance_amount"] == Decimal(
        "18301.48"
    )
    # A page still running on the version it started with keeps reading that version.
    assert overview.receivable_totals(before, None, NO_FILTER).iloc[0]["open_balance_amount"] == Decimal(
        "9150.74"
    )
