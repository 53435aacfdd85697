"""closed years: realised years closed when the next year's PRAE is prepared

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "closed_years",
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_closed_years_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("prae_id", "year", name=op.f("pk_closed_years")),
    )


def downgrade() -> None:
    op.drop_table("closed_years")
