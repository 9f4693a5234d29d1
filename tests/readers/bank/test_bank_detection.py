"""Formats are told by content; what no reader claims is rejected with a clear reason."""

import pytest

from orchestration.readers.bank import detect_bank_format, read_bank_statement
from orchestration.readers.errors import ExportError


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"client_id,tax_id\nC1,B1\n",
        b"<html><body>not a statement</body></html>",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>',
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_not_a_bank_statement(data):
    assert detect_bank_format("extracto.n43", data) is None
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.n43", data)
    assert len(caught.value.errors) == 1


def test_unknown_format_reason_names_the_formats():
    with pytest.raises(ExportError) as caught:
        read_bank_statement("x.txt", b"hello\n")
    assert "unrecognised bank statement format" in caught.value.errors[0].reason
    assert "x.txt was rejected whole" in caught.value.report()


def test_utf16_reason_names_the_encoding():
    with pytest.raises(ExportError) as caught:
        read_bank_statement("x.txt", "11 whatever".encode("utf-16"))
    assert "UTF-16" in caught.value.errors[0].reason


def test_extension_is_not_what_decides():
    mt940 = b":20:REF\r\n:25:123\r\n:28C:1\r\n:60F:C250101EUR1,00\r\n:62F:C250101EUR1,00\r\n-\r\n"
    assert detect_bank_format("extracto.xml", mt940) == "mt940"
    assert detect_bank_format("extracto.csv", b"\xef\xbb\xbfOFXHEADER:100\r\n") == "ofx"
