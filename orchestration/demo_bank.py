"""The demo company's bank statements, consistent with its receipts.

Two EUR accounts, one statement file a month each:

- `bank_n43_<account>_<YYYY-MM>.n43`: the main account (AEB Norma 43, Latin-1, CRLF). It
  collects every direct debit (SEPA, one line per receipt) and the transfers of about
  60 % of the clients; payroll, social security and taxes leave from it.
- `bank_camt053_<account>_<YYYY-MM>.xml`: the second account (ISO 20022
  camt.053.001.08, UTF-8), with the transfers of the other clients.

What is guaranteed (tests/test_demo_bank.py checks it on the files):

- every EUR receipt paid by transfer or direct debit is one incoming line with the same
  amount, booked on the receipt date, with a value date 0-2 days later; in camt the
  debtor is the client's legal name (as of that date) and its IBAN, a stable synthetic
  valid ES IBAN per client; Norma 43 has no party fields, so the name goes in a
  complementary concept. The remittance text is what customers really write: the
  invoice numbers, sometimes reformatted (prefix, spaces, leading zeros), the payer's
  reference, or nothing useful;
- customer transfers the invoicing system never registered (about 1.5 % of the customer
  money), each paying in full or half an invoice the exports show unpaid, are incoming
  lines too; they are the only incoming lines that match no receipt;
- every other line is a debit: bank fees, payroll, social security, quarterly taxes and
  supplier payments;
- each month's opening balance is the previous closing one, the balance never goes
  below zero, and every control figure (Norma 43 records 33 and 88; camt OPBD + Σ =
  CLBD and TxsSummry) is right.

USD receipts (the Mexican clients) are left out: the demo company has no USD account,
so they would be bought as EUR at the bank's rate and their amounts would not match.
Confirming, cheque, card and cash receipts reach the bank in other ways (confirming
lines, cheque deposits, card settlements) and are not written either.

Draws come from their own `random.Random`, so the CSV exports do not depend on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from .demo_data import Client, DemoCompany, Receipt

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
COMPANY_NAME = "CARTERA DEMO S.L."

# The company's accounts: (bank, branch, account number) of the CCC.
N43_ACCOUNT = ("2100", "0418", "0200051332")
CAMT_ACCOUNT = ("0049", "1500", "2810123456")
CLIENT_BANKS = ["2100", "0049", "0182", "0081", "2038", "0128", "3058", "0075", "2085",
                "0487", "3035", "2080"]
SUPPLIERS = [
    "Papelería Levante S.L.", "Transportes Hermanos Ruiz S.A.", "Energía Ibérica S.A.",
    "Telefónica de España S.A.U.", "Alquileres Castellana S.L.", "Suministros Jarama S.L.",
    "Mantenimientos Tajo S.L.", "Seguros Mediterráneo S.A.", "Asesoría Fiscal Peña S.L.",
    "Materiales del Júcar S.A.", "Logística Henares S.L.", "Informática Moncayo S.L.",
]

# Norma 43 common concepts (AEB).
N43_TRANSFER, N43_DEBIT, N43_REMITTANCE = "04", "03", "06"
N43_PAYROLL, N43_FEES = "15", "17"


@dataclass(frozen=True, slots=True)
class Movement:
    """One booked line: + money in, - money out."""

    booking_date: date
    value_date: date
    amount: Decimal
    kind: str  # transfer, direct_debit, unregistered, fee, payroll, social_security, tax, supplier
    counterparty_name: str = ""
    counterparty_iban: str = ""
    remittance: str = ""
    reference: str = ""  # the bank's own reference of the line; also the sort tie-breaker


# --- IBANs ------------------------------------------------------------------------------

def ccc_digit(ten_digits: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    digit = 11 - sum(int(d) * w for d, w in zip(ten_digits, weights, strict=True)) % 11
    return str({11: 0, 10: 1}.get(digit, digit))


def spanish_iban(bank: str, branch: str, number: str) -> str:
    ccc = bank + branch + ccc_digit("00" + bank + branch) + ccc_digit(number) + number
    check = 98 - int(ccc + "142800") % 97  # "ES" -> 14 28, then "00"
    return f"ES{check:02d}{ccc}"


def client_iban(client: Client) -> str:
    """A stable synthetic ES IBAN per client, from its sequence number alone."""
    seq = client.seq
    bank = CLIENT_BANKS[seq % len(CLIENT_BANKS)]
    branch = f"{1000 + seq * 7919 % 9000:04d}"
    number = f"{(seq * 2_654_435_761 + 12_345) % 10**10:010d}"
    return spanish_iban(bank, branch, number)


def client_name(client: Client, day: date) -> str:
    if client.renamed and day >= client.renamed[0].date():
        return client.renamed[1]
    return client.legal_name


# --- remittance text as customers write it ----------------------------------------------

def written_number(number: str, rng: Random) -> str:
    """An invoice number the way a payer types it: F-2025-000123, FRA 2025/123, F2025000123…"""
    prefix, year, counter = number.split("-")
    style = rng.choices(range(6), [50, 12, 12, 10, 8, 8])[0]
    if style == 0:
        return number
    if style == 1:
        return f"{prefix}{year}{counter}"
    if style == 2:
        return f"{prefix} {year} {int(counter)}"
    if style == 3:
        return f"FRA {year}/{int(counter)}"
    if style == 4:
        return f"{prefix}-{year}-{int(counter)}"
    return f"{prefix.lower()}-{year}-{counter}"


def remittance_for(receipt: Receipt, rng: Random) -> str:
    numbers = [a.document.number for a in receipt.allocations]
    reference = receipt.reference()
    if receipt.method == "direct_debit":
        return f"ADEUDO SEPA {reference or 'RECIBO'}"
    if not numbers or rng.random() < 0.08:
        return reference or rng.choice(["TRANSFERENCIA", "PAGO FACTURAS", "PAGO PROVEEDOR"])
    if len(numbers) > 3 or rng.random() < 0.15:
        return reference or " ".join(numbers)
    written = [written_number(n, rng) for n in numbers]
    lead = rng.choices(["", "Fra. ", "Factura ", "PAGO FRA ", "N/PAGO "], [40, 20, 15, 15, 10])[0]
    if written[0].startswith("FRA"):
        lead = "" if lead != "N/PAGO " else lead
    return lead + " ".join(written)


# --- building the statements ------------------------------------------------------------

def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def month_key(day: date) -> tuple[int, int]:
    return day.year, day.month


def months(first: date, last: date) -> list[tuple[int, int]]:
    keys, key = [], month_key(first)
    while key <= month_key(last):
        keys.append(key)
        key = (key[0] + key[1] // 12, key[1] % 12 + 1)
    return keys


def last_day(key: tuple[int, int]) -> date:
    year, month = key
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def business_day_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def business_day_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class DemoBank:
    """Every movement of the two accounts over the company's period."""

    def __init__(self, company: DemoCompany, seed: int):
        self.company = company
        self.rng = Random(seed * 1_000_003 + 43)
        self.start, self.end = company.start, company.end
        self.n43: list[Movement] = []
        self.camt: list[Movement] = []

    def account_of(self, client: Client) -> list[Movement]:
        if client.method == "direct_debit" or client.tier == "top":
            return self.n43
        return self.n43 if (client.seq * 37) % 100 < 60 else self.camt

    def build(self) -> None:
        self.customer_receipts()
        self.unregistered_transfers()
        for account in (self.n43, self.camt):
            self.outflows(account)
            self.fees(account)
        self.n43 = self.booked(self.n43, "4")
        self.camt = self.booked(self.camt, "5")

    @staticmethod
    def booked(movements: list[Movement], branch: str) -> list[Movement]:
        """In booking order, each with the bank's opaque reference (the generator's own
        references, which name receipt ids, are only a sort key and never written)."""
        ordered = sorted(movements, key=lambda m: (m.booking_date, m.value_date, -m.amount,
                                                   m.reference))
        return [replace(m, reference=f"{m.booking_date:%y%m%d}{branch}{index:05d}")
                for index, m in enumerate(ordered, start=1)]

    def customer_receipts(self) -> None:
        rng = self.rng
        for receipt in sorted(self.company.receipts, key=lambda r: r.receipt_id):
            client = receipt.client
            if client.currency != "EUR" or receipt.method not in ("transfer", "direct_debit"):
                continue
            delay = rng.choices([0, 1, 2], [70, 20, 10])[0]
            if receipt.method == "direct_debit":
                delay = 0
            self.account_of(client).append(Movement(
                booking_date=receipt.date, value_date=receipt.date + timedelta(days=delay),
                amount=receipt.amount, kind=receipt.method,
                counterparty_name=client_name(client, receipt.date),
                counterparty_iban=client_iban(client), remittance=remittance_for(receipt, rng),
                reference=f"{receipt.date:%y%m%d}{receipt.receipt_id}",
            ))

    def unregistered_transfers(self) -> None:
        """Customer money the invoicing system never registered: about 1.5 % of it. Each
        pays (in full or half) an invoice the exports show unpaid: the registration that
        was forgotten, which bank reconciliation is there to find."""
        rng = self.rng
        registered = sum((m.amount for m in self.n43 + self.camt), ZERO)
        target = money(registered * Decimal("0.015"))
        payers = [c for c in self.company.clients
                  if c.currency == "EUR" and c.profile != "never" and c.tier != "top"]
        paid = {id(a.document) for r in self.company.receipts for a in r.allocations}
        invoices: dict[int, list] = {}
        for document in self.company.documents:
            if (document.kind == "invoice" and document.status == "issued"
                    and id(document) not in paid and not document.credit_notes):
                invoices.setdefault(document.client.seq, []).append(document)
        total, count, attempts = ZERO, 0, 0
        while total < target and attempts < 10_000:
            attempts += 1
            client = rng.choice(payers)
            own = invoices.get(client.seq)
            if not own:
                continue
            document = rng.choice(own)
            day = business_day_on_or_after(document.due_date + timedelta(days=rng.randint(-5, 20)))
            if day > self.end:
                continue
            count += 1
            amount = money(document.total * rng.choice([1, 1, 1, Decimal("0.5")]))
            text = rng.choice([f"Fra. {document.number}", written_number(document.number, rng),
                               "PAGO A CUENTA", "TRANSFERENCIA"])
            self.account_of(client).append(Movement(
                booking_date=day, value_date=day, amount=amount, kind="unregistered",
                counterparty_name=client_name(client, day), counterparty_iban=client_iban(client),
                remittance=text, reference=f"{day:%y%m%d}U{count:05d}",
            ))
            total += amount

    def outflows(self, account: list[Movement]) -> None:
        """Payroll and taxes (main account only) and supplier payments: most of what comes in."""
        rng = self.rng
        inflow: dict[tuple[int, int], Decimal] = {}
        for movement in account:
            key = month_key(movement.booking_date)
            inflow[key] = inflow.get(key, ZERO) + movement.amount
        keys = months(self.start, self.end)
        main = account is self.n43
        count = 0
        for position, key in enumerate(keys):
            end = min(last_day(key), self.end)
            first = max(date(*key, 1), self.start)
            # What the company spends follows what it collected over the last three months.
            recent = [inflow.get(k, ZERO) for k in keys[max(0, position - 2):position + 1]]
            average = sum(recent, ZERO) / len(recent)
            if main:
                payroll = money(average * Decimal(rng.randint(28, 32)) / 100)
                day = business_day_on_or_before(end - timedelta(days=2))
                if day >= first:
                    account.append(Movement(day, day, -payroll, "payroll",
                                            remittance=f"NOMINAS {key[1]:02d}/{key[0]}",
                                            reference=f"NOM{key[0]}{key[1]:02d}"))
                    social = money(payroll * Decimal("0.31"))
                    account.append(Movement(day, day, -social, "social_security",
                                            counterparty_name="TESORERIA GENERAL SEG. SOCIAL",
                                            remittance=f"SEGUROS SOCIALES {key[1]:02d}/{key[0]}",
                                            reference=f"TGSS{key[0]}{key[1]:02d}"))
                if key[1] in (1, 4, 7, 10):
                    day = business_day_on_or_before(date(key[0], key[1], 20))
                    if first <= day <= end:
                        tax = money(average * Decimal(rng.randint(15, 25)) / 100)
                        account.append(Movement(day, day, -tax, "tax",
                                                counterparty_name="AEAT",
                                                remittance="AEAT MODELO 303 IVA",
                                                reference=f"AEAT{key[0]}{key[1]:02d}"))
            share = Decimal(rng.randint(48, 56) if main else rng.randint(90, 99)) / 100
            budget = money(average * share)
            payments = rng.randint(4, 9)
            for index in range(payments):
                day = business_day_on_or_before(
                    first + timedelta(days=rng.randint(0, (end - first).days)))
                if day < first:
                    continue
                count += 1
                amount = money(budget / payments * Decimal(rng.randint(60, 140)) / 100)
                supplier = SUPPLIERS[rng.randrange(len(SUPPLIERS))]
                number = f"{rng.randint(1, 9999):04d}"
                account.append(Movement(
                    day, day, -max(amount, Decimal("25.00")), "supplier",
                    counterparty_name=supplier,
                    counterparty_iban=spanish_iban(CLIENT_BANKS[index % len(CLIENT_BANKS)],
                                                   f"{2000 + SUPPLIERS.index(supplier):04d}",
                                                   f"{SUPPLIERS.index(supplier) + 1:010d}"),
                    remittance=f"PAGO FRA. PROV. {key[0]}/{number}",
                    reference=f"{'N' if main else 'C'}P{count:05d}",
                ))

    def fees(self, account: list[Movement]) -> None:
        rng = self.rng
        transfers_out: dict[tuple[int, int], int] = {}
        for movement in account:
            if movement.kind == "supplier":
                key = month_key(movement.booking_date)
                transfers_out[key] = transfers_out.get(key, 0) + 1
        for key in months(self.start, self.end):
            day = business_day_on_or_before(min(last_day(key), self.end))
            if day < max(date(*key, 1), self.start):
                continue
            maintenance = Decimal(rng.choice(["12.00", "15.00", "18.00"]))
            account.append(Movement(day, day, -maintenance, "fee",
                                    remittance="COMISION MANTENIMIENTO",
                                    reference=f"COM{key[0]}{key[1]:02d}M"))
            count = transfers_out.get(key, 0)
            if count:
                fee = Decimal("0.45") * count
                account.append(Movement(day, day, -fee, "fee",
                                        remittance=f"COMISIONES {count} TRANSFERENCIAS",
                                        reference=f"COM{key[0]}{key[1]:02d}T"))

    @staticmethod
    def opening_balance(movements: Iterable[Movement]) -> Decimal:
        """A round amount that keeps the balance at or above 20,000 EUR all along."""
        running, lowest = ZERO, ZERO
        for movement in movements:
            running += movement.amount
            lowest = min(lowest, running)
        needed = Decimal(20_000) - lowest
        return Decimal(int(-(-needed // 1_000) * 1_000)).quantize(CENT)


# --- Norma 43 ---------------------------------------------------------------------------

def n43_text(text: str, width: int) -> str:
    cleaned = " ".join(text.upper().split())
    cleaned = cleaned.encode("latin-1", errors="replace").decode("latin-1")
    return cleaned[:width].ljust(width)


def n43_amount(value: Decimal) -> tuple[str, str]:
    """(sign, 14 digits): 1 debit, 2 credit."""
    return ("1" if value < 0 else "2"), f"{int(abs(value) * 100):014d}"


def n43_concepts(movement: Movement) -> tuple[str, str, str]:
    return {
        "transfer": (N43_TRANSFER, "002", "TRANSFERENCIA DE"),
        "unregistered": (N43_TRANSFER, "002", "TRANSFERENCIA DE"),
        "direct_debit": (N43_REMITTANCE, "031", "ADEUDO SEPA DE"),
        "supplier": (N43_TRANSFER, "099", "TRANSFERENCIA A"),
        "payroll": (N43_PAYROLL, "001", "NOMINAS"),
        "social_security": (N43_PAYROLL, "002", "SEGURIDAD SOCIAL"),
        "tax": (N43_DEBIT, "050", "IMPUESTOS"),
        "fee": (N43_FEES, "005", "COMISIONES"),
    }[movement.kind]


def norma43_file(account: tuple[str, str, str], start: date, end: date, opening: Decimal,
                 movements: list[Movement]) -> bytes:
    """One account's statement for [start, end] as a Norma 43 file (Latin-1, CRLF)."""
    bank, branch, number = account
    records = []
    sign, digits = n43_amount(opening)
    records.append(f"11{bank}{branch}{number}{start:%y%m%d}{end:%y%m%d}{sign}{digits}978"
                   f"3{n43_text(COMPANY_NAME, 26)}   ")
    for movement in movements:
        common, own, label = n43_concepts(movement)
        sign, digits = n43_amount(movement.amount)
        document = f"{abs(hash_text(movement.reference)) % 10**10:010d}"
        # A short remittance fits in reference 2; a longer one goes in records 23.
        text = " ".join(movement.remittance.upper().split())
        short, long = (text, "") if len(text) <= 16 else ("", text)
        records.append(
            f"22    {branch}{movement.booking_date:%y%m%d}{movement.value_date:%y%m%d}"
            f"{common}{own}{sign}{digits}{document}{n43_text(movement.reference, 12)}"
            f"{n43_text(short, 16)}")
        party = movement.counterparty_name or label
        records.append(f"2301{n43_text(party, 38)}{n43_text(movement.counterparty_iban, 38)}")
        chunks = wrap(long, 38)[:8]
        for index in range(0, len(chunks), 2):
            pair = chunks[index:index + 2] + [""]
            records.append(f"23{index // 2 + 2:02d}{n43_text(pair[0], 38)}{n43_text(pair[1], 38)}")
    debits = [m.amount for m in movements if m.amount < 0]
    credits = [m.amount for m in movements if m.amount > 0]
    closing = opening + sum(debits, ZERO) + sum(credits, ZERO)
    sign, digits = n43_amount(closing)
    records.append(f"33{bank}{branch}{number}{len(debits):05d}"
                   f"{int(-sum(debits, ZERO) * 100):014d}{len(credits):05d}"
                   f"{int(sum(credits, ZERO) * 100):014d}{sign}{digits}978    ")
    records.append(f"88{'9' * 18}{len(records):06d}".ljust(80))
    assert all(len(r) == 80 for r in records), [r for r in records if len(r) != 80]
    return ("\r\n".join(records) + "\r\n").encode("latin-1")


def wrap(text: str, width: int) -> list[str]:
    """Words into chunks of at most `width` characters (a longer word is cut)."""
    chunks: list[str] = []
    for word in text.split():
        while len(word) > width:
            chunks.append(word[:width])
            word = word[width:]
        if chunks and len(chunks[-1]) + 1 + len(word) <= width:
            chunks[-1] += " " + word
        else:
            chunks.append(word)
    return chunks


def hash_text(text: str) -> int:
    """A stable number from a text (Python's hash() is salted per process)."""
    value = 0
    for char in text:
        value = (value * 131 + ord(char)) % 10**12
    return value


# --- camt.053.001.08 --------------------------------------------------------------------

def camt_amount(value: Decimal) -> tuple[str, str]:
    return f"{abs(value):.2f}", ("DBIT" if value < 0 else "CRDT")


def camt_domain(movement: Movement) -> tuple[str, str, str]:
    return {
        "transfer": ("PMNT", "RCDT", "ESCT"),
        "unregistered": ("PMNT", "RCDT", "ESCT"),
        "direct_debit": ("PMNT", "IDDT", "ESDD"),
        "supplier": ("PMNT", "ICDT", "ESCT"),
        "payroll": ("PMNT", "ICDT", "SALA"),
        "social_security": ("PMNT", "IDDT", "ESDD"),
        "tax": ("PMNT", "ICDT", "ESCT"),
        "fee": ("ACMT", "MDOP", "FEES"),
    }[movement.kind]


def camt_file(iban: str, key: tuple[int, int], start: date, end: date, opening: Decimal,
              movements: list[Movement]) -> bytes:
    closing = opening + sum((m.amount for m in movements), ZERO)
    credits = [m.amount for m in movements if m.amount > 0]
    debits = [-m.amount for m in movements if m.amount < 0]
    net = sum(credits, ZERO) - sum(debits, ZERO)
    created = end + timedelta(days=1)
    stmt_id = f"{iban[-10:]}-{key[0]}{key[1]:02d}"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">',
        "  <BkToCstmrStmt>",
        f"    <GrpHdr><MsgId>MSG-{stmt_id}</MsgId>"
        f"<CreDtTm>{created.isoformat()}T06:00:00</CreDtTm></GrpHdr>",
        "    <Stmt>",
        f"      <Id>{stmt_id}</Id>",
        f"      <ElctrncSeqNb>{key[0] * 100 + key[1]}</ElctrncSeqNb>",
        f"      <CreDtTm>{created.isoformat()}T06:00:00</CreDtTm>",
        f"      <FrToDt><FrDtTm>{start.isoformat()}T00:00:00</FrDtTm>"
        f"<ToDtTm>{end.isoformat()}T23:59:59</ToDtTm></FrToDt>",
        f"      <Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy>"
        f"<Ownr><Nm>{escape(COMPANY_NAME)}</Nm></Ownr></Acct>",
    ]
    for code, amount, day in (("OPBD", opening, start - timedelta(days=1)),
                              ("CLBD", closing, end)):
        value, indicator = camt_amount(amount)
        out.append(f"      <Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
                   f'<Amt Ccy="EUR">{value}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
                   f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>")
    net_value, net_indicator = camt_amount(net)
    out.append(
        "      <TxsSummry>"
        f"<TtlNtries><NbOfNtries>{len(movements)}</NbOfNtries>"
        f"<Sum>{sum(credits, ZERO) + sum(debits, ZERO):.2f}</Sum>"
        f"<TtlNetNtry><Amt>{net_value}</Amt><CdtDbtInd>{net_indicator}</CdtDbtInd></TtlNetNtry>"
        "</TtlNtries>"
        f"<TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries>"
        f"<Sum>{sum(credits, ZERO):.2f}</Sum></TtlCdtNtries>"
        f"<TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries>"
        f"<Sum>{sum(debits, ZERO):.2f}</Sum></TtlDbtNtries>"
        "</TxsSummry>")
    for movement in movements:
        value, indicator = camt_amount(movement.amount)
        domain, family, sub = camt_domain(movement)
        incoming = movement.amount > 0
        party, account = ("Dbtr", "DbtrAcct") if incoming else ("Cdtr", "CdtrAcct")
        out.append("      <Ntry>")
        out.append(f'        <Amt Ccy="EUR">{value}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
                   "<Sts><Cd>BOOK</Cd></Sts>"
                   f"<BookgDt><Dt>{movement.booking_date.isoformat()}</Dt></BookgDt>"
                   f"<ValDt><Dt>{movement.value_date.isoformat()}</Dt></ValDt>")
        out.append(f"        <AcctSvcrRef>{escape(movement.reference)}</AcctSvcrRef>")
        out.append(f"        <BkTxCd><Domn><Cd>{domain}</Cd><Fmly><Cd>{family}</Cd>"
                   f"<SubFmlyCd>{sub}</SubFmlyCd></Fmly></Domn></BkTxCd>")
        if movement.counterparty_name:
            parties = f"<{party}><Pty><Nm>{escape(movement.counterparty_name)}</Nm></Pty></{party}>"
            if movement.counterparty_iban:
                parties += (f"<{account}><Id><IBAN>{movement.counterparty_iban}</IBAN></Id>"
                            f"</{account}>")
            remittance = (f"<RmtInf><Ustrd>{escape(movement.remittance)}</Ustrd></RmtInf>"
                          if movement.remittance else "")
            out.append("        <NtryDtls><TxDtls>"
                       f"<Refs><EndToEndId>{escape(movement.reference)}</EndToEndId></Refs>"
                       f"<RltdPties>{parties}</RltdPties>{remittance}</TxDtls></NtryDtls>")
        elif movement.remittance:  # no transaction details: the text is the entry's
            out.append(f"        <AddtlNtryInf>{escape(movement.remittance)}</AddtlNtryInf>")
        out.append("      </Ntry>")
    out += ["    </Stmt>", "  </BkToCstmrStmt>", "</Document>", ""]
    return "\n".join(out).encode("utf-8")


# --- writing ----------------------------------------------------------------------------

def monthly(movements: list[Movement], first: date, last: date):
    """(month, start, end, movements booked in it) for every month of [first, last]."""
    by_month: dict[tuple[int, int], list[Movement]] = {}
    for movement in movements:  # one pass: the months x movements scan was quadratic
        by_month.setdefault(month_key(movement.booking_date), []).append(movement)
    for key in months(first, last):
        start = max(date(*key, 1), first)
        end = min(last_day(key), last)
        yield key, start, end, [m for m in by_month.get(key, []) if start <= m.booking_date <= end]


def write_bank_statements(company: DemoCompany, out_dir: Path, seed: int,
                          block: int = 0) -> dict[str, int]:
    """Write both accounts' monthly statements; return {file name: movements}. Each block
    of a company generated in blocks has two accounts of its own: the account numbers
    plus the block's number."""
    bank = DemoBank(company, seed)
    bank.build()
    counts: dict[str, int] = {}
    n43_account = (*N43_ACCOUNT[:2], f"{int(N43_ACCOUNT[2]) + block:010d}")
    camt_account = (*CAMT_ACCOUNT[:2], f"{int(CAMT_ACCOUNT[2]) + block:010d}")
    n43_iban = spanish_iban(*n43_account)
    balance = DemoBank.opening_balance(bank.n43)
    for key, start, end, lines in monthly(bank.n43, company.start, company.end):
        name = f"bank_n43_{n43_iban}_{key[0]}-{key[1]:02d}.n43"
        (out_dir / name).write_bytes(norma43_file(n43_account, start, end, balance, lines))
        balance += sum((m.amount for m in lines), ZERO)
        counts[name] = len(lines)
    camt_iban = spanish_iban(*camt_account)
    balance = DemoBank.opening_balance(bank.camt)
    for key, start, end, lines in monthly(bank.camt, company.start, company.end):
        name = f"bank_camt053_{camt_iban}_{key[0]}-{key[1]:02d}.xml"
        (out_dir / name).write_bytes(camt_file(camt_iban, key, start, end, balance, lines))
        balance += sum((m.amount for m in lines), ZERO)
        counts[name] = len(lines)
    return counts
