"""The credit committee in a real browser, end to end: comite signs in, records a decision
on the most urgent client, downloads the meeting pack and finds that client's figures in
it; `cartera refresh` on the same home then puts the decision in
marts.credit_decision_history and makes it the client's limit in marts.credit_limits.
Screenshots of the queue, the client card and the decision form in Spanish and English.

One home for the module: a copy of the session's demo home (the demo's own is read-only)
with a store holding comite, served by `cartera serve`; one refresh, at the end."""

import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from dashboards import formatting
from dashboards.app_state import add_user, open_store
from dashboards.app_state.settings import StoreSettings
from tests.app_state.conftest import CHEAP_ARGON2, SHELL
from tests.browser.conftest import serving
from tests.browser.streamlit_page import READY_MS, choose_option, settle, wait_for_heading
from tests.e2e.conftest import assert_succeeded, run_refresh

NBSP = "\u00a0"
PASSWORD = "comite-e2e-secret"
NEW_LIMIT = Decimal("12345.67")
REASON = "Dos años pagando a tiempo; sube el volumen"
HEADINGS = {"es": "Comité de crédito", "en": "Credit committee"}


@pytest.fixture(scope="module")
def committee_home(demo_home: Path, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("committee_home") / "home"
    shutil.copytree(demo_home, home)
    store = open_store(settings=StoreSettings(url=f"sqlite:///{home / 'app.sqlite'}", **CHEAP_ARGON2))
    add_user(store, "comite", "committee", PASSWORD, actor=SHELL)
    store.close()
    return home


@pytest.fixture(scope="module")
def served(committee_home: Path, tmp_path_factory) -> Iterator[str]:
    """The copy served with its own store (the one the refresh then reads)."""
    store_url = f"sqlite:///{committee_home / 'app.sqlite'}"
    with serving(committee_home, store_url, tmp_path_factory.mktemp("committee_serve")) as url:
        yield url


def marts(home: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "cartera.duckdb"), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture(scope="module")
def urgent(committee_home: Path) -> dict:
    """The queue's first client (in breach the longest), its figures as the marts hold them."""
    columns = ["client_id", "client_name", "branch", "salesperson", "exposure_amount", "recommended_limit_amount",
               "credit_limit_amount", "erp_credit_limit_amount"]
    [row] = marts(committee_home, f"""
        select {', '.join(columns)} from marts.credit_limits where is_review_due
        order by is_in_breach desc, days_in_breach desc nulls last,
            length(review_reasons) - length(replace(review_reasons, ',', '')) desc, exposure_amount desc, client_id
        limit 1""")
    return dict(zip(columns, row))


def sign_in(page: Page, base_url: str, language: str, **params: str) -> None:
    """The login page, then the committee page as comite, with the URL's `params`."""
    query = urlencode(({"lang": "en"} if language == "en" else {}) | params)
    page.goto(f"{base_url}/committee" + (f"?{query}" if query else ""))
    page.get_by_role("textbox", name=re.compile("^(Usuario|User name)$")).fill("comite")
    page.locator('input[type="password"]').fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Entrar|Sign in)$")).click()
    wait_for_heading(page, HEADINGS[language])


@pytest.mark.parametrize("language", ["es", "en"])
def test_queue_card_and_form_screenshots(served, page, screenshot_dirs, language, urgent):
    sign_in(page, served, language)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text(urgent["client_name"]).first).to_be_visible()
    card = page.locator(".st-key-committee_card")
    expect(card.get_by_role("heading", name=("Ficha de " if language == "es" else "") + urgent["client_name"])).to_be_visible()
    for folder in screenshot_dirs:
        page.locator(".st-key-committee_queue_section").screenshot(path=str(folder / f"committee_queue_{language}.png"))
        card.screenshot(path=str(folder / f"committee_card_{language}.png"))
    form = page.locator('[data-testid="stForm"]')
    form.scroll_into_view_if_needed()
    for folder in screenshot_dirs:
        form.screenshot(path=str(folder / f"committee_form_{language}.png"))


def test_another_client_is_found_and_its_card_opened_in_two_steps(served, committee_home, page, urgent):
    """Part of a name typed in the search, then one of the matches: the card and the URL
    are that client's."""
    [(client_id, name, tax_id)] = marts(committee_home, """
        select limits.client_id, limits.client_name, clients.tax_id
        from marts.credit_limits as limits
        inner join marts.dim_clients as clients on clients.client_id = limits.client_id and clients.is_current
        where limits.client_id <> ? order by limits.client_id limit 1""", [urgent["client_id"]])
    sign_in(page, served, "es")
    search = page.get_by_label("Buscar cliente")
    search.fill(name[:-3])
    search.press("Enter")
    picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Clientes encontrados")
    expect(picker).to_be_visible(timeout=READY_MS)
    choose_option(page, picker, f"{name} · {tax_id} · {client_id}")
    card = page.locator(".st-key-committee_card")
    expect(card.get_by_role("heading", name=f"Ficha de {name}")).to_be_visible(timeout=READY_MS)
    expect(card.get_by_text(f"Código {client_id}")).to_be_visible()
    assert f"client_id={client_id}" in page.url


def test_a_decision_recorded_reaches_the_pack_and_after_a_refresh_the_marts(
    served, committee_home, page, urgent, tmp_path
):
    # The pack of the client's branch and salesperson (the sidebar's filters): the whole
    # demo queue would be some 300 pages.
    sign_in(page, served, "es", branch=urgent["branch"], salesperson=urgent["salesperson"])
    form = page.locator('[data-testid="stForm"]')
    form.scroll_into_view_if_needed()
    settle(page)
    choose_option(page, form.locator('[data-testid="stSelectbox"]'), "Subir el límite")
    form.get_by_role("textbox", name="Nuevo límite").fill("12.345,67")
    form.get_by_role("textbox", name="Motivo (obligatorio)").fill(REASON)
    form.get_by_role("button", name="Registrar decisión").click()
    settle(page)
    expect(page.get_by_text(re.compile("Decisión registrada: Subir el límite"))).to_be_visible(timeout=READY_MS)
    # The history grid draws on a canvas; its accessible cells hold the text.
    expect(page.get_by_text(REASON).first).to_be_attached()

    with page.expect_download() as pdf_download:
        page.get_by_role("button", name="Dosier en PDF").click()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    pages = [p.extract_text().replace(NBSP, " ") for p in PdfReader(pdf_path).pages]
    [client_page] = [text for text in pages if text.startswith(f"{urgent['client_name']} ({urgent['client_id']})")]
    for amount in ("exposure_amount", "recommended_limit_amount"):
        assert formatting.money(urgent[amount], "EUR", "es").replace(NBSP, " ") in client_page
    assert REASON in client_page.replace("\n", " ")

    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="Dosier en Excel").click()
    xlsx_path = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(xlsx_path)
    queue = load_workbook(xlsx_path).worksheets[0]
    header = [cell.value for cell in queue[1]]
    [row] = [dict(zip(header, values)) for values in queue.iter_rows(min_row=2, values_only=True)
             if values[0] == urgent["client_id"]]
    assert Decimal(str(row["Riesgo vivo"])).quantize(Decimal("0.01")) == urgent["exposure_amount"]

    assert_succeeded(run_refresh(committee_home))
    history = marts(committee_home, """
        select decision, credit_limit_amount, currency_code, decided_by, decision_reason
        from marts.credit_decision_history where client_id = ?""", [urgent["client_id"]])
    assert history == [("raise", NEW_LIMIT, "EUR", "comite", REASON)]
    limits = marts(committee_home, """
        select credit_limit_source, credit_limit_amount, erp_credit_limit_amount, has_erp_limit_mismatch
        from marts.credit_limits where client_id = ?""", [urgent["client_id"]])
    assert limits == [("committee", NEW_LIMIT, urgent["erp_credit_limit_amount"],
                       urgent["erp_credit_limit_amount"] != NEW_LIMIT)]
