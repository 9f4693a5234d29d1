"""The statement of account as the PDF a collector sends to the client (extracto de cuenta).

A pure function of what the client-file page read from the marts: the company's header, the
client's fiscal data, the period, per currency the opening balance, the movements with
their running balance and the closing balance (marts.statement_of_account), and the aging of
what is open at the period's end (marts.ar_aging). Nothing is computed here: every figure
is printed as the mart holds it, formatted for the language.

The text is set in DejaVu Sans, shipped in dashboards/fonts (fpdf2's core fonts are
Latin-1 and have no "€"), so the PDF needs no system font and no download.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
from babel.dates import format_date
from fpdf import FPDF
from fpdf.fonts import FontFace

from dashboards import exports, formatting
from dashboards.i18n import translate

FONT_DIR = Path(__file__).parent / "fonts"
_FONT = "DejaVuSans"
_GREY = (235, 235, 235)


@dataclass(frozen=True)
class Company:
    """Who sends the statement (the header); any field may be missing."""

    name: str
    tax_id: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Statement:
    """What the PDF prints.

    client: client_id, legal_name, tax_id, address, country_code (current fiscal data).
    balances: one row per currency: currency_code, opening_balance_amount,
        closing_balance_amount (running balances before and at the end of the period).
    movements: movement_date, currency_code, movement_type, reference, debit_amount,
        credit_amount, running_balance_amount, in statement order.
    aging: one row per bucket: min_days, max_days, amount (reporting currency).
    aging_totals: open_balance_amount, unapplied_cash_amount, net_balance_amount.
    """

    company: Company | None
    client: dict
    period_start: date
    period_end: date
    balances: pd.DataFrame
    movements: pd.DataFrame
    aging: pd.DataFrame
    aging_totals: dict
    reporting_currency_code: str


def statement_pdf(statement: Statement, language: str) -> bytes:
    """The statement as PDF bytes (A4, portrait, page numbers in the footer)."""
    pdf = _StatementDocument(language)
    pdf.add_page()
    _header(pdf, statement, language)
    for balance in statement.balances.itertuples():
        movements = statement.movements[
            statement.movements["currency_code"] == balance.currency_code
        ]
        _movements(pdf, balance, movements, statement.period_end, language)
    _aging(pdf, statement, language)
    return bytes(pdf.output())


class _StatementDocument(FPDF):
    def __init__(self, language: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.language = language
        self.add_font(_FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(_FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_font(_FONT, size=9)
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()

    def footer(self) -> None:
        language = self.language
        self.set_y(-12)
        self.set_font(_FONT, size=7)
        self.cell(0, 5, translate(language, "statement.pdf.page", page=self.page_no(), pages="{nb}"), align="R")


def _header(pdf: _StatementDocument, statement: Statement, language: str) -> None:
    company = statement.company
    if company is not None:
        pdf.set_font(_FONT, "B", 12)
        pdf.cell(0, 6, company.name, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, size=8)
        tax_id = company.tax_id and translate(language, "statement.pdf.tax_id", tax_id=company.tax_id)
        for line in (tax_id, company.address, _joined(company.email, company.phone)):
            if line:
                pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)

    pdf.set_font(_FONT, "B", 14)
    pdf.cell(0, 8, translate(language, "statement.pdf.title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=9)
    period = translate(
        language,
        "statement.pdf.period",
        start=formatting.long_date(statement.period_start, language),
        end=formatting.long_date(statement.period_end, language),
    )
    pdf.cell(0, 5, period, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    client = statement.client
    pdf.set_font(_FONT, "B", 10)
    pdf.cell(0, 5, client["legal_name"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=9)
    lines = [
        translate(language, "statement.pdf.tax_id", tax_id=client["tax_id"]),
        client.get("address"),
        translate(language, "statement.pdf.client_id", client_id=client["client_id"]),
    ]
    for line in lines:
        if line:
            pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _table_title(pdf: _StatementDocument, title: str) -> None:
    """A table's title in bold on its own line; the table below it in the small body font."""
    pdf.set_font(_FONT, "B", 10)
    pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, size=8)


def _movements(
    pdf: _StatementDocument, balance, movements: pd.DataFrame, period_end: date, language: str
) -> None:
    currency = balance.currency_code

    def money(amount: Decimal) -> str:
        return formatting.money(amount, currency, language)

    _table_title(pdf, translate(language, "statement.pdf.movements", currency=currency))
    headings = _movement_headings(language)
    with pdf.table(
        col_widths=(20, 30, 44, 26, 26, 28),
        text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=_GREY),
        line_height=4.5,
        first_row_as_headings=True,
    ) as table:
        table.row(headings)
        table.row(["", translate(language, "statement.pdf.opening"), "", "", "",
                   money(balance.opening_balance_amount)])
        for movement in movements.itertuples():
            table.row([
                numeric_date(movement.movement_date, language),
                movement_type_label(movement.movement_type, language),
                movement.reference or "",
                money(movement.debit_amount) if movement.debit_amount else "",
                money(movement.credit_amount) if movement.credit_amount else "",
                money(movement.running_balance_amount),
            ])
    pdf.ln(1)
    pdf.set_font(_FONT, "B", 10)
    closing = translate(language, "statement.pdf.closing", date=numeric_date(period_end, language))
    pdf.cell(146, 6, closing, align="R")
    pdf.cell(28, 6, money(balance.closing_balance_amount), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _movement_headings(language: str) -> list[str]:
    """The statement's movement columns, as the PDF and the workbook head them."""
    return [
        translate(language, "statement.pdf.date"),
        translate(language, "statement.pdf.concept"),
        translate(language, "statement.pdf.reference"),
        translate(language, "statement.pdf.debit"),
        translate(language, "statement.pdf.credit"),
        translate(language, "statement.pdf.balance"),
    ]


def _aging(pdf: _StatementDocument, statement: Statement, language: str) -> None:
    currency = statement.reporting_currency_code

    def money(amount: Decimal) -> str:
        return formatting.money(amount, currency, language)

    _table_title(pdf, translate(language, "statement.pdf.aging", currency=currency))
    with pdf.table(
        col_widths=(60, 40),
        width=100,
        align="LEFT",
        text_align=("LEFT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=_GREY),
        line_height=4.5,
    ) as table:
        table.row([translate(language, "statement.pdf.bucket"), translate(language, "statement.pdf.amount")])
        for bucket in statement.aging.itertuples():
            label = formatting.bucket_label(_days(bucket.min_days), _days(bucket.max_days), language)
            table.row([label, money(bucket.amount)])
        totals = statement.aging_totals
        table.row([translate(language, "statement.pdf.open_total"), money(totals["open_balance_amount"])])
        table.row([translate(language, "statement.pdf.unapplied"), money(-totals["unapplied_cash_amount"])])
        table.row([translate(language, "statement.pdf.net_total"), money(totals["net_balance_amount"])])


def statement_xlsx(statement: Statement, language: str) -> bytes:
    """The statement as Excel: per currency its opening balance, the movements and its
    closing balance, typed as every table's Excel (`dashboards.exports`)."""
    rows = []
    for balance in statement.balances.itertuples():
        currency = balance.currency_code
        rows.append((currency, statement.period_start, translate(language, "statement.pdf.opening"),
                     None, None, None, balance.opening_balance_amount))
        movements = statement.movements[statement.movements["currency_code"] == currency]
        rows += [
            (currency, movement.movement_date, movement_type_label(movement.movement_type, language),
             movement.reference, movement.debit_amount, movement.credit_amount,
             movement.running_balance_amount)
            for movement in movements.itertuples()
        ]
        rows.append((currency, statement.period_end, translate(language, "statement.pdf.closing_balance"),
                     None, None, None, balance.closing_balance_amount))
    headers = [translate(language, "statement.pdf.currency"), *_movement_headings(language)]
    currencies = list(statement.balances["currency_code"])
    export = exports.TableExport(
        table=pd.DataFrame(rows, columns=headers),
        money_columns=tuple(headers[4:]),
        percent_columns=(),
        # One currency per client is the rule; a client in several currencies gets plain
        # numbers under the first one's format, and the currency column says which is which.
        currency_code=currencies[0] if currencies else statement.reporting_currency_code,
        language=language,
        as_of=statement.period_end,
        file_stem=statement_file_stem(statement, language),
    )
    return exports.xlsx_bytes(export)


def statement_file_stem(statement: Statement, language: str) -> str:
    """extracto_C0226_2026-11-01 / statement_C0226_2026-11-01."""
    return translate(
        language, "statement.file", client_id=statement.client["client_id"],
        date=statement.period_end.isoformat(),
    )


def movement_type_label(movement_type: str, language: str) -> str:
    """invoice, debit_note, credit_note, receipt, withholding in the user's words."""
    labels = {
        "invoice": translate(language, "statement.type.invoice"),
        "debit_note": translate(language, "statement.type.debit_note"),
        "credit_note": translate(language, "statement.type.credit_note"),
        "receipt": translate(language, "statement.type.receipt"),
        "withholding": translate(language, "statement.type.withholding"),
    }
    return labels.get(movement_type, movement_type)


def numeric_date(day: date, language: str) -> str:
    """31/03/2026 in both languages (en is British English)."""
    return format_date(day, "dd/MM/yyyy", locale=formatting.LOCALES[language])


def _joined(*parts: str | None) -> str:
    return " · ".join(part for part in parts if part)


def _days(value: object) -> int | None:
    return None if pd.isna(value) else int(value)
