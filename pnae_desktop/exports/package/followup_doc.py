"""followup.json (format 2): the realised years and the FEC mapping, actions and funders named
by their position in actions.json and budget.json (never by store id)."""

from __future__ import annotations

from typing import Any

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.money import cents_to_decimal_str as money
from pnae_desktop.exports.serialize import decimal_str


def _signed(value: Any) -> str:
    text = decimal_str(abs(value))
    return f"-{text}" if value < 0 else str(text)


def followup_document(
    detail: PraeDetail, budget: dom.Budget, followup: fu.FollowUp | None, closed_years: tuple[int, ...] = ()
) -> dict[str, Any]:
    followup = followup or fu.FollowUp()
    action = {a.id: i for i, a in enumerate(detail.actions)}
    funder = {f.id: i for i, f in enumerate(budget.funders)}
    explanations = []
    for e in followup.explanations:
        kind, _, rest = e.key.partition(":")
        if kind == "charge":
            action_id, _, nature = rest.partition(":")
            if action_id.isdigit() and int(action_id) in action:
                explanations.append(
                    {"year": e.year, "line": "charge", "action": action[int(action_id)], "nature": nature,
                     "funder": None, "text": e.text}
                )  # fmt: skip
        elif kind == "financing" and rest.isdigit() and int(rest) in funder:
            explanations.append(
                {"year": e.year, "line": "financing", "action": None, "nature": None, "funder": funder[int(rest)],
                 "text": e.text}
            )  # fmt: skip
    return {
        "explanations": explanations,
        "threshold_pct": str(decimal_str(followup.threshold_pct)),
        "closed_years": sorted(closed_years),
        "mapping": [
            {
                "match": r.match,
                "pattern": r.pattern,
                "action": r.action,
                "share": str(decimal_str(r.share)),
                "funder": r.funder,
            }
            for r in followup.mapping
        ],  # fmt: skip
        "reports": [
            {
                "action": action[r.action_id],
                "year": r.year,
                "status": r.status,
                "account": r.account,
                "difficulties": r.difficulties,
                "deliverables": r.deliverables,
                "milestones_done": [
                    {"milestone": i, "date": None if d is None else d.isoformat()} for i, d in r.milestones_done
                ],
            }
            for r in followup.reports
            if r.action_id in action
        ],
        "indicators": [
            {"action": action[r.action_id], "indicator": r.indicator_index, "year": r.year, "value": _signed(r.value)}
            for r in followup.indicators
            if r.action_id in action and r.value is not None
        ],
        "charges": [
            {
                "action": action[c.action_id],
                "year": c.year,
                "account": c.account,
                "label": c.label,
                "amount": money(c.amount_cents),
                "source": c.source,
            }
            for c in followup.charges
            if c.action_id in action
        ],  # fmt: skip
        "financing": [
            {
                "funder": funder[f.funder_id],
                "action": None if f.action_id is None else action.get(f.action_id),
                "year": f.year,
                "amount": money(f.amount_cents),
                "source": f.source,
            }
            for f in followup.financing
            if f.funder_id in funder
        ],  # fmt: skip
        "others": [
            {
                "year": o.year,
                "account": o.account,
                "label": o.label,
                "amount": money(o.amount_cents),
                "source": o.source,
            }
            for o in followup.others
        ],
        "contributions": [
            {
                "year": c.year,
                "account": c.account,
                "label": c.label,
                "amount": money(c.amount_cents),
                "source": c.source,
            }
            for c in followup.contributions
        ],
    }
