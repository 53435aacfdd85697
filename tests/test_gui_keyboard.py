"""Every page and dialog used from the keyboard (issue 12): Tab leaves tables and text boxes and
walks every input in reading order, back to where it started; Ctrl+Tab switches tabs from
anywhere; a cell being edited takes Tab to go to the next cell."""

from __future__ import annotations

import pytest
from conftest import open_window
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from test_gui_screen import fec_preview

from pnae_desktop.domain import drafting
from pnae_desktop.domain import followup as fu
from pnae_desktop.services import demo

pytestmark = pytest.mark.usefixtures("isolated_settings")
INPUTS = (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QAbstractItemView, QTextEdit, QPlainTextEdit)


@pytest.fixture
def window(qtbot, db_path, catalogue, watchdog):
    w = open_window(qtbot, db_path)
    w.demo_id = demo.create_demo(w.workspace.store, catalogue)
    w.refresh()
    w.open_prae(w.demo_id)
    yield w
    w.close()


def inputs_of(root: QWidget) -> list[QWidget]:
    """The enabled, visible inputs of `root` that Tab should reach (not the parts of a combo or a
    spin box, which take the focus through their owner)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or not (widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value):
            continue
        if not (widget.isVisible() and widget.isEnabled()) or widget.window() is not root.window():
            continue
        if isinstance(widget.parentWidget(), (QComboBox, QAbstractSpinBox)) or widget.focusProxy() is not None:
            continue
        found.append(widget)
    return found


def tab_walk(qtbot, start: QWidget, limit: int = 600) -> list[QWidget]:
    """Press Tab on the focused widget from `start` until the focus comes back to it."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen = [start]
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is start:
            return seen
        seen.append(focus)
    names = [w.objectName() or type(w).__name__ for w in seen[-40:]]
    raise AssertionError(f"Tab never came back to {start.objectName()} ({limit} presses); last: {names}")


def assert_walk_reaches_everything(qtbot, root: QWidget, start: QWidget) -> list[QWidget]:
    seen = tab_walk(qtbot, start)
    missed = [w.objectName() or f"{type(w).__name__}:{getattr(w, 'text', lambda: '')()}" for w in inputs_of(root)]
    missed = [name for w, name in zip(inputs_of(root), missed) if w not in seen]
    assert not missed, f"Tab never reaches: {missed}"
    return seen


def first_input(root: QWidget) -> QWidget:
    return inputs_of(root)[0]


def pages_and_tabs(window):
    """(name, page) for every page, and each tab of the pages that have tabs."""
    for key in ("dashboard", "catalogue", "prae", "budget", "convention", "exports", "suivi"):
        window.go_to(key)
        page = window.page(key)
        tabs = [t for t in page.findChildren(QTabWidget) if t.isVisible()]
        if not tabs:
            yield key, page
            continue
        for index in range(tabs[0].count()):
            tabs[0].setCurrentIndex(index)
            yield f"{key} / {tabs[0].tabText(index)}", page


def test_tab_walks_every_input_of_every_page_and_returns(qtbot, window):
    walked = []
    for name, page in pages_and_tabs(window):
        assert inputs_of(page), name
        try:
            assert_walk_reaches_everything(qtbot, page, first_input(page))
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None
        walked.append(name)
    assert any(n.startswith("budget / ") for n in walked) and "dashboard" in walked


def test_budget_tab_order_follows_reading_order(qtbot, window):
    window.go_to("budget")
    page = window.page("budget")
    page.tabs.setCurrentIndex(0)
    seen = tab_walk(qtbot, page.actionCombo)
    order = [page.addChargeButton, page.chargesView, page.addFunderButton, page.financingView, page.sharesEdit]
    positions = [seen.index(w) for w in order]  # Charges → Financements → Ajouter un financeur → Répartition
    assert positions == sorted(positions)


def test_fiche_text_fields_follow_the_objectives_in_order(qtbot, window):
    window.go_to("prae")
    editor = window.page("prae").editor
    seen = tab_walk(qtbot, editor.titleEdit)
    fields = [editor.blocks[k].editor for k in drafting.PNAE_TEXT_FIELDS if k in editor.blocks]
    after_objectives = seen.index(editor.objectivesList)
    positions = [seen.index(f) for f in fields]
    assert positions == sorted(positions) and positions[0] > after_objectives
    assert editor.manageMlButton not in seen[after_objectives : positions[-1]]
    # a text box does not keep Tab: the next press leaves it
    box = fields[0]
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not box and "\t" not in box.toPlainText()


def test_tab_leaves_a_table_but_moves_to_the_next_cell_while_editing(qtbot, window):
    window.go_to("budget")
    page = window.page("budget")
    view = page.chargesView
    view.setFocus()
    view.setCurrentIndex(page.charges.index(0, 2))
    QTest.keyClick(view, Qt.Key.Key_Right)  # arrows move between cells
    assert view.currentIndex().column() == 3
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not view  # out of the table
    view.setFocus()
    view.setCurrentIndex(page.charges.index(0, 2))
    QTest.keyClick(view, Qt.Key.Key_F2)
    field = QApplication.focusWidget()
    assert isinstance(field, QLineEdit)
    depth = window.history.session.depth
    field.selectAll()
    QTest.keyClicks(field, "1234")
    QTest.keyClick(field, Qt.Key.Key_Tab)  # commits and goes to the next cell
    qtbot.waitUntil(lambda: window.history.session.depth == depth + 1)
    assert page.charges.index(0, 2).data().startswith("1\u202f234,00")
    assert view.currentIndex().column() == 3


def test_ctrl_tab_switches_tabs_from_a_table_and_a_text_box(qtbot, window):
    window.go_to("budget")
    page = window.page("budget")
    page.tabs.setCurrentIndex(0)
    page.chargesView.setFocus()
    QTest.keyClick(page.chargesView, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentIndex() == 1
    assert page.tabs.currentWidget().isAncestorOf(QApplication.focusWidget())  # focus in the new tab
    focus = QApplication.focusWidget()
    QTest.keyClick(focus, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.tabs.currentIndex() == 0
    window.go_to("prae")
    prae = window.page("prae")
    box = prae.editor.blocks["contexte"].editor
    prae.tabs.setCurrentIndex(0)
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert prae.tabs.currentIndex() == 1


def test_tab_walks_every_dialog(qtbot, window, catalogue):
    from pnae_desktop.ui.backups_dialog import BackupsDialog
    from pnae_desktop.ui.fec_dialog import MappingDialog
    from pnae_desktop.ui.history_dialog import HistoryDialog
    from pnae_desktop.ui.missions_locales_dialog import MissionsLocalesDialog
    from pnae_desktop.ui.new_prae_dialog import NewPraeDialog

    window.go_to("suivi")
    suivi = window.page("suivi")
    window.go_to("prae")
    session = window.session(window.demo_id)
    for dialog in (
        NewPraeDialog(catalogue, window),
        MissionsLocalesDialog(window.page("prae")),
        HistoryDialog(session, window.history.step, window),
        BackupsDialog(window),
        MappingDialog(suivi, (fu.MappingRule("account", "62", 1),)),
        fec_preview(window, suivi),
    ):
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        try:
            assert_walk_reaches_everything(qtbot, dialog, first_input(dialog))
        except AssertionError as exc:
            raise AssertionError(f"{type(dialog).__name__}: {exc}") from None
        dialog.close()


def test_suivi_tab_order_follows_reading_order(qtbot, window):
    window.go_to("suivi")
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.actionsTab)
    seen = tab_walk(qtbot, page.yearCombo)
    order = [
        page.yearCombo,
        page.thresholdEdit,
        page.importButton,
        page.mappingButton,
        page.actionCombo,
        page.statusCombo,
        page.milestonesTable,
        page.accountEdit,
        page.difficultiesEdit,
        page.deliverablesEdit,
    ]
    positions = [seen.index(w) for w in order]
    assert positions == sorted(positions)
    page.tabs.setCurrentWidget(page.budgetTab)
    seen = tab_walk(qtbot, page.yearCombo)
    order = [page.thresholdEdit, page.addChargeButton, page.chargesView, page.financingView]
    positions = [seen.index(w) for w in order]
    assert positions == sorted(positions)
