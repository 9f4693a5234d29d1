"""The rule across files: a document's instalments sum to its current total, checked in
DuckDB against raw.documents (orchestration/ingest/references.py)."""

from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.ingest.changes import mark_repeated_rows
from orchestration.ingest.raw_tables import ensure_raw_schema
from orchestration.ingest.references import check_references
from orchestration.readers import FieldError
from orchestration.readers.staged_export import staged_export

FILE = Path(__file__).resolve().parents[1] / "readers" / "fixtures" / "vencimientos_2025-06-01.csv"


def _problems(totals: dict[str, str]) -> list[FieldError]:
    with duckdb.connect() as conn:
        ensure_raw_schema(conn)
        for document_id, total in totals.items():
            conn.execute(
                "insert into raw.documents (document_id, client_id, currency, total, updated_at, _file_id, _line_number)"
                " values (?, 'C1', 'EUR', ?, timestamp '2025-06-01', 1, 2)",
                [document_id, Decimal(total)],
            )
        with staged_export(conn, "installments", FILE, FILE.name) as staged:
            # No instalment in raw: every row is new, and checked.
            mark_repeated_rows(conn, "installments", staged.relation, "marked")
            problems, warnings = check_references(conn, "installments", "marked", staged.rows, "EUR")
    assert warnings == []
    return problems


def test_instalments_that_sum_to_their_totals():
    # 353.33 + 353.33 + 353.34 = 1060.00
    assert _problems({"D000123": "1060.00", "D000125": "500.50", "D999": "1"}) == []


def test_wrong_sum_and_unknown_document_point_at_the_first_instalment():
    assert [(problem.line, problem.column, problem.value, problem.reason) for problem in _problems({"D000123": "1060.01"})] == [
        (2, "amount", "1060.00", "instalments of document D000123 sum to 1060.00 but its total is 1060.01"),
        (5, "amount", "500.50", "document D000125 is unknown (no document has this document_id)"),
    ]
