"""The user-facing text catalogue: a folder per language, the same keys in each.

A language's messages are the union of the JSON files in its folder, one file per area
(app.json for the frame and overview, one per page), so that pages are added without
touching each other's files. A key belongs to one file only.

Every string a user reads goes through ``t(key)`` (the session's language) or
``translate(language, key)`` (an explicit one, for code that has no session, such as charts).
"""

import json
from functools import cache
from pathlib import Path

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LANGUAGE_KEY = "language"
"""Session-state key of the sidebar's language switch."""

_CATALOGUE_DIR = Path(__file__).parent


@cache
def catalogue(language: str) -> dict[str, str]:
    """All messages of one language, by key."""
    messages: dict[str, str] = {}
    for area in sorted((_CATALOGUE_DIR / language).glob("*.json")):
        messages |= json.loads(area.read_text(encoding="utf-8"))
    return messages


def translate(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, with `{name}` placeholders filled from `values`."""
    return catalogue(language)[key].format(**values)


def current_language() -> str:
    """The language chosen in the sidebar, or the default before the switch is drawn."""
    # Imported here: the CLI renders stored messages (dashboards.i18n.messages) without a page.
    import streamlit as st

    return st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """The message `key` in the session's language."""
    return translate(current_language(), key, **values)
