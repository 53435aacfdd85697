"""Edits of the follow-up (what was realised), undoable through PraeSession.apply like every
other edit: each applies itself through services/followup.py and returns its inverse."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pnae_desktop.domain import followup as fu
from pnae_desktop.services import followup as service
from pnae_desktop.services.edits import FOLLOWUP, Context, Edit

_ASPECTS = frozenset({FOLLOWUP})


@dataclass(frozen=True)
class SetActionReport(Edit):
    """One action's report of one year (status, account, difficulties, deliverables, milestones
    done); an empty report removes it."""

    report: fu.ActionReport | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        assert self.report is not None
        return SetActionReport(self.label, service.set_action_report(ctx.store, ctx.prae_id, self.report))

    def state_key(self) -> object | None:
        return self.report

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset() if self.report is None else frozenset({self.report.action_id})


@dataclass(frozen=True)
class SetIndicatorResult(Edit):
    """The realised value of one indicator in one year (None removes it)."""

    result: fu.IndicatorResult | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        assert self.result is not None
        return SetIndicatorResult(self.label, service.set_indicator_result(ctx.store, ctx.prae_id, self.result))

    def state_key(self) -> object | None:
        return self.result

    @property
    def action_ids(self) -> frozenset[int]:
        return frozenset() if self.result is None else frozenset({self.result.action_id})


@dataclass(frozen=True)
class SetRealisedCharges(Edit):
    """Replace the year's realised charges (of one action when `action_id` is given, of one
    source when `source` is given) with `charges`."""

    year: int = 0
    charges: tuple[fu.RealisedCharge, ...] = ()
    action_id: int | None = None
    source: str | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        previous = service.set_realised_charges(
            ctx.store, ctx.prae_id, self.year, list(self.charges), action_id=self.action_id, source=self.source
        )
        return SetRealisedCharges(self.label, self.year, tuple(previous), self.action_id, self.source)

    def state_key(self) -> object | None:
        return _bag(self.charges)


@dataclass(frozen=True)
class SetRealisedFinancing(Edit):
    """Replace the year's realised financing (of one source when given) with `financing`."""

    year: int = 0
    financing: tuple[fu.RealisedFinancing, ...] = ()
    source: str | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        previous = service.set_realised_financing(
            ctx.store, ctx.prae_id, self.year, list(self.financing), source=self.source
        )
        return SetRealisedFinancing(self.label, self.year, tuple(previous), self.source)

    def state_key(self) -> object | None:
        return _bag(self.financing)


@dataclass(frozen=True)
class SetContributions(Edit):
    """Replace the year's contributions volontaires en nature (86/87)."""

    year: int = 0
    contributions: tuple[fu.ContributionInKind, ...] = ()
    source: str | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        previous = service.set_realised_others(
            ctx.store, ctx.prae_id, self.year, "contribution", list(self.contributions), source=self.source
        )
        return SetContributions(self.label, self.year, tuple(previous), self.source)

    def state_key(self) -> object | None:
        return _bag(self.contributions)


@dataclass(frozen=True)
class SetOtherRealised(Edit):
    """Replace the year's 68/78 lines (dotations, reprises, fonds dédiés)."""

    year: int = 0
    others: tuple[fu.OtherRealised, ...] = ()
    source: str | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        previous = service.set_realised_others(
            ctx.store, ctx.prae_id, self.year, "other", list(self.others), source=self.source
        )
        return SetOtherRealised(self.label, self.year, tuple(previous), self.source)

    def state_key(self) -> object | None:
        return _bag(self.others)


@dataclass(frozen=True)
class SetExplanation(Edit):
    """The explanation of one line's gap (keys: fu.charge_key / fu.financing_key); "" removes it."""

    year: int = 0
    key: str = ""
    text: str = ""
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        previous = service.set_explanation(ctx.store, ctx.prae_id, self.year, self.key, self.text)
        return SetExplanation(self.label, self.year, self.key, previous)

    def state_key(self) -> object | None:
        return (self.year, self.key, self.text.strip())


@dataclass(frozen=True)
class SetGapThreshold(Edit):
    threshold_pct: Decimal = fu.DEFAULT_THRESHOLD_PCT
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        return SetGapThreshold(self.label, service.set_threshold(ctx.store, ctx.prae_id, self.threshold_pct))

    def state_key(self) -> object | None:
        return self.threshold_pct


@dataclass(frozen=True)
class SetMapping(Edit):
    """Replace the PRAE's mapping of accounting entries to actions and funders."""

    rules: tuple[fu.MappingRule, ...] = ()
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        return SetMapping(self.label, service.set_mapping(ctx.store, ctx.prae_id, self.rules))

    def state_key(self) -> object | None:
        return self.rules


@dataclass(frozen=True)
class ApplyRealisedImport(Edit):
    """An import of realised amounts (FEC or simple file) for one year: replaces that year's
    charges, financing, 68/78 lines and contributions of the same `source`, and the mapping
    when one is given (`mapping` None keeps it). One transaction, one undo step."""

    year: int = 0
    source: str = "fec"
    charges: tuple[fu.RealisedCharge, ...] = ()
    financing: tuple[fu.RealisedFinancing, ...] = ()
    others: tuple[fu.OtherRealised, ...] = ()
    contributions: tuple[fu.ContributionInKind, ...] = ()
    mapping: tuple[fu.MappingRule, ...] | None = None
    aspects = _ASPECTS

    def apply(self, ctx: Context) -> Edit:
        store, prae_id, year, source = ctx.store, ctx.prae_id, self.year, self.source
        with store.transaction():
            previous_mapping = None
            if self.mapping is not None:
                previous_mapping = service.set_mapping(store, prae_id, self.mapping)
            charges = service.set_realised_charges(store, prae_id, year, list(self.charges), source=source)
            financing = service.set_realised_financing(store, prae_id, year, list(self.financing), source=source)
            others = service.set_realised_others(store, prae_id, year, "other", list(self.others), source=source)
            contributions = service.set_realised_others(
                store, prae_id, year, "contribution", list(self.contributions), source=source
            )
        return ApplyRealisedImport(
            self.label,
            year,
            source,
            tuple(charges),
            tuple(financing),
            tuple(others),
            tuple(contributions),
            previous_mapping,
        )

    def state_key(self) -> object | None:
        return (
            _bag(self.charges),
            _bag(self.financing),
            _bag(self.others),
            _bag(self.contributions),
            self.mapping,
        )


def _bag(items: tuple) -> object:
    """A comparable multiset (rows come back in id order, not the order written)."""
    counts: dict[object, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return frozenset(counts.items())
