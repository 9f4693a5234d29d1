"""The aging page on the demo warehouse: a row per client, totals equal to the overview's,
the by-currency view and a client's open instalments, each figure the marts'."""

import pytest

from apptest import displayed_frame, marts, metrics, open_page
from dashboards import formatting
from dashboards.plain_text import literal
from dashboards.queries import base

LABELS = {
    "es": ("Saldo pendiente", "Vencido", "En disputa", "Cobros sin aplicar"),
    "en": ("Open balance", "Overdue", "In dispute", "Unapplied cash"),
}
OVERVIEW_LABELS = {
    "es": ("Total a cobrar", "Vencido", "Cobros sin aplicar"),
    "en": ("Total receivable", "Overdue", "Unapplied cash"),
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_totals_are_the_overviews_to_the_cent(demo, language):
    aging = metrics(open_page("app_pages/aging.py", language))
    overview = metrics(open_page("app_pages/overview.py", language))

    open_balance, overdue, _, unapplied = LABELS[language]
    total, overview_overdue, overview_unapplied = OVERVIEW_LABELS[language]
    assert aging[open_balance] == overview[total]
    assert aging[overdue] == overview[overview_overdue]
    assert aging[unapplied] == overview[overview_unapplied]


@pytest.mark.parametrize("language", ["es", "en"])
def test_one_row_per_client_with_the_aging_marts_figures(demo, language):
    app = open_page("app_pages/aging.py", language)

    expected = marts(
        demo,
        "select * from marts.ar_aging order by open_balance_amount desc, client_name, client_id",
    )
    table = app.dataframe[0]
    assert list(table.value.iloc[:, 0]) == list(expected["client_id"])
    shown = displayed_frame(table)
    first = expected.iloc[0]
    open_balance, overdue, in_dispute, unapplied = LABELS[language]
    assert shown[open_balance][0] == formatting.money(first["open_balance_amount"], "EUR", language)
    assert shown[in_dispute][0] == formatting.money(first["in_dispute_amount"], "EUR", language)
    buckets = marts(demo, "select * from marts.aging_buckets order by bucket_order")
    oldest = buckets.iloc[-1]
    oldest_label = formatting.bucket_label(int(oldest["min_days"]), None, language)
    assert shown[oldest_label][0] == formatting.money(first[oldest["column_name"]], "EUR", language)
    # The client's name shows, and links to its file.
    assert shown.iloc[0, 1] == first["client_name"]
    assert table.value.iloc[0, 1].startswith("client?")


def test_the_disputed_total_is_the_aging_marts(demo):
    app = open_page("app_pages/aging.py", "en")

    disputed = marts(demo, "select sum(in_dispute_amount) as amount from marts.ar_aging")
    assert metrics(app)["In dispute"] == formatting.money(disputed["amount"][0], "EUR", "en")


@pytest.mark.parametrize("language", ["es", "en"])
def test_by_currency_in_document_and_reporting_currency(demo, language):
    app = open_page("app_pages/aging.py", language)

    expected = marts(
        demo,
        "select currency_code, sum(open_balance_amount) as open_balance_amount, "
        "sum(open_balance_reporting_amount) as reporting_amount "
        "from marts.ar_aging_by_currency group by currency_code order by currency_code",
    )
    shown = displayed_frame(app.dataframe[1])
    assert len(expected) >= 2  # the demo invoices in EUR and USD
    for row, (_, currency) in zip(shown.itertuples(index=False), expected.iterrows()):
        assert row[0] == currency["currency_code"]
        assert row[2] == formatting.money(
            currency["open_balance_amount"], currency["currency_code"], language
        )
        assert row[6] == formatting.money(currency["reporting_amount"], "EUR", language)


def test_a_chosen_client_shows_its_open_instalments(demo):
    client_id = marts(
        demo,
        "select client_id from marts.fct_installments where is_open and is_in_dispute "
        "group by client_id order by count(*) desc, client_id limit 1",
    )["client_id"][0]

    app = open_page("app_pages/aging.py", "en", client_id=client_id)

    expected = marts(
        demo,
        "select document_number, days_past_due, is_in_dispute from marts.fct_installments "
        "where client_id = ? and is_open "
        "order by due_date, document_number, installment_no",
        [client_id],
    )
    installments = app.dataframe[1].value
    assert list(installments["Document"]) == list(expected["document_number"])
    assert list(installments["Days past due"]) == list(expected["days_past_due"])
    assert list(installments["In dispute"]) == list(expected["is_in_dispute"])
    assert app.subheader[0].value.startswith("Open instalments of ")


def test_at_a_month_end_the_totals_are_the_kpi_marts(demo):
    """An earlier as-of date reads ar_aging_at(date): at 31/10/2026 the open balance and the
    overdue are ar_kpis_monthly's ending and overdue AR of the company."""
    app = open_page("app_pages/aging.py", "en", as_of="2026-10-31")

    kpis = marts(
        demo,
        "select ending_ar_amount, overdue_ar_amount from marts.ar_kpis_monthly "
        "where month_end = '2026-10-31' and dimension_type = 'company'",
    ).iloc[0]
    shown = metrics(app)
    assert shown["Open balance"] == formatting.money(kpis["ending_ar_amount"], "EUR", "en")
    assert shown["Overdue"] == formatting.money(kpis["overdue_ar_amount"], "EUR", "en")


def test_a_long_list_shows_one_page_at_a_time_in_the_same_order(demo, monkeypatch):
    """Pages of 100 rows: the first page is the first 100 clients of the whole list (largest
    open balance first), page 2 the next 100, and the caption says which of how many."""
    monkeypatch.setattr(base, "PAGE_ROWS", 100)
    expected = marts(
        demo,
        "select client_id from marts.ar_aging order by open_balance_amount desc, client_name, client_id",
    )["client_id"]
    assert len(expected) > 100  # the demo's clients fill more than one page

    app = open_page("app_pages/aging.py", "en")
    assert list(app.dataframe[0].value.iloc[:, 0]) == list(expected[:100])
    app.number_input(key="aging_clients_page").set_value(2).run()

    assert list(app.dataframe[0].value.iloc[:, 0]) == list(expected[100:200])
    last = min(200, len(expected))
    assert f"Rows 101 to {last} of {len(expected)}; the downloads hold them all." in [
        caption.value for caption in app.caption
    ]


def test_a_client_chosen_beyond_the_page_shown_is_named_and_its_instalments_shown(demo, monkeypatch):
    """Pages of 100 rows; the client is the list's last one, on another page: its name and
    open instalments still show under the list."""
    monkeypatch.setattr(base, "PAGE_ROWS", 100)
    last = marts(
        demo,
        "select client_id, client_name from marts.ar_aging "
        "order by open_balance_amount desc, client_name, client_id",
    ).iloc[-1]

    app = open_page("app_pages/aging.py", "en", client_id=last["client_id"])

    assert last["client_id"] not in list(app.dataframe[0].value.iloc[:, 0])
    assert app.subheader[0].value == f"Open instalments of {literal(last['client_name'])}"
