"""« Préparer le PRAE N+1… » through the real window on a real SQLite file: the confirmation
says what is closed and carried, Annuler changes nothing, Préparer closes 2018 and moves the
reported action's milestones to 2019, a change to 2018's follow-up is then refused in French,
and Ctrl+Z puts everything back."""

from __future__ import annotations

import pytest
from conftest import answer_next_dialog, demo_page
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from test_next_year import one_milestone_left

from pnae_desktop.services import budget, followup, next_year, praes

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, db_path, catalogue):
    w = demo_page(qtbot, db_path, catalogue, "suivi")
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    page = w.page("suivi")
    page.yearCombo.setCurrentIndex(page.yearCombo.findData(2018))
    yield w
    w.close()


def state(store, prae_id):
    from dataclasses import replace

    detail = praes.get_prae(store, prae_id)
    return (
        replace(detail, summary=replace(detail.summary, updated_at=None)),
        budget.load_budget(store, prae_id),
        followup.load_followup(store, prae_id),
        next_year.closed_years(store, prae_id),
    )


def answer(button, seen: list[str], *, carry: bool = False):
    def callback(box):
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        box.checkBox().setChecked(carry)
        box.button(button).click()

    answer_next_dialog(callback)


def test_prepare_2019_from_the_suivi_page_then_ctrl_z(qtbot, window):
    page = window.page("suivi")
    store, prae = window.workspace.store, page.prae_id
    left = one_milestone_left(store, prae)
    page.refresh()
    before = state(store, prae)
    button = page.nextYearButton
    assert button.isEnabled() and button.text().replace("&", "") == "Préparer le PRAE N+1…"

    seen: list[str] = []
    answer(QMessageBox.StandardButton.Cancel, seen)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen and "Préparer le PRAE 2019 à partir du réalisé 2018" in seen[0]
    assert "L'année 2018 sera clôturée" in seen[0] and f"jalons reportés en 2019 : « {left} »" in seen[0]
    assert "abandonnée en 2018" in seen[0]
    assert state(store, prae) == before  # Annuler: nothing written

    answer(QMessageBox.StandardButton.Yes, seen, carry=True)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: next_year.closed_years(store, prae) == (2018,))
    assert not button.isEnabled() and "clôturée" in button.toolTip()
    assert page.closedYearNotice.isVisibleTo(page) and "Année 2018 clôturée" in page.closedYearNotice.text()
    assert any(c.label.startswith("Report 2018 : ") for c in budget.load_budget(store, prae).charges if c.year == 2019)
    assert window.session(prae).undo_label == "Préparer le PRAE 2019"

    # 2018's follow-up is now read-only: a status changed on the page is refused in French.
    messages: list[str] = []

    def refused(box):
        messages.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    page.tabs.setCurrentWidget(page.actionsTab)
    closed = state(store, prae)
    answer_next_dialog(refused)
    page.statusCombo.setFocus()
    current = page.statusCombo.currentIndex()
    page.statusCombo.setCurrentIndex(1 if current != 1 else 2)
    qtbot.waitUntil(lambda: bool(messages))
    assert "l'année 2018 est clôturée" in messages[0]
    assert state(store, prae) == closed

    assert QKeySequence("Ctrl+Z") in window.actionUndo.shortcuts()
    assert window.actionUndo.text().replace("&", "") == "Annuler « Préparer le PRAE 2019 »"
    window.actionUndo.trigger()  # Ctrl+Z
    qtbot.waitUntil(lambda: next_year.closed_years(store, prae) == ())
    assert state(store, prae) == before
    assert button.isEnabled() and not page.closedYearNotice.isVisibleTo(page)
