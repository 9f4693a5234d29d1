"""`cartera withdraw`: the way back for a file that reached raw and should not have."""

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.config import load_settings
from orchestration.ingest.bank_loader import ingest_bank_statements
from orchestration.ingest import loader
from orchestration.ingest.loader import LOADED, QUARANTINED, WITHDRAWAL, WITHDRAWN, WithdrawError, ingest_entity, withdraw_file
from orchestration.readers import ENTITIES
from tests.dbt.warehouse import build_warehouse

CARTERA = Path(sys.executable).parent / "cartera"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
AGING_INBOX = FIXTURES / "aging_inbox"
N43 = FIXTURES / "bank_inbox" / "cuenta_dos_cuentas.n43"

RECEIPTS_HEADER = "receipt_id,client_id,date,currency,amount,method,reference\n"
# Well formed, so the readers let it through; no FX rate turns XYZ into euros, so the
# checks across files quarantine it now: the tests load it with those checks bypassed,
# as a file loaded by a release before them.
XYZ_RECEIPT = RECEIPTS_HEADER + "R3,C1,2025-06-25,XYZ,80.00,transfer,\n"
CORRECTED_RECEIPT = RECEIPTS_HEADER + "R3,C1,2025-06-25,EUR,80.00,transfer,\n"


@pytest.fixture
def checks_bypassed(monkeypatch):
    monkeypatch.setattr(loader, "check_references", lambda *args, **kwargs: ([], []))


@pytest.fixture
def conn(home):
    connection = duckdb.connect(str(home / "test.duckdb"))
    for path in AGING_INBOX.iterdir():
        shutil.copy(path, home / "inbox")
    for entity in ENTITIES:
        ingest_entity(connection, load_settings(home), entity)
    yield connection
    connection.close()


def drop_and_ingest(conn, home, file_name, text, entity="receipts"):
    (home / "inbox" / file_name).write_text(text, encoding="utf-8")
    [outcome] = ingest_entity(conn, load_settings(home), entity)
    return outcome


def registry_of(conn, file_name):
    """(status, row_count, message in English) of each registry row of `file_name`."""
    rows = conn.execute(
        "select status, row_count, message from raw.file_registry where file_name = ? order by file_id", [file_name]
    ).fetchall()
    return [(status, row_count, render(message, "en")) for status, row_count, message in rows]


def test_a_withdrawn_file_leaves_raw_and_the_registry_keeps_its_history(conn, home, checks_bypassed):
    drop_and_ingest(conn, home, "receipts_xyz.csv", XYZ_RECEIPT)

    line = render(withdraw_file(conn, "receipts_xyz.csv"), "en")

    assert line.startswith("withdrew receipts_xyz.csv (sha256 ")
    assert "removed 1 rows from raw.receipts; the next refresh publishes without it" in line
    assert conn.execute("select receipt_id from raw.receipts order by receipt_id").fetchall() == [("R1",), ("R2",)]
    [(loaded_status, loaded_rows, loaded_message), (withdrawal_status, removed_rows, withdrawal_message)] = registry_of(
        conn, "receipts_xyz.csv"
    )
    assert (loaded_status, loaded_rows) == (WITHDRAWN, 1)
    assert loaded_message.startswith("withdrawn by cartera withdraw on ")
    assert (withdrawal_status, removed_rows) == (WITHDRAWAL, 1)
    assert "1 rows from raw.receipts" in withdrawal_message


def test_a_corrected_file_and_even_the_same_file_load_normally_after_a_withdrawal(conn, home, monkeypatch):
    with monkeypatch.context() as bypass:
        bypass.setattr(loader, "check_references", lambda *args, **kwargs: ([], []))
        drop_and_ingest(conn, home, "receipts_xyz.csv", XYZ_RECEIPT)
    withdraw_file(conn, "receipts_xyz.csv")

    corrected = drop_and_ingest(conn, home, "receipts_xyz.csv", CORRECTED_RECEIPT)
    assert (corrected.status, corrected.rows) == (LOADED, 1)
    assert conn.execute("select currency, amount from raw.receipts where receipt_id = 'R3'").fetchall() == [
        ("EUR", Decimal("80.00"))
    ]

    # The withdrawn bytes are no longer "already loaded": dropped again, they are read
    # again, and this time the checks quarantine them.
    withdraw_file(conn, "receipts_xyz.csv")
    again = drop_and_ingest(conn, home, "receipts_xyz.csv", XYZ_RECEIPT)
    assert (again.status, again.message.split("first: ")[1]) == (
        QUARANTINED, "line 2, column currency, value 'XYZ': currency XYZ has no exchange rate in any fx_rates file"
    )


def test_warnings_of_a_withdrawn_file_go_with_it(conn, home):
    drop_and_ingest(conn, home, "receipts_2.csv", RECEIPTS_HEADER.replace("\n", ",notes\n") + "R3,C1,2025-06-25,EUR,80.00,,,x\n")
    assert conn.execute("select count(*) from raw.ingest_warnings").fetchall() == [(1,)]

    withdraw_file(conn, "receipts_2.csv")

    assert conn.execute("select count(*) from raw.ingest_warnings").fetchall() == [(0,)]


def test_two_loaded_files_of_one_name_are_told_apart_by_sha256(conn, home):
    first = drop_and_ingest(conn, home, "receipts_daily.csv", CORRECTED_RECEIPT)
    drop_and_ingest(conn, home, "receipts_daily.csv", RECEIPTS_HEADER + "R4,C1,2025-06-26,EUR,10.00,,\n")
    assert first.status == LOADED
    sha256s = [row[0] for row in conn.execute(
        "select sha256 from raw.file_registry where file_name = 'receipts_daily.csv' order by file_id"
    ).fetchall()]

    with pytest.raises(WithdrawError, match=r"2 loaded files are named 'receipts_daily.csv' \(sha256 .*: name one by its sha256"):
        withdraw_file(conn, "receipts_daily.csv")
    withdraw_file(conn, sha256s[0])

    assert conn.execute("select receipt_id from raw.receipts order by receipt_id").fetchall() == [("R1",), ("R2",), ("R4",)]


def test_an_unknown_name_is_refused_readably(conn):
    with pytest.raises(WithdrawError, match="no loaded file is named 'nope.csv' or has that sha256"):
        withdraw_file(conn, "nope.csv")


def test_a_bank_file_is_withdrawn_from_both_statement_tables(conn, home):
    shutil.copy(N43, home / "inbox")
    ingest_bank_statements(conn, load_settings(home))

    line = render(withdraw_file(conn, "cuenta_dos_cuentas.n43"), "en")

    assert "2 rows from raw.bank_statements, 5 rows from raw.bank_statement_lines" in line
    assert conn.execute("select count(*) from raw.bank_statement_lines").fetchall() == [(0,)]


def test_cartera_withdraw_answers_in_one_line(tmp_path):
    no_warehouse = subprocess.run(
        [str(CARTERA), "withdraw", "x.csv", "--home", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert (no_warehouse.returncode, no_warehouse.stdout) == (
        1, f"withdraw failed: no warehouse in {tmp_path} (nothing was ever loaded there)\n"
    )
    assert no_warehouse.stderr == ""


def test_a_bad_but_loaded_file_withdrawn_gives_a_clean_build(tmp_path, checks_bypassed):
    """A receipt in XYZ loaded before the checks existed fails the build on its missing
    FX factor; after `cartera withdraw` the next build, with nothing new, is clean."""
    home, bad_inbox = tmp_path / "home", tmp_path / "bad_inbox"
    shutil.copytree(AGING_INBOX, bad_inbox)
    (bad_inbox / "receipts_xyz.csv").write_text(XYZ_RECEIPT, encoding="utf-8")
    with pytest.raises(AssertionError, match="not_null_columns_int_receipts_receipt_id__to_reporting_factor"):
        build_warehouse(bad_inbox, home, {"as_of_date": "2025-06-30"}, select="+ar_aging")

    result = subprocess.run(
        [str(CARTERA), "withdraw", "receipts_xyz.csv", "--home", str(home)], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("withdrew receipts_xyz.csv")
    (tmp_path / "nothing_new").mkdir()
    db = build_warehouse(tmp_path / "nothing_new", home, {"as_of_date": "2025-06-30"}, select="+ar_aging")
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("select count(*) from staging.stg_invoicing__receipts where receipt_id = 'R3'").fetchall() == [(0,)]


def test_a_clients_export_others_still_refer_to_is_not_withdrawn(conn, home):
    """C1 and C2 are only in clients.csv; documents.csv names both, receipts.csv names C1."""
    before = conn.execute("select count(*) from raw.clients").fetchall()

    with pytest.raises(WithdrawError) as refused:
        withdraw_file(conn, "clients.csv")

    assert str(refused.value) == (
        "clients.csv is the only loaded clients export with 2 row(s) that other loaded files still name "
        "(C1 in documents.csv, receipts.csv; C2 in documents.csv): withdraw documents.csv, receipts.csv first, "
        "or load a clients export that keeps those rows, then withdraw this one"
    )
    assert render(refused.value.message, "es") == (
        "clients.csv es la única exportación de clients cargada con 2 fila(s) que otros ficheros cargados todavía "
        "nombran (C1 en documents.csv, receipts.csv; C2 en documents.csv): retira primero documents.csv, receipts.csv, "
        "o carga una exportación de clients que conserve esas filas, y después retira este"
    )
    assert conn.execute("select count(*) from raw.clients").fetchall() == before
    assert [status for status, _, _ in registry_of(conn, "clients.csv")] == [LOADED]


def test_a_documents_export_whose_documents_have_allocations_is_not_withdrawn(conn, home):
    """D1 has instalments, a withholding and an allocation in other files; CN1 (in the same
    file) names it too, which does not count: it goes with it."""
    with pytest.raises(WithdrawError, match=r"^documents.csv is the only loaded documents export with 1 row\(s\) "
                       r"that other loaded files still name \(D1 in allocations.csv, installments.csv, withholdings.csv\): "
                       r"withdraw allocations.csv, installments.csv, withholdings.csv first"):
        withdraw_file(conn, "documents.csv")


def test_a_referenced_file_is_withdrawn_when_another_export_keeps_its_rows(conn, home):
    """A later clients export lists C1 and C2 again: withdrawing the first one leaves the
    documents' clients in raw, so it is allowed."""
    clients = (AGING_INBOX / "clients.csv").read_text(encoding="utf-8").replace("2025-01-01T00:00:00", "2025-02-01T00:00:00")
    assert drop_and_ingest(conn, home, "clients_2.csv", clients, entity="clients").status == LOADED

    line = render(withdraw_file(conn, "clients.csv"), "en")

    assert "removed 2 rows from raw.clients" in line
    assert conn.execute("select distinct _source_file from raw.clients").fetchall() == [("clients_2.csv",)]


def test_files_withdrawn_dependants_first_all_come_out(conn, home):
    for file_name in ("allocations.csv", "receipts.csv"):
        withdraw_file(conn, file_name)
    assert conn.execute("select count(*) from raw.receipts").fetchall() == [(0,)]


def test_cartera_withdraw_refuses_a_referenced_file_in_one_line(conn, home):
    conn.close()  # the command opens the warehouse itself
    shutil.copy(home / "test.duckdb", home / "build.duckdb")
    (home / "build").mkdir()
    shutil.move(home / "build.duckdb", home / "build" / "cartera.duckdb")

    result = subprocess.run(
        [str(CARTERA), "withdraw", "receipts.csv", "--home", str(home)], capture_output=True, text=True, timeout=120
    )

    assert (result.returncode, result.stderr) == (1, ""), result.stderr
    assert result.stdout == (
        "withdraw failed: receipts.csv is the only loaded receipts export with 1 row(s) that other loaded files still "
        "name (R1 in allocations.csv): withdraw allocations.csv first, or load a receipts export that keeps those rows, "
        "then withdraw this one\n"
    )
    in_spanish = subprocess.run(
        [str(CARTERA), "withdraw", "receipts.csv", "--home", str(home)], capture_output=True, text=True, timeout=120,
        env={**os.environ, "CARTERA_LANGUAGE": "es"},
    )
    assert in_spanish.stdout == (
        "withdraw failed: receipts.csv es la única exportación de receipts cargada con 1 fila(s) que otros ficheros "
        "cargados todavía nombran (R1 en allocations.csv): retira primero allocations.csv, o carga una exportación de "
        "receipts que conserve esas filas, y después retira este\n"
    )
