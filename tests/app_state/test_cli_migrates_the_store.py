"""`cartera refresh` and `cartera serve` bring the app-state store up to date on start:
an old store (left at the first migration) reaches head with its rows, a home without a
store gets an empty one. The refresh itself and the server are replaced by stand-ins: only
what the command does before them is under test."""

import os

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

import orchestration.refresh
from dashboards.app_state.store import MIGRATIONS, create_store_engine
from orchestration.cli import main


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _revision(home) -> str:
    engine = create_store_engine(f"sqlite:///{home / 'app.sqlite'}")
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("select version_num from alembic_version")).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def old_store_home(tmp_path, monkeypatch):
    """A home whose store was written by the first version of the schema, with a user."""
    monkeypatch.delenv("CARTERA_APP_DB_URL", raising=False)
    monkeypatch.delenv("CARTERA_HOME", raising=False)  # the command sets it: undone after the test
    engine = create_store_engine(f"sqlite:///{tmp_path / 'app.sqlite'}")
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(sa.text(
            "insert into users (name, role, password_hash, is_active, created_at, updated_at)"
            " values ('ana', 'viewer', 'x', true, '2026-01-01', '2026-01-01')"
        ))
    engine.dispose()
    return tmp_path


def test_refresh_migrates_an_old_store_before_refreshing(old_store_home, monkeypatch):
    seen = []
    monkeypatch.setattr(orchestration.refresh, "run_refresh", lambda **_: seen.append(_revision(old_store_home)) or 0)
    assert main(["refresh", "--home", str(old_store_home)]) == 0
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head != "0001"
    assert seen == [head]  # already at head when the refresh reads the decisions
    engine = create_store_engine(f"sqlite:///{old_store_home / 'app.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("select name from users")).scalars().all() == ["ana"]
    engine.dispose()


def test_serve_migrates_a_home_without_a_store_before_starting_the_server(tmp_path, monkeypatch):
    monkeypatch.delenv("CARTERA_APP_DB_URL", raising=False)
    monkeypatch.delenv("CARTERA_HOME", raising=False)  # the command sets it: undone after the test
    started = []

    def execv(path, argv):
        started.append(_revision(tmp_path))
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", execv)
    with pytest.raises(SystemExit):
        main(["serve", "--home", str(tmp_path), "--port", "8599"])
    assert started == [ScriptDirectory.from_config(_config()).get_current_head()]


def test_a_store_that_cannot_be_opened_stops_the_refresh_naming_it(tmp_path, monkeypatch, capsys):
    """Nothing listens on port 9 of this machine: the refresh does not start, and the
    message names the store without its password."""
    monkeypatch.delenv("CARTERA_HOME", raising=False)  # the command sets it: undone after the test
    monkeypatch.setenv("CARTERA_APP_DB_URL", "postgresql+psycopg://cartera:s3cret@127.0.0.1:9/cartera")
    monkeypatch.setattr(orchestration.refresh, "run_refresh", lambda **_: pytest.fail("the refresh started"))
    assert main(["refresh", "--home", str(tmp_path)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(
        "cartera refresh: error: the app-state store at postgresql+psycopg://cartera:***@127.0.0.1:9/cartera cannot be opened: "
    )
    assert "s3cret" not in error
