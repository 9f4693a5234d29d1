"""Client names are data, shown as text: on every page that lists clients, a client named
`<script>alert(1)</script>` and one named `**[x](javascript:alert(1))**` read exactly so,
in tables and in every element that renders markdown (titles, headers, sentences, alerts,
labels), and nothing on the page becomes a script or a javascript: link. The browser
counterpart (no dialog fires) is in tests/browser."""

import pytest

from apptest import displayed, open_page
from hostile_names import LINK_NAME, NAMES, SCRIPT_NAME, injected, rendered, write_hostile_copy

MARKDOWN_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success")
LABELLED_ELEMENTS = (
    "metric", "selectbox", "multiselect", "radio", "text_input", "button", "expander", "tabs",
    "date_input", "checkbox", "toggle",
)
PAGES = [
    # page, opened on a client of this name (None: no client chosen)
    ("app_pages/overview.py", None),
    ("app_pages/aging.py", SCRIPT_NAME),
    ("app_pages/aging.py", LINK_NAME),
    ("app_pages/payment_behavior.py", None),
    ("app_pages/concentration.py", None),
    ("app_pages/client_file.py", SCRIPT_NAME),
    ("app_pages/client_file.py", LINK_NAME),
    ("app_pages/worklist.py", None),
    ("app_pages/bank.py", None),
]


@pytest.fixture(scope="module")
def hostile_warehouse(demo_home, tmp_path_factory):
    """The demo warehouse with every client renamed (one copy for the module)."""
    target = tmp_path_factory.mktemp("hostile") / "cartera.duckdb"
    names = write_hostile_copy(demo_home / "cartera.duckdb", target)
    return target, names


@pytest.fixture
def hostile(hostile_warehouse, demo_home, monkeypatch):
    target, names = hostile_warehouse
    monkeypatch.setenv("CARTERA_HOME", str(demo_home))
    monkeypatch.setenv("CARTERA_PUBLISHED_DB", str(target))
    return names


def _markdown_bodies(app) -> list[str]:
    bodies = [element.value for kind in MARKDOWN_ELEMENTS for element in getattr(app, kind)]
    bodies += [element.label for kind in LABELLED_ELEMENTS for element in getattr(app, kind)]
    bodies += [element.proto.help for kind in LABELLED_ELEMENTS + MARKDOWN_ELEMENTS
               for element in getattr(app, kind) if getattr(element.proto, "help", "")]
    return [body for body in bodies if isinstance(body, str)]


def _cells(app) -> set[str]:
    cells = set()
    for table in app.dataframe:
        try:
            rows = displayed(table)
        except (AttributeError, ValueError):
            rows = table.value.astype(str).values.tolist()
        cells |= {str(cell) for row in rows for cell in row}
    return cells


@pytest.mark.parametrize(("page", "client_name"), PAGES)
def test_hostile_client_names_read_as_text(hostile, page, client_name):
    params = {}
    if client_name is not None:
        params["client_id"] = next(client for client, name in sorted(hostile.items()) if name == client_name)
    app = open_page(page, **params)

    bodies = _markdown_bodies(app)
    problems = {body: injected(body) for body in bodies if injected(body)}
    assert problems == {}
    texts = [rendered(body)[1] for body in bodies]
    if client_name is not None:
        # The chosen client's name heads its section, as written.
        assert any(client_name in text for text in texts)
    shown = _cells(app) | {name for text in texts for name in NAMES if name in text}
    assert set(NAMES) & shown, "the page listed no client"
