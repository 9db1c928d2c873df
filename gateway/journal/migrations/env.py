"""Alembic environment: the journal store passes its own connection in, so no URL lives here."""

from __future__ import annotations

from alembic import context

from gateway.journal.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
