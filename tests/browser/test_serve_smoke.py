"""The served demo in Chromium: the app answers and draws its first page."""

from tests.browser.streamlit_page import open_page


def test_the_overview_is_drawn_from_the_demo_warehouse(served_demo, page):
    open_page(page, served_demo, "", "Resumen")

    assert page.get_by_text("Total a cobrar").first.is_visible()
