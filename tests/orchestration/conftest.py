import pytest


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty home with its inbox, read from the folder alone (no CARTERA_* override of
    where the inbox and quarantine are). Modules needing files in it define their own."""
    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "inbox").mkdir()
    return tmp_path
