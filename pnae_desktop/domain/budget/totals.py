"""Every derived total of a budget, exact to the cent."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from pnae_desktop.domain.budget.model import (
    UNASSIGNED,
    AllocationKey,
    Budget,
    Id,
    _percent_shares,
    axis_of,
)
from pnae_desktop.domain.money import split_cents

Years = tuple[int, ...]
ByActionYear = dict[tuple[Id | None, int], int]
ByKeyYear = dict[tuple[str | None, int], int]


@dataclass(frozen=True)
class BudgetTotals:
    """Every derived total, in int cents unless said otherwise.

    Maps by action×year, year, axis×year and objective×year are dense over the actions,
    years, axes and objectives (zeros included), maps by funder over the funders; the
    others hold only the keys found in the lines. Years outside the PRAE and unknown ids
    keep their own keys, and UNASSIGNED (None) collects what has no action, objective or
    resource line, so every map adds up to its grand total.
    """

    years: tuple[int, ...]  # PRAE years plus any year found on a line, sorted
    direct_by_action_year_account: dict[tuple[Id, int, str], int]
    direct_by_year_account: dict[tuple[int, str], int]
    direct_by_action_year: dict[tuple[Id, int], int]
    direct_by_year: dict[int, int]
    etp_by_action_year: dict[tuple[Id, int], Decimal]
    etp_by_year: dict[int, Decimal]
    structural_by_year: dict[int, int]
    structural_by_action_year: dict[tuple[Id | None, int], int]  # None: not allocatable
    full_by_action_year: dict[tuple[Id | None, int], int]
    full_by_year: dict[int, int]
    direct_by_axis_year: dict[tuple[str | None, int], int]
    full_by_axis_year: dict[tuple[str | None, int], int]
    direct_by_objective_year: dict[tuple[str | None, int], int]
    full_by_objective_year: dict[tuple[str | None, int], int]
    financing_by_action_year_funder: dict[tuple[Id, int, Id], int]
    financing_by_funder_year: dict[tuple[Id, int], int]
    financing_by_action_year: dict[tuple[Id, int], int]
    financing_by_year: dict[int, int]
    financing_by_funder: dict[Id, int]
    financing_by_status_year: dict[tuple[str, int], int]
    resources_by_line_year: dict[tuple[str | None, int], int]  # None: unknown funder
    funder_share: dict[Id, Decimal]  # % of all financing, sums to 100.00 exactly
    funder_share_by_year: dict[tuple[Id, int], Decimal]  # per year, each sums to 100.00
    balance_by_action_year: dict[tuple[Id | None, int], int]  # resources − full charges
    balance_by_year: dict[int, int]
    direct_total: int
    structural_total: int
    full_total: int
    financing_total: int
    balance_total: int
    objective_codes: tuple[str, ...]  # the budget's edition: keys of the maps by objective
    axes: tuple[str, ...]  # and by axis


K = TypeVar("K", bound=Hashable)


def _ordered(known: list[K], *extra_sources: Iterable[K]) -> list[K]:
    """Known ids first, then ids only found in the data, in first-seen order."""
    out = dict.fromkeys(known)
    for source in extra_sources:
        out.update(dict.fromkeys(source))
    return list(out)


def _allocation_weights(
    key: AllocationKey, year: int, action_ids: list[Id], direct_ay: ByActionYear, etp_ay: dict[tuple[Id, int], int]
) -> tuple[list[Id], list[int | Decimal]]:
    if key.method == "manual":
        shares = key.manual_shares or {}
        return list(shares), list(shares.values())
    base: Mapping[Any, int] = direct_ay if key.method == "direct" else etp_ay
    return action_ids, [base.get((a, year), 0) for a in action_ids]


def _by_objective(
    budget: Budget, direct_ay: ByActionYear, full_ay: ByActionYear, years: Years
) -> tuple[ByKeyYear, ByKeyYear, ByKeyYear, ByKeyYear]:
    """Split each action's direct and full cost over its objectives, and sum them per axis.

    Returns (direct by objective, direct by axis, full by objective, full by axis), keyed
    (code or axis, year) over the budget's edition; actions without objective go to
    (UNASSIGNED, year).
    """
    d_obj: ByKeyYear = {(c, y): 0 for c in budget.objective_codes for y in years}
    d_axis: ByKeyYear = {(a, y): 0 for a in budget.axes for y in years}
    f_obj, f_axis = dict(d_obj), dict(d_axis)
    # Per action: objective and axis of each share, and int-hundredth weights.
    plans: dict[Id, tuple[list[tuple[str, str]], list[int]]] = {}
    for info in budget.actions:
        weights = [int(s * 100) for s in info.shares]
        if any(weights):
            plans[info.action_id] = ([(c, axis_of(c)) for c in info.objective_codes], weights)
    for (action_id, year), full in full_ay.items():  # full_ay's keys include direct_ay's
        direct = direct_ay.get((action_id, year), 0)
        plan = plans.get(action_id)
        if plan is None:  # no objective: kept, reported as unassigned
            for target, cents in ((d_obj, direct), (d_axis, direct), (f_obj, full), (f_axis, full)):
                if cents:  # the bucket only appears when it holds money
                    target[(UNASSIGNED, year)] = target.get((UNASSIGNED, year), 0) + cents
            continue
        targets, weights = plan
        if len(weights) == 1:
            d_parts, f_parts = [direct], [full]
        else:
            d_parts, f_parts = split_cents(direct, weights), split_cents(full, weights)
        for (code, axis), d, f in zip(targets, d_parts, f_parts):
            d_obj[(code, year)] += d
            d_axis[(axis, year)] += d
            f_obj[(code, year)] += f
            f_axis[(axis, year)] += f
    return d_obj, d_axis, f_obj, f_axis


@dataclass
class _Direct:
    """Direct charges and ETP, summed in the one pass over the (many) charge lines."""

    by_aya: dict[tuple[Id, int, str], int]
    etp_h: dict[tuple[Id, int], int]  # hundredths of ETP
    years: Years
    action_ids: list[Id]
    dense: ByActionYear  # zero per action×year
    by_ay: ByActionYear
    by_ya: dict[tuple[int, str], int]
    by_y: dict[int, int]


def _direct(budget: Budget) -> _Direct:
    by_aya: dict[tuple[Id, int, str], int] = {}
    etp_h: dict[tuple[Id, int], int] = {}
    get = by_aya.get
    for line in budget.charges:  # the hot loop, kept tight
        key = (line.action_id, line.year, line.account)
        by_aya[key] = get(key, 0) + line.cents
        if line.etp_hundredths:
            ay = (line.action_id, line.year)
            etp_h[ay] = etp_h.get(ay, 0) + line.etp_hundredths

    line_years = {y for _, y, _ in by_aya} | {f.year for f in budget.financing}
    line_years |= {s.year for s in budget.structural_costs}
    years = tuple(sorted(set(budget.years) | line_years))
    action_ids = _ordered(
        [a.action_id for a in budget.actions],
        (a for a, _, _ in by_aya),
        (f.action_id for f in budget.financing),
    )
    dense: ByActionYear = {(a, y): 0 for a in action_ids for y in years}
    by_ay, by_y = dict(dense), dict.fromkeys(years, 0)
    by_ya: dict[tuple[int, str], int] = {}
    for (a, y, acc), cents in by_aya.items():
        by_ay[(a, y)] += cents
        by_ya[(y, acc)] = by_ya.get((y, acc), 0) + cents
        by_y[y] += cents
    return _Direct(by_aya, etp_h, years, action_ids, dense, by_ay, by_ya, by_y)


def _structural(budget: Budget, d: _Direct) -> tuple[dict[int, int], ByActionYear, ByActionYear]:
    """Structural costs split per year by that year's key (unsplittable → None action):
    (by year, by action×year, full cost by action×year)."""
    structural_y = dict.fromkeys(d.years, 0)
    for s in budget.structural_costs:
        structural_y[s.year] += s.amount_cents
    keys = {k.year: k for k in budget.allocation_keys}
    structural_ay, full_ay = dict(d.dense), dict(d.by_ay)
    for y, total in structural_y.items():
        if not total:
            continue
        key = keys.get(y) or AllocationKey(y)
        ids, weights = _allocation_weights(key, y, d.action_ids, d.by_ay, d.etp_h)
        if not any(weights):
            ids, parts = [UNASSIGNED], [total]
        else:
            parts = split_cents(total, weights)
        for a, part in zip(ids, parts):
            structural_ay[(a, y)] = structural_ay.get((a, y), 0) + part
            full_ay[(a, y)] = full_ay.get((a, y), 0) + part
    return structural_y, structural_ay, full_ay


@dataclass
class _Financing:
    by_ayf: dict[tuple[Id, int, Id], int]
    by_status: dict[tuple[str, int], int]
    funder_ids: list[Id]
    by_fy: dict[tuple[Id, int], int]
    by_ay: ByActionYear
    by_y: dict[int, int]
    by_f: dict[Id, int]
    resources: ByKeyYear
    total: int
    share: dict[Id, Decimal]
    share_y: dict[tuple[Id, int], Decimal]


def _financing(budget: Budget, d: _Direct) -> _Financing:
    """One pass over the financing lines, then roll-ups of the (small) action×year×funder map."""
    by_ayf: dict[tuple[Id, int, Id], int] = {}
    by_status: dict[tuple[str, int], int] = {}
    for f in budget.financing:
        key, cents = (f.action_id, f.year, f.funder_id), f.amount_cents
        by_ayf[key] = by_ayf.get(key, 0) + cents
        by_status[(f.status, f.year)] = by_status.get((f.status, f.year), 0) + cents
    funder_ids = _ordered([f.id for f in budget.funders], (f for _, _, f in by_ayf))
    lines = {f.id: f.resource_line for f in budget.funders}
    fin_fy: dict[tuple[Id, int], int] = {}
    fin_ay, fin_y = dict(d.dense), dict.fromkeys(d.years, 0)
    fin_f = dict.fromkeys(funder_ids, 0)
    resources: ByKeyYear = {}
    for (a, y, fid), cents in by_ayf.items():
        fin_fy[(fid, y)] = fin_fy.get((fid, y), 0) + cents
        fin_ay[(a, y)] += cents
        fin_y[y] += cents
        fin_f[fid] += cents
        line_year = (lines.get(fid, UNASSIGNED), y)
        resources[line_year] = resources.get(line_year, 0) + cents

    total = sum(fin_y.values())
    share = dict(zip(funder_ids, _percent_shares(list(fin_f.values())))) if total else {}
    share_y: dict[tuple[Id, int], Decimal] = {}
    for y in d.years:
        amounts = [fin_fy.get((f, y), 0) for f in funder_ids]
        if any(amounts):
            share_y.update({(f, y): p for f, p in zip(funder_ids, _percent_shares(amounts))})
    return _Financing(by_ayf, by_status, funder_ids, fin_fy, fin_ay, fin_y, fin_f, resources, total, share, share_y)


def compute(budget: Budget) -> BudgetTotals:
    """All totals of a budget, exact to the cent, in time linear in the number of lines."""
    d = _direct(budget)
    years = d.years
    structural_y, structural_ay, full_ay = _structural(budget, d)
    direct_obj, direct_axis, full_obj, full_axis = _by_objective(budget, d.by_ay, full_ay, years)
    fin = _financing(budget, d)
    balance_ay = {k: fin.by_ay.get(k, 0) - full_ay.get(k, 0) for k in _ordered([*full_ay, *fin.by_ay])}
    full_y = {y: d.by_y[y] + structural_y[y] for y in years}
    direct_total, structural_total = sum(d.by_y.values()), sum(structural_y.values())
    return BudgetTotals(
        years=years,
        direct_by_action_year_account=d.by_aya,
        direct_by_year_account=d.by_ya,
        direct_by_action_year=d.by_ay,
        direct_by_year=d.by_y,
        etp_by_action_year={k: Decimal(d.etp_h.get(k, 0)).scaleb(-2) for k in d.dense | d.etp_h},
        etp_by_year=_etp_by_year(d.etp_h, years),
        structural_by_year=structural_y,
        structural_by_action_year=structural_ay,
        full_by_action_year=full_ay,
        full_by_year=full_y,
        direct_by_axis_year=direct_axis,
        full_by_axis_year=full_axis,
        direct_by_objective_year=direct_obj,
        full_by_objective_year=full_obj,
        financing_by_action_year_funder=fin.by_ayf,
        financing_by_funder_year=fin.by_fy,
        financing_by_action_year=fin.by_ay,
        financing_by_year=fin.by_y,
        financing_by_funder=fin.by_f,
        financing_by_status_year=fin.by_status,
        resources_by_line_year=fin.resources,
        funder_share=fin.share,
        funder_share_by_year=fin.share_y,
        balance_by_action_year=balance_ay,
        balance_by_year={y: fin.by_y[y] - full_y[y] for y in years},
        direct_total=direct_total,
        structural_total=structural_total,
        full_total=direct_total + structural_total,
        financing_total=fin.total,
        balance_total=fin.total - direct_total - structural_total,
        objective_codes=budget.objective_codes,
        axes=budget.axes,
    )


def _etp_by_year(etp_h: dict[tuple[Id, int], int], years: tuple[int, ...]) -> dict[int, Decimal]:
    per_year = dict.fromkeys(years, 0)
    for (_, y), h in etp_h.items():
        per_year[y] += h
    return {y: Decimal(h).scaleb(-2) for y, h in per_year.items()}
