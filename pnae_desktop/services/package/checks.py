"""Checking a package's documents against every domain rule, as the editor checks what is
typed, before the store is touched: the PRAE, its directory and its actions (the budget and
the convention: budget_checks). The result is the `Plan` of what to write."""

from __future__ import annotations

from datetime import date
from typing import Any

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import drafting, rules
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, Organisation
from pnae_desktop.errors import ValidationError
from pnae_desktop.exports.package import Documents, PackageError
from pnae_desktop.exports.package.places import place
from pnae_desktop.services.drafting import check_mission_locale
from pnae_desktop.services.package.budget_checks import check_budget, check_convention
from pnae_desktop.services.package.plan import Plan, decimal, number, refuse, text
from pnae_desktop.services.package.versions_io import plan_versions
from pnae_desktop.services.praes import ORGANISATION_TEXT_FIELDS, check_organisation
from pnae_desktop.store.models import FICHE_TEXT_FIELDS
from pnae_desktop.text import control_character


def _catalogue(edition: str) -> Catalogue:
    for c in shipped_catalogues().editions:
        if c.key == edition:
            return c
    raise PackageError(
        "prae.json, édition du socle commun",
        f"l'édition « {edition} » n'est pas connue de cette version de PNAE Desktop",
        "prae.json",
    )


# Members whose texts may hold tabs and line breaks (fiche texts, articles), and the keys of
# the other members' long texts; every other text is one line.
LONG_TEXT_MEMBERS = frozenset({"actions.json", "convention.json", "followup.json", "versions.json"})
LONG_TEXT_KEYS = frozenset({"address", "comment"})


def check_texts(member: str, document: Any) -> None:
    """Refuse a package text holding a control character, naming its place and the character."""
    stack: list[tuple[list[Any], Any]] = [([], document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            stack += [([*path, k], v) for k, v in node.items()]
        elif isinstance(node, list):
            stack += [([*path, i], v) for i, v in enumerate(node)]
        elif isinstance(node, str):
            key = next((k for k in reversed(path) if isinstance(k, str)), "")
            long_text = member in LONG_TEXT_MEMBERS or key in LONG_TEXT_KEYS
            bad = control_character(node, long_text=long_text)
            if bad is not None:
                where = place(member, path, document)
                raise PackageError(where, f"caractère de contrôle U+{ord(bad):04X} non autorisé", member)


def check(docs: Documents) -> Plan:
    """The plan of what to write; PackageError at the first rule a document breaks."""
    for member, document in (
        ("prae.json", docs.prae),
        ("actions.json", docs.actions),
        ("budget.json", docs.budget),
        ("convention.json", docs.convention),
        ("followup.json", docs.followup),
        ("versions.json", docs.versions),
    ):
        check_texts(member, document)
    p = docs.prae
    catalogue = _catalogue(p["catalogue_edition"])
    start, end = p["period"]["start"], p["period"]["end"]
    try:
        rules.check_period(start, end)
    except ValidationError as exc:
        raise refuse("prae.json, période", exc) from None
    try:
        catalogue.region(p["region"]["insee_code"])
    except KeyError:
        raise PackageError(
            "prae.json, région, code INSEE",
            f"région « {p['region']['insee_code']} » inconnue du socle commun « {catalogue.short_title} »",
            "prae.json",
        ) from None
    title = text(p["title"])
    if not title:
        raise PackageError("prae.json, intitulé", "l'intitulé ne peut pas être vide", "prae.json")
    organisation = _check_organisation(p["organisation"])
    missions = _check_missions_locales(p["missions_locales"])
    actions = [_check_action(i, a, start, end, catalogue, len(missions)) for i, a in enumerate(docs.actions["actions"])]
    funders, charges, financing, structural, keys = check_budget(docs.budget, start, end, actions)
    settings, state = check_convention(docs.convention, start, end, len(funders))
    return Plan(
        uid=p["uid"],
        title=title,
        region_code=p["region"]["insee_code"],
        region_name=text(p["region"]["name"]),
        start_year=start,
        end_year=end,
        status=p["status"],
        edition=catalogue.key,
        organisation=organisation,
        missions_locales=missions,
        actions=actions,
        funders=funders,
        charges=charges,
        financing=financing,
        structural_costs=structural,
        allocation_keys=keys,
        settings=settings,
        state=state,
        followup=docs.followup,
        versions=plan_versions(docs),
    )


def _check_organisation(o: dict) -> dict:
    try:  # the same checks as the organisation form (the schema made every field a string)
        checked = check_organisation(Organisation(None, **o))
    except ValidationError as exc:
        raise refuse("prae.json, organisation", exc) from None
    return {key: getattr(checked, key) for key in ("name", "siret", *ORGANISATION_TEXT_FIELDS)}


def _check_missions_locales(entries: list[dict]) -> list[dict]:
    missions = []
    for i, m in enumerate(entries):
        try:  # the same checks as the missions locales dialog
            ml = check_mission_locale(MissionLocale(None, m["name"], m["city"], m["director"], m["contact"]))
        except ValidationError as exc:
            raise refuse(f"prae.json, mission locale {i + 1}", exc) from None
        missions.append({"name": ml.name, "city": ml.city, "director": ml.director, "contact": ml.contact})
    return missions


# -- an action ------------------------------------------------------------------------------------


def _check_action(i: int, a: dict, start: int, end: int, catalogue: Catalogue, ml_count: int) -> dict:
    where = f"actions.json, action {i + 1}"
    title, pilot, co_pilots = _check_action_texts(where, a, catalogue)
    milestones = _check_milestones(where, a["calendar"], start, end)
    objectives = _check_objectives(where, a["objectives"], catalogue)
    shares = {c: s for c, s in objectives}
    try:
        ordered = drafting.check_objectives([c for c, _ in objectives], catalogue)
        dom.ActionBudgetInfo(
            i,
            title,
            ordered,
            shares if objectives and all(s is not None for s in shares.values()) else None,
        )
    except ValidationError as exc:
        raise refuse(f"{where}, objectifs CPO", exc) from None
    return {
        "pnae_action": a["pnae_action"],
        "title": title,
        "theme_label": a["theme_label"],
        "fields": {k: a["fields"][k] for k in FICHE_TEXT_FIELDS},
        "pilot": pilot,
        "co_pilots": co_pilots,
        "partners": a["partners"],
        "regional_priority": a["regional_priority"],
        "territorial_levels": ",".join(a["territorial_levels"]),
        "calendar_note": a["calendar_note"],
        "notes": a["notes"],
        "milestones": milestones,
        "objectives": objectives,
        "indicators": _check_indicators(where, a["indicators"], start, end),
        "missions_locales": _check_links(where, a["missions_locales"], ml_count),
    }


def _check_action_texts(where: str, a: dict, catalogue: Catalogue) -> tuple[str, str, str]:
    try:
        number = a["pnae_action"]
        if number is not None:
            try:
                catalogue.action(number)
            except KeyError:
                raise ValidationError(f"action n° {number} du PNAE inconnue dans « {catalogue.short_title} »") from None
        # Checked as the editor checks them, kept as written (a fiche declined from the PNAE
        # keeps the catalogue's text and order, byte for byte).
        rules.check_required_text(a["title"], "Intitulé", "title")
        title = drafting.check_length(a["title"], "title", "Intitulé")
        pilot = drafting.check_length(a["pilot"], "pilot", "Pilote")
        co_pilots = drafting.check_length(a["co_pilots"], "co_pilots", "Co-pilotes")
        drafting.check_levels(a["territorial_levels"])
    except ValidationError as exc:
        raise refuse(where, exc) from None
    return title, pilot, co_pilots


def _check_milestones(where: str, calendar: list[dict], start: int, end: int) -> list[Milestone]:
    milestones = []
    for j, m in enumerate(calendar):
        try:
            day = None
            if m["date"] is not None:
                try:
                    day = date.fromisoformat(m["date"])
                except ValueError:
                    raise ValidationError(f"date « {m['date']} » invalide") from None
            milestone = Milestone(m["year"], m["text"], m["quarter"], day)
            drafting.check_milestone(milestone, start, end)
            milestones.append(milestone)
        except ValidationError as exc:
            raise refuse(f"{where}, jalon {j + 1}", exc) from None
    return milestones


def _check_objectives(where: str, entries: list[dict], catalogue: Catalogue) -> list[tuple[str, Any]]:
    codes = [o["code"] for o in entries]
    for j, code in enumerate(codes):
        if code in codes[:j]:
            raise PackageError(f"{where}, objectif CPO {j + 1}", f"objectif « {code} » en double", "actions.json")
    objectives = []
    for j, o in enumerate(entries):
        try:
            drafting.check_objectives([o["code"]], catalogue)
            objectives.append((o["code"], drafting.check_share(decimal(o["share"]), f"Part de l'objectif {o['code']}")))
        except ValidationError as exc:
            raise refuse(f"{where}, objectif CPO {j + 1}", exc) from None
    return objectives


def _check_indicators(where: str, entries: list[dict], start: int, end: int) -> list[Indicator]:
    indicators = []
    for j, ind in enumerate(entries):
        try:
            indicator = Indicator(
                label=ind["label"],
                unit=ind["unit"],
                source=ind["source"],
                baseline=decimal(ind["baseline"]),
                baseline_year=ind["baseline_year"],
                targets=tuple((t["year"], number(t["value"])) for t in ind["targets"]),
                comment=ind["comment"],
            )
            indicators.append(drafting.check_indicator(indicator, start, end))
        except ValidationError as exc:
            raise refuse(f"{where}, indicateur {j + 1}", exc) from None
    return indicators


def _check_links(where: str, links: list[int], ml_count: int) -> list[int]:
    for j, index in enumerate(links):
        if index >= ml_count:
            raise PackageError(
                f"{where}, mission locale {j + 1}",
                f"la mission locale n° {index} n'existe pas dans l'annuaire de prae.json "
                f"({ml_count} entrée(s), numérotées à partir de 0)",
                "actions.json",
            )
        if index in links[:j]:
            raise PackageError(f"{where}, mission locale {j + 1}", "mission locale en double", "actions.json")
    return sorted(links)
