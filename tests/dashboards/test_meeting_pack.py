"""The meeting pack as PDF and Excel on the demo warehouse, parsed back: the queue of one
salesperson's clients (the sidebar's filter), and a client's page and row whose figures are
the marts' (credit_limits, ar_aging) with its decision from the store."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from apptest import marts
from dashboards import credit_texts, db, formatting
from dashboards.app_state import add_user, decisions_of_client, open_store, record_decision
from dashboards.app_state.settings import StoreSettings
from dashboards.meeting_pack import MeetingPack, meeting_pack_pdf, meeting_pack_xlsx
from dashboards.queries import committee
from dashboards.selection import Filters
from tests.app_state.conftest import CHEAP_ARGON2, SHELL

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def pack(demo_home: Path, tmp_path_factory) -> tuple[MeetingPack, dict]:
    """The pack of the salesperson of the most urgent client in the queue, that client's
    mart figures, and one decision on it in a store of this module's own."""
    first = marts(demo_home, """
        select limits.*, coalesce(aging.overdue_amount, 0) as overdue_amount,
            coalesce(aging.in_dispute_amount, 0) as in_dispute_amount
        from marts.credit_limits as limits left join marts.ar_aging as aging using (client_id)
        where limits.is_review_due
        order by limits.is_in_breach desc, limits.days_in_breach desc nulls last, limits.exposure_amount desc
        limit 1""").iloc[0].to_dict()
    database = db.PublishedDatabase(db.file_identity(demo_home / "cartera.duckdb"))
    filters = Filters(salespeople=(first["salesperson"],))
    queue = committee.review_cards(database, filters)
    store = open_store(settings=StoreSettings(url=f"sqlite:///{tmp_path_factory.mktemp('pack') / 'app.sqlite'}",
                                              **CHEAP_ARGON2))
    add_user(store, "comite", "committee", "comite-secret", actor=SHELL)
    record_decision(store, "comite", first["client_id"], "reduce", Decimal("1500.00"), "EUR", "retrasos",
                    date(2027, 2, 1), date(2026, 11, 5))
    decisions = {client_id: decisions_of_client(store, client_id) for client_id in queue["client_id"]}
    store.close()
    as_of = marts(demo_home, "select max(as_of_date) as as_of from marts.credit_limits")["as_of"][0]
    history = committee.exposure_history(database, tuple(queue["client_id"]))
    return MeetingPack(as_of, "EUR", queue, history, decisions), first


def test_the_queue_is_the_salespersons_clients_due_for_review(demo_home, pack):
    meeting, first = pack
    expected = marts(demo_home, "select client_id from marts.credit_limits where is_review_due and salesperson = ?",
                     [first["salesperson"]])
    assert sorted(meeting.queue["client_id"]) == sorted(expected["client_id"])
    assert meeting.queue["client_id"].iloc[0] == first["client_id"]
    # 12 month ends per client for the chart.
    assert len(meeting.history) == 12 * len(meeting.queue)


@pytest.mark.parametrize("language", ["es", "en"])
def test_pdf_has_the_queue_then_a_page_per_client_with_the_marts_figures(pack, language):
    meeting, first = pack
    reader = PdfReader(io.BytesIO(meeting_pack_pdf(meeting, language)))
    pages = [page.extract_text().replace(NBSP, " ") for page in reader.pages]

    client_pages = [text for text in pages if text.startswith(f"{first['client_name']} ({first['client_id']})")]
    assert len(client_pages) == 1
    assert len(pages) >= 1 + len(meeting.queue)
    page = client_pages[0]

    def money(amount):
        return formatting.money(amount, "EUR", language).replace(NBSP, " ")

    for amount in ("exposure_amount", "recommended_limit_amount", "overdue_amount", "in_dispute_amount"):
        assert money(first[amount]) in page, amount
    assert money(first["credit_limit_amount"]) in page
    assert credit_texts.action_label("reduce", language) in page
    assert "retrasos" in page
    # The rationale's sentence, which the PDF may wrap over lines.
    rationale = credit_texts.rationale(first, "EUR", language).replace(NBSP, " ")
    assert rationale.replace(" ", "") in page.replace("\n", "").replace(" ", "")


def test_excel_rows_are_typed_and_equal_the_marts(pack):
    meeting, first = pack
    workbook = load_workbook(io.BytesIO(meeting_pack_xlsx(meeting, "es")))
    queue, decisions = workbook.worksheets
    header = [cell.value for cell in queue[1]]
    rows = {row[0]: dict(zip(header, row)) for row in queue.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(meeting.queue["client_id"])
    row = rows[first["client_id"]]

    def exact(value):
        return Decimal(str(value)).quantize(Decimal("0.01"))

    assert exact(row["Riesgo vivo"]) == first["exposure_amount"]
    assert exact(row["Límite recomendado"]) == first["recommended_limit_amount"]
    assert exact(row["Vencido"]) == first["overdue_amount"]
    assert row["Días excedido"] == first["days_in_breach"]
    assert Decimal(str(row["Utilización"])).quantize(Decimal("0.000001")) == (
        first["utilisation_pct"] * Decimal("0.01")
    ).quantize(Decimal("0.000001"))
    number_formats = {cell.value: queue.cell(row=2, column=index).number_format
                      for index, cell in enumerate(queue[1], start=1)}
    assert "€" in number_formats["Riesgo vivo"]
    assert number_formats["Utilización"] == "0.00%"
    assert row["Cómo se calcula el límite recomendado"] == (
        credit_texts.rationale(first, "EUR", "es")
    )
    decision_rows = list(decisions.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4], exact(r[5]), r[6], r[8]) for r in decision_rows] == [
        (first["client_id"], "Reducir el límite", Decimal("1500.00"), "EUR", "retrasos"),
    ]
