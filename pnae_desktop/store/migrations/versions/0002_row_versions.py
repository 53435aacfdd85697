"""row versions: optimistic concurrency on every row a user edits

Each edited table gets a `version` integer (SQLAlchemy's `version_id_col`): an UPDATE or
DELETE names the version it read and increments it, so an edit based on a stale row changes
nothing and is refused (see services/concurrency.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Kept in step with store/models.py VERSIONED_TABLES (a migration never imports the models).
TABLES = (
    "organisations",
    "praes",
    "funders",
    "charge_lines",
    "financing_lines",
    "structural_costs",
    "allocation_keys",
    "allocation_shares",
    "missions_locales",
    "prae_actions",
    "action_objectives",
    "indicators",
    "indicator_targets",
    "calendar_items",
    "conventions",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
