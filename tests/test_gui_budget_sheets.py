"""What the Budget page's sheets and synthesis show, built without any widget from the demo PRAE."""

from __future__ import annotations

import pytest

from pnae_desktop.services import budget as service
from pnae_desktop.services import demo
from pnae_desktop.ui.budget_summary import summary_html
from pnae_desktop.ui.budget_tables import charge_sheet, financing_sheet, manual_key_sheet, structure_sheet


@pytest.fixture
def demo_budget(sqlite_store, catalogue):
    prae_id = demo.create_demo(sqlite_store, catalogue)
    return service.totals(sqlite_store, prae_id)


def _well_formed(sheet):
    assert all(len(row) == len(sheet.headers) for row in sheet.rows)
    assert len(sheet.edit_values) == len(sheet.rows)
    body = len(sheet.rows) - sheet.footer
    assert all(r < body and c < len(sheet.headers) for r, c in sheet.editable)  # totals are never editable


def test_charge_sheet_ends_with_the_action_costs(demo_budget):
    budget, totals, _ = demo_budget
    action_id = budget.actions[0].action_id
    rows, sheet = charge_sheet(budget, totals, action_id)
    _well_formed(sheet)
    assert sheet.headers == ["Compte", "Libellé", *map(str, budget.years), "Total"]
    assert len(rows) == len(sheet.rows) - 4
    assert [r[1] for r in sheet.rows[-4:]] == [
        "Total des charges directes",
        "Frais de structure affectés",
        "Coût complet",
        "ETP",
    ]


def test_financing_sheet_colours_the_balance_of_each_year(demo_budget):
    budget, totals, _ = demo_budget
    funders, sheet = financing_sheet(budget, totals, budget.actions[0].action_id)
    _well_formed(sheet)
    assert [f.name for f in funders] == [r[0] for r in sheet.rows[:-2]]
    last = len(sheet.rows) - 1
    assert {(last, 2 + k) for k in range(len(budget.years) + 1)} <= set(sheet.colors)


def test_structure_and_manual_key_sheets(demo_budget):
    budget, totals, _ = demo_budget
    labels, sheet = structure_sheet(budget, totals)
    _well_formed(sheet)
    assert labels == sorted({s.label for s in budget.structural_costs})
    keys = {k.year: k for k in budget.allocation_keys}
    manual = manual_key_sheet(budget, keys)
    _well_formed(manual)
    assert [r[1] for r in manual.rows] == [a.title for a in budget.actions]


def test_summary_lists_axes_funders_natures_and_balance(demo_budget, catalogue):
    budget, totals, problems = demo_budget
    page = summary_html(budget, totals, problems, catalogue)
    for title in ("Coût prévisionnel par axe", "Financement par financeur", "Charges par nature", "Équilibre"):
        assert title in page
    assert all(f.name.replace("'", "&#x27;") in page for f in budget.funders)
