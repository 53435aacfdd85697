"""Editions as data: the CPO objectives and axes come from the catalogue edition, not from code.

A fake edition, built from the shipped one with other axes and objectives, gives budget totals by
its own axes and objectives, and a convention listing them, without any code change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pnae_desktop.catalogue.model import CpoAxis, CpoObjective
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.services import budget, convention, drafting, praes

YEARS = (2018, 2019, 2020)


@pytest.fixture(scope="module")
def fake_edition(catalogue):
    axes = (
        CpoAxis(5, "Accompagner les transitions", (CpoObjective("5.1", "Premier objectif.", 5),)),
        CpoAxis(
            6,
            "Coopérer entre régions",
            (CpoObjective("6.1", "Deuxième objectif.", 6), CpoObjective("6.2", "Troisième objectif.", 6)),
        ),
        CpoAxis(7, "Évaluer", (CpoObjective("7", "Évaluer le programme.", 7),)),
    )
    return replace(catalogue, key="pnae-fictive", cpo_axes=axes)


def test_shipped_defaults_are_the_shipped_edition(catalogue):
    assert dom.objective_codes_of(catalogue) == dom.OBJECTIVE_CODES
    assert dom.axes_of(catalogue) == dom.AXES


def test_an_objective_numbered_outside_its_axis_is_refused(fake_edition):
    wrong = (CpoAxis(5, "Axe", (CpoObjective("6.1", "Mal numéroté.", 5),)),)
    with pytest.raises(UserError, match="n'est pas numéroté dans l'axe 5"):
        dom.objective_codes_of(replace(fake_edition, cpo_axes=wrong))


def _fake_budget(edition) -> dom.Budget:
    codes = dom.objective_codes_of(edition)
    actions = (
        dom.ActionBudgetInfo(1, "A", ("5.1", "6.2"), known_codes=codes),
        dom.ActionBudgetInfo(2, "B", ("7",), known_codes=codes),
        dom.ActionBudgetInfo(3, "Sans objectif", known_codes=codes),
    )
    charges = tuple(
        dom.ChargeLine(n, action, year, "60", "Achats", cents)
        for n, (action, year, cents) in enumerate(
            [(1, 2018, 1_000_01), (2, 2018, 500_00), (3, 2019, 300_00), (1, 2020, 99)], start=1
        )
    )
    return dom.Budget(YEARS, actions, charges, objective_codes=codes, axes=dom.axes_of(edition))


def test_totals_follow_the_editions_axes_and_objectives(fake_edition):
    totals = dom.compute(_fake_budget(fake_edition))
    assert totals.axes == ("5", "6", "7") and totals.objective_codes == ("5.1", "6.1", "6.2", "7")
    assert {a for a, _ in totals.full_by_axis_year} == {"5", "6", "7", None}
    assert {c for c, _ in totals.full_by_objective_year} == {"5.1", "6.1", "6.2", "7", None}
    assert totals.full_by_axis_year[("5", 2018)] + totals.full_by_axis_year[("6", 2018)] == 1_000_01
    assert totals.full_by_axis_year[("7", 2018)] == 500_00
    assert totals.full_by_objective_year[("6.1", 2018)] == 0
    assert totals.full_by_axis_year[(None, 2019)] == 300_00
    for y in YEARS:
        assert sum(v for (_, year), v in totals.full_by_axis_year.items() if year == y) == totals.full_by_year[y]


def test_a_code_of_another_edition_is_refused_by_the_budget(fake_edition):
    with pytest.raises(ValidationError, match="objectif CPO « 1.1 » inconnu"):
        dom.Budget(
            YEARS,
            (dom.ActionBudgetInfo(1, "A", ("1.1",)),),
            objective_codes=dom.objective_codes_of(fake_edition),
            axes=dom.axes_of(fake_edition),
        )


def _block(rendered: cv.RenderedConvention, kind: type, source: str):
    return next(b for a in rendered.articles for b in a.blocks if isinstance(b, kind) and b.source == source)


def test_a_prae_of_the_fake_edition_gets_its_budget_and_convention(sqlite_store, fake_edition):
    store = sqlite_store
    prae_id = praes.create_prae(store, fake_edition, NewPrae("11", 2018, 2020, (1, 2)))
    first, second = (a.id for a in praes.get_prae(store, prae_id).actions)
    drafting.set_objectives(store, fake_edition, first, {"5.1": None, "6.2": None})
    drafting.set_objectives(store, fake_edition, second, {"7": None})
    cells = [
        budget.ChargeCell(first, "60", "Achats", 2018, budget.parse_charge_cell("1 000,01", "Cellule", "60")),
        budget.ChargeCell(second, "62", "Services", 2019, budget.parse_charge_cell("500", "Cellule", "62")),
    ]
    budget.set_charge_cells(store, cells)

    plan, totals, _ = budget.totals(store, prae_id, fake_edition)
    assert plan.objective_codes == ("5.1", "6.1", "6.2", "7") and plan.axes == ("5", "6", "7")
    assert totals.full_by_axis_year[("5", 2018)] + totals.full_by_axis_year[("6", 2018)] == 1_000_01
    assert totals.full_by_axis_year[("7", 2019)] == 500_00

    rendered, _checks = convention.render(store, prae_id, fake_edition)
    objectives = _block(rendered, cv.BulletList, "objectives")
    assert [i.text for i in objectives.items] == [
        "Axe 5 : Accompagner les transitions",
        "Axe 6 : Coopérer entre régions",
        "Axe 7 : Évaluer",
    ]
    assert [c.text for c in objectives.items[1].children] == [
        "Objectif 6.1 : Deuxième objectif.",
        "Objectif 6.2 : Troisième objectif.",
    ]
    assert objectives.items[2].children == ()  # an axis with its one objective numbered like it
    table = _block(rendered, cv.Table, "cost_per_axis")
    assert [row[0][:6] for row in table.rows] == ["Axe 5 ", "Axe 6 ", "Axe 7 ", "Total"]
    assert table.rows[2][2] == table.rows[-1][2] != table.rows[0][2]  # 2019: all on axis 7
