"""What makes a large camt file cheaper to read changes nothing read from it: documents
with a single default namespace parse with local names straight away
(camt._without_default_namespace) and read exactly as through the renaming pass; the
garbage collector paused during the read is left as it was found."""

import gc
from pathlib import Path

import pytest

from orchestration.readers.bank import camt, read_bank_statement
from orchestration.readers.errors import ExportError

ROOT = Path(__file__).parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
CAMT_FILES = sorted(
    [
        *FIXTURES.glob("camt05*.xml"),
        *FIXTURES.glob("variants/camt053_*.xml"),
        *(ROOT / "tests" / "fixtures" / "bank_inbox").glob("*.xml"),
        *sorted((ROOT / "seeds" / "demo").glob("bank_camt053_*.xml"))[:3],
    ]
)
DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>'
    b"<Stmt><Ntry><AddtlNtryInf>{text}</AddtlNtryInf></Ntry></Stmt></BkToCstmrStmt></Document>"
)


def _read_both_ways(data: bytes, monkeypatch):
    """(reading with the shortcut, reading through the renaming pass): each the file or
    its rejection's problems."""

    def read():
        try:
            result = read_bank_statement("x.xml", data)
        except ExportError as error:
            return error.errors
        return result.statements, result.line_columns, result.notes

    fast = read()
    with monkeypatch.context() as patched:
        patched.setattr(camt, "_without_default_namespace", lambda data: None)
        renamed = read()
    return fast, renamed


@pytest.mark.parametrize("path", CAMT_FILES, ids=lambda path: path.name)
def test_every_camt_file_reads_the_same_both_ways(path, monkeypatch):
    fast, renamed = _read_both_ways(path.read_bytes(), monkeypatch)

    assert fast == renamed


def test_the_demo_statements_take_the_shortcut_and_a_prefixed_document_does_not():
    demo = sorted((ROOT / "seeds" / "demo").glob("bank_camt053_*.xml"))[0].read_bytes()
    assert camt._without_default_namespace(demo).count(b"xmlns") == 0
    # xmlns:xsi beside the default namespace: two declarations, renamed as before.
    assert camt._without_default_namespace((FIXTURES / "camt053_v02.xml").read_bytes()) is None


def test_xmlns_in_a_text_is_never_blanked():
    """The word in a remittance text, and no declaration at all: left as it is."""
    data = DOCUMENT.replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"', b"")
    data = data.replace(b"{text}", b'pago xmlns="x" factura 7')

    assert camt._without_default_namespace(data) is None
    assert camt._parse(data).find("BkToCstmrStmt/Stmt/Ntry/AddtlNtryInf").text == 'pago xmlns="x" factura 7'


def test_a_malformed_document_reports_the_same_position_both_ways(monkeypatch):
    data = DOCUMENT.replace(b"{text}", b"pago</Ntry>")  # a closing tag that does not match

    fast, renamed = _read_both_ways(data, monkeypatch)

    assert fast == renamed and "line 2" in fast[0].reason


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collection_is_left_as_it_was(enabled):
    data = (FIXTURES / "camt053_v08.xml").read_bytes()
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        read_bank_statement("x.xml", data)
        read_bank_statement("x.xml", b"<Document><BkToCstmrStmt><Stmt>")  # rejected: truncated
    except ExportError:
        pass
    finally:
        now = gc.isenabled()
        (gc.enable if was else gc.disable)()
    assert now is enabled
