"""The catalogues: the same keys and placeholders in every language, none missing in code."""

import ast
import json
import re
from pathlib import Path
from string import Formatter

import pytest

from dashboards.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue
from orchestration.check_sentences import SINGULAR
from orchestration.readers.contract import CONTRACT

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
ORCHESTRATION = Path(__file__).resolve().parents[2] / "orchestration"
BANK_READERS = ORCHESTRATION / "readers" / "bank"
TAX_IDS = ORCHESTRATION / "ingest" / "tax_ids.py"
# t("key"…), translate(language, "key"…), message("key"…) (a message stored to be
# rendered later, dashboards/i18n/messages.py) and sql_message("key"…) /
# sql_row_message("key"…) (one DuckDB words, orchestration/readers/sql_messages.py): every
# way code names a message.
KEY_IN_CODE = re.compile(
    r"""\b(?:t\(|translate\(\s*\w+,|message\(|sql_message\(|sql_row_message\()\s*["']([\w.]+)["']"""
)
# The singular dbt tests' sentences, named by the test: check.<test>, check.<test>.failed;
# and the document types a cross-file reason names, by the contract's type
# (orchestration/ingest/references.py).
SINGULAR_KEYS = {key for name in SINGULAR for key in (f"check.{name}", f"check.{name}.failed")} | {
    f"reader.document_type_{document_type}"
    for column in CONTRACT["documents"].columns if column.name == "type"
    for document_type in column.choices
}


def code_sources() -> list[Path]:
    return [*DASHBOARDS.rglob("*.py"), *ORCHESTRATION.rglob("*.py")]


def placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(message) if field}


def test_no_key_is_in_two_area_files():
    for language in LANGUAGES:
        areas = sorted((DASHBOARDS / "i18n" / language).glob("*.json"))
        keys = [key for area in areas for key in json.loads(area.read_text(encoding="utf-8"))]

        assert len(areas) >= 1
        assert len(keys) == len(set(keys)), language


def test_every_language_has_the_same_keys():
    keys = {language: set(catalogue(language)) for language in LANGUAGES}

    assert all(key_set == keys[DEFAULT_LANGUAGE] for key_set in keys.values())


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE])
def test_every_message_has_the_placeholders_of_the_default_language(language):
    for key, message in catalogue(DEFAULT_LANGUAGE).items():
        assert placeholders(catalogue(language)[key]) == placeholders(message), key


def test_every_key_named_in_the_code_is_in_the_catalogues():
    used = SINGULAR_KEYS | {
        key
        for source in code_sources()
        for key in KEY_IN_CODE.findall(source.read_text(encoding="utf-8"))
    }

    assert len(used) > 20
    for language in LANGUAGES:
        assert used <= set(catalogue(language)), language


def test_no_message_is_left_unused():
    sources = "\n".join(path.read_text(encoding="utf-8") for path in code_sources())
    used = SINGULAR_KEYS | set(KEY_IN_CODE.findall(sources))

    assert set(catalogue(DEFAULT_LANGUAGE)) <= used


@pytest.mark.parametrize(
    ("sources", "area", "at_least"),
    [
        (sorted(BANK_READERS.glob("*.py")), "bank_reader.", 91),  # every reason and note of the five formats
        ([TAX_IDS], "tax_id.", 9),  # every reason a tax id check gives
    ],
    ids=["bank readers", "tax id checks"],
)
def test_every_reason_key_is_in_both_catalogues(sources, area, at_least):
    used = {
        key
        for source in sources
        for key in KEY_IN_CODE.findall(source.read_text(encoding="utf-8"))
        if key.startswith(area)
    }

    assert len(used) >= at_least
    for language in LANGUAGES:
        assert used <= set(catalogue(language)), language


def reasons_given_as_text(source: Path) -> list[int]:
    """Lines where a bank reader or the tax id check words a reason itself: text (a literal
    or an f-string) given to problems.add(line, column, value, reason), FieldError(...),
    UnreadableFile(reason) or TaxIdCheck(..., reason, validator)."""
    found = []
    for call in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        position = {"add": 3, "FieldError": 3, "UnreadableFile": 0, "TaxIdCheck": 5}.get(name)
        if position is None or len(call.args) <= position:
            continue
        reason = call.args[position]
        if isinstance(reason, ast.JoinedStr) or (isinstance(reason, ast.Constant) and isinstance(reason.value, str)):
            found.append(call.lineno)
    return found


@pytest.mark.parametrize("source", [*sorted(BANK_READERS.glob("*.py")), TAX_IDS], ids=lambda path: path.name)
def test_no_reader_or_check_words_a_reason_in_english_text(source):
    assert reasons_given_as_text(source) == []
