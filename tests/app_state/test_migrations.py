"""The store's schema comes from its migrations, applied on opening, from empty."""

import sqlalchemy as sa

from dashboards.app_state import open_store
from dashboards.app_state.settings import StoreSettings
from dashboards.app_state.store import MIGRATIONS

TABLES = {"alembic_version", "users", "credit_decisions", "audit_log", "audit_chain_head"}


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


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
