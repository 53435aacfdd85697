"""Budget execution per axis of the instruction, for one year: each action's direct charges
(natures 60–67), forecast and realised, split over its CPO objectives as the budget splits its
cost (its objective shares), then summed per axis. Integer cents end to end; an action with no
objective is kept under « non affecté » (None)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from pnae_desktop.domain.budget import Budget
from pnae_desktop.domain.budget.model import axis_of
from pnae_desktop.domain.followup import CHARGE_NATURES, FollowUp, percent
from pnae_desktop.domain.money import split_cents


@dataclass(frozen=True)
class AxisExecution:
    axis: str | None  # "1", "2"…; None: actions without a CPO objective
    forecast_cents: int
    realised_cents: int

    @property
    def rate(self) -> Decimal | None:  # realised / forecast in percent
        return percent(self.realised_cents, self.forecast_cents)


def _id(value: Hashable) -> int:
    """An action's store id (the budget's ids are the store's for actions)."""
    if not isinstance(value, int):
        raise ValueError(f"not an action id: {value!r}")
    return value


def _split(cents: int, weights: list[int]) -> list[int]:
    if len(weights) == 1 or not cents:
        return [cents] + [0] * (len(weights) - 1)
    return split_cents(cents, weights)


def execution_by_axis(budget: Budget, followup: FollowUp, year: int) -> tuple[AxisExecution, ...]:
    """Forecast and realised direct charges of `year` per axis, in the budget's axis order."""
    forecast: dict[int, int] = {}
    for line in budget.charges:
        if line.year == year and line.account[:2] in CHARGE_NATURES:
            forecast[_id(line.action_id)] = forecast.get(_id(line.action_id), 0) + line.cents
    realised: dict[int, int] = {}
    for charge in followup.charges:
        if charge.year == year and charge.nature in CHARGE_NATURES:
            realised[charge.action_id] = realised.get(charge.action_id, 0) + charge.amount_cents
    sums: dict[str | None, list[int]] = {axis: [0, 0] for axis in budget.axes}
    plans: dict[int, tuple[list[str], list[int]]] = {}
    for info in budget.actions:
        weights = [int(s * 100) for s in info.shares]
        if any(weights):
            plans[_id(info.action_id)] = ([axis_of(c) for c in info.objective_codes], weights)
    for action_id in sorted(set(forecast) | set(realised)):
        plan = plans.get(action_id)
        if plan is None:
            bucket = sums.setdefault(None, [0, 0])
            bucket[0] += forecast.get(action_id, 0)
            bucket[1] += realised.get(action_id, 0)
            continue
        axes, weights = plan
        for side, amounts in enumerate((forecast, realised)):
            for axis, part in zip(axes, _split(amounts.get(action_id, 0), weights)):
                sums.setdefault(axis, [0, 0])[side] += part
    return tuple(AxisExecution(axis, f, r) for axis, (f, r) in sums.items() if axis is not None or f or r)
