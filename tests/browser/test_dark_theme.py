"""The dashboards in Streamlit's dark theme, in a real browser: every page draws without an
error on a dark background, no card's figure is cut off, and the charts follow the theme
(no white paper left behind). Screenshots of three pages in the dark theme.

The app is served here with the theme forced to dark (STREAMLIT_THEME_BASE, the
environment form of `--theme.base dark`), from the session's demo warehouse, signing in
as the demo viewer like the light one.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serving
from tests.browser.streamlit_page import open_page, screenshot
from tests.browser.test_dashboards_e2e import PAGES

DARK_SCREENSHOTS = {"overview", "payment_behavior", "client_file"}


@pytest.fixture(scope="module")
def served_dark(demo_home: Path, demo_logins: str, tmp_path_factory) -> Iterator[str]:
    """The base URL of the demo warehouse served with the dark theme for this module."""
    with serving(demo_home, demo_logins, tmp_path_factory.mktemp("serve_dark"), STREAMLIT_THEME_BASE="dark") as url:
        yield url


def luminance(css_colour: str) -> float:
    """Relative brightness 0 (black) to 1 (white) of an 'rgb(r, g, b)' / 'rgba(...)' colour."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_colour)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


CUT_OFF_METRICS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
    .filter(element => element.scrollWidth > element.clientWidth + 1)
    .map(element => element.innerText)"""

CHART_PAPERS = """() => [...document.querySelectorAll('.js-plotly-plot .main-svg')]
    .map(svg => getComputedStyle(svg).backgroundColor)
    .concat([...document.querySelectorAll('.js-plotly-plot rect.bg')]
        .map(rect => rect.getAttribute('style') || ''))"""


def test_every_page_draws_in_the_dark_theme(served_dark, page, screenshot_dirs, demo_home):
    """Every page in Spanish (the default) on the dark theme; the client file opens the
    demo's busiest client."""
    with duckdb.connect(str(demo_home / "cartera.duckdb"), read_only=True) as connection:
        (client_id,) = connection.execute(
            "select client_id from marts.statement_of_account group by client_id "
            "order by count(*) desc, client_id limit 1"
        ).fetchone()
    for url_path, spanish, _, name in PAGES:
        params = {"client_id": client_id} if url_path == "client" else {}
        open_page(page, served_dark, url_path, spanish, **params)
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        background = page.evaluate(
            "() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor"
        )
        assert luminance(background) < 0.2, (name, background)
        assert page.evaluate(CUT_OFF_METRICS) == [], name
        white = [paper for paper in page.evaluate(CHART_PAPERS)
                 if "rgb(255, 255, 255)" in paper.replace("fill: ", "")]
        assert white == [], (name, white)
        if name in DARK_SCREENSHOTS:
            screenshot(page, screenshot_dirs, f"{name}_dark")
