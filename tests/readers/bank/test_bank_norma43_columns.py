"""Norma 43 read as columns (norma43_columns.py) gives what the record-by-record reading
gives: the same statements and lines on every real file, and on a file it cannot take
whole (a bad field, a wrong record, a short line, figures that do not tie) it steps aside
so the bookkeeper gets the same report, naming line, field and value.

The equivalence is checked on the readers' own outputs: `_read_records` is the record-by-
record reading, `read_regular_norma43` the columnar one, both on the same decoded text.
"""

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.demo_bank import Movement, norma43_file
from orchestration.readers.bank import read_bank_statement
from orchestration.readers.bank.common import decode_bank_text, without_end_of_file_mark
from orchestration.readers.bank.model import line_table
from orchestration.readers.bank.norma43 import _read_records
from orchestration.readers.bank.norma43_columns import read_regular_norma43
from orchestration.readers.errors import ExportError, ProblemLog

ROOT = Path(__file__).parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
TWO_ACCOUNTS = FIXTURES / "cuenta_dos_cuentas.n43"
# Every Norma 43 file the project holds: the hand-made fixtures and the demo's statements.
REAL_FILES = sorted(
    [*FIXTURES.glob("*.n43"), *FIXTURES.glob("variants/n43_*.n43"), *(ROOT / "seeds" / "demo").glob("*.n43")]
)


def _text(data: bytes) -> str:
    return without_end_of_file_mark(decode_bank_text(data, []))


def _by_records(data: bytes):
    problems = ProblemLog()
    statements, lines = _read_records(_text(data), problems, [])
    return statements, line_table(lines), problems.errors


def _records() -> list[str]:
    return TWO_ACCOUNTS.read_bytes().decode("latin-1").split("\r\n")[:-1]


def _file(records: list[str]) -> bytes:
    return ("\r\n".join(records) + "\r\n").encode("latin-1")


def _replace(records: list[str], index: int, start: int, text: str) -> list[str]:
    """`records` with record `index` overwritten from 1-based position `start`."""
    changed = list(records)
    changed[index] = changed[index][: start - 1] + text + changed[index][start - 1 + len(text) :]
    return changed


def test_the_project_holds_real_norma43_files_to_compare_on():
    assert len(REAL_FILES) >= 20 and TWO_ACCOUNTS in REAL_FILES


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: path.name)
def test_columns_equal_the_record_by_record_reading_on_every_real_file(path):
    data = path.read_bytes()
    statements, lines, errors = _by_records(data)
    assert not errors

    regular = read_regular_norma43(_text(data))

    if path.name == "n43_two_files_joined.n43":
        # Two files joined into one and six 23 records: read record by record, with notes.
        assert regular is None
        assert len(read_bank_statement(path.name, data).notes) == 2
        return
    assert regular is not None
    assert regular[0] == statements
    assert regular[1].equals(lines)
    assert read_bank_statement(path.name, data).line_columns.equals(lines)


def test_the_two_accounts_file_read_as_columns_ties_out_by_hand():
    """Account 1: 1,234.56 + 1,210.00 - 350.75 + 2,000.00 = 4,093.81; account 2 (USD):
    -500.00 + 800.00 - 12.50 = 287.50; their lines on physical lines 2, 5, 7, 11 and 14."""
    statements, lines = read_regular_norma43(_text(TWO_ACCOUNTS.read_bytes()))

    assert [(s.opening_balance, s.closing_balance, s.line_count) for s in statements] == [
        (Decimal("1234.56"), Decimal("4093.81"), 3),
        (Decimal("-500.00"), Decimal("287.50"), 2),
    ]
    assert lines["amount"].to_pylist() == [
        Decimal("1210.00"),
        Decimal("-350.75"),
        Decimal("2000.00"),
        Decimal("800.00"),
        Decimal("-12.50"),
    ]
    assert lines["source_line"].to_pylist() == [2, 5, 7, 11, 14]
    assert lines["currency"].to_pylist() == ["EUR"] * 3 + ["USD"] * 2
    assert lines["remittance_text"][0].as_py() == (
        "FRA-2025-0042 TRANSFERENCIA DE ACME IBÉRICA S.L. ORDENANTE ES7620770024003102575766 "
        "FACTURA F-2025-0042"
    )
    assert lines["reference"][0].as_py() == "123 B12345678"


def test_large_amounts_stay_exact_to_the_cent():
    """987,654,321,098.76 in, 0.01 out: 0 + 987,654,321,098.76 - 0.01 = 987,654,321,098.75,
    every digit kept (a float would lose the cents of such an amount)."""
    movements = [
        Movement(date(2025, 6, 2), date(2025, 6, 2), Decimal("987654321098.76"), "transfer", reference="A"),
        Movement(date(2025, 6, 3), date(2025, 6, 3), Decimal("-0.01"), "fee", reference="B"),
    ]
    data = norma43_file(("2100", "0418", "0200051332"), date(2025, 6, 1), date(2025, 6, 30), Decimal("0"), movements)

    statements, lines = read_regular_norma43(_text(data))

    assert lines["amount"].to_pylist() == [Decimal("987654321098.76"), Decimal("-0.01")]
    assert statements[0].closing_balance == Decimal("987654321098.75")
    assert lines.equals(_by_records(data)[1])


# --- what the columnar reading does not take: the record-by-record report, unchanged -----


def _report(records: list[str]) -> list[tuple[int, str, str]]:
    """(line, field, value) of every problem: the columnar reading stepped aside."""
    data = _file(records)
    assert read_regular_norma43(_text(data)) is None
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.n43", data)
    assert caught.value.errors == sorted(_by_records(data)[2], key=lambda error: error.line)
    return [(error.line, error.column, error.value) for error in caught.value.errors]


def test_a_bad_amount_is_reported_on_its_line():
    records = _replace(_records(), 4, 29, "0000000035O075")  # a letter O in movement 2's amount

    report = _report(records)

    assert report[0] == (5, "amount", "0000000035O075")


def test_a_wrong_record_type_is_reported_on_its_line():
    records = _replace(_records(), 2, 1, "25")

    assert _report(records) == [(3, "record", "25")]


def test_a_short_line_cut_inside_its_amount_is_reported_on_its_line():
    records = _records()
    records[1] = records[1][:38]  # movement 1's amount (29-42) loses its last 4 digits

    report = _report(records)

    assert report[0] == (2, "amount", "0000000012    ")


def test_a_closing_balance_that_does_not_tie_is_reported_with_the_difference():
    """Stated 4,094.81; 1,234.56 + 1,210.00 - 350.75 + 2,000.00 = 4,093.81: difference 1.00."""
    records = _replace(_records(), 8, 60, "00000000409481")

    assert _report(records) == [(9, "final_balance", "4094.81")]
    with pytest.raises(ExportError) as caught:
        read_bank_statement("extracto.n43", _file(records))
    assert "difference 1.00" in caught.value.errors[0].reason


def test_a_wrong_count_in_record_88_is_reported():
    assert _report(_replace(_records(), 15, 21, "000016")) == [(16, "number_of_records", "000016")]


def test_any_one_character_changed_reads_the_same_both_ways():
    """300 files, each the two-account file with one character replaced (seeded): where the
    columnar reading takes a file, the record-by-record reading takes it too and gives the
    same statements and lines; where it steps aside, the report is the record reading's."""
    original = _records()
    rng = random.Random(17)
    alphabet = "0123456789 12-AZ\t\xa0É"
    taken = 0
    for _ in range(300):
        index = rng.randrange(len(original))
        position = rng.randrange(1, 81)
        records = _replace(original, index, position, rng.choice(alphabet))
        data = _file(records)
        regular = read_regular_norma43(_text(data))
        statements, lines, errors = _by_records(data)
        if regular is not None:
            taken += 1
            assert not errors, (index, position, records[index])
            assert regular[0] == statements and regular[1].equals(lines), (index, position)
    # Changes inside texts and references are taken; changes to figures and codes are not.
    assert 30 < taken < 270
