"""avenant versions: a signed avenant is recorded as a version, with its number

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null for a signed convention; N for a signed « Avenant n° N ». A plain ADD COLUMN: the
    # table holds the signed PDFs, and SQLite's batch mode would copy them all.
    op.add_column("prae_versions", sa.Column("avenant_number", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prae_versions") as batch:
        batch.drop_column("avenant_number")
