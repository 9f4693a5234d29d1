"""Alembic's environment, run programmatically by engine.migrate(): the connection (and
its transaction, which holds the migration lock) comes in through config.attributes."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
