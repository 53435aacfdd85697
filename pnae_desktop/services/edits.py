"""Edits: every change a user makes to a PRAE, as a small object below the UI.

An edit applies itself through the services inside the transaction the session opens, and
returns its inverse — another edit, built from what the services say was there before. Undo
applies the inverse; redo applies the inverse's inverse. The GUI, the CLI and the API build
the same edits; none of this knows Qt.

Each edit says which aspects of the PRAE it changes (`aspects`) and which actions
(`action_ids`), so a view refreshes only what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, ClassVar, cast

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, Organisation, PraeAction
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import budget, drafting, followup, followup_remap, mapping_remap, praes
from pnae_desktop.services import convention as convention_service
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import ACTION_LINE_FIELDS

# What an edit can change; a view subscribes to the aspects it shows.
TITLE = "title"  # the PRAE's title, status, dates of change (dashboard, window title)
ACTIONS = "actions"  # the list of actions and their fiches
BUDGET = "budget"  # charges, financing, funders, structural costs, keys, shares
CONVENTION = "convention"  # parties, settings, articles
FOLLOWUP = "followup"  # realised: reports, indicators, amounts, explanations, mapping (edits_followup.py)
EVERYTHING = frozenset({TITLE, ACTIONS, BUDGET, CONVENTION, FOLLOWUP})


@dataclass(frozen=True)
class Context:
    """What an edit applies to: one PRAE in one store, and the catalogue it was drafted from."""

    store: Store
    catalogue: Catalogue
    prae_id: int


@dataclass(frozen=True)
class Edit:
    """Base class. `apply` runs inside the session's transaction and returns the inverse."""

    label: str
    aspects: ClassVar[frozenset[str]] = EVERYTHING

    def apply(self, ctx: Context) -> Edit:
        raise NotImplementedError

    def state_key(self) -> object | None:
        """What this edit writes, in a comparable form; None when not compared. The session
        records, with each step of the history, the edit whose result the step overwrites:
        an undo or redo that finds another state there (someone changed the value since) is
        refused. An edit's inverse, built from the values found, has the same form."""
        return None

    @property
    def action_ids(self) -> frozenset[int]:
        """The actions this edit touches; empty when it is not about given actions."""
        return frozenset()


@dataclass(frozen=True)
class Composite(Edit):
    """Several edits as one user action: one transaction, one undo step."""

    edits: tuple[Edit, ...] = ()

    def apply(self, ctx: Context) -> Edit:
        inverses = [edit.apply(ctx) for edit in self.edits]
        return Composite(self.label, tuple(reversed(inverses)))

    def state_key(self) -> object | None:
        keys = [edit.state_key() for edit in self.edits]
        return None if any(k is None for k in keys) else tuple(keys)  # an inverse's inverse keeps the order

    @property
    def changed_aspects(self) -> frozenset[str]:
        return frozenset().union(*(aspects_of(e) for e in self.edits))

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset().union(*(e.action_ids for e in self.edits))


def aspects_of(edit: Edit) -> frozenset[str]:
    return edit.changed_aspects if isinstance(edit, Composite) else type(edit).aspects


# -- budget ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetChargeCells(Edit):
    cells: tuple[budget.ChargeCell, ...] = ()
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        return SetChargeCells(self.label, tuple(budget.set_charge_cells(ctx.store, list(self.cells))))

    def state_key(self) -> object | None:
        return frozenset((c.action_id, c.account, c.label.strip(), c.year, c.value) for c in self.cells)


@dataclass(frozen=True)
class RenameChargeRow(Edit):
    action_id: int = 0
    account: str = ""
    old: str = ""
    new: str = ""
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        new, old = budget.rename_charge_row(ctx.store, self.action_id, self.account, self.old, self.new)
        return RenameChargeRow(self.label, self.action_id, self.account, new, old)


@dataclass(frozen=True)
class SetFinancingCells(Edit):
    cells: tuple[budget.FinancingCell, ...] = ()
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        return SetFinancingCells(self.label, tuple(budget.set_financing_cells(ctx.store, list(self.cells))))

    def state_key(self) -> object | None:  # no line: its status does not matter
        return frozenset(
            (c.action_id, c.funder_id, c.year, c.amount_cents, c.status if c.amount_cents is not None else None)
            for c in self.cells
        )


@dataclass(frozen=True)
class SaveFunder(Edit):
    """Create a funder (funder_id None) or rename/retype one; the convention names funders too."""

    funder_id: int | None = None
    name: str = ""
    kind: str = ""
    aspects = frozenset({BUDGET, CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        funder_id, previous = budget.save_funder(ctx.store, ctx.prae_id, self.funder_id, self.name, self.kind)
        if previous is None:
            return DeleteFunder(self.label, funder_id)
        return SaveFunder(self.label, funder_id, *previous)


@dataclass(frozen=True)
class DeleteFunder(Edit):
    funder_id: int = 0
    aspects = frozenset({BUDGET, CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        return RestoreFunder(self.label, budget.delete_funder(ctx.store, self.funder_id))


@dataclass(frozen=True)
class RestoreFunder(Edit):
    """A deleted funder back under its id, at its place, with its financing lines."""

    snapshot: Any = None
    aspects = frozenset({BUDGET, CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        return DeleteFunder(self.label, budget.restore_funder(ctx.store, self.snapshot))


@dataclass(frozen=True)
class SetStructuralCells(Edit):
    cells: tuple[budget.StructuralCell, ...] = ()
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        previous = budget.set_structural_cells(ctx.store, ctx.prae_id, list(self.cells))
        return SetStructuralCells(self.label, tuple(previous))

    def state_key(self) -> object | None:
        return frozenset((c.label.strip(), c.year, c.amount_cents) for c in self.cells)


@dataclass(frozen=True)
class SetAllocationKey(Edit):
    year: int = 0
    method: str = "direct"
    shares: dict[int, Decimal] | None = None
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        had_key = budget.allocation_key(ctx.store, ctx.prae_id, self.year) is not None
        year, method, shares = budget.set_allocation_key(ctx.store, ctx.prae_id, self.year, self.method, self.shares)
        return SetAllocationKey(self.label, year, method, shares) if had_key else RemoveAllocationKey(self.label, year)


@dataclass(frozen=True)
class RemoveAllocationKey(Edit):
    """Back to no key for the year: the inverse of setting the first one."""

    year: int = 0
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        previous = budget.remove_allocation_key(ctx.store, ctx.prae_id, self.year)
        if previous is None:
            return RemoveAllocationKey(self.label, self.year)
        return SetAllocationKey(self.label, *previous)


@dataclass(frozen=True)
class SetObjectiveShares(Edit):
    action_id: int = 0
    shares: dict[str, Decimal] | None = None
    aspects = frozenset({BUDGET, ACTIONS})

    def apply(self, ctx: Context) -> Edit:
        previous = budget.set_objective_shares(ctx.store, self.action_id, self.shares)
        return SetObjectiveShares(self.label, self.action_id, previous)

    def state_key(self) -> object | None:
        return None if self.shares is None else frozenset(self.shares.items())

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset({self.action_id})


@dataclass(frozen=True)
class ApplyWorkbook(Edit):
    """The differences read from a budget workbook, all applied in the one transaction."""

    changes: tuple[Any, ...] = ()
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        from pnae_desktop.services import workbook_import  # openpyxl: kept off the start-up path

        applied = workbook_import.apply_changes(ctx.store, ctx.prae_id, list(self.changes))
        return RevertWorkbook(self.label, applied)


@dataclass(frozen=True)
class RevertWorkbook(Edit):
    """Puts back what a workbook replaced; its inverse puts the workbook's values back."""

    applied: Any = None
    aspects = frozenset({BUDGET})

    def apply(self, ctx: Context) -> Edit:
        from pnae_desktop.services import workbook_import  # openpyxl: kept off the start-up path

        return RevertWorkbook(self.label, workbook_import.undo_changes(ctx.store, self.applied))


# -- the PRAE and its actions ------------------------------------------------------------------


@dataclass(frozen=True)
class UpdatePrae(Edit):
    """Title and/or status."""

    changes: dict[str, Any] = field(default_factory=dict)
    aspects = frozenset({TITLE, CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        return UpdatePrae(self.label, praes.update_prae(ctx.store, ctx.prae_id, **self.changes))

    def state_key(self) -> object | None:
        return frozenset((k, v.strip() if isinstance(v, str) else v) for k, v in self.changes.items())


def _canonical_field(key: str, value: Any) -> object:
    """A fiche field as the services store it (one-line fields trimmed, levels as a set)."""
    if key == "territorial_levels":
        parts = value.split(",") if isinstance(value, str) else (value or ())
        return frozenset(filter(None, parts))
    if key == "regional_priority":
        return bool(value)
    if key in ACTION_LINE_FIELDS:
        return (value or "").strip()
    return value


@dataclass(frozen=True)
class UpdateAction(Edit):
    """Fields of one action's fiche (texts, title, pilot, levels, priority…)."""

    action_id: int = 0
    changes: dict[str, Any] = field(default_factory=dict)
    aspects = frozenset({ACTIONS, BUDGET, CONVENTION})  # titles show on every page

    def apply(self, ctx: Context) -> Edit:
        previous = drafting.update_action(ctx.store, self.action_id, self.changes)
        return UpdateAction(self.label, self.action_id, previous)

    def state_key(self) -> object | None:
        return frozenset((key, _canonical_field(key, value)) for key, value in self.changes.items())

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset({self.action_id})


@dataclass(frozen=True)
class _ActionList(Edit):
    """Base of edits that set one list of an action (objectives, milestones, indicators…)."""

    action_id: int = 0
    aspects = frozenset({ACTIONS})

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset({self.action_id})


@dataclass(frozen=True)
class SetObjectives(_ActionList):
    objectives: dict[str, Decimal | None] = field(default_factory=dict)
    aspects = frozenset({ACTIONS, BUDGET, CONVENTION})  # cost per axis and objective coverage

    def apply(self, ctx: Context) -> Edit:
        previous = drafting.set_objectives(ctx.store, ctx.catalogue, self.action_id, self.objectives)
        return SetObjectives(self.label, self.action_id, previous)


@dataclass(frozen=True)
class SetMilestones(_ActionList):
    milestones: tuple[Milestone, ...] = ()
    kept: tuple[followup_remap.MilestoneRowKept, ...] = ()  # marks of removed milestones, put back by undo
    remap: bool = True  # False: the caller moves the « done » marks itself (services/edits_nextyear.py)
    aspects = frozenset({ACTIONS, CONVENTION, FOLLOWUP})  # the convention's annex prints the calendar

    def apply(self, ctx: Context) -> Edit:
        previous = drafting.set_milestones(ctx.store, self.action_id, list(self.milestones))
        if not self.remap:
            return SetMilestones(self.label, self.action_id, tuple(previous), remap=False)
        dropped = followup_remap.milestones_changed(ctx.store, self.action_id, previous, self.milestones, self.kept)
        return SetMilestones(self.label, self.action_id, tuple(previous), dropped)


@dataclass(frozen=True)
class SetIndicators(_ActionList):
    indicators: tuple[Indicator, ...] = ()
    kept: tuple[followup_remap.IndicatorRowKept, ...] = ()  # results of removed indicators, put back by undo
    aspects = frozenset({ACTIONS, CONVENTION, FOLLOWUP})

    def apply(self, ctx: Context) -> Edit:
        previous = drafting.set_indicators(ctx.store, self.action_id, list(self.indicators))
        dropped = followup_remap.indicators_changed(ctx.store, self.action_id, previous, self.indicators, self.kept)
        return SetIndicators(self.label, self.action_id, tuple(previous), dropped)


@dataclass(frozen=True)
class SetActionMissionsLocales(_ActionList):
    ids: tuple[int, ...] = ()

    def apply(self, ctx: Context) -> Edit:
        previous = drafting.set_action_missions_locales(ctx.store, self.action_id, list(self.ids))
        return SetActionMissionsLocales(self.label, self.action_id, tuple(previous))


@dataclass(frozen=True)
class ReorderActions(Edit):
    ordered_ids: tuple[int, ...] = ()
    aspects = frozenset({ACTIONS, BUDGET, CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        previous, _ = mapping_remap.following(
            ctx.store, ctx.prae_id, lambda: drafting.reorder_actions(ctx.store, ctx.prae_id, list(self.ordered_ids))
        )
        return ReorderActions(self.label, tuple(previous))


@dataclass(frozen=True)
class AddPnaeAction(Edit):
    """Decline PNAE action `number` at `position` (None: at the end)."""

    number: int = 0
    position: int | None = None
    aspects = EVERYTHING

    def apply(self, ctx: Context) -> Edit:
        action_id, _ = mapping_remap.following(
            ctx.store,
            ctx.prae_id,
            lambda: drafting.add_pnae_action(ctx.store, ctx.catalogue, ctx.prae_id, self.number, self.position),
        )
        return DeleteAction(self.label, action_id)


@dataclass(frozen=True)
class AddBlankAction(Edit):
    title: str = ""
    position: int | None = None
    aspects = EVERYTHING

    def apply(self, ctx: Context) -> Edit:
        action_id, _ = mapping_remap.following(
            ctx.store, ctx.prae_id, lambda: drafting.add_blank_action(ctx.store, ctx.prae_id, self.title, self.position)
        )
        return DeleteAction(self.label, action_id)


@dataclass(frozen=True)
class DuplicateAction(Edit):
    action_id: int = 0
    aspects = EVERYTHING

    def apply(self, ctx: Context) -> Edit:
        action_id, _ = mapping_remap.following(
            ctx.store, ctx.prae_id, lambda: drafting.duplicate_action(ctx.store, self.action_id)
        )
        return DeleteAction(self.label, action_id)


@dataclass(frozen=True)
class ActionBudget:
    """An action's share of the budget, kept with a deleted action so undo brings it back whole."""

    charges: tuple[budget.ChargeCell, ...] = ()
    financing: tuple[budget.FinancingCell, ...] = ()
    manual_keys: tuple[tuple[int, dict[int, Decimal]], ...] = ()  # (year, shares) of keys naming it


def _action_budget(ctx: Context, action_id: int) -> ActionBudget:
    plan = budget.load_budget(ctx.store, ctx.prae_id)
    return ActionBudget(
        tuple(
            budget.ChargeCell(
                action_id, c.account, c.label, c.year, budget.ChargeValue(c.amount_cents, c.etp, c.annual_cost_cents)
            )
            for c in plan.charges
            if c.action_id == action_id
        ),
        tuple(
            budget.FinancingCell(action_id, cast(int, f.funder_id), f.year, f.amount_cents, f.status)
            for f in plan.financing
            if f.action_id == action_id
        ),
        tuple(
            (k.year, {cast(int, a): share for a, share in k.manual_shares.items()})
            for k in plan.allocation_keys
            if k.method == "manual" and k.manual_shares and action_id in k.manual_shares
        ),
    )


def _restore_budget(ctx: Context, old_id: int | None, action_id: int, kept: ActionBudget) -> None:
    """Put `kept` back on the restored action (its id is new when the old one was taken)."""
    budget.set_charge_cells(ctx.store, [replace(c, action_id=action_id) for c in kept.charges])
    budget.set_financing_cells(ctx.store, [replace(f, action_id=action_id) for f in kept.financing])
    for year, shares in kept.manual_keys:
        remapped = {(action_id if a == old_id else a): v for a, v in shares.items()}
        budget.set_allocation_key(ctx.store, ctx.prae_id, year, "manual", remapped)


@dataclass(frozen=True)
class DeleteAction(Edit):
    action_id: int = 0
    aspects = EVERYTHING

    def apply(self, ctx: Context) -> Edit:
        kept = _action_budget(ctx, self.action_id)  # the lines go with the action (ON DELETE CASCADE)
        realised = followup.action_followup(ctx.store, ctx.prae_id, self.action_id)  # so do its realised rows
        snapshot, rules = mapping_remap.following(  # and its FEC mapping rules
            ctx.store, ctx.prae_id, lambda: drafting.delete_action(ctx.store, self.action_id)
        )
        return RestoreAction(self.label, snapshot, kept, realised, rules)

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset({self.action_id})


@dataclass(frozen=True)
class RestoreAction(Edit):
    """A deleted action back under its id and at its place, with its budget lines and its
    shares of manual allocation keys: later edits naming it still apply."""

    snapshot: PraeAction | None = None
    kept: ActionBudget = field(default_factory=ActionBudget)
    realised: followup.ActionFollowUp | None = None
    rules: tuple[mapping_remap.RuleKept, ...] = ()  # the FEC mapping's rules that named it
    aspects = EVERYTHING

    def apply(self, ctx: Context) -> Edit:
        assert self.snapshot is not None
        snapshot = self.snapshot
        action_id, _ = mapping_remap.following(
            ctx.store, ctx.prae_id, lambda: drafting.restore_action(ctx.store, ctx.prae_id, snapshot)
        )
        mapping_remap.put_back(ctx.store, ctx.prae_id, self.rules)
        _restore_budget(ctx, self.snapshot.id, action_id, self.kept)
        if self.realised is not None:
            followup.restore_action_followup(ctx.store, ctx.prae_id, action_id, self.realised)
        return DeleteAction(self.label, action_id)

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset() if self.snapshot is None or self.snapshot.id is None else frozenset({self.snapshot.id})


# -- the directory of missions locales ---------------------------------------------------------


@dataclass(frozen=True)
class SaveMissionLocale(Edit):
    """Create (id None) or update an entry of the PRAE's directory."""

    mission_locale: MissionLocale | None = None
    aspects = frozenset({ACTIONS})

    def apply(self, ctx: Context) -> Edit:
        assert self.mission_locale is not None
        ml_id, previous = drafting.save_mission_locale(ctx.store, ctx.prae_id, self.mission_locale)
        if previous is None:
            return DeleteMissionLocale(self.label, ml_id)
        return SaveMissionLocale(self.label, previous)


@dataclass(frozen=True)
class DeleteMissionLocale(Edit):
    mission_locale_id: int = 0
    aspects = frozenset({ACTIONS})

    def apply(self, ctx: Context) -> Edit:
        ml, linked = drafting.delete_mission_locale(ctx.store, self.mission_locale_id)
        return RestoreMissionLocale(self.label, ml, tuple(linked))


@dataclass(frozen=True)
class RestoreMissionLocale(Edit):
    mission_locale: MissionLocale | None = None
    action_ids_linked: tuple[int, ...] = ()
    aspects = frozenset({ACTIONS})

    def apply(self, ctx: Context) -> Edit:
        assert self.mission_locale is not None
        ml_id = drafting.restore_mission_locale(
            ctx.store, ctx.prae_id, self.mission_locale, list(self.action_ids_linked)
        )
        return DeleteMissionLocale(self.label, ml_id)


# -- the convention --------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveConventionSettings(Edit):
    settings: convention_service.ConventionSettings | None = None
    aspects = frozenset({CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        assert self.settings is not None
        previous = convention_service.save_settings(ctx.store, ctx.prae_id, ctx.catalogue, self.settings)
        return SaveConventionSettings(self.label, previous)

    def state_key(self) -> object | None:
        return self.settings


@dataclass(frozen=True)
class SaveConventionState(Edit):
    """The articles as adapted (overrides, removals, additions)."""

    state: cv.ConventionState | None = None
    aspects = frozenset({CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        assert self.state is not None
        previous = convention_service.save_state(ctx.store, ctx.prae_id, ctx.catalogue, self.state)
        return SaveConventionState(self.label, previous)

    def state_key(self) -> object | None:
        return self.state


@dataclass(frozen=True)
class SaveOrganisation(Edit):
    """The ARML's identity (name, SIRET, address, representative…)."""

    organisation: Organisation | None = None
    aspects = frozenset({TITLE, CONVENTION})

    def apply(self, ctx: Context) -> Edit:
        if self.organisation is None or not self.organisation.id:  # one is made only with its PRAE
            raise ValidationError("Association inconnue : elle se crée avec son PRAE.")
        previous = praes.organisation(ctx.store, self.organisation.id)
        praes.save_organisation(ctx.store, self.organisation)
        return SaveOrganisation(self.label, previous)
