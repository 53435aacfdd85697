"""Drafting a PRAE through the real window: edits persist at once, undo/redo across the PRAE."""

from __future__ import annotations

import pytest
from conftest import answer_next_box, open_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.exports import serialize
from pnae_desktop.services import praes

pytestmark = pytest.mark.usefixtures("isolated_settings")


def screen_state(page) -> dict:
    """What the editor shows for the current action, read from the widgets."""
    editor = page.editor
    objectives = [
        editor.objectivesList.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(editor.objectivesList.count())
        if editor.objectivesList.item(i).checkState() == Qt.CheckState.Checked
    ]
    table = editor.indicatorTable
    indicators = [
        [table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]
    return {
        "title": editor.titleEdit.text(),
        "contexte": editor.blocks["contexte"].editor.toPlainText(),
        "objectives": objectives,
        "indicators": indicators,
    }


def test_decline_adapt_link_indicator_undo_redo_reopen(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store, catalogue, NewPrae(region_code="28", start_year=2018, end_year=2020, pnae_actions=(5,))
    )
    window.refresh()
    window.open_prae(prae_id)
    page = window.page("prae")
    editor = page.editor
    assert editor.titleEdit.text() == catalogue.action(5).title
    assert "conforme au PNAE" in editor.blocks["contexte"].badge.text()

    # 1. adapt the context (typed, saved after the typing pause)
    context = editor.blocks["contexte"].editor
    context.setFocus()
    context.moveCursor(context.textCursor().MoveOperation.End)
    qtbot.keyClicks(context, " En Normandie, cible prioritaire : jeunes des zones rurales.")
    editor.flush()
    assert "adapté" in editor.blocks["contexte"].badge.text()

    # 2. link it to objective 1.1
    item = next(
        editor.objectivesList.item(i)
        for i in range(editor.objectivesList.count())
        if editor.objectivesList.item(i).data(Qt.ItemDataRole.UserRole) == "1.1"
    )
    item.setCheckState(Qt.CheckState.Checked)

    # 3. add an indicator, then give it targets by typing in the cells
    editor.addIndicatorButton.click()
    table = editor.indicatorTable
    assert table.rowCount() == 1
    table.item(0, 0).setText("Nombre de jeunes entrés en PACEA")
    table.item(0, 5).setText("1 200")
    table.item(0, 6).setText("1 350")
    stored = praes.get_prae(window.workspace.store, prae_id).actions[0]
    assert stored.indicators[0].label == "Nombre de jeunes entrés en PACEA"
    assert [(y, str(v)) for y, v in stored.indicators[0].targets] == [(2018, "1200.00"), (2019, "1350.00")]

    # 4. undo twice (the last target, then the second-to-last), redo once
    window.actionUndo.trigger()
    window.actionUndo.trigger()
    assert table.item(0, 5).text() == ""  # first target undone too
    window.actionRedo.trigger()
    assert table.item(0, 5).text() == "1200" and table.item(0, 6).text() == ""
    on_screen = screen_state(page)
    assert on_screen["objectives"] == ["1.1"]
    assert on_screen["contexte"].endswith("cible prioritaire : jeunes des zones rurales.")

    # 5. close and reopen the app on the same file: exactly what was on screen
    window.close()
    reopened = open_window(qtbot, db_path)
    reopened.open_prae(prae_id)
    assert screen_state(reopened.page("prae")) == on_screen
    reopened.close()


def test_refused_target_keeps_store_and_undo_consistent(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store, catalogue, NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(1,))
    )
    window.open_prae(prae_id)
    editor = window.page("prae").editor
    editor.addIndicatorButton.click()
    before = serialize.prae_to_dict(praes.get_prae(window.workspace.store, prae_id))
    depth = window.history.session.depth
    answer_next_box(QMessageBox.StandardButton.Ok)
    editor.indicatorTable.item(0, 5).setText("-3")
    after = serialize.prae_to_dict(praes.get_prae(window.workspace.store, prae_id))
    assert after == before
    assert window.history.session.depth == depth
    assert editor.indicatorTable.item(0, 5).text() == ""  # the table shows the stored state again


def test_remove_is_confirmed_and_undoable_with_same_action(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store,
        catalogue,
        NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(1, 2, 5)),
    )
    window.open_prae(prae_id)
    page = window.page("prae")
    page.select_action(page.prae.actions[1].id)
    removed = serialize.action_to_dict(page.prae.actions[1])
    answer_next_box(QMessageBox.StandardButton.Yes)
    page.removeButton.click()
    assert [a.pnae_action for a in page.prae.actions] == [1, 5]
    window.actionUndo.trigger()
    assert serialize.action_to_dict(page.prae.actions[1]) == removed
    window.actionRedo.trigger()
    window.actionUndo.trigger()  # redo then undo again: still the very same action
    assert serialize.action_to_dict(page.prae.actions[1]) == removed


def test_reorder_with_keyboard_and_undo(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store,
        catalogue,
        NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(1, 2, 5)),
    )
    window.open_prae(prae_id)
    page = window.page("prae")
    page.actionList.setFocus()
    qtbot.waitUntil(page.actionList.hasFocus)
    page.select_action(page.prae.actions[0].id)
    qtbot.keyClick(page.actionList, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [a.pnae_action for a in praes.get_prae(window.workspace.store, prae_id).actions] == [2, 1, 5]
    assert page.current_action().pnae_action == 1  # the moved action stays selected
    window.actionUndo.trigger()
    assert [a.pnae_action for a in praes.get_prae(window.workspace.store, prae_id).actions] == [1, 2, 5]


def test_add_from_catalogue_duplicate_and_revert_field(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store, catalogue, NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(1,))
    )
    window.open_prae(prae_id)
    page = window.page("prae")
    page.add_pnae(9)
    assert [a.pnae_action for a in page.prae.actions] == [1, 9]
    assert page.current_action().pnae_action == 9
    page.duplicate()
    assert [a.title for a in page.prae.actions][2] == f"{catalogue.action(9).title} (copie)"
    editor = page.editor
    editor.blocks["animation"].editor.setPlainText("ARML Île-de-France.")
    editor.flush()
    assert page.current_action().fields["animation"] == "ARML Île-de-France."
    editor.blocks["animation"].revertButton.click()
    assert page.current_action().fields["animation"] == catalogue.action(9).fields["animation"]
    assert "conforme au PNAE" in editor.blocks["animation"].badge.text()


def test_completeness_item_jumps_to_the_field(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store,
        catalogue,
        NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(1, 2)),
    )
    window.open_prae(prae_id)
    page = window.page("prae")
    page.tabs.setCurrentWidget(page.coverageTab)
    todo = page.coverageTree.topLevelItem(3)
    assert todo.text(0).startswith("À compléter")
    pilot_item = next(todo.child(i) for i in range(todo.childCount()) if "pas de pilote" in todo.child(i).text(0))
    page.coverageTree.itemActivated.emit(pilot_item, 0)
    assert page.tabs.currentWidget() is page.ficheTab
    assert page.editor.pilotEdit.hasFocus()


def test_status_and_title_of_the_prae_change_undoably(qtbot, db_path, catalogue):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store, catalogue, NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(1,))
    )
    window.refresh()
    window.open_prae(prae_id)
    page = window.page("prae")
    page.statusCombo.setCurrentIndex(page.statusCombo.findData("signe"))
    page.statusCombo.activated.emit(page.statusCombo.currentIndex())
    assert praes.get_prae(window.workspace.store, prae_id).summary.status == "signe"
    assert window.dashboard.model.rows[0].status_label == "Signé"
    window.actionUndo.trigger()
    assert praes.get_prae(window.workspace.store, prae_id).summary.status == "brouillon"
    assert page.statusCombo.currentData() == "brouillon"
