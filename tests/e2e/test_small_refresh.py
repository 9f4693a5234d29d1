"""The refresh publishes for a company that is just starting (issue 14, rule 2): one
invoice and nothing else, and bank statements alone. The marts' figures on these inboxes
are worked out in tests/dbt/test_small_inputs.py; here the whole `cartera refresh` runs
(ingest, dbt build, checks, publish) and the published copy answers."""

import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import duckdb
from tests.e2e.conftest import fill_inbox

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_one_invoice_alone_publishes(tmp_path, refresh):
    """C1's D1 of 1,210.00, issued 2025-03-03: as of that day all of it is open and not due."""
    fill_inbox(tmp_path, FIXTURES / "small_inboxes" / "one_invoice")

    result = refresh(tmp_path)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "  as of 2025-03-03" in result.stdout
    with duckdb.connect(str(tmp_path / "cartera.duckdb"), read_only=True) as conn:
        assert conn.execute(
            "select client_id, open_balance_amount, not_due_amount, overdue_amount from marts.ar_aging"
        ).fetchall() == [("C1", D("1210.00"), D("1210.00"), D("0.00"))]


def test_bank_statements_alone_publish(tmp_path, refresh):
    """The July 2025 camt.053 statement alone: four credits of 1,000.00 in all, nothing
    open to apply them to, so all of it is unapplied; as of its last booking date."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / "bank_inbox" / "extracto_mensual_2025-07.xml", inbox)

    result = refresh(tmp_path)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    with duckdb.connect(str(tmp_path / "cartera.duckdb"), read_only=True) as conn:
        assert conn.execute(
            "select count(*), sum(unapplied_amount), min(as_of_date) from marts.cash_application"
            " where match_rule = 'unapplied'"
        ).fetchone() == (4, D("1000.00"), date(2025, 7, 15))
        assert conn.execute(
            "select incoming_amount, unapplied_amount, balance_difference_amount from marts.bank_account_reconciliation"
        ).fetchall() == [(D("1000.00"), D("1000.00"), D("0.00"))]
        assert conn.execute("select count(*) from marts.ar_aging").fetchone() == (0,)
