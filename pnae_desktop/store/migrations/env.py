"""Alembic environment: the store hands over its open connection (see store.migrate)."""

from alembic import context

from pnae_desktop.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite needs table rebuilds for ALTER
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
