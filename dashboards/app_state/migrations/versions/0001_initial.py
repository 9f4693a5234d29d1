"""Users, credit decisions, the audit log and its chain head.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
_MONEY = sa.Numeric(18, 2).with_variant(sa.String(32), "sqlite")
_INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("created_at", _INSTANT, nullable=False),
        sa.Column("updated_at", _INSTANT, nullable=False),
        sa.CheckConstraint("role in ('viewer', 'committee', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "credit_decisions",
        sa.Column("decision_id", sa.Integer, primary_key=True),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("new_limit", _MONEY),
        sa.Column("currency", sa.String(3)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("next_review_date", sa.Date),
        sa.Column("meeting_date", sa.Date, nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", _INSTANT, nullable=False),
        sa.CheckConstraint(
            "action in ('keep', 'raise', 'reduce', 'hold_new_orders', 'stop_supplying', 'remove_limit')",
            name="ck_credit_decisions_action",
        ),
    )
    op.create_index("ix_credit_decisions_client", "credit_decisions", ["client_id", "decided_at"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("occurred_at", _INSTANT, nullable=False),
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
    # The login rate limits count recent failures by user name and by client address.
    op.create_index("ix_audit_log_entity", "audit_log", ["action", "entity_id", "occurred_at"])
    op.create_index("ix_audit_log_address", "audit_log", ["action", "client_address", "occurred_at"])
    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_chain_head_one_row"),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    op.drop_table("audit_log")
    op.drop_table("credit_decisions")
    op.drop_table("users")
