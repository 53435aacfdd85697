"""Budget problems to fix before it can go into a CPO, in French."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pnae_desktop.domain.budget.model import ALLOCATION_METHODS, UNASSIGNED, Budget, Id, _percent_shares
from pnae_desktop.domain.budget.totals import BudgetTotals, compute
from pnae_desktop.domain.money import check_percentages_sum, format_amount
from pnae_desktop.errors import ValidationError


@dataclass(frozen=True)
class Problem:
    """Something to fix before the budget can go into a CPO; `message` is French."""

    code: str  # gap, outside_years, unknown_funder, unknown_action, allocation_sum,
    #            objective_sum, unallocated_structural, no_objective
    message: str
    action_id: Id | None = None
    year: int | None = None


def _period(years: tuple[int, ...]) -> str:
    return f"{min(years)}–{max(years)}" if years else "aucune année"


def validate(budget: Budget, totals: BudgetTotals | None = None) -> list[Problem]:
    """French problems, in a stable order: structure first, then unbalanced actions."""
    if totals is None:
        totals = compute(budget)
    checks = _Validation(budget, totals)
    checks.rows()
    checks.allocation_keys()
    checks.actions_objectives()
    checks.unallocated()
    checks.gaps()
    return checks.problems


class _Validation:
    def __init__(self, budget: Budget, totals: BudgetTotals) -> None:
        self.budget, self.totals = budget, totals
        self.years, self.period = set(budget.years), _period(budget.years)
        self.actions = {a.action_id: a for a in budget.actions}
        self.problems: list[Problem] = []

    def report(self, code: str, message: str, action_id: Id | None = None, year: int | None = None) -> None:
        self.problems.append(Problem(code, message, action_id, year))

    def rows(self) -> None:
        budget, years, period, actions, report = self.budget, self.years, self.period, self.actions, self.report
        funders = {f.id for f in budget.funders}
        rows: list[Any] = [*budget.charges, *budget.financing, *budget.structural_costs]
        for row in rows:  # places are built only for rows with a problem (thousands of rows)
            action_id, year = getattr(row, "action_id", None), row.year
            if year not in years:
                outside = f"l'année {year} est hors de la période du PRAE ({period})"
                report("outside_years", f"{row.place} : {outside}.", action_id, year)
            if action_id is not None and action_id not in actions:
                report("unknown_action", f"{row.place} : action « {action_id} » inconnue.", action_id, year)
        for f in budget.financing:
            if f.funder_id not in funders:
                lost = f"{format_amount(f.amount_cents)} non attribués"
                report("unknown_funder", f"{f.place} : financeur inconnu ({lost}).", f.action_id, f.year)

    def allocation_keys(self) -> None:
        period, actions, report = self.period, self.actions, self.report
        for key in self.budget.allocation_keys:
            if key.year not in self.years:
                outside = f"l'année est hors de la période du PRAE ({period})"
                report("outside_years", f"{key.place} : {outside}.", None, key.year)
            if key.method != "manual":
                continue
            shares = key.manual_shares or {}
            try:
                check_percentages_sum(list(shares.values()), key.place)
            except ValidationError as exc:
                report("allocation_sum", str(exc), None, key.year)
            for action_id in shares:
                if action_id not in actions:
                    message = f"{key.place} : action « {action_id} » inconnue."
                    report("unknown_action", message, action_id, key.year)

    def actions_objectives(self) -> None:
        totals, report = self.totals, self.report
        for a in self.budget.actions:
            if a.objective_shares is not None and a.objective_codes:
                try:
                    check_percentages_sum(list(a.shares), f"{a.place}, répartition entre objectifs CPO")
                except ValidationError as exc:
                    report("objective_sum", str(exc), a.action_id)
            cost = sum(totals.full_by_action_year.get((a.action_id, y), 0) for y in totals.years)
            if cost and not any(a.shares):
                message = f"{a.place} : aucun objectif CPO ; son coût ({format_amount(cost)}) est compté comme « non affecté »."
                report("no_objective", message, a.action_id)

    def unallocated(self) -> None:
        totals, report = self.totals, self.report
        keys = {k.year: k.method for k in self.budget.allocation_keys}
        for y in totals.years:
            left = totals.structural_by_action_year.get((UNASSIGNED, y), 0)
            if left:
                method = ALLOCATION_METHODS[keys.get(y, "direct")]
                message = (
                    f"Frais de structure {y} : {format_amount(left)} non répartis, la clé "
                    f"« {method} » ne donne aucune base cette année-là."
                )
                report("unallocated_structural", message, None, y)

    def gaps(self) -> None:
        totals, actions, report = self.totals, self.actions, self.report
        for (action_id, y), balance in totals.balance_by_action_year.items():
            if not balance or action_id is UNASSIGNED:
                continue
            if balance < 0:
                gap = f"il manque {format_amount(-balance)} de ressources"
            else:
                gap = f"les ressources dépassent les charges de {format_amount(balance)}"
            full = format_amount(totals.full_by_action_year.get((action_id, y), 0))
            fin = format_amount(totals.financing_by_action_year.get((action_id, y), 0))
            name = actions[action_id].place if action_id in actions else f"Action « {action_id} »"
            message = f"{name}, {y} : budget non équilibré, {gap} (charges {full}, ressources {fin})."
            report("gap", message, action_id, y)


def pro_rata_shares(budget: Budget, totals: BudgetTotals, year: int) -> dict[Id, Decimal]:
    """Percentages per action summing to exactly 100, in proportion to the year's direct costs
    (equal when there are none): where a manual allocation key starts from."""
    ids = [a.action_id for a in budget.actions]
    weights = [totals.direct_by_action_year.get((a, year), 0) for a in ids]
    return dict(zip(ids, _percent_shares(weights if any(weights) else [1] * len(ids))))
