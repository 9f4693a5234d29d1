"""The raw assets in Dagster: loaded in the order the checks across files need, and what
they tell the refresh summary about quarantined files and warnings."""

import shutil
from pathlib import Path

import dagster as dg

from orchestration.ingest.assets import raw_assets
from orchestration.resources import WarehouseResource

AGING_INBOX = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"

CROSS_CLIENT_NOTE = (
    "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,withholding,total,"
    "related_document_id,purchase_order,status,updated_at\n"
    "CN3,credit_note,R-003,C2,2025-06-15,2025-06-15,EUR,40.00,0.00,0.00,40.00,D1,,issued,2025-06-15T10:00:00\n"
)


def test_raw_assets_load_in_dependency_order_and_report_warnings_and_quarantines(tmp_path, monkeypatch):
    """All files dropped at once: each entity's files are checked after what they name
    loaded, so only the two bad files stay out (the stray allocation, a receipt of an
    unknown client) and the cross-client note loads with its warning."""
    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE"):
        monkeypatch.delenv(variable, raising=False)
    inbox = tmp_path / "inbox"
    shutil.copytree(AGING_INBOX, inbox)
    (inbox / "documents_2.csv").write_text(CROSS_CLIENT_NOTE, encoding="utf-8")
    (inbox / "allocations_2.csv").write_text("receipt_id,document_id,installment_no,amount\nR1,D999999,,10.00\n", encoding="utf-8")
    (inbox / "receipts_2.csv").write_text(
        "receipt_id,client_id,date,currency,amount,method,reference\nR3,C7,2025-06-25,EUR,80.00,,\n", encoding="utf-8"
    )

    result = dg.materialize(raw_assets, resources={"warehouse": WarehouseResource(home=str(tmp_path))})

    assert result.success
    metadata = {
        event.asset_key.path[-1]: {key: value.value for key, value in event.step_materialization_data.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }
    assert metadata["documents"]["files_loaded"] == 2
    assert metadata["documents"]["warnings"] == 1
    assert metadata["documents"]["warned"].startswith("documents_2.csv: line 2, column related_document_id, value 'D1'")
    assert metadata["allocations"]["quarantined"] == "allocations_2.csv"
    assert metadata["receipts"]["quarantined"] == "receipts_2.csv"
    assert metadata["clients"]["warned"] == "none"
    assert sorted(path.name for path in inbox.iterdir()) == ["loaded"]
