"""follow-up: realised actions, indicators, charges, financing, explanations, mapping

Revision ID: 0005
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _prae_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["prae_id"], ["praes.id"], name=op.f(f"fk_{table}_prae_id_praes"), ondelete="CASCADE"
    )


def _action_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["action_id"], ["prae_actions.id"], name=op.f(f"fk_{table}_action_id_prae_actions"), ondelete="CASCADE"
    )


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def _version() -> sa.Column[int]:
    """Optimistic concurrency, as every other row a user edits (0002, services/concurrency.py)."""
    return sa.Column("version", sa.Integer(), nullable=False, server_default="1")


def upgrade() -> None:
    op.create_table(
        "followup_settings",
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("threshold_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        _prae_fk("followup_settings"),
        _version(),
        sa.PrimaryKeyConstraint("prae_id", name=op.f("pk_followup_settings")),
    )
    op.create_table(
        "action_reports",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("difficulties", sa.Text(), nullable=False),
        sa.Column("deliverables", sa.Text(), nullable=False),
        _action_fk("action_reports"),
        _version(),
        sa.PrimaryKeyConstraint("action_id", "year", name=op.f("pk_action_reports")),
    )
    op.create_table(
        "report_milestones",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("milestone_index", sa.Integer(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        _action_fk("report_milestones"),
        _version(),
        sa.PrimaryKeyConstraint("action_id", "year", "milestone_index", name=op.f("pk_report_milestones")),
    )
    op.create_table(
        "indicator_results",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("indicator_index", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        _action_fk("indicator_results"),
        _version(),
        sa.PrimaryKeyConstraint("action_id", "indicator_index", "year", name=op.f("pk_indicator_results")),
    )
    op.create_table(
        "realised_charges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        _prae_fk("realised_charges"),
        _action_fk("realised_charges"),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realised_charges")),
    )
    _index("realised_charges", "prae_id")
    _index("realised_charges", "action_id")
    op.create_table(
        "realised_financing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        _prae_fk("realised_financing"),
        _action_fk("realised_financing"),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name=op.f("fk_realised_financing_funder_id_funders"), ondelete="CASCADE"
        ),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realised_financing")),
    )
    _index("realised_financing", "prae_id")
    _index("realised_financing", "funder_id")
    op.create_table(
        "realised_others",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        _prae_fk("realised_others"),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_realised_others")),
    )
    _index("realised_others", "prae_id")
    op.create_table(
        "gap_explanations",
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _prae_fk("gap_explanations"),
        _version(),
        sa.PrimaryKeyConstraint("prae_id", "year", "key", name=op.f("pk_gap_explanations")),
    )
    op.create_table(
        "mapping_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("match", sa.String(length=20), nullable=False),
        sa.Column("pattern", sa.String(length=200), nullable=False),
        sa.Column("action", sa.Integer(), nullable=True),
        sa.Column("share", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("funder", sa.String(length=200), nullable=False),
        _prae_fk("mapping_rules"),
        _version(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_rules")),
    )
    _index("mapping_rules", "prae_id")


def downgrade() -> None:
    for table in (
        "mapping_rules",
        "gap_explanations",
        "realised_others",
        "realised_financing",
        "realised_charges",
        "indicator_results",
        "report_milestones",
        "action_reports",
        "followup_settings",
    ):
        op.drop_table(table)
