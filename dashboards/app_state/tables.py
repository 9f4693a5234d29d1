"""The store's tables (SQLAlchemy Core). Migrations in migrations/versions create them;
a change here needs a new migration there.

`credit_decisions` is also read by the pipeline (orchestration/ingest/app_state.py), which
declares its columns itself: that table's columns are a contract, documented there."""

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa


class Money(sa.types.TypeDecorator):
    """An amount with cents, exact on every backend: NUMERIC(18, 2) where the database has
    decimals, its decimal text on SQLite (whose NUMERIC would store a float)."""

    impl = sa.Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(32))
        return dialect.type_descriptor(sa.Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: sa.Dialect):
        if value is None or dialect.name != "sqlite":
            return value
        return format(value, "f")

    def process_result_value(self, value, dialect: sa.Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcDateTime(sa.types.TypeDecorator):
    """A UTC instant, aware in Python on every backend (SQLite keeps no time zone: what
    it stores is UTC by this convention)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps aware UTC timestamps only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("user_id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("is_active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

credit_decisions = sa.Table(
    "credit_decisions",
    metadata,
    sa.Column("decision_id", sa.Integer, primary_key=True),
    sa.Column("client_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("new_limit", Money),
    sa.Column("currency", sa.String(3)),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("next_review_date", sa.Date),
    sa.Column("meeting_date", sa.Date, nullable=False),
    sa.Column("decided_by", sa.String(64), nullable=False),
    sa.Column("decided_at", UtcDateTime, nullable=False),
)

# Append-only (triggers refuse UPDATE and DELETE): one row per write, chained by hash (audit.py).
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(80), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.String(80), nullable=False),
    sa.Column("client_address", sa.String(64)),
    sa.Column("previous_value", sa.Text),
    sa.Column("new_value", sa.Text),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("row_hash", sa.String(64), nullable=False),
)

# One row (id 1): the chain's last seq and hash. Every write transaction locks it first,
# so appends are serialised, and a deleted last row is caught by comparing with it.
audit_chain_head = sa.Table(
    "audit_chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
)
