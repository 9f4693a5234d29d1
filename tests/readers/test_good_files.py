"""Each hand-written good export reads into exactly the rows worked out by hand."""

from datetime import date, datetime
from decimal import Decimal

from orchestration.readers import read_export


def test_clients(fixture_bytes):
    rows = read_export("clients", "clients.csv", fixture_bytes("clients.csv"))

    assert rows == [
        {
            "client_id": "C0001",
            "tax_id": "B12345678",
            "legal_name": "Construcciones Ebro S.L.",
            "country": "ES",
            "segment": "construction",
            "salesperson": "Lucía Martín",
            "branch": "Zaragoza",
            "payment_terms_days": 60,
            "credit_limit": Decimal("25000.00"),
            "currency": "EUR",
            "email": "admin@ebro.example",
            "phone": "+34 976 000 000",
            "address": "Calle Mayor 1, Zaragoza",
            "updated_at": datetime(2024, 11, 2, 9, 15),
            "_line_number": 2,
        },
        {
            "client_id": "C0002",
            "tax_id": "XAXX010101000",
            "legal_name": "Comercial Azteca S.A. de C.V.",
            "country": "MX",
            "segment": "retail",
            "salesperson": None,
            "branch": None,
            "payment_terms_days": 0,
            "credit_limit": None,
            "currency": "USD",
            "email": None,
            "phone": None,
            "address": None,
            "updated_at": datetime(2025, 1, 10, 8, 0),
            "_line_number": 3,
        },
        {
            "client_id": "C0001",
            "tax_id": "B12345678",
            "legal_name": "Construcciones Ebro S.L.U.",
            "country": "ES",
            "segment": "construction",
            "salesperson": "Lucía Martín",
            "branch": "Zaragoza",
            "payment_terms_days": 90,
            "credit_limit": Decimal("30000.50"),
            "currency": "EUR",
            "email": "admin@ebro.example",
            "phone": None,
            "address": "Calle Mayor 1, Zaragoza",
            "updated_at": datetime(2025, 2, 1, 0, 0),
            "_line_number": 4,
        },
    ]


def test_documents(fixture_bytes):
    rows = read_export("documents", "documents.csv", fixture_bytes("documents.csv"))

    invoice, credit_note, debit_note = rows
    assert invoice == {
        "document_id": "D000123",
        "type": "invoice",
        "number": "F-2025-000123",
        "client_id": "C0001",
        "issue_date": date(2025, 3, 14),
        "due_date": date(2025, 5, 13),
        "currency": "EUR",
        "net": Decimal("1000.00"),
        "tax": Decimal("210.00"),
        "withholding": Decimal("150.00"),
        "total": Decimal("1060.00"),
        "related_document_id": None,
        "purchase_order": "PO-7781",
        "status": "issued",
        "updated_at": datetime(2025, 3, 14, 18, 0),
        "early_discount_pct": Decimal("3"),
        "early_discount_days": 10,
        "in_dispute": False,
        "dispute_reason": None,
        "_line_number": 2,
    }
    # Empty withholding and in_dispute take their defaults; 100 + 21 - 0 = 121.
    assert credit_note["type"] == "credit_note"
    assert credit_note["issue_date"] == credit_note["due_date"] == date(2025, 3, 20)
    assert credit_note["withholding"] == Decimal("0.00")
    assert str(credit_note["withholding"]) == "0.00"
    assert str(credit_note["total"]) == "121.00"
    assert credit_note["related_document_id"] == "D000123"
    assert credit_note["in_dispute"] is False
    assert credit_note["early_discount_pct"] is None
    assert credit_note["early_discount_days"] is None
    assert credit_note["_line_number"] == 3
    # "500.5" is money, so it comes back with two places; status is matched in any case.
    assert str(debit_note["net"]) == "500.50"
    assert debit_note["status"] == "void"
    assert debit_note["early_discount_pct"] == Decimal("2.5")
    assert debit_note["early_discount_days"] == 15
    assert debit_note["in_dispute"] is True
    assert debit_note["dispute_reason"] == "Price disagreement"
    assert debit_note["updated_at"] == datetime(2025, 4, 1, 0, 0)


def test_installments_from_a_vencimientos_file(fixture_bytes):
    name = "vencimientos_2025-06-01.csv"
    rows = read_export("installments", name, fixture_bytes(name))

    assert rows == [
        {"document_id": "D000123", "installment_no": 1, "due_date": date(2025, 4, 13),
         "amount": Decimal("353.33"), "_line_number": 2},
        {"document_id": "D000123", "installment_no": 2, "due_date": date(2025, 5, 13),
         "amount": Decimal("353.33"), "_line_number": 3},
        {"document_id": "D000123", "installment_no": 3, "due_date": date(2025, 6, 12),
         "amount": Decimal("353.34"), "_line_number": 4},
        {"document_id": "D000125", "installment_no": 1, "due_date": date(2025, 4, 30),
         "amount": Decimal("500.50"), "_line_number": 5},
    ]  # fmt: skip


def test_receipts(fixture_bytes):
    rows = read_export("receipts", "receipts.csv", fixture_bytes("receipts.csv"))

    assert rows == [
        {"receipt_id": "R000045", "client_id": "C0001", "date": date(2025, 5, 20),
         "currency": "EUR", "amount": Decimal("1060.00"), "method": "transfer",
         "reference": "F-2025-000123", "_line_number": 2},
        {"receipt_id": "R000046", "client_id": "C0002", "date": date(2025, 5, 31),
         "currency": "USD", "amount": Decimal("99.90"), "method": "card",
         "reference": None, "_line_number": 3},
    ]  # fmt: skip
    assert str(rows[1]["amount"]) == "99.90"


def test_allocations(fixture_bytes):
    rows = read_export("allocations", "allocations.csv", fixture_bytes("allocations.csv"))

    assert rows == [
        {"receipt_id": "R000045", "document_id": "D000123", "installment_no": None,
         "amount": Decimal("1060.00"), "_line_number": 2},
        {"receipt_id": "R000046", "document_id": "D000125", "installment_no": 1,
         "amount": Decimal("99.90"), "_line_number": 3},
    ]  # fmt: skip


def test_withholdings(fixture_bytes):
    rows = read_export("withholdings", "withholdings.csv", fixture_bytes("withholdings.csv"))

    assert rows == [
        {"document_id": "D000124", "type": "IRPF", "amount": Decimal("150.00"),
         "certificate_number": "CERT-2025-0042", "date": date(2025, 6, 30), "_line_number": 2},
        {"document_id": "D000124", "type": "IVA", "amount": Decimal("21.00"),
         "certificate_number": None, "date": date(2025, 6, 30), "_line_number": 3},
    ]  # fmt: skip


def test_money_is_decimal_with_two_places_in_every_entity(fixture_bytes):
    money_columns = {
        "clients.csv": ("clients", ["credit_limit"]),
        "documents.csv": ("documents", ["net", "tax", "withholding", "total"]),
        "receipts.csv": ("receipts", ["amount"]),
        "allocations.csv": ("allocations", ["amount"]),
        "withholdings.csv": ("withholdings", ["amount"]),
    }
    for file_name, (entity, columns) in money_columns.items():
        for row in read_export(entity, file_name, fixture_bytes(file_name)):
            for column in columns:
                amount = row[column]
                if amount is not None:
                    assert isinstance(amount, Decimal), (file_name, column)
                    assert amount.as_tuple().exponent == -2, (file_name, column, amount)
