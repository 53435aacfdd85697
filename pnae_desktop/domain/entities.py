"""What services hand to the CLI and the UI: plain values, detached from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pnae_desktop.domain.summary import PraeSummary


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
class Milestone:
    """A calendar item: a year, and optionally a quarter (1-4) or an exact day."""

    year: int
    text: str
    quarter: int | None = None
    day: date | None = None

    @property
    def when_label(self) -> str:
        if self.day is not None:
            return self.day.strftime("%d/%m/%Y")
        if self.quarter is not None:
            return f"T{self.quarter} {self.year}"
        return str(self.year)


@dataclass(frozen=True)
class Indicator:
    label: str
    unit: str
    source: str
    baseline: Decimal | None = None
    baseline_year: int | None = None
    targets: tuple[tuple[int, Decimal], ...] = ()
    comment: str = ""

    def target(self, year: int) -> Decimal | None:
        return dict(self.targets).get(year)


@dataclass(frozen=True)
class MissionLocale:
    id: int | None
    name: str
    city: str = ""
    director: str = ""
    contact: str = ""


@dataclass(frozen=True)
class PraeAction:
    """One fiche action of a PRAE: declined from the PNAE (`pnae_action` set) or regional."""

    id: int
    position: int
    pnae_action: int | None
    title: str
    theme_label: str
    fields: dict[str, str | None]
    territorial_levels: tuple[str, ...] = ()
    pilot: str = ""
    co_pilots: str = ""
    partners: str = ""
    regional_priority: bool = False
    calendar_note: str | None = None
    notes: str | None = None
    milestones: tuple[Milestone, ...] = ()
    objectives: tuple[tuple[str, Decimal | None], ...] = ()
    indicators: tuple[Indicator, ...] = ()
    mission_locale_ids: tuple[int, ...] = ()

    @property
    def is_regional(self) -> bool:
        return self.pnae_action is None

    @property
    def objective_codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.objectives)


@dataclass(frozen=True)
class PraeDetail:
    summary: PraeSummary
    organisation: Organisation
    actions: tuple[PraeAction, ...]
    missions_locales: tuple[MissionLocale, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.summary.start_year, self.summary.end_year + 1))

    def action(self, action_id: int) -> PraeAction:
        for action in self.actions:
            if action.id == action_id:
                return action
        raise KeyError(action_id)
