"""The aging of a small hand-made fixture, end to end through `cartera refresh`.

Fixture (tests/fixtures/aging_inbox), as of 2025-06-30, reporting currency EUR:

Client C1 (EUR)
- D1 invoice of 1,210.00 issued 2025-03-01 in three instalments:
  #1 400.00 due 2025-03-31, #2 400.00 due 2025-04-30, #3 410.00 due 2025-05-30.
- R1 receipt 500.00 on 2025-04-05: 400.00 allocated to instalment #1, 100.00 to D1
  without instalment.
- CN1 credit note of 121.00 on 2025-04-15 correcting D1.
- W1 IRPF withholding of 60.00 on 2025-06-05 on D1.
- D2 invoice of 605.00 issued 2025-06-10, due 2025-07-10, no instalment rows.
- R2 receipt 300.00 on 2025-06-20, not allocated: unapplied cash.

D1: #1 is paid by its named allocation. Money without an instalment goes oldest due
first: 100.00 + 121.00 + 60.00 = 281.00 to #2, leaving #2 = 400.00 - 281.00 = 119.00 and
#3 = 410.00.
- #2 due 2025-04-30: 31 (May) + 30 (June) = 61 days past due -> 61-90.
- #3 due 2025-05-30: 1 (May 31) + 30 (June) = 31 days past due -> 31-60.
- D2 due 2025-07-10 -> not due: 605.00.
C1 open balance = 605.00 + 410.00 + 119.00 = 1,134.00
  = invoices 1,210.00 + 605.00 - credit note 121.00 - withholding 60.00 - applied 500.00.
Unapplied cash 300.00; net balance 1,134.00 - 300.00 = 834.00. Overdue 410.00 + 119.00 = 529.00.

Client C2
- D3 invoice of 1,100.00 USD issued 2025-01-10, due 2025-02-09. ECB rate that day
  1.1000 USD per EUR: 1,100.00 / 1.1 = 1,000.00 EUR. Days past due:
  19 (Feb) + 31 + 30 + 31 + 30 = 141 -> over 120.
- CN2 unlinked credit note of 50.00 EUR issued 2025-06-01: a negative item aged from
  its date, 29 days -> 1-30: -50.00.
- D4 is void: counts for nothing.
C2 open balance = 1,000.00 - 50.00 = 950.00, all overdue.

At the 2025-05-31 month end (ar_aging_monthly, and ar_aging_at for that date): W1 and R2
and D2 and CN2 are later. C1: #2 = 400.00 - 100.00 - 121.00 = 179.00 (31 days -> 31-60),
#3 = 410.00 (1 day -> 1-30): 589.00. C2: D3 1,000.00 (111 days -> 91-120).
"""

import json
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from orchestration.ingest.raw_tables import ensure_raw_schema
from tests.e2e.conftest import assert_succeeded, fill_inbox

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aging_inbox"
BUCKETS = ["not_due_amount", "days_1_30_amount", "days_31_60_amount", "days_61_90_amount", "days_91_120_amount", "days_over_120_amount"]


@pytest.fixture(scope="module")
def home(tmp_path_factory, refresh):
    home = tmp_path_factory.mktemp("aging_fixture")
    fill_inbox(home, FIXTURE)
    assert_succeeded(refresh(home, "--as-of", "2025-06-30"))
    return home


@pytest.fixture
def published(home):
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as conn:
        yield conn


def aging_rows(conn, relation: str, *params) -> dict:
    columns = ", ".join(BUCKETS + ["open_balance_amount", "overdue_amount", "unapplied_cash_amount", "net_balance_amount"])
    rows = conn.execute(f"select client_id, {columns} from {relation} order by client_id", list(params)).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_aging_as_of_the_build_date(published):
    assert aging_rows(published, "marts.ar_aging") == {
        #       not due   1-30      31-60      61-90      91-120   >120        open         overdue     unapplied  net
        "C1": (D("605.00"), D("0.00"), D("410.00"), D("119.00"), D("0.00"), D("0.00"), D("1134.00"), D("529.00"), D("300.00"), D("834.00")),
        "C2": (D("0.00"), D("-50.00"), D("0.00"), D("0.00"), D("0.00"), D("1000.00"), D("950.00"), D("950.00"), D("0.00"), D("950.00")),
    }


def test_aging_at_a_month_end_from_the_same_definition(published):
    expected = {
        "C1": (D("0.00"), D("410.00"), D("179.00"), D("0.00"), D("0.00"), D("0.00"), D("589.00"), D("589.00"), D("0.00"), D("589.00")),
        "C2": (D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("1000.00"), D("0.00"), D("1000.00"), D("1000.00"), D("0.00"), D("1000.00")),
    }
    assert aging_rows(published, "marts.ar_aging_monthly where as_of_date = ?", "2025-05-31") == expected
    assert aging_rows(published, "marts.ar_aging_at(cast(? as date))", "2025-05-31") == expected


def test_installments_carry_their_own_outstanding_and_days_past_due(published):
    rows = published.execute(
        "select installment_key, outstanding_amount, days_past_due from marts.fct_installments "
        "where document_id = 'D1' order by installment_no"
    ).fetchall()
    assert rows == [("D1|1", D("0.00"), 0), ("D1|2", D("119.00"), 61), ("D1|3", D("410.00"), 31)]


def test_documents_paid_withheld_credited_and_outstanding(published):
    rows = published.execute(
        "select document_id, total_amount, paid_amount, withheld_amount, credited_amount, outstanding_amount, "
        "total_reporting_amount, last_payment_date from marts.fct_documents order by document_id"
    ).fetchall()
    assert [row[:7] for row in rows] == [
        ("CN1", D("121.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("121.00")),
        ("CN2", D("50.00"), D("0.00"), D("0.00"), D("0.00"), D("-50.00"), D("50.00")),
        ("D1", D("1210.00"), D("500.00"), D("60.00"), D("121.00"), D("529.00"), D("1210.00")),
        ("D2", D("605.00"), D("0.00"), D("0.00"), D("0.00"), D("605.00"), D("605.00")),
        ("D3", D("1100.00"), D("0.00"), D("0.00"), D("0.00"), D("1100.00"), D("1000.00")),
    ]
    assert str(rows[2][7]) == "2025-04-05"


def test_a_second_refresh_loads_nothing_twice(home, refresh, published):
    published.close()
    assert_succeeded(refresh(home, "--as-of", "2025-06-30"))
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as conn:
        assert conn.execute("select count(*) from raw.documents").fetchall() == [(6,)]
        assert conn.execute("select count(*) from raw.file_registry where status = 'loaded'").fetchall() == [(7,)]
        assert aging_rows(conn, "marts.ar_aging")["C1"][6] == D("1134.00")
    # Each dbt build of the two refreshes passed and was published (orchestration/builds.py).
    with duckdb.connect(str(home / "build" / "cartera.duckdb"), read_only=True) as conn:
        builds = conn.execute("select passed_at is not null, published_at is not null from raw.dbt_builds").fetchall()
    assert builds and set(builds) == {(True, True)}


def test_a_failing_check_stops_the_publish_and_says_why_in_words(tmp_path, refresh):
    """A row that fails a dbt test, put straight into raw as a stand-in for a bug (the
    ingestion checks keep such rows out of raw): an allocation of a receipt that does not
    exist fails the relationships test in dbt build, so nothing is published; the refresh
    names the rule, the value and the file, exits 1 and records the failure in its history."""
    fill_inbox(tmp_path, FIXTURE)
    (tmp_path / "build").mkdir()
    with duckdb.connect(str(tmp_path / "build" / "cartera.duckdb")) as conn:
        ensure_raw_schema(conn)
        conn.execute(
            "insert into raw.allocations (receipt_id, document_id, installment_no, amount, _file_id, _source_file, "
            "_sha256, _line_number, _loaded_at) values ('R9', 'D2', null, 605.00, 0, 'allocations_2.csv', '', 2, now())"
        )

    result = refresh(tmp_path, "--as-of", "2025-06-30")

    assert result.returncode == 1, result.stdout[-4000:]
    because = (
        "1 row(s) break the rule that every receipt_id of stg_invoicing__allocations names a receipt_id "
        "of stg_invoicing__receipts: receipt_id R9; in file(s) allocations_2.csv"
    )
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line == f"refresh failed: the published warehouse was left as it was: {because}"
    assert "  as of 2025-06-30" in result.stdout
    assert not (tmp_path / "cartera.duckdb").exists()
    with duckdb.connect(str(tmp_path / "build" / "cartera.duckdb"), read_only=True) as conn:
        builds = conn.execute("select passed_at is not null, published_at is not null from raw.dbt_builds").fetchall()
    assert builds == [(False, False)]
    (record,) = [json.loads(line) for line in (tmp_path / "refresh_history.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (record["outcome"], record["exit_code"], render(record["message"], "en")) == ("failed", 1, last_line)
    failed = [check for check in record["checks"] if not check["passed"]]
    assert [(check["asset"], check["severity"], render(check["description"], "en")) for check in failed] == [
        ("staging/stg_invoicing__allocations", "error", because)
    ]


def test_overview_dashboard_reads_the_published_warehouse(home, monkeypatch, tmp_path):
    """The four cards: total receivable 1,134.00 + 950.00 = 2,084.00; overdue 529.00 +
    950.00 = 1,479.00; share 1,479.00 / 2,084.00 = 70.97 % -> 71,0 %; unapplied cash 300.00.
    (The collection KPIs beside them are tested on the demo in tests/dashboards.)"""
    from tests.dashboards.apptest import add_test_users, run_app

    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.setenv("CARTERA_HOME", str(home))
    store_url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    monkeypatch.setenv("CARTERA_APP_DB_URL", store_url)
    add_test_users(store_url)
    app = run_app()

    nbsp = "\u00a0"
    cards = {"Total a cobrar", "Vencido", "Porcentaje vencido", "Cobros sin aplicar"}
    assert {metric.label: metric.value for metric in app.metric if metric.label in cards} == {
        "Total a cobrar": f"2.084,00{nbsp}€",
        "Vencido": f"1.479,00{nbsp}€",
        "Porcentaje vencido": f"71,0{nbsp}%",
        "Cobros sin aplicar": f"300,00{nbsp}€",
    }


def test_cartera_serve_answers_on_its_port_and_leaves_no_process_when_terminated(home):
    """`cartera serve` starts Streamlit on the published warehouse and prints its URL.
    Streamlit replaces the `cartera` process (same pid), so a SIGTERM reaches the server:
    after it, the pid and every process it had started are gone and the port is closed."""
    import socket
    import subprocess
    import time
    import urllib.request

    from tests.e2e.conftest import CARTERA, descendants, pid_alive

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(CARTERA), "serve", "--home", str(home), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert server.stdout.readline().strip() == f"cartera dashboards: http://localhost:{port}"
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and health != "ok":
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    health = response.read().decode()
            except OSError:
                time.sleep(0.5)
        assert health == "ok"
        assert b"streamlit" in Path(f"/proc/{server.pid}/cmdline").read_bytes()
        started = descendants(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert not pid_alive(server.pid)
    assert not [pid for pid in started if pid_alive(pid)]
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
