"""int_settlement_events computes the allocation waterfall as running sums; this checks it
against the rule applied one reduction at a time (DECISIONLOG: Instalments and the order
money is applied in; Settlement engine), on generated documents.

The model's compiled SQL comes from the manifest of the one-invoice warehouse the
small-input tests build anyway; it runs here on hand-made int_receivable_items and
int_document_reductions tables in an in-memory DuckDB, so each example costs
milliseconds and no dbt build."""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.dbt.warehouse import dbt_manifest

CENT = Decimal("0.01")
DAY_ZERO = date(2025, 1, 1)


@dataclass(frozen=True)
class Installment:
    document_id: str
    installment_no: int
    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Reduction:
    reduction_type: str
    reduction_id: str
    document_id: str
    installment_no: int | None
    effective_date: date
    amount: Decimal


def waterfall(installments: list[Installment], reductions: list[Reduction]) -> list[tuple]:
    """The rule, one reduction at a time: what it names first (up to what is open there),
    then the open instalments oldest due date first, the last instalment taking the rest.
    Within a day, reductions naming an instalment go first. Rows (document, instalment,
    type, id, applied, outstanding after) for every non-zero application."""
    rows = []
    for document_id in sorted({i.document_id for i in installments}):
        due_order = sorted(
            (i for i in installments if i.document_id == document_id), key=lambda i: (i.due_date, i.installment_no)
        )
        outstanding = {i.installment_no: i.amount for i in due_order}
        ordered = sorted(
            (r for r in reductions if r.document_id == document_id),
            key=lambda r: (r.effective_date, r.installment_no is None, r.reduction_type, r.reduction_id),
        )
        for reduction in ordered:
            applied = dict.fromkeys(outstanding, Decimal(0))
            rest = reduction.amount
            targets = [reduction.installment_no] if reduction.installment_no in outstanding else []
            targets += [i.installment_no for i in due_order]
            for number in targets:
                paid = min(rest, max(outstanding[number], Decimal(0)))
                applied[number] += paid
                outstanding[number] -= paid
                rest -= paid
            last = due_order[-1].installment_no
            applied[last] += rest
            outstanding[last] -= rest
            rows += [
                (document_id, number, reduction.reduction_type, reduction.reduction_id, amount, outstanding[number])
                for number, amount in applied.items() if amount != 0
            ]
    return sorted(rows)


@pytest.fixture(scope="module")
def events_sql(small_warehouse) -> str:
    manifest = json.loads(dbt_manifest(small_warehouse("one_invoice")).read_text())
    nodes = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    sql = nodes["int_settlement_events"]["compiled_code"]
    for name in ("int_receivable_items", "int_document_reductions"):
        sql = sql.replace(nodes[name]["relation_name"], name)
    # The registry position its rows carry (macros/read_through.sql file_registry).
    return sql.replace('"cartera"."raw"."file_registry"', "file_registry")


@pytest.fixture(scope="module")
def conn():
    with duckdb.connect() as connection:
        connection.execute("create table file_registry (file_id integer)")
        yield connection


def model_rows(conn, events_sql: str, installments: list[Installment], reductions: list[Reduction]) -> list[tuple]:
    conn.execute("""
        create or replace table int_receivable_items (
            item_type varchar, document_id varchar, installment_no integer, due_date date,
            item_amount decimal(18, 2), due_order bigint, item_count bigint)
    """)
    conn.execute("""
        create or replace table int_document_reductions (
            reduction_type varchar, reduction_id varchar, receipt_id varchar, document_id varchar,
            installment_no integer, reduction_date date, effective_date date, reduction_amount decimal(18, 2))
    """)
    for document_id in {i.document_id for i in installments}:
        ordered = sorted((i for i in installments if i.document_id == document_id), key=lambda i: (i.due_date, i.installment_no))
        conn.executemany(
            "insert into int_receivable_items values ('installment', ?, ?, ?, ?, ?, ?)",
            [(i.document_id, i.installment_no, i.due_date, i.amount, n, len(ordered)) for n, i in enumerate(ordered, 1)],
        )
    if reductions:
        conn.executemany(
            "insert into int_document_reductions values (?, ?, null, ?, ?, ?, ?, ?)",
            [(r.reduction_type, r.reduction_id, r.document_id, r.installment_no, r.effective_date, r.effective_date, r.amount)
             for r in reductions],
        )
    return sorted(conn.execute(
        f"select document_id, installment_no, reduction_type, reduction_id, applied_amount, outstanding_amount from ({events_sql})"
    ).fetchall())


money = st.integers(min_value=1, max_value=50_000).map(lambda cents: Decimal(cents) * CENT)


@st.composite
def documents(draw):
    installments, reductions = [], []
    for d in range(draw(st.integers(min_value=1, max_value=3))):
        document_id = f"D{d}"
        count = draw(st.integers(min_value=1, max_value=4))
        for number in range(1, count + 1):
            due = DAY_ZERO + timedelta(days=draw(st.integers(min_value=0, max_value=90)))
            installments.append(Installment(document_id, number, due, draw(money)))
        for r in range(draw(st.integers(min_value=0, max_value=6))):
            reduction_type = draw(st.sampled_from(["receipt", "withholding", "credit_note"]))
            # Allocations may name an instalment, also one the document lacks (read as none,
            # as int_document_reductions does).
            named = draw(st.none() | st.integers(min_value=1, max_value=5)) if reduction_type == "receipt" else None
            named = named if named is not None and named <= count else None
            day = DAY_ZERO + timedelta(days=draw(st.integers(min_value=0, max_value=4)) * 10)
            reductions.append(Reduction(reduction_type, f"{document_id}-{r}", document_id, named, day, draw(money)))
    return installments, reductions


@settings(max_examples=50, deadline=None, database=None)
@given(documents())
def test_running_sums_equal_the_rule_applied_one_reduction_at_a_time(conn, events_sql, case):
    installments, reductions = case
    assert model_rows(conn, events_sql, installments, reductions) == waterfall(installments, reductions)


def test_the_issue_17_example_pays_the_next_instalment(conn, events_sql):
    """#1 100 and #2 100; 150 allocated naming #1: #1 gets 100 (0 open), #2 the other 50
    (100 - 50 = 50 open), so the document owes 50 and its open instalment says 50 too."""
    installments = [
        Installment("X", 1, date(2025, 1, 31), Decimal("100.00")),
        Installment("X", 2, date(2025, 2, 28), Decimal("100.00")),
    ]
    reductions = [Reduction("receipt", "R", "X", 1, date(2025, 2, 10), Decimal("150.00"))]
    expected = [
        ("X", 1, "receipt", "R", Decimal("100.00"), Decimal("0.00")),
        ("X", 2, "receipt", "R", Decimal("50.00"), Decimal("50.00")),
    ]
    assert waterfall(installments, reductions) == expected
    assert model_rows(conn, events_sql, installments, reductions) == expected
