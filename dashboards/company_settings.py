"""The company's own data (who sends the statements): `$CARTERA_HOME/company.json`.

One JSON object, `name` required, `tax_id`, `address`, `email` and `phone` optional, all
text. The file is optional (no file, no header); a file that is there but wrong is refused
with one error naming the file, the line, the field and the reason, so that nobody sends
statements with a header half read.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from dashboards.i18n import translate
from dashboards.statement_pdf import Company

COMPANY_FILE = "company.json"
REQUIRED_FIELDS = ("name",)
OPTIONAL_FIELDS = ("tax_id", "address", "email", "phone")


@dataclass
class CompanySettingsError(Exception):
    """company.json is unreadable. `problem` is one of: not_json, not_object, missing,
    not_text, unknown (worded in the catalogue's `client_file.company_problem.*`)."""

    path: Path
    line: int | None
    field: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.path}" + (f", line {self.line}" if self.line else "")
        field = f", field '{self.field}'" if self.field else ""
        return f"{where}{field}: {problem_words(self.problem, 'en')}"


def problem_words(problem: str, language: str) -> str:
    """What is wrong with company.json, in `language`."""
    return {
        "not_json": translate(language, "client_file.company_problem.not_json"),
        "not_object": translate(language, "client_file.company_problem.not_object"),
        "missing": translate(language, "client_file.company_problem.missing"),
        "not_text": translate(language, "client_file.company_problem.not_text"),
        "unknown": translate(language, "client_file.company_problem.unknown"),
    }[problem]


def company_home() -> Path:
    return Path(os.environ.get("CARTERA_HOME", "data"))


def load_company(home: Path | None = None) -> Company | None:
    """The company in `home` (default CARTERA_HOME), None when it has no company.json.
    Raises CompanySettingsError when the file is there but not as documented."""
    path = (home if home is not None else company_home()) / COMPANY_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    try:
        fields = json.loads(text)
    except json.JSONDecodeError as error:
        raise CompanySettingsError(path, error.lineno, None, "not_json") from error
    if not isinstance(fields, dict):
        raise CompanySettingsError(path, 1, None, "not_object")
    for field in fields:
        if field not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            raise CompanySettingsError(path, _line_of(text, field), field, "unknown")
    for field in REQUIRED_FIELDS:
        if field not in fields:
            raise CompanySettingsError(path, None, field, "missing")
    for field, value in fields.items():
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise CompanySettingsError(path, _line_of(text, field), field, "not_text")
    if fields["name"] is None:
        raise CompanySettingsError(path, _line_of(text, "name"), "name", "not_text")
    return Company(**{field: value for field, value in fields.items() if value is not None})


def _line_of(text: str, field: str) -> int | None:
    """The line where `"field"` is first written (JSON errors name lines, keys have none)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if f'"{field}"' in line:
            return number
    return None
