"""The parties form of the Convention page: the État's budget clauses are fields whose empty
value shows the region's default, and typing one is an undoable edit (issue 11, item 5)."""

from __future__ import annotations

import pytest
from conftest import demo_page

from pnae_desktop.services import convention as service

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def page(qtbot, db_path, catalogue):
    window = demo_page(qtbot, db_path, catalogue, "convention", "04")
    yield window.page("convention")
    window.close()


def test_empty_budget_fields_show_the_region_defaults(page):
    assert page.stateService.text() == "" and page.stateService.placeholderText() == "vide : Dieccte"
    assert "102 « Accès et retour à l'emploi »" in page.budgetProgramme.placeholderText()
    assert page.ordonnateur.placeholderText() == "vide : le préfet de La Réunion"
    assert "finances publiques de La Réunion" in page.accountant.placeholderText()
    assert page.prefectFunction.text() == "préfet de La Réunion"
    assert page.councilName.text() == "Région Réunion"


def test_typing_a_bop_is_saved_rendered_and_undone(page, qtbot):
    page.budgetBop.setText("BOP 0102-DR974")
    page._commit_line("budgetBop")
    assert service.get_settings(page.store, page.prae_id, page.catalogue).state_budget.bop == "BOP 0102-DR974"
    contribution = next(a for a in page.rendered.articles if a.key == "contribution")
    assert "programme 102 « Accès et retour à l'emploi », BOP 0102-DR974, action 01" in contribution.text
    page.window_.actionUndo.trigger()
    assert service.get_settings(page.store, page.prae_id, page.catalogue).state_budget.bop == ""
    assert page.budgetBop.text() == ""
    contribution = next(a for a in page.rendered.articles if a.key == "contribution")
    assert "budget opérationnel de programme régional" in contribution.text
