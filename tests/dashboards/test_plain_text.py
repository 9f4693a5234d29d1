"""literal(): text from the data reads as written in an element that renders markdown."""

import pytest

from dashboards.plain_text import literal
from hostile_names import rendered

TEXTS = [
    "<script>alert(1)</script>",
    "**[x](javascript:alert(1))**",
    "![logo](http://example.com/x.png)",
    "<javascript:alert(1)>",
    "&amp; &#60;b&#62;",
    ":red[Alerta] :material/warning: $x^2$ ~~no~~ `code` _em_ # h | t",
    "- listed\n1. numbered\n+ plus\n= line",
    "Talleres Norte S.A. (Bilbao) García-López, 50 % 3.5",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_text_renders_as_written_and_nothing_else(text):
    page, shown = rendered(literal(text))
    assert shown.strip() == text
    assert "<a " not in page and "<img" not in page and "<script" not in page
    assert "<em>" not in page and "<strong>" not in page and "<code>" not in page
    assert "<li>" not in page and "<h1>" not in page


def test_ordinary_names_are_left_as_they_are():
    """So that tests (and the CSV, which never escapes) compare names as they are."""
    for name in ("Talleres Norte S.A.", "Hermanos García-López S.L.", "Construcciones Ebro, S.L. (Zaragoza)"):
        assert literal(name) == name
