"""A day of office work through the real window (issue 12): nothing typed is lost, states are
not misleading, saves are visible — each test failed before its fix."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from conftest import new_window_prae, stored_action, type_in
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLineEdit

from pnae_desktop.services import budget as service
from pnae_desktop.ui.locale import french_time

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(office_window):
    return office_window


def test_added_milestone_is_edited_on_its_own_row(qtbot, window, catalogue):
    prae_id = new_window_prae(window, catalogue)
    window.open_prae(prae_id)
    editor = window.page("prae").editor
    before = stored_action(window, prae_id).milestones
    assert before and max(m.year for m in before) > 2018  # the new 2018 milestone sorts before the last row
    editor.addMilestoneButton.click()
    table = editor.calendarTable
    row = table.currentRow()
    assert table.state() == QAbstractItemView.State.EditingState
    assert table.item(row, 3).text() == "Nouveau jalon" and row != table.rowCount() - 1
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit) and field.text() == "Nouveau jalon"
    field.selectAll()
    qtbot.keyClicks(field, "Comite de lancement")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.history.session.undo_label == "Modifier le calendrier")
    after = stored_action(window, prae_id).milestones
    texts = [m.text for m in after]
    assert "Comite de lancement" in texts and "Nouveau jalon" not in texts
    assert sorted(texts) == sorted([m.text for m in before] + ["Comite de lancement"])  # no PNAE milestone lost


@pytest.fixture
def budget(office_budget):
    return office_budget


def test_financing_status_opens_on_its_value_wide_enough_and_is_saved(qtbot, budget):
    page, view = budget, budget.financingView
    state = next(r for r, f in enumerate(page.funder_rows) if f.name.startswith("État"))
    view.setFocus()
    view.setCurrentIndex(page.financing.index(state, 2))
    qtbot.keyClick(type_in(qtbot, view, "600"), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(page.budget.financing))
    assert page.budget.financing[0].status == "sollicite"
    view.setCurrentIndex(page.financing.index(state, 1))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "sollicite"  # opens on the line's status, not « Acquis »
    widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() >= widest + 20  # « À solliciter » whole, with its arrow
    qtbot.keyClick(combo, Qt.Key.Key_A)  # the first letter picks « Acquis »
    qtbot.waitUntil(lambda: page.budget.financing[0].status == "acquis")
    assert {f.status for f in service.totals(page.store, page.prae_id)[0].financing} == {"acquis"}
    assert "statut" in page.window_.actionUndo.text()


def test_a_refused_amount_stays_in_its_cell_with_the_reason_beside_it(qtbot, budget):
    page, view = budget, budget.chargesView
    depth = page.window_.session(page.prae_id).depth
    view.setFocus()
    view.setCurrentIndex(page.charges.index(0, 3))
    field = type_in(qtbot, view, "15OO")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    note = view.itemDelegate().message
    assert view.state() == QAbstractItemView.State.EditingState and QApplication.focusWidget() is field
    assert field.text() == "15OO" and field.selectedText() == "15OO"
    assert view.currentIndex() == page.charges.index(0, 3)  # the cursor did not move
    assert note.isVisible() and "2019" in note.text() and "15OO" in note.text()
    assert page.window_.session(page.prae_id).depth == depth
    qtbot.keyClick(field, Qt.Key.Key_Tab)  # Tab does not leave a refused cell either
    assert QApplication.focusWidget() is field
    qtbot.keyClicks(field, "1500")  # typing replaces the selected text
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.window_.session(page.prae_id).depth == depth + 1)
    assert not note.isVisible()
    assert page.totals.direct_total == 2500_00
    view.setCurrentIndex(page.charges.index(0, 4))
    qtbot.keyClick(type_in(qtbot, view, "abc"), Qt.Key.Key_Return)
    assert note.isVisible()
    page.window_.go_to("dashboard")  # the note belongs to its table: not shown over another page
    assert not note.isVisible()


def test_a_refused_indicator_target_stays_in_its_cell(qtbot, window, catalogue):
    prae_id = new_window_prae(window, catalogue)
    window.open_prae(prae_id)
    editor = window.page("prae").editor
    editor.addIndicatorButton.click()
    table = editor.indicatorTable
    table.setFocus()
    table.setCurrentCell(0, 5)
    field = type_in(qtbot, table, "cent")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    note = table.itemDelegate().message
    assert table.state() == QAbstractItemView.State.EditingState and field.text() == "cent"
    assert field.selectedText() == "cent" and (table.currentRow(), table.currentColumn()) == (0, 5)
    assert note.isVisible() and "cible 2018" in note.text()
    assert stored_action(window, prae_id).indicators[0].targets == ()
    qtbot.keyClicks(field, "100")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored_action(window, prae_id).indicators[0].targets != ())
    assert stored_action(window, prae_id).indicators[0].targets[0] == (2018, 100)


def test_an_empty_budget_says_so_and_is_not_balanced_in_green(qtbot, window, catalogue):
    window.open_prae(new_window_prae(window, catalogue, actions=(2,)))
    window.go_to("budget")
    page = window.page("budget")
    assert "aucun montant saisi" in page.balanceLabel.text() and "équilibré" not in page.balanceLabel.text()
    gap = page.financing.rowCount() - 1
    assert page.financing.index(gap, 2).data(Qt.ItemDataRole.ForegroundRole) is None  # neutral, not green


def test_the_dashboard_selection_is_the_current_prae_of_every_page(qtbot, window, catalogue):
    first = new_window_prae(window, catalogue, title="PRAE Hauts-de-France 2018")
    second = new_window_prae(window, catalogue, title="PRAE Hauts-de-France bis")
    table = window.dashboard.praeTable
    table.setFocus()
    row = next(r for r, p in enumerate(window.dashboard.model.rows) if p.id == second)
    table.setCurrentIndex(window.dashboard.proxy.mapFromSource(window.dashboard.model.index(row, 0)))
    for key in ("budget", "convention", "exports"):
        window.go_to(key)
        label = window.page(key).praeLabel.text()
        assert "Aucun PRAE" not in label and "bis" in label, key
    window.go_to("prae")
    assert window.page("prae").prae.summary.id == second
    window.go_to("dashboard")
    row = next(r for r, p in enumerate(window.dashboard.model.rows) if p.id == first)
    table.setCurrentIndex(window.dashboard.proxy.mapFromSource(window.dashboard.model.index(row, 0)))
    window.go_to("budget")
    assert "2018" in window.page("budget").praeLabel.text()
    window.go_to("prae")
    assert window.page("prae").prae.summary.id == first


def test_each_save_is_shown_with_its_french_time(qtbot, window, catalogue):
    assert french_time(datetime(2026, 3, 2, 9, 5)) == "9 h 05"
    assert french_time(datetime(2026, 3, 2, 14, 32)) == "14 h 32"
    window.open_prae(new_window_prae(window, catalogue))
    editor = window.page("prae").editor
    assert window.saved_label is None or not window.saved_label.text()
    editor.pilotEdit.setFocus()
    qtbot.keyClicks(editor.pilotEdit, "Mme Lefebvre")
    qtbot.keyClick(editor.pilotEdit, Qt.Key.Key_Return)
    label = window.saved_label
    assert label is not None and label.isVisible()
    match = re.fullmatch(r"Enregistré à (\d{1,2}) h (\d{2})", label.text())
    assert match
    now = datetime.now()
    assert abs((now.hour * 60 + now.minute) - (int(match[1]) * 60 + int(match[2]))) <= 1
