"""Workbooks built here with openpyxl, read back through read_export."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from orchestration.readers import read_export

DOCUMENT_COLUMNS = [
    "document_id", "type", "number", "client_id", "issue_date", "due_date", "currency",
    "net", "tax", "withholding", "total", "related_document_id", "purchase_order", "status",
    "updated_at", "early_discount_pct", "early_discount_days", "in_dispute", "dispute_reason",
]  # fmt: skip


def _workbook_bytes(rows_by_sheet_row: dict[int, list], other_sheet_first_active: bool = True) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row_number, values in rows_by_sheet_row.items():
        for column_number, value in enumerate(values, start=1):
            sheet.cell(row=row_number, column=column_number, value=value)
    if other_sheet_first_active:
        # Only the first sheet is read, whichever one was left active.
        notes = workbook.create_sheet("notes")
        notes["A1"] = "not an export"
        workbook.active = notes
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _document(**overrides) -> list:
    values = {
        "document_id": "D000123", "type": "invoice", "number": "F-2025-000123",
        "client_id": "C0001", "issue_date": datetime(2025, 3, 14), "due_date": datetime(2025, 5, 13),
        "currency": "EUR", "net": 1000, "tax": 210.0, "withholding": 150.5, "total": 1059.5,
        "related_document_id": None, "purchase_order": "PO-7781", "status": "issued",
        "updated_at": datetime(2025, 3, 14, 18, 0), "early_discount_pct": 3,
        "early_discount_days": 10, "in_dispute": True, "dispute_reason": None,
    }  # fmt: skip
    values.update(overrides)
    return [values[column] for column in DOCUMENT_COLUMNS]


def test_typed_cells_are_read_exactly():
    data = _workbook_bytes(
        {
            1: DOCUMENT_COLUMNS,
            2: _document(),
            # Row 3 left empty: row numbers below must still be sheet row numbers.
            4: _document(
                document_id=1001, client_id=7.0, issue_date="14/03/2025", due_date="2025-03-31",
                net=0.1, tax=0.2, withholding=None, total=0.3, in_dispute=0,
                updated_at=datetime(2025, 3, 14), early_discount_pct=None, early_discount_days=None,
            ),
        }
    )

    first, second = read_export("documents", "Documents.xlsx", data)

    assert first == {
        "document_id": "D000123",
        "type": "invoice",
        "number": "F-2025-000123",
        "client_id": "C0001",
        "issue_date": date(2025, 3, 14),
        "due_date": date(2025, 5, 13),
        "currency": "EUR",
        "net": Decimal("1000.00"),
        "tax": Decimal("210.00"),
        "withholding": Decimal("150.50"),
        "total": Decimal("1059.50"),
        "related_document_id": None,
        "purchase_order": "PO-7781",
        "status": "issued",
        "updated_at": datetime(2025, 3, 14, 18, 0),
        "early_discount_pct": Decimal("3"),
        "early_discount_days": 10,
        "in_dispute": True,
        "dispute_reason": None,
        "_line_number": 2,
    }
    assert second["_line_number"] == 4
    assert second["document_id"] == "1001"
    assert second["client_id"] == "7"
    assert second["issue_date"] == date(2025, 3, 14)
    # 0.1 + 0.2 is not 0.3 in floats; each cell goes to Decimal on its own, so it is here.
    assert (second["net"], second["tax"], second["total"]) == (
        Decimal("0.10"), Decimal("0.20"), Decimal("0.30"),
    )  # fmt: skip
    assert second["withholding"] == Decimal("0.00")
    assert second["in_dispute"] is False


def test_bad_cells_are_reported_with_their_sheet_row(rejection):
    data = _workbook_bytes(
        {
            1: DOCUMENT_COLUMNS,
            2: _document(),
            3: _document(document_id="D2", net=10.123, total=None),
            5: _document(document_id="D3", issue_date=datetime(2025, 3, 14, 9, 30), in_dispute="quizás"),
        }
    )

    errors = rejection("documents", "documents.xlsx", data)

    assert [(e.line, e.column, e.value) for e in errors] == [
        (3, "net", "10.123"),
        (3, "total", ""),
        (5, "issue_date", "2025-03-14T09:30:00"),
        (5, "in_dispute", "quizás"),
    ]
    assert "more than 2 decimals" in errors[0].reason
    assert "required value is empty" in errors[1].reason
    assert "time of day" in errors[2].reason
    assert "not a boolean" in errors[3].reason


def test_fx_rates_from_a_workbook():
    data = _workbook_bytes(
        {1: ["Date", "USD", "GBP"], 2: [datetime(2025, 3, 14), 1.0882, "N/A"], 3: ["2025-03-13", "1.0856", 0.8385]}
    )

    rows = read_export("fx_rates", "fx_rates.xlsx", data)

    assert [(row["rate_date"], row["currency"], row["rate"], row["_line_number"]) for row in rows] == [
        (date(2025, 3, 14), "USD", Decimal("1.0882"), 2),
        (date(2025, 3, 13), "USD", Decimal("1.0856"), 3),
        (date(2025, 3, 13), "GBP", Decimal("0.8385"), 3),
    ]


def test_corrupt_workbooks_are_rejected(rejection):
    good = _workbook_bytes({1: DOCUMENT_COLUMNS, 2: _document()})

    for damaged in (b"this is no zip archive", good[: len(good) // 2]):
        errors = rejection("documents", "documents.xlsx", damaged)

        assert [(e.line, e.column, e.value) for e in errors] == [(0, "", "")]
        assert "not a readable .xlsx workbook" in errors[0].reason


def test_empty_workbook_is_rejected(rejection):
    errors = rejection("documents", "documents.xlsx", _workbook_bytes({}, other_sheet_first_active=False))

    assert [(e.line, e.reason) for e in errors] == [(0, "empty file (no header row)")]
