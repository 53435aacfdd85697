"""The Budget page's synthesis tab: cost per CPO axis, financing per funder, charges per
nature and the balance, as one HTML page built from the domain's totals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import format_amount, format_percentage
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import palette

Row = tuple[str, Sequence[object]]  # (CSS class of the row: "" or "t" for a total, cells)

STYLE = palette.stylesheet(
    "<style>table{border-collapse:collapse} th{background:@navy;color:@white;padding:4px 8px}"
    "td{padding:3px 8px;border-bottom:1px solid @grid} td.n{text-align:right;white-space:nowrap}"
    " th.n{white-space:nowrap} tr.t td{font-weight:bold;"
    "background:@shade} h3{color:@navy}</style>"
)
UNASSIGNED = "Non affecté (action sans objectif CPO)"


def _table(title: str, head: Sequence[str], rows: Sequence[Row]) -> str:
    out = [
        # the table spans the view: a long label (an axis) wraps whole, amounts never wrap
        f'<h3>{escape_markup(title)}</h3><table width="100%"><tr>'
        + "".join(f'<th class="{"n" if i else ""}">{escape_markup(h)}</th>' for i, h in enumerate(head))
        + "</tr>"
    ]
    for cls, cells in rows:
        out.append(
            f'<tr class="{cls}">'
            + "".join(f'<td class="{"n" if i else ""}">{escape_markup(str(v))}</td>' for i, v in enumerate(cells))
            + "</tr>"
        )
    return "".join(out) + "</table>"


def _axis_rows(years: Sequence[int], t: dom.BudgetTotals, catalogue: Catalogue) -> list[Row]:
    axes = {str(a.number): f"Axe {a.number} – {a.title}" for a in catalogue.cpo_axes}
    rows: list[Row] = []
    for axis in [*t.axes, None]:
        values = [t.full_by_axis_year.get((axis, y), 0) for y in years]
        if axis is None and not any(values):
            continue
        label = axes.get(axis, UNASSIGNED) if axis else UNASSIGNED
        rows.append(("", [label, *map(format_amount, values), format_amount(sum(values))]))
    rows.append(
        ("t", ["Total", *(format_amount(t.full_by_year.get(y, 0)) for y in years), format_amount(t.full_total)])
    )
    return rows


def _funder_rows(budget: dom.Budget, t: dom.BudgetTotals) -> list[Row]:
    years = budget.years
    rows: list[Row] = []
    for f in budget.funders:
        values = [t.financing_by_funder_year.get((f.id, y), 0) for y in years]
        share = format_percentage(t.funder_share.get(f.id, Decimal(0)))
        rows.append(("", [f.name, *map(format_amount, values), format_amount(sum(values)), share]))
    by_year = (format_amount(t.financing_by_year.get(y, 0)) for y in years)
    rows.append(("t", ["Total", *by_year, format_amount(t.financing_total), "100 %"]))
    return rows


def _nature_rows(years: Sequence[int], t: dom.BudgetTotals) -> list[Row]:
    rows: list[Row] = []
    chart = dom.chart().by_code
    for account in dom.chart().charge_codes:
        values = [t.direct_by_year_account.get((y, account), 0) for y in years]
        if any(values):
            rows.append(("", [chart[account].title, *map(format_amount, values), format_amount(sum(values))]))
    structural = (format_amount(t.structural_by_year.get(y, 0)) for y in years)
    rows.append(("", ["Frais de structure", *structural, format_amount(t.structural_total)]))
    full = (format_amount(t.full_by_year.get(y, 0)) for y in years)
    rows.append(("t", ["Total des charges", *full, format_amount(t.full_total)]))
    return rows


def summary_html(budget: dom.Budget, t: dom.BudgetTotals, problems: Sequence[dom.Problem], catalogue: Catalogue) -> str:
    years = budget.years
    balance = [t.balance_by_year.get(y, 0) for y in years]
    ys = [str(y) for y in years]
    parts = [
        STYLE,
        _table(
            "Coût prévisionnel par axe de l'instruction (coût complet)",
            ["Axe", *ys, "Total"],
            _axis_rows(years, t, catalogue),
        ),
        _table("Financement par financeur", ["Financeur", *ys, "Total", "Part"], _funder_rows(budget, t)),
        _table("Charges par nature", ["Compte", *ys, "Total"], _nature_rows(years, t)),
        _table(
            "Équilibre",
            ["", *ys, "Total"],
            [("t", ["Ressources − charges", *map(format_amount, balance), format_amount(t.balance_total)])],
        ),
    ]
    if problems:
        parts.append(
            "<h3>À vérifier</h3><ul>" + "".join(f"<li>{escape_markup(p.message)}</li>" for p in problems) + "</ul>"
        )
    else:
        parts.append(
            palette.stylesheet('<p style="color:@success"><b>Budget équilibré, chaque action et chaque année.</b></p>')
        )
    return "".join(parts)
