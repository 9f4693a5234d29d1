"""The audit trail: one append-only row per write, chained by hash.

Each row holds who (`actor`), when (`occurred_at`), what (`action` on `entity`
`entity_id`, `new_value`), the previous value, the hash of the row before it
(`prev_hash`) and its own hash (`row_hash`): SHA-256 of the row's canonical
serialisation (sorted-key JSON of every column but `row_hash`, timestamps as
UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ`). The first row links to 64 zeros. The chain head
(`audit_chain_head`) holds the last seq and hash, so deleting the last rows breaks it too.

The database refuses UPDATE and DELETE on audit_log (triggers, migration 0002). The chain
shows edits and deletions made behind the app's back all the same; someone able to rewrite
the whole table and the head can recompute every hash, which only an anchor outside the
database (a copy of the head elsewhere) would show.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa

from dashboards.app_state.store import Store
from dashboards.app_state.tables import audit_chain_head, audit_log

GENESIS_HASH = "0" * 64

# What an audit row records (`action`).
USER_CREATED = "user_created"
USER_DISABLED = "user_disabled"
USER_ENABLED = "user_enabled"
ROLE_SET = "role_set"
PASSWORD_SET = "password_set"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_LOCKED = "login_locked"
DECISION_RECORDED = "decision_recorded"
DECISION_REFUSED = "decision_refused"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    occurred_at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    client_address: str | None
    previous_value: dict | None
    new_value: dict | None


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_broken_seq: int | None = None
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def append(
    conn: sa.Connection,
    occurred_at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    *,
    previous_value: Mapping | None = None,
    new_value: Mapping | None = None,
    client_address: str | None = None,
) -> int:
    """Appends one row in the caller's write transaction (Store.write(), which holds the
    chain's lock) and moves the head; returns its seq."""
    head = conn.execute(sa.select(audit_chain_head).where(audit_chain_head.c.id == 1)).one()
    row = {
        "seq": head.last_seq + 1,
        "occurred_at": occurred_at,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "client_address": client_address,
        "previous_value": _json(previous_value),
        "new_value": _json(new_value),
        "prev_hash": head.last_hash,
    }
    row["row_hash"] = row_hash(row)
    conn.execute(sa.insert(audit_log), row)
    conn.execute(
        sa.update(audit_chain_head)
        .where(audit_chain_head.c.id == 1)
        .values(last_seq=row["seq"], last_hash=row["row_hash"])
    )
    return row["seq"]


def row_hash(row: Mapping) -> str:
    payload = {name: row[name] for name in audit_log.c.keys() if name != "row_hash"}
    payload["occurred_at"] = _instant(payload["occurred_at"])
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify_chain(conn: sa.Connection) -> ChainReport:
    """Walks the chain in seq order; the first row that is missing, altered or not linked
    to the one before is reported."""
    expected_seq, previous_hash = 1, GENESIS_HASH
    for row in conn.execute(sa.select(audit_log).order_by(audit_log.c.seq)).mappings():
        if row["seq"] != expected_seq:
            return ChainReport(expected_seq - 1, expected_seq, f"row {expected_seq} is missing (deleted?)")
        if row["prev_hash"] != previous_hash:
            return ChainReport(
                expected_seq - 1, row["seq"], f"row {row['seq']} does not link to row {row['seq'] - 1} (altered?)"
            )
        if row_hash(row) != row["row_hash"]:
            problem = f"row {row['seq']} does not match its hash (altered behind the app's back?)"
            return ChainReport(expected_seq - 1, row["seq"], problem)
        expected_seq, previous_hash = expected_seq + 1, row["row_hash"]
    rows = expected_seq - 1
    head = conn.execute(sa.select(audit_chain_head).where(audit_chain_head.c.id == 1)).one()
    if head.last_seq != rows or head.last_hash != previous_hash:
        return ChainReport(
            rows, rows + 1, f"the chain ends at row {rows} but its head says row {head.last_seq} (rows deleted?)"
        )
    return ChainReport(rows)


def entries(conn: sa.Connection, *, entity: str | None = None, entity_id: str | None = None) -> list[AuditEntry]:
    """The audit rows, oldest first, optionally of one entity (e.g. one user's rows)."""
    query = sa.select(audit_log).order_by(audit_log.c.seq)
    if entity is not None:
        query = query.where(audit_log.c.entity == entity)
    if entity_id is not None:
        query = query.where(audit_log.c.entity_id == entity_id)
    return [
        AuditEntry(
            seq=row.seq,
            occurred_at=row.occurred_at,
            actor=row.actor,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            client_address=row.client_address,
            previous_value=json.loads(row.previous_value) if row.previous_value else None,
            new_value=json.loads(row.new_value) if row.new_value else None,
        )
        for row in conn.execute(query)
    ]


def _instant(value: datetime) -> str:
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: Mapping | None) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")


def verify_store(store: Store) -> ChainReport:
    """verify_chain on the store, in one consistent read."""
    with store.read() as conn:
        return verify_chain(conn)


def audit_entries(store: Store, *, entity: str | None = None, entity_id: str | None = None) -> list[AuditEntry]:
    with store.read() as conn:
        return entries(conn, entity=entity, entity_id=entity_id)
