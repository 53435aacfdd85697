"""What the Budget page's four sheets show, built from the budget and its totals (no Qt
widget here): charges and financing of one action, structural costs, manual allocation key."""

from __future__ import annotations

from decimal import Decimal

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import format_amount, format_percentage
from pnae_desktop.ui import palette
from pnae_desktop.ui.budget_sheet import GREEN, RED, SheetContent, edit_text

ChargeRow = tuple[str, str]  # (account, label)


def _blank(headers: list[str]) -> list[str]:
    return [""] * len(headers)


def charge_sheet(
    budget: dom.Budget, totals: dom.BudgetTotals, action_id: int | None
) -> tuple[list[ChargeRow], SheetContent]:
    """The action's charge lines (one row per account and label, one column per year), then
    its direct, structural and full cost and its ETP."""
    years = budget.years
    lines = [c for c in budget.charges if c.action_id == action_id]
    by_cell = {(c.account, c.label, c.year): c for c in lines}
    charge_rows = sorted({(c.account, c.label) for c in lines})
    sheet = SheetContent(["Compte", "Libellé", *map(str, years), "Total"], footer=4)
    chart = dom.chart().by_code
    for r, (account, label) in enumerate(charge_rows):
        row = [chart[account].title if account in chart else account, label]
        edit = [account, label]
        total = 0
        for k, year in enumerate(years):
            line = by_cell.get((account, label, year))
            cents = line.cents if line else None
            total += cents or 0
            row.append(format_amount(cents) if cents is not None else "")
            if line and line.etp is not None and line.annual_cost_cents is not None:
                edit.append(f"{format(line.etp, 'f').replace('.', ',')} × {edit_text(line.annual_cost_cents)}")
                sheet.tooltips[(r, 2 + k)] = (
                    f"{dom.format_etp(line.etp)} ETP × {format_amount(line.annual_cost_cents)} (coût annuel chargé)"
                )
            else:
                edit.append(edit_text(cents))
            sheet.editable.add((r, 2 + k))
        sheet.editable.add((r, 1))
        row.append(format_amount(total))
        edit.append("")
        sheet.rows.append(row)
        sheet.edit_values.append(edit)
    t = totals
    for label, values in (
        ("Total des charges directes", [t.direct_by_action_year.get((action_id, y), 0) for y in years]),
        ("Frais de structure affectés", [t.structural_by_action_year.get((action_id, y), 0) for y in years]),
        ("Coût complet", [t.full_by_action_year.get((action_id, y), 0) for y in years]),
    ):
        sheet.rows.append(["", label, *map(format_amount, values), format_amount(sum(values))])
        sheet.edit_values.append(_blank(sheet.headers))
    etp = [t.etp_by_action_year.get((action_id, y), Decimal(0)) for y in years]
    sheet.rows.append(["", "ETP", *(dom.format_etp(v) for v in etp), ""])
    sheet.edit_values.append(_blank(sheet.headers))
    return charge_rows, sheet


def financing_sheet(
    budget: dom.Budget, totals: dom.BudgetTotals, action_id: int | None
) -> tuple[list[dom.Funder], SheetContent]:
    """One row per funder of the PRAE (name, status, amount per year, share of the action's
    resources), then the action's resources and its balance, green when nil, red otherwise."""
    years = budget.years
    funder_rows = list(budget.funders)
    lines = {(f.funder_id, f.year): f for f in budget.financing if f.action_id == action_id}
    sheet = SheetContent(["Financeur", "Statut", *map(str, years), "Total", "Part"], footer=2)
    total_all = sum(totals.financing_by_action_year.get((action_id, y), 0) for y in years)
    for r, funder in enumerate(funder_rows):
        amounts = [lines[(funder.id, y)].amount_cents if (funder.id, y) in lines else None for y in years]
        statuses = {lines[(funder.id, y)].status for y in years if (funder.id, y) in lines}
        status = statuses.pop() if len(statuses) == 1 else ("sollicite" if not statuses else "mixte")
        total = sum(a or 0 for a in amounts)
        share = Decimal(total * 100) / total_all if total_all else Decimal(0)
        sheet.rows.append(
            [
                funder.name,
                dom.FINANCING_STATUSES.get(status, "Plusieurs"),
                *(format_amount(a) if a is not None else "" for a in amounts),
                format_amount(total),
                format_percentage(share.quantize(Decimal("0.01"))),
            ]
        )
        sheet.edit_values.append([funder.name, status, *(edit_text(a) for a in amounts), "", ""])
        sheet.editable |= {(r, 0), *((r, 2 + k) for k in range(len(years)))}
        if any(a is not None for a in amounts):  # a status belongs to the amounts it qualifies
            sheet.editable.add((r, 1))
        else:
            sheet.tooltips[(r, 1)] = "Saisissez d'abord un montant : le statut qualifie les montants."
    resources = [totals.financing_by_action_year.get((action_id, y), 0) for y in years]
    gaps = [totals.balance_by_action_year.get((action_id, y), 0) for y in years]
    sheet.rows.append(["Total des ressources", "", *map(format_amount, resources), format_amount(sum(resources)), ""])
    sheet.rows.append(
        ["Écart (ressources − coût complet)", "", *map(format_amount, gaps), format_amount(sum(gaps)), ""]
    )
    sheet.edit_values += [_blank(sheet.headers), _blank(sheet.headers)]
    last = len(sheet.rows) - 1
    # nothing typed (no cost, no resource): neutral, not « balanced » in green
    sheet.colors = {(last, 2 + k): (GREEN if g == 0 else RED) for k, g in enumerate(gaps) if g or resources[k]}
    if sum(gaps) or sum(resources):
        sheet.colors[(last, 2 + len(years))] = GREEN if sum(gaps) == 0 else RED
    return funder_rows, sheet


def structure_sheet(budget: dom.Budget, totals: dom.BudgetTotals) -> tuple[list[str], SheetContent]:
    """One row per structural cost label, one column per year, then their total."""
    years = budget.years
    costs = {(s.label, s.year): s.amount_cents for s in budget.structural_costs}
    structure_rows = sorted({s.label for s in budget.structural_costs})
    sheet = SheetContent(["", "Libellé", *map(str, years), "Total"], footer=1)
    for r, label in enumerate(structure_rows):
        amounts = [costs.get((label, y)) for y in years]
        sheet.rows.append(
            [
                "",
                label,
                *(format_amount(a) if a is not None else "" for a in amounts),
                format_amount(sum(a or 0 for a in amounts)),
            ]
        )
        sheet.edit_values.append(["", label, *(edit_text(a) for a in amounts), ""])
        sheet.editable |= {(r, 2 + k) for k in range(len(years))}
    by_year = [totals.structural_by_year.get(y, 0) for y in years]
    sheet.rows.append(["", "Total des frais de structure", *map(format_amount, by_year), format_amount(sum(by_year))])
    sheet.edit_values.append(_blank(sheet.headers))
    return structure_rows, sheet


def manual_key_sheet(budget: dom.Budget, keys: dict[int, dom.AllocationKey]) -> SheetContent:
    """Manual allocation percentages, actions × years; editable in the years keyed "manual"."""
    years = budget.years
    sheet = SheetContent(["", "Action", *map(str, years)])
    for r, a in enumerate(budget.actions):
        row, edit = ["", a.title], ["", a.title]
        for k, year in enumerate(years):
            key = keys.get(year)
            share = (key.manual_shares or {}).get(a.action_id) if key else None
            row.append(format_percentage(share) if share is not None else "")
            edit.append(format(share, "f").replace(".", ",") if share is not None else "")
            if key is not None and key.method == "manual":
                sheet.editable.add((r, 2 + k))
        sheet.rows.append(row)
        sheet.edit_values.append(edit)
    return sheet


def balance_words(gap: int, anything: bool) -> str:
    """The balance said in words (colour only repeats it): nothing typed yet, balanced, or the gap."""
    if not anything:
        return "aucun montant saisi"
    if gap == 0:
        return f'<span style="color:{palette.SUCCESS}"><b>✓ équilibré</b></span>'
    return f'<span style="color:{palette.ERROR}"><b>⚠ écart {format_amount(gap)}</b></span> (ressources − coût complet)'


def action_totals_html(budget: dom.Budget, totals: dom.BudgetTotals, action_id: int | None) -> str:
    """The action's totals, shown under its sheets whatever their scroll position."""
    years = budget.years
    cost = sum(totals.full_by_action_year.get((action_id, y), 0) for y in years)
    resources = sum(totals.financing_by_action_year.get((action_id, y), 0) for y in years)
    gap = sum(totals.balance_by_action_year.get((action_id, y), 0) for y in years)
    return (
        f"<b>Action</b> : coût complet {format_amount(cost)} · ressources {format_amount(resources)} · "
        + balance_words(gap, bool(cost or resources))
    )


def structure_totals_html(budget: dom.Budget, totals: dom.BudgetTotals) -> str:
    by_year = " · ".join(f"{y} : {format_amount(totals.structural_by_year.get(y, 0))}" for y in budget.years)
    return f"<b>Total des frais de structure</b> {format_amount(totals.structural_total)} ({by_year})"
