"""What makes the next refresh run, and what does not: the fingerprint of the inputs
against the record the last published refresh left (orchestration/refresh_inputs.py), on
a small home with no warehouse (the refresh itself is tested in test_unchanged_refresh.py)."""

import os
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dashboards.app_state import add_user, open_store, record_decision
from dashboards.app_state.settings import StoreSettings
from orchestration.config import DBT_PROJECT_DIR, Settings, load_settings
from orchestration.refresh_inputs import changed_parts, current_inputs, forget, read_record, remember
from tests.app_state.conftest import CHEAP_ARGON2, SHELL, Clock

CLIENTS = "client_id,name\nC1,Uno\n"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the dbt project's models and vars (tests change it)."""
    copy = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    return copy


@pytest.fixture
def home(tmp_path, monkeypatch, project) -> Settings:
    """A home whose last refresh published: one file left in the inbox, an app-state store
    with no decision, a build and a published database (stand-ins), and the record."""
    for name in list(os.environ):
        if name.startswith("CARTERA_"):
            monkeypatch.delenv(name)
    settings = load_settings(tmp_path / "home")
    settings.make_dirs()
    (settings.inbox / "notes.txt").write_text("not an export\n", encoding="utf-8")
    settings.build_db.write_bytes(b"build")
    settings.published_db.write_bytes(b"published")
    open_store(settings=_store_settings(settings)).close()
    remember(settings, current_inputs(settings, project_dir=project), "2026-10-31", "published", "2026-12-01T22:30:00+00:00")
    return settings


def _store_settings(settings: Settings) -> StoreSettings:
    return StoreSettings(url=f"sqlite:///{settings.home / 'app.sqlite'}", **CHEAP_ARGON2)


def changes(settings: Settings, project: Path) -> list[str]:
    record = read_record(settings)
    return changed_parts(record, current_inputs(load_settings(settings.home), record, project_dir=project))


def test_nothing_changed_is_nothing_to_do(home, project):
    assert changes(home, project) == []


def test_a_file_touched_but_not_changed_is_no_change(home, project):
    notes = home.inbox / "notes.txt"
    os.utime(notes, ns=(notes.stat().st_atime_ns, notes.stat().st_mtime_ns + 86_400 * 10**9))
    assert changes(home, project) == []


def test_the_files_the_refresh_loaded_and_moved_away_are_no_change(tmp_path, monkeypatch, project):
    """A refresh starts with clients.csv and notes.txt in the inbox, loads clients.csv (it
    moves to inbox/loaded/) and leaves notes.txt, unrecognised: the next finds nothing new."""
    for name in list(os.environ):
        if name.startswith("CARTERA_"):
            monkeypatch.delenv(name)
    settings = load_settings(tmp_path / "home")
    settings.make_dirs()
    (settings.inbox / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (settings.inbox / "notes.txt").write_text("not an export\n", encoding="utf-8")
    at_start = current_inputs(settings, project_dir=project)
    (settings.inbox / "loaded").mkdir()
    (settings.inbox / "clients.csv").rename(settings.inbox / "loaded" / "clients.csv")

    remember(settings, at_start, "2026-10-31", "published", "2026-12-01T22:30:00+00:00")

    assert changes(settings, project) == []
    (settings.inbox / "loaded" / "clients.csv").rename(settings.inbox / "clients.csv")
    assert changes(settings, project) == ["inbox"]  # dropped again: the refresh runs


def test_a_new_file_in_the_inbox_is_a_change(home, project):
    (home.inbox / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    assert changes(home, project) == ["inbox"]


def test_a_file_changed_in_place_with_its_old_size_is_a_change(home, project):
    """Same name, same size, other bytes, a later modification time (as any write leaves)."""
    notes = home.inbox / "notes.txt"
    before = notes.stat()
    notes.write_text("not an exporT\n", encoding="utf-8")
    os.utime(notes, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert notes.stat().st_size == before.st_size
    assert changes(home, project) == ["inbox"]


def test_a_changed_model_is_a_change(home, project):
    model = project / "models" / "marts" / "ar_aging.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- a comment is a change too\n", encoding="utf-8")
    assert changes(home, project) == ["dbt_project"]


def test_the_decision_log_and_other_files_dbt_does_not_read_are_no_change(home, project):
    """DECISIONLOG.md sits in the project folder but dbt never reads it: editing it while
    an L refresh ran made the next one rebuild everything. A model's docs (a .yml under
    models/) is read by dbt, so it is a change."""
    log = project / "DECISIONLOG.md"
    log.write_text(log.read_text(encoding="utf-8") + "\n## A new section\n", encoding="utf-8")
    (project / "notes").mkdir()
    (project / "notes" / "draft.sql").write_text("select 1\n", encoding="utf-8")
    assert changes(home, project) == []
    docs = project / "models" / "marts" / "statement_of_account.yml"
    docs.write_text(docs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert changes(home, project) == ["dbt_project"]


def test_a_changed_seed_is_a_change(home, project):
    seed = next((project / "seeds").glob("*.csv"))
    seed.write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert changes(home, project) == ["dbt_project"]


def test_a_new_committee_decision_is_a_change(home, project):
    clock = Clock()
    clock.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    store = open_store(settings=_store_settings(home), clock=clock)
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    assert changes(home, project) == []  # a user is not a decision: it feeds no raw table
    record_decision(store, "comite", "C1", "raise", Decimal("20000.00"), "EUR", "two years on time", date(2027, 6, 1), date(2026, 12, 1))
    store.close()
    assert changes(home, project) == ["app_state"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [("CARTERA_REPORTING_CURRENCY", "USD"), ("CARTERA_AS_OF_DATE", "2026-11-30"), ("CARTERA_GX_CHECKS", "off")],
)
def test_a_setting_that_changes_figures_is_a_change(home, project, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    assert changes(home, project) == ["settings"]


def test_duckdb_memory_settings_change_no_figure(home, project, monkeypatch, tmp_path):
    monkeypatch.setenv("CARTERA_DUCKDB_MEMORY_LIMIT", "2GB")
    monkeypatch.setenv("CARTERA_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "spill"))
    assert changes(home, project) == []


def test_the_build_written_since_is_a_change(home, project):
    """A withdrawal, or a run launched from `dagster dev`, writes the build database."""
    home.build_db.write_bytes(b"build, after a withdrawal")
    assert changes(home, project) == ["warehouse"]


def test_without_a_record_everything_counts_as_changed(home, project):
    forget(home)
    assert read_record(home) is None
    assert len(changes(home, project)) == 6
