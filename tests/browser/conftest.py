"""The browser tests' harness: the demo warehouse served by `cartera serve`, and Debian's
Chromium driven by Playwright (never a downloaded browser).

The server runs in a process group of its own and the whole group is stopped at the end of
the session, so no Streamlit process outlives the tests whether `cartera serve` runs
Streamlit as a child or execs it.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CARTERA = Path(sys.executable).parent / "cartera"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS_ENV = "CARTERA_SCREENSHOTS"
"""A folder (relative to the repository) where the screenshots are also written."""
SERVER_START_SECONDS = 90
PAGE_READY_MS = 60_000


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (Debian package chromium; .ci/run installs it)")
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def demo_logins(tmp_path_factory) -> str:
    """The URL of an app-state store with the demo logins `make demo` creates (demo/demo
    viewer, comite/comite committee), apart from the shared demo home, which tests only read."""
    from dashboards.app_state import add_user, open_store, shell_actor
    from dashboards.app_state.settings import StoreSettings

    url = f"sqlite:///{tmp_path_factory.mktemp('logins') / 'app.sqlite'}"
    cheap = {"argon2_time_cost": 1, "argon2_memory_kib": 1024, "argon2_parallelism": 1}
    store = open_store(settings=StoreSettings(url=url, **cheap))
    try:
        for name, role in DEMO_LOGINS.items():
            add_user(store, name, role, name, actor=shell_actor())
    finally:
        store.close()
    return url


DEMO_LOGINS = {"demo": "viewer", "comite": "committee"}
"""The README's demo logins; each password is the user name."""


@contextmanager
def serving(home: Path, store_url: str, log_folder: Path, **env_vars: str) -> Iterator[str]:
    """`cartera serve` on `home` signing in against `store_url`: its base URL while open."""
    port = free_port()
    log_path = log_folder / "serve.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("CARTERA_")}
    env |= {"STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "CARTERA_APP_DB_URL": store_url, **env_vars}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(CARTERA), "serve", "--home", str(home), "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(url, process, log_path)
        yield url
    finally:
        stop_group(process)


@pytest.fixture(scope="session")
def served_demo(demo_home: Path, demo_logins: str, tmp_path_factory) -> Iterator[str]:
    """The base URL of the demo warehouse served by `cartera serve` for the session."""
    with serving(demo_home, demo_logins, tmp_path_factory.mktemp("serve")) as url:
        yield url


def wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"cartera serve exited ({process.returncode}):\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"cartera serve did not answer in {SERVER_START_SECONDS} s:\n{log_path.read_text()[-3000:]}")


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group, SIGKILL after 10 s; reap the leader."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab at a laptop's size that accepts downloads."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(PAGE_READY_MS)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dirs(tmp_path_factory) -> list[Path]:
    """Where screenshots go: a temporary folder, and $CARTERA_SCREENSHOTS when set."""
    folders = [tmp_path_factory.mktemp("screenshots")]
    if os.environ.get(SCREENSHOTS_ENV):
        folder = REPO / os.environ[SCREENSHOTS_ENV]
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
    return folders
