"""Editing a PRAE's fiches actions. Each function is one transaction, validates first (nothing
is half-saved), and returns what is needed to undo it (the previous values or a snapshot)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import drafting, rules
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, PraeAction
from pnae_desktop.errors import ValidationError
from pnae_desktop.services.praes import (
    action_entity,
    action_row_from_catalogue,
    indicator_entity,
    milestone_entity,
    mission_locale_entity,
)
from pnae_desktop.services.rows import prae_row, touch
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import (
    ACTION_LINE_FIELDS,
    FICHE_TEXT_FIELDS,
    ActionMissionLocaleRow,
    ActionObjectiveRow,
    CalendarItemRow,
    IndicatorRow,
    IndicatorTargetRow,
    MissionLocaleRow,
    PraeActionRow,
    PraeRow,
)

EDITABLE_FIELDS = (*ACTION_LINE_FIELDS, *FICHE_TEXT_FIELDS, "regional_priority", "territorial_levels")


def _action(session: Session, action_id: int) -> PraeActionRow:
    row = session.get(PraeActionRow, action_id)
    if row is None:
        raise ValidationError(f"Action n° {action_id} introuvable (supprimée entre-temps ?).")
    return row


def _clean(field: str, value: Any) -> Any:
    if field not in EDITABLE_FIELDS:
        raise ValidationError(f"Champ inconnu : « {field} ».", field)
    if field == "title":
        return drafting.check_length(rules.check_required_text(value, "Intitulé", "title"), "title", "Intitulé")
    if field == "regional_priority":
        return bool(value)
    label = drafting.FIELD_LABELS.get(field, field)
    rules.check_text(value if isinstance(value, str) else None, label, field, long_text=field not in ACTION_LINE_FIELDS)
    if field == "territorial_levels":
        return ",".join(drafting.check_levels(value))
    if field in ACTION_LINE_FIELDS:
        return drafting.check_length((value or "").strip(), field, drafting.FIELD_LABELS[field])
    return value  # long texts are kept as typed (None = absent from the PNAE fiche)


def check_field(field: str, value: Any) -> None:
    """Raise ValidationError (French, naming the field) for a value update_action would refuse:
    the fiche explains it beside the field before anything is sent to the store."""
    _clean(field, value)


def _stored(row: PraeActionRow, field: str) -> Any:
    value = getattr(row, field)
    if field == "territorial_levels":
        return tuple(filter(None, value.split(",")))
    return value


def milestone_rows(milestones: Iterable[Milestone]) -> list[CalendarItemRow]:
    """Calendar rows, numbered per year in the order given."""
    counters: dict[int, int] = {}
    rows = []
    for m in milestones:
        position = counters.get(m.year, 0)
        counters[m.year] = position + 1
        rows.append(CalendarItemRow(year=m.year, position=position, text=m.text, quarter=m.quarter, day=m.day))
    return rows


def indicator_rows(indicators: Iterable[Indicator]) -> list[IndicatorRow]:
    return [
        IndicatorRow(
            position=position,
            label=i.label,
            unit=i.unit,
            source=i.source,
            baseline=i.baseline,
            baseline_year=i.baseline_year,
            comment=i.comment,
            targets=[IndicatorTargetRow(year=y, value=v) for y, v in i.targets],
        )
        for position, i in enumerate(indicators)
    ]


def update_action(store: Store, action_id: int, changes: dict) -> dict:
    """Set fields of an action; return their previous values (for undo)."""
    cleaned = {field: _clean(field, value) for field, value in changes.items()}
    with store.transaction() as session:
        row = _action(session, action_id)
        previous = {field: _stored(row, field) for field in cleaned}
        for field, value in cleaned.items():
            setattr(row, field, value)
        touch(session, row.prae_id)
        return previous


def set_objectives(
    store: Store, catalogue: Catalogue, action_id: int, objectives: dict[str, Decimal | None]
) -> dict[str, Decimal | None]:
    """Link the action to CPO objectives (code → cost share, None = equal split)."""
    codes = drafting.check_objectives(objectives, catalogue)
    objectives = {c: drafting.check_share(objectives[c], f"Part de l'objectif {c}") for c in codes}
    with store.transaction() as session:
        row = _action(session, action_id)
        previous = {o.objective_code: o.share for o in row.objectives}
        row.objectives = [ActionObjectiveRow(objective_code=c, share=objectives[c]) for c in codes]
        touch(session, row.prae_id)
        return previous


def set_milestones(store: Store, action_id: int, milestones: list[Milestone]) -> list[Milestone]:
    with store.transaction() as session:
        row = _action(session, action_id)
        prae = prae_row(session, row.prae_id)
        for m in milestones:
            rules.check_text(m.text, f"Calendrier {m.year} : jalon", "calendar")
        checked = [drafting.check_milestone(m, prae.start_year, prae.end_year) for m in milestones]
        previous = [milestone_entity(i) for i in row.calendar]
        row.calendar = []
        session.flush()  # free the (action, year, position) keys before re-inserting
        row.calendar = milestone_rows(checked)
        touch(session, row.prae_id)
        return previous


def set_indicators(store: Store, action_id: int, indicators: list[Indicator]) -> list[Indicator]:
    with store.transaction() as session:
        row = _action(session, action_id)
        prae = prae_row(session, row.prae_id)
        for i in indicators:
            rules.check_text(i.label, "Indicateur : libellé", "indicators")
            rules.check_text(i.comment, "Indicateur : commentaire", "indicators", long_text=True)
        checked = [drafting.check_indicator(i, prae.start_year, prae.end_year) for i in indicators]
        previous = [indicator_entity(i) for i in row.indicators]
        row.indicators = indicator_rows(checked)
        touch(session, row.prae_id)
        return previous


def set_action_missions_locales(store: Store, action_id: int, ids: list[int]) -> list[int]:
    with store.transaction() as session:
        row = _action(session, action_id)
        known = set(session.scalars(select(MissionLocaleRow.id).where(MissionLocaleRow.prae_id == row.prae_id)))
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValidationError("Mission locale inconnue dans l'annuaire de ce PRAE.", "missions_locales")
        previous = sorted(link.mission_locale_id for link in row.mission_locale_links)
        row.mission_locale_links = [ActionMissionLocaleRow(mission_locale_id=i) for i in sorted(set(ids))]
        touch(session, row.prae_id)
        return previous


def reorder_actions(store: Store, prae_id: int, ordered_ids: list[int]) -> list[int]:
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        current = [a.id for a in prae.actions]
        if sorted(current) != sorted(ordered_ids):
            raise ValidationError("Réorganisation impossible : la liste des actions a changé.")
        by_id = {a.id: a for a in prae.actions}
        for position, action_id in enumerate(ordered_ids):
            by_id[action_id].position = position
        touch(session, prae_id)
        return current


def _insert_at(prae: PraeRow, row: PraeActionRow, position: int | None) -> None:
    actions = sorted(prae.actions, key=lambda a: a.position)
    position = len(actions) if position is None else max(0, min(position, len(actions)))
    actions.insert(position, row)
    for i, action in enumerate(actions):
        action.position = i
    prae.actions.append(row)


def add_pnae_action(store: Store, catalogue: Catalogue, prae_id: int, number: int, position: int | None = None) -> int:
    try:
        catalogue.action(number)
    except KeyError:
        raise ValidationError(f"Action {number} inconnue dans « {catalogue.short_title} ».", "actions") from None
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        row = action_row_from_catalogue(catalogue, number, 0, range(prae.start_year, prae.end_year + 1))
        _insert_at(prae, row, position)
        touch(session, prae_id)
        session.flush()
        return row.id


def add_blank_action(store: Store, prae_id: int, title: str, position: int | None = None) -> int:
    title = rules.check_required_text(title, "Intitulé", "title")
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        row = PraeActionRow(position=0, title=title, theme_label="Action régionale", regional_priority=True)
        _insert_at(prae, row, position)
        touch(session, prae_id)
        session.flush()
        return row.id


def duplicate_action(store: Store, action_id: int) -> int:
    """A copy placed right after the original, with every field, link, indicator and milestone."""
    with store.transaction() as session:
        source = _action(session, action_id)
        snapshot = action_entity(source)
        prae = prae_row(session, source.prae_id)
    copy = PraeAction(**{**snapshot.__dict__, "id": None, "title": f"{snapshot.title} (copie)"})
    return restore_action(store, prae.id, copy, position=snapshot.position + 1)


def delete_action(store: Store, action_id: int) -> PraeAction:
    """Remove an action; return its full snapshot so `restore_action` can bring it back."""
    with store.transaction() as session:
        row = _action(session, action_id)
        snapshot = action_entity(row)
        prae = prae_row(session, row.prae_id)
        prae.actions.remove(row)
        for i, action in enumerate(sorted(prae.actions, key=lambda a: a.position)):
            action.position = i
        touch(session, prae.id)
        return snapshot


def restore_action(store: Store, prae_id: int, snapshot: PraeAction, position: int | None = None) -> int:
    """Insert an action from a snapshot (same id when given and free), at `position`."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        ml_ids = set(session.scalars(select(MissionLocaleRow.id).where(MissionLocaleRow.prae_id == prae_id)))
        row = PraeActionRow(
            id=snapshot.id if snapshot.id is not None and session.get(PraeActionRow, snapshot.id) is None else None,
            position=0,
            pnae_action=snapshot.pnae_action,
            title=snapshot.title,
            theme_label=snapshot.theme_label,
            pilot=snapshot.pilot,
            co_pilots=snapshot.co_pilots,
            partners=snapshot.partners,
            regional_priority=snapshot.regional_priority,
            territorial_levels=",".join(snapshot.territorial_levels),
            calendar_note=snapshot.calendar_note,
            notes=snapshot.notes,
            **{key: snapshot.fields.get(key) for key in FICHE_TEXT_FIELDS},
        )
        row.calendar = milestone_rows(snapshot.milestones)
        row.objectives = [ActionObjectiveRow(objective_code=c, share=s) for c, s in snapshot.objectives]
        row.indicators = indicator_rows(snapshot.indicators)
        row.mission_locale_links = [
            ActionMissionLocaleRow(mission_locale_id=i) for i in snapshot.mission_locale_ids if i in ml_ids
        ]
        _insert_at(prae, row, snapshot.position if position is None else position)
        touch(session, prae_id)
        session.flush()
        return row.id


# -- the PRAE's directory of missions locales -------------------------------------------------


def check_mission_locale(ml: MissionLocale) -> MissionLocale:
    """The entry as stored: name required, every text trimmed and within its length."""
    for value, label, key in ((ml.city, "Ville", "city"), (ml.director, "Directeur ou directrice", "director")):
        rules.check_text(value, label, key)
    rules.check_text(ml.contact, "Contact", "contact")
    name = drafting.check_length(
        rules.check_required_text(ml.name, "Nom de la mission locale", "name"), "name", "Nom de la mission locale"
    )
    city = drafting.check_length(ml.city.strip(), "city", "Ville")
    director = drafting.check_length(ml.director.strip(), "director", "Directeur ou directrice")
    contact = drafting.check_length(ml.contact.strip(), "contact", "Contact")
    return MissionLocale(ml.id, name, city, director, contact)


def save_mission_locale(store: Store, prae_id: int, ml: MissionLocale) -> tuple[int, MissionLocale | None]:
    """Create or update an entry; return (id, previous entry or None when created)."""
    ml = check_mission_locale(ml)
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        row = session.get(MissionLocaleRow, ml.id) if ml.id else None
        previous = None
        if row is None or row.prae_id != prae.id:
            # Restoring under the old id only while it is free (another PRAE may have it now).
            row = MissionLocaleRow(id=ml.id if row is None else None, prae_id=prae.id)
            session.add(row)
        else:
            previous = mission_locale_entity(row)
        row.name, row.city, row.director, row.contact = ml.name, ml.city, ml.director, ml.contact
        touch(session, prae_id)
        session.flush()
        return row.id, previous


def delete_mission_locale(store: Store, ml_id: int) -> tuple[MissionLocale, list[int]]:
    """Remove an entry; return it and the ids of the actions that named it (for undo)."""
    with store.transaction() as session:
        row = session.get(MissionLocaleRow, ml_id)
        if row is None:
            raise ValidationError("Mission locale introuvable.")
        linked = list(
            session.scalars(
                select(ActionMissionLocaleRow.action_id).where(ActionMissionLocaleRow.mission_locale_id == ml_id)
            )
        )
        snapshot = mission_locale_entity(row)
        touch(session, row.prae_id)
        session.delete(row)
        return snapshot, linked


def restore_mission_locale(store: Store, prae_id: int, ml: MissionLocale, action_ids: list[int]) -> int:
    ml_id, _ = save_mission_locale(store, prae_id, ml)
    with store.transaction() as session:
        for action_id in action_ids:
            if session.get(PraeActionRow, action_id) is not None:
                session.add(ActionMissionLocaleRow(action_id=action_id, mission_locale_id=ml_id))
    return ml_id
