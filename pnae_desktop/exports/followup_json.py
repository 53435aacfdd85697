"""The follow-up as JSON (`show --format json`, key `realised`): per year the reports, indicator
values, realised amounts and the gaps against the forecast. Amounts are exact strings
("1500.00"), percentages too; ids are the store's (as in the rest of `show`)."""

from __future__ import annotations

from typing import Any

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.money import cents_to_decimal_str as money
from pnae_desktop.domain.snapshot import Snapshot


def _pct(value: Any) -> str | None:
    return None if value is None else str(value)


def _gap(line: fu.GapLine) -> dict[str, Any]:
    return {
        "key": line.key,
        "label": line.label,
        "action_id": line.action_id,
        "forecast": money(line.forecast_cents),
        "realised": money(line.realised_cents),
        "gap": money(line.gap_cents),
        "gap_pct": _pct(line.gap_pct),
        "needs_explanation": line.needs_explanation,
        "explanation": line.explanation,
    }


def rule_to_dict(rule: fu.MappingRule) -> dict[str, Any]:
    return {
        "match": rule.match,
        "pattern": rule.pattern,
        "action": rule.action,
        "share": str(rule.share),
        "funder": rule.funder,
    }


def realised_to_dict(snapshot: Snapshot) -> dict[str, Any]:
    followup = snapshot.followup
    years: dict[str, Any] = {}
    for year in sorted(set(followup.years) | {e.year for e in followup.explanations}):
        gaps = fu.year_gaps(snapshot.budget, followup, year)
        years[str(year)] = {
            "reports": [
                {
                    "action_id": r.action_id,
                    "status": r.status,
                    "account": r.account,
                    "difficulties": r.difficulties,
                    "deliverables": r.deliverables,
                    "milestones_done": [[i, None if d is None else d.isoformat()] for i, d in r.milestones_done],
                }
                for r in followup.reports
                if r.year == year
            ],
            "indicators": [
                {
                    "action_id": row.action_id,
                    "indicator_index": row.indicator_index,
                    "label": row.label,
                    "unit": row.unit,
                    "baseline": _pct(row.baseline),
                    "target": _pct(row.target),
                    "realised": _pct(row.realised),
                    "gap": _pct(row.gap),
                }
                for row in fu.indicator_rows(snapshot.detail, followup, year)
            ],
            "charges": [
                {
                    "action_id": c.action_id,
                    "account": c.account,
                    "label": c.label,
                    "amount": money(c.amount_cents),
                    "source": c.source,
                }
                for c in followup.charges
                if c.year == year
            ],
            "financing": [
                {
                    "funder_id": f.funder_id,
                    "action_id": f.action_id,
                    "amount": money(f.amount_cents),
                    "source": f.source,
                }
                for f in followup.financing
                if f.year == year
            ],
            "others": [
                {"account": o.account, "label": o.label, "amount": money(o.amount_cents), "source": o.source}
                for o in followup.others
                if o.year == year
            ],
            "contributions": [
                {"account": c.account, "label": c.label, "amount": money(c.amount_cents), "source": c.source}
                for c in followup.contributions
                if c.year == year
            ],
            "explanations": {e.key: e.text for e in followup.explanations if e.year == year},
            "gaps": {
                "charges": [_gap(line) for line in gaps.charges],
                "financing": [_gap(line) for line in gaps.financing],
                "forecast_total": money(gaps.forecast_total_cents),
                "realised_total": money(gaps.realised_total_cents),
                "execution_rate": _pct(gaps.execution_rate),
                "unexplained": gaps.unexplained,
            },
        }
    return {
        "threshold_pct": str(followup.threshold_pct),
        "mapping": [rule_to_dict(r) for r in followup.mapping],
        "years": years,
    }
