"""Checking budget.json and convention.json against the domain rules (positions checked
against actions.json and the funders; years against the PRAE's period)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.errors import ValidationError
from pnae_desktop.exports.package import FUNDER_REF, PackageError
from pnae_desktop.services.convention import ConventionSettings, check_settings, settings_from_dict
from pnae_desktop.services.package.plan import cents, check_year, decimal, money, refuse, text

_MEMBER = "budget.json"

Key = tuple[int, str, list[tuple[int, Decimal]]]


def check_budget(b: dict, start: int, end: int, actions: list[dict]) -> tuple[list, list, list, list, list[Key]]:
    """(funders, charges, financing, structural costs, allocation keys) as the plan holds them."""
    n_actions = len(actions)
    funders = _check_funders(b["funders"])
    charges = _check_charges(b["charges"], start, end, n_actions)
    financing = _check_financing(b["financing"], start, end, n_actions, len(funders))
    structural = _check_structural(b["structural_costs"], start, end)
    keys = _check_keys(b["allocation_keys"], start, end, n_actions)
    return funders, charges, financing, structural, keys


def _action_ref(index: int, where: str, n_actions: int) -> int:
    if index >= n_actions:
        raise PackageError(
            f"{where}, action",
            f"l'action n° {index} n'existe pas dans actions.json ({n_actions} action(s), numérotées à partir de 0)",
            _MEMBER,
        )
    return index


def _check_funders(entries: list[dict]) -> list[tuple[str, str]]:
    funders = []
    for i, f in enumerate(entries):
        where = f"budget.json, financeur {i + 1}"
        name = text(f["name"])
        if not name:
            raise PackageError(where, "le nom du financeur ne peut pas être vide", _MEMBER)
        try:
            dom.Funder(i, name, f["kind"])
        except ValidationError as exc:
            raise refuse(where, exc) from None
        funders.append((name, f["kind"]))
    return funders


def _check_charges(entries: list[dict], start: int, end: int, n_actions: int) -> list[dict]:
    charges, seen = [], set()
    for i, c in enumerate(entries):
        where = f"budget.json, charge {i + 1}"
        action = _action_ref(c["action"], where, n_actions)
        check_year(c["year"], start, end, f"{where}, année", _MEMBER)
        label = text(c["label"])
        if not label:
            raise PackageError(f"{where}, libellé", "le libellé de la ligne ne peut pas être vide", _MEMBER)
        amount, etp, cost = cents(c["amount"]), decimal(c["etp"]), cents(c["annual_cost"])
        try:
            dom.ChargeLine(i, action, c["year"], c["account"], label, amount, etp, cost)
        except ValidationError as exc:
            raise refuse(where, exc) from None
        key = (action, c["year"], c["account"], label)
        if key in seen:
            raise PackageError(
                where,
                f"ligne « {c['account']} / {label[:40]} » en double pour cette action et l'année {c['year']}",
                _MEMBER,
            )
        seen.add(key)
        charges.append(
            {
                "action": action,
                "year": c["year"],
                "account": c["account"],
                "label": label,
                "amount_cents": amount,
                "etp": etp,
                "annual_cost_cents": cost,
            }
        )
    return charges


def _check_financing(entries: list[dict], start: int, end: int, n_actions: int, n_funders: int) -> list[dict]:
    financing, seen = [], set()
    for i, f in enumerate(entries):
        where = f"budget.json, financement {i + 1}"
        action = _action_ref(f["action"], where, n_actions)
        if f["funder"] >= n_funders:
            raise PackageError(
                f"{where}, financeur",
                f"le financeur n° {f['funder']} n'existe pas ({n_funders} financeur(s), numérotés à partir de 0)",
                _MEMBER,
            )
        check_year(f["year"], start, end, f"{where}, année", _MEMBER)
        amount = money(f["amount"])
        try:
            dom.FinancingLine(i, action, f["year"], f["funder"], amount, f["status"])
        except ValidationError as exc:
            raise refuse(where, exc) from None
        key = (action, f["year"], f["funder"])
        if key in seen:
            raise PackageError(
                where, f"deux lignes pour le même financeur, la même action et l'année {f['year']}", _MEMBER
            )
        seen.add(key)
        financing.append(
            {"action": action, "year": f["year"], "funder": f["funder"], "amount_cents": amount, "status": f["status"]}
        )
    return financing


def _check_structural(entries: list[dict], start: int, end: int) -> list[tuple[int, str, int]]:
    structural: list[tuple[int, str, int]] = []
    seen = set()
    for i, s in enumerate(entries):
        where = f"budget.json, frais de structure {i + 1}"
        check_year(s["year"], start, end, f"{where}, année", _MEMBER)
        label = text(s["label"])
        if not label:
            raise PackageError(f"{where}, libellé", "le libellé ne peut pas être vide", _MEMBER)
        amount = money(s["amount"])
        try:
            dom.StructuralCost(s["year"], label, amount)
        except ValidationError as exc:
            raise refuse(where, exc) from None
        if (s["year"], label) in seen:
            raise PackageError(where, f"ligne « {label[:40]} » en double pour {s['year']}", _MEMBER)
        seen.add((s["year"], label))
        structural.append((s["year"], label, amount))
    return structural


def _check_keys(entries: list[dict], start: int, end: int, n_actions: int) -> list[Key]:
    keys: list[Key] = []
    years = set()
    for k in entries:
        where = f"budget.json, clé de répartition {k['year']}"
        check_year(k["year"], start, end, where, _MEMBER)
        if k["year"] in years:
            raise PackageError(where, "une seule clé de répartition par année", _MEMBER)
        years.add(k["year"])
        shares: list[tuple[int, Decimal]] = []
        for j, s in enumerate(k["shares"]):
            action = _action_ref(s["action"], f"{where}, part {j + 1}", n_actions)
            if any(a == action for a, _ in shares):
                raise PackageError(f"{where}, part {j + 1}", "deux parts pour la même action", _MEMBER)
            shares.append((action, Decimal(s["share"])))
        manual: Mapping[Any, Decimal] | None = dict(shares) if shares or k["method"] == "manual" else None
        try:
            dom.AllocationKey(k["year"], k["method"], manual)
        except ValidationError as exc:
            raise refuse(where, exc) from None
        keys.append((k["year"], k["method"], shares))
    return keys


# -- the convention --------------------------------------------------------------------------------


def check_convention(
    c: dict, start: int, end: int, n_funders: int
) -> tuple[ConventionSettings | None, cv.ConventionState | None]:
    """(ConventionSettings, ConventionState), or (None, None) for a convention never touched."""
    member = "convention.json"
    if (c["settings"] is None) != (c["articles"] is None):
        raise PackageError(
            member,
            "les paramètres et les articles de la convention vont ensemble (tous deux présents ou tous deux null)",
            member,
        )
    if c["settings"] is None:
        return None, None
    raw = c["settings"]
    _check_settings_references(raw, n_funders)
    try:
        settings = check_settings(settings_from_dict(raw), start, end)
    except ValidationError as exc:
        raise refuse("convention.json, paramètres", exc) from None
    try:
        state = cv.state_from_dict(c["articles"])
        template = cv.load_template(state.template_key)
    except ValidationError as exc:
        raise refuse("convention.json, articles, modèle", exc) from None
    problem = cv.state_problem(state, template)
    if problem is not None:
        index, reason = problem
        where = (
            "convention.json, articles"
            if index is None
            else f"convention.json, articles, article {index + 1} (« {state.articles[index].key} »)"
        )
        raise PackageError(where, reason, member)
    return settings, state


def _check_settings_references(raw: dict, n_funders: int) -> None:
    """The signature date is a real date; each payment schedule's funder is in budget.json."""
    member = "convention.json"
    date_text = raw["signature"]["date"]
    if date_text is not None:
        try:
            date.fromisoformat(date_text)
        except ValueError:
            raise PackageError(
                "convention.json, paramètres, signature, date", f"date « {date_text} » invalide", member
            ) from None
    for i, p in enumerate(raw["payments"] or ()):
        match = FUNDER_REF.match(p["funder"])
        if match and int(match.group(1)) >= n_funders:
            raise PackageError(
                f"convention.json, paramètres, modalités de versement {i + 1}, financeur",
                f"le financeur n° {match.group(1)} n'existe pas dans budget.json",
                member,
            )
