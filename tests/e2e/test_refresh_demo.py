"""`cartera refresh` on the committed demo exports: the published warehouse ties out to
the export files, to the cent. Expected figures are summed here from the CSV files with
Decimal, not read from the models under test."""

import csv
import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.readers.bank import read_bank_statement

DEMO = Path(__file__).resolve().parents[2] / "seeds" / "demo"
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"
RECEIVABLE = ("invoice", "debit_note")


def read_csv(name: str) -> list[dict]:
    with open(DEMO / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def latest_documents() -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for row in read_csv("documents.csv"):  # one file: the later updated_at wins
        if row["document_id"] not in latest or row["updated_at"] > latest[row["document_id"]]["updated_at"]:
            latest[row["document_id"]] = row
    return {key: row for key, row in latest.items() if row["status"] == "issued"}


def expected_outstanding_per_document() -> dict[str, Decimal]:
    """Invoice or debit note: total - allocations - withholdings - credit notes linked to it.
    Unlinked credit note: minus its total. Linked credit note: 0."""
    documents = latest_documents()
    receivable = {key for key, row in documents.items() if row["type"] in RECEIVABLE}
    outstanding = {key: Decimal(row["total"]) if key in receivable else Decimal("0.00") for key, row in documents.items()}
    for row in read_csv("allocations.csv"):
        if row["document_id"] in receivable:
            outstanding[row["document_id"]] -= Decimal(row["amount"])
    for row in read_csv("withholdings.csv"):
        if row["document_id"] in receivable:
            outstanding[row["document_id"]] -= Decimal(row["amount"])
    for key, row in documents.items():
        if row["type"] == "credit_note":
            if row["related_document_id"] in receivable:
                outstanding[row["related_document_id"]] -= Decimal(row["total"])
            else:
                outstanding[key] -= Decimal(row["total"])
    return outstanding


@pytest.fixture(scope="module")
def home(demo_home):
    return demo_home


@pytest.fixture
def published(home):
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as conn:
        yield conn


def test_every_document_outstanding_ties_to_the_exports(published):
    expected = expected_outstanding_per_document()
    actual = dict(published.execute("select document_id, outstanding_amount from marts.fct_documents").fetchall())
    assert set(actual) == set(expected)
    differences = {key: (expected[key], actual[key]) for key in expected if expected[key] != actual[key]}
    assert differences == {}
    assert sum(expected.values()) == sum(actual.values())


def test_unapplied_cash_ties_to_receipts_minus_allocations(published):
    receivable = {key for key, row in latest_documents().items() if row["type"] in RECEIVABLE}
    receipts = {row["receipt_id"]: row for row in read_csv("receipts.csv")}
    unapplied: dict[str, Decimal] = defaultdict(Decimal)
    for row in receipts.values():
        unapplied[row["client_id"]] += Decimal(row["amount"])
    for row in read_csv("allocations.csv"):
        if row["document_id"] in receivable:
            unapplied[receipts[row["receipt_id"]]["client_id"]] -= Decimal(row["amount"])
    eur_only = {
        client for client in unapplied
        if all(r["currency"] == "EUR" for r in receipts.values() if r["client_id"] == client)
    }
    actual = dict(published.execute("select client_id, unapplied_cash_amount from marts.ar_aging").fetchall())
    expected = {client: amount for client, amount in unapplied.items() if client in eur_only and amount != 0}
    assert {client: actual.get(client) for client in expected} == expected
    assert sum(expected.values()) > 0


def test_buckets_sum_to_the_open_balance_on_every_row(published):
    buckets = [row[0] for row in published.execute("select column_name from marts.aging_buckets order by bucket_order").fetchall()]
    assert len(buckets) == 6
    for relation in ("marts.ar_aging", "marts.ar_aging_monthly"):
        mismatches = published.execute(
            f"select count(*) from {relation} where open_balance_amount <> {' + '.join(buckets)}"
        ).fetchall()
        assert mismatches == [(0,)]


def test_aging_total_equals_the_documents_outstanding_in_reporting_currency(published):
    aging_total = published.execute("select sum(open_balance_amount) from marts.ar_aging").fetchall()[0][0]
    documents_total = published.execute("select sum(outstanding_reporting_amount) from marts.fct_documents").fetchall()[0][0]
    assert aging_total == documents_total
    assert aging_total > 0


def test_aging_at_the_as_of_date_equals_ar_aging(published):
    differences = published.execute(
        """
        select count(*) from (
            (select * from marts.ar_aging except select * from marts.ar_aging_at((select max(as_of_date) from marts.ar_aging)))
            union all
            (select * from marts.ar_aging_at((select max(as_of_date) from marts.ar_aging)) except select * from marts.ar_aging)
        )
        """
    ).fetchall()
    assert differences == [(0,)]
    assert published.execute("select count(*) from marts.ar_aging").fetchall()[0][0] > 200


def incoming_bank_lines() -> dict[str, list[Decimal]]:
    """Every incoming line of the demo's bank files, read back with the production reader, by account."""
    incoming: dict[str, list[Decimal]] = defaultdict(list)
    for path in sorted(DEMO.glob("bank_*")):
        for line in read_bank_statement(path.name, path.read_bytes()).lines:
            if line.amount > 0:
                incoming[line.account].append(line.amount)
    return incoming


def test_every_bank_receipt_is_found_on_the_statements(published):
    """The demo writes every EUR transfer and direct-debit receipt as one incoming line, and
    the customer transfers nobody registered as the only other incoming lines."""
    bank_receipts = {
        row["receipt_id"] for row in read_csv("receipts.csv")
        if row["currency"] == "EUR" and row["method"] in ("transfer", "direct_debit")
    }
    statuses = defaultdict(set)
    for status, receipt_id, bank_line_id in published.execute(
        "select reconciliation_status, receipt_id, bank_line_id from marts.bank_reconciliation"
    ).fetchall():
        statuses[status].add(receipt_id or bank_line_id)
    assert statuses["matched"] == bank_receipts
    assert statuses["amount_difference"] == statuses["registered_not_in_bank"] == set()
    lines = sum(len(amounts) for amounts in incoming_bank_lines().values())
    assert len(statuses["in_bank_not_registered"]) == lines - len(bank_receipts) > 0


def test_applied_plus_unapplied_is_the_incoming_money_of_each_account(published):
    expected = {account: sum(amounts) for account, amounts in incoming_bank_lines().items()}
    actual = published.execute(
        """
        select bank_account, sum(coalesce(applied_amount, 0)), sum(coalesce(unapplied_amount, 0))
        from marts.cash_application
        group by bank_account
        """
    ).fetchall()
    assert {account: applied + unapplied for account, applied, unapplied in actual} == expected
    assert len(expected) == 2


def test_dbt_docs_generate_describes_every_mart_column(home, tmp_path):
    """`dbt docs generate` on the refreshed warehouse; every column of every mart, as the
    catalog finds it in the database, has a description in the yml docs."""
    target = tmp_path / "target"
    env = {**os.environ, "CARTERA_HOME": str(home), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run(
        [str(DBT), "docs", "generate", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
         "--target-path", str(target), "--log-path", str(tmp_path / "logs")],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    marts = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model" and node["schema"] == "marts"}
    assert len(marts) >= 10
    undescribed = []
    for key, node in marts.items():
        assert node["description"].startswith("One row"), f"{node['name']}: the description must state the grain first"
        described = {name.lower() for name, column in node["columns"].items() if column["description"].strip()}
        undescribed += [f"{node['name']}.{name}" for name in catalog["nodes"][key]["columns"] if name.lower() not in described]
    assert undescribed == []
