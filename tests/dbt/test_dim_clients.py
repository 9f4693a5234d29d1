"""dim_clients (SCD2 from every clients export) and the fiscal data fct_documents keeps,
on the hand-made inbox tests/fixtures/clients_history_inbox, as of 2025-06-30.

Exports of C1 (three files, loaded in name order):
- 2025-01-10 09:00  Juan Pérez García, DNI 12345678Z, Calle Mayor 1       -> version 1
- 2025-03-01 11:30  Talleres Pérez S.L., CIF B50123454 (the autónomo incorporates)
                                                                          -> version 2
- 2025-04-15 08:00  same attributes as 2025-03-01, later updated_at       -> no version
- 2025-06-01 09:00  Grupo Perez SL                  } same day: the 17:00 export stands
- 2025-06-01 17:00  Grupo Pérez S.L., Polígono Cogullada 12 } for the day -> version 3
So C1 was renamed twice and has three versions:
  1: [1900-01-01, 2025-03-01)  (the first version holds from the start of time)
  2: [2025-03-01, 2025-06-01)  changed: tax_id, legal_name
  3: [2025-06-01, NULL)        changed: legal_name, address (vs version 2, not vs 09:00)
C3's e-mail is filled on 2025-04-01 (empty -> a value is a change): two versions.
C4 is exported twice with the same updated_at: one version.
Every other client has one version.

Documents of C1 and the version valid on their issue date:
  D1 2024-12-15 (before the first export) -> 1 Juan Pérez García, 12345678Z
  D2 2025-02-28 -> 1;  D3 2025-03-01 (valid_from is inclusive) -> 2 Talleres Pérez S.L.
  D4 2025-05-31 (between versions 2 and 3) -> 2;  D5 2025-06-01 -> 3 Grupo Pérez S.L.
D6 of C3 on 2025-04-10 -> C3's version 2 (same name and tax id as version 1).

Tax ids (check characters worked by hand in tests/orchestration/test_tax_ids.py):
12345678Z valid DNI; B50123454 valid CIF; 12345678A and B50123455 wrong check
character; MAB-930714-8T4 valid RFC; ABX971212WXA impossible homoclave;
136695976 valid German VAT without prefix; FR93112464737 fails the SIREN's Luhn check;
12-3456789 (US) unchecked. The models pass the stored reason (a catalogue message as its
JSON) through as it is; here it is worded in English.
"""

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from dashboards.i18n.messages import render
from tests.dbt.warehouse import build_warehouse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "clients_history_inbox"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    build_db = build_warehouse(
        FIXTURE, tmp_path_factory.mktemp("clients_history"), {"as_of_date": "2025-06-30"},
        select="+dim_clients +fct_documents +int_clients_current",
    )
    connection = duckdb.connect(str(build_db), read_only=True)
    yield connection
    connection.close()


def test_a_client_renamed_twice_shows_three_contiguous_versions(warehouse):
    rows = warehouse.execute(
        """
        select client_key, version_no, valid_from, valid_to, is_current, legal_name, tax_id,
               address, changed_fields, updated_at
        from marts.dim_clients where client_id = 'C1' order by version_no
        """
    ).fetchall()

    assert rows == [
        ("C1|1900-01-01", 1, date(1900, 1, 1), date(2025, 3, 1), False, "Juan Pérez García", "12345678Z",
         "Calle Mayor 1, Zaragoza", None, datetime(2025, 1, 10, 9, 0)),
        ("C1|2025-03-01", 2, date(2025, 3, 1), date(2025, 6, 1), False, "Talleres Pérez S.L.", "B50123454",
         "Calle Mayor 1, Zaragoza", "tax_id, legal_name", datetime(2025, 3, 1, 11, 30)),
        ("C1|2025-06-01", 3, date(2025, 6, 1), None, True, "Grupo Pérez S.L.", "B50123454",
         "Polígono Cogullada 12, Zaragoza", "legal_name, address", datetime(2025, 6, 1, 17, 0)),
    ]


def test_every_client_has_its_versions_and_exactly_one_current(warehouse):
    versions = warehouse.execute(
        """
        select client_id, count(*), sum(case when is_current then 1 else 0 end)
        from marts.dim_clients group by client_id order by client_id
        """
    ).fetchall()

    assert versions == [
        ("C1", 3, 1), ("C2", 1, 1), ("C3", 2, 1), ("C4", 1, 1),
        ("C5", 1, 1), ("C6", 1, 1), ("C7", 1, 1), ("C8", 1, 1),
    ]
    assert warehouse.execute(
        """
        select valid_from, valid_to, email, changed_fields
        from marts.dim_clients where client_id = 'C3' order by version_no
        """
    ).fetchall() == [
        (date(1900, 1, 1), date(2025, 4, 1), None, None),
        (date(2025, 4, 1), None, "buchhaltung@rheinmetall-handel.example", "email"),
    ]


def test_tax_ids_are_flagged_not_dropped(warehouse):
    rows = warehouse.execute(
        """
        select client_id, tax_id, normalised_tax_id, tax_id_kind, tax_id_is_valid, tax_id_check_reason
        from marts.dim_clients where is_current order by client_id
        """
    ).fetchall()

    assert [(*row[:5], None if row[5] is None else render(row[5], "en")) for row in rows] == [
        ("C1", "B50123454", "B50123454", "es_cif", True, None),
        ("C2", "MAB-930714-8T4", "MAB9307148T4", "mx_rfc_company", True, None),
        ("C3", "136695976", "DE136695976", "eu_vat", True, None),
        ("C4", "12345678A", "12345678A", "es_dni", False, "wrong check digit"),
        ("C5", "12-3456789", "123456789", "unchecked", None, "no validator for country US"),
        ("C6", "ABX971212WXA", "ABX971212WXA", "mx_rfc_company", False, "impossible date, homoclave or initials"),
        ("C7", "FR93112464737", "FR93112464737", "eu_vat", False, "wrong check digit"),
        ("C8", "B50123455", "B50123455", "es_cif", False, "wrong check digit"),
    ]
    assert warehouse.execute(
        "select tax_id, tax_id_kind, tax_id_is_valid from marts.dim_clients where client_key = 'C1|1900-01-01'"
    ).fetchall() == [("12345678Z", "es_dni", True)]


def test_documents_keep_the_fiscal_data_valid_on_their_issue_date(warehouse):
    rows = warehouse.execute(
        """
        select document_id, client_legal_name_at_issue, client_tax_id_at_issue
        from marts.fct_documents order by document_id
        """
    ).fetchall()

    assert rows == [
        ("D1", "Juan Pérez García", "12345678Z"),
        ("D2", "Juan Pérez García", "12345678Z"),
        ("D3", "Talleres Pérez S.L.", "B50123454"),
        ("D4", "Talleres Pérez S.L.", "B50123454"),
        ("D5", "Grupo Pérez S.L.", "B50123454"),
        ("D6", "Rheinmetall Handel GmbH", "136695976"),
    ]
