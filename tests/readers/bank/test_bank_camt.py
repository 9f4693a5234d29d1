"""ISO 20022 camt.053 / camt.054 on hand-made files written from the published schemas."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.readers.bank import detect_bank_format, read_bank_statement
from orchestration.readers.errors import ExportError

FIXTURES = Path(__file__).parent / "fixtures"
VARIANTS = FIXTURES / "variants"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _rejected(data: bytes):
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.xml", data)
    return caught.value.errors


def _with_version(data: bytes, version: str) -> bytes:
    return data.replace(b"camt.053.001.02", f"camt.053.001.{version}".encode())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("camt053_v02.xml", "camt053"),
        ("camt053_v08.xml", "camt053"),
        ("camt054_v02.xml", "camt054"),
    ],
)
def test_detected_by_content(name, expected):
    assert detect_bank_format("statement.dat", _fixture(name)) == expected


def test_v02_statement():
    result = read_bank_statement("camt053_v02.xml", _fixture("camt053_v02.xml"))

    (statement,) = result.statements
    assert statement.account == "ES9121000418450200051332"
    assert (statement.period_start, statement.period_end) == (date(2025, 6, 1), date(2025, 6, 30))
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1234.56"),
        Decimal("1343.81"),
    )
    assert statement.line_count == 3  # the pending entry is not a statement line
    assert statement.statement_id == "ES9121000418450200051332|2025-06-01|2025-06-30|6"
    credit, debit, batch = result.lines
    assert (credit.amount, credit.counterparty_name, credit.counterparty_account) == (
        Decimal("1210.00"),
        "ACME Ibérica S.L.",
        "ES7620770024003102575766",
    )
    assert (credit.reference, credit.remittance_text, credit.bank_transaction_code) == (
        "FRA-2025-0042",
        "FACTURA F-2025-0042",
        "PMNT-RCDT-ESCT",
    )
    assert (debit.amount, debit.counterparty_name, debit.counterparty_account) == (
        Decimal("-350.75"),
        "Eléctrica del Sur S.A.",
        "0049-1500-99",
    )
    assert (debit.reference, debit.remittance_text, debit.bank_transaction_code) == (
        "BANKREF-0002",
        "RECIBO LUZ JUNIO 2025",
        "103",
    )
    # A batch of two transfers is one line: the entry that moved the balance.
    assert (batch.amount, batch.counterparty_name, batch.reference) == (
        Decimal("-750.00"),
        "",
        "BANKREF-0003",
    )
    assert batch.remittance_text == "PAGO FRA P-1 PAGO FRA P-2"
    assert [line.line_number for line in result.lines] == [1, 2, 3]


def test_totals_equal_the_files_own_control_figures():
    result = read_bank_statement("x.xml", _fixture("camt053_v02.xml"))
    (statement,) = result.statements
    assert (
        statement.opening_balance + sum(line.amount for line in result.lines)
        == statement.closing_balance
    )


@pytest.mark.parametrize("version", ["02", "03", "04", "05", "06", "07", "08"])
def test_namespace_versions_read_alike(version):
    result = read_bank_statement("x.xml", _with_version(_fixture("camt053_v02.xml"), version))
    assert sum(line.amount for line in result.lines) == Decimal("109.25")


def test_v08_statements():
    result = read_bank_statement("camt053_v08.xml", _fixture("camt053_v08.xml"))

    first, second = result.statements
    assert (first.account, first.opening_balance, first.closing_balance) == (
        "DE89370400440532013000",
        Decimal("-100.00"),
        Decimal("400.50"),
    )
    assert (second.account, second.currency, second.closing_balance) == (
        "123456789",
        "USD",
        Decimal("-10.01"),
    )
    incoming, fee = result.lines
    assert (incoming.counterparty_name, incoming.counterparty_account, incoming.reference) == (
        "Müller GmbH",
        "DE02120300000000202051",
        "E2E-777",
    )
    assert (incoming.booking_date, incoming.value_date, incoming.remittance_text) == (
        date(2025, 7, 1),
        date(2025, 7, 2),
        "RF18539007547034",
    )
    assert (fee.amount, fee.remittance_text, fee.bank_transaction_code) == (
        Decimal("-10.01"),
        "Account maintenance fee",
        "FEE",
    )


def test_camt054_notification_has_no_balances_and_says_so():
    result = read_bank_statement("n.xml", _fixture("camt054_v02.xml"))

    assert result.format == "camt054"
    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    assert result.lines[0].amount == Decimal("1210.00")
    assert result.notes


def test_tampered_closing_balance_is_rejected_with_the_difference():
    data = _fixture("camt053_v02.xml").replace(
        b'<Amt Ccy="EUR">1343.81</Amt>', b'<Amt Ccy="EUR">1343.80</Amt>'
    )

    errors = _rejected(data)

    assert len(errors) == 1
    assert errors[0].line == 0 and errors[0].column.startswith("Document/BkToCstmrStmt/Stmt[1]/Bal")
    assert "difference -0.01" in errors[0].reason


def test_tampered_entry_breaks_balance_and_summary():
    data = _fixture("camt053_v02.xml").replace(
        b'<Amt Ccy="EUR">350.75</Amt>', b'<Amt Ccy="EUR">350.70</Amt>'
    )

    columns = [e.column for e in _rejected(data)]

    assert any(c.endswith("TxsSummry/TtlNtries/Sum") for c in columns)
    assert any(c.endswith("TxsSummry/TtlDbtNtries/Sum") for c in columns)
    assert any("/Bal" in c for c in columns)


def test_bad_amount_is_named_by_element_path():
    data = _fixture("camt053_v02.xml").replace(
        b'<Amt Ccy="EUR">350.75</Amt>', b'<Amt Ccy="EUR">350,75</Amt>'
    )

    errors = _rejected(data)

    assert [(e.column, e.value) for e in errors] == [
        ("Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt", "350,75")
    ]


def test_truncated_file_is_rejected():
    data = _fixture("camt053_v02.xml")

    errors = _rejected(data[: len(data) // 2])

    assert len(errors) == 1 and "malformed XML" in errors[0].reason


def test_missing_closing_balance_is_read_with_a_note():
    # The bank wrote an available (CLAV) where the booked closing (CLBD) belongs: the lines
    # are kept as booked; nothing ties them, and the note says so.
    data = _fixture("camt053_v02.xml").replace(b"<Cd>CLBD</Cd>", b"<Cd>CLAV</Cd>")

    result = read_bank_statement("x.xml", data)

    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("1234.56"), None)
    assert sum(line.amount for line in result.lines) == Decimal("109.25")
    (note,) = result.notes
    assert note.column.endswith("Stmt[1]") and "no booked closing (CLBD) balance" in note.reason


def test_a_note_names_its_element_and_reads_in_spanish():
    result = read_bank_statement("x.xml", (VARIANTS / "camt053_available_balances_only.xml").read_bytes())

    untied = next(note for note in result.notes if note.column == "Document/BkToCstmrStmt/Stmt[1]")
    assert untied.describe("es") == (
        "fichero, columna Document/BkToCstmrStmt/Stmt[1]: el extracto de la cuenta ES7620770024003102575766 "
        "no tiene saldo contable inicial (OPBD, PRCD) ni final (CLBD): sus 1 apunte(s) no se han podido cuadrar "
        "con los saldos"
    )


@pytest.mark.parametrize("name", ["camt053_billion_laughs.xml", "camt053_external_entity.xml"])
def test_entity_bomb_and_external_entity_are_refused(name):
    errors = _rejected(_fixture(name))

    assert len(errors) == 1 and "unsafe XML refused" in errors[0].reason


def test_utf16_with_its_declaration_is_valid_xml_and_reads():
    data = (
        _fixture("camt053_v02.xml")
        .decode("utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16")
    )

    assert detect_bank_format("x.xml", data) == "camt053"
    assert len(read_bank_statement("x.xml", data).lines) == 3


def test_wrong_encoding_latin1_bytes_declared_utf8_is_rejected():
    data = _fixture("camt053_v02.xml").decode("utf-8").encode("latin-1")

    errors = _rejected(data)

    assert len(errors) == 1 and "malformed XML" in errors[0].reason and errors[0].line > 1


def test_utf16_without_byte_order_mark_is_not_recognised():
    data = _fixture("camt053_v02.xml").decode("utf-8").encode("utf-16-le")

    errors = _rejected(data)

    assert len(errors) == 1 and "UTF-16" in errors[0].reason


# --- what real banks write, within the schema ------------------------------------------


def test_dates_with_time_zone_offsets_and_date_times_read_as_written():
    """xs:date with +02:00 or Z and xs:dateTime with or without a zone: the calendar day as
    the bank wrote it (a booking at 23:30Z stays on the 1st).

    Statement A: OPBD DBIT 100.00 -> -100.00; + 1250.00 - 30.25 - 20.25 = 1099.50 = CLBD.
    The OPAV/CLAV/FWAV available balances beside them are not used.
    """
    result = read_bank_statement("zoned.xml", (VARIANTS / "camt053_zoned_dates.xml").read_bytes())

    first, second = result.statements
    assert (first.period_start, first.period_end) == (date(2017, 4, 1), date(2017, 4, 1))
    assert (first.opening_balance, first.closing_balance, first.currency) == (
        Decimal("-100.00"),
        Decimal("1099.50"),
        "EUR",
    )
    assert [(line.booking_date, line.value_date, line.amount) for line in result.lines] == [
        (date(2017, 4, 1), date(2017, 4, 3), Decimal("1250.00")),
        (date(2017, 4, 1), date(2017, 4, 1), Decimal("-30.25")),  # no ValDt: the booking date
        (date(2017, 4, 1), date(2017, 4, 2), Decimal("-20.25")),
    ]
    assert result.notes == []


def test_optional_elements_absent():
    result = read_bank_statement("zoned.xml", (VARIANTS / "camt053_zoned_dates.xml").read_bytes())

    transfer, fee, charge = result.lines
    # EndToEndId NOTPROVIDED, no RltdPties: the bank's reference, no counterparty.
    assert (transfer.reference, transfer.counterparty_name, transfer.remittance_text) == (
        "ZA-1",
        "",
        "FRA 2017-0042",
    )
    # No BkTxCd, no NtryDtls: the entry's own additional information.
    assert (fee.bank_transaction_code, fee.remittance_text) == ("", "COMISION MANTENIMIENTO")
    # Only a proprietary BkTxCd; details with AddtlTxInf and no RmtInf.
    assert (charge.bank_transaction_code, charge.remittance_text) == ("NCHG", "RECIBO TELEFONO")


def test_statement_without_entries_and_zero_balance_without_indicator():
    """Stmt B: PRCD 0.00 written without CdtDbtInd, CLBD 0.00, no entry; no Acct/Ccy, so
    the currency comes from the balances."""
    result = read_bank_statement("zoned.xml", (VARIANTS / "camt053_zoned_dates.xml").read_bytes())

    second = result.statements[1]
    assert (second.account, second.currency, second.line_count) == ("0049-1500-99", "USD", 0)
    assert (second.opening_balance, second.closing_balance) == (Decimal("0.00"), Decimal("0.00"))
    assert (second.period_start, second.period_end) == (date(2017, 3, 31), date(2017, 4, 1))


def test_pages_tied_by_interim_booked_balances_and_a_closing_balance_per_day():
    """Page 1: OPBD 500.00 + 250.00 - 50.00 = 700.00, its ITBD. Page 2: ITBD 700.00 - 50.00
    = 650.00 CLBD. Two-day statement: OPBD 1000.00 on 1 May + 100.00 + 50.00 = 1150.00,
    the CLBD of the later day (2 May), not the 1100.00 of 1 May."""
    data = (VARIANTS / "camt053_interim_pages.xml").read_bytes()

    result = read_bank_statement("pages.xml", data)

    assert [(s.opening_balance, s.closing_balance) for s in result.statements] == [
        (Decimal("500.00"), Decimal("700.00")),
        (Decimal("700.00"), Decimal("650.00")),
        (Decimal("1000.00"), Decimal("1150.00")),
    ]
    assert [(line.booking_date, line.amount) for line in result.lines] == [
        (date(2017, 5, 2), Decimal("250.00")),
        (date(2017, 5, 2), Decimal("-50.00")),
        (date(2017, 5, 2), Decimal("-50.00")),
        (date(2017, 5, 1), Decimal("100.00")),
        (date(2017, 5, 2), Decimal("50.00")),
    ]
    assert len(result.notes) == 2 and all("ITBD" in note.reason for note in result.notes)


def test_interim_page_that_does_not_add_up_is_rejected():
    data = (VARIANTS / "camt053_interim_pages.xml").read_bytes().replace(b"700.00", b"700.10", 1)

    errors = _rejected(data)

    assert [(e.column, e.reason.split(":")[0]) for e in errors] == [
        ("Document/BkToCstmrStmt/Stmt[1]/Bal[CLBD]", "Document/BkToCstmrStmt/Stmt[1]")
    ]
    assert "difference 0.10" in errors[0].reason


def test_two_closing_balances_of_one_day_that_disagree_are_rejected():
    data = (VARIANTS / "camt053_interim_pages.xml").read_bytes().replace(
        b"<Dt>2017-05-01</Dt></Dt></Bal>\n      <Ntry>",
        b"<Dt>2017-05-02</Dt></Dt></Bal>\n      <Ntry>",
    )

    errors = _rejected(data)

    assert errors[0].column == "Document/BkToCstmrStmt/Stmt[3]/Bal[CLBD]"
    assert errors[0].reason == "2 CLBD balances on 2017-05-02 disagree"


def test_only_available_balances_and_no_booking_date_are_read_with_notes():
    """OPAV/CLAV only: 75.40 is kept as booked, untied; the pending 12.00 is left out; the
    entry without BookgDt is booked on its value date, 1 June."""
    data = (VARIANTS / "camt053_available_balances_only.xml").read_bytes()

    result = read_bank_statement("avail.xml", data)

    (statement,) = result.statements
    assert (statement.opening_balance, statement.closing_balance) == (None, None)
    (line,) = result.lines
    assert (line.booking_date, line.value_date, line.amount) == (
        date(2017, 6, 1),
        date(2017, 6, 1),
        Decimal("75.40"),
    )
    assert line.counterparty_name == "Ferretería Sol S.L."
    assert len(result.notes) == 2
    assert "without BookgDt" in result.notes[0].reason and "could not be tied" in result.notes[1].reason


@pytest.mark.parametrize(
    "written", ["2017-02-30+02:00", "2017-04-01+2", "01/04/2017", "2017-04-01T25", "20170401"]
)
def test_invalid_booking_date_is_rejected_naming_the_element(written):
    data = (VARIANTS / "camt053_zoned_dates.xml").read_bytes()
    data = data.replace(
        b"<BookgDt><Dt>2017-04-01+02:00</Dt>", f"<BookgDt><Dt>{written}</Dt>".encode()
    )

    errors = _rejected(data)

    assert [(e.column, e.value) for e in errors] == [
        ("Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt", written)
    ]
    assert "without a valid booking date" in errors[0].reason


@pytest.mark.parametrize("amount", ["1E+3", "1 250.00", "-1250.00", "NaN", ""])
def test_amount_that_is_not_an_xs_decimal_is_rejected(amount):
    data = (VARIANTS / "camt053_zoned_dates.xml").read_bytes()
    data = data.replace(b'<Amt Ccy="EUR">1250.00</Amt>', f'<Amt Ccy="EUR">{amount}</Amt>'.encode())

    errors = _rejected(data)

    assert errors[0].column == "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"


@pytest.mark.parametrize("declared", ["AUTF-8", "Shift_JIS"])
def test_encoding_the_xml_parser_cannot_read_is_rejected(declared):
    # Found by the property tests: an unknown encoding made the XML parser raise LookupError.
    data = _fixture("camt053_v02.xml").replace(
        b'encoding="UTF-8"', f'encoding="{declared}"'.encode()
    )

    errors = _rejected(data)

    assert [(e.line, e.column) for e in errors] == [(1, "encoding")]
    assert "XML declares an encoding that cannot be read" in errors[0].reason


def test_amounts_with_trailing_zeros_are_cents_and_sub_cent_amounts_are_rejected():
    """"1250.000" and "30.2500" are 1250.00 and 30.25 (the schema allows 5 decimals); the
    warehouse keeps cents, so "20.255" cannot be stored without rounding: refused."""
    data = (VARIANTS / "camt053_zoned_dates.xml").read_bytes()
    padded = data.replace(b">1250.00<", b">1250.000<").replace(b">30.25<", b">30.2500<")

    assert [line.amount for line in read_bank_statement("x.xml", padded).lines] == [
        Decimal("1250.00"),
        Decimal("-30.25"),
        Decimal("-20.25"),
    ]
    assert str(read_bank_statement("x.xml", padded).lines[0].amount) == "1250.00"

    errors = _rejected(data.replace(b">20.25<", b">20.255<"))
    assert [(e.column, e.value) for e in errors] == [
        ("Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt", "20.255")
    ]
    assert errors[0].reason == "more than 2 decimals, or too large (money is kept in cents)"


def test_amount_too_large_for_the_warehouse_is_rejected():
    data = (VARIANTS / "camt053_zoned_dates.xml").read_bytes()

    errors = _rejected(data.replace(b">1250.00<", b">12345678901234567.00<"))

    assert errors[0].column == "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"


def test_notification_entry_without_any_date_is_booked_on_the_day_it_was_sent():
    """A camt.054 entry with neither BookgDt nor ValDt (as some banks send): the day the
    notification was created (here only GrpHdr/CreDtTm, 2025-06-03T12:00:00) is its day;
    a note says so."""
    data = _fixture("camt054_v02.xml")
    start, end = data.index(b"<BookgDt>"), data.index(b"</ValDt>") + len(b"</ValDt>")
    undated = data[:start] + data[end:]
    assert b"<BookgDt>" not in undated and b"<CreDtTm>" in undated

    result = read_bank_statement("n.xml", undated)

    (line,) = result.lines
    sent = date(2025, 6, 3)
    assert (line.booking_date, line.value_date, line.amount) == (sent, sent, Decimal("1210.00"))
    assert any("creation date (CreDtTm)" in note.reason for note in result.notes)


def test_statement_entry_without_any_date_is_still_rejected():
    data = (VARIANTS / "camt053_zoned_dates.xml").read_bytes()
    data = data.replace(
        b"<BookgDt><Dt>2017-04-01+02:00</Dt></BookgDt>\n"
        b"        <ValDt><Dt>2017-04-03-05:00</Dt></ValDt>",
        b"",
    )

    errors = _rejected(data)

    assert [e.column for e in errors] == ["Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/BookgDt"]


def test_statement_with_an_opening_balance_only_and_no_entry():
    data = (VARIANTS / "camt053_interim_pages.xml").read_bytes()
    start = data.index(b"<Stmt>")
    end = data.index(b"</Stmt>") + len(b"</Stmt>")
    page = data[start:end]
    page = page[: page.index(b"<Bal><Tp><CdOrPrtry><Cd>ITBD")] + b"</Stmt>"
    only_opening = data[:start] + page + data[data.rindex(b"</BkToCstmrStmt>") :]

    result = read_bank_statement("x.xml", only_opening)

    (statement,) = result.statements
    assert (statement.period_start, statement.period_end) == (date(2017, 5, 2), date(2017, 5, 2))
    assert (statement.opening_balance, statement.closing_balance, statement.line_count) == (
        Decimal("500.00"),
        None,
        0,
    )
    assert "no booked closing (CLBD) balance" in result.notes[0].reason


@pytest.mark.parametrize(
    "net",
    [
        b"<TtlNetNtryAmt>109.25</TtlNetNtryAmt><CdtDbtInd>CRDT</CdtDbtInd>",  # .001.02
        b"<TtlNetNtry><Amt>109.25</Amt><CdtDbtInd>CRDT</CdtDbtInd></TtlNetNtry>",  # .001.03+
    ],
)
def test_net_total_of_the_summary_is_checked(net):
    """+1210.00 - 350.75 - 750.00 = +109.25 net: as stated, the file reads; 109.20 is off
    by 0.05, and a debit net of 109.25 by 218.50."""
    data = _fixture("camt053_v02.xml").replace(b"<Sum>2310.75</Sum>", b"<Sum>2310.75</Sum>" + net)

    assert len(read_bank_statement("x.xml", data).lines) == 3

    errors = _rejected(data.replace(b"109.25", b"109.20"))
    assert [(e.value, e.reason) for e in errors] == [
        ("109.20", "states a net 109.20 but the booked entries net 109.25 (difference -0.05)")
    ]
    assert errors[0].column.startswith("Document/BkToCstmrStmt/Stmt[1]/TxsSummry/TtlNtries/")

    errors = _rejected(data.replace(net, net.replace(b"CRDT", b"DBIT")))
    assert [e.reason for e in errors] == [
        "states a net -109.25 but the booked entries net 109.25 (difference -218.50)"
    ]
