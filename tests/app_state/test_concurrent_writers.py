"""Writers at once — threads of one process, and separate processes — never fork the
audit chain: every write gets the next seq, linked to the one before."""

import multiprocessing
import sys
import threading
from datetime import date
from decimal import Decimal

import pytest

from dashboards.app_state import add_user, audit_entries, authenticate, latest_decisions, open_store, record_decision, verify_store
from tests.app_state.conftest import SHELL

WRITERS = 4
DECISIONS_EACH = 5


def _write_decisions(store, writer: int) -> None:
    """Five decisions on this writer's client, with a failed login between each."""
    for number in range(DECISIONS_EACH):
        record_decision(
            store, "comite", f"C{writer}", "raise", Decimal(f"{1000 * (number + 1)}.{writer:02d}"), "EUR",
            f"writer {writer}, decision {number}", None, date(2026, 11, 20),
        )
        authenticate(store, "comite", "wrong", f"10.0.0.{writer}")


def _process_writer(settings, barrier, writer: int) -> None:
    store = open_store(settings=settings)  # also migrates: a no-op, under its lock
    barrier.wait()
    _write_decisions(store, writer)
    store.close()


def _assert_one_chain(store) -> None:
    """1 user created + 4 writers x 5 x (decision + failed login) = 41 rows, seq 1-41."""
    report = verify_store(store)
    assert (report.intact, report.rows) == (True, 1 + WRITERS * DECISIONS_EACH * 2)
    assert [row.seq for row in audit_entries(store)] == list(range(1, report.rows + 1))
    latest = latest_decisions(store)
    assert {client: d.new_limit for client, d in latest.items()} == {
        f"C{writer}": Decimal(f"5000.{writer:02d}") for writer in range(WRITERS)
    }


@pytest.fixture
def committee(store):
    # After 5 failures the logins are refused as locked: still one audit row each.
    add_user(store, "comite", "committee", "comite", actor=SHELL)
    return store


def test_threads_writing_at_once(committee):
    barrier = threading.Barrier(WRITERS)
    errors = []

    def run(writer: int) -> None:
        try:
            barrier.wait()
            _write_decisions(committee, writer)
        except BaseException as error:  # reported below: a thread's exception is otherwise lost
            errors.append(error)

    threads = [threading.Thread(target=run, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_one_chain(committee)


def test_processes_writing_at_once(committee, monkeypatch):
    # A spawned child first re-runs its parent's __main__ file; in a test worker that can be
    # a script an earlier test ran (AppTest runs the app as __main__): start from none.
    monkeypatch.delattr(sys.modules["__main__"], "__file__", raising=False)
    monkeypatch.setattr(sys.modules["__main__"], "__spec__", None, raising=False)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WRITERS)
    processes = [
        context.Process(target=_process_writer, args=(committee.settings, barrier, writer)) for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
    assert [process.exitcode for process in processes] == [0] * WRITERS
    _assert_one_chain(committee)
