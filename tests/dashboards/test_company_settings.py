"""company.json: the statement's header, read as documented or refused with one clear error."""

import json
from pathlib import Path

import pytest

from dashboards.company_settings import CompanySettingsError, load_company
from dashboards.statement_pdf import Company

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_no_file_no_header(tmp_path):
    assert load_company(tmp_path) is None


def test_the_demo_company_reads_whole():
    assert load_company(SEEDS) == Company(
        name="Distribuciones Cartera Demo S.L.", tax_id="B12345674",
        address="Calle Mayor 12, 46001 Valencia", email="cobros@cartera-demo.example",
        phone="+34 960 000 000",
    )


def test_only_the_name_is_required_and_null_means_absent(tmp_path):
    (tmp_path / "company.json").write_text('{"name": "Ñandú S.L.", "phone": null}', encoding="utf-8")
    assert load_company(tmp_path) == Company(name="Ñandú S.L.")


@pytest.mark.parametrize(
    ("text", "line", "field", "problem", "message"),
    [
        ('{\n  "name": "A",\n  "tax_id": "B1",\n}', 4, None, "not_json", "line 4: is not valid JSON"),
        ('["A"]', 1, None, "not_object", "line 1: must be one JSON object of fields"),
        ('{\n  "tax_id": "B1"\n}', None, "name", "missing", "field 'name': is required"),
        ('{\n  "name": "A",\n  "phone": 960000000\n}', 3, "phone", "not_text",
         "line 3, field 'phone': must be a non-empty text"),
        ('{\n  "name": "  "\n}', 2, "name", "not_text", "line 2, field 'name': must be a non-empty text"),
        ('{\n  "name": null\n}', 2, "name", "not_text", "line 2, field 'name': must be a non-empty text"),
        ('{\n  "name": "A",\n  "iban": "ES00"\n}', 3, "iban", "unknown",
         "line 3, field 'iban': is not one of name, tax_id, address, email, phone"),
    ],
)
def test_a_wrong_file_is_refused_naming_file_line_field_and_reason(
    tmp_path, text, line, field, problem, message
):
    path = tmp_path / "company.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CompanySettingsError) as raised:
        load_company(tmp_path)
    error = raised.value
    assert (error.path, error.line, error.field, error.problem) == (path, line, field, problem)
    assert str(error) == f"{path}, {message}"


def test_the_seed_is_valid_json_with_the_documented_fields():
    assert set(json.loads((SEEDS / "company.json").read_text(encoding="utf-8"))) == {
        "name", "tax_id", "address", "email", "phone"
    }
