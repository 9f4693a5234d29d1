"""SWIFT MT940 on the public samples (fixtures/mt940, BSD-3-Clause, see SOURCES.md there)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.readers.bank import detect_bank_format, read_bank_statement
from orchestration.readers.errors import ExportError

SAMPLES = Path(__file__).parent / "fixtures" / "mt940"


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _rejected(data: bytes):
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.sta", data)
    return caught.value.errors


def _balance(text: str) -> Decimal:
    sign, amount = text[0], text[10:].replace(",", ".")
    return Decimal(amount) if sign == "C" else -Decimal(amount)


@pytest.mark.parametrize("name", ["sepa_mt9401.sta", "generic.sta", "multiline.sta"])
def test_detected_by_content(name):
    assert detect_bank_format("x.txt", _sample(name)) == "mt940"


def test_sepa_sample_totals_equal_its_own_balances():
    text = _sample("sepa_mt9401.sta").decode("ascii")
    result = read_bank_statement("sepa_mt9401.sta", _sample("sepa_mt9401.sta"))

    openings = [_balance(v) for v in re.findall(r"(?m)^:60[FM]:(.*)$", text)]
    closings = [_balance(v) for v in re.findall(r"(?m)^:62[FM]:(.*)$", text)]
    assert len(result.statements) == 26 == len(openings) == len(closings)
    assert len(result.lines) == text.count("\n:61:") + text.startswith(":61:") == 97
    for statement, opening, closing in zip(result.statements, openings, closings, strict=True):
        lines = [line for line in result.lines if line.statement_id == statement.statement_id]
        assert (statement.opening_balance, statement.closing_balance) == (opening, closing)
        assert opening + sum(line.amount for line in lines) == closing
        assert [line.line_number for line in lines] == list(range(1, len(lines) + 1))


def test_reversal_of_credit_is_money_out():
    # ":61:0709040904RCR204,88" - RC (reversal of a credit) debits the account; the
    # statement's own :60F: + lines = :62F: only holds that way.
    result = read_bank_statement("s.sta", _sample("sepa_mt9401.sta"))
    line = next(line for line in result.lines if line.source_line == 19)
    assert line.amount == Decimal("-204.88")


def test_sepa_details_are_split_into_name_account_text_and_reference():
    result = read_bank_statement("s.sta", _sample("sepa_mt9401.sta"))
    line = next(line for line in result.lines if line.amount == Decimal("15000.05"))

    assert line.counterparty_name.startswith("Richter Renate")
    assert line.counterparty_account == "DE42100100100043921105"
    assert line.reference == "EndToEndIdTFNR2000400001"
    assert "SVWZ+TO 13 TFNr 20004" in line.remittance_text
    assert (line.booking_date, line.value_date, line.bank_transaction_code) == (
        date(2007, 9, 4),
        date(2007, 9, 4),
        "NTRF",
    )


def test_generic_two_statements():
    result = read_bank_statement("generic.sta", _sample("generic.sta"))

    assert [(s.opening_balance, s.closing_balance) for s in result.statements] == [
        (Decimal("100.00"), Decimal("90.00")),
        (Decimal("90.00"), Decimal("80.00")),
    ]
    assert [s.statement_id for s in result.statements] == [
        "11111111|2011-01-01|2011-02-01|1",
        "11111111|2011-02-01|2011-03-01|2",
    ]


def test_multiline_sample_trailing_fragment_is_rejected():
    # The sample ends with a :61: after the last "-", outside any statement: no :20:,
    # :25:, :60F: or :62F: to check it against, so the file is refused.
    errors = _rejected(_sample("multiline.sta"))

    assert errors[0].line == 38 and "outside a statement" in errors[0].reason


def test_multiline_details_joined():
    text = _sample("multiline.sta").decode("ascii")
    complete = text[: text.rindex("-\n:61:") + 2].encode("ascii")

    result = read_bank_statement("multiline.sta", complete)

    (line,) = result.lines
    assert line.amount == Decimal("-5.00")
    assert line.counterparty_name == "NOM DU DO / BENEFICIAIRE 11NOM DU DO / BENEFICIAIRE 22"
    assert "LIGNE111" in line.remittance_text and "LIGNE101010" in line.remittance_text
    assert result.statements[0].closing_balance == Decimal("11.40")


def test_tampered_closing_balance_is_rejected_with_the_difference():
    data = _sample("generic.sta").replace(b":62F:C110201EUR90,00", b":62F:C110201EUR91,50")

    errors = _rejected(data)

    assert len(errors) == 1
    assert errors[0].line == 7 and errors[0].column == ":62a:"
    assert "difference 1.50" in errors[0].reason
    assert errors[0].describe("es") == (
        "línea 7, columna :62a:, valor '91.50': extracto 'GENERIC' (:28C: 1): el saldo final declarado es 91.50, "
        "pero saldo inicial 100.00 + movimientos -10.00 = 90.00 (diferencia 1.50)"
    )


def test_tampered_line_amount_in_the_big_sample():
    data = _sample("sepa_mt9401.sta").replace(
        b":61:0709040904CR335,33", b":61:0709040904CR335,30", 1
    )

    errors = _rejected(data)

    assert len(errors) == 1 and "difference 0.03" in errors[0].reason


def test_truncated_file_is_rejected():
    data = _sample("sepa_mt9401.sta")
    cut = data[: data.index(b":62F:D070904EUR1455749,85")]

    errors = _rejected(cut)

    assert any(":62a:" in e.reason for e in errors)


def test_wrong_encoding_utf16_is_rejected():
    errors = _rejected(_sample("generic.sta").decode("ascii").encode("utf-16"))

    assert len(errors) == 1 and "UTF-16" in errors[0].reason


def test_swift_envelope_and_intermediate_balances():
    data = (
        "{1:F01BANKDEFFAXXX0000000000}{2:O9401200250701BANKDEFFAXXX00000000002507011200N}{4:\r\n"
        ":20:STMT1\r\n:25:DE89370400440532013000\r\n:28C:7/1\r\n:60F:C250630EUR1000,00\r\n"
        ":61:2507010701C250,NTRFNONREF//B1\r\n:86:Invoice 17\r\ncontinued\r\n"
        ":62M:C250701EUR1250,00\r\n-}\r\n"
        "{1:F01BANKDEFFAXXX0000000000}{2:O9401200250701BANKDEFFAXXX00000000002507011200N}{4:\r\n"
        ":20:STMT1\r\n:25:DE89370400440532013000\r\n:28C:7/2\r\n:60M:C250701EUR1250,00\r\n"
        ":61:250701D50,5NCHGNONREF\r\n:62F:C250701EUR1199,50\r\n-}\r\n"
    ).encode("ascii")

    result = read_bank_statement("x.sta", data)

    assert detect_bank_format("x", data) == "mt940"
    assert [s.account for s in result.statements] == ["DE89370400440532013000"] * 2
    assert [line.amount for line in result.lines] == [Decimal("250.00"), Decimal("-50.50")]
    assert result.lines[0].remittance_text == "Invoice 17 continued"
    assert result.lines[0].reference == "B1"


# --- what real banks write ---------------------------------------------------------------

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


def _real_banks() -> bytes:
    return (VARIANTS / "mt940_real_banks.sta").read_bytes()


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_statements_as_banks_write_them(newline):
    """Latin-1, LF or CRLF; two :20: blocks (the first closed by "-", the second not, with
    :64: and a statement-level :86: after :62F:); multi-line :86:; type codes NMSC, NTRF,
    FTRF, S103 and NXYZ (unknown, kept as written); amounts "20,5", "1250," and "0,01"; a
    :NS: field; an entry date in December for a January value date.

    Statement 1: 1000.00 - 20.50 + 1250.00 + 0.01 + 15.00 (RD, reversal of a debit: money
    in) - 100.00 = 2144.51 = :62M:. Statement 2: 2144.51 - 14.51 = 2130.00 = :62F:.
    """
    result = read_bank_statement("umsatz.sta", _real_banks().replace(b"\n", newline))

    assert [(s.opening_balance, s.closing_balance) for s in result.statements] == [
        (Decimal("1000.00"), Decimal("2144.51")),
        (Decimal("2144.51"), Decimal("2130.00")),
    ]
    assert [
        (line.booking_date, line.value_date, line.amount, line.bank_transaction_code)
        for line in result.lines
    ] == [
        (date(2024, 12, 31), date(2025, 1, 1), Decimal("-20.50"), "NMSC"),
        (date(2025, 1, 2), date(2025, 1, 2), Decimal("1250.00"), "NTRF"),
        (date(2025, 1, 2), date(2025, 1, 2), Decimal("0.01"), "NXYZ"),
        (date(2025, 1, 3), date(2025, 1, 3), Decimal("15.00"), "FTRF"),
        (date(2025, 1, 3), date(2025, 1, 3), Decimal("-100.00"), "S103"),
        (date(2025, 1, 4), date(2025, 1, 4), Decimal("-14.51"), "NCHG"),
    ]
    texts = [line.remittance_text for line in result.lines]
    assert texts[0] == "Kontofuehrung Dezember"
    assert texts[1] == "Invoice INV-2025-001 Customer GmbH Thank you"
    assert texts[5] == "Gebühren Januar"  # the statement-level :86: is not a line's
    assert [line.reference for line in result.lines][:2] == ["", "INV-2025-001"]


def test_utf8_and_a_dos_end_of_file_mark():
    data = _real_banks().decode("latin-1").encode("utf-8") + b"\x1a"

    result = read_bank_statement("umsatz.sta", data)

    assert len(result.lines) == 6 and result.lines[5].remittance_text == "Gebühren Januar"


def test_amount_with_a_decimal_point_is_rejected_naming_the_line():
    # MT940 writes decimals with a comma; "1250.00" is not an MT940 amount.
    data = _real_banks().replace(b"C1250,NTRF", b"C1250.00NTRF")

    errors = _rejected(data)

    assert (errors[0].line, errors[0].column) == (8, ":61:")
    assert "not a statement line" in errors[0].reason


def test_interim_report_mt942_is_rejected_with_its_name():
    data = (
        b":20:INTRADAY\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n:34F:EUR0,\r\n"
        b":13D:2501031200+0100\r\n:61:250103C10,00NTRFNONREF\r\n:90C:1EUR10,00\r\n-\r\n"
    )

    errors = _rejected(data)

    assert len(errors) == 1 and errors[0].line == 1
    assert "MT942 interim transaction report" in errors[0].reason


def test_statements_repeating_account_period_and_sequence_keep_their_own_lines():
    """Both statements say :28C:101/1 for the same account and days: ids stay unique
    (the second gets "#2"), each with its line: 1000.00 + 5.00 = 1005.00, 1005.00 - 5.00."""
    text = (
        ":20:A\n:25:DE89370400440532013000\n:28C:101/1\n:60F:C250101EUR1000,00\n"
        ":61:250101C5,00NTRFNONREF\n:62F:C250101EUR1005,00\n-\n"
        ":20:A\n:25:DE89370400440532013000\n:28C:101/1\n:60F:C250101EUR1005,00\n"
        ":61:250101D5,00NTRFNONREF\n:62F:C250101EUR1000,00\n-\n"
    )

    result = read_bank_statement("x.sta", text.encode())

    first, second = result.statements
    assert second.statement_id == first.statement_id + "#2"
    assert [(line.statement_id, line.amount) for line in result.lines] == [
        (first.statement_id, Decimal("5.00")),
        (second.statement_id, Decimal("-5.00")),
    ]


def test_quirks_of_real_banks_are_read_with_notes():
    """Hand-made after public samples of ABN AMRO, ASN, Knab, Rabobank, mBank, Sberbank and
    a Sparkasse (wolph/mt940 test files): SOH/ETX framing and an "ABNANL2A / 940" header
    before :20:, a value date of 30 February (month-end interest), a blank entry date, two
    :86: for one movement, an amount without its comma ("C500NTRF"), a type code padded
    with spaces ("S   "), CP852 text.

    1200.00 - 6.00 - 65.00 + 500.00 - 2.40 = 1626.60 = :62F:.
    """
    result = read_bank_statement("quirks.sta", (VARIANTS / "mt940_bank_quirks.sta").read_bytes())

    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1200.00"),
        Decimal("1626.60"),
    )
    assert [
        (line.booking_date, line.value_date, line.amount, line.bank_transaction_code)
        for line in result.lines
    ] == [
        (date(2016, 3, 1), date(2016, 2, 29), Decimal("-6.00"), "N024"),
        (date(2016, 3, 1), date(2016, 3, 1), Decimal("-65.00"), "NOVB"),
        (date(2016, 3, 1), date(2016, 3, 1), Decimal("500.00"), "NTRF"),
        (date(2016, 3, 1), date(2016, 3, 1), Decimal("-2.40"), "S"),
    ]
    assert result.lines[1].remittance_text == "NL47INGB9999999999 hr j jansen Betaling sieraden"
    assert [note.line for note in result.notes] == [0, 9, 15, 0]
    notes = [note.reason for note in result.notes]
    assert len(notes) == 4
    assert notes[0].startswith("text is neither UTF-8 nor Windows-1252 (byte 0x81")
    assert "value date 160230 does not exist" in notes[1] and "2016-02-29" in notes[1]
    assert "amount 500 written without its decimal comma; read as 500.00" in notes[2]
    assert notes[3].startswith("3 line(s) outside any statement skipped")
    assert "'ABNANL2A'" in notes[3]


def test_day_that_no_month_has_is_still_rejected():
    data = (VARIANTS / "mt940_bank_quirks.sta").read_bytes().replace(b":61:160230", b":61:160232")

    errors = _rejected(data)

    assert (errors[0].line, errors[0].column) == (9, ":61:")
    assert errors[0].reason == "invalid value date or amount (YYMMDD; at most 2 decimals)"


def test_sub_cent_amount_is_rejected():
    # The warehouse keeps cents; "20,505" cannot be stored without rounding it.
    data = _real_banks().replace(b"D20,5NMSC", b"D20,505NMSC")

    errors = _rejected(data)

    assert (errors[0].line, errors[0].column, errors[0].value) == (
        5,
        ":61:",
        "2501011231D20,505NMSCNONREF",
    )


def test_ing_wrapped_details_with_a_lone_dash_line_and_dutch_structured_fields():
    """ING wraps :86: at 65 characters: "MND" + "-" + "EV01" falls over three lines, the
    middle one a lone "-", which is text, not the end of the statement (no :62F: yet).
    :28C:0000 wraps its last "0" too. 662.23 + 1.56 - 1.14 = 662.65 = :62F:. The /EREF/,
    /CNTP/ and /REMI/ fields give reference, counterparty and text; the :61: reference
    "EREF" only names the kind of reference and is not kept as one."""
    data = (VARIANTS / "mt940_ing_wrapped.sta").read_bytes()

    result = read_bank_statement("ing.940", data)

    (statement,) = result.statements
    assert statement.statement_id.endswith("|00000")
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("662.23"),
        Decimal("662.65"),
    )
    credit, debit = result.lines
    assert (credit.booking_date, credit.amount, debit.amount) == (
        date(2025, 2, 20),
        Decimal("1.56"),
        Decimal("-1.14"),
    )
    assert (credit.reference, credit.counterparty_account, credit.counterparty_name) == (
        "EV12341REP1231456T1234",
        "NL32INGB0000012345",
        "ING BANK NV INZAKE WEB",
    )
    assert credit.remittance_text == "EV10001REP1000000T1000"
    assert (debit.reference, debit.remittance_text) == ("EV123REP123412T1234",) * 2
    assert result.notes == []


def test_abn_amro_structured_details():
    data = _real_banks().replace(
        b":86:Invoice INV-2025-001\nCustomer GmbH\nThank you",
        b":86:/TRTP/SEPA OVERBOEKING/IBAN/NL02ABNA0123456789/BIC/ABNANL2A/NAME/J. JA\n"
        b"NSEN/REMI/Factuur 2025-0042/EREF/E2E-42",
    )

    line = read_bank_statement("abn.sta", data).lines[1]

    assert (line.amount, line.counterparty_name, line.counterparty_account) == (
        Decimal("1250.00"),
        "J. JANSEN",
        "NL02ABNA0123456789",
    )
    assert (line.remittance_text, line.reference) == ("Factuur 2025-0042", "E2E-42")


def test_lone_dash_after_the_closing_balance_still_ends_the_statement():
    text = _real_banks().decode("latin-1")
    assert "\n-\n\n:20:STARTUMS" in text  # statement 1 ends with "-" after its :62M:

    result = read_bank_statement("x.sta", _real_banks())

    assert len(result.statements) == 2
