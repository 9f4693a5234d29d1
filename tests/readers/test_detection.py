import pytest

from orchestration.readers import ENTITIES, detect_entity


def test_entities_in_load_order():
    """Each entity's files are checked against what the entities before it loaded."""
    assert ENTITIES == (
        "fx_rates", "clients", "documents", "installments", "receipts", "allocations", "withholdings",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("file_name", "entity"),
    [
        ("clients.csv", "clients"),
        ("Clients_2026-11-01.XLSX", "clients"),
        ("documents_2026-11-01.csv", "documents"),
        ("installments.csv", "installments"),
        ("VENCIMIENTOS junio.xlsx", "installments"),
        ("receipts.csv", "receipts"),
        ("allocations_2025.csv", "allocations"),
        ("withholdings.xlsx", "withholdings"),
        ("fx_rates.csv", "fx_rates"),
        ("eurofxref-hist.csv", "fx_rates"),
        ("data/inbox/documents_2026-11-01.csv", "documents"),
        ("documents.txt", None),
        ("documents.xls", None),
        ("documents.csv.bak", None),
        ("my_documents.csv", None),
        ("~$documents.xlsx", None),
        ("invoices.csv", None),
    ],
)
def test_detect_entity(file_name, entity):
    assert detect_entity(file_name) == entity
