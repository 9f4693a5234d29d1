"""int_settlement_events is incremental (DECISIONLOG: Settlement events by the day): a
build keeps the rows of every document whose inputs (instalments and reductions) are
unchanged and recomputes the others; so are the periods read from it,
int_receivable_item_balances and int_open_item_months (DECISIONLOG: Item balances by the
day). An incremental build after one more day of exports must equal a full build of the
same exports, table for table, to the cent.

Fixture tests/fixtures/aging_inbox split in two days. Day 1 (as of 2025-06-19): every
file but the withholding W1, the document D2 and the receipt R2. Day 2 (as of 2025-06-30)
adds W1 (60.00 on D1: a new reduction on an old document), D2 (a new invoice), R2 (new
unapplied cash) and a corrected re-export of D3 (1,100.00 -> 1,000.00 USD, updated
2025-06-20: an old document whose rows must be rebuilt).

Settled documents added to both days for the settlement facts (int_installment_settlements),
of C1 unless said, in EUR, issued 2025-02-01, due 2025-03-03, in day 1's files:
- D5 (200.00), paid by R5 on 2025-03-01 and untouched after: its row is kept;
- D6 (300.00), paid by R6 on 2025-03-05 (2 days late), re-exported on day 2 due
  2025-02-28: its row is rebuilt, 5 days late;
- D7 (400.00: #1 200.00 due 2025-03-03, #2 200.00 due 2025-07-31), #1 paid by R7 on
  2025-03-10; R8 (2025-06-25, after day 1's as-of date) pays #2: settled only on day 2,
  with no new file, so its rows are rebuilt when the as-of date passes 06-25;
- D9 (150.00, of C2), paid by R9 on 2025-03-02;
- D10 (250.00, of C2), paid by R10 on 2025-01-25, before its issue date: the waterfall
  counts that payment from 2025-02-01.
And D11 (80.00, open), of a third client C3, in day 1's files but issued 2025-06-25,
after day 1's as-of date: C3 has no statement on day 1, one from day 2 on.

Day 3 (as of 2025-07-01) adds D8 (100.00 EUR to C1, issued 2025-07-01): the first period
of July, so the periods still holding run one month further (the horizon moved); a
rates file with the USD rate of 2025-07-01; re-exports D5 with an early-payment
discount (2 % in 10 days: its terms, nothing its periods read) and D9 void (its items
gone); R10 re-exported dated 2025-01-28 (still before D10's issue date: D10's periods do
not move, its last payment date does); and C1's legal name corrected in the same version
(its documents' name at issue).

Day 4, on a copy of day 3's home at day 3's as-of date: C2 renamed, and R5's allocations
re-exported, its 200.00 paying D1 instead of D5 (D5 left with no payment).

Day 5, on a copy of day 4's home at the same date: D3's instalments alone, in three, and
CN1 renumbered. Then, on a copy of day 5's home, day 3's documents export withdrawn."""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest.loader import withdraw_file
from tests.dbt.export_files import rows_of, write
from tests.dbt.warehouse import build_warehouse, positions, tables_of

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
SELECT = "+fct_installment_payments +ar_aging +ar_aging_monthly +int_documents_signed +fct_installments +fct_documents +statement_of_account +client_concentration +cash_forecast_backtest"
DAY_1, DAY_2, DAY_3 = {"as_of_date": "2025-06-19"}, {"as_of_date": "2025-06-30"}, {"as_of_date": "2025-07-01"}
# The documents day 2's files touch: D1 (W1), D2 (new), D3 and D6 (re-exported).
TOUCHED_ON_DAY_2 = ["D1", "D2", "D3", "D6"]


def split_fixture(day_1: Path, day_2: Path) -> None:
    day_1.mkdir()
    day_2.mkdir()
    for name in ("fx_rates.csv", "installments.csv", "allocations.csv"):
        shutil.copy(FIXTURE / name, day_1)
    header, clients = rows_of(FIXTURE / "clients.csv")
    write(day_1 / "clients.csv", header, clients + [{
        **clients[0], "client_id": "C3", "tax_id": "B87654323", "legal_name": "Vinos del Moncayo S.L."}])
    shutil.copy(FIXTURE / "withholdings.csv", day_2)
    header, documents = rows_of(FIXTURE / "documents.csv")
    write(day_1 / "documents.csv", header, [row for row in documents if row["document_id"] != "D2"])
    corrected = {**next(row for row in documents if row["document_id"] == "D3"),
                 "net": "1000.00", "total": "1000.00", "updated_at": "2025-06-20T10:00:00"}
    write(day_2 / "documents_2025-06-20.csv", header,
          [row for row in documents if row["document_id"] == "D2"] + [corrected])
    header, receipts = rows_of(FIXTURE / "receipts.csv")
    write(day_1 / "receipts.csv", header, [row for row in receipts if row["receipt_id"] != "R2"] + SETTLED_RECEIPTS)
    write(day_2 / "receipts_2025-06-20.csv", header, [row for row in receipts if row["receipt_id"] == "R2"])
    add_settled_documents(day_1, day_2)


def settled_document(document_id: str, number: str, total: str, **changes: str) -> dict:
    return {"document_id": document_id, "type": "invoice", "number": number, "client_id": "C1",
            "issue_date": "2025-02-01", "due_date": "2025-03-03", "currency": "EUR", "net": total,
            "tax": "0.00", "withholding": "0.00", "total": total, "related_document_id": "",
            "purchase_order": "", "status": "issued", "updated_at": "2025-02-01T10:00:00", **changes}


def settled_receipt(receipt_id: str, client_id: str, day: str, amount: str) -> dict:
    return {"receipt_id": receipt_id, "client_id": client_id, "date": day, "currency": "EUR", "amount": amount,
            "method": "transfer", "reference": ""}


SETTLED_RECEIPTS = [
    settled_receipt(receipt_id, client_id, day, amount)
    for receipt_id, client_id, day, amount in [
        ("R5", "C1", "2025-03-01", "200.00"), ("R6", "C1", "2025-03-05", "300.00"),
        ("R7", "C1", "2025-03-10", "200.00"), ("R8", "C1", "2025-06-25", "200.00"),
        ("R9", "C2", "2025-03-02", "150.00"), ("R10", "C2", "2025-01-25", "250.00")]
]


def add_settled_documents(day_1: Path, day_2: Path) -> None:
    """D5, D6, D7 and their money in day 1's files; D6 re-exported on day 2 (see above)."""
    header, documents = rows_of(day_1 / "documents.csv")
    write(day_1 / "documents.csv", header, documents + [
        settled_document("D5", "F-005", "200.00"), settled_document("D6", "F-006", "300.00"),
        settled_document("D7", "F-007", "400.00"), settled_document("D9", "F-009", "150.00", client_id="C2"),
        settled_document("D10", "F-010", "250.00", client_id="C2"),
        settled_document("D11", "F-011", "80.00", client_id="C3", issue_date="2025-06-25", due_date="2025-07-25")])
    header, installments = rows_of(day_1 / "installments.csv")
    write(day_1 / "installments.csv", header, installments + [
        {"document_id": "D7", "installment_no": "1", "due_date": "2025-03-03", "amount": "200.00"},
        {"document_id": "D7", "installment_no": "2", "due_date": "2025-07-31", "amount": "200.00"}])
    header, allocations = rows_of(day_1 / "allocations.csv")
    write(day_1 / "allocations.csv", header, allocations + [
        {"receipt_id": "R5", "document_id": "D5", "installment_no": "", "amount": "200.00"},
        {"receipt_id": "R6", "document_id": "D6", "installment_no": "", "amount": "300.00"},
        {"receipt_id": "R7", "document_id": "D7", "installment_no": "1", "amount": "200.00"},
        {"receipt_id": "R8", "document_id": "D7", "installment_no": "2", "amount": "200.00"},
        {"receipt_id": "R9", "document_id": "D9", "installment_no": "", "amount": "150.00"},
        {"receipt_id": "R10", "document_id": "D10", "installment_no": "", "amount": "250.00"}])
    header, corrections = rows_of(day_2 / "documents_2025-06-20.csv")
    write(day_2 / "documents_2025-06-20.csv", header, corrections + [
        settled_document("D6", "F-006", "300.00", due_date="2025-02-28", updated_at="2025-06-21T10:00:00")])


def write_day_3(day_3: Path) -> None:
    day_3.mkdir()
    header, documents = rows_of(FIXTURE / "documents.csv")
    terms = {"early_discount_pct": "", "early_discount_days": ""}
    write(day_3 / "documents_2025-07-01.csv", [*header, *terms], [
        settled_document("D8", "F-008", "100.00", issue_date="2025-07-01", due_date="2025-07-31",
                         updated_at="2025-07-01T10:00:00", **terms),
        settled_document("D5", "F-005", "200.00", updated_at="2025-07-01T10:00:00",
                         early_discount_pct="2.00", early_discount_days="10"),
        settled_document("D9", "F-009", "150.00", client_id="C2", status="void", updated_at="2025-07-01T10:00:00",
                         **terms)])
    header, _ = rows_of(FIXTURE / "receipts.csv")
    write(day_3 / "receipts_2025-07-01.csv", header, [settled_receipt("R10", "C2", "2025-01-28", "250.00")])
    (day_3 / "fx_rates_2025-07-01.csv").write_text("Date,USD\n2025-07-01,1.1500\n", encoding="utf-8")
    header, clients = rows_of(FIXTURE / "clients.csv")
    write(day_3 / "clients_2025-07-01.csv", header,
          [{**client, "legal_name": "Talleres Ebro, S.L."} for client in clients if client["client_id"] == "C1"])


def write_day_4(day_4: Path) -> None:
    """A clients file renaming C2, R5's allocations re-exported: its 200.00 of 03-01 pays
    D1 now, no longer D5 (D5's only payment: its events are gone, its items stay), and
    CN1, D1's credit note, re-exported alone for 60.50 (121.00 before): its reduction is
    read again though D1 is not (DECISIONLOG: Reductions by the file); and a rates file
    quoting USD on 01-05, before D3's issue date (01-10): D3 is read again (DECISIONLOG:
    Rates and matches that move), its figures the same (its factor is 01-10's rate)."""
    day_4.mkdir()
    (day_4 / "fx_rates_2025-07-02.csv").write_text("Date,USD\n2025-01-05,1.0800\n", encoding="utf-8")
    header, documents = rows_of(FIXTURE / "documents.csv")
    write(day_4 / "documents_2025-07-02.csv", header, [
        {**row, "net": "50.00", "tax": "10.50", "total": "60.50", "updated_at": "2025-07-02T10:00:00"}
        for row in documents if row["document_id"] == "CN1"])
    header, clients = rows_of(FIXTURE / "clients.csv")
    write(day_4 / "clients_2025-07-02.csv", header,
          [{**client, "legal_name": RENAMED_C2} for client in clients if client["client_id"] == "C2"])
    header, _ = rows_of(FIXTURE / "allocations.csv")
    write(day_4 / "allocations_2025-07-02.csv", header,
          [{"receipt_id": "R5", "document_id": "D1", "installment_no": "", "amount": "200.00"}])


RENAMED_C2 = "Ferreteria Moncayo Renombrada S.A."


def ran_sql(home: Path, model: str) -> str:
    """The SQL the last build ran for an intermediate model."""
    return (home / "dbt_target" / "run" / "cartera" / "models" / "intermediate" / f"{model}.sql").read_text()


# The models that compute their candidates from the temp table their pre-hook writes
# (DECISIONLOG: Candidates into a temp table), by folder.
BY_CANDIDATES = {
    "int_settlement_events": "intermediate", "int_receivable_item_balances": "intermediate",
    "int_open_item_months": "intermediate", "int_installment_settlements": "intermediate",
    "fct_installments": "marts", "fct_documents": "marts", "fct_installment_payments": "marts",
}


def compiled_sql(home: Path, model: str) -> str:
    """The SQL the last build compiled for a model (its query, before the materialization)."""
    return (home / "dbt_target" / "compiled" / "cartera" / "models" / BY_CANDIDATES[model] / f"{model}.sql").read_text()


def documents_positions(database: Path, model: str) -> dict[str, int]:
    return positions(database, f"intermediate.{model}", "document_id")


def documents_of_several_positions(database: Path, model: str) -> int:
    """Documents whose rows in a kept table were computed at different builds (none should)."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute(f"select count(*) from (select document_id from intermediate.{model} "
                            "group by all having count(distinct _read_through_file_id) > 1)").fetchone()[0]


def as_of_kept(database: Path, mart: str) -> dict[str, tuple[int, str]]:
    """Each document's position in a kept as-of mart and the as-of date its rows answer for."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return {document: (position, str(as_of)) for document, position, as_of in conn.execute(
            f"select document_id, max(_read_through_file_id), max(as_of_date) from marts.{mart} group by all"
        ).fetchall()}


def statements_kept(database: Path) -> dict[str, tuple[int, str, int]]:
    """Each client's position in statement_of_account, the as-of date its rows answer for
    and how many positions its rows hold (one: a client is computed whole)."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return {client: (position, str(as_of), positions) for client, position, as_of, positions in conn.execute(
            "select client_id, max(_read_through_file_id), max(as_of_date), count(distinct _read_through_file_id) "
            "from marts.statement_of_account group by all").fetchall()}


def periods_kept(database: Path) -> dict[tuple[str, str, str], tuple[int, int]]:
    """Each period's position in client_concentration and how many positions its rows hold
    (one: a period is computed whole)."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return {(kind, str(start), str(end)): (position, positions) for kind, start, end, position, positions in conn.execute(
            "select period_type, period_start, period_end, max(_read_through_file_id), count(distinct _read_through_file_id) "
            "from marts.client_concentration group by all").fetchall()}


AGING_BY_DATE = ("int_aging_by_client_currency", "int_aging_by_client")


def aging_dates_kept(database: Path) -> dict[str, dict[str, tuple[int, int]]]:
    """Each date's position in the aging kept by date (AGING_BY_DATE) and how many
    positions its rows hold (one: a date is computed whole)."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return {table: {str(as_of): (position, positions) for as_of, position, positions in conn.execute(
            "select as_of_date, max(_read_through_file_id), count(distinct _read_through_file_id) "
            f"from intermediate.{table} group by all").fetchall()} for table in AGING_BY_DATE}


def backtest_kept(database: Path) -> dict[str, tuple[int, str]]:
    """Each paid instalment's position in cash_forecast_backtest and the as-of date its row
    answers for."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return {key: (position, str(as_of)) for key, position, as_of in conn.execute(
            "select installment_key, _read_through_file_id, as_of_date from marts.cash_forecast_backtest").fetchall()}


def registry_position(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute("select max(file_id) from raw.file_registry").fetchone()[0]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("incremental_settlement")
    day_1, day_2, day_3 = folder / "day_1", folder / "day_2", folder / "day_3"
    split_fixture(day_1, day_2)
    write_day_3(day_3)
    incremental_home = folder / "incremental"
    day_1_database = build_warehouse(day_1, incremental_home, DAY_1, select=SELECT)
    day_1_position = registry_position(day_1_database)
    day_1_statements = statements_kept(day_1_database)
    with duckdb.connect(str(day_1_database), read_only=True) as conn:
        day_1_events = conn.execute(
            "select document_id, installment_no, reduction_type, applied_amount, outstanding_amount "
            "from intermediate.int_settlement_events").fetchall()
    incremental = build_warehouse(day_2, incremental_home, DAY_2, select=SELECT)
    day_2_sql = ran_sql(incremental_home, "int_settlement_events")
    day_2_kept = {
        "position": day_1_position,
        "sql": {model: ran_sql(incremental_home, model) for model in (*KEPT_PERIODS, "int_installment_settlements")},
        "compiled": {model: compiled_sql(incremental_home, model) for model in BY_CANDIDATES},
        "positions": {model: documents_positions(incremental, model)
                      for model in (*KEPT_PERIODS, *KEPT_DOCUMENTS, "int_settlement_events")},
        "several_positions": documents_of_several_positions(incremental, "int_receivable_item_balances"),
        "installments": as_of_kept(incremental, "fct_installments"),
        "documents": as_of_kept(incremental, "fct_documents"),
        "payments": as_of_kept(incremental, "fct_installment_payments"),
        "statements": statements_kept(incremental),
        "periods": periods_kept(incremental),
        "backtest": backtest_kept(incremental),
        "aging_dates": aging_dates_kept(incremental),
    }
    both_days = folder / "both_days"
    shutil.copytree(day_1, both_days)
    shutil.copytree(day_2, both_days, dirs_exist_ok=True)
    full = build_warehouse(both_days, folder / "full", DAY_2, select=SELECT)
    snapshot = folder / "day_2.duckdb"
    shutil.copy(incremental, snapshot)
    day_2_position = registry_position(incremental)
    build_warehouse(day_3, incremental_home, DAY_3, select=SELECT)
    shutil.copytree(incremental_home, folder / "after_day_3")
    day_3_kept = {"position": day_2_position,
                  "positions": {model: documents_positions(incremental, model)
                                for model in (*KEPT_DOCUMENTS, "int_open_item_months")},
                  "installments": as_of_kept(incremental, "fct_installments"),
                  "documents": as_of_kept(incremental, "fct_documents"),
                  "statements": statements_kept(incremental),
                  "periods": periods_kept(incremental),
                  "backtest": backtest_kept(incremental),
                  "aging_dates": aging_dates_kept(incremental)}
    three_days = folder / "three_days"
    shutil.copytree(both_days, three_days)
    shutil.copytree(day_3, three_days, dirs_exist_ok=True)
    full_3 = build_warehouse(three_days, folder / "full_3", DAY_3, select=SELECT)
    return {"day_2": snapshot, "full": full, "day_1_events": day_1_events, "day_2_sql": day_2_sql,
            "day_2_kept": day_2_kept, "day_3": incremental, "day_3_kept": day_3_kept, "full_3": full_3,
            "folder": folder, "day_1_statements": day_1_statements}


@pytest.fixture(scope="module")
def back_to_day_1(builds):
    """After day 3, the same home built again at day 1's as-of date with no new file, and a
    full build of the three days' files at that date."""
    folder = builds["folder"]
    nothing_new = folder / "nothing_new"
    nothing_new.mkdir()
    position = registry_position(builds["day_3"])
    incremental = build_warehouse(nothing_new, folder / "incremental", DAY_1, select=SELECT)
    kept = {"position": position, "installments": as_of_kept(incremental, "fct_installments"),
            "statements": statements_kept(incremental)}
    full = build_warehouse(folder / "three_days", folder / "full_3_at_day_1", DAY_1, select=SELECT)
    return incremental, full, kept


@pytest.fixture(scope="module")
def renamed(builds):
    """After day 3 (a copy of its home), day 4's files (C2 renamed, R5 moved from D5 to D1)
    at day 3's as-of date; and a full build of the four days' files."""
    folder = builds["folder"]
    write_day_4(folder / "day_4")
    return one_more_day(folder, "day_4", folder / "after_day_3", "three_days", "four_days")


def one_more_day(folder: Path, day: str, home: Path, days_before: str, days_to_it: str) -> tuple[Path, Path, int]:
    """The day's files built on `home` at day 3's as-of date, a full build of every day's
    files to it (the folder `days_before` and the day's, copied into `days_to_it`), and the
    registry's position before the day."""
    position = registry_position(home / "build" / "cartera.duckdb")
    kept = build_warehouse(folder / day, home, DAY_3, select=SELECT)
    shutil.copytree(folder / days_before, folder / days_to_it)
    shutil.copytree(folder / day, folder / days_to_it, dirs_exist_ok=True)
    full = build_warehouse(folder / days_to_it, folder / f"full_{days_to_it}", DAY_3, select=SELECT)
    return kept, full, position


def write_day_5(day_5: Path) -> None:
    """D3's instalments alone, in three (1,000.00 USD: 333.33, 333.33, 333.34): neither D3
    nor any movement of C2 is read again, but each instalment is converted on its own, so
    D3's reporting value moves a cent (909.09 -> 303.03 + 303.03 + 303.04 = 909.10 EUR).
    And CN1 (C1's note on D1, 60.50 since day 4) renumbered R-001-B: its movement alone
    moves, nothing its reduction or D1's periods are computed from."""
    day_5.mkdir()
    header, documents = rows_of(FIXTURE / "documents.csv")
    write(day_5 / "documents_2025-07-03.csv", header, [
        {**row, "number": "R-001-B", "net": "50.00", "tax": "10.50", "total": "60.50",
         "updated_at": "2025-07-03T10:00:00"}
        for row in documents if row["document_id"] == "CN1"])
    header, _ = rows_of(FIXTURE / "installments.csv")
    write(day_5 / "installments_2025-07-03.csv", header, [
        {"document_id": "D3", "installment_no": "1", "due_date": "2025-02-09", "amount": "333.33"},
        {"document_id": "D3", "installment_no": "2", "due_date": "2025-03-11", "amount": "333.33"},
        {"document_id": "D3", "installment_no": "3", "due_date": "2025-04-10", "amount": "333.34"}])


@pytest.fixture(scope="module")
def split(builds, renamed):
    """After day 4 (a copy of its home), day 5's instalments of D3 at day 3's as-of date;
    and a full build of the five days' files."""
    folder = builds["folder"]
    write_day_5(folder / "day_5")
    home = Path(shutil.copytree(folder / "after_day_3", folder / "after_day_4"))
    return one_more_day(folder, "day_5", home, "four_days", "five_days")


KEPT_PERIODS = ("int_receivable_item_balances", "int_open_item_months")
KEPT_DOCUMENTS = ("int_receivable_items", "int_documents_signed")


def test_an_incremental_day_equals_a_full_build_table_for_table(builds):
    incremental, full, day_2_sql, day_2 = builds["day_2"], builds["full"], builds["day_2_sql"], builds["day_2_kept"]
    # The day's build took the incremental path: it inserted into the kept table (a full
    # build creates it).
    assert day_2_sql.lstrip().startswith('insert into "cartera"."intermediate"."int_settlement_events"')
    # A kept settlement row says it was computed at day 1 (the next test reads it).
    tables, differing = tables_of(incremental, full)
    assert {("intermediate", "int_settlement_events"), ("intermediate", "int_installment_settlements"),
            *(("intermediate", model) for model in (*KEPT_PERIODS, *KEPT_DOCUMENTS))} <= tables
    assert differing == []
    for model in KEPT_PERIODS:
        assert day_2["sql"][model].lstrip().startswith(f'insert into "cartera"."intermediate"."{model}"')


@pytest.mark.parametrize("model", BY_CANDIDATES)
def test_the_day_computed_only_candidates(builds, model):
    """Each model kept by candidates compared them on day 2 (a table it emptied would be
    computed whole: still equal to a full build, but every row computed again)."""
    assert f"{model}__candidates" in builds["day_2_kept"]["compiled"][model]


def test_the_day_computed_again_only_the_periods_of_the_documents_it_touched(builds):
    """Day 2's files reach D1, D2, D3 and D6: their periods carry day 2's position; every
    other document's were kept from day 1 (D5 and D7, settled, among them). In the open
    months, D5 and D6 were open in February only, D7's first instalment until March 10:
    all there, each at its balances' position."""
    day_2 = builds["day_2_kept"]
    balances = day_2["positions"]["int_receivable_item_balances"]
    computed_again = sorted(document for document, position in balances.items() if position > day_2["position"])
    assert computed_again == TOUCHED_ON_DAY_2
    assert day_2["several_positions"] == 0
    assert {"D5", "D7"} <= set(balances) - set(computed_again)
    months = day_2["positions"]["int_open_item_months"]
    assert all(months[document] == balances[document] for document in months)
    assert {"D5", "D6", "D7"} <= set(months)


def test_the_day_computed_again_only_the_events_of_the_documents_it_touched(builds):
    """int_settlement_events compares only the documents whose items or reductions were
    computed since, or that hold a reduction read again (DECISIONLOG: Reductions by the
    file), and computes again those whose inputs moved: of the documents day 2's files
    reach, D1 (W1, a new withholding). D2 and D3 have no events (nothing reduced them);
    D6's re-export moved its due date, which its events do not read (its instalment's
    number, order and amount are the same): kept from day 1, as every other document's."""
    day_2 = builds["day_2_kept"]
    events = day_2["positions"]["int_settlement_events"]
    assert sorted(document for document, position in events.items() if position > day_2["position"]) == ["D1"]
    assert {"D5", "D7", "D9", "D10"} <= set(events)


@pytest.mark.parametrize("model", KEPT_DOCUMENTS)
def test_the_day_read_again_the_documents_staging_read_again(builds, model):
    """int_receivable_items and int_documents_signed are kept by the file (DECISIONLOG:
    Models kept by the file): day 2 reads again D2 (new), D3 and D6 (re-exported). D1's
    withholding changes neither its items nor its sales: D1's rows are day 1's. Day 3
    reads again D8 (new) and D5 (re-exported); its rates file quotes USD from 07-01, after
    D3's issue date (01-10): D3's factor cannot move, and it is kept (DECISIONLOG: Rates
    and matches that move). D9, void, has no rows left."""
    day_2 = builds["day_2_kept"]
    rows = day_2["positions"][model]
    read_again = sorted(document for document, position in rows.items() if position > day_2["position"])
    assert read_again == ["D2", "D3", "D6"]
    assert rows["D1"] == day_2["position"]
    day_3 = builds["day_3_kept"]
    rows = day_3["positions"][model]
    assert sorted(document for document, position in rows.items() if position > day_3["position"]) == ["D5", "D8"]
    assert "D9" not in rows


def test_a_day_that_moves_the_horizon_equals_a_full_build(builds):
    """D8, issued 07-01, is the first period of July: every period still holding now runs
    to July. The open documents whose periods were kept (CN2, D1, D11, D2, D3) keep their
    months and gain July's at day 2's positions; D8 is computed. All tables equal a full
    build of the three days' files."""
    incremental, full_3, day_3 = builds["day_3"], builds["full_3"], builds["day_3_kept"]
    assert ran_sql(incremental.parents[1], "int_open_item_months").lstrip().startswith(
        'insert into "cartera"."intermediate"."int_open_item_months"')
    tables, differing = tables_of(incremental, full_3)
    assert ("intermediate", "int_open_item_months") in tables
    assert differing == []
    with duckdb.connect(str(incremental), read_only=True) as conn:
        july = [document for (document,) in conn.execute(
            "select distinct document_id from intermediate.int_open_item_months "
            "where period_month = date '2025-07-01' order by all").fetchall()]
    months = day_3["positions"]["int_open_item_months"]
    assert [document for document in july if months[document] <= day_3["position"]] == ["CN2", "D1", "D11", "D2", "D3"]
    assert [document for document in july if months[document] > day_3["position"]] == ["D8"]


def test_the_day_rebuilt_the_documents_it_touched(builds):
    """D1 gained W1 (60.00): its oldest open instalment, #2 (400 - 100 - 121 = 179.00 open),
    takes it: 119.00 left. Its rows of day 1 (R1 on #1 and #2, CN1 on #2) are there as
    they were; D3, re-exported at 1,000.00, is still unpaid: no rows. So one row more."""
    incremental, day_1_events = builds["day_2"], builds["day_1_events"]
    columns = "document_id, installment_no, reduction_type, applied_amount, outstanding_amount"
    with duckdb.connect(str(incremental), read_only=True) as conn:
        rows = conn.execute(f"select {columns} from intermediate.int_settlement_events").fetchall()
    before = day_1_events
    assert ("D1", 2, "withholding", Decimal("60.00"), Decimal("119.00")) in rows
    assert sorted(set(rows) - set(before)) == [("D1", 2, "withholding", Decimal("60.00"), Decimal("119.00"))]
    assert len(rows) == len(before) + 1


def test_the_day_kept_the_settlement_facts_it_did_not_touch(builds):
    """Day 2 kept D5's, D9's and D10's rows (computed at day 1; D10 paid on its issue date, 02-01,
    since R10 came before it: 30 days early) and rebuilt the others: D1 (W1 on it; #1
    paid by R1's 400.00 on 04-05, #2 still 400 - 100 - 121 - 60 = 119.00 open), D6
    (re-exported: paid 03-05, now due 02-28, so 5 days late, not 2) and D7 (R8 on 06-25
    became visible: #2 settled 36 days early, due 07-31). Every row answers for day 2's
    as-of date."""
    incremental, position = builds["day_2"], builds["day_2_kept"]["position"]
    with duckdb.connect(str(incremental), read_only=True) as conn:
        rows = conn.execute(
            "select document_id, installment_no, cast(paid_date as varchar), days_beyond_terms, "
            "_read_through_file_id > ? as computed_on_day_2, cast(as_of_date as varchar) "
            "from intermediate.int_installment_settlements order by all", [position]).fetchall()
    assert rows == [
        ("D1", 1, "2025-04-05", 5, True, "2025-06-30"),
        ("D10", 1, "2025-02-01", -30, False, "2025-06-30"),
        ("D5", 1, "2025-03-01", -2, False, "2025-06-30"),
        ("D6", 1, "2025-03-05", 5, True, "2025-06-30"),
        ("D7", 1, "2025-03-10", 7, True, "2025-06-30"),
        ("D7", 2, "2025-06-25", -36, True, "2025-06-30"),
        ("D9", 1, "2025-03-02", -1, False, "2025-06-30"),
    ]
    day_2_sql = builds["day_2_kept"]["sql"]["int_installment_settlements"]
    assert day_2_sql.lstrip().startswith('insert into "cartera"."intermediate"."int_installment_settlements"')


def test_the_payment_facts_copy_only_the_documents_the_settlement_facts_computed(builds):
    """fct_installment_payments is kept by document, as int_installment_settlements is: day
    2 copies again the documents that table computed (D1, D6, D7: their rows carry day 2's
    position) and keeps D5's, D9's and D10's rows of day 1, moved to day 2's as-of date."""
    position, payments = builds["day_2_kept"]["position"], builds["day_2_kept"]["payments"]
    assert sorted(document for document, (at, _) in payments.items() if at > position) == ["D1", "D6", "D7"]
    assert sorted(document for document, (at, _) in payments.items() if at <= position) == ["D10", "D5", "D9"]
    assert {answers_for for _, answers_for in payments.values()} == {"2025-06-30"}


def test_the_settled_instalments_are_kept_and_the_open_ones_computed_again(builds):
    """fct_installments is kept by document (DECISIONLOG: Settled instalments by the day).
    A build computes again the documents open at the last one's as-of date, those whose
    periods int_receivable_item_balances computed since, those whose terms were exported
    otherwise, and new ones; it drops those whose periods are gone. Day 2 computes again
    what was open on day 1 (D1, D3, CN2 and D7, whose #2 R8 settles on 06-25), D6
    (re-exported), D2 (new) and D11 (issued 06-25, between the two dates), and keeps D5, D9 and D10, settled before March. Day 3
    computes again the open D1, D2, D3, D11 and CN2, D5 (its new discount) and the new D8, drops
    D9 (void), and keeps D6, D7 and D10 (R10's new date is before D10's issue date, as the
    old one: its periods did not move). Kept rows answer for the day's
    as-of date."""
    for day, as_of, computed, kept in [
        ("day_2_kept", "2025-06-30", ["CN2", "D1", "D11", "D2", "D3", "D6", "D7"], ["D10", "D5", "D9"]),
        ("day_3_kept", "2025-07-01", ["CN2", "D1", "D11", "D2", "D3", "D5", "D8"], ["D10", "D6", "D7"]),
    ]:
        position, installments = builds[day]["position"], builds[day]["installments"]
        assert sorted(document for document, (at, _) in installments.items() if at > position) == computed
        assert sorted(document for document, (at, _) in installments.items() if at <= position) == kept
        assert {answers_for for _, answers_for in installments.values()} == {as_of}
    assert "D9" not in builds["day_3_kept"]["installments"]


def test_an_as_of_date_moved_back_equals_a_full_build(back_to_day_1):
    """Back at 06-19: D8 (issued 07-01) is not there yet and D7's #2, settled by R8 on 06-25,
    is open again (D7 was kept on day 3: a period of it starts between the two dates); every
    table equals a full build of the same files at that date."""
    incremental, full, kept = back_to_day_1
    tables, differing = tables_of(incremental, full)
    assert ("marts", "fct_installments") in tables
    assert differing == []
    installments = kept["installments"]
    assert "D8" not in installments
    assert installments["D7"][0] == kept["position"]  # computed again (no new file: same position)
    assert {answers_for for _, answers_for in installments.values()} == {"2025-06-19"}


def test_the_documents_are_kept_unless_their_figures_could_move(builds):
    """fct_documents is kept by document, as fct_installments is. Day 2 computes again the
    documents whose instalments fct_installments computed (CN2, D1, D3, D6, D7, D11), the
    new D2 and D10, paid before its issue date (a change of that payment's date is not in its
    periods: such a document is computed every build); it keeps CN1 (a linked note: no
    instalments), D5 and D9. Day 3 computes again those of fct_installments (CN2, D1, D2,
    D3, D5, D8, D11), D10 (now last paid on 01-28, R10's new date, where fct_installments kept
    it) and the documents of C1, whose name was corrected (CN1, D6, D7 too); D9, of C2,
    void, is gone: staging read it again."""
    for day, as_of, computed, kept in [
        ("day_2_kept", "2025-06-30", ["CN2", "D1", "D10", "D11", "D2", "D3", "D6", "D7"], ["CN1", "D5", "D9"]),
        ("day_3_kept", "2025-07-01", ["CN1", "CN2", "D1", "D10", "D11", "D2", "D3", "D5", "D6", "D7", "D8"], []),
    ]:
        position, documents = builds[day]["position"], builds[day]["documents"]
        assert sorted(document for document, (at, _) in documents.items() if at > position) == computed
        assert sorted(document for document, (at, _) in documents.items() if at <= position) == kept
        assert {answers_for for _, answers_for in documents.values()} == {as_of}
    assert "D9" not in builds["day_3_kept"]["documents"]
    with duckdb.connect(str(builds["day_3"]), read_only=True) as conn:
        (paid,) = conn.execute("select last_payment_date from marts.fct_documents where document_id = 'D10'").fetchone()
    assert str(paid) == "2025-01-28"


def test_the_statements_are_kept_by_client_unless_their_movements_moved(builds, back_to_day_1):
    """statement_of_account is kept by client (DECISIONLOG: Statements by the day): a
    build numbers again only the clients whose valued movements up to its as-of date are
    not those their rows were computed from. Day 1 has C1 and C2 (C3's one document, D11,
    is dated 06-25). Day 2 computes all three: C1 (W1, D2, D6 again), C2 (D3 again) and C3
    (D11, dated between the two as-of dates). Day 3 computes C1 (D8, its name) and C2 (D9
    void, R10's new date) and keeps C3: D11 is still open, so fct_installments computes it
    again, but nothing on C3's statement moved. Back at 06-19, C3 has no movement: its rows
    are gone (the tables equal a full build: test_an_as_of_date_moved_back...)."""
    assert sorted(builds["day_1_statements"]) == ["C1", "C2"]
    for day, as_of, computed, kept in [
        ("day_2_kept", "2025-06-30", ["C1", "C2", "C3"], []),
        ("day_3_kept", "2025-07-01", ["C1", "C2"], ["C3"]),
    ]:
        position, statements = builds[day]["position"], builds[day]["statements"]
        assert sorted(client for client, (at, _, _) in statements.items() if at > position) == computed
        assert sorted(client for client, (at, _, _) in statements.items() if at <= position) == kept
        assert {answers_for for _, answers_for, _ in statements.values()} == {as_of}
        assert {positions for _, _, positions in statements.values()} == {1}
    assert "D11" in [document for document, (at, _) in builds["day_3_kept"]["installments"].items()
                     if at > builds["day_3_kept"]["position"]]
    _, _, moved_back = back_to_day_1
    assert sorted(moved_back["statements"]) == ["C1", "C2"]


def test_the_concentration_is_kept_by_period_unless_its_sales_moved(builds):
    """client_concentration is kept by period (DECISIONLOG: Concentration by the period):
    a build computes again only the periods whose sales (client, name, issue date, amount)
    are not those their rows were computed from (a period's key holds its end: one running
    to the as-of date is another period once the date moves). Day
    2 re-exports D3 (January, C2's 1,100.00 -> 1,000.00 USD), brings D2 and D11 (June) and
    moves the as-of date: of the periods with revenue it keeps February (D5-D10) and March
    (D1) alone; D6's new due date is no sale of its own. Day 3 corrects C1's name, in every
    period but January (D3 of C2 alone), voids D9 (February) and brings D8 (July): January
    and the twelve months to it (which hold January's sales alone) are kept. The tables equal full builds (test_an_incremental_day..., test_a_day_that_moves...)."""
    for day, kept in [
        ("day_2_kept", [("month", "2025-02-01", "2025-02-28"), ("month", "2025-03-01", "2025-03-31")]),
        ("day_3_kept", [("month", "2025-01-01", "2025-01-31"), ("trailing_12_months", "2024-02-01", "2025-01-31")]),
    ]:
        position, periods = builds[day]["position"], builds[day]["periods"]
        assert sorted(period for period, (at, _) in periods.items() if at <= position) == kept
        assert {positions for _, positions in periods.values()} == {1}
    computed_on_day_2 = [period for period, (at, _) in builds["day_2_kept"]["periods"].items()
                         if at > builds["day_2_kept"]["position"]]
    assert {("month", "2025-01-01", "2025-01-31"), ("month", "2025-06-01", "2025-06-30"),
            ("trailing_12_months", "2024-07-01", "2025-06-30")} <= set(computed_on_day_2)


def test_the_backtest_is_kept_unless_a_payment_in_its_year_moved(builds):
    """cash_forecast_backtest is kept by instalment (DECISIONLOG: The backtest by the day):
    a row is computed again when its payment changed, or when a payment dated in the year
    before its due date ([due - 365, due - 1]) changed, came or went. Day 2: D6 is
    re-exported (due 02-28, paid 03-05) and R8 pays D7's #2 on 06-25: D1's #1 (due 03-31,
    its year holds 03-05) is computed again with them; D5, D7's #1, D9 and D10, all due
    03-03, are kept. Day 3: D9 is void, its payment of 03-02 gone: every row due from 03-03
    on is computed again (D1, D5, D7's two, D10); D6, due 02-28, is kept. Kept rows
    answer for the day's as-of date."""
    for day, as_of, computed, kept in [
        ("day_2_kept", "2025-06-30", ["D1|1", "D6|1", "D7|2"], ["D10|1", "D5|1", "D7|1", "D9|1"]),
        ("day_3_kept", "2025-07-01", ["D10|1", "D1|1", "D5|1", "D7|1", "D7|2"], ["D6|1"]),
    ]:
        position, rows = builds[day]["position"], builds[day]["backtest"]
        assert sorted(key for key, (at, _) in rows.items() if at > position) == computed
        assert sorted(key for key, (at, _) in rows.items() if at <= position) == kept
        assert {answers_for for _, answers_for in rows.values()} == {as_of}


def test_the_aging_is_kept_by_date_unless_the_rows_it_reads_moved(builds):
    """int_aging_by_client_currency is kept by as-of date (DECISIONLOG: Aging by the date):
    a date is computed again only when the open items or unapplied receipts its aging
    sums are not those its rows were computed from; a renamed client is renamed in the
    kept rows (test_a_fourth_day...). int_aging_by_client, its sums by client, computes
    the same dates again. Day 2 re-exports D3 (C2, January 10, 1,100.00
    -> 1,000.00 USD, open through June): every month end from January 31 reads it, and
    the as-of date moved; none is kept. Day 3 voids D9 (C2, open February 1 to March 2):
    February 28 loses it, and R9's 150.00 it paid is unapplied from March 2 on, so every
    later date moves; January 31 (C2's D3 and R10) is kept. D8 (July 1) and C1's corrected
    name move nothing else. The tables equal full builds (test_an_incremental_day...,
    test_a_day_that_moves...)."""
    for day, computed, kept in [
        ("day_2_kept", ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30"], []),
        ("day_3_kept", ["2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30", "2025-07-01"],
         ["2025-01-31"]),
    ]:
        for table in AGING_BY_DATE:
            position, dates = builds[day]["position"], builds[day]["aging_dates"][table]
            assert sorted(date for date, (at, _) in dates.items() if at > position) == computed
            assert sorted(date for date, (at, _) in dates.items() if at <= position) == kept
            assert {positions for _, positions in dates.values()} == {1}


def test_a_fourth_day_moves_a_payment_and_renames_a_client(renamed):
    """Day 4 moves R5's 200.00 (03-01) from D5 to D1, halves CN1 (D1's), quotes USD on 01-05
    (D3, in USD, is read again) and renames C2. D5 keeps its items but
    loses its events: its periods are computed again (open from its issue date on), as
    are D1's. The aging keeps January 31 and February 28 (R5 is dated March 1) and shows
    C2's new name there; the tables equal a full build."""
    kept, full, position = renamed
    read_again = {model: sorted(document for document, at in documents_positions(kept, model).items() if at > position)
                  for model in KEPT_DOCUMENTS}
    # D3 for the rate before its issue date; CN1 re-exported (a credit note has no items).
    assert read_again == {"int_receivable_items": ["D3"], "int_documents_signed": ["CN1", "D3"]}
    balances = documents_positions(kept, "int_receivable_item_balances")
    assert sorted(document for document, at in balances.items() if at > position) == ["D1", "D5"]
    for table, dates in aging_dates_kept(kept).items():
        assert sorted(date for date, (at, _) in dates.items() if at <= position) == ["2025-01-31", "2025-02-28"]
        with duckdb.connect(str(kept), read_only=True) as conn:
            assert conn.execute(f"select distinct as_of_date, client_name from intermediate.{table} "
                                "where client_id = 'C2' and as_of_date <= '2025-02-28' order by all").fetchall() == [
                (date(2025, 1, 31), RENAMED_C2), (date(2025, 2, 28), RENAMED_C2)]
    with duckdb.connect(str(kept), read_only=True) as conn:
        assert conn.execute("select reduction_amount from intermediate.int_document_reductions "
                            "where reduction_id = 'CN1'").fetchall() == [(Decimal("60.50"),)]
    tables, differing = tables_of(kept, full)
    assert ("intermediate", "int_aging_by_client_currency") in tables
    assert differing == []


def test_a_statement_moves_with_its_documents_periods_or_its_own_movement(renamed, split):
    """statement_of_account reads by rule the clients whose statement may have moved
    (DECISIONLOG: Statements by the day): day 5 re-exports D3's instalments alone (C2's
    USD invoice, 1,000.00 in three), which moves no movement of the ledger, only D3's
    items and periods, and D3's reporting value by a cent (instalments converted one by
    one, 909.09 -> 909.10 EUR); and renumbers CN1, C1's note, which moves its movement in
    the ledger alone. C2 is numbered again from D3's periods, C1 from the ledger, C3
    kept; the tables equal a full build."""
    kept, full, position = split
    statements = statements_kept(kept)
    assert sorted(client for client, (at, _, _) in statements.items() if at > position) == ["C1", "C2"]
    assert sorted(client for client, (at, _, _) in statements.items() if at <= position) == ["C3"]
    query = ("select movement_id, reference, movement_reporting_amount from marts.statement_of_account "
             "where movement_id in ('D3', 'CN1') order by movement_id")
    for database, number, value in [(renamed[0], "R-001", "909.09"), (kept, "R-001-B", "909.10")]:
        with duckdb.connect(str(database), read_only=True) as conn:
            assert conn.execute(query).fetchall() == [("CN1", number, Decimal("-60.50")), ("D3", "F-003", Decimal(value))]
    with duckdb.connect(str(kept), read_only=True) as conn:
        # CN1, and the withholdings, which the ledger computes on every build (W1, C1's).
        assert conn.execute("select movement_source, movement_id, client_id from intermediate.int_ar_ledger "
                            "where _read_through_file_id > ? and movement_source = 'document'",
                            [position]).fetchall() == [("document", "CN1", "C1")]
        assert conn.execute("select count(*) from intermediate.int_receivable_item_balances "
                            "where _read_through_file_id > ? and document_id <> 'D3'", [position]).fetchone() == (0,)
    tables, differing = tables_of(kept, full)
    assert ("marts", "statement_of_account") in tables
    assert differing == []


@pytest.fixture(scope="module")
def withdrawn(builds, split):
    """After day 5 (a copy of its home), day 3's documents export withdrawn and a build with
    nothing new at day 3's as-of date; and a full build of the five days' files without it."""
    folder = builds["folder"]
    home = Path(shutil.copytree(folder / "after_day_4", folder / "withdrawn"))
    with duckdb.connect(str(home / "build" / "cartera.duckdb")) as conn:
        withdraw_file(conn, DAY_3_DOCUMENTS)
    (folder / "nothing_after_the_withdrawal").mkdir()
    kept = build_warehouse(folder / "nothing_after_the_withdrawal", home, DAY_3, select=SELECT)
    without = Path(shutil.copytree(folder / "five_days", folder / "five_days_without"))
    (without / DAY_3_DOCUMENTS).unlink()
    full = build_warehouse(without, folder / "full_without", DAY_3, select=SELECT)
    return kept, full


DAY_3_DOCUMENTS = "documents_2025-07-01.csv"


def test_a_withdrawn_documents_export_takes_its_documents_out_of_every_kept_table(withdrawn):
    """Day 3's documents export brought D8 (100.00, new), D5's discount terms and D9 void.
    Withdrawn, D8 leaves staging without being read again by anything (nothing names it
    any more): every kept table drops it (DECISIONLOG: Documents gone from the items, by
    rule: after a withdrawal every held document is looked up); D9 is issued again and D5
    has no terms; the tables equal a full build of the files left."""
    kept, full = withdrawn
    with duckdb.connect(str(kept), read_only=True) as conn:
        for table in ("intermediate.int_receivable_item_balances", "intermediate.int_open_item_months",
                      "marts.fct_installments", "marts.fct_documents"):
            assert conn.execute(f"select count(*) from {table} where document_id = 'D8'").fetchone() == (0,), table
        assert conn.execute("select count(*) from marts.fct_documents where document_id = 'D9'").fetchone() == (1,)
    tables, differing = tables_of(kept, full)
    assert ("intermediate", "int_receivable_item_balances") in tables
    assert differing == []
