"""The database itself refuses UPDATE and DELETE on audit_log (and TRUNCATE on
PostgreSQL): the app never does either, so whoever does has gone around it, and must
first drop these triggers — which the hash chain still shows, row by row.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_MESSAGE = "audit_log is append-only"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("update", "delete"):
            op.execute(
                f"create trigger audit_log_no_{event} before {event} on audit_log "
                f"begin select raise(abort, '{_MESSAGE}'); end"
            )
        return
    op.execute(
        "create function audit_log_append_only() returns trigger language plpgsql as "
        f"$$ begin raise exception '{_MESSAGE}'; end $$"
    )
    op.execute(
        "create trigger audit_log_no_change before update or delete on audit_log "
        "for each row execute function audit_log_append_only()"
    )
    op.execute(
        "create trigger audit_log_no_truncate before truncate on audit_log "
        "for each statement execute function audit_log_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"drop trigger audit_log_no_{event}")
        return
    op.execute("drop trigger audit_log_no_truncate on audit_log")
    op.execute("drop trigger audit_log_no_change on audit_log")
    op.execute("drop function audit_log_append_only()")
