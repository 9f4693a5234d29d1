"""The app-state store as a source: the committee's decisions copied into
raw.credit_decisions, with a row in raw.file_registry (entity "credit_decisions").

The store belongs to the dashboards (dashboards/app_state, CARTERA_APP_DB_URL, default
SQLite $CARTERA_HOME/app.sqlite). The pipeline does not import that package: it reads the
store's `credit_decisions` table on its own, and these columns are the contract between
the two (a migration that changes them changes this reader and the raw table too):

| column | type | meaning |
|---|---|---|
| decision_id | integer, key | the decision |
| client_id | text, not null | the client decided on (the invoicing export's client_id) |
| action | text, not null | keep, raise, reduce, hold_new_orders, stop_supplying, remove_limit |
| new_limit | NUMERIC(18,2); exact decimal text on SQLite | the limit set (raise, reduce), else NULL |
| currency | text(3) | currency of new_limit, else NULL |
| reason | text, not null | why, as the committee wrote it |
| next_review_date | date | when to review again, NULL if not set |
| meeting_date | date, not null | the meeting that decided |
| decided_by | text, not null | the user who recorded it |
| decided_at | timestamp with time zone (UTC; SQLite: naive, UTC) | when it was recorded |

Decisions are only ever added, so raw.credit_decisions is replaced by the store's current
rows whenever they differ from the last load (sha256 of their canonical form); an
unchanged store loads nothing. Without a store (no file, or no table yet) nothing is read
and raw.credit_decisions is left as it is.
"""

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import sqlalchemy as sa

from orchestration.ingest.loader import LOADED, next_file_id, register
from orchestration.ingest.raw_tables import ensure_raw_schema
from orchestration.resources import WarehouseResource

ENTITY = "credit_decisions"
UNCHANGED = "unchanged"
NO_STORE = "no_store"

_CONTRACT = sa.Table(
    "credit_decisions",
    sa.MetaData(),
    sa.Column("decision_id", sa.Integer),
    sa.Column("client_id", sa.String),
    sa.Column("action", sa.String),
    sa.Column("new_limit"),  # Decimal on PostgreSQL, text on SQLite: read through Decimal(str(…))
    sa.Column("currency", sa.String),
    sa.Column("reason", sa.String),
    sa.Column("next_review_date", sa.Date),
    sa.Column("meeting_date", sa.Date),
    sa.Column("decided_by", sa.String),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
)


@dataclass(frozen=True)
class SourceOutcome:
    status: str
    rows: int = 0
    message: str = ""


def app_db_url(home: Path, env: Mapping[str, str] = os.environ) -> str:
    """Where the dashboards keep their store: CARTERA_APP_DB_URL, else app.sqlite in home."""
    return env.get("CARTERA_APP_DB_URL") or f"sqlite:///{home / 'app.sqlite'}"


def read_credit_decisions(url: str) -> list[dict] | None:
    """The store's decisions in raw.credit_decisions' columns, by decision_id; None when
    there is no store yet. A SQLite file that does not exist is not created."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return None
    engine = sa.create_engine(parsed)
    try:
        if not sa.inspect(engine).has_table(_CONTRACT.name):
            return None
        with engine.connect() as conn:
            rows = conn.execute(sa.select(_CONTRACT).order_by(_CONTRACT.c.decision_id)).all()
    finally:
        engine.dispose()
    return [
        {
            "decision_id": str(row.decision_id),
            "client_id": row.client_id,
            "decision": row.action,
            "credit_limit": None if row.new_limit is None else Decimal(str(row.new_limit)),
            "currency": row.currency,
            "reason": row.reason,
            "next_review_date": row.next_review_date,
            "meeting_date": row.meeting_date,
            "decided_by": row.decided_by,
            "decided_at": _utc_naive(row.decided_at),
        }
        for row in rows
    ]


def load_credit_decisions(conn: duckdb.DuckDBPyConnection, url: str) -> SourceOutcome:
    """Replaces raw.credit_decisions with the store's decisions when they changed since
    the last load, in one transaction with their registry row."""
    ensure_raw_schema(conn)
    rows = read_credit_decisions(url)
    if rows is None:
        return SourceOutcome(NO_STORE, message=f"no app-state store at {sa.make_url(url).render_as_string()}")
    canonical = json.dumps(rows, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")
    sha256 = hashlib.sha256(canonical).hexdigest()
    if sha256 == _last_loaded_sha256(conn):
        return SourceOutcome(UNCHANGED, len(rows), "same decisions as the last load")
    loaded_at = datetime.now()
    conn.execute("begin transaction")
    try:
        file_id = next_file_id(conn)
        conn.execute("delete from raw.credit_decisions")
        if rows:
            columns = list(rows[0])
            conn.executemany(
                f"insert into raw.credit_decisions ({', '.join(columns)}, _file_id, _loaded_at) "
                f"values ({', '.join('?' * (len(columns) + 2))})",
                [[*row.values(), file_id, loaded_at] for row in rows],
            )
        register(conn, file_id, _source_name(url), ENTITY, sha256, len(canonical), len(rows), LOADED, None, loaded_at)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return SourceOutcome(LOADED, len(rows))


def _last_loaded_sha256(conn: duckdb.DuckDBPyConnection) -> str:
    """The sha256 of the last load; an empty store's when nothing was ever loaded (the
    empty raw table already says what it would)."""
    found = conn.execute(
        "select sha256 from raw.file_registry where entity = ? and status = ? order by file_id desc limit 1",
        [ENTITY, LOADED],
    ).fetchall()
    return found[0][0] if found else hashlib.sha256(b"[]").hexdigest()


def _source_name(url: str) -> str:
    # The registry names the store, never its password.
    return "app-state:" + sa.make_url(url).render_as_string(hide_password=True)


def _utc_naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


@dg.asset(
    key=["raw", ENTITY],
    group_name="raw",
    description="The credit committee's decisions, copied from the dashboards' app-state store when they changed.",
)
def raw_credit_decisions(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connect() as conn:
        outcome = load_credit_decisions(conn, app_db_url(settings.home))
    context.log.info(f"credit decisions: {outcome.status}, {outcome.rows} rows {outcome.message}".strip())
    return dg.MaterializeResult(metadata={"status": outcome.status, "rows_in_store": outcome.rows})
