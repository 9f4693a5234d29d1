"""A kept model follows a change of the code of a kept model it reads, with no new file
(DECISIONLOG: Models kept by the file): an upgrade that changes how document keys are
read recomputes int_document_reference_keys whole (its own version changed), and its
rows carry the registry position they carried before, since no file came. The models
that read it by position would find nothing read again; their version holds the versions
of the kept models they read, so they are computed again too.

Fixture tests/fixtures/cash_application_inbox (see test_cash_application.py) built, then
built again with no new file by a copy of the dbt project whose
int_document_reference_keys gives document numbers no compact key (a line writing
F2026000107 no longer names D7): the second build must equal a full build of that copy,
table for table.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.dbt.warehouse import DBT_PROJECT, build_warehouse, tables_of

INBOX = Path(__file__).parent.parent / "fixtures" / "cash_application_inbox"
SELECT = "+cash_application +bank_reconciliation"
AS_OF = {"as_of_date": "2026-03-31"}
KEYS_MODEL = Path("models") / "intermediate" / "bank" / "int_document_reference_keys.sql"
COMPACT_NUMBER_KEYS = "{{ reference_compact_key('document_number') }}\n    from receivable_documents\n"


def project_without_compact_numbers(into: Path) -> Path:
    """A copy of the dbt project whose document keys leave the compact number out."""
    shutil.copytree(DBT_PROJECT, into, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    model = into / KEYS_MODEL
    code = model.read_text(encoding="utf-8")
    assert code.count(COMPACT_NUMBER_KEYS) == 1
    model.write_text(code.replace(COMPACT_NUMBER_KEYS, COMPACT_NUMBER_KEYS + "    where false\n"), encoding="utf-8")
    return into


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The fixture built, then built again by the changed project with no new file; and
    the fixture built from nothing by the changed project."""
    folder = tmp_path_factory.mktemp("kept_models_follow_upstream_code")
    changed = project_without_compact_numbers(folder / "dbt_project")
    home = folder / "kept"
    before = shutil.copy(build_warehouse(INBOX, home, AS_OF, select=SELECT), folder / "before.duckdb")
    (folder / "nothing_new").mkdir()
    kept = build_warehouse(folder / "nothing_new", home, AS_OF, select=SELECT, project=changed)
    full = build_warehouse(INBOX, folder / "full", AS_OF, select=SELECT, project=changed)
    return Path(before), kept, full


def named_documents(database: Path) -> list[str]:
    """The documents the lines' texts name (int_bank_reference_candidates)."""
    with duckdb.connect(str(database), read_only=True) as conn:
        return [document for (document,) in conn.execute(
            "select distinct document_id from intermediate.int_bank_reference_candidates order by all").fetchall()]


def test_the_change_reaches_what_the_bank_lines_name(builds):
    """Not a change nobody sees: before it a line names D7 by its compact number."""
    before, _, full = builds
    assert named_documents(before) == ["D1", "D13", "D2", "D7"]
    assert named_documents(full) == ["D1", "D13", "D2"]
    _, differing = tables_of(before, full)
    assert {"int_document_reference_keys", "int_bank_reference_candidates"} <= set(differing)


def test_the_build_with_no_new_file_equals_a_full_build_of_the_changed_code(builds):
    _, kept, full = builds
    assert named_documents(kept) == ["D1", "D13", "D2"]
    tables, differing = tables_of(kept, full)
    assert ("intermediate", "int_bank_reference_candidates") in tables
    assert differing == []
