"""One PRAE as read in one transaction: what pages, `show`, the checks and the exports read.

A snapshot is plain domain data (no rows, no session): an export turns it into bytes without
touching the store, and every figure in it comes from the same instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.followup import FollowUp


@dataclass(frozen=True)
class Snapshot:
    catalogue: Catalogue
    detail: PraeDetail
    budget: dom.Budget
    totals: dom.BudgetTotals
    problems: list[dom.Problem]
    # (RenderedConvention, checks): rendered only when asked for (it costs a render).
    convention: tuple[Any, Any] | None = None
    # What was realised, year by year (reports, indicators, amounts, explanations, mapping).
    followup: FollowUp = FollowUp()

    @property
    def prae_id(self) -> int:
        return self.detail.summary.id
