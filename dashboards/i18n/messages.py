"""Messages the pipeline stores (refresh_history.jsonl's check sentences) as a catalogue
key and its arguments, rendered in the reader's language where they are shown: the
data-quality page in the session's, the CLI in CARTERA_LANGUAGE's.

A stored message is {"key": "check.assert_open_balance_ties_to_sources.failed",
"args": {"n": 2}}. An argument may itself be a message (rendered in the same language),
a list (its items rendered and joined by ", "), a whole number (grouped as the language
groups it: es 1.189, en 1,189) or text shown as it is: names of columns, models, files,
values. Text where a message is expected is shown as it is: history lines written
before messages were stored, and sentences no catalogue holds (a test's own description).

In a text column (raw.file_registry.message) a message is stored as its JSON (`as_text`):
the column also holds text no catalogue words (a quarantined file's reasons, as the
reader wrote them), and rows written before messages were stored.
"""

import json
import os
from collections.abc import Mapping
from typing import Any

from dashboards.i18n import LANGUAGES, catalogue, translate

Message = str | dict[str, Any]
CLI_LANGUAGE_VARIABLE = "CARTERA_LANGUAGE"
CLI_DEFAULT_LANGUAGE = "en"
# How a stored message's text starts (as_text): from_text, and SQL telling a message from
# text an older cartera stored, look for it.
STORED_AS_TEXT = '{"key":'


def message(key: str, /, **args: Any) -> dict[str, Any]:
    """A message to store: its key in the catalogue and the arguments of its placeholders."""
    return {"key": key, "args": args}


def as_text(stored: Message) -> str:
    """A message as a text column keeps it: its JSON; text as it is."""
    return stored if isinstance(stored, str) else json.dumps(stored, ensure_ascii=False)


def from_text(stored: str) -> Message:
    """A text column's value as it was stored: the message `as_text` kept as JSON, or text."""
    if stored.startswith(STORED_AS_TEXT):
        try:
            return json.loads(stored)
        except json.JSONDecodeError:  # text that happens to start like a message
            return stored
    return stored


def render(stored: Message | None, language: str) -> str:
    """The stored message in `language`, from a history line or a text column (`as_text`);
    text (an old history line, a reader's reason) as it is."""
    if isinstance(stored, str):
        stored = from_text(stored)
    if isinstance(stored, str):
        return stored
    if not isinstance(stored, Mapping) or "key" not in stored:  # none stored (a missing cell)
        return ""
    args = {name: _argument(value, language) for name, value in (stored.get("args") or {}).items()}
    if stored["key"] not in catalogue(language):  # written by a newer cartera than this one
        return " ".join([stored["key"], *(f"{name}={value}" for name, value in args.items())])
    return translate(language, stored["key"], **args)


def cli_language() -> str:
    """The language the CLI words stored messages in: CARTERA_LANGUAGE (es or en), English
    by default, as the CLI's own lines are."""
    chosen = os.environ.get(CLI_LANGUAGE_VARIABLE, CLI_DEFAULT_LANGUAGE).strip().lower()
    return chosen if chosen in LANGUAGES else CLI_DEFAULT_LANGUAGE


def _argument(value: Any, language: str) -> str:
    if isinstance(value, Mapping):
        return render(value, language)
    if isinstance(value, list):
        return ", ".join(_argument(item, language) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        from dashboards.formatting import number

        return number(value, language)
    # A message kept as its text (a registry column's `as_text`) is worded too.
    return render(value, language) if isinstance(value, str) else str(value)
