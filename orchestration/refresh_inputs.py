"""What feeds the warehouse, and whether any of it changed since the last published
refresh: `cartera refresh` does nothing, and says so, when nothing did (`--force` refreshes
anyway). Read before Dagster or dbt is imported, so this module imports neither.

The inputs, each reduced to a sha256:
- inbox: every file in the inbox folder, by name and content. A file is hashed only when
  its name, size or modification time is not the one recorded, so touching a file is no
  change and a refresh with nothing new reads no file;
- dbt_project: every file of the dbt project (models, macros, seeds, tests, vars in
  dbt_project.yml, profiles.yml) but dbt's own artefacts;
- code: the pipeline's Python files and the versions of the libraries that load and build;
- settings: what changes results (the dbt vars: reporting currency, as-of date; the Great
  Expectations checks on or off; the bank CSV mappings' content), not DuckDB's memory cap
  or spill folder;
- app_state: the rows of the app-state store's credit_decisions table, which become
  raw.credit_decisions (orchestration/ingest/app_state.py): a new committee decision
  makes the next refresh run;
- warehouse: the build and published databases as files (size, modification time), so
  that anything that wrote the build since (a withdrawal, a run launched from `dagster
  dev`, a refresh that failed after loading) makes the next refresh run.

The record, $CARTERA_HOME/refresh_inputs.json, is removed when a refresh starts and
written when one publishes; without it every refresh runs:

  {"as_of_date": str | null,          what the published warehouse answers for
   "outcome": str,                     "published" | "published_with_warnings"
   "finished_at": str,                 ISO 8601, when that refresh finished
   "inputs": {part: sha256},           the parts above, taken when that refresh started
   "inbox": {file name: [size, mtime_ns, sha256]}}   files it left in the inbox
"""

import hashlib
import json
import os
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

from orchestration.config import DBT_PROJECT_DIR, Settings

RECORD_FILE_NAME = "refresh_inputs.json"
PACKAGE_DIR = Path(__file__).resolve().parent
# dbt writes these into the project folder when run there by hand; they are not inputs.
_DBT_ARTEFACTS = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml"}
# What dbt reads of a project: these files and the folders dbt_project.yml names (dbt's
# defaults where it names none). Other files there are not inputs: an edit of
# DECISIONLOG.md rebuilt the whole warehouse (at L, an hour).
_DBT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml", "selectors.yml")
_DBT_FOLDERS = {"model-paths": ["models"], "macro-paths": ["macros"], "seed-paths": ["seeds"],
                "test-paths": ["tests"], "snapshot-paths": ["snapshots"], "analysis-paths": ["analyses"],
                "docs-paths": []}
# The libraries whose upgrade can change what a refresh loads, builds or checks.
_LIBRARIES = ("duckdb", "dbt-core", "dbt-duckdb", "great-expectations")
# The parts, in the order a refresh with nothing new names them (refresh.json's part_* messages).
PARTS = ("inbox", "dbt_project", "code", "settings", "app_state", "warehouse")


@dataclass
class Inputs:
    """The fingerprint of everything that feeds the warehouse, and the inbox files' hashes
    (name -> [size, mtime_ns, sha256]) it was made from."""

    parts: dict[str, str]
    inbox: dict[str, list] = field(default_factory=dict)

    def file_hashes(self) -> dict[str, str]:
        return {name: entry[2] for name, entry in self.inbox.items()}


def read_record(settings: Settings) -> dict | None:
    try:
        record = json.loads((settings.home / RECORD_FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return record if isinstance(record, dict) else None


def current_inputs(settings: Settings, record: dict | None = None, project_dir: Path = DBT_PROJECT_DIR) -> Inputs:
    """The inputs now; the inbox files the record knows by name, size and modification
    time are not read again."""
    inbox = _inbox_files(settings, (record or {}).get("inbox") or {})
    parts = {
        "inbox": _inbox_digest(inbox),
        "dbt_project": dbt_project_digest(project_dir),
        "code": _digest([tree_digest(PACKAGE_DIR, "*.py"), [_version(name) for name in _LIBRARIES]]),
        "settings": _digest(
            [settings.dbt_vars(), settings.gx_checks, _file_digest(settings.bank_csv_mappings)]
        ),
        "app_state": _store_digest(_store_url(settings)),
        "warehouse": _digest([_file_identity(settings.build_db), _file_identity(settings.published_db)]),
    }
    return Inputs(parts, inbox)


def changed_parts(record: dict | None, inputs: Inputs) -> list[str]:
    """The parts (PARTS) that differ from the record's; every part without a record."""
    recorded = (record or {}).get("inputs") or {}
    return [part for part, digest in inputs.parts.items() if recorded.get(part) != digest]


def forget(settings: Settings) -> None:
    """Removes the record: the next refresh runs, whatever changed. Called when a refresh
    starts (until it publishes, the published warehouse may not be what raw holds) and
    after anything else writes the build database."""
    (settings.home / RECORD_FILE_NAME).unlink(missing_ok=True)


def remember(settings: Settings, inputs: Inputs, as_of_date: str | None, outcome: str, finished_at: str) -> None:
    """Records the inputs a published refresh started from. The inbox is what the refresh
    left there (the files it loaded moved to inbox/loaded/): of the files it started with,
    those still there unchanged; one dropped meanwhile is new to the next refresh. The
    warehouse files are taken now (the refresh wrote them)."""
    left = {}
    for name, entry in inputs.inbox.items():
        path = settings.inbox / name
        if path.is_file() and _stat(path) == entry[:2]:
            left[name] = entry
    parts = {
        **inputs.parts,
        "inbox": _inbox_digest(left),
        "warehouse": _digest([_file_identity(settings.build_db), _file_identity(settings.published_db)]),
    }
    record = {"as_of_date": as_of_date, "outcome": outcome, "finished_at": finished_at, "inputs": parts, "inbox": left}
    path = settings.home / RECORD_FILE_NAME
    temporary = path.with_name(path.name + ".new")
    temporary.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def _inbox_files(settings: Settings, known: dict[str, list]) -> dict[str, list]:
    """Every file directly in the inbox (hidden ones too: a refresh ignores them, and a
    record that lists them stays true) -> [size, mtime_ns, sha256]."""
    if not settings.inbox.is_dir():
        return {}
    files = {}
    for path in sorted(settings.inbox.iterdir()):
        if not path.is_file():
            continue
        stat = _stat(path)
        entry = known.get(path.name)
        if entry is not None and list(entry[:2]) == stat:
            files[path.name] = list(entry)
        else:
            files[path.name] = [*stat, _file_digest(path)]
    return files


def _inbox_digest(files: dict[str, list]) -> str:
    return _digest(sorted((name, entry[2]) for name, entry in files.items()))


def _stat(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _file_identity(path: Path) -> list[int] | None:
    return _stat(path) if path.exists() else None


def _file_digest(path: Path | None) -> str | None:
    if path is None or not path.is_file():
        return None
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def dbt_project_digest(project_dir: Path) -> str:
    """The files of the dbt project that dbt reads, by relative path and content."""
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    folders = sorted({folder for key, default in _DBT_FOLDERS.items() for folder in config.get(key, default)})
    return _digest([[name, _file_digest(project_dir / name)] for name in _DBT_FILES]
                   + [[folder, tree_digest(project_dir / folder)] for folder in folders])


def tree_digest(root: Path, pattern: str = "*") -> str:
    """Every file under root matching pattern, by relative path and content."""
    entries = []
    for path in sorted(root.rglob(pattern)):
        relative = path.relative_to(root)
        if path.is_file() and not _DBT_ARTEFACTS.intersection(relative.parts):
            entries.append((relative.as_posix(), _file_digest(path)))
    return _digest(entries)


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _store_url(settings: Settings) -> str:
    # Where orchestration/ingest/app_state.py (app_db_url) reads the decisions from.
    return os.environ.get("CARTERA_APP_DB_URL") or f"sqlite:///{settings.home / 'app.sqlite'}"


def _store_digest(url: str) -> str:
    """Every row and column of the store's credit_decisions table; none without a store
    (a SQLite file that does not exist is not created)."""
    import sqlalchemy as sa  # the CLI has it loaded already (it migrates the store first)

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return _digest(None)
    engine = sa.create_engine(parsed)
    try:
        if not sa.inspect(engine).has_table("credit_decisions"):
            return _digest(None)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("select * from credit_decisions order by decision_id")).all()
    finally:
        engine.dispose()
    return _digest([list(row) for row in rows])


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode("utf-8")).hexdigest()
