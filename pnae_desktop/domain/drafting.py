"""Drafting rules: indicators, milestones, CPO links, differences from the PNAE text,
coverage of the CPO objectives and completeness of each fiche. No Qt, no SQL."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, overload

from pnae_desktop.catalogue.model import Action as PnaeAction
from pnae_desktop.catalogue.model import Catalogue, description_as_richtext
from pnae_desktop.domain import rules
from pnae_desktop.domain.entities import Indicator, Milestone, PraeAction, PraeDetail
from pnae_desktop.domain.money import MAX_NUMBER_TEXT
from pnae_desktop.errors import ValidationError

INDICATOR_UNITS = {
    "nombre": "Nombre",
    "pourcentage": "%",
    "euros": "€",
    "jours": "Jours",
    "heures": "Heures",
    "etp": "ETP",
    "autre": "Autre",
}
INDICATOR_SOURCES = {
    "imilo": "I-milo",
    "enquete": "Enquête",
    "arml": "ARML",
    "partenaire": "Partenaire",
    "autre": "Autre",
}
TERRITORIAL_LEVELS = ("regionale", "interregionale", "nationale")

# Fields whose text comes from the PNAE fiche, compared for "adapté / conforme".
PNAE_TEXT_FIELDS = (
    "contexte",
    "enjeux",
    "description",
    "capitalisation",
    "essaimage",
    "animation",
    "co_animation",
    "arml_referentes",
    "arml_concernees",
    "acteurs",
    "dimension_territoriale",
)

FIELD_LABELS = {
    "title": "Intitulé",
    "contexte": "Contexte",
    "enjeux": "Enjeux et attentes",
    "description": "Description des actions",
    "capitalisation": "Capitalisation",
    "essaimage": "Essaimage",
    "animation": "Animation",
    "co_animation": "Co-animation",
    "arml_referentes": "La/les ARML référentes",
    "arml_concernees": "La/les ARML concernées",
    "acteurs": "Les acteurs concernés et/ou impliqués",
    "dimension_territoriale": "La dimension territoriale",
    "livrables": "Livrables",
    "pilot": "Pilote",
    "co_pilots": "Co-pilotes",
    "partners": "Partenaires",
    "objectives": "Objectifs CPO",
    "indicators": "Indicateurs",
    "calendar": "Calendrier",
    "territorial_levels": "Dimension territoriale (niveaux)",
    "missions_locales": "Missions locales concernées",
}

_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$", re.ASCII)  # int()/Decimal() would take other scripts' digits


@overload
def parse_number(text: str | Decimal | int | None, where: str, *, allow_empty: Literal[False] = False) -> Decimal: ...


@overload
def parse_number(text: str | Decimal | int | None, where: str, *, allow_empty: bool) -> Decimal | None: ...


def parse_number(text: str | Decimal | int | None, where: str, *, allow_empty: bool = False) -> Decimal | None:
    """A non-negative decimal typed in French or English notation ("12,5", "12.5", "1 200")."""
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError(f"{where} : valeur non exacte refusée.")
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
    else:
        if len(text or "") > MAX_NUMBER_TEXT:  # before any parsing, at any length
            raise ValidationError(f"{where} : valeur trop grande.")
        raw = (text or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
        if not raw:
            if allow_empty:
                return None
            raise ValidationError(f"{where} : une valeur est attendue.")
        if not _NUMBER.match(raw):
            raise ValidationError(f"{where} : « {text} » n'est pas un nombre.")
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(f"{where} : « {text} » n'est pas un nombre.") from None
    if value < 0:
        raise ValidationError(f"{where} : une valeur négative n'est pas possible.")
    exponent = value.as_tuple().exponent  # "n", "N" or "F" for NaN and infinities
    if isinstance(exponent, int) and exponent < -2:
        raise ValidationError(f"{where} : deux décimales au plus.")
    if value >= Decimal("1e12"):
        raise ValidationError(f"{where} : valeur trop grande.")
    return value


def check_milestone(m: Milestone, start_year: int, end_year: int) -> Milestone:
    where = f"Calendrier, jalon « {m.text[:40]} »"
    if not m.text.strip():
        raise ValidationError("Calendrier : un jalon doit avoir un libellé.", "calendar")
    if not start_year <= m.year <= end_year:
        raise ValidationError(
            f"{where} : l'année {m.year} est hors de la période du PRAE ({start_year}–{end_year}).", "calendar"
        )
    if m.quarter is not None and m.quarter not in (1, 2, 3, 4):
        raise ValidationError(f"{where} : le trimestre doit être compris entre 1 et 4.", "calendar")
    if m.day is not None:
        if m.quarter is not None:
            raise ValidationError(f"{where} : indiquez un trimestre ou une date, pas les deux.", "calendar")
        if m.day.year != m.year:
            raise ValidationError(f"{where} : la date {m.day:%d/%m/%Y} n'est pas en {m.year}.", "calendar")
    return Milestone(m.year, m.text.strip(), m.quarter, m.day)


def check_indicator(ind: Indicator, start_year: int, end_year: int) -> Indicator:
    label = ind.label.strip()
    if not label:
        raise ValidationError("Indicateur : le libellé ne peut pas être vide.", "indicators")
    where = f"Indicateur « {label[:40]} »"
    if ind.unit not in INDICATOR_UNITS:
        raise ValidationError(f"{where} : unité inconnue « {ind.unit} ».", "indicators")
    if ind.source not in INDICATOR_SOURCES:
        raise ValidationError(f"{where} : source inconnue « {ind.source} ».", "indicators")
    if len(label) > 500:
        raise ValidationError(f"{where} : libellé trop long (500 caractères au plus).", "indicators")
    baseline = parse_number(ind.baseline, f"{where}, valeur de référence", allow_empty=True)
    if ind.baseline_year is not None and not 2000 <= ind.baseline_year <= end_year:
        raise ValidationError(f"{where} : année de référence {ind.baseline_year} invraisemblable.", "indicators")
    targets = []
    seen_years: set[int] = set()
    for year, value in ind.targets:
        if year in seen_years:
            raise ValidationError(f"{where} : deux cibles pour l'année {year}.", "indicators")
        seen_years.add(year)
        if not start_year <= year <= end_year:
            raise ValidationError(
                f"{where} : cible pour {year}, hors de la période du PRAE ({start_year}–{end_year}).", "indicators"
            )
        targets.append((year, parse_number(value, f"{where}, cible {year}")))
    if ind.unit == "pourcentage":
        for year, value in targets:
            if value > 100:
                raise ValidationError(f"{where}, cible {year} : un pourcentage ne dépasse pas 100.", "indicators")
        if baseline is not None and baseline > 100:
            raise ValidationError(f"{where}, valeur de référence : un pourcentage ne dépasse pas 100.", "indicators")
    return Indicator(
        label, ind.unit, ind.source, baseline, ind.baseline_year, tuple(sorted(targets)), ind.comment.strip()
    )


def check_objectives(codes: Iterable[str], catalogue: Catalogue) -> tuple[str, ...]:
    codes = list(codes)  # may be any iterable; it is read twice below
    known = {o.code for o in catalogue.cpo_objectives}
    for code in codes:
        if code not in known:
            raise ValidationError(f"Objectif CPO inconnu : « {code} ».", "objectives")
    return tuple(sorted(set(codes), key=rules.objective_order))


def check_share(value: str | Decimal | int | None, where: str) -> Decimal | None:
    """A cost share of an objective: None (equal split) or 0 to 100 with two decimals at most."""
    if value is None:
        return None
    share = parse_number(value, where)
    if share > 100:
        raise ValidationError(f"{where} : une part ne dépasse pas 100 %.", "objectives")
    return share


MAX_LENGTHS = {
    "title": 500,
    "pilot": 200,
    "co_pilots": 500,
    "name": 300,
    "city": 200,
    "director": 200,
    "contact": 300,
    "label": 300,
}


def check_length(value: str, field: str, label: str) -> str:
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise ValidationError(f"« {label} » : {limit} caractères au plus (ici {len(value)}).", field)
    return value


def check_levels(levels: Collection[str]) -> tuple[str, ...]:
    for level in levels:
        if level not in TERRITORIAL_LEVELS:
            raise ValidationError(f"Dimension territoriale inconnue : « {level} ».", "territorial_levels")
    return tuple(lv for lv in TERRITORIAL_LEVELS if lv in levels)


# -- difference from the common base ---------------------------------------------------------


def pnae_values(source: PnaeAction) -> dict[str, str | None]:
    """The PNAE text of each field of a fiche, as a declined action starts with it."""
    values: dict[str, str | None] = dict(source.fields)
    values["description"] = description_as_richtext(source.description)
    values["capitalisation"] = source.description.capitalisation
    values["essaimage"] = source.description.essaimage
    values["title"] = source.title
    return values


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


def adapted_fields(action: PraeAction, catalogue: Catalogue) -> tuple[str, ...]:
    """Fields of a declined action whose text differs from the PNAE (white space ignored)."""
    if action.pnae_action is None:
        return ()
    base = pnae_values(catalogue.action(action.pnae_action))
    keys = ("title", *PNAE_TEXT_FIELDS)
    current = {"title": action.title, **action.fields}
    return tuple(k for k in keys if _norm(current.get(k)) != _norm(base.get(k)))


def word_diff(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """Word-level difference as (op, text) pairs: op is '=', '-' (removed) or '+' (added)."""
    a, b = (old or "").split(), (new or "").split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", " ".join(b[j1:j2])))
    return out


# -- coverage and completeness ---------------------------------------------------------------


@dataclass(frozen=True)
class MissingItem:
    action_id: int
    field: str
    message: str


@dataclass(frozen=True)
class Coverage:
    objectives: tuple[tuple[str, tuple[int, ...]], ...]  # (code, action ids serving it)
    priority_themes: tuple[tuple[int, tuple[int, ...], tuple[int, ...]], ...]  # (theme, declined, missing)
    not_declined: tuple[int, ...]  # PNAE action numbers not declined
    missing: tuple[MissingItem, ...]

    @property
    def uncovered_objectives(self) -> tuple[str, ...]:
        return tuple(code for code, ids in self.objectives if not ids)

    @property
    def incomplete_actions(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(m.action_id for m in self.missing))


def missing_items(action: PraeAction) -> list[MissingItem]:
    checks = [
        (not action.pilot.strip(), "pilot", "pas de pilote"),
        (not action.objectives, "objectives", "aucun objectif CPO"),
        (not action.indicators, "indicators", "aucun indicateur"),
        (not action.milestones, "calendar", "calendrier vide"),
        (not (action.fields.get("contexte") or "").strip(), "contexte", "contexte vide"),
        (not (action.fields.get("description") or "").strip(), "description", "description des actions vide"),
        (not action.territorial_levels, "territorial_levels", "dimension territoriale non précisée"),
    ]
    return [MissingItem(action.id, field, message) for failed, field, message in checks if failed]


def coverage(prae: PraeDetail, catalogue: Catalogue) -> Coverage:
    served: dict[str, list[int]] = {o.code: [] for o in catalogue.cpo_objectives}
    for action in prae.actions:
        for code in action.objective_codes:
            served.setdefault(code, []).append(action.id)
    declined = {a.pnae_action for a in prae.actions if a.pnae_action is not None}
    themes = tuple(
        (t.number, tuple(n for n in t.actions if n in declined), tuple(n for n in t.actions if n not in declined))
        for t in catalogue.priority_themes
    )
    return Coverage(
        objectives=tuple((code, tuple(ids)) for code, ids in served.items()),
        priority_themes=themes,
        not_declined=tuple(a.number for a in catalogue.actions if a.number not in declined),
        missing=tuple(item for action in prae.actions for item in missing_items(action)),
    )


def coverage_summary(cov: Coverage) -> str:
    """One French sentence for the dashboard."""
    covered = sum(1 for _, ids in cov.objectives if ids)
    parts = [f"{covered}/{len(cov.objectives)} objectifs de la CPO couverts"]
    if cov.uncovered_objectives:
        parts[-1] += f" (non couverts : {', '.join(cov.uncovered_objectives)})"
    declined = sum(1 for _, _, missing in cov.priority_themes if not missing)
    parts.append(f"thèmes prioritaires déclinés : {declined}/{len(cov.priority_themes)}")
    incomplete = len(cov.incomplete_actions)
    parts.append("toutes les fiches sont complètes" if not incomplete else f"{incomplete} fiche(s) à compléter")
    return " · ".join(parts)
