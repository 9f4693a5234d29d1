"""The overview page on the demo warehouse: its figures are the marts' figures."""

import shutil
from datetime import date

import duckdb
import pytest

from apptest import displayed, marts, metrics, open_page, run_app
from dashboards import formatting

MONTH_END = date(2026, 10, 31)


def company_kpis(home, month_end):
    return marts(
        home,
        "select * from marts.ar_kpis_monthly where month_end = ? and dimension_type = 'company'",
        [month_end],
    ).iloc[0]


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_cards_at_a_month_end_are_the_kpi_marts_figures(demo, language):
    app = open_page("app_pages/overview.py", language, as_of=MONTH_END.isoformat())

    kpis = company_kpis(demo, MONTH_END)
    shown = metrics(app)
    labels = (
        ("Total a cobrar", "Vencido", "Porcentaje vencido")
        if language == "es" else ("Total receivable", "Overdue", "Overdue share")
    )
    assert shown[labels[0]] == formatting.money(kpis["ending_ar_amount"], "EUR", language)
    assert shown[labels[1]] == formatting.money(kpis["overdue_ar_amount"], "EUR", language)
    assert shown[labels[2]] == formatting.percent(kpis["overdue_share_pct"] / 100, language)


def test_spanish_is_the_default_and_english_follows_the_switch(demo):
    app = run_app()

    assert app.title[0].value == "Resumen"
    assert app.sidebar.radio(key="language").label == "Idioma"
    assert app.sidebar.date_input[0].label == "Fecha de corte"

    app.sidebar.radio(key="language").set_value("en").run()

    assert not app.exception
    assert app.title[0].value == "Overview"
    assert app.sidebar.date_input[0].label == "As-of date"
    assert app.download_button[0].label == "Download CSV"


def test_top_overdue_clients_are_the_aging_marts_largest_overdue(demo):
    app = run_app({"lang": "en"})

    expected = marts(
        demo,
        "select client_id, overdue_amount from marts.ar_aging where overdue_amount > 0 "
        "order by overdue_amount desc, client_name, client_id limit 10",
    )
    table = app.dataframe[0]
    assert list(table.value["Client id"]) == list(expected["client_id"])
    assert [row[3] for row in displayed(table)] == [
        formatting.money(amount, "EUR", "en") for amount in expected["overdue_amount"]
    ]


def test_a_date_before_any_balance_says_so(demo):
    app = run_app({"as_of": "2020-01-31"})

    assert app.info[0].value == "No hay saldos de clientes a 31 de enero de 2020."
    assert not app.metric


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("es", "Aún no hay datos publicados. Ejecuta `cartera refresh`"),
        ("en", "No data published yet. Run `cartera refresh`"),
    ],
)
def test_without_a_published_database_the_app_says_how_to_get_one(
    tmp_path, monkeypatch, language, message
):
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))
    app = run_app({"lang": language})

    assert app.info[0].value.startswith(message)
    assert not app.metric
    assert not (tmp_path / "cartera.duckdb").exists()


def test_a_published_database_without_balances_is_treated_as_not_published_yet(
    demo_home, tmp_path, monkeypatch
):
    shutil.copy(demo_home / "cartera.duckdb", tmp_path / "cartera.duckdb")
    with duckdb.connect(str(tmp_path / "cartera.duckdb")) as connection:
        connection.execute("delete from marts.ar_aging")
    monkeypatch.delenv("CARTERA_PUBLISHED_DB", raising=False)
    monkeypatch.setenv("CARTERA_HOME", str(tmp_path))

    app = run_app()

    assert app.info[0].value.startswith("Aún no hay datos publicados.")
    assert not app.sidebar.date_input


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_cards_show_their_change_since_the_previous_month_end(demo, language):
    """At 31/10/2026 the previous month end is 30/09/2026: the change of the receivable is
    ar_kpis_monthly's ending AR of October minus its beginning AR (September's ending)."""
    app = open_page("app_pages/overview.py", language, as_of=MONTH_END.isoformat())

    kpis = company_kpis(demo, MONTH_END)
    total_label = "Total a cobrar" if language == "es" else "Total receivable"
    card = next(metric for metric in app.metric if metric.label == total_label)
    assert card.delta == formatting.signed_money(
        kpis["ending_ar_amount"] - kpis["beginning_ar_amount"], "EUR", language
    )
    previous = company_kpis(demo, date(2026, 9, 30))
    overdue_label = "Vencido" if language == "es" else "Overdue"
    card = next(metric for metric in app.metric if metric.label == overdue_label)
    assert card.delta == formatting.signed_money(
        kpis["overdue_ar_amount"] - previous["overdue_ar_amount"], "EUR", language
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_dso_and_cei_are_the_kpi_marts_at_the_last_month_end(demo, language):
    app = open_page("app_pages/overview.py", language)

    kpis = company_kpis(demo, MONTH_END)  # the last month end before 01/11/2026
    shown = metrics(app)
    labels = {
        "es": ("DSO simple", "DSO por descuento", "Mejor DSO posible", "CEI"),
        "en": ("DSO (simple)", "DSO (countback)", "Best possible DSO", "CEI"),
    }[language]
    assert shown[labels[0]] == formatting.days(kpis["dso_simple"], language)
    assert shown[labels[1]] == formatting.days(kpis["dso_countback"], language)
    assert shown[labels[2]] == formatting.days(kpis["best_possible_dso"], language)
    assert shown[labels[3]] == formatting.percent_points(kpis["cei_pct"], language)


def test_a_single_branch_reads_that_branchs_kpis(demo):
    app = open_page("app_pages/overview.py", "en", branch="Valencia")

    kpis = marts(
        demo,
        "select * from marts.ar_kpis_monthly where month_end = ? and dimension_type = 'branch' "
        "and dimension_value = 'Valencia'",
        [MONTH_END],
    ).iloc[0]
    assert metrics(app)["DSO (simple)"] == formatting.days(kpis["dso_simple"], "en")
    assert app.caption[2].value == "Valencia, month end of Oct 2026."


def card_deltas(app, language) -> list[str | None]:
    """The deltas of the receivable and overdue cards."""
    labels = {"es": ("Total a cobrar", "Vencido"), "en": ("Total receivable", "Overdue")}[language]
    deltas = {metric.label: metric.delta for metric in app.metric}
    return [deltas[label] for label in labels]


def totals_row(home, dimension_type, dimension_value):
    return marts(
        home,
        "select * from marts.ar_totals where as_of_date = (select max(as_of_date) from marts.ar_totals) "
        "and dimension_type = ? and dimension_value = ?",
        [dimension_type, dimension_value],
    ).iloc[0]


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_cards_change_at_the_as_of_date_is_the_totals_mart(demo, language):
    """At 01/11/2026 against 31/10/2026: the company's row of ar_totals, and with one grade
    chosen that grade's row."""
    app = open_page("app_pages/overview.py", language)
    company = totals_row(demo, "company", "all")
    assert card_deltas(app, language) == [
        formatting.signed_money(company["open_balance_change"], "EUR", language),
        formatting.signed_money(company["overdue_change"], "EUR", language),
    ]

    app = open_page("app_pages/overview.py", language, grade="E")
    grade = totals_row(demo, "grade", "E")
    assert card_deltas(app, language) == [
        formatting.signed_money(grade["open_balance_change"], "EUR", language),
        formatting.signed_money(grade["overdue_change"], "EUR", language),
    ]


def test_two_grades_chosen_change_by_the_sum_of_their_rows(demo):
    """No ar_totals row answers for grades D and E together: the page sums the clients'
    rows itself, and money adds up, so the change is the sum of the two grades' changes."""
    app = open_page("app_pages/overview.py", "en", grade=["D", "E"])
    rows = [totals_row(demo, "grade", grade) for grade in ("D", "E")]
    assert card_deltas(app, "en") == [
        formatting.signed_money(sum(row["open_balance_change"] for row in rows), "EUR", "en"),
        formatting.signed_money(sum(row["overdue_change"] for row in rows), "EUR", "en"),
    ]


@pytest.mark.parametrize(("language", "name", "month"), [
    ("es", "Construcción", "cierre de oct 2026"), ("en", "Construction", "month end of Oct 2026"),
])
def test_a_single_segment_reads_that_segments_kpis_under_its_name(demo, language, name, month):
    """The segment chosen in the URL is the exports' code (dim_clients.segment); the
    indicators are that segment's row of ar_kpis_monthly, and the caption names it."""
    app = open_page("app_pages/overview.py", language, segment="construction")

    kpis = marts(
        demo,
        "select * from marts.ar_kpis_monthly where month_end = ? and dimension_type = 'segment' "
        "and dimension_value = 'construction'",
        [MONTH_END],
    ).iloc[0]
    dso_label = "DSO simple" if language == "es" else "DSO (simple)"
    assert metrics(app)[dso_label] == formatting.days(kpis["dso_simple"], language)
    assert f"{name}, {month}." in [caption.value for caption in app.caption]
    assert app.sidebar.multiselect(key="filter_segment").value == ["construction"]


@pytest.mark.parametrize(
    ("language", "note"),
    [("es", "La previsión existe solo a la fecha de los datos publicados, el 1 de noviembre de 2026"),
     ("en", "The forecast exists only at the date of the published data, 1 November 2026")],
)
def test_an_earlier_date_says_the_forecast_is_the_published_dates(demo, language, note):
    app = open_page("app_pages/overview.py", language, as_of=MONTH_END.isoformat())
    assert any(info.value.startswith(note) for info in app.info), [info.value for info in app.info]
