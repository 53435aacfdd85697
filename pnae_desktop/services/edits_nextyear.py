"""« Préparer le PRAE N+1 » as one undoable edit (the rule is in services/next_year.py).

`PrepareNextYear.apply` plans, then applies in the session's transaction: the done marks
renumbered, the reported milestones moved, the proposed budget lines written, the year
closed — each step an edit whose inverse is kept, so undo (one Ctrl+Z) reopens the year and
puts every row back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from pnae_desktop.services import next_year as ny
from pnae_desktop.services.edits import (
    ACTIONS,
    BUDGET,
    CONVENTION,
    FOLLOWUP,
    TITLE,
    Composite,
    Context,
    Edit,
    SetChargeCells,
    SetMilestones,
)
from pnae_desktop.services.session import Changed, PraeSession

_ASPECTS = frozenset({TITLE, ACTIONS, BUDGET, CONVENTION, FOLLOWUP})


@dataclass(frozen=True)
class SetYearClosed(Edit):
    year: int = 0
    closed: bool = True
    aspects = frozenset({FOLLOWUP, TITLE})

    def apply(self, ctx: Context) -> Edit:
        was = ny.set_year_closed(ctx.store, ctx.prae_id, self.year, self.closed)
        return SetYearClosed(self.label, self.year, was)

    def state_key(self) -> object | None:
        return (self.year, self.closed)


@dataclass(frozen=True)
class RenumberDoneMilestones(Edit):
    """The done marks of an action's milestones follow them when the calendar is reordered."""

    action_id: int = 0
    pairs: tuple[tuple[int, int], ...] = ()
    aspects = frozenset({FOLLOWUP})

    def apply(self, ctx: Context) -> Edit:
        ny.renumber_done_milestones(ctx.store, self.action_id, self.pairs)
        return RenumberDoneMilestones(self.label, self.action_id, tuple((new, old) for old, new in self.pairs))

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset({self.action_id})


@dataclass(frozen=True)
class PrepareNextYear(Edit):
    year: int = 0
    carry_budget: bool = False
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        plan = ny.plan_next_year(ctx.store, ctx.prae_id, self.year, carry_budget=self.carry_budget)
        edits: list[Edit] = []
        for action in plan.carried:
            edits.append(RenumberDoneMilestones(self.label, action.action_id, action.renumbering))
            edits.append(SetMilestones(self.label, action.action_id, action.new_calendar, remap=False))
        cells = tuple(cell for action in plan.carried for cell in action.budget)
        if cells:
            edits.append(SetChargeCells(self.label, cells))
        edits.append(SetYearClosed(self.label, self.year, True))
        inverse = Composite(self.label, tuple(edits)).apply(ctx)
        assert isinstance(inverse, Composite)
        return _Undone(self.label, inverse.edits, self.year, self.carry_budget)

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset()


@dataclass(frozen=True)
class _Undone(Composite):
    """The inverse of a preparation; its own inverse prepares again (redo)."""

    year: int = 0
    carry_budget: bool = False
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        super().apply(ctx)
        return PrepareNextYear(self.label, self.year, self.carry_budget)

    @property
    def changed_aspects(self) -> frozenset[str]:
        return _ASPECTS


def prepare_next_year(
    session: PraeSession, year: int, *, carry_budget: bool = False
) -> tuple[ny.NextYearPlan, Changed]:
    """Prepare year+1 from the realised `year` of the session's PRAE as one undo step; refuses
    (ValidationError, nothing changed) when `year` cannot be prepared."""
    plan = ny.plan_next_year(session.store, session.prae_id, year, carry_budget=carry_budget)
    label = f"Préparer le PRAE {year + 1}"
    return plan, session.apply(PrepareNextYear(label, year, carry_budget))
