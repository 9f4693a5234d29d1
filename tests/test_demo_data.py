"""The demo data generator: determinism, the export contract, invariants and features.

Everything is checked by reading the CSV files back with the csv module and Decimal, the
way an importer sees them. Most tests run on a small company (60 clients, one year) and
on the full default one (300 clients, two years).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from orchestration import demo_data
from orchestration.demo_data import generate

END = date(2026, 10, 31)
FILES = ["clients.csv", "documents.csv", "installments.csv", "receipts.csv",
         "allocations.csv", "withholdings.csv", "fx_rates.csv"]
HEADERS = {
    "clients.csv": ["client_id", "tax_id", "legal_name", "country", "segment", "salesperson",
                    "branch", "payment_terms_days", "credit_limit", "currency", "email",
                    "phone", "address", "updated_at"],
    "documents.csv": ["document_id", "type", "number", "client_id", "issue_date", "due_date",
                      "currency", "net", "tax", "withholding", "total", "related_document_id",
                      "purchase_order", "status", "updated_at", "early_discount_pct",
                      "early_discount_days", "in_dispute", "dispute_reason"],
    "installments.csv": ["document_id", "installment_no", "due_date", "amount"],
    "receipts.csv": ["receipt_id", "client_id", "date", "currency", "amount", "method",
                     "reference"],
    "allocations.csv": ["receipt_id", "document_id", "installment_no", "amount"],
    "withholdings.csv": ["document_id", "type", "amount", "certificate_number", "date"],
    "fx_rates.csv": ["Date", "USD", "GBP", "MXN"],
}
MONEY = re.compile(r"^\d+\.\d{2}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
ZERO = Decimal("0.00")


# --- reading the files back --------------------------------------------------------------

def money(value: str, positive: bool = False) -> Decimal:
    assert MONEY.match(value), f"not money with two decimals: {value!r}"
    amount = Decimal(value)
    assert amount > 0 if positive else amount >= 0, value
    return amount


def day(value: str) -> date:
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", value), value
    return date.fromisoformat(value)


def stamp(value: str) -> datetime:
    assert TIMESTAMP.match(value), value
    return datetime.fromisoformat(value)


def irpf(net: str) -> Decimal:
    return (money(net) * Decimal("0.15")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def unique(keys: list) -> bool:
    return len(keys) == len(set(keys))


def read(folder: Path, name: str) -> list[dict[str, str]]:
    raw = (folder / name).read_bytes()
    assert b"\r" not in raw, f"{name} must use \\n line endings"
    lines = raw.decode("utf-8").splitlines()
    reader = csv.DictReader(lines)
    assert reader.fieldnames == HEADERS[name]
    rows = list(reader)
    assert all(None not in row and len(row) == len(HEADERS[name]) for row in rows), name
    return rows


@dataclass
class Export:
    folder: Path
    clients: list[dict]
    versions: list[dict]  # every exported document row
    documents: dict[str, dict]  # the latest version of each document
    installments: dict[str, list[dict]]
    receipts: dict[str, dict]
    allocations: list[dict]
    withholdings: list[dict]
    fx: list[dict]

    def of_type(self, kind: str) -> list[dict]:
        return [d for d in self.documents.values() if d["type"] == kind]

    def linked_credit_notes(self) -> dict[str, list[dict]]:
        notes = defaultdict(list)
        for note in self.of_type("credit_note"):
            if note["related_document_id"] and note["status"] == "issued":
                notes[note["related_document_id"]].append(note)
        return notes


def load(folder: Path) -> Export:
    versions = read(folder, "documents.csv")
    latest: dict[str, dict] = {}
    for row in sorted(versions, key=lambda r: stamp(r["updated_at"])):
        latest[row["document_id"]] = row
    installments = defaultdict(list)
    for row in read(folder, "installments.csv"):
        installments[row["document_id"]].append(row)
    return Export(
        folder=folder,
        clients=read(folder, "clients.csv"),
        versions=versions,
        documents=latest,
        installments=dict(installments),
        receipts={r["receipt_id"]: r for r in read(folder, "receipts.csv")},
        allocations=read(folder, "allocations.csv"),
        withholdings=read(folder, "withholdings.csv"),
        fx=read(folder, "fx_rates.csv"),
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Export:
    folder = tmp_path_factory.mktemp("small")
    generate(folder, clients=60, years=1)
    return load(folder)


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> tuple[Export, dict[str, int]]:
    folder = tmp_path_factory.mktemp("full")
    counts = generate(folder)
    return load(folder), counts


@pytest.fixture(scope="module")
def blocks(tmp_path_factory) -> Export:
    """A company above BLOCK_CLIENTS, lowered to 40: 100 clients in three blocks (34, 33, 33)."""
    folder = tmp_path_factory.mktemp("blocks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_data, "BLOCK_CLIENTS", 40)
        generate(folder, clients=100, years=1, seed=7, workers=2)
    return load(folder)


@pytest.fixture(params=["small", "full"])
def export(request, small, full) -> Export:
    return small if request.param == "small" else full[0]


# --- determinism and size ----------------------------------------------------------------

def test_same_arguments_give_identical_bytes(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    counts = generate(first, clients=60, years=1, seed=7)
    assert generate(second, clients=60, years=1, seed=7) == counts
    generate(other, clients=60, years=1, seed=8)
    assert sorted(p.name for p in first.glob("*.csv")) == sorted(FILES)  # bank files: test_demo_bank
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert any((first / n).read_bytes() != (other / n).read_bytes() for n in FILES)


def test_returned_counts_are_data_rows(full):
    export, counts = full
    assert list(counts)[: len(FILES)] == FILES  # then the bank files (test_demo_bank.py)
    for name in FILES:
        count = counts[name]
        lines = (export.folder / name).read_text(encoding="utf-8").splitlines()
        assert count == len(lines) - 1, name


def test_committed_demo_is_current(full):
    """seeds/demo must be exactly what `generate()` makes with its defaults."""
    demo = Path(__file__).resolve().parents[1] / "seeds" / "demo"
    if not demo.is_dir():
        pytest.skip("seeds/demo not generated")
    export, _ = full
    for name in FILES:
        assert (demo / name).read_bytes() == (export.folder / name).read_bytes(), name


def test_full_demo_size(full):
    export, _ = full
    assert 8_000 <= len(export.of_type("invoice")) <= 15_000
    assert len({c["client_id"] for c in export.clients}) == 300
    assert sum((export.folder / n).stat().st_size for n in FILES) < 5_000_000


# --- the contract: types and keys --------------------------------------------------------

def test_clients_rows_are_valid(export):
    for row in export.clients:
        assert row["client_id"] and row["tax_id"] and row["legal_name"]
        assert re.match(r"^[A-Z]{2}$", row["country"])
        assert re.match(r"^[A-Z]{3}$", row["currency"])
        assert int(row["payment_terms_days"]) in (0, 30, 60, 90)
        if row["credit_limit"]:
            money(row["credit_limit"])
        stamp(row["updated_at"])
    assert unique([(c["client_id"], c["updated_at"]) for c in export.clients])
    assert {c["currency"] for c in export.clients} == {"EUR", "USD"}
    assert {c["branch"] for c in export.clients} == {"Madrid", "Barcelona", "Valencia"}
    assert 3 <= len({c["salesperson"] for c in export.clients}) <= 4
    assert {"ES", "MX"} <= {c["country"] for c in export.clients}
    spanish = sum(c["country"] == "ES" for c in export.clients)
    assert spanish / len(export.clients) > 0.8
    names = " ".join(c["legal_name"] for c in export.clients)
    assert "ñ" in names and re.search("[áéíóú]", names)


def test_document_rows_are_valid(export):
    last_moment = datetime.combine(END, datetime.max.time())
    for row in export.versions:
        assert row["type"] in ("invoice", "credit_note", "debit_note")
        assert row["status"] in ("issued", "void")
        assert row["in_dispute"] in ("true", "false")
        net, tax, withholding, total = (
            money(row[c]) for c in ("net", "tax", "withholding", "total"))
        assert total == net + tax - withholding
        assert day(row["issue_date"]) <= day(row["due_date"])
        assert day(row["issue_date"]) <= END and stamp(row["updated_at"]) <= last_moment
        discount = (row["early_discount_pct"], row["early_discount_days"])
        assert discount in (("", ""), ("3", "10"))
        assert bool(row["dispute_reason"]) == (row["in_dispute"] == "true")
    assert unique([(d["document_id"], d["updated_at"]) for d in export.versions])
    assert unique([d["number"] for d in export.documents.values()])


def test_other_rows_are_valid(export):
    for rows in export.installments.values():
        for row in rows:
            assert int(row["installment_no"]) >= 1
            money(row["amount"], positive=True)
            day(row["due_date"])
    for row in export.receipts.values():
        money(row["amount"], positive=True)
        day(row["date"])
        assert row["method"] in ("transfer", "direct_debit", "confirming", "cheque", "card", "cash")
    for row in export.allocations:
        money(row["amount"], positive=True)
        assert row["installment_no"] == "" or int(row["installment_no"]) >= 1
    for row in export.withholdings:
        assert row["type"] == "IRPF"
        money(row["amount"], positive=True)
        day(row["date"])
    instalments = [i for rows in export.installments.values() for i in rows]
    assert unique([(i["document_id"], i["installment_no"]) for i in instalments])
    assert unique([(a["receipt_id"], a["document_id"], a["installment_no"])
                   for a in export.allocations])
    assert unique([(w["document_id"], w["type"], w["date"], w["certificate_number"])
                   for w in export.withholdings])


def test_every_reference_exists(export):
    client_ids = {c["client_id"] for c in export.clients}
    documents = export.documents
    for row in export.versions:
        assert row["client_id"] in client_ids
        assert row["related_document_id"] == "" or row["related_document_id"] in documents
    assert set(export.installments) <= set(documents)
    assert {r["client_id"] for r in export.receipts.values()} <= client_ids
    for row in export.allocations:
        assert row["receipt_id"] in export.receipts and row["document_id"] in documents
    assert {w["document_id"] for w in export.withholdings} <= set(documents)


def test_tax_ids_have_valid_check_characters(export):
    spanish = [c["tax_id"] for c in export.clients if c["country"] == "ES"]
    assert all(valid_spanish_tax_id(t) for t in spanish)
    kinds = {"nif" if t[0].isdigit() else "nie" if t[0] in "XYZ" else "cif" for t in spanish}
    assert {"nif", "cif"} <= kinds
    for client in export.clients:
        if client["country"] == "MX":
            assert valid_rfc(client["tax_id"]), client["tax_id"]


def test_fx_rates_follow_the_ecb_layout(export):
    dates = [day(r["Date"]) for r in export.fx]
    assert dates == sorted(dates, reverse=True)  # the most recent first
    oldest, newest = dates[-1], dates[0]
    every_day = (oldest + timedelta(days=i) for i in range((newest - oldest).days + 1))
    assert list(reversed(dates)) == [d for d in every_day if d.weekday() < 5]
    assert oldest <= min(day(d["issue_date"]) for d in export.documents.values())
    assert newest <= END
    cells = [r[c] for r in export.fx for c in ("USD", "GBP", "MXN")]
    assert cells.count("N/A") == 2
    assert all(re.match(r"^\d+\.\d{4}$", c) for c in cells if c != "N/A")
    usd = [Decimal(r["USD"]) for r in export.fx if r["USD"] != "N/A"]
    assert Decimal("1.05") <= min(usd) and max(usd) <= Decimal("1.15")
    assert "N/A" not in export.fx[-1].values()  # the oldest day has rates to fall back on


# --- invariants --------------------------------------------------------------------------

def test_instalments_sum_to_the_document_total(export):
    for document_id, rows in export.installments.items():
        document = export.documents[document_id]
        numbers = sorted(int(r["installment_no"]) for r in rows)
        assert numbers == list(range(1, len(rows) + 1))
        assert sum(money(r["amount"]) for r in rows) == money(document["total"])
        assert max(day(r["due_date"]) for r in rows) == day(document["due_date"])


def test_receipts_are_not_over_allocated(export):
    allocated = defaultdict(lambda: ZERO)
    for row in export.allocations:
        allocated[row["receipt_id"]] += money(row["amount"])
    for receipt_id, amount in allocated.items():
        assert amount <= money(export.receipts[receipt_id]["amount"]), receipt_id


def test_no_document_is_overpaid(export):
    """Allocations + withholdings + linked credit notes never exceed a document's total."""
    settled = defaultdict(lambda: ZERO)
    for row in export.allocations:
        settled[row["document_id"]] += money(row["amount"])
    for row in export.withholdings:
        settled[row["document_id"]] += money(row["amount"])
    for document_id, notes in export.linked_credit_notes().items():
        settled[document_id] += sum(money(n["total"]) for n in notes)
    for document_id, amount in settled.items():
        document = export.documents[document_id]
        assert document["type"] != "credit_note"
        assert amount <= money(document["total"]), document_id


def test_named_instalments_are_not_overpaid(export):
    paid = defaultdict(lambda: ZERO)
    for row in export.allocations:
        if row["installment_no"]:
            assert row["document_id"] in export.installments
            paid[row["document_id"], row["installment_no"]] += money(row["amount"])
    for (document_id, number), amount in paid.items():
        rows = export.installments[document_id]
        instalment = next(i for i in rows if i["installment_no"] == number)
        assert amount <= money(instalment["amount"])


def test_receipts_match_their_documents(export):
    for row in export.allocations:
        receipt = export.receipts[row["receipt_id"]]
        document = export.documents[row["document_id"]]
        assert day(document["issue_date"]) <= day(receipt["date"]) <= END
        assert receipt["currency"] == document["currency"]
        assert receipt["client_id"] == document["client_id"]
        assert document["status"] == "issued" and document["type"] != "credit_note"
    assert all(day(r["date"]) <= END for r in export.receipts.values())


def test_notes_correct_an_issued_invoice_of_the_same_client(export):
    for note in export.documents.values():
        if note["related_document_id"]:
            related = export.documents[note["related_document_id"]]
            assert related["type"] == "invoice" and related["status"] == "issued"
            assert related["client_id"] == note["client_id"]
            assert day(note["issue_date"]) >= day(related["issue_date"])
            if note["type"] == "credit_note":
                assert money(note["total"]) <= money(related["total"])


def test_withholdings_at_payment(export):
    for row in export.withholdings:
        document = export.documents[row["document_id"]]
        assert money(document["withholding"]) == ZERO  # the invoice did not deduct IRPF
        assert money(row["amount"]) == irpf(document["net"])
        assert day(document["issue_date"]) <= day(row["date"]) <= END
    certificates = [w["certificate_number"] for w in export.withholdings]
    assert not all(certificates)
    assert sum(map(bool, certificates)) > len(certificates) / 2


def test_void_documents_are_not_paid(export):
    void = {i for i, d in export.documents.items() if d["status"] == "void"}
    assert void
    assert not void & {a["document_id"] for a in export.allocations}


# --- what the demo company looks like ----------------------------------------------------

def test_top_client_carries_about_40_percent_of_revenue(export):
    rates = usd_rates(export)
    revenue = defaultdict(lambda: ZERO)
    for document in export.of_type("invoice"):
        if document["status"] == "issued":
            net = money(document["net"])
            if document["currency"] == "USD":
                net = net / rate_on(rates, day(document["issue_date"]))
            revenue[document["client_id"]] += net
    total = sum(revenue.values())
    shares = sorted((v / total for v in revenue.values()), reverse=True)
    assert Decimal("0.35") <= shares[0] <= Decimal("0.45")
    assert shares[1] < Decimal("0.20")  # then a long tail
    assert sum(shares[: len(shares) // 5]) > Decimal("0.6")


def test_tax_and_irpf_on_invoices(export):
    invoices = export.of_type("invoice")
    rates = {(money(d["tax"]) / money(d["net"])).quantize(Decimal("0.01")) for d in invoices}
    assert {Decimal("0.21"), Decimal("0.10")} <= rates
    with_irpf = [d for d in invoices if money(d["withholding"]) > 0]
    assert all(money(d["withholding"]) == irpf(d["net"]) for d in with_irpf)
    professionals = {d["client_id"] for d in with_irpf}
    clients = {c["client_id"] for c in export.clients}
    assert 0.08 <= len(professionals) / len(clients) <= 0.25
    usd_clients = {c["client_id"] for c in export.clients if c["currency"] == "USD"}
    usd_documents = [d for d in invoices if d["currency"] == "USD"]
    assert usd_documents and all(d["client_id"] in usd_clients for d in usd_documents)


def test_instalments_in_two_and_three_parts(export):
    assert {len(rows) for rows in export.installments.values()} == {2, 3}
    assert 0.15 <= len(export.installments) / len(export.of_type("invoice")) <= 0.35
    on_instalments = [a for a in export.allocations if a["document_id"] in export.installments]
    assert any(a["installment_no"] for a in on_instalments)
    assert any(not a["installment_no"] for a in on_instalments)


def test_partial_payments(export):
    receipts_per_document = defaultdict(set)
    for row in export.allocations:
        if row["document_id"] not in export.installments:
            receipts_per_document[row["document_id"]].add(row["receipt_id"])
    assert any(len(r) >= 2 for r in receipts_per_document.values())


def test_receipts_paying_several_documents(export):
    documents_per_receipt = defaultdict(set)
    for row in export.allocations:
        documents_per_receipt[row["receipt_id"]].add(row["document_id"])
    assert any(len(d) >= 3 for d in documents_per_receipt.values())


def test_unapplied_cash(export):
    allocated = defaultdict(lambda: ZERO)
    for row in export.allocations:
        allocated[row["receipt_id"]] += money(row["amount"])
    without_allocations = [r for r in export.receipts if r not in allocated]
    short = [r for r, a in allocated.items() if a < money(export.receipts[r]["amount"])]
    assert without_allocations and short


def test_credit_and_debit_notes(export):
    invoices = export.of_type("invoice")
    notes = export.of_type("credit_note")
    linked = [n for n in notes if n["related_document_id"]]
    unlinked = [n for n in notes if not n["related_document_id"]]
    debit = export.of_type("debit_note")
    assert linked and unlinked and debit
    assert all(d["related_document_id"] for d in debit)
    assert 0.02 <= len(linked) / len(invoices) <= 0.12
    assert len(debit) / len(invoices) <= 0.03
    assert any(n["total"] == export.documents[n["related_document_id"]]["total"]
               for n in linked)  # a full cancellation


def test_disputes(export):
    disputed = [d for d in export.documents.values() if d["in_dispute"] == "true"]
    assert disputed
    reasons = {d["dispute_reason"] for d in disputed}
    assert reasons & {"precio", "mercancía dañada", "entrega incompleta"}


def test_early_discount_takers(export):
    payments = defaultdict(list)
    for row in export.allocations:
        paid_on = day(export.receipts[row["receipt_id"]]["date"])
        payments[row["document_id"]].append((paid_on, money(row["amount"])))
    credit_notes = export.linked_credit_notes()
    takers = set()
    for document_id, document in export.documents.items():
        notes = credit_notes.get(document_id, [])
        if document["early_discount_pct"] != "3" or len(payments[document_id]) != 1:
            continue
        if len(notes) != 1:
            continue
        (paid_on, amount), note = payments[document_id][0], notes[0]
        if day(note["issue_date"]) != paid_on:
            continue
        assert paid_on <= day(document["issue_date"]) + timedelta(days=10)
        assert amount + money(note["total"]) == money(document["total"])  # the invoice closes
        discount = money(note["total"]) / money(document["total"])
        assert Decimal("0.025") <= discount <= Decimal("0.035")
        takers.add(document["client_id"])
    offering = {d["client_id"] for d in export.documents.values() if d["early_discount_pct"]}
    assert takers and len(takers) < len(offering)  # some clients do not take it


def test_renamed_clients(export):
    versions = defaultdict(list)
    for row in export.clients:
        versions[row["client_id"]].append(row)
    renamed = [rows for rows in versions.values() if len(rows) > 1]
    assert 2 <= len(renamed) <= max(2, len(versions) * 0.05)
    for first, second in renamed:
        assert stamp(first["updated_at"]) < stamp(second["updated_at"])
        assert (first["legal_name"], first["tax_id"]) != (second["legal_name"], second["tax_id"])
    # An autónomo incorporates: a person's name and NIF become an S.L. with a CIF.
    assert any(a["tax_id"][-1].isalpha() and b["tax_id"].startswith("B")
               and b["legal_name"].endswith("S.L.") for a, b in renamed)


def test_reexported_documents(export):
    versions = defaultdict(list)
    for row in export.versions:
        versions[row["document_id"]].append(row)
    changed = set()
    for rows in versions.values():
        if len(rows) > 1:
            first, last = sorted(rows, key=lambda r: r["updated_at"])
            changed |= {c for c in first if first[c] != last[c]} - {"updated_at"}
    assert {"purchase_order", "due_date", "status"} <= changed


def test_payer_profiles(export):
    paying = {r["client_id"] for r in export.receipts.values()}
    overdue = END - timedelta(days=60)
    long_invoiced = {d["client_id"] for d in export.of_type("invoice")
                     if d["status"] == "issued" and day(d["due_date"]) < overdue}
    never = long_invoiced - paying
    assert 2 <= len(never) <= max(3, len(long_invoiced) * 0.05)
    # Punctual payers and chronically late ones, by their median delay.
    delays = defaultdict(list)
    for row in export.allocations:
        if row["document_id"] not in export.installments:
            document = export.documents[row["document_id"]]
            paid_on = day(export.receipts[row["receipt_id"]]["date"])
            delays[document["client_id"]].append((paid_on - day(document["due_date"])).days)
    medians = [sorted(d)[len(d) // 2] for d in delays.values() if len(d) >= 3]
    assert any(m <= 3 for m in medians) and any(m >= 30 for m in medians)


# --- helpers -----------------------------------------------------------------------------

def valid_spanish_tax_id(tax_id: str) -> bool:
    letters = "TRWAGMYFPDXBNJZSQVHLCKE"
    if re.match(r"^\d{8}[A-Z]$", tax_id):
        return letters[int(tax_id[:8]) % 23] == tax_id[8]
    if re.match(r"^[XYZ]\d{7}[A-Z]$", tax_id):
        return letters[int(str("XYZ".index(tax_id[0])) + tax_id[1:8]) % 23] == tax_id[8]
    if re.match(r"^[ABCDEFGHJUV]\d{8}$", tax_id):
        digits = tax_id[1:8]
        odd = sum(sum(int(x) for x in str(2 * int(d))) for d in digits[0::2])
        even = sum(int(d) for d in digits[1::2])
        return (10 - (odd + even) % 10) % 10 == int(tax_id[8])
    return False


def valid_rfc(rfc: str) -> bool:
    if not re.match(r"^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$", rfc):
        return False
    alphabet = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
    total = sum(alphabet.index(c) * (13 - i) for i, c in enumerate(rfc[:-1].rjust(12)))
    check = 11 - total % 11
    return rfc[-1] == {11: "0", 10: "A"}.get(check, str(check))


def usd_rates(export: Export) -> list[tuple[date, Decimal]]:
    return sorted((day(r["Date"]), Decimal(r["USD"])) for r in export.fx if r["USD"] != "N/A")


def rate_on(rates: list[tuple[date, Decimal]], when: date) -> Decimal:
    earlier = [rate for rate_day, rate in rates if rate_day <= when]
    return earlier[-1] if earlier else rates[0][1]


# --- a company generated in blocks (above BLOCK_CLIENTS) ----------------------------------

def test_a_company_in_blocks_shares_no_key_between_blocks(blocks):
    """Three blocks of 34, 33 and 33 clients: 100 clients C0001..C0100, and every key
    (tax id, document id and number, receipt id) belongs to one block's company only."""
    assert sorted({c["client_id"] for c in blocks.clients}) == [f"C{n:04d}" for n in range(1, 101)]
    owners = defaultdict(set)
    for client in blocks.clients:
        owners[client["tax_id"]].add(client["client_id"])
    assert all(len(clients) == 1 for clients in owners.values())
    assert unique([d["number"] for d in blocks.documents.values()])
    assert {d["document_id"][1:3] for d in blocks.documents.values()} == {"00", "01", "02"}
    assert {r[1:3] for r in blocks.receipts} == {"00", "01", "02"}
    assert len(blocks.receipts) == sum(1 for _ in (blocks.folder / "receipts.csv").open()) - 1


def test_a_company_in_blocks_keeps_the_export_contract(blocks):
    test_every_reference_exists(blocks)
    test_tax_ids_have_valid_check_characters(blocks)
    test_fx_rates_follow_the_ecb_layout(blocks)
    test_instalments_sum_to_the_document_total(blocks)
    test_receipts_are_not_over_allocated(blocks)


def test_each_block_has_its_own_two_bank_accounts(blocks):
    accounts = {path.name.split("_")[2] for path in blocks.folder.glob("bank_*")}
    assert len(accounts) == 6
    assert not list(blocks.folder.glob(".block-*"))  # the blocks' folders are gone


def test_a_company_in_blocks_has_the_same_bytes_with_one_worker(blocks, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_data, "BLOCK_CLIENTS", 40)
    generate(tmp_path, clients=100, years=1, seed=7, workers=1)
    names = sorted(path.name for path in blocks.folder.iterdir())
    assert names == sorted(path.name for path in tmp_path.iterdir())
    for name in names:
        assert (blocks.folder / name).read_bytes() == (tmp_path / name).read_bytes(), name
