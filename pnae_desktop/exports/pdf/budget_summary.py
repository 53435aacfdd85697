"""The PRAE's budget summary as PDF tables, by year: cost per CPO axis and per fiche, the
financing plan per funder, the budget by nature of charges and resources, and its balance
(the PRAE's budget section, annex II of the convention)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from reportlab.platypus import Flowable, Spacer, Table

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import LOCALE
from pnae_desktop.exports.pdf.document import Heading
from pnae_desktop.exports.pdf.prae_data import (
    ABSENT,
    PraeData,
    account_rows,
    axis_label,
    money,
    resource_line_label,
    year_cells,
)
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.exports.pdf.tables import data_table


def cost_per_axis_table(data: PraeData) -> Table:
    t, years = data.budget_totals, data.years
    axes: list[str | None] = [a for a in t.axes] + (
        [None] if any(t.full_by_axis_year.get((None, y), 0) for y in years) else []
    )
    rows = [
        [
            axis_label(data.catalogue, a),
            *year_cells({y: t.full_by_axis_year.get((a, y), 0) for y in years}, years),
        ]
        for a in axes
    ]
    rows.append(["Coût total du programme", *year_cells(t.full_by_year, years)])
    header = ["Axe de la CPO", *map(str, years), "Total"]
    return data_table(header, rows, numeric=[False] + [True] * (len(years) + 1), total_rows=[len(rows) - 1])


def cost_per_action_table(data: PraeData) -> Table:
    t, years = data.budget_totals, data.years
    rows = [
        [
            data.fiche_title(a),
            *year_cells({y: t.full_by_action_year.get((a.id, y), 0) for y in years}, years),
        ]
        for a in data.detail.actions
    ]
    left = {y: t.full_by_action_year.get((None, y), 0) for y in years}
    if any(left.values()):
        rows.append(["Frais de structure non répartis", *year_cells(left, years)])
    rows.append(["Coût total du programme", *year_cells(t.full_by_year, years)])
    header = ["Fiche action", *map(str, years), "Total"]
    return data_table(header, rows, numeric=[False] + [True] * (len(years) + 1), total_rows=[len(rows) - 1])


def financing_table(data: PraeData) -> Table:
    t, years = data.budget_totals, data.years
    rows: list[list[str]] = []
    for f in data.budget_plan.funders:
        amounts = {y: t.financing_by_funder_year.get((f.id, y), 0) for y in years}
        if not any(amounts.values()):
            continue
        share = t.funder_share.get(f.id)
        rows.append([f.name, *year_cells(amounts, years), _percent(share)])
    rows.append(
        [
            "Total des financements",
            *year_cells(t.financing_by_year, years),
            "100 %" if t.financing_total else ABSENT,
        ]
    )
    header = ["Financeur", *map(str, years), "Total", "Part"]
    return data_table(header, rows, numeric=[False] + [True] * (len(years) + 2), total_rows=[len(rows) - 1])


def _percent(share: Decimal | None) -> str:
    if share is None:
        return ABSENT
    return f"{format_decimal(share, format='#,##0.0', locale=LOCALE)} %"


def charges_resources_table(data: PraeData) -> Table:
    """Budget prévisionnel by nature: charges by account, structural costs, then resources by
    line of the chart (74 by funder kind), each with its total."""
    t, years = data.budget_totals, data.years
    chart = dom.chart()
    header = ["Nature", *map(str, years), "Total"]
    rows: list[list[str]] = []
    totals_at: list[int] = []
    groups: list[int] = []
    groups.append(len(rows))
    rows.append(["Charges"])
    rows += account_rows(years, lambda y, code: t.direct_by_year_account.get((y, code), 0))
    if any(t.structural_by_year.get(y, 0) for y in years):
        rows.append(
            [
                "Frais de structure (fonctionnement du siège, direction)",
                *year_cells(t.structural_by_year, years),
            ]
        )
    totals_at.append(len(rows))
    rows.append(["Total des charges", *year_cells(t.full_by_year, years)])
    groups.append(len(rows))
    rows.append(["Ressources"])
    for line in (*chart.resource_lines, None):
        amounts = {y: t.resources_by_line_year.get((line, y), 0) for y in years}
        if not any(amounts.values()):
            continue
        rows.append([resource_line_label(line), *year_cells(amounts, years)])
    totals_at.append(len(rows))
    rows.append(["Total des ressources", *year_cells(t.financing_by_year, years)])
    numeric = [False] + [True] * (len(years) + 1)
    return data_table(header, rows, numeric=numeric, total_rows=totals_at, group_rows=groups)


def balance_sentence(data: PraeData) -> str:
    t = data.budget_totals
    if t.balance_total == 0:
        return (
            (
                f"Total des charges = total des ressources : {money(t.full_total)}. "
                "Le budget est équilibré pour chaque année."
            )
            if all(v == 0 for v in t.balance_by_year.values())
            else (f"Total des charges = total des ressources sur la période : {money(t.full_total)}.")
        )
    gap = t.balance_total
    word = "excédent" if gap > 0 else "déficit"
    return (
        f"Total des charges : {money(t.full_total)} ; total des ressources : "
        f"{money(t.financing_total)} ; {word} de {money(abs(gap))} à résorber."
    )


def budget_flowables(data: PraeData, *, level: int = 1, toc_level: int | None = 1) -> list[Flowable]:
    """Cost per axis and per fiche, budget by nature, financing per funder; by year."""
    st = styles()

    def h(text: str) -> Heading:
        return Heading(text, st.subheading, level=level, toc_level=toc_level)

    return [
        h("Coût du programme par axe de la CPO et par année"),
        cost_per_axis_table(data),
        Spacer(1, 8),
        h("Plan de financement par financeur et par année"),
        financing_table(data),
        Spacer(1, 8),
        h("Budget prévisionnel par nature de charges et de ressources"),
        charges_resources_table(data),
        para(balance_sentence(data), st.small),
        Spacer(1, 8),
        h("Coût complet par fiche action et par année"),
        cost_per_action_table(data),
        para(
            "Coût complet : charges directes de l'action et quote-part des frais de structure, "
            "répartis selon la clé de chaque année.",
            st.note,
        ),
    ]
