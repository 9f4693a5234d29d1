"""Tax id validation (python-stdnum) and raw.client_tax_id_checks, rewritten after each
clients load.

Two check characters worked out by hand:

- NIF (DNI) 12345678Z: the check letter is the number mod 23 in TRWAGMYFPDXBNJZSQVHLCKE.
  12,345,678 = 23 x 536,768 (= 12,345,664) + 14, and letter 14 (from 0) is Z.
  12345678A has the wrong letter.
- CIF B50123454: letter B, province 50, registration 12345, so the seven digits are
  5 0 1 2 3 4 5. Digits in odd positions (5, 1, 3, 5) are doubled and their digits added:
  10 -> 1, 2, 6, 10 -> 1, sum 10. Digits in even positions (0, 2, 4) add up to 6.
  10 + 6 = 16; its last digit is 6 and 10 - 6 = 4, so the control digit is 4 (an S.L.'s
  CIF, letter B, takes a digit). B50123455 has the wrong one.
- NIE X1234567L: X counts as 0; 1,234,567 = 23 x 53,676 (= 1,234,548) + 19 -> L.
- RFC MAB9307148T4 (company, 12 characters): the 11 characters before the check are
  padded to 12 with a space and weighted 13..2 by their index in
  0-9A-N&O-Z(space)Ñ: 37x13 + 22x12 + 10x11 + 11x10 + 9x9 + 3x8 + 0x7 + 7x6 + 1x5 + 4x4
  + 8x3 + 30x2 = 1,217; 1,217 mod 11 = 7; 11 - 7 = 4.

A reason is a catalogue message (dashboards/i18n/*/tax_id.json), stored as its JSON: the
English wording is today's text, the Spanish one a Spanish bookkeeper's.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import from_text, render
from orchestration.config import load_settings
from orchestration.ingest import tax_ids
from orchestration.ingest.loader import ingest_entity
from orchestration.ingest.tax_ids import check_tax_id, refresh_tax_id_checks

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "clients_history_inbox"
CLIENTS_HEADER = (
    "client_id,tax_id,legal_name,country,segment,salesperson,branch,payment_terms_days,"
    "credit_limit,currency,email,phone,address,updated_at\n"
)


@pytest.mark.parametrize(
    ("country", "tax_id", "normalised", "kind"),
    [
        ("ES", "12345678Z", "12345678Z", "es_dni"),
        ("ES", "X1234567L", "X1234567L", "es_nie"),
        ("ES", "B50123454", "B50123454", "es_cif"),
        ("ES", "es-b50123454", "B50123454", "es_cif"),  # VAT prefix and separators dropped
        ("MX", "MAB-930714-8T4", "MAB9307148T4", "mx_rfc_company"),
        ("MX", "GODE561231GR8", "GODE561231GR8", "mx_rfc_person"),
        ("MX", "XEXX010101000", "XEXX010101000", "mx_rfc_generic"),  # SAT's RFC for foreign clients
        ("DE", "136695976", "DE136695976", "eu_vat"),  # without its prefix
        ("DE", "DE 136 695 976", "DE136695976", "eu_vat"),
        ("PT", "PT501964843", "PT501964843", "eu_vat"),
        ("FR", "FR40303265045", "FR40303265045", "eu_vat"),
        ("GR", "094014201", "EL094014201", "eu_vat"),  # Greece's VAT prefix is EL
    ],
)
def test_valid_tax_ids(country, tax_id, normalised, kind):
    check = check_tax_id(country, tax_id)

    assert (check.is_valid, check.normalised_tax_id, check.tax_id_kind, check.reason) == (True, normalised, kind, None)


@pytest.mark.parametrize(
    ("country", "tax_id", "kind", "english", "spanish"),
    [
        ("ES", "12345678A", "es_dni", "wrong check digit", "dígito de control incorrecto"),
        ("ES", "B50123455", "es_cif", "wrong check digit", "dígito de control incorrecto"),
        ("ES", "B5012345", "es_cif", "wrong length", "número de caracteres incorrecto"),
        ("ES", "X12345L", "es_nie", "wrong length", "número de caracteres incorrecto"),
        ("ES", "1234567ZZ", "es_dni", "wrong format", "formato incorrecto"),
        ("MX", "MAB9307148T5", "mx_rfc_company", "wrong check digit", "dígito de control incorrecto"),
        # Right check digit, but a homoclave cannot start with W (SAT's table stops at V).
        (
            "MX", "ABX971212WXA", "mx_rfc_company", "impossible date, homoclave or initials",
            "la fecha, la homoclave o las iniciales del RFC no pueden existir",
        ),
        (
            "MX", "MAB9313148T4", "mx_rfc_company", "impossible date, homoclave or initials",  # month 13
            "la fecha, la homoclave o las iniciales del RFC no pueden existir",
        ),
        # The key (93) matches, the SIREN 112464737 fails its Luhn check.
        ("FR", "FR93112464737", "eu_vat", "wrong check digit", "dígito de control incorrecto"),
        (
            "PT", "DE136695976", "eu_vat", "VAT prefix DE does not match country PT",
            "el prefijo DE del número de IVA intracomunitario no corresponde al país PT",
        ),
    ],
)
def test_invalid_tax_ids_are_flagged_with_a_reason_in_both_languages(country, tax_id, kind, english, spanish):
    check = check_tax_id(country, tax_id)

    assert (check.is_valid, check.tax_id_kind, check.tax_id) == (False, kind, tax_id)
    assert check.reason["key"].startswith("tax_id.")  # a message, not text
    assert (render(check.reason, "en"), render(check.reason, "es")) == (english, spanish)


def test_countries_without_a_validator_are_unchecked():
    check = check_tax_id("US", "12-3456789")

    assert (check.is_valid, check.tax_id_kind, check.normalised_tax_id) == (None, "unchecked", "123456789")
    assert (render(check.reason, "en"), render(check.reason, "es")) == (
        "no validator for country US",
        "no se comprueba el identificador fiscal de los clientes del país US",
    )


def test_an_error_python_stdnum_adds_later_keeps_its_own_words_as_the_detail(monkeypatch):
    def validate(number):
        raise tax_ids.ValidationError("The number is on a sanctions list.")

    monkeypatch.setattr(tax_ids.es_nif, "validate", validate)
    check = check_tax_id("ES", "12345678Z")

    assert check.is_valid is False
    assert (render(check.reason, "en"), render(check.reason, "es")) == (
        "invalid tax id (The number is on a sanctions list.)",
        "identificador fiscal no válido (The number is on a sanctions list.)",
    )


@pytest.fixture
def home(tmp_path, monkeypatch):
    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE"):
        monkeypatch.delenv(variable, raising=False)
    (tmp_path / "inbox").mkdir()
    for path in FIXTURE.glob("clients*.csv"):
        shutil.copy(path, tmp_path / "inbox")
    return tmp_path


@pytest.fixture
def conn(home):
    connection = duckdb.connect(str(home / "test.duckdb"))
    yield connection
    connection.close()


def checks(conn):
    """The stored checks, each reason worded in English."""
    rows = conn.execute(
        "select country, tax_id, is_valid, reason from raw.client_tax_id_checks order by country, tax_id"
    ).fetchall()
    return [(*row[:3], None if row[3] is None else render(row[3], "en")) for row in rows]


def test_a_clients_load_checks_each_distinct_country_and_tax_id_once(conn, home):
    ingest_entity(conn, load_settings(home), "clients")

    # 14 client lines, 9 distinct (country, tax_id): C1's CIF appears in five lines, C4 twice.
    # C4's second line repeats its first word for word, so raw keeps 13 (DECISIONLOG:
    # Full-snapshot exports loaded by change); its tax id is checked once either way.
    assert conn.execute("select count(*) from raw.clients").fetchall() == [(13,)]
    assert checks(conn) == [
        ("DE", "136695976", True, None),
        ("ES", "12345678A", False, "wrong check digit"),
        ("ES", "12345678Z", True, None),
        ("ES", "B50123454", True, None),
        ("ES", "B50123455", False, "wrong check digit"),
        ("FR", "FR93112464737", False, "wrong check digit"),
        ("MX", "ABX971212WXA", False, "impossible date, homoclave or initials"),
        ("MX", "MAB-930714-8T4", True, None),
        ("US", "12-3456789", None, "no validator for country US"),
    ]


def test_rerunning_the_load_or_the_check_does_not_duplicate_rows(conn, home):
    settings = load_settings(home)
    ingest_entity(conn, settings, "clients")
    first = checks(conn)

    ingest_entity(conn, settings, "clients")  # every file is a duplicate now
    assert refresh_tax_id_checks(conn) == 9
    assert checks(conn) == first

    (home / "inbox" / "clients_2025-07-01.csv").write_text(
        CLIENTS_HEADER + "C9,Z7654321G,Ivan Petrov,ES,retail,Lucía,Zaragoza,30,,EUR,,,,2025-07-01T09:00:00\n",
        encoding="utf-8",
    )
    ingest_entity(conn, settings, "clients")
    # Z counts as 2: 27,654,321 = 23 x 1,202,361 (= 27,654,303) + 18 -> H, not G.
    assert checks(conn) == sorted([*first, ("ES", "Z7654321G", False, "wrong check digit")])


def test_no_clients_means_no_checks(tmp_path, monkeypatch):
    for variable in ("CARTERA_HOME", "CARTERA_INBOX", "CARTERA_QUARANTINE"):
        monkeypatch.delenv(variable, raising=False)
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as connection:
        ingest_entity(connection, load_settings(tmp_path), "clients")

        assert checks(connection) == []


def test_a_refresh_checks_only_new_pairs_again_drops_gone_ones_and_rechecks_another_library_version(conn, home):
    """The check table follows raw.clients: a pair checked by an older python-stdnum is
    checked again (here its stale verdict is forged to "valid"), a pair no client has any
    more is deleted, and the 9 pairs stay 9 rows."""
    settings = load_settings(home)
    ingest_entity(conn, settings, "clients")
    first = checks(conn)
    conn.execute(
        "update raw.client_tax_id_checks set is_valid = true, reason = null, "
        "validator = 'stdnum.es.nif (python-stdnum 0.1)' where tax_id = '12345678A'"
    )
    conn.execute(
        "insert into raw.client_tax_id_checks values ('ES', 'GONE', 'GONE', 'es_cif', false, 'wrong length', 'x')"
    )

    assert refresh_tax_id_checks(conn) == 9
    assert checks(conn) == first
    assert ("ES", "12345678A", False, "wrong check digit") in first


def test_a_reason_an_older_version_stored_as_text_is_checked_again_and_stored_as_a_message(conn, home):
    ingest_entity(conn, load_settings(home), "clients")
    first = checks(conn)
    conn.execute("update raw.client_tax_id_checks set reason = 'wrong check digit' where tax_id = '12345678A'")

    assert refresh_tax_id_checks(conn) == 9
    assert checks(conn) == first
    stored = conn.execute("select reason from raw.client_tax_id_checks where tax_id = '12345678A'").fetchall()
    assert from_text(stored[0][0]) == {"key": "tax_id.wrong_check_digit", "args": {}}
