"""A PRAE as JSON-ready data with stable keys: decimals as exact strings, dates in ISO 8601.
Used by `pnae-desktop show` and by the exchange packages."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from pnae_desktop.domain.drafting import FIELD_LABELS
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.domain.rules import PRAE_STATUSES


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def action_to_dict(a: PraeAction) -> dict:
    return {
        "id": a.id,
        "position": a.position,
        "pnae_action": a.pnae_action,
        "regional": a.is_regional,
        "title": a.title,
        "theme_label": a.theme_label,
        "fields": dict(a.fields),
        "pilot": a.pilot,
        "co_pilots": a.co_pilots,
        "partners": a.partners,
        "regional_priority": a.regional_priority,
        "territorial_levels": list(a.territorial_levels),
        "calendar_note": a.calendar_note,
        "notes": a.notes,
        "calendar": [
            {"year": m.year, "quarter": m.quarter, "date": m.day.isoformat() if m.day else None, "text": m.text}
            for m in a.milestones
        ],
        "objectives": [{"code": code, "share": _dec(share)} for code, share in a.objectives],
        "indicators": [
            {
                "label": i.label,
                "unit": i.unit,
                "source": i.source,
                "baseline": _dec(i.baseline),
                "baseline_year": i.baseline_year,
                "targets": [{"year": y, "value": _dec(v)} for y, v in i.targets],
                "comment": i.comment,
            }
            for i in a.indicators
        ],
        "missions_locales": list(a.mission_locale_ids),
    }


def prae_to_dict(detail: PraeDetail) -> dict:
    s = detail.summary
    return {
        "id": s.id,
        "title": s.title,
        "region": {"insee_code": s.region_code, "name": s.region_name},
        "period": {"start": s.start_year, "end": s.end_year},
        "status": s.status,
        "catalogue_edition": s.catalogue_edition,
        "created_at": s.created_at.isoformat(),
        "updated_at": s.updated_at.isoformat(),
        "organisation": asdict(detail.organisation),
        "missions_locales": [asdict(m) for m in detail.missions_locales],
        "actions": [action_to_dict(a) for a in detail.actions],
    }


def prae_to_text(detail: PraeDetail) -> str:
    s = detail.summary
    out = [
        s.title,
        f"Région : {s.region_name} ({s.region_code}) — période {s.period_label} — "
        f"statut : {PRAE_STATUSES.get(s.status, s.status)}",
        f"ARML : {detail.organisation.name}",
        "",
    ]
    for a in detail.actions:
        origin = f"action {a.pnae_action} du PNAE" if a.pnae_action else "action régionale"
        out.append(f"{a.position + 1}. {a.title} [{origin}]")
        out.append(f"   {FIELD_LABELS['pilot']} : {a.pilot or '—'} ; objectifs CPO : {', '.join(a.objective_codes) or '—'}")
        for i in a.indicators:
            targets = ", ".join(f"{y} : {v}" for y, v in i.targets)
            out.append(f"   Indicateur : {i.label} ({i.unit}, {i.source}) — cibles {targets}")
        for m in a.milestones:
            out.append(f"   {m.when_label} — {m.text}")
        out.append("")
    return "\n".join(out)
