"""PRAE services: what the GUI and the CLI call. Each function is one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import drafting, regional_names, rules
from pnae_desktop.domain.entities import (
    Indicator,
    Milestone,
    MissionLocale,
    NewPrae,
    Organisation,
    PraeAction,
    PraeDetail,
)
from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import ValidationError
from pnae_desktop.services.budget import add_default_funders
from pnae_desktop.services.rows import prae_row
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import (
    FICHE_TEXT_FIELDS,
    AllocationKeyRow,
    CalendarItemRow,
    IndicatorRow,
    MissionLocaleRow,
    OrganisationRow,
    PraeActionRow,
    PraeRow,
    utcnow,
)


def default_title(catalogue: Catalogue, region_name: str, start_year: int, end_year: int) -> str:
    return f"PRAE {region_name} {start_year}-{end_year}"


def _organisation_row(session: Session, region_code: str, name: str, catalogue: Catalogue) -> OrganisationRow:
    """The ARML of the region: reuse the one already known, else create it from the catalogue."""
    existing = session.scalars(
        select(OrganisationRow).where(OrganisationRow.region_code == region_code).order_by(OrganisationRow.id)
    ).first()
    if existing is not None and (not name or existing.name == name):
        return existing
    region = catalogue.region(region_code)
    president = region.arml.presidents[0] if region.arml else None
    row = OrganisationRow(
        name=name or regional_names.arml_name(region.insee_code, region.name),
        acronym=f"ARML {region.name}",
        region_code=region_code,
        representative_name=president.name if president else "",
        representative_title=regional_names.arml_president_title(region_code, president.title) if president else "",
    )
    session.add(row)
    return row


def action_row_from_catalogue(
    catalogue: Catalogue, number: int, position: int, years: range | None = None
) -> PraeActionRow:
    """A PRAE action declined from a PNAE action: a copy of its fields plus the link to it.
    Calendar items of years outside the PRAE's period (`years`) are left out."""
    source = catalogue.action(number)
    row = PraeActionRow(
        position=position,
        pnae_action=number,
        theme_label=source.theme_label,
        territorial_levels=",".join(source.territorial_levels),
        calendar_note=source.calendar_intro,
        notes="\n".join(source.notes) or None,
    )
    # The PNAE text of each field, from the same function the drafting rules compare against.
    for key, value in drafting.pnae_values(source).items():
        setattr(row, key, value)
    row.calendar = [
        CalendarItemRow(year=year.year, position=i, text=item)
        for year in source.calendar
        if years is None or year.year in years
        for i, item in enumerate(year.items)
    ]
    return row


def create_prae(store: Store, catalogue: Catalogue, new: NewPrae) -> int:
    """Create a PRAE with the chosen PNAE actions declined; return its id."""
    rules.check_period(new.start_year, new.end_year)
    try:
        region = catalogue.region(new.region_code)
    except KeyError:
        raise ValidationError(f"Région inconnue : code INSEE « {new.region_code} ».", "region") from None
    known = {a.number for a in catalogue.actions}
    unknown = [n for n in new.pnae_actions if n not in known]
    if unknown:
        raise ValidationError(f"Action(s) du PNAE inconnue(s) dans « {catalogue.short_title} » : {unknown}.", "actions")
    rules.check_text(new.title, "Intitulé du PRAE", "title")
    rules.check_text(new.organisation_name, "Organisation", "organisation")
    title = (new.title or "").strip() or default_title(catalogue, region.name, new.start_year, new.end_year)
    with store.transaction() as session:
        organisation = _organisation_row(session, region.insee_code, new.organisation_name.strip(), catalogue)
        prae = PraeRow(
            organisation=organisation,
            region_code=region.insee_code,
            region_name=region.name,
            title=title,
            start_year=new.start_year,
            end_year=new.end_year,
            catalogue_edition=catalogue.key,
            status="brouillon",
        )
        prae.actions = [
            action_row_from_catalogue(catalogue, number, position, range(new.start_year, new.end_year + 1))
            for position, number in enumerate(sorted(set(new.pnae_actions)))
        ]
        session.add(prae)
        add_default_funders(
            session,
            prae,
            regional_names.default_funder_names(region.insee_code, region.name, date(new.start_year, 1, 1)),
        )
        session.flush()
        return prae.id


def add_regional_action(store: Store, prae_id: int, title: str, **fields: str) -> int:
    """A blank (regional-only) action at the end of the PRAE."""
    title = rules.check_required_text(title, "Intitulé", "title")
    unknown = set(fields) - set(FICHE_TEXT_FIELDS)
    if unknown:
        raise ValidationError(f"Champ(s) inconnu(s) : {sorted(unknown)}.")
    for key, value in fields.items():
        rules.check_text(value, drafting.FIELD_LABELS.get(key, key), key, long_text=True)
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        position = len(prae.actions)
        row = PraeActionRow(position=position, title=title, theme_label="Action régionale", **fields)
        prae.actions.append(row)
        prae.updated_at = utcnow()
        session.flush()
        return row.id


def list_praes(store: Store) -> list[PraeSummary]:
    """One summary per PRAE, most recently changed first."""
    counts = (
        select(PraeActionRow.prae_id, func.count(PraeActionRow.id).label("n"))
        .group_by(PraeActionRow.prae_id)
        .subquery()
    )
    query = (
        select(PraeRow, OrganisationRow.name, func.coalesce(counts.c.n, 0))
        .join(OrganisationRow, PraeRow.organisation_id == OrganisationRow.id)
        .outerjoin(counts, counts.c.prae_id == PraeRow.id)
        .order_by(PraeRow.updated_at.desc(), PraeRow.id.desc())
    )
    with store.transaction() as session:
        return [_summary(prae, org_name, count) for prae, org_name, count in session.execute(query)]


def action_entity(row: PraeActionRow) -> PraeAction:
    return PraeAction(
        id=row.id,
        position=row.position,
        pnae_action=row.pnae_action,
        title=row.title,
        theme_label=row.theme_label,
        fields={key: getattr(row, key) for key in FICHE_TEXT_FIELDS},
        territorial_levels=tuple(filter(None, row.territorial_levels.split(","))),
        pilot=row.pilot,
        co_pilots=row.co_pilots,
        partners=row.partners,
        regional_priority=row.regional_priority,
        calendar_note=row.calendar_note,
        notes=row.notes,
        milestones=tuple(milestone_entity(i) for i in row.calendar),
        objectives=tuple((o.objective_code, o.share) for o in row.objectives),
        indicators=tuple(indicator_entity(i) for i in row.indicators),
        mission_locale_ids=tuple(sorted(link.mission_locale_id for link in row.mission_locale_links)),
    )


def milestone_entity(row: CalendarItemRow) -> Milestone:
    return Milestone(row.year, row.text, row.quarter, row.day)


def indicator_entity(row: IndicatorRow) -> Indicator:
    return Indicator(
        label=row.label,
        unit=row.unit,
        source=row.source,
        baseline=row.baseline,
        baseline_year=row.baseline_year,
        targets=tuple((t.year, t.value) for t in row.targets),
        comment=row.comment,
    )


def mission_locale_entity(row: MissionLocaleRow) -> MissionLocale:
    return MissionLocale(row.id, row.name, row.city, row.director, row.contact)


def get_action(store: Store, action_id: int) -> PraeAction:
    with store.transaction() as session:
        row = session.scalars(
            select(PraeActionRow)
            .where(PraeActionRow.id == action_id)
            .options(
                selectinload(PraeActionRow.calendar),
                selectinload(PraeActionRow.objectives),
                selectinload(PraeActionRow.mission_locale_links),
                selectinload(PraeActionRow.indicators).selectinload(IndicatorRow.targets),
            )
        ).one_or_none()
        if row is None:
            raise ValidationError(f"Action n° {action_id} introuvable (supprimée entre-temps ?).")
        return action_entity(row)


def prae_actions(store: Store, prae_id: int) -> list[PraeAction]:
    with store.transaction() as session:
        return [action_entity(row) for row in prae_row(session, prae_id).actions]


def _summary(prae: PraeRow, organisation_name: str, action_count: int) -> PraeSummary:
    return PraeSummary(
        id=prae.id,
        title=prae.title,
        region_code=prae.region_code,
        region_name=prae.region_name,
        start_year=prae.start_year,
        end_year=prae.end_year,
        status=prae.status,
        action_count=action_count,
        organisation_name=organisation_name,
        catalogue_edition=prae.catalogue_edition,
        created_at=prae.created_at,
        updated_at=prae.updated_at,
    )


def load_prae_row(session: Session, prae_id: int, *, with_budget: bool = False) -> PraeRow:
    """The PRAE row with its actions and their links loaded in one query per relation (not one
    per action); `with_budget` also loads funders, lines, structural costs and keys."""
    options = [
        selectinload(PraeRow.organisation),
        selectinload(PraeRow.missions_locales),
        selectinload(PraeRow.actions).selectinload(PraeActionRow.calendar),
        selectinload(PraeRow.actions).selectinload(PraeActionRow.objectives),
        selectinload(PraeRow.actions).selectinload(PraeActionRow.mission_locale_links),
        selectinload(PraeRow.actions).selectinload(PraeActionRow.indicators).selectinload(IndicatorRow.targets),
    ]
    if with_budget:
        options += [
            selectinload(PraeRow.funders),
            selectinload(PraeRow.structural_costs),
            selectinload(PraeRow.allocation_keys).selectinload(AllocationKeyRow.shares),
            selectinload(PraeRow.actions).selectinload(PraeActionRow.charges),
            selectinload(PraeRow.actions).selectinload(PraeActionRow.financing),
        ]
    prae = session.scalars(select(PraeRow).where(PraeRow.id == prae_id).options(*options)).one_or_none()
    if prae is None:
        raise ValidationError(f"Aucun PRAE n° {prae_id} dans ce fichier.", "prae")
    return prae


def get_prae(store: Store, prae_id: int) -> PraeDetail:
    """The whole PRAE as plain values: summary, ARML, every action with its links."""
    with store.transaction() as session:
        prae = load_prae_row(session, prae_id)
        return PraeDetail(
            summary=_summary(prae, prae.organisation.name, len(prae.actions)),
            organisation=_organisation(prae.organisation),
            actions=tuple(action_entity(row) for row in prae.actions),
            missions_locales=tuple(mission_locale_entity(m) for m in prae.missions_locales),
        )


def organisation(store: Store, organisation_id: int) -> Organisation:
    with store.transaction() as session:
        row = session.get(OrganisationRow, organisation_id)
        if row is None:
            raise ValidationError(f"Aucune organisation n° {organisation_id}.")
        return _organisation(row)


def _organisation(row: OrganisationRow) -> Organisation:
    return Organisation(
        id=row.id,
        name=row.name,
        acronym=row.acronym,
        address=row.address,
        siret=row.siret,
        legal_form=row.legal_form,
        representative_name=row.representative_name,
        representative_title=row.representative_title,
        email=row.email,
        phone=row.phone,
        region_code=row.region_code,
    )


ORGANISATION_TEXT_FIELDS = (
    "acronym",
    "address",
    "legal_form",
    "representative_name",
    "representative_title",
    "email",
    "phone",
)


ORGANISATION_FIELD_LABELS = {
    "acronym": "Sigle",
    "address": "Adresse",
    "legal_form": "Forme juridique",
    "representative_name": "Représentant",
    "representative_title": "Qualité du représentant",
    "email": "Courriel",
    "phone": "Téléphone",
}


def check_organisation(organisation: Organisation) -> Organisation:
    """The organisation as stored: name required, SIRET checked, the other texts trimmed."""
    for key in ORGANISATION_TEXT_FIELDS:
        rules.check_text(
            getattr(organisation, key), ORGANISATION_FIELD_LABELS.get(key, key), key, long_text=key == "address"
        )
    return replace(
        organisation,
        name=rules.check_required_text(organisation.name, "Nom", "name"),
        siret=rules.check_siret(organisation.siret),
        **{key: getattr(organisation, key).strip() for key in ORGANISATION_TEXT_FIELDS},
    )


def save_organisation(store: Store, organisation: Organisation) -> int:
    """Create or update an organisation after checking its fields."""
    checked = check_organisation(organisation)
    with store.transaction() as session:
        row = session.get(OrganisationRow, organisation.id) if organisation.id else None
        if row is None:
            row = OrganisationRow()
            session.add(row)
        for key in ("name", "siret", "region_code", *ORGANISATION_TEXT_FIELDS):
            setattr(row, key, getattr(checked, key))
        session.flush()
        return row.id


def prae_title(store: Store, prae_id: int) -> str:
    with store.transaction() as session:
        return prae_row(session, prae_id).title


def catalogue_edition(store: Store, prae_id: int) -> str:
    """The PNAE edition the PRAE was drafted from (the catalogue its session works with)."""
    with store.transaction() as session:
        return prae_row(session, prae_id).catalogue_edition


def prae_organisation_id(store: Store, prae_id: int) -> int:
    with store.transaction() as session:
        return prae_row(session, prae_id).organisation_id


def update_prae(store: Store, prae_id: int, *, title: str | None = None, status: str | None = None) -> dict:
    """Rename the PRAE or change its status; return the previous values (for undo)."""
    changes = {}
    if title is not None:
        changes["title"] = rules.check_required_text(title, "Intitulé du PRAE", "title")
        if len(changes["title"]) > 300:
            raise ValidationError("Intitulé du PRAE : 300 caractères au plus.", "title")
    if status is not None:
        rules.check_status(status)
        changes["status"] = status
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        previous = {key: getattr(prae, key) for key in changes}
        for key, value in changes.items():
            setattr(prae, key, value)
        prae.updated_at = utcnow()
        return previous
