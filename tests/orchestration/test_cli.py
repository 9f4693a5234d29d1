"""The installed `cartera` command: every subcommand answers --help, and demo-data is
deterministic (same seed, same bytes)."""

import subprocess
import sys
from pathlib import Path

import pytest

CARTERA = Path(sys.executable).parent / "cartera"


def cartera(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CARTERA), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", ["demo-data", "refresh", "serve", "status"])
def test_every_command_has_help(command):
    result = cartera(command, "--help")
    assert result.returncode == 0
    assert f"usage: cartera {command}" in result.stdout


def test_refresh_help_documents_the_exit_codes():
    result = cartera("refresh", "--help")
    assert "0  published, clean" in result.stdout
    assert "1  nothing published" in result.stdout
    assert "2  published, with quarantined or unrecognised files or failed warning checks" in result.stdout


def test_status_of_a_home_never_refreshed(tmp_path):
    result = cartera("status", "--home", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout.strip() == f"no refresh recorded in {tmp_path} yet"


def test_demo_data_same_seed_same_bytes(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((first, "7"), (second, "7"), (other, "8")):
        result = cartera("demo-data", "--out", str(out), "--clients", "40", "--years", "1", "--seed", seed)
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in first.glob("*.csv"))
    assert names == ["allocations.csv", "clients.csv", "documents.csv", "fx_rates.csv", "installments.csv", "receipts.csv", "withholdings.csv"]
    bank = sorted(p.name for p in first.glob("bank_*"))  # the demo bank statements
    assert len(bank) == 2 * 12 and sorted(p.name for p in first.iterdir()) == sorted(names + bank)
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names + bank)
    assert (first / "documents.csv").read_bytes() != (other / "documents.csv").read_bytes()
    assert "documents.csv:" in result.stdout


def test_refresh_on_an_empty_inbox_fails_readably(tmp_path):
    """No exports yet: nothing to answer for, so the run says where to put them."""
    result = cartera("refresh", "--home", str(tmp_path))
    assert result.returncode == 1
    assert f"refresh failed: no export files in {tmp_path / 'inbox'}" in result.stdout
    assert not (tmp_path / "cartera.duckdb").exists()
    assert '"outcome": "failed", "exit_code": 1' in (tmp_path / "refresh_history.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["demo-data", "--out", "{tmp}/out", "--clients", "20"], "argument --clients: 20 is too small: at least 30"),
        (["demo-data", "--out", "{tmp}/out", "--years", "0"], "argument --years: 0 is too small: at least 1"),
        (["demo-data", "--out", "{tmp}/out", "--clients", "many"], "argument --clients: 'many' is not a whole number"),
        (["demo-data", "--out", "{tmp}/a_file/out"], "Not a directory: {tmp}/a_file/out"),
        (["refresh", "--home", "{tmp}", "--as-of", "2025-13-01"], "argument --as-of"),
        (["serve", "--port", "70000"], "argument --port: 70000 is not a port: 1 to 65535"),
    ],
)
def test_every_cli_error_is_one_readable_line(tmp_path, arguments, says):
    """A wrong value or a folder that cannot be written ends in one line naming the
    command and the reason, never a Python traceback."""
    (tmp_path / "a_file").write_text("not a folder", encoding="utf-8")
    result = cartera(*(argument.format(tmp=tmp_path) for argument in arguments))

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and error_lines[0].startswith(f"cartera {arguments[0]}: error: ")
    assert says.format(tmp=tmp_path) in error_lines[0]
