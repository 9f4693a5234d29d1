"""Bank CSV exports read through a BankCsvMapping (as config declares one per bank)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.readers.bank import BankCsvMapping, read_bank_statement
from orchestration.readers.errors import ExportError

FIXTURE = Path(__file__).parent / "fixtures" / "movimientos_banco.csv"

# A Spanish bank's export: two lines of account details, then newest first, Latin-1,
# ";" separated, "1.234,56" numbers, separate Cargo (debit) and Abono (credit) columns.
SPLIT = BankCsvMapping(
    date_column="F. Operación",
    value_date_column="F. Valor",
    description_column="Concepto",
    counterparty_column="Ordenante",
    debit_column="Cargo",
    credit_column="Abono",
    balance_column="Saldo",
    account="ES9121000418450200051332",
    skip_lines=2,
)

SIGNED = BankCsvMapping(
    date_column="Fecha",
    description_column="Concepto",
    amount_column="Importe",
    date_format="%Y-%m-%d",
    decimal_separator=".",
    account="ES9121000418450200051332",
    currency_column="Divisa",
)


def _rejected(data: bytes, mapping: BankCsvMapping):
    with pytest.raises(ExportError) as caught:
        read_bank_statement("movimientos.csv", data, mapping)
    return caught.value.errors


def test_split_debit_credit_columns_with_running_balance():
    result = read_bank_statement("movimientos.csv", FIXTURE.read_bytes(), SPLIT)

    assert result.format == "csv"
    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance, statement.line_count) == (
        Decimal("1234.56"),
        Decimal("4093.81"),
        3,
    )
    assert [line.amount for line in result.lines] == [
        Decimal("1210.00"),
        Decimal("-350.75"),
        Decimal("2000.00"),
    ]
    first, _, last = result.lines
    assert (first.booking_date, first.counterparty_name, first.source_line) == (
        date(2025, 6, 3),
        "ACME IBÉRICA S.L.",
        6,
    )
    assert (last.value_date, last.remittance_text) == (date(2025, 6, 21), "TRANSF. CLIENTE MUÑOZ")
    assert (
        statement.opening_balance + sum(line.amount for line in result.lines)
        == statement.closing_balance
    )
    assert not result.notes


def test_tampered_balance_is_rejected_with_the_difference():
    data = FIXTURE.read_bytes().replace(b";2.093,81", b";2.093,80")

    errors = _rejected(data, SPLIT)

    assert any(
        e.line == 5 and e.column == "balance" and "difference -0.01" in e.reason for e in errors
    )
    tampered = next(e for e in errors if e.line == 5)
    assert tampered.describe("es") == (
        "línea 5, columna balance, valor '2093.80': saldo acumulado 2093.80, pero saldo anterior 2444.56 "
        "+ importe -350.75 = 2093.81 (diferencia -0.01)"
    )


def test_signed_amount_column_and_currency_column():
    data = (
        b"Fecha,Concepto,Importe,Divisa\n"
        b"2025-06-03,Cobro F-1,1210.00,EUR\n"
        b"2025-06-04,Comision,-1.50,EUR\n"
    )

    result = read_bank_statement("m.csv", data, SIGNED)

    assert [(line.amount, line.currency) for line in result.lines] == [
        (Decimal("1210.00"), "EUR"),
        (Decimal("-1.50"), "EUR"),
    ]
    assert result.notes  # no balance column: nothing to tie the lines to


def test_debit_positive_sign_convention():
    mapping = BankCsvMapping(
        date_column="Fecha",
        description_column="Concepto",
        amount_column="Importe",
        sign="debit_positive",
        account="X",
        date_format="%d/%m/%Y",
    )
    text = (
        "Fecha;Concepto;Importe\n03/06/2025;Pago proveedor;1.000,00\n04/06/2025;Devolución;-20,00\n"
    )
    data = text.encode("cp1252")

    result = read_bank_statement("m.csv", data, mapping)

    assert [line.amount for line in result.lines] == [Decimal("-1000.00"), Decimal("20.00")]


def test_bad_values_are_named_by_line_and_column():
    data = (
        b"Fecha,Concepto,Importe,Divisa\n"
        b"2025-06-31,Cobro,1210.00,EUR\n"
        b"2025-06-04,Comision,1,50,EUR\n"
    )

    errors = {(e.line, e.column) for e in _rejected(data, SIGNED)}

    assert (2, "Fecha") in errors


def test_missing_mapped_column_is_rejected_on_the_header():
    data = b"Fecha,Concepto,Divisa\n2025-06-03,Cobro,EUR\n"

    errors = _rejected(data, SIGNED)

    assert [(e.line, e.column, e.reason) for e in errors] == [
        (1, "Importe", "column declared in the mapping is missing from the header")
    ]


def test_truncated_file_is_rejected():
    # Cut in the middle of the last row: its balance no longer follows.
    data = FIXTURE.read_bytes()[:-12]

    assert _rejected(data, SPLIT)


def test_wrong_encoding_utf16_is_rejected():
    errors = _rejected(FIXTURE.read_bytes().decode("cp1252").encode("utf-16"), SPLIT)

    assert len(errors) == 1 and "UTF-16" in errors[0].reason


def test_mapping_must_declare_one_way_of_reading_amounts():
    with pytest.raises(ValueError):
        BankCsvMapping(date_column="F", description_column="C", account="X")
    with pytest.raises(ValueError):
        BankCsvMapping(
            date_column="F", description_column="C", account="X", amount_column="I", sign="positive"
        )


def test_single_day_newest_first_is_ordered_by_its_running_balance():
    """All rows on one day, newest first: the dates cannot tell the order, the balance can.
    Oldest first: 1,000.00 + 210.00 = 1,210.00; 1,210.00 - 10.50 = 1,199.50. Opening
    balance 1,000.00, closing 1,199.50."""
    data = (
        "F. Operación;F. Valor;Concepto;Ordenante;Cargo;Abono;Saldo\n"
        "05/06/2025;05/06/2025;COMISION;;10,50;;1.199,50\n"
        "05/06/2025;05/06/2025;TRANSF. CLIENTE;ACME;;210,00;1.210,00\n"
    ).encode("latin-1")

    result = read_bank_statement("m.csv", data, replace(SPLIT, skip_lines=0))

    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"),
        Decimal("1199.50"),
    )
    assert [(line.booking_date, line.amount) for line in result.lines] == [
        (date(2025, 6, 5), Decimal("210.00")),
        (date(2025, 6, 5), Decimal("-10.50")),
    ]


def test_single_day_whose_balance_ties_in_no_order_is_rejected():
    data = (
        "F. Operación;F. Valor;Concepto;Ordenante;Cargo;Abono;Saldo\n"
        "05/06/2025;05/06/2025;COMISION;;10,50;;1.199,50\n"
        "05/06/2025;05/06/2025;TRANSF. CLIENTE;ACME;;210,00;1.210,01\n"
    ).encode("latin-1")

    errors = _rejected(data, replace(SPLIT, skip_lines=0))

    assert [(e.line, e.column) for e in errors] == [(3, "balance")]
    assert "difference" in errors[0].reason


def test_sub_cent_amount_is_rejected():
    data = (
        b"Fecha,Concepto,Importe,Divisa\n"
        b"2025-06-03,Cobro F-1,1210.005,EUR\n"
    )

    errors = _rejected(data, SIGNED)

    assert [(e.line, e.column, e.value) for e in errors] == [(2, "Importe", "1210.005")]
    assert "more than 2 decimals" in errors[0].reason


def test_total_lines_after_the_movements_are_left_out_by_the_mapping():
    """The bank prints totals under the movements; `footer_lines=2` leaves them out.
    Opening 2,500.00 - 1,500.00 = 1,000.00; + 1,500.00 - 45.10 = 2,454.90."""
    data = (FIXTURE.parent / "variants" / "movimientos_con_totales.csv").read_bytes()
    mapping = replace(SPLIT, skip_lines=1, footer_lines=2)

    result = read_bank_statement("m.csv", data, mapping)

    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"),
        Decimal("2454.90"),
    )
    assert [(line.booking_date, line.value_date, line.amount) for line in result.lines] == [
        (date(2025, 7, 3), date(2025, 7, 3), Decimal("1500.00")),
        (date(2025, 7, 4), date(2025, 7, 5), Decimal("-45.10")),
    ]

    # Without it, the totals are rows that are not movements, and say so.
    errors = _rejected(data, replace(SPLIT, skip_lines=1))
    assert (errors[0].line, errors[0].column, errors[0].value) == (
        6,
        "F. Operación",
        "Total cargos",
    )
