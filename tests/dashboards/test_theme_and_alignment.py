"""Readable in light and dark: every chart follows Streamlit's theme (no paper or font colour
of its own), and every figure in a table is right-aligned. The browser test
tests/browser/test_dark_theme.py looks at the pages in the dark theme itself."""

import json
from numbers import Number

import pytest

from apptest import mart_value, open_page

PAGES = {  # page: (draws charts, opens the demo's busiest client)
    "app_pages/overview.py": (True, False),
    "app_pages/aging.py": (False, False),
    "app_pages/payment_behavior.py": (True, False),
    "app_pages/concentration.py": (True, False),
    "app_pages/client_file.py": (True, True),
}


@pytest.fixture
def busiest_client(demo):
    return mart_value(
        demo,
        "select client_id from marts.statement_of_account group by client_id "
        "order by count(*) desc, client_id limit 1",
    )


@pytest.mark.parametrize("page", list(PAGES))
def test_charts_follow_the_theme_and_figures_are_right_aligned(demo, busiest_client, page):
    has_charts, opens_client = PAGES[page]
    app = open_page(page, "es", **({"client_id": busiest_client} if opens_client else {}))

    charts = app.get("plotly_chart")
    assert (len(charts) > 0) == has_charts
    for chart in charts:
        assert chart.proto.theme == "streamlit"
        layout = json.loads(chart.proto.spec)["layout"]
        assert "paper_bgcolor" not in layout and "plot_bgcolor" not in layout
        assert "color" not in layout.get("font", {})
        assert "template" not in layout or not layout["template"].get("layout", {}).get("paper_bgcolor")

    checked = 0
    for table in app.dataframe:
        alignment = {name: options.get("alignment")
                     for name, options in json.loads(table.proto.columns or "{}").items()}
        frame = table.value
        for column in frame.columns:
            values = frame[column].dropna()
            if len(values) and all(
                isinstance(value, Number) and not isinstance(value, bool) for value in values
            ):
                assert alignment.get(column) == "right", (page, column)
                checked += 1
    assert checked > 0
