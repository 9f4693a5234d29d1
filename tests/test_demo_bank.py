"""The demo company's bank statements (orchestration/demo_bank.py) and its tax ids.

Every bank file is read back with the production reader, which checks its control
figures; the consistency with the receipts is computed independently from the CSVs.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.es import nif as es_nif
from stdnum.eu import vat as eu_vat
from stdnum.mx import rfc as mx_rfc

from orchestration.demo_data import generate
from orchestration.readers.bank import read_bank_statement
from orchestration.readers.bank.common import is_valid_iban

START, END = date(2024, 11, 1), date(2026, 10, 31)
BANK_FILE = re.compile(
    r"^bank_(n43|camt053)_(ES\d{22})_(\d{4})-(\d{2})\.(n43|xml)$")
ZERO = Decimal("0.00")


def csv_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def bank_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("bank_"))


class Demo:
    def __init__(self, folder: Path, counts: dict[str, int]):
        self.folder, self.counts = folder, counts
        self.clients = csv_rows(folder, "clients.csv")
        self.receipts = csv_rows(folder, "receipts.csv")
        self.allocations = csv_rows(folder, "allocations.csv")
        self.documents = {d["document_id"]: d for d in csv_rows(folder, "documents.csv")}
        self.files = {}  # name -> BankStatementFile
        for path in bank_files(folder):
            self.files[path.name] = read_bank_statement(path.name, path.read_bytes())
        self.lines = [(name, line) for name, f in self.files.items() for line in f.lines]

    def names(self) -> dict[str, set[str]]:
        names = defaultdict(set)
        for client in self.clients:
            names[client["client_id"]].add(client["legal_name"])
        return names


@pytest.fixture(scope="module")
def full(tmp_path_factory) -> Demo:
    folder = tmp_path_factory.mktemp("bank_full")
    return Demo(folder, generate(folder))


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Demo:
    folder = tmp_path_factory.mktemp("bank_small")
    return Demo(folder, generate(folder, clients=60, years=1))


@pytest.fixture(params=["small", "full"])
def demo(request, small, full) -> Demo:
    return small if request.param == "small" else full


# --- files, formats and control figures ---------------------------------------------------

def test_one_file_a_month_per_account(full):
    kinds = defaultdict(list)
    for name in full.files:
        match = BANK_FILE.match(name)
        assert match, name
        kind, iban, year, month, _ = match.groups()
        assert is_valid_iban(iban)
        kinds[kind, iban].append((int(year), int(month)))
    assert len(kinds) == 2 and {k for k, _ in kinds} == {"n43", "camt053"}
    expected, day = [], START
    while day <= END:
        expected.append((day.year, day.month))
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    for months in kinds.values():
        assert months == expected
    for name, f in full.files.items():
        assert f.format == ("norma43" if name.endswith(".n43") else "camt053")
        assert full.counts[name] == len(f.lines)


def test_statements_chain_and_stay_in_credit(demo):
    by_account = defaultdict(list)
    for f in demo.files.values():
        assert len(f.statements) == 1
        by_account[f.statements[0].account].append(f)
    for files in by_account.values():
        files.sort(key=lambda f: f.statements[0].period_start)
        previous = None
        for f in files:
            statement = f.statements[0]
            assert statement.currency == "EUR"
            if previous is not None:
                assert statement.opening_balance == previous.closing_balance
                assert statement.period_start == previous.period_end + timedelta(days=1)
            running = statement.opening_balance
            for line in f.lines:
                assert statement.period_start <= line.booking_date <= statement.period_end
                assert line.currency == "EUR"
                running += line.amount
                assert running >= 0
            assert running == statement.closing_balance
            previous = statement


def test_norma43_records_are_80_characters(full):
    for path in bank_files(full.folder):
        if path.suffix == ".n43":
            records = path.read_bytes().split(b"\r\n")
            assert records[-1] == b""
            assert all(len(r) == 80 for r in records[:-1]), path.name
            assert records[-2].startswith(b"88")


# --- consistency with receipts.csv -----------------------------------------------------------

def match_receipts(demo: Demo):
    """Each registered bank receipt to its incoming line; (pairs, unmatched incoming lines)."""
    incoming = defaultdict(list)  # amount -> [(name, line)]
    for name, line in demo.lines:
        if line.amount > 0:
            incoming[line.amount].append((name, line))
    banked = [r for r in demo.receipts
              if r["currency"] == "EUR" and r["method"] in ("transfer", "direct_debit")]
    pairs = []
    for receipt in sorted(banked, key=lambda r: (r["date"], r["receipt_id"])):
        paid = date.fromisoformat(receipt["date"])
        candidates = incoming[Decimal(receipt["amount"])]
        found = next((c for c in candidates if c[1].booking_date == paid
                      and paid <= c[1].value_date <= paid + timedelta(days=2)), None)
        assert found is not None, f"receipt {receipt['receipt_id']} is not on any statement"
        candidates.remove(found)
        pairs.append((receipt, found[0], found[1]))
    unmatched = [item for items in incoming.values() for item in items]
    return banked, pairs, unmatched


def party_of(file_name: str, line) -> str:
    if file_name.endswith(".xml"):
        return line.counterparty_name
    return line.remittance_text  # Norma 43: the name is the first complementary concept


def test_every_bank_receipt_is_an_incoming_line(demo):
    banked, pairs, unmatched = match_receipts(demo)
    registered = sum((Decimal(r["amount"]) for r in banked), ZERO)
    unregistered = sum((line.amount for _, line in unmatched), ZERO)
    incoming = sum((line.amount for _, line in demo.lines if line.amount > 0), ZERO)
    assert incoming == registered + unregistered  # to the cent
    assert unmatched and Decimal("0.005") <= unregistered / incoming <= Decimal("0.03")
    names = demo.names()
    ibans = {}
    for receipt, file_name, line in pairs:
        client_names = names[receipt["client_id"]]
        if file_name.endswith(".xml"):
            assert line.counterparty_name in client_names
            assert is_valid_iban(line.counterparty_account)
            assert ibans.setdefault(receipt["client_id"], line.counterparty_account) == \
                line.counterparty_account
        else:
            assert any(n.upper()[:30] in line.remittance_text for n in client_names)
    assert len(set(ibans.values())) == len(ibans)  # one IBAN per client, none shared
    # The unregistered money also comes from clients.
    every_name = {n for ns in names.values() for n in ns}
    for file_name, line in unmatched:
        if file_name.endswith(".xml"):
            assert line.counterparty_name in every_name
        else:
            assert any(n.upper()[:30] in line.remittance_text for n in every_name)


def test_usd_and_other_receipts_stay_off_the_statements(demo):
    other = [r for r in demo.receipts
             if r["currency"] != "EUR" or r["method"] not in ("transfer", "direct_debit")]
    assert any(r["currency"] == "USD" for r in other)
    assert all(line.currency == "EUR" for _, line in demo.lines)


def test_remittance_names_the_invoices_as_customers_write_them(full):
    _, pairs, _ = match_receipts(full)
    numbers = defaultdict(list)
    for allocation in full.allocations:
        document = full.documents[allocation["document_id"]]
        numbers[allocation["receipt_id"]].append(document["number"])
    exact = reformatted = blank = 0
    for receipt, _, line in pairs:
        own = numbers.get(receipt["receipt_id"])
        text = line.remittance_text.upper()
        if not own:
            continue
        if any(n in text for n in own) or (receipt["reference"] and
                                           receipt["reference"].upper() in text):
            exact += 1
        elif any(str(int(n.rsplit("-", 1)[1])) in text and n.split("-")[1] in text
                 for n in own):
            reformatted += 1
        else:
            blank += 1
    total = exact + reformatted + blank
    assert exact / total > 0.5
    assert reformatted / total > 0.05
    assert 0 < blank / total < 0.15


# --- the company's own movements --------------------------------------------------------------

def test_fees_payroll_and_suppliers(full):
    codes = defaultdict(list)
    for name, line in full.lines:
        codes[line.bank_transaction_code].append((name, line))
    # Norma 43: 15 payroll/social security, 17 fees, 04 transfers out.
    assert all(line.amount < 0 for code in ("15-001", "17-005")
               for _, line in codes[code])
    payroll_months = {(l.booking_date.year, l.booking_date.month) for _, l in codes["15-001"]}
    assert len(payroll_months) == 24
    assert [l for _, l in codes["04-099"]] and all(l.amount < 0 for _, l in codes["04-099"])
    fees = codes["ACMT-MDOP-FEES"] + codes["17-005"]
    assert len(fees) >= 2 * 24
    camt_suppliers = [l for _, l in codes["PMNT-ICDT-ESCT"] if l.counterparty_name]
    assert camt_suppliers and all(l.amount < 0 and is_valid_iban(l.counterparty_account)
                                  for l in camt_suppliers)


# --- determinism and the committed seeds ------------------------------------------------------

def test_same_seed_same_bank_bytes(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(first, clients=60, years=1, seed=7)
    generate(second, clients=60, years=1, seed=7)
    generate(other, clients=60, years=1, seed=8)
    names = [p.name for p in bank_files(first)]
    assert names and names == [p.name for p in bank_files(second)]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert any((first / n).read_bytes() != (other / n).read_bytes() for n in names)


def test_regenerating_into_a_folder_leaves_no_stale_months(tmp_path):
    generate(tmp_path, clients=60, years=2)
    generate(tmp_path, clients=60, years=1)
    assert len(bank_files(tmp_path)) == 2 * 12


def test_committed_bank_statements_are_current(full):
    demo = Path(__file__).resolve().parents[1] / "seeds" / "demo"
    if not demo.is_dir():
        pytest.skip("seeds/demo not generated")
    assert [p.name for p in bank_files(demo)] == [p.name for p in bank_files(full.folder)]
    for path in bank_files(full.folder):
        assert (demo / path.name).read_bytes() == path.read_bytes(), path.name
    total = sum(p.stat().st_size for p in demo.iterdir() if p.is_file())
    assert total < 8_000_000


# --- tax ids ------------------------------------------------------------------------------------

def test_every_tax_id_passes_stdnum(demo):
    for client in demo.clients:
        tax_id, country = client["tax_id"], client["country"]
        if country == "ES":
            assert es_nif.is_valid(tax_id), tax_id
        elif country == "MX":
            assert mx_rfc.is_valid(tax_id, validate_check_digits=True), tax_id
        else:
            assert tax_id.startswith(country) and eu_vat.is_valid(tax_id), tax_id
    assert {c["country"] for c in demo.clients} >= {"ES", "MX"}
