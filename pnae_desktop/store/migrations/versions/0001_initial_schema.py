"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=50), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("legal_form", sa.String(length=100), nullable=False),
        sa.Column("representative_name", sa.String(length=200), nullable=False),
        sa.Column("representative_title", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "praes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("region_name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("end_year", sa.Integer(), nullable=False),
        sa.Column("catalogue_edition", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_praes_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_praes")),
        sa.UniqueConstraint("uid", name=op.f("uq_praes_uid")),
    )
    op.create_table(
        "allocation_keys",
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_allocation_keys_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("prae_id", "year", name=op.f("pk_allocation_keys")),
    )
    op.create_table(
        "conventions",
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("template_key", sa.String(length=50), nullable=False),
        sa.Column("settings_json", sa.Text(), nullable=False),
        sa.Column("articles_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_conventions_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("prae_id", name=op.f("pk_conventions")),
    )
    op.create_table(
        "funders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["prae_id"], ["praes.id"], name=op.f("fk_funders_prae_id_praes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funders")),
    )
    with op.batch_alter_table("funders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funders_prae_id"), ["prae_id"], unique=False)

    op.create_table(
        "missions_locales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=200), nullable=False),
        sa.Column("director", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_missions_locales_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missions_locales")),
    )
    with op.batch_alter_table("missions_locales", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_missions_locales_prae_id"), ["prae_id"], unique=False)

    op.create_table(
        "prae_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pnae_action", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("theme_label", sa.String(length=300), nullable=False),
        sa.Column("contexte", sa.Text(), nullable=True),
        sa.Column("enjeux", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("capitalisation", sa.Text(), nullable=True),
        sa.Column("essaimage", sa.Text(), nullable=True),
        sa.Column("animation", sa.Text(), nullable=True),
        sa.Column("co_animation", sa.Text(), nullable=True),
        sa.Column("arml_referentes", sa.Text(), nullable=True),
        sa.Column("arml_concernees", sa.Text(), nullable=True),
        sa.Column("acteurs", sa.Text(), nullable=True),
        sa.Column("dimension_territoriale", sa.Text(), nullable=True),
        sa.Column("livrables", sa.Text(), nullable=True),
        sa.Column("pilot", sa.String(length=200), nullable=False),
        sa.Column("co_pilots", sa.String(length=500), nullable=False),
        sa.Column("partners", sa.Text(), nullable=False),
        sa.Column("regional_priority", sa.Boolean(), nullable=False),
        sa.Column("territorial_levels", sa.String(length=100), nullable=False),
        sa.Column("calendar_note", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_prae_actions_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prae_actions")),
    )
    with op.batch_alter_table("prae_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prae_actions_prae_id"), ["prae_id"], unique=False)

    op.create_table(
        "structural_costs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prae_id"], ["praes.id"], name=op.f("fk_structural_costs_prae_id_praes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_structural_costs")),
        sa.UniqueConstraint("prae_id", "year", "label", name=op.f("uq_structural_costs_prae_id")),
    )
    with op.batch_alter_table("structural_costs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_structural_costs_prae_id"), ["prae_id"], unique=False)

    op.create_table(
        "action_missions_locales",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("mission_locale_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["prae_actions.id"],
            name=op.f("fk_action_missions_locales_action_id_prae_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mission_locale_id"],
            ["missions_locales.id"],
            name=op.f("fk_action_missions_locales_mission_locale_id_missions_locales"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "mission_locale_id", name=op.f("pk_action_missions_locales")),
    )
    op.create_table(
        "action_objectives",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("objective_code", sa.String(length=10), nullable=False),
        sa.Column("share", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["prae_actions.id"],
            name=op.f("fk_action_objectives_action_id_prae_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "objective_code", name=op.f("pk_action_objectives")),
    )
    op.create_table(
        "allocation_shares",
        sa.Column("prae_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("share", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["prae_actions.id"],
            name=op.f("fk_allocation_shares_action_id_prae_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["prae_id", "year"],
            ["allocation_keys.prae_id", "allocation_keys.year"],
            name=op.f("fk_allocation_shares_prae_id_allocation_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("prae_id", "year", "action_id", name=op.f("pk_allocation_shares")),
    )
    op.create_table(
        "calendar_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["prae_actions.id"],
            name=op.f("fk_calendar_items_action_id_prae_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_items")),
        sa.UniqueConstraint("action_id", "year", "position", name=op.f("uq_calendar_items_action_id")),
    )
    with op.batch_alter_table("calendar_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_items_action_id"), ["action_id"], unique=False)

    op.create_table(
        "charge_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("etp", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("annual_cost_cents", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["prae_actions.id"], name=op.f("fk_charge_lines_action_id_prae_actions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charge_lines")),
        sa.UniqueConstraint("action_id", "year", "account", "label", name=op.f("uq_charge_lines_action_id")),
    )
    with op.batch_alter_table("charge_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_charge_lines_action_id"), ["action_id"], unique=False)

    op.create_table(
        "financing_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["prae_actions.id"],
            name=op.f("fk_financing_lines_action_id_prae_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name=op.f("fk_financing_lines_funder_id_funders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_financing_lines")),
        sa.UniqueConstraint("action_id", "year", "funder_id", name=op.f("uq_financing_lines_action_id")),
    )
    with op.batch_alter_table("financing_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_financing_lines_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_financing_lines_funder_id"), ["funder_id"], unique=False)

    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("unit", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("baseline", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["prae_actions.id"], name=op.f("fk_indicators_action_id_prae_actions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicators")),
    )
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicators_action_id"), ["action_id"], unique=False)

    op.create_table(
        "indicator_targets",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_indicator_targets_indicator_id_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("indicator_id", "year", name=op.f("pk_indicator_targets")),
    )


def downgrade() -> None:
    op.drop_table("indicator_targets")
    with op.batch_alter_table("indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicators_action_id"))

    op.drop_table("indicators")
    with op.batch_alter_table("financing_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_financing_lines_funder_id"))
        batch_op.drop_index(batch_op.f("ix_financing_lines_action_id"))

    op.drop_table("financing_lines")
    with op.batch_alter_table("charge_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charge_lines_action_id"))

    op.drop_table("charge_lines")
    with op.batch_alter_table("calendar_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_items_action_id"))

    op.drop_table("calendar_items")
    op.drop_table("allocation_shares")
    op.drop_table("action_objectives")
    op.drop_table("action_missions_locales")
    with op.batch_alter_table("structural_costs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_structural_costs_prae_id"))

    op.drop_table("structural_costs")
    with op.batch_alter_table("prae_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prae_actions_prae_id"))

    op.drop_table("prae_actions")
    with op.batch_alter_table("missions_locales", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missions_locales_prae_id"))

    op.drop_table("missions_locales")
    with op.batch_alter_table("funders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funders_prae_id"))

    op.drop_table("funders")
    op.drop_table("conventions")
    op.drop_table("allocation_keys")
    op.drop_table("praes")
    op.drop_table("organisations")
