"""The canonical export contract (seeds/README.md) as data.

Readers and later adapters derive everything they check from these declarations, so a
change to the contract is a change here only.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Kind(Enum):
    TEXT = "text"
    CURRENCY = "currency"
    COUNTRY = "country"
    CHOICE = "choice"
    INTEGER = "integer"
    MONEY = "money"
    DECIMAL = "decimal"
    RATE = "rate"
    DATE = "date"
    TIMESTAMP = "timestamp"
    BOOLEAN = "boolean"


@dataclass(frozen=True)
class Column:
    """One column of an entity; `default` is what an optional column empty or absent reads as."""

    name: str
    kind: Kind
    required: bool = False
    default: object = None
    choices: tuple[str, ...] = ()
    at_least: int | None = None
    greater_than: int | None = None
    at_most: int | None = None


@dataclass(frozen=True)
class Entity:
    name: str
    file_prefixes: tuple[str, ...]
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _text(name: str, required: bool = False) -> Column:
    return Column(name, Kind.TEXT, required=required)


def _required_money(name: str, **bounds: int) -> Column:
    return Column(name, Kind.MONEY, required=True, **bounds)


_CLIENTS = Entity(
    name="clients",
    file_prefixes=("clients",),
    columns=(
        _text("client_id", required=True),
        _text("tax_id", required=True),
        _text("legal_name", required=True),
        Column("country", Kind.COUNTRY, required=True),
        _text("segment"),
        _text("salesperson"),
        _text("branch"),
        Column("payment_terms_days", Kind.INTEGER, required=True, at_least=0),
        Column("credit_limit", Kind.MONEY, at_least=0),
        Column("currency", Kind.CURRENCY, required=True),
        _text("email"),
        _text("phone"),
        _text("address"),
        Column("updated_at", Kind.TIMESTAMP, required=True),
    ),
    key=("client_id", "updated_at"),
)

_DOCUMENTS = Entity(
    name="documents",
    file_prefixes=("documents",),
    columns=(
        _text("document_id", required=True),
        Column(
            "type", Kind.CHOICE, required=True, choices=("invoice", "credit_note", "debit_note")
        ),
        _text("number", required=True),
        _text("client_id", required=True),
        Column("issue_date", Kind.DATE, required=True),
        Column("due_date", Kind.DATE, required=True),
        Column("currency", Kind.CURRENCY, required=True),
        _required_money("net", at_least=0),
        _required_money("tax", at_least=0),
        Column("withholding", Kind.MONEY, default=Decimal("0.00"), at_least=0),
        _required_money("total", at_least=0),
        _text("related_document_id"),
        _text("purchase_order"),
        Column("status", Kind.CHOICE, required=True, choices=("issued", "void")),
        Column("updated_at", Kind.TIMESTAMP, required=True),
        Column("early_discount_pct", Kind.DECIMAL, at_least=0, at_most=100),
        Column("early_discount_days", Kind.INTEGER, at_least=0),
        Column("in_dispute", Kind.BOOLEAN, default=False),
        _text("dispute_reason"),
    ),
    key=("document_id", "updated_at"),
)

_INSTALLMENTS = Entity(
    name="installments",
    file_prefixes=("installments", "vencimientos"),
    columns=(
        _text("document_id", required=True),
        Column("installment_no", Kind.INTEGER, required=True, at_least=1),
        Column("due_date", Kind.DATE, required=True),
        _required_money("amount", greater_than=0),
    ),
    key=("document_id", "installment_no"),
)

_RECEIPTS = Entity(
    name="receipts",
    file_prefixes=("receipts",),
    columns=(
        _text("receipt_id", required=True),
        _text("client_id", required=True),
        Column("date", Kind.DATE, required=True),
        Column("currency", Kind.CURRENCY, required=True),
        _required_money("amount", greater_than=0),
        _text("method"),
        _text("reference"),
    ),
    key=("receipt_id",),
)

_ALLOCATIONS = Entity(
    name="allocations",
    file_prefixes=("allocations",),
    columns=(
        _text("receipt_id", required=True),
        _text("document_id", required=True),
        Column("installment_no", Kind.INTEGER, at_least=1),
        _required_money("amount", greater_than=0),
    ),
    key=("receipt_id", "document_id", "installment_no"),
)

_WITHHOLDINGS = Entity(
    name="withholdings",
    file_prefixes=("withholdings",),
    columns=(
        _text("document_id", required=True),
        _text("type", required=True),
        _required_money("amount", greater_than=0),
        _text("certificate_number"),
        Column("date", Kind.DATE, required=True),
    ),
    key=("document_id", "type", "date", "certificate_number"),
)

# The file itself has the ECB wide layout (FX_DATE_HEADER, then one column per
# currency); these columns describe the rows it is unpivoted into.
_FX_RATES = Entity(
    name="fx_rates",
    file_prefixes=("fx_rates", "eurofxref"),
    columns=(
        Column("rate_date", Kind.DATE, required=True),
        Column("currency", Kind.CURRENCY, required=True),
        Column("rate", Kind.RATE, required=True, greater_than=0),
    ),
    key=("rate_date", "currency"),
)

FX_DATE_HEADER = "Date"
FX_MISSING_RATE = "N/A"

CONTRACT: dict[str, Entity] = {
    entity.name: entity
    # In the order files load: each is checked against what the ones before it loaded
    # (orchestration/ingest/references.py).
    for entity in (
        _FX_RATES,
        _CLIENTS,
        _DOCUMENTS,
        _INSTALLMENTS,
        _RECEIPTS,
        _ALLOCATIONS,
        _WITHHOLDINGS,
    )
}

ENTITIES: tuple[str, ...] = tuple(CONTRACT)

SUPPORTED_EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx")
