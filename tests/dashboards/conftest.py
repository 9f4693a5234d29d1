"""Fixtures of the dashboards tests: a published warehouse in CARTERA_HOME, fresh caches."""

from pathlib import Path

import pytest
import streamlit as st

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
