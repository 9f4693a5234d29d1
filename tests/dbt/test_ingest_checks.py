"""What the ingestion checks keep out of (or read safely into) the warehouse, through dbt.

Inbox: tests/fixtures/aging_inbox (documented in tests/e2e/test_aging_fixture.py: as of
2025-06-30, C1 open 1,134.00 of which 529.00 overdue; C2 open 950.00, all overdue) plus:
- allocations_2.csv, the issue's stray file: R1 -> D999999, 10.00. Quarantined (unknown
  document), so R1 keeps its real allocation: loaded, it would have been R1's whole
  allocation (latest file wins per receipt) and D1 would show 500.00 more open.
- documents_2.csv: CN3, a credit note of 40.00 EUR of C2 dated 2025-06-15, naming D1 (an
  invoice of C1). Loaded as unlinked: C2's open balance 950.00 - 40.00 = 910.00, the
  -40.00 aged from its date (15 days -> 1-30, overdue like CN2): overdue 910.00 too;
  C1's stays 1,134.00. Linked, it would have reduced C1's D1 and broken the tie-outs.
"""

import shutil
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"

STRAY_ALLOCATIONS = "receipt_id,document_id,installment_no,amount\nR1,D999999,,10.00\n"
CROSS_CLIENT_NOTE = (
    "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,withholding,total,"
    "related_document_id,purchase_order,status,updated_at\n"
    "CN3,credit_note,R-003,C2,2025-06-15,2025-06-15,EUR,40.00,0.00,0.00,40.00,D1,,issued,2025-06-15T10:00:00\n"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("inbox")
    for path in FIXTURE.iterdir():
        shutil.copy(path, inbox)
    (inbox / "allocations_2.csv").write_text(STRAY_ALLOCATIONS, encoding="utf-8")
    (inbox / "documents_2.csv").write_text(CROSS_CLIENT_NOTE, encoding="utf-8")
    home = tmp_path_factory.mktemp("home")
    # The tie-out tests (open balance to sources, statement to aging) run in this build.
    db = build_warehouse(inbox, home, {"as_of_date": "2025-06-30"}, select="+ar_aging +statement_of_account +fct_documents")
    with duckdb.connect(str(db), read_only=True) as conn:
        yield home, conn


def test_the_stray_allocations_file_is_quarantined_and_the_invoice_paid_long_ago_stays_paid(built):
    home, conn = built
    assert (home / "quarantine" / "allocations_2.csv").exists()
    allocations = conn.execute(
        "select receipt_id, document_id, allocated_amount from staging.stg_invoicing__allocations order by allocated_amount"
    ).fetchall()
    assert allocations == [("R1", "D1", D("100.00")), ("R1", "D1", D("400.00"))]
    assert conn.execute(
        "select client_id, open_balance_amount, overdue_amount from marts.ar_aging order by client_id"
    ).fetchall() == [("C1", D("1134.00"), D("529.00")), ("C2", D("910.00"), D("910.00"))]


def test_a_credit_note_naming_another_clients_invoice_is_read_as_unlinked(built):
    _, conn = built
    assert conn.execute(
        "select document_id, client_id, related_document_id from marts.fct_documents where document_id = 'CN3'"
    ).fetchall() == [("CN3", "C2", None)]
    assert conn.execute("select kind, value from raw.ingest_warnings").fetchall() == [("cross_client_link", "D1")]
