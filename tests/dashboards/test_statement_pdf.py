"""The statement of account as PDF and Excel, parsed back: the closing balance is the mart's."""

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboards import db, formatting
from dashboards.company_settings import load_company
from dashboards.queries import client_file
from dashboards.statement_pdf import Company, Statement, statement_pdf, statement_xlsx

NBSP = "\u00a0"
PERIOD_START = date(2026, 8, 1)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def demo(demo_home: Path):
    """The demo's published database, the client with the most movements, its mart figures
    read straight from the marts: its closing balance in the statement at the warehouse's
    as-of date, its net balance in ar_aging and its movements in the period."""
    path = demo_home / "cartera.duckdb"
    with duckdb.connect(str(path), read_only=True) as connection:
        client_id, as_of = connection.execute(
            "select client_id, max(as_of_date) from marts.statement_of_account "
            "group by client_id order by count(*) desc, client_id limit 1"
        ).fetchone()
        closing = connection.execute(
            "select running_balance_amount from marts.statement_of_account "
            "where client_id = ? order by movement_seq desc limit 1", [client_id]
        ).fetchone()[0]
        net = connection.execute(
            "select net_balance_amount from marts.ar_aging where client_id = ?", [client_id]
        ).fetchone()[0]
        references = [
            row[0] for row in connection.execute(
                "select reference from marts.statement_of_account where client_id = ? "
                "and movement_date between ? and ? order by movement_seq",
                [client_id, PERIOD_START, as_of],
            ).fetchall()
        ]
    database = db.PublishedDatabase(db.file_identity(path))
    return database, client_id, as_of, closing, net, references


DEMO_COMPANY = Path(__file__).resolve().parents[2] / "seeds"


def test_demo_statement_pdf_closes_at_the_marts_balance_in_both_languages(demo):
    """The statement of the demo's busiest client from 1 August to the as-of date, headed by
    the demo company (seeds/company.json, as `make demo` installs it): every movement of the
    period is printed, and the closing balance printed is the mart's running balance at its
    last movement, which is also ar_aging's net balance."""
    database, client_id, as_of, closing, net, references = demo
    statement = client_file.statement(
        database, client_id, PERIOD_START, as_of, None, load_company(DEMO_COMPANY)
    )

    assert closing == net
    for language, label in (("es", "Saldo final a"), ("en", "Closing balance at")):
        text = pdf_text(statement_pdf(statement, language)).replace(NBSP, " ")
        money = formatting.money(closing, "EUR", language).replace(NBSP, " ")
        closing_line = re.search(rf"{label} (\d\d/\d\d/\d{{4}})\s*(.+)", text)
        assert closing_line is not None, text[-500:]
        assert closing_line.group(1) == as_of.strftime("%d/%m/%Y")
        assert closing_line.group(2).strip() == money
        assert len(references) > 10
        for reference in references:
            assert reference in text
        assert "€" in text
        # the company's lines come before the statement's title
        header = text[: text.index("Extracto de cuenta" if language == "es" else "Statement of account")]
        assert "Distribuciones Cartera Demo S.L." in header
        assert ("NIF: B12345674" if language == "es" else "Tax id: B12345674") in header
        assert "Calle Mayor 12, 46001 Valencia" in header
        assert "cobros@cartera-demo.example · +34 960 000 000" in header


def test_demo_statement_excel_opens_and_closes_at_the_marts_balance(demo):
    database, client_id, as_of, closing, _, references = demo
    statement = client_file.statement(database, client_id, PERIOD_START, as_of, None, None)

    sheet = load_workbook(io.BytesIO(statement_xlsx(statement, "es"))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    assert rows[0] == ["Fecha de corte", "Moneda", "Fecha", "Concepto", "Referencia",
                       "Cargo", "Abono", "Saldo"]
    assert rows[1][3] == "Saldo anterior"
    assert rows[-1][3] == "Saldo final"
    assert Decimal(str(rows[-1][7])) == closing
    # the opening row, the period's movements, the closing row
    assert [row[4] for row in rows[2:-1]] == references
    assert rows[1][2].date() == PERIOD_START and rows[-1][2].date() == as_of


def test_a_statement_prints_the_company_header_and_the_euro_sign():
    """A hand-made statement: opening 100.00, an invoice of 1234.56 and a payment of
    1000.00 give 100.00 + 1234.56 - 1000.00 = 334.56; one bucket open 334.56."""
    statement = Statement(
        company=Company(name="Suministros Peñíscola S.L.", tax_id="B12345678",
                        address="Calle Mayor 1, 12598 Peñíscola"),
        client={"client_id": "C0042", "legal_name": "Catering Ñandú S.A.",
                "tax_id": "A87654321", "address": "Plaza España 2, Madrid"},
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        balances=pd.DataFrame({
            "currency_code": ["EUR"],
            "opening_balance_amount": [Decimal("100.00")],
            "closing_balance_amount": [Decimal("334.56")],
        }),
        movements=pd.DataFrame({
            "currency_code": ["EUR", "EUR"],
            "movement_date": [date(2026, 3, 2), date(2026, 3, 20)],
            "movement_type": ["invoice", "receipt"],
            "reference": ["F-2026-0001", "Transferencia"],
            "debit_amount": [Decimal("1234.56"), Decimal("0.00")],
            "credit_amount": [Decimal("0.00"), Decimal("1000.00")],
            "running_balance_amount": [Decimal("1334.56"), Decimal("334.56")],
        }),
        aging=pd.DataFrame({"min_days": [None], "max_days": [0], "amount": [Decimal("334.56")]}),
        aging_totals={"open_balance_amount": Decimal("334.56"),
                      "unapplied_cash_amount": Decimal("0.00"),
                      "net_balance_amount": Decimal("334.56")},
        reporting_currency_code="EUR",
    )

    spanish = pdf_text(statement_pdf(statement, "es")).replace(NBSP, " ")
    english = pdf_text(statement_pdf(statement, "en")).replace(NBSP, " ")

    assert "Suministros Peñíscola S.L." in spanish and "B12345678" in spanish
    assert "Catering Ñandú S.A." in spanish and "NIF: A87654321" in spanish
    assert "Extracto de cuenta" in spanish and "Statement of account" in english
    assert "Periodo: del 1 de marzo de 2026 al 31 de marzo de 2026" in spanish
    assert "02/03/2026 Factura F-2026-0001 1.234,56 € 1.334,56 €" in spanish
    assert "20/03/2026 Cobro Transferencia 1.000,00 € 334,56 €" in spanish
    assert "Saldo anterior 100,00 €" in spanish
    assert re.search(r"Saldo final a 31/03/2026\s*334,56 €", spanish)
    assert re.search(r"Closing balance at 31/03/2026\s*€334.56", english)
    assert "No vencido 334,56 €" in spanish and "Not due €334.56" in english
