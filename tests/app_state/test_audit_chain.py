"""The audit trail's hash chain: intact after the app's writes, broken at the first row
edited or deleted behind the app's back (raw SQL), also through `cartera audit verify`."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dashboards.app_state import add_user, audit_entries, authenticate, record_decision, set_password, verify_store
from dashboards.app_state.audit import row_hash
from dashboards.app_state.tables import audit_log
from orchestration.cli import main
from tests.app_state.conftest import SHELL


@pytest.fixture
def written(store, clock):
    """Six audited writes: rows 1-6."""
    add_user(store, "comite", "committee", "comite", actor=SHELL)  # 1
    clock.advance(minutes=1)
    authenticate(store, "comite", "wrong", "10.0.0.7")  # 2
    authenticate(store, "comite", "comite", "10.0.0.7")  # 3
    record_decision(store, "comite", "C001", "raise", Decimal("9000.00"), "EUR", "alta", None, date(2026, 11, 20))  # 4
    set_password(store, "comite", "nueva", actor=SHELL)  # 5
    record_decision(store, "comite", "C002", "keep", None, None, "sin cambios", None, date(2026, 11, 20))  # 6
    return store


def _execute(store, sql: str, **params) -> None:
    """Runs `sql` behind the app's back: first removing the triggers that make the
    database refuse any change to audit_log (migration 0002)."""
    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("drop trigger if exists audit_log_no_update"))
            conn.execute(sa.text("drop trigger if exists audit_log_no_delete"))
        else:
            conn.execute(sa.text("alter table audit_log disable trigger user"))
        conn.execute(sa.text(sql), params)


def test_the_database_refuses_to_change_or_delete_audit_rows(written):
    for sql in ("update audit_log set actor = 'someone' where seq = 2", "delete from audit_log where seq = 6"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), written.engine.begin() as conn:
            conn.execute(sa.text(sql))
    assert verify_store(written).intact


def test_every_write_is_a_chained_row(written):
    rows = audit_entries(written)
    assert [row.action for row in rows] == [
        "user_created", "login_failed", "login", "decision_recorded", "password_set", "decision_recorded",
    ]
    assert all("hash" not in str(row.new_value) for row in rows)  # no password hash copied
    report = verify_store(written)
    assert (report.intact, report.rows) == (True, 6)


def test_an_edited_row_is_reported(written):
    _execute(written, "update audit_log set new_value = replace(new_value, '9000.00', '90000.00') where seq = 4")
    report = verify_store(written)
    assert (report.intact, report.first_broken_seq) == (False, 4)
    assert "does not match its hash" in report.problem


def test_an_edited_row_with_its_hash_recomputed_breaks_the_next_link(written):
    _execute(written, "update audit_log set actor = 'someone', row_hash = :h where seq = 2", h="f" * 64)
    assert verify_store(written).first_broken_seq == 2
    # Recompute row 2's hash honestly: row 3 still points at the old one.
    with written.engine.connect() as conn:
        row = conn.execute(sa.select(audit_log).where(audit_log.c.seq == 2)).mappings().one()
    _execute(written, "update audit_log set row_hash = :h where seq = 2", h=row_hash(row))
    report = verify_store(written)
    assert (report.first_broken_seq, report.problem) == (3, "row 3 does not link to row 2 (altered?)")


def test_a_deleted_row_is_reported(written):
    _execute(written, "delete from audit_log where seq = 3")
    report = verify_store(written)
    assert (report.first_broken_seq, report.problem) == (3, "row 3 is missing (deleted?)")


def test_a_deleted_last_row_is_reported_against_the_head(written):
    _execute(written, "delete from audit_log where seq = 6")
    report = verify_store(written)
    assert (report.rows, report.first_broken_seq) == (5, 6)


def test_cartera_audit_verify_exits_non_zero_naming_the_row(written, monkeypatch, capsys):
    monkeypatch.setenv("CARTERA_APP_DB_URL", written.settings.url)
    assert main(["audit", "verify"]) == 0
    assert "audit trail intact: 6 rows" in capsys.readouterr().out
    _execute(written, "update audit_log set entity_id = 'C003' where seq = 6")
    assert main(["audit", "verify"]) == 1
    assert "audit trail broken at row 6" in capsys.readouterr().out
