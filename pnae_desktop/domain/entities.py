"""What services hand to the CLI and the UI: plain values, detached from the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pnae_desktop.domain.rules import PRAE_STATUSES


@dataclass(frozen=True)
class Organisation:
    id: int | None
    name: str
    acronym: str = ""
    address: str = ""
    siret: str | None = None
    legal_form: str = "Association loi 1901"
    representative_name: str = ""
    representative_title: str = ""
    email: str = ""
    phone: str = ""
    region_code: str = ""


@dataclass(frozen=True)
class NewPrae:
    """What the 'Nouveau PRAE' dialog (or the CLI) asks the services to create."""

    region_code: str
    start_year: int
    end_year: int
    pnae_actions: tuple[int, ...]
    organisation_name: str = ""
    title: str = ""
    catalogue_edition: str | None = None


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


@dataclass(frozen=True)
class CalendarEntry:
    year: int
    text: str


@dataclass(frozen=True)
class PraeAction:
    id: int
    position: int
    pnae_action: int | None
    title: str
    theme_label: str
    fields: dict[str, str | None]
    territorial_levels: tuple[str, ...]
    calendar: tuple[CalendarEntry, ...] = field(default_factory=tuple)

    @property
    def is_regional(self) -> bool:
        return self.pnae_action is None
