"""The app run headless with AppTest from its entrypoint, over a real published DuckDB file."""

from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
NBSP = "\u00a0"

# Hand-computed from the March rows of the fixture (the warehouse's as-of date):
# open 1850.50 + 3500.25 + 800.00 + 2999.99; overdue 850.50 + 1500.25 + 0 + 2999.99;
# share 5350.74 / 9150.74 = 58.47 %; unapplied 50.00 + 120.00.
MARCH_METRICS_ES = {
    "Total a cobrar": f"9.150,74{NBSP}€",
    "Vencido": f"5.350,74{NBSP}€",
    "Porcentaje vencido": f"58,5{NBSP}%",
    "Cobros sin aplicar": f"170,00{NBSP}€",
}
MARCH_METRICS_EN = {
    "Total receivable": "€9,150.74",
    "Overdue": "€5,350.74",
    "Overdue share": "58.5%",
    "Unapplied cash": "€170.00",
}


def run_app() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def displayed(table) -> list[list[str]]:
    """The cells of a styled st.dataframe as the user reads them."""
    display = table.proto.arrow_data.styler.display_values
    return dataframe_util.convert_arrow_bytes_to_pandas_df(display).values.tolist()


def test_overview_shows_the_totals_formatted_for_spanish_by_default(cartera_home):
    app = run_app()

    assert metrics(app) == MARCH_METRICS_ES
    assert app.title[0].value == "Resumen"
    assert app.caption[0].value == "Saldos a 31 de marzo de 2026, en EUR."
    assert app.sidebar.radio(key="language").label == "Idioma"
    assert app.sidebar.date_input[0].label == "Fecha de corte"
    assert app.sidebar.date_input[0].value == date(2026, 3, 31)


def test_switching_to_english_translates_labels_and_formats(cartera_home):
    app = run_app()

    app.sidebar.radio(key="language").set_value("en").run()

    assert not app.exception
    assert metrics(app) == MARCH_METRICS_EN
    assert app.title[0].value == "Overview"
    assert [header.value for header in app.subheader] == [
        "Aging history (month ends)",
        "Aging as of 31 March 2026",
        "Top 10 overdue clients",
    ]
    assert app.sidebar.radio(key="language").label == "Language"
    assert app.sidebar.date_input[0].label == "As-of date"
    assert app.download_button[0].label == "Download CSV"


def test_top_overdue_clients_are_ordered_by_overdue_with_locale_money(cartera_home):
    app = run_app()

    table = app.dataframe[0]
    assert list(table.value.columns) == [
        "Cliente", "Sucursal", "Vencido", "Saldo pendiente", "Parte del vencido",
    ]
    euros = f"{NBSP}€"
    assert displayed(table) == [
        ["Almacenes Duero S.L.", "", f"2.999,99{euros}", f"2.999,99{euros}", f"56,1{NBSP}%"],
        ["Talleres Norte S.A.", "Bilbao", f"1.500,25{euros}", f"3.500,25{euros}", f"28,0{NBSP}%"],
        ["Construcciones Ebro S.L.", "Zaragoza", f"850,50{euros}", f"1.850,50{euros}",
         f"15,9{NBSP}%"],
    ]
    # The grid keeps the raw amounts underneath, so its columns sort as numbers.
    assert [float(amount) for amount in table.value["Vencido"]] == [2999.99, 1500.25, 850.50]

    app.sidebar.radio(key="language").set_value("en").run()

    assert displayed(app.dataframe[0])[1] == [
        "Talleres Norte S.A.", "Bilbao", "€1,500.25", "€3,500.25", "28.0%",
    ]


def test_an_earlier_as_of_date_reads_the_aging_at_that_date(cartera_home):
    app = run_app()

    app.sidebar.date_input[0].set_value(date(2026, 2, 28)).run()

    assert not app.exception
    # February: open 1600.00 + 3200.00 + 650.00 + 2999.99; overdue 700.00 + 1200.00 + 2999.99.
    assert metrics(app)["Total a cobrar"] == f"8.449,99{NBSP}€"
    assert metrics(app)["Vencido"] == f"4.899,99{NBSP}€"
    assert metrics(app)["Cobros sin aplicar"] == f"75,00{NBSP}€"
    assert [row[0] for row in displayed(app.dataframe[0])] == [
        "Almacenes Duero S.L.", "Talleres Norte S.A.", "Construcciones Ebro S.L.",
    ]


def test_a_date_before_any_balance_says_so(cartera_home):
    app = run_app()

    app.sidebar.date_input[0].set_value(date(2025, 12, 31)).run()

    assert not app.exception
    assert app.info[0].value == "No hay saldos de clientes a 31 de diciembre de 2025."
    assert not app.metric


def test_the_overview_page_is_reached_through_the_navigation(cartera_home):
    app = run_app()

    app.switch_page("app_pages/overview.py").run()

    assert not app.exception
    assert metrics(app) == MARCH_METRICS_ES


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
    app = run_app()

    app.sidebar.radio(key="language").set_value(language).run()

    assert not app.exception
    assert app.info[0].value.startswith(message)
    assert not app.metric
    assert not (tmp_path / "cartera.duckdb").exists()


def test_a_published_database_without_balances_is_treated_as_not_published_yet(cartera_home):
    with duckdb.connect(str(cartera_home / "cartera.duckdb")) as connection:
        connection.execute("delete from marts.ar_aging")

    app = run_app()

    assert app.info[0].value.startswith("Aún no hay datos publicados.")
    assert not app.sidebar.date_input
