"""The one-line view of a PRAE, as listed on the dashboard: start-up reads nothing else, so it
lives apart from the other entities (each dataclass costs about a millisecond to create)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pnae_desktop.domain.rules import PRAE_STATUSES


@dataclass(frozen=True)
class PraeSummary:
    id: int
    title: str
    region_code: str
    region_name: str
    start_year: int
    end_year: int
    status: str
    action_count: int
    organisation_name: str
    catalogue_edition: str
    created_at: datetime
    updated_at: datetime

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"

    @property
    def status_label(self) -> str:
        return PRAE_STATUSES.get(self.status, self.status)
