"""OFX 1.x (SGML) and 2.x (XML) on hand-made files written from the OFX specification.

OFX has no opening balance and no control totals, only LEDGERBAL at DTASOF: the lines
cannot be tied to balances, which the result's notes say. What is checked is that the
file is whole (every aggregate closed), dates and amounts, FITIDs unique, status 0.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.readers.bank import detect_bank_format, read_bank_statement
from orchestration.readers.errors import ExportError

FIXTURES = Path(__file__).parent / "fixtures"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _rejected(data: bytes):
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.ofx", data)
    return caught.value.errors


@pytest.mark.parametrize("name", ["extracto_ofx1.ofx", "extracto_ofx2.ofx"])
def test_detected_by_content(name):
    assert detect_bank_format("download.qfx", _fixture(name)) == "ofx"


def test_sgml_1x():
    result = read_bank_statement("a.ofx", _fixture("extracto_ofx1.ofx"))

    (statement,) = result.statements
    assert statement.account == "ES9121000418450200051332"
    assert (statement.period_start, statement.period_end) == (date(2025, 6, 1), date(2025, 6, 30))
    assert (statement.opening_balance, statement.closing_balance) == (None, Decimal("2093.81"))
    credit, debit = result.lines
    assert (credit.amount, credit.counterparty_name, credit.remittance_text) == (
        Decimal("1210.00"),
        "ACME IBÉRICA S.L.",
        "FACTURA F-2025-0042 & OTRAS",
    )
    assert (
        credit.booking_date,
        credit.reference,
        credit.bank_transaction_code,
        credit.source_line,
    ) == (
        date(2025, 6, 3),
        "2025060300001",
        "CREDIT",
        40,
    )
    assert debit.amount == Decimal("-350.75")
    assert result.notes and "no opening balance" in result.notes[0].reason


def test_xml_2x():
    result = read_bank_statement("b.ofx", _fixture("extracto_ofx2.ofx"))

    (statement,) = result.statements
    assert (statement.account, statement.currency, statement.closing_balance) == (
        "121000248-4444555566",
        "USD",
        Decimal("287.50"),
    )
    income, fee = result.lines
    assert (income.amount, income.counterparty_name, income.remittance_text) == (
        Decimal("800.00"),
        "Northwind Inc",
        "INV-US-7",
    )
    assert (fee.amount, fee.remittance_text, fee.reference) == (Decimal("-12.50"), "", "F-0630-1")


def test_truncated_sgml_is_rejected():
    data = _fixture("extracto_ofx1.ofx")
    cut = data[: data.index(b"<LEDGERBAL>")]

    errors = _rejected(cut)

    assert len(errors) == 1 and "truncated" in errors[0].reason


def test_truncated_xml_is_rejected():
    data = _fixture("extracto_ofx2.ofx")

    assert "truncated" in _rejected(data[: data.index(b"</BANKTRANLIST>")])[0].reason


def test_bad_amount_and_duplicate_fitid_are_named_by_line():
    data = _fixture("extracto_ofx1.ofx").replace(b"<TRNAMT>-350.75", b"<TRNAMT>-35O.75")
    data = data.replace(b"<FITID>2025061000001", b"<FITID>2025060300001")

    errors = {(e.line, e.column, e.value) for e in _rejected(data)}

    assert errors == {(52, "TRNAMT", "-35O.75"), (53, "FITID", "2025060300001")}
    repeated = next(error for error in _rejected(data) if error.column == "FITID")
    assert repeated.describe("es") == (
        "línea 53, columna FITID, valor '2025060300001': el mismo FITID que el movimiento de la línea 45"
    )


def test_error_status_is_rejected():
    data = _fixture("extracto_ofx2.ofx").replace(
        b"<TRNUID>1</TRNUID>\n      <STATUS><CODE>0</CODE>",
        b"<TRNUID>1</TRNUID>\n      <STATUS><CODE>2000</CODE>",
    ).replace(b"<SEVERITY>INFO</SEVERITY>", b"<SEVERITY>ERROR</SEVERITY>")

    assert "error" in _rejected(data)[0].reason


def test_wrong_encoding_utf16_is_rejected():
    errors = _rejected(_fixture("extracto_ofx2.ofx").decode("utf-8").encode("utf-16"))

    assert len(errors) == 1 and "UTF-16" in errors[0].reason


def test_entities_are_not_expanded():
    data = (
        _fixture("extracto_ofx2.ofx")
        .replace(b"<?OFX", b'<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<?OFX')
        .replace(b"<MEMO>INV-US-7</MEMO>", b"<MEMO>&x;</MEMO>")
    )

    result = read_bank_statement("b.ofx", data)

    assert result.lines[0].remittance_text == "&x;"


def test_sgml_empty_leaf_does_not_swallow_the_next_tags():
    data = (
        _fixture("extracto_ofx1.ofx")
        .replace(b"<MEMO>RECIBO LUZ JUNIO\r\n", b"")
        .replace(b"<FITID>2025061000001", b"<MEMO>\r\n<FITID>2025061000001")
    )

    debit = read_bank_statement("a.ofx", data).lines[1]

    assert (debit.reference, debit.remittance_text, debit.counterparty_name) == (
        "2025061000001",
        "",
        "ELECTRICA DEL SUR",
    )


# --- what real banks write ---------------------------------------------------------------

VARIANTS = FIXTURES / "variants"


def test_several_statements_sgml_without_closing_tags_latin1():
    """Two bank statements and a credit-card one in one OFX 1.02 file, CHARSET:8859-1,
    leaves never closed, TRNTYPE OTHER, "+1500,00" (sign and decimal comma), dates with
    a time and a zone. The second statement has no BANKTRANLIST (optional): it loads no
    line, keeps its ledger balance, and a note says so; its status 1 (INFO) is a note too."""
    result = read_bank_statement("x.ofx", (VARIANTS / "ofx1_several_statements.ofx").read_bytes())

    statements = result.statements
    assert [(s.account, s.currency, s.closing_balance, s.line_count) for s in statements] == [
        ("ES9121000418450200051332", "EUR", Decimal("3400.01"), 2),
        ("0049-1500-2810123456", "USD", Decimal("287.50"), 0),
        ("4111XXXXXXXX1111", "EUR", Decimal("-45.10"), 1),
    ]
    assert [
        (line.booking_date, line.amount, line.bank_transaction_code, line.counterparty_name)
        for line in result.lines
    ] == [
        (date(2025, 7, 1), Decimal("1500.00"), "OTHER", "Ferretería Sol"),
        (date(2025, 7, 2), Decimal("-99.99"), "XFER", "Eléctrica del Sur"),
        (date(2025, 7, 15), Decimal("-45.10"), "DEBIT", "GASOLINERA"),
    ]
    assert result.statements[0].period_start == date(2025, 7, 1)
    notes = " | ".join(note.reason for note in result.notes)
    assert "status 1 (INFO) Client up-to-date" in notes
    assert "0049-1500-2810123456 has no transaction list" in notes


def test_utf8_bytes_under_a_latin1_charset_header_read_as_utf8():
    data = (VARIANTS / "ofx1_several_statements.ofx").read_bytes().decode("latin-1").encode()

    result = read_bank_statement("x.ofx", data)

    assert result.lines[0].counterparty_name == "Ferretería Sol"


def test_xml_2x_declared_latin1():
    data = (
        _fixture("extracto_ofx2.ofx")
        .replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
        .replace(b"Northwind Inc", "Compañía Norte".encode("latin-1"))
    )

    result = read_bank_statement("x.ofx", data)

    assert result.lines[0].counterparty_name == "Compañía Norte"


def test_warning_status_is_a_note_and_error_severity_rejects():
    data = (VARIANTS / "ofx1_several_statements.ofx").read_bytes()
    warned = data.replace(b"<CODE>1<SEVERITY>INFO", b"<CODE>2000<SEVERITY>WARN")

    assert any("status 2000 (WARN)" in note.reason for note in read_bank_statement("x", warned).notes)

    errors = _rejected(data.replace(b"<CODE>1<SEVERITY>INFO", b"<CODE>2000<SEVERITY>ERROR"))
    assert [(e.line, e.column, e.value) for e in errors] == [(44, "STATUS/CODE", "2000")]
    assert errors[0].reason == "the bank reports an error: Client up-to-date"


def test_sub_cent_amount_is_rejected():
    data = (VARIANTS / "ofx1_several_statements.ofx").read_bytes().replace(
        b"<TRNAMT>-99.99", b"<TRNAMT>-99.995"
    )

    errors = _rejected(data)

    assert [(e.column, e.value, e.reason) for e in errors] == [
        ("TRNAMT", "-99.995", "not an amount (at most 2 decimals)")
    ]


def test_investment_statement_is_refused_by_name():
    data = (
        b"OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\n\r\n<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS>"
        b"<TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><INVSTMTRS><DTASOF>20250701<CURDEF>USD"
        b"</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>\r\n"
    )

    errors = _rejected(data)

    assert [(e.column, e.reason) for e in errors] == [
        (
            "OFX",
            "an investment statement (INVSTMTRS), not a bank account's; no bank or credit-card "
            "statement (STMTRS / CCSTMTRS)",
        )
    ]


def test_empty_transaction_list_is_read_as_no_list():
    # <BANKTRANLIST></BANKTRANLIST> without even DTSTART/DTEND, as some banks write a
    # period without movements: no line, the ledger balance kept, a note.
    data = (VARIANTS / "ofx1_several_statements.ofx").read_bytes()
    start = data.index(b"<BANKTRANLIST>\r\n<DTSTART>20250701<DTEND>")
    end = data.index(b"</BANKTRANLIST>", start)
    data = data[:start] + b"<BANKTRANLIST>\r\n" + data[end:]

    result = read_bank_statement("x.ofx", data)

    card = result.statements[2]
    assert (card.account, card.line_count, card.closing_balance) == (
        "4111XXXXXXXX1111",
        0,
        Decimal("-45.10"),
    )
    assert (card.period_start, card.period_end) == (date(2025, 7, 31), date(2025, 7, 31))
    assert len(result.lines) == 2
    assert any("4111XXXXXXXX1111 has no transaction list" in note.reason for note in result.notes)
