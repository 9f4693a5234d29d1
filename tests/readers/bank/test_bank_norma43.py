"""Norma 43 (AEB Cuaderno 43) on a hand-made file of two accounts.

fixtures/cuenta_dos_cuentas.n43 is written by hand to the published AEB layout:
80-character records, Latin-1, CRLF. Positions (1-based) of what the tests rely on:

  11  3-6 bank, 7-10 branch, 11-20 account, 21-26 start YYMMDD, 27-32 end YYMMDD,
      33 sign of initial balance (1 debit, 2 credit), 34-47 initial balance (2 decimals),
      48-50 currency (ISO numeric, 978 EUR, 840 USD), 51 mode, 52-77 name
  22  7-10 branch, 11-16 operation date, 17-22 value date, 23-24 common concept,
      25-27 own concept, 28 sign (1 debit, 2 credit), 29-42 amount, 43-52 document,
      53-64 reference 1, 65-80 reference 2
  23  3-4 sequence 01-05, 5-42 and 43-80 concept text
  24  3-4 "01", 5-7 original currency, 8-21 original amount
  33  3-20 bank+branch+account, 21-25 number of debits, 26-39 total debits,
      40-44 number of credits, 45-58 total credits, 59 sign and 60-73 final balance,
      74-76 currency
  88  3-20 nines, 21-26 number of records before it

Account 1 (2100 0418 0200051332, EUR): opening +1,234.56; +1,210.00, -350.75, +2,000.00;
record 33: 1 debit 350.75, 2 credits 3,210.00, final +4,093.81.
Account 2 (0049 1500 2810123456, USD): opening -500.00; +800.00 (with a 24 record),
-12.50; record 33: 1 debit 12.50, 1 credit 800.00, final +287.50. Record 88: 15.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.readers.bank import detect_bank_format, read_bank_statement
from orchestration.readers.bank.norma43 import account_number
from orchestration.readers.errors import ExportError

FIXTURE = Path(__file__).parent / "fixtures" / "cuenta_dos_cuentas.n43"


def _records() -> list[str]:
    return FIXTURE.read_bytes().decode("latin-1").split("\r\n")[:-1]


def _file(records: list[str]) -> bytes:
    return ("\r\n".join(records) + "\r\n").encode("latin-1")


def _replace(records: list[str], index: int, start: int, text: str) -> list[str]:
    """`records` with record `index` overwritten from 1-based position `start`."""
    changed = list(records)
    record = changed[index]
    changed[index] = record[: start - 1] + text + record[start - 1 + len(text) :]
    return changed


def _rejected(data: bytes):
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.n43", data)
    return caught.value.errors


def test_fixture_records_are_80_characters_latin1():
    assert all(len(record) == 80 for record in _records())
    assert "IBÉRICA".encode("latin-1") in FIXTURE.read_bytes()


def test_detected_by_content_whatever_the_name():
    assert detect_bank_format("export.txt", FIXTURE.read_bytes()) == "norma43"


def test_two_accounts_and_their_lines():
    result = read_bank_statement("extracto.n43", FIXTURE.read_bytes())

    assert result.format == "norma43"
    first, second = result.statements
    assert first.account == "ES9121000418450200051332"  # check digits computed
    assert (first.currency, first.period_start, first.period_end) == (
        "EUR",
        date(2025, 6, 1),
        date(2025, 6, 30),
    )
    assert (first.opening_balance, first.closing_balance, first.line_count) == (
        Decimal("1234.56"),
        Decimal("4093.81"),
        3,
    )
    assert (second.currency, second.opening_balance, second.closing_balance) == (
        "USD",
        Decimal("-500.00"),
        Decimal("287.50"),
    )
    amounts = [line.amount for line in result.lines]
    assert amounts == [
        Decimal("1210.00"),
        Decimal("-350.75"),
        Decimal("2000.00"),
        Decimal("800.00"),
        Decimal("-12.50"),
    ]
    line = result.lines[0]
    assert (line.line_number, line.source_line, line.booking_date, line.bank_transaction_code) == (
        1,
        2,
        date(2025, 6, 3),
        "02-002",
    )
    assert (
        "ACME IBÉRICA S.L." in line.remittance_text
        and "FACTURA F-2025-0042" in line.remittance_text
    )
    assert result.lines[2].value_date == date(2025, 6, 21)
    assert [line.line_number for line in result.lines] == [1, 2, 3, 1, 2]


def test_totals_equal_the_files_own_control_figures():
    result = read_bank_statement("extracto.n43", FIXTURE.read_bytes())
    closing_records = [record for record in _records() if record.startswith("33")]
    for statement, record in zip(result.statements, closing_records, strict=True):
        lines = [line for line in result.lines if line.statement_id == statement.statement_id]
        debits = [line.amount for line in lines if line.amount < 0]
        credits = [line.amount for line in lines if line.amount > 0]
        assert len(debits) == int(record[20:25]) and -sum(debits) == Decimal(record[25:39]) / 100
        assert len(credits) == int(record[39:44]) and sum(credits) == Decimal(record[44:58]) / 100
        assert (
            statement.opening_balance + sum(line.amount for line in lines)
            == statement.closing_balance
        )
    assert int(_records()[-1][20:26]) == len(_records()) - 1


def test_statement_ids_are_deterministic():
    once = read_bank_statement("a.n43", FIXTURE.read_bytes())
    again = read_bank_statement("b.txt", FIXTURE.read_bytes())
    assert [s.statement_id for s in once.statements] == [s.statement_id for s in again.statements]
    assert once.statements[0].statement_id == "ES9121000418450200051332|2025-06-01|2025-06-30|1"


def test_account_number_iban_of_the_standard_example():
    assert account_number("2100", "0418", "0200051332") == "ES9121000418450200051332"


def test_tampered_credit_total_is_rejected_with_the_difference():
    records = _replace(_records(), 8, 45, "00000000321100")  # 3,211.00 instead of 3,210.00

    errors = _rejected(_file(records))

    error = next(e for e in errors if e.column == "total_credits")
    assert error.line == 9 and error.value == "00000000321100"
    assert (
        "3211.00" in error.reason
        and "3210.00" in error.reason
        and "difference 1.00" in error.reason
    )
    assert error.describe("es") == (
        "línea 9, columna total_credits, valor '00000000321100': el registro 33 declara un total de abonos "
        "de 3211.00, pero los apuntes suman 3210.00 (diferencia 1.00)"
    )


def test_tampered_final_balance_is_rejected_with_the_difference():
    records = _replace(_records(), 8, 60, "00000000409481")

    errors = _rejected(_file(records))

    assert [(e.line, e.column) for e in errors] == [(9, "final_balance")]
    assert "difference 1.00" in errors[0].reason


def test_tampered_movement_breaks_count_total_and_balance():
    # Movement 2 turned from a debit into a credit: counts, totals and balance all disagree.
    records = _replace(_records(), 4, 28, "2")

    columns = {e.column for e in _rejected(_file(records))}

    assert {
        "number_of_debits",
        "number_of_credits",
        "total_debits",
        "total_credits",
        "final_balance",
    } <= columns


def test_wrong_record_count_in_88():
    records = _replace(_records(), 15, 21, "000016")

    errors = _rejected(_file(records))

    assert [(e.line, e.column, e.value) for e in errors] == [(16, "number_of_records", "000016")]
    assert "difference 1" in errors[0].reason


def test_truncated_file_is_rejected():
    records = _records()[:11]  # cut inside the second account

    reasons = " ".join(e.reason for e in _rejected(_file(records)))

    assert "no record 33" in reasons and "no end-of-file record 88" in reasons


def test_truncated_mid_record_is_rejected():
    data = FIXTURE.read_bytes()[:-150]

    assert _rejected(data)


def test_wrong_encoding_utf16_is_rejected():
    data = FIXTURE.read_bytes().decode("latin-1").encode("utf-16")

    errors = _rejected(data)

    assert len(errors) == 1 and "UTF-16" in errors[0].reason


def test_utf8_resave_still_reads():
    data = FIXTURE.read_bytes().decode("latin-1").encode("utf-8")

    result = read_bank_statement("extracto.n43", data)

    assert "IBÉRICA" in result.lines[0].remittance_text


def test_bad_amount_and_date_are_named_by_line_and_column():
    records = _replace(_records(), 1, 11, "250631")
    records = _replace(records, 4, 29, "0000000035O075")

    errors = {(e.line, e.column) for e in _rejected(_file(records))}

    assert (2, "operation_date") in errors and (5, "amount") in errors


def test_records_without_line_breaks():
    data = "".join(_records()).encode("latin-1")

    result = read_bank_statement("extracto.n43", data)

    assert len(result.lines) == 5 and result.lines[3].source_line == 11


# --- what real banks write ---------------------------------------------------------------

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


def test_short_records_concepts_outside_the_table_and_a_dos_end_of_file_mark():
    """Trailing blanks stripped from every record (one 22 ends at position 42, after its
    amount), common concepts 45 and 00 that the AEB table does not define, CRLF and a
    Ctrl-Z after the 88. Opening +1,000.00 + 500.00 - 120.50 = 1,379.50 = record 33."""
    data = (VARIANTS / "n43_short_lines.n43").read_bytes()
    assert data.endswith(b"\x1a") and len(data.split(b"\r\n")[1]) == 42

    result = read_bank_statement("extracto.n43", data)

    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"),
        Decimal("1379.50"),
    )
    assert [
        (line.booking_date, line.value_date, line.amount, line.bank_transaction_code)
        for line in result.lines
    ] == [
        (date(2025, 7, 1), date(2025, 7, 1), Decimal("500.00"), "45-999"),
        (date(2025, 7, 15), date(2025, 7, 16), Decimal("-120.50"), "00-000"),
    ]
    assert result.lines[0].remittance_text == "TRANSFERENCIA CLIENTE X"
    assert result.lines[1].reference == "4711"
    assert result.notes == []


def test_short_record_cut_inside_its_amount_is_still_rejected():
    records = (VARIANTS / "n43_short_lines.n43").read_bytes().split(b"\r\n")
    records[1] = records[1][:38]  # the amount (29-42) loses its last 4 digits

    errors = _rejected(b"\r\n".join(records))

    assert (errors[0].line, errors[0].column, errors[0].value) == (2, "amount", "0000000005    ")
    # ... and record 33 no longer agrees with the movements that could be read.
    assert {(e.line, e.column) for e in errors[1:]} == {
        (5, "number_of_credits"),
        (5, "total_credits"),
    }


def test_files_joined_into_one_and_more_than_five_concepts_are_read_with_notes():
    """June: 0.00 + 80.00 = 80.00 (its 88 counts 9 records); July: 80.00 - 30.00 = 50.00
    (its own 88 counts 3). The June movement has six 23 records."""
    result = read_bank_statement("joined.n43", (VARIANTS / "n43_two_files_joined.n43").read_bytes())

    assert [(s.period_start, s.opening_balance, s.closing_balance) for s in result.statements] == [
        (date(2025, 6, 1), Decimal("0.00"), Decimal("80.00")),
        (date(2025, 7, 1), Decimal("80.00"), Decimal("50.00")),
    ]
    assert [(line.booking_date, line.amount) for line in result.lines] == [
        (date(2025, 6, 10), Decimal("80.00")),
        (date(2025, 7, 2), Decimal("-30.00")),
    ]
    assert "CONCEPTO 6 MAS TEXTO" in result.lines[0].remittance_text
    assert [note.line for note in result.notes] == [8, 11]


def test_joined_files_are_each_checked_on_their_own_count():
    data = (VARIANTS / "n43_two_files_joined.n43").read_bytes().replace(
        b"88" + b"9" * 18 + b"000003", b"88" + b"9" * 18 + b"000014"
    )

    errors = _rejected(data)

    assert [(e.line, e.column) for e in errors] == [(14, "number_of_records")]
    assert "difference 11" in errors[0].reason


def test_other_record_after_the_end_of_file_is_rejected():
    data = (VARIANTS / "n43_short_lines.n43").read_bytes().rstrip(b"\x1a") + b"2301STRAY\r\n"

    errors = _rejected(data)

    assert [(e.line, e.column, e.reason) for e in errors] == [
        (7, "record", "record after the end-of-file record 88")
    ]


def test_text_in_a_dos_code_page_is_read_with_a_note():
    # 0x81 is "ü" in CP850 and undefined in Windows-1252: read as Latin-1, the amounts are
    # ASCII and unaffected; only the letter may come out wrong, and a note says so.
    data = (VARIANTS / "n43_short_lines.n43").read_bytes().replace(b"CLIENTE X", b"G\x81NTER X")

    result = read_bank_statement("extracto.n43", data)

    assert [line.amount for line in result.lines] == [Decimal("500.00"), Decimal("-120.50")]
    assert result.lines[0].remittance_text == "TRANSFERENCIA G\x81NTER X"
    (note,) = result.notes
    assert note.reason.startswith("text is neither UTF-8 nor Windows-1252 (byte 0x81")
