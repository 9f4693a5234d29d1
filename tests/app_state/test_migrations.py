"""The store's schema comes from its migrations, applied on opening, from empty."""

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from dashboards.app_state import add_user, open_store
from dashboards.app_state.settings import StoreSettings
from dashboards.app_state.store import MIGRATIONS, create_store_engine
from tests.app_state.conftest import CHEAP_ARGON2, SHELL

TABLES = {"alembic_version", "users", "credit_decisions", "audit_log", "audit_chain_head"}


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def test_opening_an_empty_database_migrates_it_to_head(store_url):
    store = open_store(settings=StoreSettings(url=store_url))
    try:
        inspector = sa.inspect(store.engine)
        assert TABLES <= set(inspector.get_table_names())
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("select version_num from alembic_version")).scalar_one() == _head_revision()
            assert conn.execute(sa.text("select last_seq, last_hash from audit_chain_head")).one() == (0, "0" * 64)
    finally:
        store.close()


def test_opening_again_changes_nothing(store_url):
    """A second start (or a second process) finds the schema at head and the chain head
    still its one row."""
    for _ in range(2):
        open_store(settings=StoreSettings(url=store_url)).close()
    store = open_store(settings=StoreSettings(url=store_url))
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("select count(*) from alembic_version")).scalar_one() == 1
            assert conn.execute(sa.text("select count(*) from audit_chain_head")).scalar_one() == 1
    finally:
        store.close()


def test_a_store_left_at_the_first_migration_is_brought_to_head(store_url):
    """Written at 0001 (a user row, by hand), opened: 0002 applied, the row kept, and
    audit_log now refuses to change its rows."""
    engine = create_store_engine(store_url)
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(sa.text(
            "insert into users (name, role, password_hash, is_active, created_at, updated_at)"
            " values ('ana', 'viewer', 'x', true, '2026-01-01', '2026-01-01')"
        ))
    engine.dispose()
    store = open_store(settings=StoreSettings(url=store_url, **CHEAP_ARGON2))
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("select version_num from alembic_version")).scalar_one() == _head_revision()
            assert conn.execute(sa.text("select name from users")).scalars().all() == ["ana"]
        add_user(store, "luis", "viewer", "luis", actor=SHELL)  # audit row 1
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), store.engine.begin() as conn:
            conn.execute(sa.text("update audit_log set actor = 'x'"))
    finally:
        store.close()


def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path):
    open_store(settings=StoreSettings(url=f"sqlite:///{tmp_path / 'home' / 'app.sqlite'}")).close()
    assert (tmp_path / "home" / "app.sqlite").stat().st_mode & 0o077 == 0
