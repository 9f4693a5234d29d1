"""Invalid exports are rejected whole, each problem named by line, column, value and reason."""

import pytest

from orchestration.readers import read_export

CLIENTS_HEADER = "client_id,tax_id,legal_name,country,payment_terms_days,currency,updated_at\n"
GOOD_CLIENT = "C1,B1,Uno S.L.,ES,30,EUR,2025-01-01T10:00:00\n"
DOCUMENTS_HEADER = (
    "document_id,type,number,client_id,issue_date,due_date,currency,"
    "net,tax,withholding,total,status,updated_at,early_discount_pct,early_discount_days\n"
)
GOOD_DOCUMENT = (
    "D1,invoice,F-1,C1,2025-03-14,2025-05-13,EUR,1000.00,210.00,150.00,1060.00,issued,"
    "2025-03-14T18:00:00,,\n"
)


def _one(errors):
    assert len(errors) == 1, errors
    return errors[0]


def test_missing_required_column_is_reported_once_on_the_header(rejection):
    data = (
        "client_id,legal_name,country,payment_terms_days,currency,updated_at\n"
        "C1,Uno,ES,30,EUR,2025-01-01\n"
        "C2,Dos,ES,30,EUR,2025-01-01\n"
    ).encode()

    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.column, error.value, error.reason) == (
        1, "tax_id", "", "required column missing",
    )  # fmt: skip


def test_required_value_empty(rejection):
    data = (CLIENTS_HEADER + "C1,B1,  ,ES,30,EUR,2025-01-01\n").encode()

    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.column, error.value) == (2, "legal_name", "")
    assert "required value is empty" in error.reason


@pytest.mark.parametrize(
    ("column", "bad_value", "reason"),
    [
        ("issue_date", "2025-02-30", "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
        ("issue_date", "03/14/2025", "not a date"),
        ("updated_at", "2025-03-14T25:00:00", "not a timestamp"),
        ("net", "1.000.00", "not a number (expected 1234.56 or 1,234.56)"),
        ("net", "", "required value is empty"),
        ("net", "1000.005", "more than 2 decimals"),
        ("net", "-1000.00", "negative amount"),
        ("type", "bill", "not allowed (expected one of: invoice, credit_note, debit_note)"),
        ("status", "paid", "not allowed (expected one of: issued, void)"),
        ("currency", "EURO", "not a currency code"),
        ("currency", "€", "not a currency code"),
        ("early_discount_pct", "101", "must be at most 100"),
        ("early_discount_days", "ten", "not a whole number"),
        ("early_discount_days", "-1", "must be at least 0"),
    ],
)
def test_unparseable_or_disallowed_document_values(rejection, column, bad_value, reason):
    columns = DOCUMENTS_HEADER.strip().split(",")
    values = GOOD_DOCUMENT.strip().split(",")
    values[columns.index("early_discount_pct")] = "3"
    values[columns.index("early_discount_days")] = "10"
    values[columns.index(column)] = bad_value
    data = (DOCUMENTS_HEADER + ",".join(values) + "\n").encode()

    error = _one(rejection("documents", "documents.csv", data))

    assert (error.line, error.column, error.value) == (2, column, bad_value)
    assert reason in error.reason


@pytest.mark.parametrize(
    ("entity", "header", "row", "column", "value", "reason"),
    [
        ("clients", CLIENTS_HEADER, "C1,B1,Uno,ESP,30,EUR,2025-01-01\n", "country", "ESP",
         "not a country code"),
        ("clients", CLIENTS_HEADER, "C1,B1,Uno,ES,-30,EUR,2025-01-01\n", "payment_terms_days",
         "-30", "must be at least 0"),
        ("clients", CLIENTS_HEADER, "C1,B1,Uno,ES,30.5,EUR,2025-01-01\n", "payment_terms_days",
         "30.5", "not a whole number"),
        ("installments", "document_id,installment_no,due_date,amount\n", "D1,0,2025-04-13,10.00\n",
         "installment_no", "0", "must be at least 1"),
        ("installments", "document_id,installment_no,due_date,amount\n", "D1,1,2025-04-13,0.00\n",
         "amount", "0.00", "must be greater than 0"),
        ("receipts", "receipt_id,client_id,date,currency,amount\n", "R1,C1,2025-05-20,EUR,-5\n",
         "amount", "-5", "negative amount"),
        ("receipts", "receipt_id,client_id,date,currency,amount\n", "R1,C1,2025-05-20,EUR,-0.00\n",
         "amount", "-0.00", "negative amount"),
        ("receipts", "receipt_id,client_id,date,currency,amount\n",
         "R1,C1,2025-05-20,EUR,1" + "0" * 30 + "\n", "amount", "1" + "0" * 30, "amount too large"),
        # DECIMAL(18, 2) holds 16 digits before the point: 10^16 does not fit.
        ("receipts", "receipt_id,client_id,date,currency,amount\n",
         "R1,C1,2025-05-20,EUR,1" + "0" * 16 + "\n", "amount", "1" + "0" * 16, "amount too large"),
        ("documents", DOCUMENTS_HEADER,
         "D1,invoice,F-1,C1,2025-03-14,2025-05-13,EUR,1000.00,210.00,150.00,1060.00,issued,"
         "2025-03-14T18:00:00,2.1234567,10\n", "early_discount_pct", "2.1234567", "more than 6 decimals"),
        ("allocations", "receipt_id,document_id,installment_no,amount\n", "R1,D1,x,5\n",
         "installment_no", "x", "not a whole number"),
        ("withholdings", "document_id,type,amount,certificate_number,date\n",
         "D1,IRPF,15.001,,2025-06-30\n", "amount", "15.001", "more than 2 decimals"),
        ("documents", "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,"
         "total,status,updated_at,in_dispute\n",
         "D1,invoice,F1,C1,2025-01-01,2025-01-31,EUR,10,0,10,issued,2025-01-01,maybe\n",
         "in_dispute", "maybe", "not a boolean"),
    ],
)  # fmt: skip
def test_value_rules_of_every_entity(rejection, entity, header, row, column, value, reason):
    error = _one(rejection(entity, f"{entity}.csv", (header + row).encode()))

    assert (error.line, error.column, error.value) == (2, column, value)
    assert reason in error.reason


def test_semicolon_file_refuses_a_decimal_point(rejection):
    data = b"receipt_id;client_id;date;currency;amount\nR1;C1;2025-05-20;EUR;12.5\n"

    error = _one(rejection("receipts", "receipts.csv", data))

    assert (error.line, error.column, error.value) == (2, "amount", "12.5")
    assert "not a number (expected 1234,56 or 1.234,56)" in error.reason


def test_due_date_before_issue_date(rejection):
    row = GOOD_DOCUMENT.replace("2025-05-13", "2025-03-13")
    error = _one(rejection("documents", "documents.csv", (DOCUMENTS_HEADER + row).encode()))

    assert (error.line, error.column, error.value) == (2, "due_date", "2025-03-13")
    assert "before issue_date 2025-03-14" in error.reason


def test_total_must_equal_net_plus_tax_minus_withholding(rejection):
    row = GOOD_DOCUMENT.replace("1060.00", "1060.01")
    error = _one(rejection("documents", "documents.csv", (DOCUMENTS_HEADER + row).encode()))

    assert (error.line, error.column, error.value) == (2, "total", "1060.01")
    assert error.reason == "total 1060.01 != net + tax - withholding = 1060.00"


def test_total_without_withholding_column_counts_withholding_as_zero(rejection):
    data = (
        "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,total,status,updated_at\n"
        "D1,invoice,F-1,C1,2025-03-14,2025-05-13,EUR,1000.00,210.00,1060.00,issued,2025-03-14\n"
    ).encode()

    error = _one(rejection("documents", "documents.csv", data))

    assert error.reason == "total 1060.00 != net + tax - withholding = 1210.00"


def test_early_discount_pct_needs_days(rejection):
    row = GOOD_DOCUMENT.replace(",,\n", ",3,\n")
    error = _one(rejection("documents", "documents.csv", (DOCUMENTS_HEADER + row).encode()))

    assert (error.line, error.column, error.value) == (2, "early_discount_days", "")
    assert "required when early_discount_pct is given" in error.reason


def test_duplicate_key_within_the_file(rejection):
    data = (
        "document_id,installment_no,due_date,amount\n"
        "D1,1,2025-04-13,10.00\n"
        "D1,2,2025-05-13,10.00\n"
        "D2,1,2025-05-13,10.00\n"
        "D1,1,2025-06-13,10.00\n"
    ).encode()

    error = _one(rejection("installments", "installments.csv", data))

    assert (error.line, error.column, error.value) == (5, "document_id", "D1")
    assert "duplicate key (document_id, installment_no)" in error.reason
    assert "also on line 2" in error.reason


def test_duplicate_key_compares_typed_values(rejection):
    # The same timestamp written two ways is the same version of the client.
    data = (
        CLIENTS_HEADER
        + "C1,B1,Uno,ES,30,EUR,14/03/2025\n"
        + "C1,B1,Uno,ES,30,EUR,2025-03-14 00:00:00\n"
    ).encode()

    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.column) == (3, "client_id")
    assert "(client_id, updated_at) = (C1, 2025-03-14T00:00:00) also on line 2" in error.reason


def test_every_bad_row_is_reported_in_line_order(rejection):
    data = (
        CLIENTS_HEADER
        + GOOD_CLIENT
        + "C2,B2,Dos,ES,thirty,EUR,2025-01-01\n"
        + GOOD_CLIENT.replace("C1", "C3")
        + "C4,B4,Cuatro,XX1,30,EURO,2025-01-01\n"
        + "C5,B5,,ES,30,EUR,someday\n"
        + GOOD_CLIENT
    ).encode()

    errors = rejection("clients", "clients.csv", data)

    assert [(e.line, e.column, e.value) for e in errors] == [
        (3, "payment_terms_days", "thirty"),
        (5, "country", "XX1"),
        (5, "currency", "EURO"),
        (6, "legal_name", ""),
        (6, "updated_at", "someday"),
        (7, "client_id", "C1"),
    ]


def test_values_beyond_the_last_column_reveal_an_unquoted_delimiter(rejection):
    data = (
        "receipt_id,client_id,date,currency,amount,method,reference\n"
        "R1,C1,2025-05-20,EUR,10.00,transfer,Invoice 1, and 2\n"
    ).encode()

    error = _one(rejection("receipts", "receipts.csv", data))

    assert (error.line, error.column, error.value) == (2, "", "and 2")
    assert "beyond the last named column" in error.reason


def test_repeated_column_in_header(rejection):
    data = b"receipt_id,client_id,date,currency,amount,Amount\nR1,C1,2025-05-20,EUR,10.00,11.00\n"

    error = _one(rejection("receipts", "receipts.csv", data))

    assert (error.line, error.column, error.value) == (1, "amount", "Amount")
    assert "column appears twice (columns 5 and 6)" in error.reason


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\n \n,,,\n", "empty file"),
    ],
)
def test_empty_files(rejection, data, reason):
    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.column, error.value) == (0, "", "")
    assert reason in error.reason


@pytest.mark.parametrize("data", [CLIENTS_HEADER.encode(), CLIENTS_HEADER.encode() + b"\n\n"])
def test_a_header_alone_is_a_valid_empty_export(data):
    """A day without new clients (or receipts) is an export of no rows, not an error."""
    assert read_export("clients", "clients.csv", data) == []


def test_a_header_alone_still_needs_the_required_columns(rejection):
    error = _one(rejection("clients", "clients.csv", CLIENTS_HEADER.replace("legal_name,", "").encode()))

    assert (error.line, error.column, error.reason) == (1, "legal_name", "required column missing")


def test_unknown_columns_are_reported_as_schema_drift_and_the_file_loads():
    warnings = []
    rows = read_export("clients", "clients.csv", CLIENTS_HEADER.replace("\n", ",Notes,Region\n").encode(), warnings)

    assert rows == []
    [warning] = warnings
    assert (warning.line, warning.column) == (1, "Notes, Region")
    assert "not in the clients contract" in warning.reason and "schema drift" in warning.reason


def test_undecodable_bytes(rejection):
    # 0x81 is defined neither in UTF-8 (as a lead byte) nor in Windows-1252.
    data = CLIENTS_HEADER.encode() + b"C1,B1,Uno \x81,ES,30,EUR,2025-01-01\n"

    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.column) == (0, "")
    assert "undecodable bytes" in error.reason
    assert "0x81" in error.reason


def test_utf16_with_its_byte_order_mark_is_read():
    """Excel's "Unicode text" export: UTF-16 with a BOM (Python's utf-16 codec writes one)."""
    data = (CLIENTS_HEADER + GOOD_CLIENT.replace("Uno", "Uño")).encode("utf-16")

    [row] = read_export("clients", "clients.csv", data)

    assert row["legal_name"] == "Uño S.L."


def test_utf16_without_byte_order_mark_is_refused(rejection):
    data = (CLIENTS_HEADER + GOOD_CLIENT).encode("utf-16-le")

    error = _one(rejection("clients", "clients.csv", data))

    assert error.line == 0
    assert "NUL bytes; UTF-16 needs its byte-order mark" in error.reason


def test_a_tab_delimited_file_is_refused_by_name(rejection):
    data = (CLIENTS_HEADER + GOOD_CLIENT).replace(",", "\t").encode()

    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.reason) == (1, "the header is split by tabs; exports are delimited by , or ;")


def test_quote_never_closed(rejection):
    data = (CLIENTS_HEADER + GOOD_CLIENT + 'C2,B2,"Dos,ES,30,EUR,2025-01-01\n' + GOOD_CLIENT).encode()

    error = _one(rejection("clients", "clients.csv", data))

    assert (error.line, error.column) == (3, "")
    assert "malformed CSV" in error.reason


def test_unsupported_extension(rejection):
    error = _one(rejection("clients", "clients.xls", b"anything"))

    assert error.line == 0
    assert "unsupported file type '.xls'" in error.reason


def test_unknown_entity_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown entity 'invoices'"):
        read_export("invoices", "invoices.csv", b"a\n1\n")


def test_a_quoted_file_with_a_line_break_in_a_value_reports_the_physical_lines_of_bad_rows(rejection):
    """Every value quoted (as DuckDB's COPY writes them), an address over two lines
    (lines 3-4) and a blank line 5: the bad rows are worded from their own text at the
    lines a reader counts, 6 and 8, each with its column and value; a duplicate key is
    found among the typed rows and named with the line it repeats (3)."""
    data = (
        '"client_id","tax_id","legal_name","country","payment_terms_days","currency","updated_at","address"\n'
        '"C1","B1","Uno S.L.","ES","30","EUR","2025-01-01T10:00:00",""\n'
        '"C2","B2","Dos S.L.","ES","30","EUR","2025-01-01T10:00:00","Calle Mayor 1\n'
        'Zaragoza"\n'
        "\n"
        '"C3","B3","Tres S.L.","ES","treinta","EUR","2025-01-01T10:00:00",""\n'
        '"C4","B4","Cuatro S.L.","ES","30","EUR","2025-01-01T10:00:00",""\n'
        '"C5","B5","Cinco S.L.","ESP","30","EUR","2025-01-01T10:00:00",""\n'
        '"C2","B2","Dos S.L.","ES","30","EUR","2025-01-01T10:00:00",""\n'
    ).encode()

    errors = rejection("clients", "clients.csv", data)

    assert [(error.line, error.column, error.value) for error in errors] == [
        (6, "payment_terms_days", "treinta"),
        (8, "country", "ESP"),
        (9, "client_id", "C2"),
    ]
    assert errors[0].reason == "not a whole number"
    assert errors[2].reason.endswith("also on line 3")
