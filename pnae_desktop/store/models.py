"""ORM mapping of the store (SQLAlchemy 2.0 typed declarative). Schema changes go through
Alembic migrations in `migrations/versions/`, never through `create_all`."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from pnae_desktop.domain.drafting import PNAE_TEXT_FIELDS

# Explicit constraint names keep migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The fiche action's text fields, in the PNAE model's order, plus the region's deliverables.
FICHE_TEXT_FIELDS = (*PNAE_TEXT_FIELDS, "livrables")

# Short regional fields (one line each).
ACTION_LINE_FIELDS = ("title", "pilot", "co_pilots", "partners")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite drops the time zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None:
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrganisationRow(Base):
    __tablename__ = "organisations"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    siret: Mapped[str | None] = mapped_column(String(14))
    legal_form: Mapped[str] = mapped_column(String(100), default="Association loi 1901")
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    region_code: Mapped[str] = mapped_column(String(2), default="")


def new_uid() -> str:
    return str(uuid.uuid4())


class PraeRow(Base):
    __tablename__ = "praes"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    # The same PRAE across stores and packages (ids are per store).
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    region_code: Mapped[str] = mapped_column(String(2))
    # The name as of creation, so listing PRAEs needs no catalogue.
    region_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    catalogue_edition: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(20), default="brouillon")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[OrganisationRow] = relationship()
    actions: Mapped[list[PraeActionRow]] = relationship(
        back_populates="prae", order_by="PraeActionRow.position", cascade="all, delete-orphan"
    )
    missions_locales: Mapped[list[MissionLocaleRow]] = relationship(
        back_populates="prae", order_by="MissionLocaleRow.name", cascade="all, delete-orphan"
    )
    funders: Mapped[list[FunderRow]] = relationship(order_by="FunderRow.position", cascade="all, delete-orphan")
    structural_costs: Mapped[list[StructuralCostRow]] = relationship(
        order_by="(StructuralCostRow.year, StructuralCostRow.position)", cascade="all, delete-orphan"
    )
    allocation_keys: Mapped[list[AllocationKeyRow]] = relationship(
        order_by="AllocationKeyRow.year", cascade="all, delete-orphan"
    )


# -- budget: money is integer cents (BigInteger), ETP and percentages exact decimals ------------


class FunderRow(Base):
    __tablename__ = "funders"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))


class ChargeLineRow(Base):
    """A direct charge of an action for one year, on an account of the associations' chart.
    Personnel (64) may be typed as ETP x annual cost; the amount is then derived."""

    __tablename__ = "charge_lines"
    __table_args__ = (UniqueConstraint("action_id", "year", "account", "label"),)
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    etp: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    annual_cost_cents: Mapped[int | None] = mapped_column(BigInteger)


class FinancingLineRow(Base):
    __tablename__ = "financing_lines"
    __table_args__ = (UniqueConstraint("action_id", "year", "funder_id"),)
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id", ondelete="CASCADE"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), default="sollicite")


class StructuralCostRow(Base):
    """Fonctionnement / siège of the ARML for one year, shared among actions by a key."""

    __tablename__ = "structural_costs"
    __table_args__ = (UniqueConstraint("prae_id", "year", "label"),)
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class AllocationKeyRow(Base):
    __tablename__ = "allocation_keys"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(20), default="direct")
    shares: Mapped[list[AllocationShareRow]] = relationship(cascade="all, delete-orphan")


class AllocationShareRow(Base):
    """A manual key: the action's percentage of the year's structural costs."""

    __tablename__ = "allocation_shares"
    __table_args__ = (
        ForeignKeyConstraint(
            ["prae_id", "year"], ["allocation_keys.prae_id", "allocation_keys.year"], ondelete="CASCADE"
        ),
    )
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    prae_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), primary_key=True)
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class MissionLocaleRow(Base):
    """The PRAE's directory of the region's missions locales, kept by the team."""

    __tablename__ = "missions_locales"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(200), default="")
    director: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")

    prae: Mapped[PraeRow] = relationship(back_populates="missions_locales")


class ActionMissionLocaleRow(Base):
    __tablename__ = "action_missions_locales"

    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), primary_key=True)
    mission_locale_id: Mapped[int] = mapped_column(
        ForeignKey("missions_locales.id", ondelete="CASCADE"), primary_key=True
    )


class PraeActionRow(Base):
    __tablename__ = "prae_actions"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # Link to the catalogue action it was declined from (edition = the PRAE's); NULL = regional.
    pnae_action: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    theme_label: Mapped[str] = mapped_column(String(300), default="")
    contexte: Mapped[str | None] = mapped_column(Text)
    enjeux: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    capitalisation: Mapped[str | None] = mapped_column(Text)
    essaimage: Mapped[str | None] = mapped_column(Text)
    animation: Mapped[str | None] = mapped_column(Text)
    co_animation: Mapped[str | None] = mapped_column(Text)
    arml_referentes: Mapped[str | None] = mapped_column(Text)
    arml_concernees: Mapped[str | None] = mapped_column(Text)
    acteurs: Mapped[str | None] = mapped_column(Text)
    dimension_territoriale: Mapped[str | None] = mapped_column(Text)
    livrables: Mapped[str | None] = mapped_column(Text)
    pilot: Mapped[str] = mapped_column(String(200), default="")
    co_pilots: Mapped[str] = mapped_column(String(500), default="")
    partners: Mapped[str] = mapped_column(Text, default="")
    regional_priority: Mapped[bool] = mapped_column(Boolean, default=False)
    territorial_levels: Mapped[str] = mapped_column(String(100), default="")
    calendar_note: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    prae: Mapped[PraeRow] = relationship(back_populates="actions")
    calendar: Mapped[list[CalendarItemRow]] = relationship(
        back_populates="action",
        order_by="(CalendarItemRow.year, CalendarItemRow.position)",
        cascade="all, delete-orphan",
    )
    objectives: Mapped[list[ActionObjectiveRow]] = relationship(
        order_by="ActionObjectiveRow.objective_code", cascade="all, delete-orphan"
    )
    indicators: Mapped[list[IndicatorRow]] = relationship(
        order_by="IndicatorRow.position", cascade="all, delete-orphan"
    )
    mission_locale_links: Mapped[list[ActionMissionLocaleRow]] = relationship(cascade="all, delete-orphan")
    charges: Mapped[list[ChargeLineRow]] = relationship(
        order_by="(ChargeLineRow.account, ChargeLineRow.label, ChargeLineRow.year)", cascade="all, delete-orphan"
    )
    financing: Mapped[list[FinancingLineRow]] = relationship(cascade="all, delete-orphan")


class ActionObjectiveRow(Base):
    """A PRAE action serves a CPO objective; `share` splits its cost across objectives (NULL = equal)."""

    __tablename__ = "action_objectives"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), primary_key=True)
    objective_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))


class IndicatorRow(Base):
    __tablename__ = "indicators"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(30))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")

    targets: Mapped[list[IndicatorTargetRow]] = relationship(
        order_by="IndicatorTargetRow.year", cascade="all, delete-orphan"
    )


class IndicatorTargetRow(Base):
    __tablename__ = "indicator_targets"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class CalendarItemRow(Base):
    __tablename__ = "calendar_items"
    __table_args__ = (UniqueConstraint("action_id", "year", "position"),)
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # Milestone precision: a quarter (1-4) or an exact date; neither = the whole year.
    quarter: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date | None] = mapped_column(Date)

    action: Mapped[PraeActionRow] = relationship(back_populates="calendar")


class ConventionRow(Base):
    """The PRAE's CPO: parties and settings, and the articles' adaptations, as JSON documents
    validated by the services (see services/convention.py)."""

    __tablename__ = "conventions"
    # Optimistic concurrency: every UPDATE/DELETE checks and increments it (migration 0002).
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), primary_key=True)
    template_key: Mapped[str] = mapped_column(String(50))
    settings_json: Mapped[str] = mapped_column(Text)
    articles_json: Mapped[str] = mapped_column(Text)


class PraeVersionRow(Base):
    """A signed version of a PRAE's convention, frozen: its snapshot (PRAE, budget, convention
    as JSON), the exact signed PDF and its SHA-256, when and by whom it was marked. Rows are
    only ever inserted (services/versions.py has no update); the PRAE rows stay the working
    version."""

    __tablename__ = "prae_versions"
    __table_args__ = (UniqueConstraint("prae_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # "signee" | "signee_partiellement"
    snapshot_json: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))  # the text's, printed on its pages
    # None: the convention itself; N: « Avenant n° N », whose own fingerprint is `fingerprint`
    avenant_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    first_revision_sha256: Mapped[str] = mapped_column(String(64))
    signed_fields: Mapped[str] = mapped_column(Text)  # JSON list of the signed fields' names
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    marked_by: Mapped[str] = mapped_column(String(200))


# -- follow-up (realised, per year): money is integer cents --------------------------------------


class FollowUpSettingsRow(Base):
    """The PRAE's follow-up settings: the gap threshold above which an explanation is required."""

    __tablename__ = "followup_settings"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), primary_key=True)
    threshold_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class ActionReportRow(Base):
    __tablename__ = "action_reports"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str | None] = mapped_column(String(20))
    account: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    deliverables: Mapped[str] = mapped_column(Text, default="")


class ReportMilestoneRow(Base):
    """A milestone of the action (its index in the action's calendar) done in that year."""

    __tablename__ = "report_milestones"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    milestone_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    done_on: Mapped[date | None] = mapped_column(Date)


class IndicatorResultRow(Base):
    __tablename__ = "indicator_results"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), primary_key=True)
    indicator_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class RealisedChargeRow(Base):
    __tablename__ = "realised_charges"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(20), default="saisie")


class RealisedFinancingRow(Base):
    __tablename__ = "realised_financing"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("prae_actions.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(20), default="saisie")


class RealisedOtherRow(Base):
    """68/78 (dotations, reprises, fonds dédiés) and 86/87 (contributions volontaires: kind
    "contribution") of a year, outside the actions' charges."""

    __tablename__ = "realised_others"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # "other" | "contribution"
    year: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(20), default="saisie")


class GapExplanationRow(Base):
    __tablename__ = "gap_explanations"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class MappingRuleRow(Base):
    """A rule of the PRAE's mapping of accounting entries to actions and funders."""

    __tablename__ = "mapping_rules"
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    __mapper_args__ = {"version_id_col": version}

    id: Mapped[int] = mapped_column(primary_key=True)
    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    match: Mapped[str] = mapped_column(String(20))
    pattern: Mapped[str] = mapped_column(String(200))
    action: Mapped[int | None] = mapped_column(Integer)
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    funder: Mapped[str] = mapped_column(String(200), default="")


class PresenceRow(Base):
    """Who has a team store open and where (a heartbeat every few seconds; old rows are ignored)."""

    __tablename__ = "presence"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(200))
    prae_id: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClosedYearRow(Base):
    """A realised year closed when the next year's PRAE was prepared: its follow-up is read-only."""

    __tablename__ = "closed_years"

    prae_id: Mapped[int] = mapped_column(ForeignKey("praes.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)


# Tables whose rows carry a `version` (migration 0002): every row a user edits.
VERSIONED_TABLES = frozenset(
    mapper.local_table.name  # type: ignore[attr-defined]
    for mapper in Base.registry.mappers
    if mapper.version_id_col is not None
)
