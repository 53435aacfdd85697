"""Typed work is never thrown away (issue 12): a refused cell value stays when the user clicks
away with the mouse, a refused fiche title is explained beside the field (no modal box), a
financing line with several statuses opens its editor on what the cell shows, and the
convention's payments table shows every row in the page scroll at 1366×768. Each test failed
before its fix."""

from __future__ import annotations

import pytest
from conftest import new_window_prae, stored_action, type_in
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QComboBox, QLabel, QTabWidget

from pnae_desktop.services import budget as service
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(office_window):
    return office_window


@pytest.fixture
def budget(office_budget):
    return office_budget


def click_cell(qtbot, view, index) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def assert_kept(view, field, text, index) -> None:
    """The editor is still open on its cell, with the refused text selected and the reason shown."""
    QApplication.processEvents()
    assert view.state() == QAbstractItemView.State.EditingState
    editor = view.indexWidget(index)
    assert editor is field and field.isVisible()
    assert field.text() == text and field.selectedText() == text
    assert view.currentIndex() == index
    assert view.itemDelegate().message.isVisible()


def test_a_refused_amount_stays_when_another_cell_is_clicked(qtbot, budget):
    page, view = budget, budget.chargesView
    depth = page.window_.session(page.prae_id).depth
    view.setFocus()
    cell = page.charges.index(0, 3)
    view.setCurrentIndex(cell)
    field = type_in(qtbot, view, "15OO")
    click_cell(qtbot, view, page.charges.index(0, 4))  # the mouse, not Entrée
    assert_kept(view, field, "15OO", cell)
    assert QApplication.focusWidget() is field
    assert "15OO" in view.itemDelegate().message.text()
    click_cell(qtbot, page.financingView, page.financing.index(0, 2))  # another table of the page
    assert_kept(view, field, "15OO", cell)
    assert page.window_.session(page.prae_id).depth == depth  # nothing saved
    qtbot.keyClicks(field, "1500")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.window_.session(page.prae_id).depth == depth + 1)
    assert page.totals.direct_total == 2500_00


def test_a_refused_indicator_target_stays_when_another_cell_is_clicked(qtbot, window, catalogue):
    prae_id = new_window_prae(window, catalogue)
    window.open_prae(prae_id)
    editor = window.page("prae").editor
    editor.addIndicatorButton.click()
    table = editor.indicatorTable
    table.setFocus()
    table.setCurrentCell(0, 5)
    field = type_in(qtbot, table, "cent")
    click_cell(qtbot, table, table.model().index(0, 6))
    assert_kept(table, field, "cent", table.model().index(0, 5))
    assert stored_action(window, prae_id).indicators[0].targets == ()


def test_a_refused_fiche_title_is_explained_beside_the_field(qtbot, window, catalogue, watchdog):
    prae_id = new_window_prae(window, catalogue)
    window.open_prae(prae_id)
    editor = window.page("prae").editor
    title = stored_action(window, prae_id).title
    field = editor.titleEdit
    field.setFocus()
    typed = "Un intitulé beaucoup trop long " * 20  # over the 500 characters allowed
    field.setText(typed[:-1])
    qtbot.keyClicks(field, typed[-1])
    qtbot.keyClick(field, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert not watchdog.messages  # no modal box
    assert field.text() == typed and field.selectedText() == typed
    assert QApplication.focusWidget() is field
    note = editor.findChild(QLabel, "fieldMessage")
    assert note is not None and note.isVisible() and "500 caractères" in note.text()
    assert stored_action(window, prae_id).title == title
    field.setText("Comité régional de pilotage")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: stored_action(window, prae_id).title == "Comité régional de pilotage")
    assert not note.isVisible()


def test_a_line_with_several_statuses_opens_on_what_its_cell_shows(qtbot, budget):
    page, view = budget, budget.financingView
    state = next(r for r, f in enumerate(page.funder_rows) if f.name.startswith("État"))
    funder = page.funder_rows[state].id
    action = page.action_id()
    service.set_financing_cells(
        page.store,
        [
            service.FinancingCell(action, funder, 2018, 300_00, "sollicite"),
            service.FinancingCell(action, funder, 2019, 300_00, "a_solliciter"),
        ],
    )
    page.refresh()
    assert page.financing.index(state, 1).data() == "Plusieurs"
    view.setFocus()
    view.setCurrentIndex(page.financing.index(state, 1))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    assert combo.currentText() == "Plusieurs"  # not « Acquis »
    depth = page.window_.session(page.prae_id).depth
    qtbot.keyClick(combo, Qt.Key.Key_Return)  # keeping it changes nothing
    QApplication.processEvents()
    assert {f.status for f in page.budget.financing} == {"sollicite", "a_solliciter"}
    assert page.window_.session(page.prae_id).depth == depth
    view.setCurrentIndex(page.financing.index(state, 1))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox)
    qtbot.keyClick(combo, Qt.Key.Key_A)  # « Acquis » for every year of the line
    qtbot.waitUntil(lambda: {f.status for f in page.budget.financing} == {"acquis"})


def test_the_payments_table_shows_every_row_at_1366x768(qtbot, tmp_path):
    db = tmp_path / "demo.sqlite"
    window = MainWindow(open_workspace(str(db), None, with_demo=True))
    qtbot.addWidget(window)
    window.fit_to_screen(QRect(0, 0, 1366, 728))
    window.show()
    qtbot.waitExposed(window)
    window.open_prae(window.dashboard.model.rows[0].id)
    window.go_to("convention")
    table = window.page("convention").paymentsTable
    tabs = window.page("convention").findChildren(QTabWidget)
    for tab_widget in tabs:  # the tab holding the table shown
        for i in range(tab_widget.count()):
            if tab_widget.widget(i).isAncestorOf(table):
                tab_widget.setCurrentIndex(i)
    qtbot.waitUntil(table.isVisible)
    qtbot.wait(30)
    assert table.rowCount() > 6
    assert table.verticalScrollBar().maximum() == 0
    shown = table.viewport().height()
    assert shown >= sum(table.rowHeight(r) for r in range(table.rowCount()))
    window.close()


def test_a_refused_amount_stays_when_an_arrow_key_would_move_the_cursor(qtbot, budget):
    page, view = budget, budget.chargesView
    view.setFocus()
    cell = page.charges.index(0, 3)
    view.setCurrentIndex(cell)
    field = type_in(qtbot, view, "15OO")
    qtbot.keyClick(field, Qt.Key.Key_Down)
    assert_kept(view, field, "15OO", cell)


def test_the_catalogue_opens_on_the_fiche_of_action_1(qtbot, window, catalogue):
    """Theme 1, axis 1 and priority 1 share the number 1: the page used to find « Thème 1 »
    first, select nothing and show an empty fiche pane."""
    window.go_to("catalogue")
    page = window.page("catalogue")
    current = page.tree.currentIndex()
    assert current.isValid() and current.data() == f"1. {catalogue.action(1).title}"
    assert catalogue.action(1).title[:40] in " ".join(page.fiche.toPlainText().split())
    page.select_action(2)  # another number shared with a theme and an axis
    assert page.tree.currentIndex().data() == f"2. {catalogue.action(2).title}"
