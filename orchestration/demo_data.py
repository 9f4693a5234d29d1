"""Deterministic demo data: the exports of a fictitious Spanish SME.

`generate()` writes the seven files of the canonical export contract (seeds/README.md)
for a company with a few hundred clients over a couple of years, and the monthly bank
statements of its two EUR accounts in Norma 43 and camt.053 (orchestration/demo_bank.py),
consistent with its receipts. The same arguments always give byte-identical files: every
draw comes from `random.Random(seed)` (the bank statements from a second generator derived
from the seed), no clock is read, and every collection is iterated in a fixed order.

The data is fictitious. Names, tax ids (valid check characters, but invented), addresses
and amounts are made up. The exchange rates in fx_rates.csv are a synthetic random walk
in the ECB layout, NOT the ECB's published reference rates.

What the demo exercises: one client near 40 % of revenue and a long tail; IRPF deducted
on invoices and IRPF withheld by clients at payment; instalments; early-payment discounts
settled with a credit note; credit and debit notes; void and re-exported documents;
disputes; renamed clients; punctual, late, chronically late and never-paying clients;
partial payments; receipts paying several documents; and unapplied cash.
"""

from __future__ import annotations

import csv
import shutil
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from multiprocessing import get_context
from pathlib import Path
from random import Random

from .demo_bank import write_bank_statements

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
IRPF_RATE = Decimal("0.15")
EARLY_DISCOUNT_PCT = 3
EARLY_DISCOUNT_DAYS = 10
ONE_DAY = timedelta(days=1)

CLIENT_COLUMNS = [
    "client_id", "tax_id", "legal_name", "country", "segment", "salesperson", "branch",
    "payment_terms_days", "credit_limit", "currency", "email", "phone", "address",
    "updated_at",
]
DOCUMENT_COLUMNS = [
    "document_id", "type", "number", "client_id", "issue_date", "due_date", "currency",
    "net", "tax", "withholding", "total", "related_document_id", "purchase_order", "status",
    "updated_at", "early_discount_pct", "early_discount_days", "in_dispute", "dispute_reason",
]
INSTALLMENT_COLUMNS = ["document_id", "installment_no", "due_date", "amount"]
RECEIPT_COLUMNS = ["receipt_id", "client_id", "date", "currency", "amount", "method", "reference"]
ALLOCATION_COLUMNS = ["receipt_id", "document_id", "installment_no", "amount"]
WITHHOLDING_COLUMNS = ["document_id", "type", "amount", "certificate_number", "date"]
FX_CURRENCIES = ["USD", "GBP", "MXN"]

# --- word lists -------------------------------------------------------------------------

FIRST_NAMES = [
    "José", "María", "Lucía", "Íñigo", "Begoña", "Ángel", "Ramón", "Carmen", "Sofía",
    "Martín", "Nuria", "Jesús", "Inés", "Óscar", "Raúl", "Rocío", "Andrés", "Mónica",
    "Joaquín", "Montserrat", "Jordi", "Núria", "Amparo", "Vicente", "Pilar", "Héctor",
]
SURNAMES = [
    "García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Jiménez",
    "Díaz", "Álvarez", "Muñoz", "Núñez", "Ibáñez", "Peña", "Ordóñez", "Castaño",
    "Bermúdez", "Cañizares", "Rodríguez", "Hernández", "Ruiz", "Moreno", "Romero",
    "Navarro", "Gil", "Serrano", "Blázquez", "Domínguez", "Vázquez", "Ferrer", "Puig",
    "Soler", "Llorente", "Montañés", "Zúñiga", "Escribá",
]
PLACE_WORDS = [
    "Ebro", "Ibérica", "del Turia", "Levante", "Peñalara", "Guadarrama", "Montjuïc",
    "Albufera", "Mediterráneo", "Cantábrico", "Castellana", "Sierra Morena", "Moncayo",
    "Alcázar", "La Mancha", "Pirineos", "Garraf", "Maestrazgo", "Llobregat", "Jarama",
    "Henares", "Tajo", "Júcar", "Segura", "Miño", "Duero", "Bética", "Montseny",
    "Peñíscola", "Gredos", "Cádiz", "Triana", "Begíjar", "Tramontana",
]
SEGMENT_ACTIVITIES = {
    "construction": ["Construcciones", "Reformas", "Obras y Proyectos", "Estructuras",
                     "Fontanería"],
    "retail": ["Comercial", "Ferretería", "Óptica", "Droguería", "Muebles"],
    "hospitality": ["Hostelería", "Catering", "Restauración", "Cafeterías", "Hoteles"],
    "manufacturing": ["Industrias", "Talleres", "Manufacturas", "Plásticos", "Envases"],
    "wholesale": ["Distribuciones", "Suministros", "Almacenes", "Logística", "Importaciones"],
    "professional_services": ["Asesoría", "Consultoría", "Ingeniería", "Arquitectura",
                              "Gestoría"],
}
SEGMENTS = list(SEGMENT_ACTIVITIES)
SEGMENT_WEIGHTS = [22, 20, 14, 16, 18, 10]

# Each branch: its salespeople, the cities (with province code) of its clients, and the
# phone prefix of the area.
BRANCHES = {
    "Madrid": (
        ["Lucía Martín", "Javier Ortega"],
        [("Madrid", "28"), ("Alcalá de Henares", "28"), ("Getafe", "28"), ("Toledo", "45"),
         ("Guadalajara", "19")],
        "91",
    ),
    "Barcelona": (
        ["Marta Ibáñez"],
        [("Barcelona", "08"), ("Sabadell", "08"), ("Terrassa", "08"), ("Girona", "17"),
         ("Lleida", "25"), ("Tarragona", "43")],
        "93",
    ),
    "Valencia": (
        ["Sergio Peña"],
        [("València", "46"), ("Alicante", "03"), ("Castellón de la Plana", "12"),
         ("Elche", "03"), ("Gandía", "46"), ("Murcia", "30")],
        "96",
    ),
}
BRANCH_NAMES = list(BRANCHES)
BRANCH_WEIGHTS = [50, 30, 20]
STREETS = [
    "Calle Mayor", "Avenida de la Constitución", "Calle de Alcalá", "Calle Colón",
    "Avenida del Puerto", "Calle San Vicente Mártir", "Polígono Industrial Las Monjas, nave",
    "Calle de la Industria", "Paseo de la Castellana", "Carrer de Balmes", "Calle Ancha",
    "Avenida de Andalucía", "Calle Real", "Ronda de Segovia", "Calle del Príncipe",
]
MX_NAMES = (
    ["Comercializadora", "Distribuidora", "Grupo", "Servicios Industriales", "Abastecedora"],
    ["del Bajío", "Azteca", "Regiomontana", "de Jalisco", "del Pacífico", "Queretana"],
)
MX_CITIES = [
    ("Av. Paseo de la Reforma", "06600 Ciudad de México", "55"),
    ("Av. Vallarta", "44690 Guadalajara", "33"),
    ("Av. Constitución", "64000 Monterrey", "81"),
]
# Per country: name stems, legal forms, address pattern, phone prefix.
EU_CLIENTS = {
    "PT": (["Lusocomércio", "Atlântico", "Douro Têxtil", "Minhoto"],
           ["Distribuição, Lda.", "Comércio, Lda."], "Rua Augusta {n}, 1100-048 Lisboa",
           "+351 21"),
    "FR": (["Distribution Lyonnaise", "Matériaux du Rhône", "Bâtiment Occitan",
            "Épicerie Fine du Sud"],
           ["SARL", "SAS"], "{n} rue de la République, 69002 Lyon", "+33 4"),
    "DE": (["Müller Handels", "Bäckerei Schäfer", "Süd-Logistik", "Weißbach Technik"],
           ["GmbH", "KG"], "Königstraße {n}, 70173 Stuttgart", "+49 711"),
}
DISPUTE_REASONS = ["precio", "mercancía dañada", "entrega incompleta", "factura duplicada",
                   "pedido no reconocido"]
RECEIPT_METHODS = ["transfer", "direct_debit", "confirming", "cheque", "card", "cash"]
RECEIPT_METHOD_WEIGHTS = [55, 25, 8, 6, 4, 2]

NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
RFC_ALPHABET = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
RFC_HOMOCLAVE = "123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
RFC_HOMOCLAVE_FIRST = "123456789ABCDEFGHIJKLMNPQRSTUV"  # the SAT draws it from 1-9, A-V

# Payer profiles: how many days after the due date a client pays.
PROFILE_DELAYS = {"punctual": (-4, 2), "late": (3, 20), "chronic": (30, 90)}

# Client size tiers: monthly net revenue range (cents), invoices a month and their weights.
TIERS = {
    "micro": ((10_000, 50_000), [0, 1, 2], [35, 50, 15]),
    "small": ((50_000, 200_000), [1, 2], [65, 35]),
    "medium": ((200_000, 800_000), [1, 2, 3], [30, 40, 30]),
    "large": ((800_000, 2_500_000), [2, 3, 4, 5], [25, 25, 25, 25]),
    "top": ((0, 0), [4, 5, 6], [30, 40, 30]),  # sized afterwards, see make_invoices
}
TIER_NAMES = ["micro", "small", "medium", "large"]
TIER_WEIGHTS = [40, 35, 18, 7]


# --- tax ids ----------------------------------------------------------------------------

def nif(number: int) -> str:
    """A Spanish NIF (DNI number + check letter)."""
    return f"{number:08d}{NIF_LETTERS[number % 23]}"


def nie(prefix: str, number: int) -> str:
    """A Spanish NIE: X/Y/Z count as 0/1/2 for the check letter."""
    value = int(str("XYZ".index(prefix)) + f"{number:07d}")
    return f"{prefix}{number:07d}{NIF_LETTERS[value % 23]}"


def cif_control_digit(digits: str) -> int:
    """Check digit of a CIF's seven digits (province + registration number)."""
    even = sum(int(d) for d in digits[1::2])
    odd = sum(sum(divmod(2 * int(d), 10)) for d in digits[0::2])
    return (10 - (even + odd) % 10) % 10


def cif(letter: str, province: str, number: int) -> str:
    """A Spanish CIF of a company whose control character is a digit (A, B, F...)."""
    digits = f"{province}{number:05d}"
    return f"{letter}{digits}{cif_control_digit(digits)}"


def rfc_check_digit(stem: str) -> str:
    """Check character of a Mexican RFC; a company's shorter stem is padded with a space."""
    padded = stem.rjust(12)
    total = sum(RFC_ALPHABET.index(c) * (13 - i) for i, c in enumerate(padded))
    rest = 11 - total % 11
    return {11: "0", 10: "A"}.get(rest, str(rest))


def portuguese_nif(stem: int) -> str:
    digits = f"{stem:08d}"
    rest = 11 - sum(int(d) * (9 - i) for i, d in enumerate(digits)) % 11
    return digits + str(0 if rest >= 10 else rest)


def luhn_check_digit(digits: str) -> int:
    """The digit that makes `digits` + it pass the Luhn check (as a SIREN's last digit)."""
    total = 0
    for index, d in enumerate(reversed(digits)):
        value = int(d) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def siren(stem: int) -> int:
    """A French SIREN: eight digits and their Luhn check digit."""
    return stem * 10 + luhn_check_digit(f"{stem:08d}")


def french_vat(number: int) -> str:
    return f"FR{(12 + 3 * (number % 97)) % 97:02d}{number:09d}"


def german_vat(stem: int) -> str:
    # ISO 7064 MOD 11,10, as used by the German USt-IdNr.
    digits = f"{stem:08d}"
    product = 10
    for d in digits:
        total = (int(d) + product) % 10 or 10
        product = (2 * total) % 11
    check = 11 - product
    return f"DE{digits}{0 if check == 10 else check}"


# --- small helpers ----------------------------------------------------------------------

def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def cents(amount: int) -> Decimal:
    return Decimal(amount) / 100


def roll_to_business_day(day: date) -> date:
    while day.weekday() >= 5:
        day += ONE_DAY
    return day


def business_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += ONE_DAY
    return days


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def reflect(value: int, low: int, high: int) -> int:
    """Keeps a random walk inside [low, high] by bouncing off the bounds."""
    if value < low:
        return 2 * low - value
    if value > high:
        return 2 * high - value
    return value


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    skip = {"s", "l", "a", "u", "coop", "de", "del", "la", "y", "c", "v", "lda"}
    return "-".join([w for w in words if w not in skip][:3])


def company_email(legal_name: str) -> str:
    return f"administracion@{slug(legal_name)}.example"


def fmt_money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def fmt_timestamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


# --- the model --------------------------------------------------------------------------

@dataclass(slots=True)
class Client:
    seq: int
    client_id: str
    country: str
    currency: str
    legal_name: str
    tax_id: str
    segment: str
    branch: str
    salesperson: str
    city: str
    terms: int
    email: str
    phone: str
    address: str
    tier: str
    monthly_cents: int
    active_from: date
    active_to: date
    created_at: datetime
    profile: str = "punctual"  # punctual, late, chronic, never
    batch_day: int | None = None  # day of the month a client with a fixed payment day pays
    method: str = "transfer"
    irpf_on_invoice: bool = False
    withholds_irpf: bool = False
    offers_discount: bool = False
    takes_discount: bool = False
    credit_limit: Decimal | None = None
    renamed: tuple[datetime, str, str] | None = None  # when, new legal name, new tax id
    certificates: int = 0


@dataclass(slots=True)
class Document:
    seq: int
    kind: str  # invoice, credit_note, debit_note
    client: Client
    issue_date: date
    due_date: date
    net: Decimal
    tax: Decimal
    withholding: Decimal
    updated_at: datetime
    related: Document | None = None
    purchase_order: str = ""
    status: str = "issued"
    discount_offered: bool = False
    in_dispute: bool = False
    dispute_reason: str = ""
    installments: list[tuple[date, Decimal]] = field(default_factory=list)
    # Earlier exported versions: (updated_at, fields that differed from the final row).
    earlier: list[tuple[datetime, dict[str, str]]] = field(default_factory=list)
    credit_notes: list[Document] = field(default_factory=list)
    document_id: str = ""
    number: str = ""

    @property
    def total(self) -> Decimal:
        return self.net + self.tax - self.withholding

    @property
    def credited(self) -> Decimal:
        return sum((note.total for note in self.credit_notes), ZERO)

    @property
    def tax_rate(self) -> Decimal:
        return (self.tax / self.net).quantize(CENT) if self.net else ZERO

    @property
    def is_plain(self) -> bool:
        """An issued invoice without instalments, discount, dispute or credit notes."""
        return (self.kind == "invoice" and self.status == "issued" and not self.installments
                and not self.discount_offered and not self.in_dispute and not self.credit_notes)


@dataclass(slots=True)
class Allocation:
    document: Document
    installment_no: int | None
    amount: Decimal


@dataclass(slots=True)
class Receipt:
    seq: int
    client: Client
    date: date
    amount: Decimal
    method: str
    reference_style: str  # number, fra, rcb, remesa, none, on_account
    allocations: list[Allocation] = field(default_factory=list)
    receipt_id: str = ""

    def reference(self) -> str:
        """What the payer wrote; numbers are only known once ids are assigned."""
        numbers = [a.document.number for a in self.allocations]
        if self.reference_style == "on_account":
            return "A cuenta"
        if self.reference_style == "none" or not numbers:
            return ""
        if self.reference_style == "remesa":
            return f"Pago {self.date:%m/%Y}" if len(numbers) > 3 else " ".join(numbers)
        prefix = {"number": "", "fra": "Fra. ", "rcb": "RCB "}[self.reference_style]
        return prefix + numbers[0]


@dataclass(slots=True)
class Withholding:
    document: Document
    amount: Decimal
    certificate_number: str
    date: date


# --- the generator ----------------------------------------------------------------------

class DemoCompany:
    """Builds the whole company in memory, then renders the export rows."""

    def __init__(self, clients: int, years: int, seed: int, end_date: date,
                 block: int = 0, blocks: int = 1, client_offset: int = 0):
        self.rng = Random(seed)
        # One block of a company generated in blocks (see `generate`): its clients are
        # numbered after `client_offset`, its tax id numbers are those = block (mod
        # blocks) and its ids carry the block's number, so no two blocks share a key.
        self.block, self.blocks, self.client_offset = block, blocks, client_offset
        self.id_prefix = f"{block:02d}" if blocks > 1 else ""
        self.end = end_date
        self.start = years_before(end_date, years) + ONE_DAY
        self.n_clients = clients
        self.clients: list[Client] = []
        self.documents: list[Document] = []
        self.receipts: list[Receipt] = []
        self.withholdings: list[Withholding] = []
        self.fx: list[tuple[date, dict[str, Decimal | None]]] = []
        self._usd_days: list[date] = []  # each fx day and the USD rate known on it
        self._usd_rates: list[Decimal] = []
        self._seq = 0
        self._used_names: set[str] = set()  # membership only, never iterated
        self._used_numbers: set[int] = set()

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def build(self) -> None:
        self.make_fx_rates()
        self.make_clients()
        self.make_invoices()
        self.mark_void()
        self.mark_disputes()
        self.make_correcting_credit_notes()
        self.make_debit_notes()
        self.mark_reexports()
        payable = self.payable_by_client()
        for client in self.clients:
            self.collect_payments(client, payable.get(client.seq, []))
        self.make_overpayments()
        self.make_unlinked_credit_notes()
        self.make_on_account_receipts()
        self.assign_ids()

    # -- exchange rates ------------------------------------------------------------------

    def make_fx_rates(self) -> None:
        # Random walks in ten-thousandths: (start, largest daily step, low, high).
        walks = {"USD": (10850, 45, 10500, 11500), "GBP": (8450, 25, 8200, 8800),
                 "MXN": (205000, 1500, 185000, 225000)}
        level = {currency: walk[0] for currency, walk in walks.items()}
        for day in business_days(self.start, self.end):
            rates: dict[str, Decimal | None] = {}
            for currency, (_, step, low, high) in walks.items():
                moved = level[currency] + self.rng.randint(-step, step)
                level[currency] = reflect(moved, low, high)
                rates[currency] = Decimal(level[currency]).scaleb(-4)
            self.fx.append((day, rates))
        # The ECB file has gaps. The oldest days stay complete so that every day has an
        # earlier rate to fall back on.
        missing = 0
        while missing < 2:
            rates = self.fx[self.rng.randint(5, len(self.fx) - 1)][1]
            currency = self.rng.choice(FX_CURRENCIES)
            missing += rates[currency] is not None
            rates[currency] = None
        rate = self.fx[0][1]["USD"]
        for fx_day, rates in self.fx:
            rate = rates["USD"] or rate
            self._usd_days.append(fx_day)
            self._usd_rates.append(rate)

    def usd_rate(self, day: date) -> Decimal:
        """The latest USD rate published on or before `day` (the first one before any)."""
        return self._usd_rates[max(0, bisect_right(self._usd_days, day) - 1)]

    # -- clients -------------------------------------------------------------------------

    def make_clients(self) -> None:
        rng, n = self.rng, self.n_clients
        n_mx, n_eu = max(2, round(n * 0.04)), max(2, round(n * 0.05))
        countries = ["MX"] * n_mx + ["EU"] * n_eu + ["ES"] * (n - n_mx - n_eu)
        rng.shuffle(countries)
        top = rng.choice([i for i, country in enumerate(countries) if country == "ES"])
        for index, country in enumerate(countries):
            tier = "top" if index == top else rng.choices(TIER_NAMES, TIER_WEIGHTS)[0]
            self.clients.append(self.make_client(self.client_offset + index + 1, country, tier))
        self.assign_profiles()
        self.assign_renames()

    def make_client(self, number: int, country: str, tier: str) -> Client:
        rng = self.rng
        segment = rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0]
        branch = rng.choices(BRANCH_NAMES, BRANCH_WEIGHTS)[0]
        if country == "ES":
            identity = self.spanish_identity(tier, segment, branch)
        else:  # foreign clients are served by the export desk in Madrid
            branch, segment = "Madrid", rng.choice(["wholesale", "retail", "manufacturing"])
            identity = self.mexican_identity() if country == "MX" else self.european_identity()
        terms = 60 if tier == "top" else rng.choices([0, 30, 60, 90], [10, 45, 30, 15])[0]
        active_from, active_to = self.activity_span(tier)
        # A client there from the start was created some time before it.
        age = rng.randint(0, 900) if active_from == self.start else 0
        created = datetime.combine(active_from - timedelta(days=age),
                                   time(rng.randint(8, 18), rng.randint(0, 59)))
        monthly_range, _, _ = TIERS[tier]
        client = Client(
            seq=number, client_id=f"C{number:04d}", segment=segment, branch=branch,
            salesperson=rng.choice(BRANCHES[branch][0]), terms=terms, tier=tier, email="",
            monthly_cents=rng.randint(*monthly_range) if tier != "top" else 0,
            active_from=active_from, active_to=active_to, created_at=created, **identity,
        )
        if rng.random() > 0.08:
            client.email = company_email(client.legal_name)
        return client

    def spanish_identity(self, tier: str, segment: str, branch: str) -> dict:
        rng = self.rng
        _, cities, phone_prefix = BRANCHES[branch]
        city, province = rng.choice(cities)
        if tier == "top":
            legal_name = self.company_name(segment, "S.A.")
            tax_id = cif("A", province, self.unique_number(5))
        elif tier in ("micro", "small") and rng.random() < 0.3:  # an autónomo
            legal_name, tax_id = self.person_name(), self.person_tax_id()
        else:
            suffix = rng.choices(["S.L.", "S.A.", "S.L.U.", "S.Coop."], [65, 15, 15, 5])[0]
            legal_name = self.company_name(segment, suffix)
            letter = {"S.A.": "A", "S.Coop.": "F"}.get(suffix, "B")
            tax_id = cif(letter, province, self.unique_number(5))
        postcode = f"{province}{rng.randint(1, 99):03d}"
        street = f"{rng.choice(STREETS)} {rng.randint(1, 140)}"
        phone = f"{phone_prefix}{rng.randint(1, 9)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        return {
            "country": "ES", "currency": "EUR", "legal_name": legal_name, "tax_id": tax_id,
            "city": city, "address": f"{street}, {postcode} {city}", "phone": f"+34 {phone}",
        }

    def mexican_identity(self) -> dict:
        rng = self.rng
        first, second = MX_NAMES
        name = self.unique_name(lambda: f"{rng.choice(first)} {rng.choice(second)} S.A. de C.V.")
        words = name.removesuffix(" S.A. de C.V.").split()
        initials = "".join(w[0] for w in words if w[0].isupper()).ljust(3, "X")[:3]
        founded = date(rng.randint(1985, 2015), rng.randint(1, 12), rng.randint(1, 28))
        homoclave = rng.choice(RFC_HOMOCLAVE_FIRST) + rng.choice(RFC_HOMOCLAVE)
        stem = f"{initials}{founded:%y%m%d}{homoclave}"
        street, city, area = rng.choice(MX_CITIES)
        return {
            "country": "MX", "currency": "USD", "legal_name": name,
            "tax_id": stem + rfc_check_digit(stem), "city": city.split(" ", 1)[1],
            "address": f"{street} {rng.randint(100, 3000)}, {city}",
            "phone": f"+52 {area} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
        }

    def european_identity(self) -> dict:
        rng = self.rng
        country = rng.choice(list(EU_CLIENTS))
        names, legal_forms, address, phone = EU_CLIENTS[country]
        stem = self.unique_number(8)
        if country == "PT":
            tax_id = "PT" + portuguese_nif(50_000_000 + stem % 10_000_000)  # companies: 5…
        elif country == "FR":
            tax_id = french_vat(siren(stem))
        else:
            tax_id = german_vat(stem)
        address = address.format(n=rng.randint(1, 90))
        return {
            "country": country, "currency": "EUR", "tax_id": tax_id, "address": address,
            "legal_name": self.unique_name(
                lambda: f"{rng.choice(names)} {rng.choice(legal_forms)}"),
            "city": address.split(", ")[-1].split(" ", 1)[1],
            "phone": f"{phone} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        }

    def activity_span(self, tier: str) -> tuple[date, date]:
        rng, span = self.rng, (self.end - self.start).days
        active_from, active_to = self.start, self.end
        if tier != "top" and rng.random() < 0.25:  # onboarded during the period
            active_from = self.start + timedelta(days=rng.randint(30, span - 60))
        if tier != "top" and rng.random() < 0.08:  # stopped buying
            remaining = (self.end - active_from).days
            active_to = active_from + timedelta(days=rng.randint(60, max(61, remaining)))
        return active_from, min(active_to, self.end)

    def unique_number(self, width: int) -> int:
        while True:
            number = self.rng.randint(10 ** (width - 1), 10 ** width - 1)
            if number not in self._used_numbers and number % self.blocks == self.block:
                self._used_numbers.add(number)
                return number

    def unique_name(self, make: Callable[[], str]) -> str:
        for attempt in range(1, 1000):
            name = make()
            if attempt > 50:  # the word lists run out in very large demos
                name = f"{name} ({attempt})"
            if name not in self._used_names:
                self._used_names.add(name)
                return name
        raise RuntimeError("could not make a unique name")

    def company_name(self, segment: str, suffix: str) -> str:
        rng = self.rng

        def make() -> str:
            activity = rng.choice(SEGMENT_ACTIVITIES[segment])
            if rng.random() < 0.2:
                return f"{activity} Hermanos {rng.choice(SURNAMES)} {suffix}"
            return f"{activity} {rng.choice(PLACE_WORDS)} {suffix}"
        return self.unique_name(make)

    def person_name(self) -> str:
        rng = self.rng
        return self.unique_name(
            lambda: f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}")

    def person_tax_id(self) -> str:
        if self.rng.random() < 0.12:  # a foreign resident
            return nie(self.rng.choice("XYZ"), self.unique_number(7))
        return nif(self.unique_number(8))

    def assign_profiles(self) -> None:
        rng, n = self.rng, self.n_clients
        top = next(c for c in self.clients if c.tier == "top")
        others = [c for c in self.clients if c is not top]
        small_es = [c for c in others if c.country == "ES" and c.tier in ("micro", "small")]
        never = rng.sample(small_es, max(2, round(n * 0.02)))
        for client in never:
            # Recent clients that have not paid a single invoice in their first months.
            client.profile = "never"
            client.active_from = self.end - timedelta(days=rng.randint(240, 330))
            client.active_to = self.end
            client.created_at = datetime.combine(client.active_from, client.created_at.time())
        payers = [c for c in others if c.profile != "never"]
        for client in payers:
            client.profile = rng.choices(["punctual", "late", "chronic"], [50, 32, 18])[0]
            client.method = rng.choices(RECEIPT_METHODS, RECEIPT_METHOD_WEIGHTS)[0]
            if client.tier in ("medium", "large") and rng.random() < 0.35:
                client.batch_day = rng.choice([5, 10, 15, 20, 25])
        # The big client pays late, once a month, through its bank's confirming line.
        top.profile, top.batch_day, top.method = "late", 25, "confirming"
        self.assign_irpf(payers, never)
        self.assign_discounts(payers)
        for client in self.clients:
            client.credit_limit = self.credit_limit(client)

    def assign_irpf(self, payers: list[Client], never: list[Client]) -> None:
        rng, n = self.rng, self.n_clients
        spanish = [c for c in payers if c.country == "ES"]
        for client in rng.sample(spanish + never, max(2, round(n * 0.15))):
            client.irpf_on_invoice = True
        others = [c for c in spanish if not c.irpf_on_invoice]
        for client in rng.sample(others, max(2, round(n * 0.03))):
            client.withholds_irpf = True

    def assign_discounts(self, payers: list[Client]) -> None:
        rng = self.rng
        for client in self.clients:
            client.offers_discount = client.tier != "top" and rng.random() < 0.25
            client.takes_discount = (client.offers_discount and client.profile != "never"
                                     and rng.random() < 0.4)
        if not any(c.takes_discount for c in self.clients):
            chosen = rng.choice(payers)
            chosen.offers_discount = chosen.takes_discount = True

    def credit_limit(self, client: Client) -> Decimal | None:
        if client.tier == "top" or self.rng.random() < 0.05:
            return None  # the top client's limit is set once its volume is known
        months_exposed = client.terms // 30 + 1
        exposure = client.monthly_cents * months_exposed * self.rng.randint(80, 150) // 100
        return cents(max(50_000, -(-exposure // 50_000) * 50_000))  # whole 500s, rounded up

    def assign_renames(self) -> None:
        rng = self.rng
        long_enough = [c for c in self.clients if c.country == "ES" and c.tier != "top"
                       and (self.end - c.active_from).days > 120]
        persons = [c for c in long_enough if c.tax_id[-1].isalpha()]
        companies = [c for c in long_enough if c.tax_id[0] == "B"]
        count = max(2, round(self.n_clients * 0.03))
        chosen = rng.sample(persons, min(len(persons), count - 1)) + rng.sample(companies, 1)
        for client in chosen:
            days = rng.randint(60, (self.end - client.active_from).days - 30)
            when = datetime.combine(client.active_from + timedelta(days=days),
                                    time(rng.randint(8, 18), rng.randint(0, 59)))
            if client.tax_id[0] == "B":  # a rebranding keeps the tax id
                new_name = self.unique_name(lambda: f"Grupo {rng.choice(PLACE_WORDS)} S.L.")
                client.renamed = (when, new_name, client.tax_id)
            else:  # the autónomo incorporates
                new_name = self.incorporated_name(client)
                client.renamed = (when, new_name, self.new_company_tax_id(client))

    def incorporated_name(self, client: Client) -> str:
        rng = self.rng
        surname = client.legal_name.split()[1]
        activities = SEGMENT_ACTIVITIES[client.segment]
        tails = ["", " e Hijos", " y Asociados"]
        return self.unique_name(
            lambda: f"{rng.choice(activities)} {surname}{rng.choice(tails)} S.L.")

    def new_company_tax_id(self, client: Client) -> str:
        province = client.address.rsplit(", ", 1)[1][:2]  # from the postcode
        return cif("B", province, self.unique_number(5))

    # -- invoices ------------------------------------------------------------------------

    def make_invoices(self) -> None:
        for client in self.clients:
            if client.tier == "top":
                continue
            average = self.average_per_month(client)
            for issue, weight in self.invoice_dates(client):
                net_cents = client.monthly_cents * weight * 10 // (100 * average)
                self.add_invoice(client, issue, cents(max(5_000, net_cents)))
        self.make_top_client_invoices()

    def make_top_client_invoices(self) -> None:
        # Sized after everyone else so that it carries ~40 % of the net invoiced in EUR.
        top = next(c for c in self.clients if c.tier == "top")
        revenue = sum(self.in_eur(d) for d in self.documents)
        target = revenue * 2 / 3
        dates = self.invoice_dates(top)
        weights = sum(weight for _, weight in dates)
        for issue, weight in dates:
            self.add_invoice(top, issue, money(target * weight / weights))
        # Two months of its invoicing: the big client runs over its limit, as they often do.
        months = Decimal((self.end - self.start).days) / 30
        top.credit_limit = (target / months * 2 / 50_000).quantize(Decimal(1)) * 50_000

    def in_eur(self, document: Document) -> Decimal:
        if document.client.currency == "EUR":
            return document.net
        return document.net / self.usd_rate(document.issue_date)

    @staticmethod
    def average_per_month(client: Client) -> int:
        """Expected invoices a month, times ten."""
        _, counts, weights = TIERS[client.tier]
        return max(1, sum(c * w for c, w in zip(counts, weights)) * 10 // sum(weights))

    def invoice_dates(self, client: Client) -> list[tuple[date, int]]:
        """Issue dates over the client's active months, each with a size weight (60-140)."""
        rng = self.rng
        _, counts, weights = TIERS[client.tier]
        result = []
        month = date(self.start.year, self.start.month, 1)
        while month <= self.end:
            next_month = (month + timedelta(days=32)).replace(day=1)
            first = max(month, client.active_from)
            last = min(next_month - ONE_DAY, client.active_to)
            days = business_days(first, last)
            if days:
                count = rng.choices(counts, weights)[0]
                issues = sorted(rng.choice(days) for _ in range(count))
                result.extend((issue, rng.randint(60, 140)) for issue in issues)
            month = next_month
        return result

    def add_invoice(self, client: Client, issue: date, net: Decimal) -> None:
        rng = self.rng
        tax_rate = Decimal("0.21")
        if client.country != "ES":
            tax_rate = ZERO  # intra-EU supply or export: no Spanish VAT
        elif client.segment == "hospitality" or rng.random() < 0.03:
            tax_rate = Decimal("0.10")
        document = Document(
            seq=self.next_seq(), kind="invoice", client=client, issue_date=issue,
            due_date=issue + timedelta(days=client.terms), net=net, tax=money(net * tax_rate),
            withholding=money(net * IRPF_RATE) if client.irpf_on_invoice else ZERO,
            updated_at=self.stamp(issue), purchase_order=self.purchase_order(client),
        )
        if rng.random() < 0.25:
            self.split(document, rng.choice([2, 2, 3]))
        elif client.offers_discount and rng.random() < 0.8:
            document.discount_offered = True
        self.documents.append(document)

    def purchase_order(self, client: Client) -> str:
        if client.tier == "top":
            return f"4500{self.rng.randint(100000, 999999)}"  # an SAP-style order number
        if client.tier == "large" or self.rng.random() < 0.25:
            return f"PO-{self.rng.randint(1000, 99999)}"
        return ""

    def stamp(self, day: date) -> datetime:
        rng = self.rng
        moment = time(rng.randint(8, 19), rng.randint(0, 59), rng.randint(0, 59))
        return datetime.combine(day, moment)

    @staticmethod
    def split(document: Document, parts: int) -> None:
        """Instalments every 30 days; the last one takes the rounding rest."""
        total = document.total
        share = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
        amounts = [share] * (parts - 1) + [total - share * (parts - 1)]
        document.installments = [(document.issue_date + timedelta(days=30 * (i + 1)), amount)
                                 for i, amount in enumerate(amounts)]
        document.due_date = document.installments[-1][0]

    # -- document events -----------------------------------------------------------------

    def sample(self, items: list, share: float, minimum: int) -> list:
        """A share of documents or receipts, at least `minimum`, in creation order."""
        count = min(len(items), max(minimum, round(len(items) * share)))
        return sorted(self.rng.sample(items, count), key=lambda item: item.seq)

    def invoices(self) -> list[Document]:
        return [d for d in self.documents if d.kind == "invoice"]

    def mark_void(self) -> None:
        plain = [d for d in self.invoices() if d.is_plain and d.client.tier != "top"]
        for index, document in enumerate(self.sample(plain, 0.004, 4)):
            if index % 2 == 0 and document.issue_date < self.end - timedelta(days=5):
                # Exported as issued, voided a few days later.
                document.earlier.append((document.updated_at, {"status": "issued"}))
                later = document.issue_date + timedelta(days=self.rng.randint(1, 5))
                document.updated_at = self.stamp(later)
            document.status = "void"

    def mark_disputes(self) -> None:
        issued = [d for d in self.invoices() if d.status == "issued" and not d.discount_offered
                  and d.client.profile != "never"]
        for document in self.sample(issued, 0.02, 4):
            document.in_dispute = True
            document.dispute_reason = self.rng.choice(DISPUTE_REASONS)

    def make_correcting_credit_notes(self) -> None:
        # Clients withholding IRPF at payment are left out so that the withholding base
        # stays the invoice's net.
        eligible = [d for d in self.invoices() if d.is_plain and not d.client.withholds_irpf
                    and d.issue_date <= self.end - timedelta(days=20)]
        for index, invoice in enumerate(self.sample(eligible, 0.03, 4)):
            later = invoice.issue_date + timedelta(days=self.rng.randint(3, 20))
            if index % 4 == 0:  # cancels the whole invoice
                net, tax, withholding = invoice.net, invoice.tax, invoice.withholding
            else:
                net = money(invoice.net * self.rng.randint(5, 50) / 100)
                tax = money(net * invoice.tax_rate)
                withholding = money(net * IRPF_RATE) if invoice.withholding else ZERO
            self.add_credit_note(invoice.client, invoice, roll_to_business_day(later),
                                 net, tax, withholding)

    def add_credit_note(self, client: Client, invoice: Document | None, issue: date,
                        net: Decimal, tax: Decimal, withholding: Decimal) -> Document:
        note = Document(
            seq=self.next_seq(), kind="credit_note", client=client, issue_date=issue,
            due_date=issue, net=net, tax=tax, withholding=withholding,
            updated_at=self.stamp(issue), related=invoice,
        )
        if invoice is not None:
            invoice.credit_notes.append(note)
        self.documents.append(note)
        return note

    def make_debit_notes(self) -> None:
        rng = self.rng
        eligible = [d for d in self.invoices() if d.status == "issued" and not d.in_dispute
                    and d.issue_date <= self.end - timedelta(days=45)]
        for invoice in self.sample(eligible, 0.01, 3):
            issue = roll_to_business_day(invoice.issue_date + timedelta(days=rng.randint(5, 40)))
            if rng.random() < 0.5:  # late-payment interest: not subject to VAT
                net = max(Decimal("5.00"), money(invoice.net * rng.randint(1, 4) / 100))
                tax = ZERO
            else:  # freight charged afterwards
                net = cents(rng.randint(2_500, 30_000))
                tax = money(net * invoice.tax_rate)
            self.documents.append(Document(
                seq=self.next_seq(), kind="debit_note", client=invoice.client, issue_date=issue,
                due_date=issue + timedelta(days=invoice.client.terms), net=net, tax=tax,
                withholding=ZERO, updated_at=self.stamp(issue), related=invoice,
            ))

    def mark_reexports(self) -> None:
        eligible = [d for d in self.invoices() if d.status == "issued"
                    and d.issue_date <= self.end - timedelta(days=30)]
        for document in self.sample(eligible, 0.012, 2):
            old = {"purchase_order": document.purchase_order}
            document.purchase_order = f"PO-{self.rng.randint(1000, 99999)}"
            self.reexport(document, old)
        # An instalment plan fixes the due date, so only documents without one are extended.
        eligible = [d for d in eligible if not d.earlier and not d.installments]
        for document in self.sample(eligible, 0.008, 2):
            old = {"due_date": document.due_date.isoformat()}
            document.due_date += timedelta(days=30)  # a payment extension agreed with the client
            self.reexport(document, old)

    def reexport(self, document: Document, old_fields: dict[str, str]) -> None:
        document.earlier.append((document.updated_at, old_fields))
        later = document.issue_date + timedelta(days=self.rng.randint(1, 25))
        document.updated_at = self.stamp(later)

    # -- payments ------------------------------------------------------------------------

    def payable_by_client(self) -> dict[int, list[Document]]:
        """Each client's documents that get paid, in creation order, in one pass over all
        of them: paying adds only credit notes, which are never in these lists."""
        payable: dict[int, list[Document]] = {}
        for d in self.documents:
            if d.kind != "credit_note" and d.status == "issued" and not d.in_dispute:
                payable.setdefault(d.client.seq, []).append(d)
        return payable

    def pay_date(self, document: Document, due: date, delay: int) -> date:
        return roll_to_business_day(max(due + timedelta(days=delay), document.issue_date))

    def collect_payments(self, client: Client, payable: list[Document]) -> None:
        """Every receipt of one client; what would be paid after the end date stays open."""
        if client.profile == "never":
            return
        batch: list[tuple[date, Allocation]] = []  # for clients with a fixed payment day
        for document in payable:
            if (document.discount_offered and client.takes_discount
                    and self.take_discount(document)):
                continue
            delay = self.rng.randint(*PROFILE_DELAYS[client.profile])
            if document.installments:
                self.pay_installments(client, document, delay, batch)
            else:
                self.pay_document(client, document, delay, batch)
        self.pay_batches(client, batch)

    def pay_installments(self, client: Client, document: Document, delay: int,
                         batch: list[tuple[date, Allocation]]) -> None:
        for number, (due, amount) in enumerate(document.installments, start=1):
            paid = self.pay_date(document, due, delay)
            if paid > self.end:
                return
            # A batch may pay two instalments of one document: naming them keeps the
            # allocation keys unique.
            named = client.batch_day is not None or self.rng.random() < 0.7
            allocation = Allocation(document, number if named else None, amount)
            if client.batch_day is not None:
                batch.append((paid, allocation))
            else:
                style = "rcb" if client.method == "direct_debit" else "number"
                self.add_receipt(client, paid, [allocation], style)

    def pay_document(self, client: Client, document: Document, delay: int,
                     batch: list[tuple[date, Allocation]]) -> None:
        amount = document.total - document.credited
        if amount <= 0:
            return
        paid = self.pay_date(document, document.due_date, delay)
        if document.credit_notes:  # the client waits for the credit note, then pays the rest
            paid = max(paid, max(note.issue_date for note in document.credit_notes))
        if paid > self.end:
            return
        if client.withholds_irpf and document.kind == "invoice":
            amount -= self.withhold_irpf(document, paid)
        if client.batch_day is not None:
            batch.append((paid, Allocation(document, None, amount)))
        elif self.rng.random() < 0.05:
            self.pay_in_two(client, document, paid, amount)
        else:
            self.pay_single(client, document, paid, amount)

    def take_discount(self, document: Document) -> bool:
        """Pays within the discount window; the discount is settled with a credit note."""
        rng = self.rng
        last = min(document.issue_date + timedelta(days=EARLY_DISCOUNT_DAYS), self.end)
        window = business_days(document.issue_date + timedelta(days=2), last)
        if not window or rng.random() < 0.15:
            return False
        paid = rng.choice(window)
        rate = Decimal(EARLY_DISCOUNT_PCT) / 100
        note = self.add_credit_note(
            document.client, document, paid, money(document.net * rate),
            money(document.tax * rate), money(document.withholding * rate))
        allocation = Allocation(document, None, document.total - note.total)
        self.add_receipt(document.client, paid, [allocation], "fra")
        return True

    def withhold_irpf(self, document: Document, paid: date) -> Decimal:
        client = document.client
        amount = money(document.net * IRPF_RATE)
        client.certificates += 1
        certificate = f"CERT-{paid.year}-{client.seq:04d}{client.certificates:03d}"
        if client.certificates == 2 or self.rng.random() < 0.1:
            certificate = ""  # the client has not sent the certificate yet
        self.withholdings.append(Withholding(document, amount, certificate, paid))
        return amount

    def pay_single(self, client: Client, document: Document, paid: date, amount: Decimal) -> None:
        style = self.rng.choices(["number", "fra", "none"], [70, 20, 10])[0]
        if client.method == "direct_debit":
            style = "rcb"
        self.add_receipt(client, paid, [Allocation(document, None, amount)], style)

    def pay_in_two(self, client: Client, document: Document, paid: date, amount: Decimal) -> None:
        rng = self.rng
        first = money(amount * rng.randint(30, 70) / 100)
        self.add_receipt(client, paid, [Allocation(document, None, first)], "fra")
        second_date = roll_to_business_day(paid + timedelta(days=rng.randint(10, 40)))
        if second_date <= self.end:
            self.add_receipt(client, second_date, [Allocation(document, None, amount - first)],
                             "fra")

    def pay_batches(self, client: Client, batch: list[tuple[date, Allocation]]) -> None:
        """A client with a fixed payment day pays all that is due by then in one transfer."""
        groups: dict[date, list[Allocation]] = {}
        for paid, allocation in batch:
            payment_day = date(paid.year, paid.month, client.batch_day)
            if payment_day < paid:
                next_month = payment_day + timedelta(days=32)
                payment_day = next_month.replace(day=client.batch_day)
            payment_day = roll_to_business_day(payment_day)
            if payment_day <= self.end:
                groups.setdefault(payment_day, []).append(allocation)
        for payment_day in sorted(groups):
            self.add_receipt(client, payment_day, groups[payment_day], "remesa")

    def add_receipt(self, client: Client, day: date, allocations: list[Allocation],
                    style: str) -> Receipt:
        amount = sum((a.amount for a in allocations), ZERO)
        receipt = Receipt(self.next_seq(), client, day, amount, client.method, style, allocations)
        self.receipts.append(receipt)
        return receipt

    def make_overpayments(self) -> None:
        """A few clients pay a little too much; the excess stays unapplied."""
        single = [r for r in self.receipts if len(r.allocations) == 1]
        for receipt in self.sample(single, 0.01, 2):
            receipt.amount += cents(self.rng.randint(1, 5_000))

    def make_unlinked_credit_notes(self) -> None:
        """Volume rebates (rappel) for a few good clients, not tied to one invoice."""
        rng = self.rng
        eligible = [c for c in self.clients
                    if c.tier in ("medium", "large") and c.profile != "never"]
        middle = self.start + (self.end - self.start) / 2
        chosen = rng.sample(eligible, min(len(eligible), max(2, self.n_clients // 60)))
        invoices: dict[int, list[Document]] = {client.seq: [] for client in chosen}
        for d in self.invoices():
            if d.client.seq in invoices and d.status == "issued":
                invoices[d.client.seq].append(d)
        for client in chosen:
            issue = rng.choice(business_days(middle, self.end))
            revenue = sum((d.net for d in invoices[client.seq] if d.issue_date < issue), ZERO)
            net = max(Decimal("10.00"), money(revenue * 2 / 100))
            tax = money(net * Decimal("0.21")) if client.country == "ES" else ZERO
            self.add_credit_note(client, None, issue, net, tax, ZERO)

    def make_on_account_receipts(self) -> None:
        """Money received without saying what it pays: it stays unapplied."""
        rng = self.rng
        payers = [c for c in self.clients if c.profile != "never" and c.tier != "top"]
        chosen = rng.sample(payers, max(3, self.n_clients // 25))
        for client in sorted(chosen, key=lambda c: c.seq):
            day = rng.choice(business_days(max(self.start, client.active_from), self.end))
            receipt = self.add_receipt(client, day, [], "on_account")
            receipt.amount = cents(rng.randint(1, 20) * 10_000)

    # -- ids -----------------------------------------------------------------------------

    def assign_ids(self) -> None:
        """Ids and printed numbers follow the issue date, one number series a year."""
        series = {"invoice": ("F", 6), "credit_note": ("R", 5), "debit_note": ("ND", 5)}
        counters: dict[tuple[str, int], int] = {}
        by_date = sorted(self.documents, key=lambda d: (d.issue_date, d.seq))
        for index, document in enumerate(by_date, start=1):
            prefix, width = series[document.kind]
            year = document.issue_date.year
            counters[prefix, year] = counters.get((prefix, year), 0) + 1
            document.document_id = f"D{self.id_prefix}{index:06d}"
            document.number = f"{prefix}-{year}-{self.id_prefix}{counters[prefix, year]:0{width}d}"
        by_date = sorted(self.receipts, key=lambda r: (r.date, r.seq))
        for index, receipt in enumerate(by_date, start=1):
            receipt.receipt_id = f"R{self.id_prefix}{index:06d}"

    # -- rows ----------------------------------------------------------------------------

    # Rows are yielded, not listed: the files are written as they are rendered, so a large
    # company never holds its exports twice (as objects and as text).

    def client_rows(self) -> Iterator[list[str]]:
        for c in self.clients:
            row = [c.client_id, c.tax_id, c.legal_name, c.country, c.segment, c.salesperson,
                   c.branch, str(c.terms), fmt_money(c.credit_limit), c.currency, c.email,
                   c.phone, c.address, fmt_timestamp(c.created_at)]
            yield row
            if c.renamed:
                when, name, tax_id = c.renamed
                yield (row[:1] + [tax_id, name] + row[3:10] + [company_email(name)]
                       + row[11:13] + [fmt_timestamp(when)])

    def document_rows(self) -> Iterator[list[str]]:
        for document in sorted(self.documents, key=lambda d: d.document_id):
            final = self.document_row(document)
            for when, fields in document.earlier:
                values = dict(zip(DOCUMENT_COLUMNS, final)) | fields
                values["updated_at"] = fmt_timestamp(when)
                yield [values[column] for column in DOCUMENT_COLUMNS]
            yield final

    @staticmethod
    def document_row(d: Document) -> list[str]:
        return [
            d.document_id, d.kind, d.number, d.client.client_id, d.issue_date.isoformat(),
            d.due_date.isoformat(), d.client.currency, fmt_money(d.net), fmt_money(d.tax),
            fmt_money(d.withholding), fmt_money(d.total),
            d.related.document_id if d.related else "", d.purchase_order, d.status,
            fmt_timestamp(d.updated_at),
            str(EARLY_DISCOUNT_PCT) if d.discount_offered else "",
            str(EARLY_DISCOUNT_DAYS) if d.discount_offered else "",
            "true" if d.in_dispute else "false", d.dispute_reason,
        ]

    def installment_rows(self) -> Iterator[list[str]]:
        return ([d.document_id, str(number), due.isoformat(), fmt_money(amount)]
                for d in sorted(self.documents, key=lambda d: d.document_id)
                for number, (due, amount) in enumerate(d.installments, start=1))

    def sorted_receipts(self) -> list[Receipt]:
        return sorted(self.receipts, key=lambda r: r.receipt_id)

    def receipt_rows(self) -> Iterator[list[str]]:
        return ([r.receipt_id, r.client.client_id, r.date.isoformat(), r.client.currency,
                 fmt_money(r.amount), r.method, r.reference()]
                for r in self.sorted_receipts())

    def allocation_rows(self) -> Iterator[list[str]]:
        return ([r.receipt_id, a.document.document_id,
                 "" if a.installment_no is None else str(a.installment_no), fmt_money(a.amount)]
                for r in self.sorted_receipts() for a in r.allocations)

    def withholding_rows(self) -> Iterator[list[str]]:
        ordered = sorted(self.withholdings, key=lambda w: (w.document.document_id, w.date))
        return ([w.document.document_id, "IRPF", fmt_money(w.amount), w.certificate_number,
                 w.date.isoformat()] for w in ordered)

    def fx_rows(self) -> Iterator[list[str]]:
        # The ECB file lists the latest day first.
        return ([day.isoformat()]
                + ["N/A" if rates[c] is None else f"{rates[c]:.4f}" for c in FX_CURRENCIES]
                for day, rates in reversed(self.fx))


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


# Above this many clients a company is generated in independent blocks of at most this
# many, in parallel processes: memory stays that of one block per process, whatever the
# size (L, 100,000 clients, is ten blocks).
BLOCK_CLIENTS = 10_000
MAX_BLOCKS = 99  # block numbers are two digits in the ids


def generate(out_dir: Path, clients: int = 300, years: int = 2, seed: int = 42,
             end_date: date = date(2026, 10, 31), workers: int = 2) -> dict[str, int]:
    """Write the demo company's exports into `out_dir`; return {file name: data rows}.

    Besides the seven CSV exports it writes the bank statements of the company's two EUR
    accounts, one file a month each (their counts are movements). The same arguments
    always give byte-identical files.

    Up to BLOCK_CLIENTS clients the company is one, built in memory. A larger one is made
    of blocks of at most BLOCK_CLIENTS clients, each a company of its own (its own seed,
    top client, two bank accounts and id series: D<block><number>, F-<year>-<block>…),
    generated by up to `workers` processes and appended block after block; the exchange
    rates are the first block's. The bytes do not depend on `workers`.
    """
    if clients < 30 or years < 1:
        raise ValueError("the demo needs at least 30 clients and one year")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*out_dir.glob("bank_n43_*.n43"), *out_dir.glob("bank_camt053_*.xml")]:
        stale.unlink()  # a shorter period must not leave older months behind
    if clients <= BLOCK_CLIENTS:
        return write_company(DemoCompany(clients, years, seed, end_date), out_dir, seed)
    return generate_in_blocks(out_dir, clients, years, seed, end_date, workers)


def write_company(company: DemoCompany, out_dir: Path, seed: int, block: int = 0) -> dict[str, int]:
    company.build()
    files = {
        "clients.csv": (CLIENT_COLUMNS, company.client_rows()),
        "documents.csv": (DOCUMENT_COLUMNS, company.document_rows()),
        "installments.csv": (INSTALLMENT_COLUMNS, company.installment_rows()),
        "receipts.csv": (RECEIPT_COLUMNS, company.receipt_rows()),
        "allocations.csv": (ALLOCATION_COLUMNS, company.allocation_rows()),
        "withholdings.csv": (WITHHOLDING_COLUMNS, company.withholding_rows()),
        "fx_rates.csv": (["Date", *FX_CURRENCIES], company.fx_rows()),
    }
    counts = {name: write_csv(out_dir / name, header, rows)
              for name, (header, rows) in files.items()}
    # The bank statements of the company's two EUR accounts (orchestration/demo_bank.py).
    counts.update(write_bank_statements(company, out_dir, seed, block))
    return counts


def generate_in_blocks(out_dir: Path, clients: int, years: int, seed: int, end_date: date,
                       workers: int) -> dict[str, int]:
    blocks = -(-clients // BLOCK_CLIENTS)
    if blocks > MAX_BLOCKS:
        raise ValueError(f"the demo has at most {MAX_BLOCKS * BLOCK_CLIENTS} clients")
    sizes = [clients // blocks + (1 if block < clients % blocks else 0) for block in range(blocks)]
    tasks = [(out_dir / f".block-{block:02d}", sizes[block], years, seed * 1_000 + block,
              end_date, block, blocks, sum(sizes[:block])) for block in range(blocks)]
    # Forked workers: a block needs nothing from the parent but its task.
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("fork")) as pool:
        block_counts = list(pool.map(_write_block, tasks))
    counts: dict[str, int] = {}
    for name in ("clients.csv", "documents.csv", "installments.csv", "receipts.csv",
                 "allocations.csv", "withholdings.csv", "fx_rates.csv"):
        parts = [task[0] / name for task in tasks]
        if name == "fx_rates.csv":
            parts = parts[:1]  # one market: the first block's rates
        with (out_dir / name).open("wb") as whole:
            for index, part in enumerate(parts):
                with part.open("rb") as lines:
                    header = lines.readline()
                    if index == 0:
                        whole.write(header)
                    shutil.copyfileobj(lines, whole)
        counts[name] = sum(block[name] for block in block_counts[:len(parts)])
    for (folder, *_), block in zip(tasks, block_counts):
        for name, rows in block.items():
            if name.startswith("bank_"):
                (folder / name).replace(out_dir / name)
                counts[name] = rows
        shutil.rmtree(folder)
    return counts


def _write_block(task: tuple) -> dict[str, int]:
    folder, clients, years, seed, end_date, block, blocks, offset = task
    folder.mkdir(parents=True, exist_ok=True)
    company = DemoCompany(clients, years, seed, end_date, block, blocks, offset)
    return write_company(company, folder, seed, block)
