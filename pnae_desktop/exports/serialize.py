"""A PRAE as JSON-ready data with stable keys: decimals as exact strings, dates in ISO 8601.
Used by `pnae-desktop show --format json` and by the exchange packages (exports.package)."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from pnae_desktop.domain.drafting import FIELD_LABELS
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.domain.money import cents_to_decimal_str as money
from pnae_desktop.domain.rules import PRAE_STATUSES


def decimal_str(value: Decimal | None) -> str | None:
    """A decimal as JSON text, exactly ("0.5", "12.25"), or None."""
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
        "objectives": [{"code": code, "share": decimal_str(share)} for code, share in a.objectives],
        "indicators": [
            {
                "label": i.label,
                "unit": i.unit,
                "source": i.source,
                "baseline": decimal_str(i.baseline),
                "baseline_year": i.baseline_year,
                "targets": [{"year": y, "value": decimal_str(v)} for y, v in i.targets],
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
        out.append(
            f"   {FIELD_LABELS['pilot']} : {a.pilot or '—'} ; objectifs CPO : {', '.join(a.objective_codes) or '—'}"
        )
        for i in a.indicators:
            targets = ", ".join(f"{y} : {v}" for y, v in i.targets)
            out.append(f"   Indicateur : {i.label} ({i.unit}, {i.source}) — cibles {targets}")
        for m in a.milestones:
            out.append(f"   {m.when_label} — {m.text}")
        out.append("")
    return "\n".join(out)


def budget_to_dict(budget, totals) -> dict:
    """The budget, its lines and every total, amounts as exact decimal strings ("1234.56")."""
    return {
        "years": list(budget.years),
        "funders": [{"id": f.id, "name": f.name, "kind": f.kind} for f in budget.funders],
        "charges": [
            {
                "id": c.id,
                "action_id": c.action_id,
                "year": c.year,
                "account": c.account,
                "label": c.label,
                "amount": money(c.cents),
                "etp": decimal_str(c.etp),
                "annual_cost": None if c.annual_cost_cents is None else money(c.annual_cost_cents),
            }
            for c in sorted(budget.charges, key=lambda c: (c.action_id, c.account, c.label, c.year))
        ],
        "financing": [
            {
                "id": f.id,
                "action_id": f.action_id,
                "year": f.year,
                "funder_id": f.funder_id,
                "amount": money(f.amount_cents),
                "status": f.status,
            }
            for f in sorted(budget.financing, key=lambda f: (f.action_id, f.funder_id, f.year))
        ],
        "structural_costs": [
            {"year": s.year, "label": s.label, "amount": money(s.amount_cents)} for s in budget.structural_costs
        ],
        "allocation_keys": [
            {
                "year": k.year,
                "method": k.method,
                "shares": None
                if k.manual_shares is None
                else {str(a): decimal_str(v) for a, v in k.manual_shares.items()},
            }
            for k in budget.allocation_keys
        ],
        "objective_shares": [
            {
                "action_id": a.action_id,
                "objectives": list(a.objective_codes),
                "shares": [decimal_str(v) for v in a.shares],
            }
            for a in budget.actions
        ],
        "totals": _totals_to_dict(totals),
    }


def _by(mapping, *names) -> list[dict]:
    """A total keyed by one value or a tuple of them, as rows naming each part of the key."""
    rows = []
    for key, cents in sorted(
        mapping.items(), key=lambda kv: tuple(str(k) for k in (kv[0] if isinstance(kv[0], tuple) else (kv[0],)))
    ):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(names, key)), "amount": money(cents)})
    return rows


def _totals_to_dict(totals) -> dict:
    return {
        "direct_by_action_year": _by(totals.direct_by_action_year, "action_id", "year"),
        "structural_by_action_year": _by(totals.structural_by_action_year, "action_id", "year"),
        "full_by_action_year": _by(totals.full_by_action_year, "action_id", "year"),
        "direct_by_year_account": _by(totals.direct_by_year_account, "year", "account"),
        "direct_by_axis_year": _by(totals.direct_by_axis_year, "axis", "year"),
        "full_by_axis_year": _by(totals.full_by_axis_year, "axis", "year"),
        "full_by_objective_year": _by(totals.full_by_objective_year, "objective", "year"),
        "financing_by_funder_year": _by(totals.financing_by_funder_year, "funder_id", "year"),
        "financing_by_action_year": _by(totals.financing_by_action_year, "action_id", "year"),
        "funder_share": [{"funder_id": f, "percent": decimal_str(v)} for f, v in totals.funder_share.items()],
        "balance_by_action_year": _by(totals.balance_by_action_year, "action_id", "year"),
        "balance_by_year": _by(totals.balance_by_year, "year"),
        "etp_by_year": [{"year": y, "etp": decimal_str(v)} for y, v in sorted(totals.etp_by_year.items())],
        "direct_total": money(totals.direct_total),
        "structural_total": money(totals.structural_total),
        "full_total": money(totals.full_total),
        "financing_total": money(totals.financing_total),
        "balance_total": money(totals.balance_total),
    }
