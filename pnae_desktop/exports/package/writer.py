"""Writing a package: a PRAE read as domain values turned into the five JSON members, things
referring to each other by position (never by store id), then zipped with their checksums."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.followup import FollowUp
from pnae_desktop.domain.money import cents_to_decimal_str
from pnae_desktop.errors import UserError
from pnae_desktop.exports.package.container import write_container
from pnae_desktop.exports.package.followup_doc import followup_document
from pnae_desktop.exports.package.spec import (
    ACTION_KEYS,
    FOLLOWUP_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_TOTAL_BYTES,
    VERSIONS_MEMBER,
    dumps,
    sha256,
)
from pnae_desktop.exports.package.versions_doc import versions_members
from pnae_desktop.exports.serialize import action_to_dict, decimal_str

_STORE_FUNDER_KEY = re.compile(r"^financeur_(\d+)$")


@dataclass(frozen=True)
class PackageContent:
    """One PRAE as read from a store, all from the same instant.

    `settings` is the convention's settings document (services.convention.settings_to_dict,
    payments' funders as the store keys them: "financeur_<id>"); `settings` and `state` are
    both None when the PRAE's convention was never touched."""

    uid: str
    detail: PraeDetail
    budget: dom.Budget
    settings: dict[str, Any] | None = None
    state: cv.ConventionState | None = None
    followup: FollowUp | None = None  # format 2: followup.json (None: an empty follow-up)
    versions: tuple[dict[str, Any], ...] = ()  # signed versions: versions.json and their PDFs (versions_doc)
    closed_years: tuple[int, ...] = ()  # format 2: realised years closed (followup.json)


def write_package(content: PackageContent, out_path: Path | str, *, app_version: str, schema_version: str) -> Path:
    """Write `content` as a package at `out_path` (temp file, then renamed); return its path."""
    out = Path(out_path).expanduser()
    members = documents(content)
    signed = versions_members(content.versions)  # versions.json (in the manifest) and the PDFs
    members.update({n: d for n, d in signed.items() if n == VERSIONS_MEMBER})
    created = datetime.now(timezone.utc).replace(microsecond=0)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": str(app_version),
        "schema_version": schema_version,
        "catalogue_edition": content.detail.summary.catalogue_edition,
        "created_at": created.isoformat(),
        "prae_uid": content.uid,
        "members": {name: sha256(data) for name, data in members.items()},
    }
    pdfs = {n: d for n, d in signed.items() if n != VERSIONS_MEMBER}  # checked through versions.json
    size = sum(len(d) for d in (*members.values(), *pdfs.values()))
    if size > MAX_TOTAL_BYTES:  # a package no one could import: not written
        raise UserError(
            f"Export impossible : le paquet pèserait {size // (1024 * 1024)} Mo une fois décompressé "
            f"({MAX_TOTAL_BYTES // (1024 * 1024)} Mo au plus), surtout à cause des PDF de ses versions signées."
        )
    write_container(out, {MANIFEST: dumps(manifest), **members, **pdfs}, created)
    return out


def documents(content: PackageContent) -> dict[str, bytes]:
    """The members after the manifest, as bytes."""
    funder_position = {f.id: i for i, f in enumerate(content.budget.funders)}
    return {
        "prae.json": dumps(prae_document(content.uid, content.detail)),
        "actions.json": dumps({"actions": action_documents(content.detail)}),
        "budget.json": dumps(budget_document(content.detail, content.budget)),
        "convention.json": dumps(convention_document(content.settings, content.state, funder_position)),
        FOLLOWUP_MEMBER: dumps(
            followup_document(content.detail, content.budget, content.followup, content.closed_years)
        ),
    }


def prae_document(uid: str, detail: PraeDetail) -> dict[str, Any]:
    s, org = detail.summary, detail.organisation
    return {
        "uid": uid,
        "title": s.title,
        "region": {"insee_code": s.region_code, "name": s.region_name},
        "period": {"start": s.start_year, "end": s.end_year},
        "status": s.status,
        "catalogue_edition": s.catalogue_edition,
        "organisation": {
            "name": org.name,
            "acronym": org.acronym,
            "address": org.address,
            "siret": org.siret or None,
            "legal_form": org.legal_form,
            "representative_name": org.representative_name,
            "representative_title": org.representative_title,
            "email": org.email,
            "phone": org.phone,
        },
        "missions_locales": [
            {"name": m.name, "city": m.city, "director": m.director, "contact": m.contact}
            for m in detail.missions_locales
        ],
    }


def action_documents(detail: PraeDetail) -> list[dict[str, Any]]:
    ml_position = {m.id: i for i, m in enumerate(detail.missions_locales)}
    actions = []
    for action in detail.actions:
        a = action_to_dict(action)  # its id, position and "regional" are implied
        a = {key: a[key] for key in ACTION_KEYS}
        a["missions_locales"] = sorted(ml_position[i] for i in a["missions_locales"])
        actions.append(a)
    return actions


def _money(cents: int | None) -> str | None:
    return None if cents is None else cents_to_decimal_str(cents)


def budget_document(detail: PraeDetail, budget: dom.Budget) -> dict[str, Any]:
    action_position = {a.id: i for i, a in enumerate(detail.actions)}
    funder_position = {f.id: i for i, f in enumerate(budget.funders)}
    charges: dict[Any, list[dom.ChargeLine]] = {}
    for c in budget.charges:
        charges.setdefault(c.action_id, []).append(c)
    financing: dict[Any, list[dom.FinancingLine]] = {}
    for f in budget.financing:
        financing.setdefault(f.action_id, []).append(f)
    charge_docs, financing_docs = [], []
    for action in detail.actions:
        pos = action_position[action.id]
        charge_docs += [
            {
                "action": pos,
                "year": c.year,
                "account": c.account,
                "label": c.label,
                "amount": _money(c.amount_cents),
                "etp": decimal_str(c.etp),
                "annual_cost": _money(c.annual_cost_cents),
            }
            for c in sorted(charges.get(action.id, ()), key=lambda c: (c.account, c.label, c.year))
        ]
        financing_docs += [
            {
                "action": pos,
                "year": f.year,
                "funder": funder_position[f.funder_id],
                "amount": cents_to_decimal_str(f.amount_cents),
                "status": f.status,
            }
            for f in sorted(financing.get(action.id, ()), key=lambda f: (funder_position.get(f.funder_id, -1), f.year))
            if f.funder_id in funder_position
        ]
    return {
        "funders": [{"name": f.name, "kind": f.kind} for f in budget.funders],
        "charges": charge_docs,
        "financing": financing_docs,
        "structural_costs": [
            {"year": s.year, "label": s.label, "amount": cents_to_decimal_str(s.amount_cents)}
            for s in budget.structural_costs
        ],
        "allocation_keys": [_allocation_key(k, action_position) for k in budget.allocation_keys],
    }


def _allocation_key(key: dom.AllocationKey, action_position: dict[Any, int]) -> dict[str, Any]:
    shares = key.manual_shares or {}
    return {
        "year": key.year,
        "method": key.method,
        "shares": [
            {"action": action_position[a], "share": decimal_str(share)}
            for a, share in sorted(shares.items(), key=lambda s: action_position.get(s[0], -1))
            if a in action_position
        ],
    }


def convention_document(
    settings: dict[str, Any] | None, state: cv.ConventionState | None, funder_position: dict[Any, int]
) -> dict[str, Any]:
    if settings is None or state is None:
        return {"settings": None, "articles": None}
    if settings["payments"] is not None:
        settings = {
            **settings,
            "payments": [
                {**p, "funder": ref}
                for p in settings["payments"]
                if (ref := _package_funder_key(p["funder"], funder_position)) is not None
            ],
        }
    return {"settings": settings, "articles": cv.state_to_dict(state)}


def _package_funder_key(key: str, funder_position: dict[Any, int]) -> str | None:
    """A payment schedule's funder in the store ("financeur_<id>") as the package says it."""
    if key in ("state", "region"):
        return key
    match = _STORE_FUNDER_KEY.match(key)
    if match and int(match.group(1)) in funder_position:
        return f"financeur#{funder_position[int(match.group(1))]}"
    return None  # a schedule for a funder that no longer exists: never shown, not exported
