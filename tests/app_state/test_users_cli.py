"""`cartera users add|list|disable|enable|set-role|set-password` and the password read from stdin when it
is not a terminal (as `make demo` and scripts give it); never from the command line."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboards.app_state import audit_entries, authenticate, open_store
from dashboards.app_state.settings import load_store_settings
from orchestration.cli import main
from tests.app_state.conftest import CHEAP_ARGON2_ENV

CARTERA = Path(sys.executable).parent / "cartera"


@pytest.fixture
def cli(store_url, monkeypatch, capsys):
    monkeypatch.setenv("CARTERA_APP_DB_URL", store_url)
    for name, value in CHEAP_ARGON2_ENV.items():
        monkeypatch.setenv(name, value)

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def _store():
    return open_store(settings=load_store_settings())


def test_add_list_disable_set_password(cli):
    assert cli("users", "add", "Ana", "--role", "committee", stdin="s3cret pass\n")[0] == 0
    assert cli("users", "add", "demo", "--role", "viewer", stdin="demo\n")[0] == 0
    code, out, _ = cli("users", "list")
    assert (code, out) == (0, "ana\tcommittee\tactive\ndemo\tviewer\tactive\n")
    store = _store()
    assert authenticate(store, "ana", "s3cret pass", None).ok  # spaces kept, newline not

    assert cli("users", "set-password", "ana", stdin="otra\n")[0] == 0
    assert not authenticate(store, "ana", "s3cret pass", None).ok
    assert authenticate(store, "ana", "otra", None).ok

    assert cli("users", "disable", "demo")[0] == 0
    assert cli("users", "list")[1].splitlines()[1] == "demo\tviewer\tdisabled"
    assert authenticate(store, "demo", "demo", None).outcome == "disabled"
    actors = {entry.actor for entry in audit_entries(store) if entry.action in ("user_created", "password_set", "user_disabled")}
    assert len(actors) == 1 and actors.pop().startswith("shell:")
    store.close()


def test_enable_and_set_role(cli):
    assert cli("users", "add", "demo", "--role", "viewer", stdin="demo\n")[0] == 0
    assert cli("users", "disable", "demo")[0] == 0
    assert cli("users", "enable", "demo")[:2] == (0, "user demo enabled\n")
    assert cli("users", "set-role", "demo", "committee")[:2] == (0, "user demo is now committee\n")
    assert cli("users", "list")[1] == "demo\tcommittee\tactive\n"
    store = _store()
    assert authenticate(store, "demo", "demo", None).user.role == "committee"
    role_rows = [(entry.previous_value, entry.new_value) for entry in audit_entries(store) if entry.action == "role_set"]
    store.close()
    assert role_rows == [({"role": "viewer"}, {"role": "committee"})]
    assert cli("users", "set-role", "demo", "boss")[::2] == (1, "cartera: role 'boss': one of viewer, committee, admin\n")
    assert cli("users", "enable", "nadie")[::2] == (1, "cartera: no user nadie\n")


def test_refusals_exit_non_zero_with_the_reason(cli):
    assert cli("users", "add", "ana", "--role", "viewer", stdin="x\n")[0] == 0
    assert cli("users", "add", "ana", "--role", "viewer", stdin="y\n")[::2] == (1, "cartera: user ana already exists\n")
    assert cli("users", "add", "bob", "--role", "boss", stdin="y\n")[::2] == (
        1, "cartera: role 'boss': one of viewer, committee, admin\n",
    )
    assert cli("users", "add", "bob", "--role", "viewer", stdin="\n")[::2] == (1, "cartera: the password is empty\n")
    assert cli("users", "disable", "nadie")[::2] == (1, "cartera: no user nadie\n")


def test_if_missing_leaves_an_existing_user_as_it_is(cli):
    """What `make demo` runs on every start."""
    assert cli("users", "add", "demo", "--role", "viewer", "--if-missing", stdin="demo\n")[0] == 0
    code, out, _ = cli("users", "add", "demo", "--role", "admin", "--if-missing", stdin="other\n")
    assert (code, out) == (0, "user demo exists: left as it is\n")
    store = _store()
    assert authenticate(store, "demo", "demo", None).user.role == "viewer"
    store.close()


def test_the_password_is_never_an_argument(cli):
    with pytest.raises(SystemExit) as usage_error:
        cli("users", "add", "ana", "--role", "viewer", "--password", "x")
    assert usage_error.value.code == 2


def test_piped_into_the_installed_command(tmp_path):
    """The real executable, stdin a pipe, the store in --home as `make demo` does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CARTERA_")} | CHEAP_ARGON2_ENV
    for name, role in (("demo", "viewer"), ("comite", "committee")):
        result = subprocess.run(
            [str(CARTERA), "users", "add", name, "--role", role, "--if-missing", "--home", str(tmp_path)],
            input=f"{name}\n", env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr
    store = open_store(f"sqlite:///{tmp_path / 'app.sqlite'}")
    assert authenticate(store, "comite", "comite", None).user.role == "committee"
    store.close()
