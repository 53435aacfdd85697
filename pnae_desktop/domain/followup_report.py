"""The figures of the follow-up documents, computed once so that the compte rendu financier,
the bilan annuel, the évaluation finale, the workbook and `show` print the same cents.

- :func:`compte_rendu` — the CERFA n° 15059 synthesis of one year: charges by nature (60–68),
  the indirect charges shared out (with their rule), produits per funder (70–77) and 78, the
  contributions volontaires (86/87), each « Prévu », « Réalisé », « Écart » in € and %.
- :func:`axis_execution` — forecast and realised direct charges (60–67) per CPO axis, each
  action's cost split over its objectives as the budget splits it (largest remainder).
- :func:`objectives_covered` — the CPO objectives the year's actions served.

Pure functions over the budget, the PRAE and its follow-up (domain.followup): no SQL, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.followup import CHARGE_NATURES, FollowUp, YearGaps, contribution_sides, percent, year_gaps
from pnae_desktop.domain.money import format_amount, split_cents

ALLOCATION_LABELS = {
    "direct": "au prorata des charges directes de chaque action",
    "etp": "au prorata des équivalents temps plein (ETP) de chaque action",
    "manual": "selon les pourcentages fixés par action",
}
INDIRECT_LABEL = "Charges indirectes réparties (frais de structure)"
DONE_STATUSES = ("realisee", "en_cours")


@dataclass(frozen=True)
class ReportLine:
    """One line of a « Prévu / Réalisé / Écart » table, in cents."""

    key: str
    label: str
    forecast_cents: int
    realised_cents: int

    @property
    def gap_cents(self) -> int:
        return self.realised_cents - self.forecast_cents

    @property
    def gap_pct(self) -> Decimal | None:
        """The gap in percent of the forecast (2 decimals), None without forecast."""
        return percent(self.gap_cents, self.forecast_cents)


def total_line(key: str, label: str, lines: Iterable[ReportLine]) -> ReportLine:
    lines = list(lines)
    return ReportLine(key, label, sum(x.forecast_cents for x in lines), sum(x.realised_cents for x in lines))


@dataclass(frozen=True)
class IndirectShare:
    """The year's structural costs and how they are shared over the actions: forecast (the
    budget's key on the forecast) and realised (the same key on the realised direct charges)."""

    total_cents: int
    method: str
    rule: str  # the rule in words
    by_action: tuple[tuple[str, int, int], ...]  # (fiche title, forecast share, realised share)


@dataclass(frozen=True)
class CompteRendu:
    year: int
    charges: tuple[ReportLine, ...]  # 60–67 by nature, then 68 (when any)
    direct: ReportLine  # direct charges 60–67 (= YearGaps totals)
    indirect: ReportLine
    charges_total: ReportLine
    products: tuple[ReportLine, ...]  # per funder (70–77), then 78 (when any)
    products_total: ReportLine
    contributions_charges: ReportLine  # 86
    contributions_products: ReportLine  # 87
    contribution_items: tuple[tuple[str, str, int], ...]  # realised (account, label, cents)
    share: IndirectShare
    gaps: YearGaps

    @property
    def charges_with_contributions(self) -> ReportLine:
        return total_line("total:charges86", "Total", [self.charges_total, self.contributions_charges])

    @property
    def products_with_contributions(self) -> ReportLine:
        return total_line("total:produits87", "Total", [self.products_total, self.contributions_products])

    @property
    def result(self) -> ReportLine:
        """Produits − charges (excédent > 0, déficit < 0)."""
        p, c = self.products_total, self.charges_total
        return ReportLine(
            "result", "Résultat", p.forecast_cents - c.forecast_cents, p.realised_cents - c.realised_cents
        )


def _chart_title(code: str) -> str:
    account = dom.chart().by_code.get(code)
    return account.title if account is not None else code


def _budget_charges(budget: dom.Budget, year: int, prefix: str) -> int:
    return sum(line.cents for line in budget.charges if line.year == year and line.account.startswith(prefix))


def _fiche_titles(detail: PraeDetail) -> dict[int, str]:
    return {a.id: f"Fiche {n} – {a.title}" for n, a in enumerate(detail.actions, start=1)}


def indirect_share(
    detail: PraeDetail, budget: dom.Budget, totals: dom.BudgetTotals, followup: FollowUp, year: int
) -> IndirectShare:
    total = totals.structural_by_year.get(year, 0)
    key = next((k for k in budget.allocation_keys if k.year == year), None)
    method = key.method if key is not None else "direct"
    ids = [a.id for a in detail.actions]
    forecast = [totals.structural_by_action_year.get((a, year), 0) for a in ids]
    realised = list(forecast)  # ETP and manual keys: the realised share follows the plan
    if method == "direct" and total:
        weights = [
            sum(
                c.amount_cents
                for c in followup.charges
                if c.year == year and c.action_id == a and c.nature in CHARGE_NATURES
            )
            for a in ids
        ]
        if any(w > 0 for w in weights):
            realised = split_cents(total, [max(w, 0) for w in weights])
    titles = _fiche_titles(detail)
    rows = tuple((titles[a], f, r) for a, f, r in zip(ids, forecast, realised) if f or r)
    rule = (
        f"Les frais de structure de {year} ({format_amount(total)}) sont répartis entre les actions "
        f"{ALLOCATION_LABELS.get(method, method)}, au centime près (plus forts restes)."
    )
    return IndirectShare(total, method, rule, rows)


def compte_rendu(
    detail: PraeDetail, budget: dom.Budget, totals: dom.BudgetTotals, followup: FollowUp, year: int
) -> CompteRendu:
    gaps = year_gaps(budget, followup, year)
    charges: list[ReportLine] = []
    for nature in CHARGE_NATURES:
        f = _budget_charges(budget, year, nature)
        r = sum(c.amount_cents for c in followup.charges if c.year == year and c.nature == nature)
        if f or r:
            charges.append(ReportLine(f"charge:{nature}", _chart_title(nature), f, r))
    direct = total_line("direct", "Total des charges directes", charges)
    others_68 = sum(o.amount_cents for o in followup.others if o.year == year and o.account.startswith("68"))
    f68 = _budget_charges(budget, year, "68")
    if f68 or others_68:
        charges.append(ReportLine("charge:68", _chart_title("68"), f68, others_68))
    share = indirect_share(detail, budget, totals, followup, year)
    indirect = ReportLine("indirect", INDIRECT_LABEL, share.total_cents, share.total_cents)
    charges_total = total_line("total:charges", "Total des charges", [*charges, indirect])

    products = _products(budget, totals, followup, year, gaps)
    products_total = total_line("total:produits", "Total des produits", products)
    f86 = _budget_charges(budget, year, "86")
    f87 = totals.resources_by_line_year.get(("87", year), 0)
    r86, r87 = contribution_sides(c for c in followup.contributions if c.year == year)
    items = tuple((c.account, c.label, c.amount_cents) for c in followup.contributions if c.year == year)
    return CompteRendu(
        year,
        tuple(charges),
        direct,
        indirect,
        charges_total,
        products,
        products_total,
        ReportLine("contrib:86", _chart_title("86"), f86, r86),
        ReportLine("contrib:87", _chart_title("87"), f87, r87),
        items,
        share,
        gaps,
    )


def _products(
    budget: dom.Budget, totals: dom.BudgetTotals, followup: FollowUp, year: int, gaps: YearGaps
) -> tuple[ReportLine, ...]:
    """One line per funder (the year's gap lines, in the chart's order of resource lines),
    then 78 reprises when any; 87 is kept for the contributions."""
    line_of = {int(f.id): f.resource_line for f in budget.funders}  # type: ignore[call-overload]
    order = {code: n for n, code in enumerate(dom.chart().resource_lines)}
    out: list[tuple[int, ReportLine]] = []
    for g in gaps.financing:
        funder_id = int(g.key.split(":", 1)[1])
        code = line_of.get(funder_id)
        if code == "87":
            continue
        prefix = _line_label(code) if code else "Autres produits"
        out.append(
            (
                order.get(code or "", 10**6),
                ReportLine(g.key, f"{prefix} : {g.label}", g.forecast_cents, g.realised_cents),
            )
        )
    out.sort(key=lambda x: x[0])
    lines = [line for _, line in out]
    r78 = sum(o.amount_cents for o in followup.others if o.year == year and o.account.startswith("78"))
    f78 = totals.resources_by_line_year.get(("78", year), 0)
    if r78 or f78:
        lines.append(ReportLine("product:78", _chart_title("78"), f78, r78))
    return tuple(lines)


def _line_label(code: str) -> str:
    chart = dom.chart()
    if "." in code:
        return f"{chart.by_code[code.split('.', 1)[0]].code} {chart.by_code[code].label}"
    return chart.by_code[code].title if code in chart.by_code else code


@dataclass(frozen=True)
class FollowupData:
    """What a follow-up document is made of: the PRAE, its catalogue, its budget with every
    total, and its follow-up (realised data of every year)."""

    detail: PraeDetail
    catalogue: Catalogue
    budget: dom.Budget
    totals: dom.BudgetTotals
    followup: FollowUp


# -- the bilan -------------------------------------------------------------------------------


def action_direct(budget: dom.Budget, followup: FollowUp, year: int) -> dict[int, tuple[int, int]]:
    """Per action id: (forecast, realised) direct charges 60–67 of the year."""
    out: dict[int, list[int]] = {}
    for line in budget.charges:
        if line.year == year and line.account[:2] in CHARGE_NATURES:
            out.setdefault(int(line.action_id), [0, 0])[0] += line.cents  # type: ignore[call-overload]
    for c in followup.charges:
        if c.year == year and c.nature in CHARGE_NATURES:
            out.setdefault(c.action_id, [0, 0])[1] += c.amount_cents
    return {a: (v[0], v[1]) for a, v in out.items()}


def axis_execution(
    detail: PraeDetail, budget: dom.Budget, followup: FollowUp, year: int
) -> tuple[tuple[str | None, int, int], ...]:
    """(axis or None for « non affecté », forecast, realised) of the year's direct charges per
    CPO axis, each action split over its objectives by its shares; sums to the year's totals."""
    infos = {int(i.action_id): i for i in budget.actions}  # type: ignore[call-overload]
    by_axis: dict[str | None, list[int]] = {a: [0, 0] for a in budget.axes}
    for action_id, amounts in action_direct(budget, followup, year).items():
        info = infos.get(action_id)
        weights = [int(s * 100) for s in info.shares] if info is not None else []
        if info is None or not any(weights):
            slot = by_axis.setdefault(None, [0, 0])
            slot[0] += amounts[0]
            slot[1] += amounts[1]
            continue
        axes = [dom.axis_of(code) for code in info.objective_codes]
        for k in (0, 1):
            parts = split_cents(amounts[k], weights) if len(weights) > 1 else [amounts[k]]
            for axis, part in zip(axes, parts):
                by_axis.setdefault(axis, [0, 0])[k] += part
    return tuple((a, v[0], v[1]) for a, v in by_axis.items() if a is not None or v[0] or v[1])


def objectives_covered(detail: PraeDetail, followup: FollowUp, year: int) -> tuple[tuple[str, bool], ...]:
    """Each CPO objective the programme serves, and whether an action serving it was realised
    or under way in `year`."""
    served: dict[str, bool] = {}
    for action in detail.actions:
        report = followup.report(action.id, year)
        active = report is not None and report.status in DONE_STATUSES
        for code in action.objective_codes:
            served[code] = served.get(code, False) or active
    return tuple(sorted(served.items(), key=lambda kv: [int(p) if p.isdigit() else 0 for p in kv[0].split(".")]))


def has_realised(followup: FollowUp, year: int) -> bool:
    """Anything recorded for `year`: a status, an indicator value, an amount."""
    return year in followup.years
