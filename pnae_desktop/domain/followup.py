"""Follow-up of a PRAE (the « É » of the programme): what was realised, year by year.

Plain frozen dataclasses and pure computations: action reports, indicator results, realised
charges and financing, contributions volontaires, explanations of gaps, and the mapping of
accounting entries to actions. Money is integer cents; percentages are exact Decimals.
No SQL, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from pnae_desktop.domain.budget.chart import chart

if TYPE_CHECKING:
    from pnae_desktop.domain.budget import Budget
    from pnae_desktop.domain.entities import PraeDetail

ACTION_STATUSES = {
    "realisee": "réalisée",
    "en_cours": "en cours",
    "reportee": "reportée",
    "abandonnee": "abandonnée",
}

DEFAULT_THRESHOLD_PCT = Decimal(15)

# Natures of charges followed per action (the CERFA's 60–67 lines).
CHARGE_NATURES = ("60", "61", "62", "63", "64", "65", "66", "67")
OTHER_NATURES = ("68", "78")  # dotations and reprises, shown on their own lines
CONTRIBUTION_NATURES = ("86", "87")  # contributions in kind: emplois (86) = contributions (87)

MAPPING_MATCHES = ("analytic", "label", "account")

SOURCES = ("saisie", "fec", "import")


@dataclass(frozen=True)
class ActionReport:
    """What became of one action in one year. `milestones_done`: (index of the milestone in
    PraeAction.milestones, the day it was done or None when done without a date)."""

    action_id: int
    year: int
    status: str | None
    account: str = ""  # the short qualitative account
    difficulties: str = ""
    deliverables: str = ""
    milestones_done: tuple[tuple[int, date | None], ...] = ()

    @property
    def is_empty(self) -> bool:
        return (
            self.status is None
            and not self.account
            and not self.difficulties
            and not self.deliverables
            and not self.milestones_done
        )

    @property
    def status_label(self) -> str:
        return ACTION_STATUSES.get(self.status or "", "")


@dataclass(frozen=True)
class IndicatorResult:
    action_id: int
    indicator_index: int  # its index in PraeAction.indicators
    year: int
    value: Decimal | None


@dataclass(frozen=True)
class RealisedCharge:
    action_id: int
    year: int
    account: str  # PCG account; its two first digits are the nature (60–67)
    label: str
    amount_cents: int
    source: str = "saisie"  # "saisie" | "fec" | "import"

    @property
    def nature(self) -> str:
        return self.account[:2]


@dataclass(frozen=True)
class RealisedFinancing:
    year: int
    funder_id: int
    amount_cents: int
    action_id: int | None = None
    source: str = "saisie"


@dataclass(frozen=True)
class OtherRealised:
    """68/78: dotations, reprises, fonds dédiés (689/789), shown on their own lines."""

    year: int
    account: str
    label: str
    amount_cents: int
    source: str = "saisie"


@dataclass(frozen=True)
class ContributionInKind:
    """86/87: contributions volontaires en nature (emplois 86, contributions 87)."""

    year: int
    account: str
    label: str
    amount_cents: int
    source: str = "saisie"


def contribution_sides(contributions: Iterable[ContributionInKind]) -> tuple[int, int]:
    """(emplois 86, contributions 87) in cents: a balanced year has both equal."""
    uses = given = 0
    for c in contributions:
        if c.account.startswith("86"):
            uses += c.amount_cents
        elif c.account.startswith("87"):
            given += c.amount_cents
    return uses, given


@dataclass(frozen=True)
class Explanation:
    """Why a line's realised amount differs from its forecast. Keys: `charge:<action_id>:<nature>`
    and `financing:<funder_id>` (see charge_key / financing_key)."""

    year: int
    key: str
    text: str


def charge_key(action_id: int, nature: str) -> str:
    return f"charge:{action_id}:{nature}"


def financing_key(funder_id: int) -> str:
    return f"financing:{funder_id}"


@dataclass(frozen=True)
class MappingRule:
    """Sends accounting entries to an action (charges) or a funder (products 70–77).

    match: "analytic" (the entry's analytic code equals `pattern`), "label" (the entry's label
    contains `pattern`, case ignored) or "account" (the account starts with `pattern`).
    action: the action's number as printed (its rank, 1-based); None for a funder rule.
    share: percent of the entry sent to that action; the rules of one (match, pattern) sum to 100.
    funder: the funder's name for products (70–77), empty for charges.
    """

    match: str
    pattern: str
    action: int | None
    share: Decimal = Decimal(100)
    funder: str = ""


@dataclass(frozen=True)
class FollowUp:
    threshold_pct: Decimal = DEFAULT_THRESHOLD_PCT
    reports: tuple[ActionReport, ...] = ()
    indicators: tuple[IndicatorResult, ...] = ()
    charges: tuple[RealisedCharge, ...] = ()
    financing: tuple[RealisedFinancing, ...] = ()
    others: tuple[OtherRealised, ...] = ()
    contributions: tuple[ContributionInKind, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    mapping: tuple[MappingRule, ...] = ()

    def report(self, action_id: int, year: int) -> ActionReport | None:
        return next((r for r in self.reports if r.action_id == action_id and r.year == year), None)

    def indicator_value(self, action_id: int, index: int, year: int) -> Decimal | None:
        for r in self.indicators:
            if r.action_id == action_id and r.indicator_index == index and r.year == year:
                return r.value
        return None

    def explanation(self, year: int, key: str) -> str:
        return next((e.text for e in self.explanations if e.year == year and e.key == key), "")

    @property
    def years(self) -> tuple[int, ...]:
        """Years with any realised data."""
        found: set[int] = set()
        for group in (self.reports, self.indicators, self.charges, self.financing, self.others, self.contributions):
            found.update(item.year for item in group)
        return tuple(sorted(found))


# -- gaps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapLine:
    key: str
    label: str
    action_id: int | None
    forecast_cents: int
    realised_cents: int
    gap_cents: int  # realised − forecast
    gap_pct: Decimal | None  # relative to the forecast, None when the forecast is 0
    needs_explanation: bool
    explanation: str


@dataclass(frozen=True)
class YearGaps:
    year: int
    charges: tuple[GapLine, ...]
    financing: tuple[GapLine, ...]
    forecast_total_cents: int  # direct charges 60–67 forecast
    realised_total_cents: int  # direct charges 60–67 realised
    execution_rate: Decimal | None  # realised / forecast in percent (2 decimals), None without forecast
    unexplained: int  # lines needing an explanation that have none


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, rounded half up to 2 decimals; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def gap_line(
    key: str, label: str, action_id: int | None, forecast: int, realised: int, threshold: Decimal, explanation: str
) -> GapLine:
    gap = realised - forecast
    pct = percent(gap, forecast)
    over = (pct is not None and abs(pct) > threshold) or (forecast == 0 and realised != 0)
    return GapLine(key, label, action_id, forecast, realised, gap, pct, over and not explanation.strip(), explanation)


def _id(value: object) -> int:
    """A budget id as the store's int (the budget model types its ids loosely)."""
    if not isinstance(value, int):
        raise TypeError(f"a store id is an int, not {value!r}")
    return value


def _nature_label(nature: str) -> str:
    account = chart().by_code.get(nature)
    return account.title if account else nature


def year_gaps(budget: Budget, followup: FollowUp, year: int) -> YearGaps:
    """Forecast (the budget's direct charges and financing of the year) against realised, per
    action and nature of charge (60–67), and per funder."""
    threshold = followup.threshold_pct
    forecast: dict[tuple[int, str], int] = {}
    for line in budget.charges:
        nature = line.account[:2]
        if line.year == year and nature in CHARGE_NATURES:
            key = (_id(line.action_id), nature)
            forecast[key] = forecast.get(key, 0) + line.cents
    realised: dict[tuple[int, str], int] = {}
    for charge in followup.charges:
        if charge.year == year and charge.nature in CHARGE_NATURES:
            key = (charge.action_id, charge.nature)
            realised[key] = realised.get(key, 0) + charge.amount_cents
    rank = {_id(a.action_id): n for n, a in enumerate(budget.actions)}
    titles = {_id(a.action_id): a.title for a in budget.actions}
    charges = []
    for action_id, nature in sorted(set(forecast) | set(realised), key=lambda k: (rank.get(k[0], 10**6), k)):
        line_key = charge_key(action_id, nature)
        number = rank.get(action_id)
        title = f"Fiche {number + 1} – {titles[action_id]}" if number is not None else f"Action {action_id}"
        charges.append(
            gap_line(
                line_key,
                f"{title} : {_nature_label(nature)}",
                action_id,
                forecast.get((action_id, nature), 0),
                realised.get((action_id, nature), 0),
                threshold,
                followup.explanation(year, line_key),
            )
        )
    f_fin: dict[int, int] = {}
    for fin in budget.financing:
        if fin.year == year:
            f_fin[_id(fin.funder_id)] = f_fin.get(_id(fin.funder_id), 0) + fin.amount_cents
    r_fin: dict[int, int] = {}
    for rf in followup.financing:
        if rf.year == year:
            r_fin[rf.funder_id] = r_fin.get(rf.funder_id, 0) + rf.amount_cents
    names = {_id(f.id): f.name for f in budget.funders}
    order = {_id(f.id): n for n, f in enumerate(budget.funders)}
    financing = []
    for funder_id in sorted(set(f_fin) | set(r_fin), key=lambda f: (order.get(f, 10**6), f)):
        fin_key = financing_key(funder_id)
        financing.append(
            gap_line(
                fin_key,
                names.get(funder_id, f"Financeur {funder_id}"),
                None,
                f_fin.get(funder_id, 0),
                r_fin.get(funder_id, 0),
                threshold,
                followup.explanation(year, fin_key),
            )
        )
    f_total, r_total = sum(forecast.values()), sum(realised.values())
    unexplained = sum(1 for line in (*charges, *financing) if line.needs_explanation)
    return YearGaps(year, tuple(charges), tuple(financing), f_total, r_total, percent(r_total, f_total), unexplained)


# -- indicators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    action_id: int
    indicator_index: int
    action_label: str
    label: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None
    realised: Decimal | None
    gap: Decimal | None  # realised − target, None when either is missing


def indicator_rows(detail: PraeDetail, followup: FollowUp, year: int) -> tuple[IndicatorRow, ...]:
    rows = []
    for number, action in enumerate(detail.actions, start=1):
        for index, indicator in enumerate(action.indicators):
            target = indicator.target(year)
            value = followup.indicator_value(action.id, index, year)
            gap = value - target if value is not None and target is not None else None
            rows.append(
                IndicatorRow(
                    action.id,
                    index,
                    f"Fiche {number} – {action.title}",
                    indicator.label,
                    indicator.unit,
                    indicator.baseline,
                    target,
                    value,
                    gap,
                )
            )
    return tuple(rows)
