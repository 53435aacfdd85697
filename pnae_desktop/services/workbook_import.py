"""Taking back an edited budget workbook: the use case around the pure reader.

`read_budget_workbook` lets `exports.budget_import` check the file, loads the PRAE's budget
and lets the reader list the changes the workbook proposes (nothing is written); `apply_changes` writes them all, line
renamings, charges and financing, in ONE transaction — a refused cell anywhere leaves the store as it was — and
returns what `undo_changes` needs; `undo_changes` puts the previous cells back, also in one
transaction, and returns what redoing needs.

A renamed line is renamed before its cells are written (they carry the new label), so undoing
puts the cells back first and then the old label; `Applied.renames_first` says which order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pnae_desktop import faults
from pnae_desktop.domain.budget_cells import ChargeCell, FinancingCell
from pnae_desktop.errors import ValidationError
from pnae_desktop.exports.budget_import import Change, open_edited
from pnae_desktop.exports.workbook.layout import DEFAULT_STATUS
from pnae_desktop.services import budget as budget_service
from pnae_desktop.store.database import Store

__all__ = ["Applied", "Change", "apply_changes", "read_budget_workbook", "undo_changes"]


@dataclass(frozen=True)
class Applied:
    """What undo needs: the previous cells returned by the budget services."""

    prae_id: int
    charges: list[ChargeCell] = field(default_factory=list)
    financing: list[FinancingCell] = field(default_factory=list)
    renames: list[tuple[int, str, str, str]] = field(default_factory=list)  # (action, account, from, to)
    renames_first: bool = False


def read_budget_workbook(path: Path | str, store: Store, prae_id: int) -> list[Change]:
    """The changes an exported (and edited) workbook makes to the PRAE's budget, in sheet
    order. Reads only: the store is not written. UserError (French) on any unusable file."""
    edited = open_edited(path, prae_id)  # the file is refused (or not) before the PRAE is read
    return edited.changes(budget_service.load_budget(store, prae_id))


def apply_changes(store: Store, prae_id: int, changes: list[Change]) -> Applied:
    """Write the changes, all or nothing (one transaction). Returns what `undo_changes` needs."""
    charge_cells = [
        ChargeCell(c.action_id, c.account or "", c.label, c.year, c.new_value) for c in changes if c.kind == "charge"
    ]
    financing_cells = [
        FinancingCell(c.action_id, c.funder_id or 0, c.year, c.new_cents, c.new_status or DEFAULT_STATUS)
        for c in changes
        if c.kind == "financing"
    ]
    with store.transaction():
        budget = budget_service.load_budget(store, prae_id)
        own = {a.action_id for a in budget.actions}
        foreign = [c for c in changes if c.action_id not in own]
        if foreign:
            raise ValidationError(f"Action « {foreign[0].action} » absente du PRAE n° {prae_id}.")
        renames = [(c.action_id, c.account or "", c.old_label, c.label) for c in changes if c.kind == "label"]
        undo_renames = _rename(store, renames)
        previous_charges = budget_service.set_charge_cells(store, charge_cells) if charge_cells else []
        faults.checkpoint("workbook.after_charges")
        previous_financing = budget_service.set_financing_cells(store, financing_cells) if financing_cells else []
    return Applied(prae_id, previous_charges, previous_financing, undo_renames, renames_first=False)


def undo_changes(store: Store, applied: Applied) -> Applied:
    """Put back what `apply_changes` replaced (one transaction); returns what redoing needs."""
    with store.transaction():
        inverse = _rename(store, applied.renames) if applied.renames_first else []
        redo_financing = budget_service.set_financing_cells(store, applied.financing) if applied.financing else []
        redo_charges = budget_service.set_charge_cells(store, applied.charges) if applied.charges else []
        if not applied.renames_first:
            inverse = _rename(store, applied.renames)
    return Applied(applied.prae_id, redo_charges, redo_financing, inverse, renames_first=not applied.renames_first)


def _rename(store: Store, renames: list[tuple[int, str, str, str]]) -> list[tuple[int, str, str, str]]:
    """Rename lines (action, account, from, to) in order; the renamings that undo them."""
    for action_id, account, old, new in renames:
        budget_service.rename_charge_row(store, action_id, account, old, new)
    return [(action_id, account, new, old) for action_id, account, old, new in reversed(renames)]
