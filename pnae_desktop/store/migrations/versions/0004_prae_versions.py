"""signed versions of a PRAE's convention

Revision ID: 0004
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prae_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("first_revision_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_fields", sa.Text(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("marked_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_prae_versions_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prae_versions")),
        sa.UniqueConstraint("prae_id", "number", name=op.f("uq_prae_versions_prae_id")),
    )
    op.create_index(op.f("ix_prae_versions_prae_id"), "prae_versions", ["prae_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_prae_versions_prae_id"), table_name="prae_versions")
    op.drop_table("prae_versions")
