"""Fixtures of the dashboards tests: a published warehouse in CARTERA_HOME, fresh caches, a
store of test users to sign in with."""

from pathlib import Path

import pytest
import streamlit as st

from apptest import add_test_users
from published_warehouse import write_published_db


@pytest.fixture(autouse=True)
def isolated_streamlit(monkeypatch):
    """No usage statistics; no connection or result cached by an earlier test."""
    monkeypatch.setenv("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def cartera_home(tmp_path, monkeypatch) -> Path:
    """CARTERA_HOME pointing at a folder with the fixture published database."""
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    write_published_db(tmp_path / "cartera.duckdb")
    return tmp_path


@pytest.fixture
def demo(demo_home, monkeypatch) -> Path:
    """CARTERA_HOME pointing at the session's refreshed demo warehouse (read only)."""
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.setenv("CARTERA_HOME", str(demo_home))
    return demo_home


@pytest.fixture(scope="session")
def test_users_store(tmp_path_factory) -> str:
    """The URL of an app-state store holding apptest.TEST_USERS, shared by the session."""
    url = f"sqlite:///{tmp_path_factory.mktemp('app_state') / 'app.sqlite'}"
    add_test_users(url)
    return url


@pytest.fixture(autouse=True)
def signed_in_store(test_users_store, monkeypatch) -> str:
    """Every AppTest signs in against the session's store of test users (a test that needs
    a store of its own, e.g. to lock a user out, points CARTERA_APP_DB_URL elsewhere)."""
    monkeypatch.setenv("CARTERA_APP_DB_URL", test_users_store)
    return test_users_store


def pytest_configure(config):
    # dashboards/db.py reads results through the DB-API on purpose and silences this
    # warning at import; pytest resets warning filters around each test, so say it here too.
    config.addinivalue_line(
        "filterwarnings", "ignore:Arrow output on a DB-API result makes an extra copy:UserWarning"
    )
