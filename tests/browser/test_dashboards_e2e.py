"""The dashboards in a real browser on the served demo warehouse: the login first (a
screenshot in each language), every page in Spanish and English (with a screenshot each),
a client searched and its file opened, the as-of date changed, a CSV, an Excel file and a
statement PDF downloaded and parsed; hostile client names shown as text."""

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from dashboards import formatting
from tests.browser.conftest import serving
from tests.browser.streamlit_page import (
    PASSWORD_INPUT,
    READY_MS,
    add_option,
    open_page,
    screenshot,
    settle,
    sign_in,
    wait_for_heading,
)
from tests.dashboards.hostile_names import LINK_NAME, SCRIPT_NAME, write_hostile_copy

PAGES = [
    # url_path, Spanish heading, English heading, screenshot name
    ("", "Resumen", "Overview", "overview"),
    ("aging", "Antigüedad de saldos", "Aging", "aging"),
    ("behavior", "Comportamiento de pago", "Payment behaviour", "payment_behavior"),
    ("concentration", "Concentración", "Concentration", "concentration"),
    ("client", "Ficha de cliente", "Client file", "client_file"),
    ("worklist", "Cobranza", "Collections worklist", "worklist"),
    ("bank", "Conciliación bancaria", "Bank reconciliation", "bank"),
    ("data-quality", "Calidad de datos", "Data quality", "data_quality"),
]
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def demo_figures(demo_home):
    """The busiest client and its closing balance, read from the marts."""
    with duckdb.connect(str(demo_home / "cartera.duckdb"), read_only=True) as connection:
        client_id, closing = connection.execute(
            """
            select client_id, arg_max(running_balance_amount, movement_seq)
            from marts.statement_of_account group by client_id
            order by count(*) desc, client_id limit 1
            """
        ).fetchone()
        name, tax_id = connection.execute(
            "select legal_name, tax_id from marts.dim_clients where client_id = ? and is_current",
            [client_id],
        ).fetchone()
        as_of = connection.execute("select max(as_of_date) from marts.ar_aging").fetchone()[0]
        month_ends = [
            row[0] for row in connection.execute(
                "select distinct as_of_date from marts.ar_aging_monthly order by 1 desc limit 3"
            ).fetchall()
        ]
    return {"client_id": client_id, "closing": closing, "name": name, "tax_id": tax_id,
            "as_of": as_of, "month_ends": month_ends}


@pytest.mark.parametrize("language", ["es", "en"])
def test_every_page_draws_in_both_languages(served_demo, page, screenshot_dirs, language, demo_figures):
    for url_path, spanish, english, name in PAGES:
        params = {"lang": language} if language == "en" else {}
        if url_path == "client":
            params["client_id"] = demo_figures["client_id"]
        open_page(page, served_demo, url_path, spanish if language == "es" else english, **params)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        screenshot(page, screenshot_dirs, f"{name}_{language}")


def test_a_client_is_searched_its_file_opened_and_its_statement_downloaded(
    served_demo, demo_home, page, demo_figures, tmp_path
):
    open_page(page, served_demo, "client", "Ficha de cliente")
    search = page.get_by_label("Buscar cliente")
    search.fill(demo_figures["tax_id"])
    search.press("Enter")
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Clientes encontrados: 1")
    expect(picker).to_be_visible(timeout=READY_MS)
    settle(page)
    picker.click()
    page.get_by_role("option", name=re.compile(demo_figures["client_id"])).click()
    wait_for_heading(page, demo_figures["name"])
    assert f"client_id={demo_figures['client_id']}" in page.url

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Extracto en PDF").click()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages).replace(NBSP, " ")
    # The demo home's company.json (seeds/company.json) heads the statement.
    company = json.loads((demo_home / "company.json").read_text(encoding="utf-8"))
    header = text.splitlines()[:4]
    assert header[0] == company["name"]
    assert company["tax_id"] in header[1] and header[2] == company["address"]
    closing = formatting.money(demo_figures["closing"], "EUR", "es").replace(NBSP, " ")
    match = re.search(r"Saldo final a (\d\d/\d\d/\d{4})\s*(.+)", text)
    assert match is not None
    assert match.group(1) == demo_figures["as_of"].strftime("%d/%m/%Y")
    assert match.group(2).strip() == closing


def test_a_table_downloads_as_csv_and_excel_and_the_as_of_date_changes(
    served_demo, page, demo_figures, tmp_path
):
    open_page(page, served_demo, "bank", "Conciliación bancaria")

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Download CSV").or_(
            page.get_by_role("button", name="Descargar CSV")).first.click()
    csv_path = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_path)
    rows = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Fecha de corte"
    assert all(row[0] == demo_figures["as_of"].isoformat() for row in rows[1:])
    amounts = [Decimal(row[rows[0].index("Importe")].replace(",", ".")) for row in rows[1:]]
    assert len(amounts) >= 3 and all(amount >= 0 for amount in amounts)

    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Descargar Excel").first.click()
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)
    sheet = load_workbook(xlsx_path).active
    header = [cell.value for cell in sheet[1]]
    amount_column = header.index("Importe")
    excel_amounts = [Decimal(str(row[amount_column].value)) for row in sheet.iter_rows(min_row=2)]
    assert excel_amounts == amounts
    assert sheet.cell(row=2, column=1).is_date

    # An earlier month end, typed into the sidebar's as-of picker, reaches the URL and the page.
    earlier = demo_figures["month_ends"][1]
    open_page(page, served_demo, "", "Resumen")
    sidebar = page.locator('[data-testid="stSidebar"]')
    for part, digits in (("year", f"{earlier:%Y}"), ("month", f"{earlier:%m}"), ("day", f"{earlier:%d}")):
        sidebar.get_by_role("spinbutton", name=f"{part}, Fecha de corte").click()
        page.keyboard.type(digits)
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Resumen").click()  # leaving the field commits it
    expect(page).to_have_url(re.compile(f"as_of={earlier.isoformat()}"), timeout=READY_MS)
    expect(page.get_by_text(formatting.long_date(earlier, "es")).first).to_be_visible(timeout=READY_MS)


def test_a_segment_chosen_in_english_is_kept_through_a_page_change_and_the_language_switch(
    served_demo, demo_home, page
):
    """Retail chosen by its English name: the URL holds the code, the overview's indicators
    are the retail row of ar_kpis_monthly under the segment's name; the aging page and the
    switch to Spanish keep it (URL, chosen value, figures)."""
    with duckdb.connect(str(demo_home / "cartera.duckdb"), read_only=True) as connection:
        month_end, dso = connection.execute(
            """
            select month_end, dso_simple from marts.ar_kpis_monthly
            where dimension_type = 'segment' and dimension_value = 'retail'
              and month_end <= (select max(as_of_date) from marts.ar_aging)
            order by month_end desc limit 1
            """
        ).fetchone()
    sidebar = page.locator('[data-testid="stSidebar"]')

    def shows_retail(language: str, name: str, month: str, dso_label: str) -> None:
        expect(page).to_have_url(re.compile(r"[?&]segment=retail(&|$)"), timeout=READY_MS)
        chosen = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text=name)
        expect(chosen).to_have_count(1)
        expect(page.get_by_text(f"{name}, {month} {formatting.month(month_end, language)}.")).to_be_visible()
        card = page.locator('[data-testid="stMetric"]').filter(has_text=dso_label)
        expect(card).to_contain_text(formatting.days(dso, language).replace(NBSP, " "))

    open_page(page, served_demo, "", "Overview", lang="en")
    add_option(page, sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Segment"), "Retail")
    settle(page)
    shows_retail("en", "Retail", "month end of", "DSO (simple)")

    sidebar.get_by_role("link", name="Aging", exact=True).click()
    wait_for_heading(page, "Aging")
    expect(page).to_have_url(re.compile(r"/aging\?.*segment=retail"), timeout=READY_MS)

    sidebar.get_by_text("Español").click()
    wait_for_heading(page, "Antigüedad de saldos")
    expect(page).to_have_url(re.compile(r"/aging\?.*segment=retail"), timeout=READY_MS)
    sidebar.get_by_role("link", name="Resumen", exact=True).click()
    wait_for_heading(page, "Resumen")
    shows_retail("es", "Comercio minorista", "cierre de", "DSO simple")


@pytest.mark.parametrize(("language", "title", "wrong", "signed_in", "sign_out"), [
    ("es", "Iniciar sesión", "Usuario o contraseña incorrectos.", "Sesión de comite (comité de crédito)", "Cerrar sesión"),
    ("en", "Sign in", "Wrong user name or password.", "Signed in as comite (credit committee)", "Sign out"),
])
def test_the_login_comes_first_and_signs_out(
    served_demo, page, screenshot_dirs, language, title, wrong, signed_in, sign_out
):
    """Opened on a page's link: the form and no data; a wrong password refused; the right
    one opens the page of the link; sign-out brings the form back."""
    page.goto(f"{served_demo}/aging?lang={language}")
    wait_for_heading(page, title)
    expect(page.locator(PASSWORD_INPUT)).to_be_visible()
    for data in ('[data-testid="stDataFrame"]', '[data-testid="stMetric"]', '[data-testid="stDateInput"]'):
        expect(page.locator(data)).to_have_count(0)
    screenshot(page, screenshot_dirs, f"login_{language}")

    sign_in(page, "comite", "not the password")
    expect(page.get_by_text(wrong)).to_be_visible(timeout=READY_MS)
    sign_in(page, "comite", "comite")
    wait_for_heading(page, "Antigüedad de saldos" if language == "es" else "Aging")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text(signed_in)).to_be_visible()
    sidebar.get_by_role("button", name=sign_out).click()
    wait_for_heading(page, title)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)


@pytest.fixture(scope="module")
def served_hostile(demo_home, demo_logins, tmp_path_factory):
    """The demo warehouse with every client renamed to attack the page, served apart."""
    home = tmp_path_factory.mktemp("hostile_home")
    names = write_hostile_copy(demo_home / "cartera.duckdb", home / "cartera.duckdb")
    with serving(home, demo_logins, home) as url:
        yield url, names


def test_hostile_client_names_run_no_script_and_link_nowhere(served_hostile, page):
    """Pages that put a client's name in a heading or a sentence, on a client named as a
    script and one named as a markdown javascript: link: no dialog opens, no link on the
    page points at javascript:, and the names read as written."""
    url, names = served_hostile
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    first = {name: min(client for client, named in names.items() if named == name) for name in (SCRIPT_NAME, LINK_NAME)}
    visits = [("concentration", "Concentración", {}, None)]
    for name, client_id in first.items():
        visits += [("client", name, {"client_id": client_id}, name),
                   ("aging", "Antigüedad de saldos", {"client_id": client_id}, name)]
    for path, heading, params, shown in visits:
        open_page(page, url, path, heading, **params)
        page.wait_for_timeout(500)  # time for a script, had one been injected, to run
        assert dialogs == []
        expect(page.locator('a[href^="javascript:" i]')).to_have_count(0)
        if shown is not None:
            expect(page.get_by_text(shown).first).to_be_visible()


def test_a_worklist_step_shows_its_list_when_opened(served_demo, page):
    """The steps' lists are drawn on demand: none before its expander is opened."""
    open_page(page, served_demo, "worklist", "Cobranza")
    step = page.locator('[class*="st-key-worklist_open_"]').first
    expect(step).to_be_visible(timeout=READY_MS)
    expect(step.locator('[data-testid="stDataFrame"]')).to_have_count(0)
    settle(page)
    step.locator("summary").click()
    expect(step.locator('[data-testid="stDataFrame"]')).to_have_count(1, timeout=READY_MS)
