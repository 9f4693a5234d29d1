"""Full-snapshot exports load by change (orchestration/ingest/changes.py): a re-export
adds to raw only the rows that change what the warehouse reads, the registry says how
many, and a withdrawal still leaves the right current version."""

from decimal import Decimal

import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.config import load_settings
from orchestration.ingest.loader import DUPLICATE, LOADED, QUARANTINED, WithdrawError, ingest_entity, withdraw_file
from tests.orchestration.snapshot_sequence import ENTITIES, corrected_export, full_export, reordered, write_sequence


def ingest_all(conn, home):
    return {outcome.file_name: outcome for entity in ENTITIES for outcome in ingest_entity(conn, load_settings(home), entity)}


@pytest.fixture
def conn(home):
    connection = duckdb.connect(str(home / "test.duckdb"))
    write_sequence(home / "inbox", steps=1)
    ingest_all(connection, home)
    yield connection
    connection.close()


def raw_counts(conn):
    return {entity: conn.execute(f"select count(*) from raw.{entity}").fetchall()[0][0] for entity in ENTITIES}


def registry(conn, file_name):
    """(status, row_count, changed_rows, message in English) of each registry row of `file_name`."""
    rows = conn.execute(
        "select status, row_count, changed_rows, message from raw.file_registry where file_name = ? order by file_id",
        [file_name],
    ).fetchall()
    return [(*row[:3], render(row[3], "en")) for row in rows]


def test_an_identical_re_export_in_other_bytes_loads_no_row(conn, home):
    before = raw_counts(conn)
    write_sequence(home / "inbox", steps=2)
    for entity in ENTITIES:
        (home / "inbox" / f"{entity}.csv").unlink()

    outcomes = ingest_all(conn, home)

    assert {name: (o.status, o.changed_rows) for name, o in outcomes.items()} == {
        f"{entity}_2.csv": (LOADED, 0) for entity in ENTITIES
    }
    assert raw_counts(conn) == before
    # The fixture's documents.csv has 6 documents: all repeated, none loaded.
    assert registry(conn, "documents_2.csv") == [(LOADED, 6, 0, "6 rows, 0 new or changed")]
    # Every repeated row names the file that holds it: 6 documents of documents.csv, D1's
    # 3 instalments of installments.csv.
    confirmed = conn.execute(
        """
        select later.file_name, earlier.file_name, file_confirmations.row_count
        from raw.file_confirmations
        inner join raw.file_registry as later on later.file_id = file_confirmations.file_id
        inner join raw.file_registry as earlier on earlier.file_id = confirmed_file_id
        where later.entity in ('documents', 'installments')
        order by 1
        """
    ).fetchall()
    assert confirmed == [("documents_2.csv", "documents.csv", 6), ("installments_2.csv", "installments.csv", 3)]


def test_a_corrected_re_export_loads_the_changed_rows_and_whole_changed_groups(conn, home):
    """documents_3: D2 changed and D5 new, 2 of 7 rows. installments_3: D1 re-split (2
    rows, replacing 3) and D5 new (1 row): 3 rows. receipts_3: R2 changed, 1 of 2.
    clients_3: C1's new version (a new key: client_id, updated_at), 1 of 2."""
    for entity in ("clients", "documents", "installments", "receipts"):
        (home / "inbox" / f"{entity}_3.csv").write_text(corrected_export(entity), encoding="utf-8")

    outcomes = ingest_all(conn, home)

    assert {name: (o.rows, o.changed_rows) for name, o in outcomes.items()} == {
        "clients_3.csv": (2, 1), "documents_3.csv": (7, 2), "installments_3.csv": (3, 3), "receipts_3.csv": (2, 1),
    }
    assert registry(conn, "documents_3.csv") == [(LOADED, 7, 2, "7 rows, 2 new or changed")]
    latest_split = conn.execute(
        """
        select document_id, installment_no, amount from raw.installments
        qualify _file_id = max(_file_id) over (partition by document_id)
        order by all
        """
    ).fetchall()
    assert latest_split == [("D1", 1, Decimal("600.00")), ("D1", 2, Decimal("610.00")), ("D5", 1, Decimal("100.00"))]


def test_a_group_with_one_row_fewer_loads_whole(conn, home):
    """D1's instalments again as 400.00 + 810.00 (= 1,210.00) without instalment 3:
    instalment 1 is unchanged, but the split is not, so it loads with instalment 2 and
    both become D1's whole split."""
    text = full_export("installments").replace("D1,3,2025-05-30,410.00\n", "").replace(
        "D1,2,2025-04-30,400.00", "D1,2,2025-04-30,810.00")
    (home / "inbox" / "installments_2.csv").write_text(text, encoding="utf-8")

    [outcome] = ingest_entity(conn, load_settings(home), "installments")

    assert (outcome.rows, outcome.changed_rows) == (2, 2)


def test_a_re_run_and_the_same_bytes_again_load_nothing(conn, home):
    (home / "inbox" / "documents_2.csv").write_text(reordered(full_export("documents")), encoding="utf-8")
    ingest_entity(conn, load_settings(home), "documents")
    (home / "inbox" / "documents_2.csv").write_text(reordered(full_export("documents")), encoding="utf-8")

    [again] = ingest_entity(conn, load_settings(home), "documents")

    assert again.status == DUPLICATE
    assert ingest_entity(conn, load_settings(home), "documents") == []
    assert conn.execute("select count(*) from raw.documents").fetchall() == [(6,)]


def test_a_bad_re_export_is_quarantined_whole_as_before(conn, home):
    bad = full_export("documents").replace("D2,invoice,F-002,C1,", "D2,invoice,F-002,C9,")
    (home / "inbox" / "documents_2.csv").write_text(bad, encoding="utf-8")

    [outcome] = ingest_entity(conn, load_settings(home), "documents")

    assert outcome.status == QUARANTINED
    assert "line 4, column client_id, value 'C9': client C9 is not in any clients export" in outcome.message
    assert conn.execute("select count(*) from raw.file_confirmations").fetchall() == [(0,)]


def test_the_file_a_later_export_repeated_is_withdrawn_only_after_it(conn, home):
    (home / "inbox" / "withholdings_2.csv").write_text(reordered(full_export("withholdings")), encoding="utf-8")
    ingest_entity(conn, load_settings(home), "withholdings")
    (sha256,) = conn.execute("select sha256 from raw.file_registry where file_name = 'withholdings_2.csv'").fetchone()

    with pytest.raises(WithdrawError) as refused:
        withdraw_file(conn, "withholdings.csv")

    assert str(refused.value) == (
        f"withholdings.csv holds 1 row(s) that later loaded exports repeat unchanged and did not load again "
        f"(withholdings_2.csv (sha256 {sha256[:12]}…)): withdraw withholdings_2.csv (sha256 {sha256[:12]}…) first "
        "(newest first), then this one, and drop them again to load them whole"
    )
    # Newest first, both go, and the withholding with them.
    withdraw_file(conn, "withholdings_2.csv")
    assert "removed 1 rows from raw.withholdings" in render(withdraw_file(conn, "withholdings.csv"), "en")
    assert conn.execute("select count(*) from raw.withholdings").fetchall() == [(0,)]
    assert conn.execute("select count(*) from raw.file_confirmations").fetchall() == [(0,)]


def test_withdrawing_the_corrected_export_brings_back_the_version_before(conn, home):
    (home / "inbox" / "receipts_2.csv").write_text(reordered(full_export("receipts")), encoding="utf-8")
    (home / "inbox" / "receipts_3.csv").write_text(corrected_export("receipts"), encoding="utf-8")
    ingest_entity(conn, load_settings(home), "receipts")

    withdraw_file(conn, "receipts_3.csv")

    current = conn.execute(
        "select receipt_id, amount from raw.receipts qualify row_number() over "
        "(partition by receipt_id order by _file_id desc, _line_number desc) = 1 order by all"
    ).fetchall()
    assert current == [("R1", Decimal("500.00")), ("R2", Decimal("300.00"))]
