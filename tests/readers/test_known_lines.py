"""A full snapshot repeats most lines of the one before: staged_export takes a line whose
fingerprint a known row has from that row instead of reading it again; every other line
is read and checked as always."""

from decimal import Decimal

import duckdb
import pytest

from orchestration.readers import ExportError
from orchestration.readers.staged_export import staged_export

HEADER = "receipt_id,client_id,date,currency,amount,method,reference\n"
R1 = "R1,C1,2025-04-05,EUR,500.00,transfer,F-001\n"
R2 = "R2,C1,2025-06-20,EUR,300.00,transfer,\n"


def staged_rows(conn, path, known=None):
    with staged_export(conn, "receipts", path, path.name, known=known) as staged:
        return conn.execute(
            f"select receipt_id, amount, reference, _line_number, _line_fingerprint from {staged.relation} order by 4"
        ).fetchall()


@pytest.fixture
def conn():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture
def first(conn, tmp_path) -> list[tuple]:
    """The rows of a first export of R1 and R2, kept as the known rows."""
    path = tmp_path / "receipts.csv"
    path.write_text(HEADER + R1 + R2, encoding="utf-8")
    with staged_export(conn, "receipts", path, path.name) as staged:
        conn.execute(f"create table known as select * exclude (_line_number) from {staged.relation}")
    return conn.execute("select receipt_id, _line_fingerprint from known order by 1").fetchall()


def test_the_same_lines_in_another_order_and_line_ends_have_the_same_fingerprints(conn, tmp_path, first):
    path = tmp_path / "receipts_2.csv"
    path.write_bytes((HEADER + R2 + R1).replace("\n", "\r\n").encode())

    rows = staged_rows(conn, path)

    assert sorted((receipt, fingerprint) for receipt, _, _, _, fingerprint in rows) == first
    assert len({fingerprint for _, fingerprint in first}) == 2


def test_a_known_line_takes_the_known_row_and_a_changed_line_is_read(conn, tmp_path, first):
    """The known R1 says reference KNOWN (not what its line holds): taken, the line is not
    read again. R2's line changed (300.00 -> 250.00): read."""
    conn.execute("update known set reference = 'KNOWN' where receipt_id = 'R1'")
    path = tmp_path / "receipts_2.csv"
    path.write_text(HEADER + R1 + R2.replace("300.00", "250.00"), encoding="utf-8")

    rows = staged_rows(conn, path, known="known")

    assert [row[:4] for row in rows] == [("R1", Decimal("500.00"), "KNOWN", 2), ("R2", Decimal("250.00"), None, 3)]


def test_a_bad_changed_line_is_reported_with_its_line_and_field_as_always(conn, tmp_path, first):
    path = tmp_path / "receipts_2.csv"
    path.write_text(HEADER + R1 + R2.replace("300.00", "3OO.00"), encoding="utf-8")

    with pytest.raises(ExportError) as refused:
        staged_rows(conn, path, known="known")

    [problem] = refused.value.errors
    assert (problem.line, problem.column, problem.value) == (3, "amount", "3OO.00")


def test_a_known_line_twice_is_still_a_duplicate_key(conn, tmp_path, first):
    path = tmp_path / "receipts_2.csv"
    path.write_text(HEADER + R1 + R1, encoding="utf-8")

    with pytest.raises(ExportError, match=r"duplicate key \(receipt_id\) = \(R1\) also on line 2"):
        staged_rows(conn, path, known="known")


def test_a_line_whose_fingerprint_two_known_rows_have_is_staged_once(conn, tmp_path, first):
    """Raw holds a line's row twice when its version came back after another: the line
    takes one of them (their values are the same)."""
    conn.execute("insert into known select * from known where receipt_id = 'R1'")
    path = tmp_path / "receipts_2.csv"
    path.write_text(HEADER + R1 + R2, encoding="utf-8")

    rows = staged_rows(conn, path, known="known")

    assert [row[:4] for row in rows] == [("R1", Decimal("500.00"), "F-001", 2), ("R2", Decimal("300.00"), None, 3)]


def test_a_known_row_without_a_fingerprint_leaves_every_other_line_read(conn, tmp_path, first):
    """A known row of no fingerprint (one loaded before fingerprints were kept) matches no
    line, and the lines no known row has are still read."""
    conn.execute("insert into known select * replace (null::UHUGEINT as _line_fingerprint) from known where receipt_id = 'R1'")
    path = tmp_path / "receipts_2.csv"
    path.write_text(HEADER + R1 + R2.replace("300.00", "250.00"), encoding="utf-8")

    rows = staged_rows(conn, path, known="known")

    assert [row[:4] for row in rows] == [("R1", Decimal("500.00"), "F-001", 2), ("R2", Decimal("250.00"), None, 3)]
