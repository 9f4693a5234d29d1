"""Encodings, delimiters, number formats and header spelling of CSV exports."""

from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from orchestration.readers import ExportError, read_export, staged_export

CLIENTS_HEADER = "client_id,tax_id,legal_name,country,payment_terms_days,currency,updated_at"


def test_semicolon_latin1_file_with_decimal_comma_and_thousands_dots(fixture_bytes):
    rows = read_export("clients", "clients_latin1.csv", fixture_bytes("clients_latin1.csv"))

    assert [row["legal_name"] for row in rows] == [
        "Muñoz y Peña S.L.",
        "Cañas Ibáñez S.A.",
        "Frutas Núñez",
    ]
    assert [row["credit_limit"] for row in rows] == [
        Decimal("1234.56"),
        Decimal("250000.00"),
        Decimal("1000000.50"),
    ]
    assert [row["updated_at"] for row in rows] == [
        datetime(2025, 3, 14, 0, 0),
        datetime(2025, 3, 15, 10, 30),
        datetime(2025, 3, 16, 7, 5, 9),
    ]
    assert rows[1]["country"] == "ES"
    assert [row["_line_number"] for row in rows] == [2, 3, 4]


def test_windows_1252_only_characters_are_read():
    # 0x80 is the euro sign in Windows-1252 and a control code in Latin-1.
    data = (CLIENTS_HEADER + "\nC1,B1,Caf\xe9 \x80uropa,ES,30,EUR,2025-01-01\n").encode("latin-1")

    [row] = read_export("clients", "clients.csv", data)

    assert row["legal_name"] == "Café €uropa"


def test_utf8_with_bom():
    data = ("\ufeff" + CLIENTS_HEADER + "\nC1,B1,Añil S.L.,ES,30,EUR,2025-01-01\n").encode("utf-8")

    [row] = read_export("clients", "clients.csv", data)

    assert row["client_id"] == "C1"
    assert row["legal_name"] == "Añil S.L."


def test_comma_file_reads_thousands_commas_inside_quotes():
    data = (
        "receipt_id,client_id,date,currency,amount\n"
        'R1,C1,2025-01-01,EUR,"1,234.56"\n'
        'R2,C1,2025-01-01,EUR,"1,234,567"\n'
    ).encode()

    rows = read_export("receipts", "receipts.csv", data)

    assert [row["amount"] for row in rows] == [Decimal("1234.56"), Decimal("1234567.00")]


def test_headers_match_in_any_case_with_spaces_and_unknown_columns_are_ignored():
    data = (
        " Receipt_ID ;NOTES; AMOUNT;Currency;DATE;client_id\n"
        "R1;whatever;12,5;eur;01/02/2025;C1\n"
    ).encode()

    [row] = read_export("receipts", "receipts_2025-02-01.csv", data)

    assert row == {
        "receipt_id": "R1",
        "client_id": "C1",
        "date": datetime(2025, 2, 1).date(),
        "currency": "EUR",
        "amount": Decimal("12.50"),
        "method": None,
        "reference": None,
        "_line_number": 2,
    }


def test_line_numbers_count_blank_lines_and_quoted_line_breaks():
    data = (
        "client_id,tax_id,legal_name,country,payment_terms_days,currency,updated_at,address\n"
        "\n"
        'C1,B1,Uno,ES,30,EUR,2025-01-01,"Calle Mayor 1\nZaragoza"\n'
        ",,,,,,,\n"
        "C2,B2,Dos,ES,30,EUR,2025-01-01,\r\n"
    ).encode()

    rows = read_export("clients", "clients.csv", data)

    assert rows[0]["address"] == "Calle Mayor 1\nZaragoza"
    assert [row["_line_number"] for row in rows] == [3, 6]


def test_a_header_after_more_than_a_thousand_blank_lines_is_found():
    """The header is looked for among the first 1,000 lines, then in the whole file."""
    data = ("\n" * 1_200 + CLIENTS_HEADER + "\nC1,B1,Uno,ES,30,EUR,2025-01-01\n").encode()

    rows = read_export("clients", "clients.csv", data)

    assert [(row["client_id"], row["_line_number"]) for row in rows] == [("C1", 1_202)]


def large_receipts_file(path, lines: int, bad_line: int | None = None) -> None:
    """A receipts export without quotes: line n (from 2) is receipt R<n> of n cents, a
    blank line after the header and every 100,000th line; `bad_line`'s amount unreadable."""
    out = ["receipt_id,client_id,date,currency,amount,method,reference", ""]
    for line in range(3, lines + 1):
        if line % 100_000 == 0:
            out.append("")
        else:
            amount = "12.3x" if line == bad_line else f"{line // 100}.{line % 100:02d}"
            out.append(f"R{line},C1,2025-01-01,EUR,{amount},transfer,F-{line}")
    path.write_text("\n".join(out) + "\n")


def test_a_large_file_read_by_several_threads_keeps_its_line_numbers(tmp_path):
    # 500,000 lines (about 20 MB) are read by DuckDB in parallel on a connection of two
    # threads, as the loader's: every row keeps the physical line it came from.
    path = tmp_path / "receipts.csv"
    large_receipts_file(path, 500_000)
    conn = duckdb.connect(config={"threads": 2})

    with staged_export(conn, "receipts", path, path.name) as staged:
        rows = conn.execute(
            f"select _line_number, receipt_id, amount from {staged.relation} "
            "where _line_number in (3, 99_999, 100_001, 250_000, 499_999, 500_000) order by _line_number"
        ).fetchall()
        mismatched = conn.execute(
            f"select count(*) from {staged.relation} where receipt_id <> 'R' || _line_number"
        ).fetchall()[0][0]

    assert rows == [
        (3, "R3", Decimal("0.03")),
        (99_999, "R99999", Decimal("999.99")),
        (100_001, "R100001", Decimal("1000.01")),
        (250_000, "R250000", Decimal("2500.00")),
        (499_999, "R499999", Decimal("4999.99")),
    ]
    assert staged.rows == 500_000 - 2 - 5  # header, blank line 2, blank lines 100,000 to 500,000
    assert mismatched == 0


def test_a_bad_value_deep_in_a_large_file_is_reported_at_its_line(tmp_path):
    path = tmp_path / "receipts.csv"
    large_receipts_file(path, 400_000, bad_line=387_654)
    conn = duckdb.connect(config={"threads": 2})

    with pytest.raises(ExportError) as raised:
        with staged_export(conn, "receipts", path, path.name):
            pass

    [problem] = raised.value.errors
    assert (problem.line, problem.column, problem.value) == (387_654, "amount", "12.3x")


def test_booleans_in_every_accepted_spelling():
    header = (
        "document_id,type,number,client_id,issue_date,due_date,currency,net,tax,total,"
        "status,updated_at,in_dispute\n"
    )
    spellings = ["true", "FALSE", "1", "0", "yes", "No", "sí", "SI", "no", ""]
    lines = [
        f"D{i},invoice,N{i},C1,2025-01-01,2025-01-31,EUR,10,0,10,issued,2025-01-01,{word}"
        for i, word in enumerate(spellings)
    ]
    data = (header + "\n".join(lines) + "\n").encode("utf-8")

    rows = read_export("documents", "documents.csv", data)

    assert [row["in_dispute"] for row in rows] == [
        True, False, True, False, True, False, True, True, False, False,
    ]  # fmt: skip
