"""Budget prévisionnel and plan de financement of a PRAE: the model and every derived total.

Pure functions over frozen dataclasses. Amounts are int cents, ETP and percentages are
Decimal with at most two decimals. Totals are accumulated in dicts in one pass per kind
of line, and every split goes through `split_cents`, so all totals add up to the cent.
Money that cannot be placed (no objective, no allocation base, unknown funder) lands in
the UNASSIGNED bucket (key None) instead of being dropped.

Modules, by job: ``chart`` (chart of accounts, funder kinds), ``model`` (input lines and the
``Budget``), ``totals`` (``compute``), ``validation`` (``validate``). This package re-exports their
public names: ``from pnae_desktop.domain import budget as dom; dom.compute(...)``.
"""

from __future__ import annotations

from pnae_desktop.domain.budget.chart import (
    PERSONNEL_ACCOUNT,
    SIDES,
    Account,
    Chart,
    FunderKind,
    chart,
    funder_kinds,
    load_chart,
)
from pnae_desktop.domain.budget.model import (
    ALLOCATION_METHODS,
    AXES,
    FINANCING_STATUSES,
    MAX_ETP,
    OBJECTIVE_CODES,
    UNASSIGNED,
    ActionBudgetInfo,
    AllocationKey,
    Budget,
    ChargeLine,
    FinancingLine,
    Funder,
    Id,
    StructuralCost,
    axes_of,
    axis_of,
    default_funders,
    default_objective_shares,
    etp_amount_cents,
    format_etp,
    objective_codes_of,
)
from pnae_desktop.domain.budget.totals import (
    BudgetTotals,
    compute,
)
from pnae_desktop.domain.budget.validation import (
    Problem,
    pro_rata_shares,
    validate,
)

__all__ = [
    "PERSONNEL_ACCOUNT",
    "SIDES",
    "Account",
    "Chart",
    "FunderKind",
    "load_chart",
    "chart",
    "funder_kinds",
    "Id",
    "UNASSIGNED",
    "OBJECTIVE_CODES",
    "AXES",
    "MAX_ETP",
    "FINANCING_STATUSES",
    "ALLOCATION_METHODS",
    "axes_of",
    "axis_of",
    "objective_codes_of",
    "etp_amount_cents",
    "format_etp",
    "ChargeLine",
    "Funder",
    "default_funders",
    "FinancingLine",
    "StructuralCost",
    "AllocationKey",
    "default_objective_shares",
    "ActionBudgetInfo",
    "Budget",
    "BudgetTotals",
    "compute",
    "Problem",
    "validate",
    "pro_rata_shares",
]
