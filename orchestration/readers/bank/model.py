"""What every bank statement reader returns, whatever the format it read."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

import pyarrow as pa

from ..errors import FieldError


@dataclass(frozen=True)
class BankStatement:
    """One statement of one account, as the file states it.

    `opening_balance` is None where the format has none (OFX, camt.054, a CSV without a
    balance column); `closing_balance` likewise. Balances are signed: + is in the
    account holder's favour.
    """

    statement_id: str
    account: str
    currency: str
    period_start: date
    period_end: date
    opening_balance: Decimal | None
    closing_balance: Decimal | None
    line_count: int


@dataclass(frozen=True)
class BankStatementLine:
    """One booked movement. `amount` is signed: + money in, - money out.

    Together account, booking_date, value_date, amount and reference (else
    remittance_text) identify a movement across overlapping statements.
    `source_line` is the physical line in the file where the movement starts (0 in XML).
    """

    statement_id: str
    account: str
    line_number: int
    booking_date: date
    value_date: date
    amount: Decimal
    currency: str
    counterparty_name: str
    counterparty_account: str
    remittance_text: str
    bank_transaction_code: str
    reference: str
    source_line: int


# One row per BankStatementLine, its fields in order: money as DECIMAL(18, 2), never float.
LINE_SCHEMA = pa.schema(
    [
        ("statement_id", pa.string()),
        ("account", pa.string()),
        ("line_number", pa.int64()),
        ("booking_date", pa.date32()),
        ("value_date", pa.date32()),
        ("amount", pa.decimal128(18, 2)),
        ("currency", pa.string()),
        ("counterparty_name", pa.string()),
        ("counterparty_account", pa.string()),
        ("remittance_text", pa.string()),
        ("bank_transaction_code", pa.string()),
        ("reference", pa.string()),
        ("source_line", pa.int64()),
    ]
)


def line_table(lines: list[BankStatementLine]) -> pa.Table:
    """Lines read one by one, as columns (LINE_SCHEMA)."""
    return pa.Table.from_pydict(
        {name: [getattr(line, name) for line in lines] for name in LINE_SCHEMA.names},
        schema=LINE_SCHEMA,
    )


@dataclass(frozen=True)
class BankStatementFile:
    """The statements and lines of one file.

    The lines are columns (`line_columns`, LINE_SCHEMA): a large file's lines never become
    one Python object each on their way to the warehouse; `lines` gives them as objects
    for the callers that want a few. `notes` says what could not be checked in it (e.g.
    OFX carries no opening balance, so its lines cannot be tied to balances), each where
    it applies (a line, or an XML element as its column) with a catalogue message; the
    caller shows them, they do not reject.
    """

    format: str
    statements: list[BankStatement]
    line_columns: pa.Table
    notes: list[FieldError] = field(default_factory=list)

    @cached_property
    def lines(self) -> list[BankStatementLine]:
        return [BankStatementLine(**row) for row in self.line_columns.to_pylist()]


@dataclass(frozen=True)
class BankCsvMapping:
    """How a bank's CSV export maps onto statement lines; declared in config per bank.

    Columns are named by their header text. The amount is either one signed column
    (`amount_column`, read per `sign`) or two unsigned ones (`debit_column` and
    `credit_column`, one of them empty on each row). `currency` is fixed unless
    `currency_column` names a column. With `balance_column` each row's running balance
    is checked against the previous one plus the row's amount, in either file order.
    """

    date_column: str
    description_column: str
    account: str
    date_format: str = "%d/%m/%Y"
    decimal_separator: str = ","
    value_date_column: str | None = None
    amount_column: str | None = None
    debit_column: str | None = None
    credit_column: str | None = None
    sign: str = "credit_positive"  # or "debit_positive": a positive amount is money out
    counterparty_column: str | None = None
    reference_column: str | None = None
    balance_column: str | None = None
    currency: str = "EUR"
    currency_column: str | None = None
    delimiter: str | None = None  # None: ";" or "," whichever the header holds more of
    encoding: str | None = None  # None: UTF-8, else Windows-1252/Latin-1
    skip_lines: int = 0  # lines before the header (account details some banks print)
    footer_lines: int = 0  # lines after the last movement (totals some banks print)

    def __post_init__(self) -> None:
        if self.skip_lines < 0 or self.footer_lines < 0:
            raise ValueError("skip_lines and footer_lines count lines: 0 or more")
        if self.sign not in ("credit_positive", "debit_positive"):
            raise ValueError(f"sign must be credit_positive or debit_positive, not {self.sign!r}")
        if self.decimal_separator not in (",", "."):
            raise ValueError("decimal_separator must be ',' or '.'")
        has_amount = self.amount_column is not None
        has_split = self.debit_column is not None and self.credit_column is not None
        if has_amount == has_split:
            raise ValueError("declare either amount_column or both debit_column and credit_column")
