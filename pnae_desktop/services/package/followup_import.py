"""Writing a package's followup.json (format 2) into the PRAE just written, through the
follow-up services, in the import's transaction: any value a service refuses is a
PackageError naming followup.json, and the whole import is rolled back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import Milestone
from pnae_desktop.domain.money import cents_from_decimal_str
from pnae_desktop.errors import ValidationError
from pnae_desktop.exports.package import PackageError
from pnae_desktop.services import followup as service
from pnae_desktop.services import next_year
from pnae_desktop.services.rows import prae_row
from pnae_desktop.store.database import Store

MEMBER = "followup.json"


def _refuse(where: str, why: str) -> PackageError:
    return PackageError(f"{MEMBER}, {where}", why, MEMBER)


def write_followup(
    store: Store,
    prae_id: int,
    doc: dict[str, Any],
    action_ids: list[int],
    funder_ids: list[int],
    calendars: list[list[Milestone]] | None = None,
) -> None:
    """`calendars`: each action's calendar as the package lists it; a mark names a position
    there, and the store numbers a calendar by year (services/followup_remap.stored_order)."""
    stored_index = [_stored_index(c) for c in calendars or []]

    def action(index: int, where: str) -> int:
        if not 0 <= index < len(action_ids):
            raise _refuse(where, f"action n° {index} inconnue (actions.json en compte {len(action_ids)})")
        return action_ids[index]

    def funder(index: int, where: str) -> int:
        if not 0 <= index < len(funder_ids):
            raise _refuse(where, f"financeur n° {index} inconnu (budget.json en compte {len(funder_ids)})")
        return funder_ids[index]

    def money(text: str) -> int:
        return cents_from_decimal_str(text)

    step = MEMBER
    try:
        step = "seuil d'écart"
        service.set_threshold(store, prae_id, Decimal(doc["threshold_pct"]))
        step = "table de correspondance"
        rules = tuple(
            fu.MappingRule(r["match"], r["pattern"], r["action"], Decimal(r["share"]), r["funder"])
            for r in doc["mapping"]
        )
        if rules:
            service.set_mapping(store, prae_id, rules)
        for n, r in enumerate(doc["reports"]):
            step = f"comptes rendus, n° {n + 1}"
            moves = stored_index[r["action"]] if 0 <= r["action"] < len(stored_index) else {}
            done = tuple(
                (
                    moves.get(m["milestone"], m["milestone"]),
                    None if m["date"] is None else date.fromisoformat(m["date"]),
                )
                for m in r["milestones_done"]
            )
            report = fu.ActionReport(
                action(r["action"], step),
                r["year"],
                r["status"],
                r["account"],
                r["difficulties"],
                r["deliverables"],
                done,
            )
            service.set_action_report(store, prae_id, report)
        for n, r in enumerate(doc["indicators"]):
            step = f"indicateurs, n° {n + 1}"
            result = fu.IndicatorResult(action(r["action"], step), r["indicator"], r["year"], Decimal(r["value"]))
            service.set_indicator_result(store, prae_id, result)
        years: set[int] = set()
        for kind in ("charges", "financing", "others", "contributions"):
            years.update(item["year"] for item in doc[kind])
        for year in sorted(years):
            step = f"charges réalisées {year}"
            charges = [
                fu.RealisedCharge(
                    action(c["action"], step), year, c["account"], c["label"], money(c["amount"]), c["source"]
                )
                for c in doc["charges"]
                if c["year"] == year
            ]
            service.set_realised_charges(store, prae_id, year, charges)
            step = f"financements réalisés {year}"
            financing = [
                fu.RealisedFinancing(
                    year,
                    funder(f["funder"], step),
                    money(f["amount"]),
                    None if f["action"] is None else action(f["action"], step),
                    f["source"],
                )
                for f in doc["financing"]
                if f["year"] == year
            ]
            service.set_realised_financing(store, prae_id, year, financing)
            step = f"lignes 68/78 {year}"
            others = [
                fu.OtherRealised(year, o["account"], o["label"], money(o["amount"]), o["source"])
                for o in doc["others"]
                if o["year"] == year
            ]
            service.set_realised_others(store, prae_id, year, "other", others)
            step = f"contributions volontaires {year}"
            contributions = [
                fu.ContributionInKind(year, c["account"], c["label"], money(c["amount"]), c["source"])
                for c in doc["contributions"]
                if c["year"] == year
            ]
            service.set_realised_others(store, prae_id, year, "contribution", contributions)
        for n, e in enumerate(doc["explanations"]):
            step = f"explications d'écart, n° {n + 1}"
            if e["line"] == "charge":
                if e["action"] is None or e["nature"] is None:
                    raise _refuse(step, "une explication de charge nomme son action et sa nature")
                key = fu.charge_key(action(e["action"], step), e["nature"])
            else:
                if e["funder"] is None:
                    raise _refuse(step, "une explication de financement nomme son financeur")
                key = fu.financing_key(funder(e["funder"], step))
            service.set_explanation(store, prae_id, e["year"], key, e["text"])
    except ValidationError as exc:
        raise _refuse(step, str(exc)) from None
    _close_years(store, prae_id, doc.get("closed_years", []))


def _stored_index(calendar: list[Milestone]) -> dict[int, int]:
    """Position in the package's list → position in the stored calendar (by year)."""
    order = sorted(range(len(calendar)), key=lambda i: calendar[i].year)
    return {package: stored for stored, package in enumerate(order)}


def _close_years(store: Store, prae_id: int, years: list[int]) -> None:
    """Close the package's closed years, after their follow-up is written (a closed year's
    follow-up is read-only). A closed year is a year of the PRAE before its last (its next
    year was prepared), named once."""
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        start, end = prae.start_year, prae.end_year
    seen: set[int] = set()
    for n, year in enumerate(years):
        where = f"années clôturées, n° {n + 1}"
        if year in seen:
            raise _refuse(where, f"l'année {year} figure deux fois")
        if not start <= year < end:
            raise _refuse(
                where,
                f"l'année {year} ne peut pas être clôturée : seules les années {start} à {end - 1} du PRAE "
                f"({start}–{end}) le peuvent (la suivante a été préparée)",
            )
        seen.add(year)
    for year in sorted(seen):
        next_year.set_year_closed(store, prae_id, year, True)
