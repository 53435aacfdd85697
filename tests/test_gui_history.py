"""The Édition menu over the PRAE session: labels of the steps, the history dialog going back
several steps at once, and a refused undo (someone changed the value since) that leaves the
history and the file as they were."""

from __future__ import annotations

import pytest
from conftest import MessageWatchdog, answer_next_dialog, stored_travel, travel_cell
from PySide6.QtCore import Qt

from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.services import budget, edits, praes

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(two_action_window):
    return two_action_window


def test_menu_names_the_steps_and_the_history_dialog_goes_back_several(qtbot, window):
    session = window.session(window.current_prae_id)
    a1 = window.page("prae").prae.actions[0].id
    for cents in (100, 200, 300):
        session.apply(edits.SetChargeCells(f"Charge à {cents // 100} €", (travel_cell(a1, cents),)))
    assert window.actionUndo.text() == "Annuler « Charge à 3 € »" and window.actionUndo.isEnabled()
    assert not window.actionRedo.isEnabled()

    def undo_two(dialog):
        labels = [dialog.steps.item(i).text() for i in range(dialog.steps.count())]
        assert labels == ["— état actuel —", "Charge à 3 €", "Charge à 2 €", "Charge à 1 €"]
        dialog.steps.itemActivated.emit(dialog.steps.item(2))  # back before « Charge à 2 € »
        after = [dialog.steps.item(i).text() for i in range(dialog.steps.count())]
        assert after == ["Charge à 3 € (annulé)", "Charge à 2 € (annulé)", "— état actuel —", "Charge à 1 €"]
        dialog.steps.itemActivated.emit(dialog.steps.item(0))  # redo both
        dialog.reject()

    answer_next_dialog(undo_two)
    window.history.history.trigger()
    assert stored_travel(window, a1) == 300 and session.depth == 3


def test_refused_undo_says_why_and_keeps_history(qtbot, window):
    session = window.session(window.current_prae_id)
    a1 = window.page("prae").prae.actions[0].id
    session.apply(edits.SetChargeCells("Modifier une charge", (travel_cell(a1, 100),)))
    budget.set_charge_cells(window.workspace.store, [travel_cell(a1, 999)])  # a colleague, a script…
    dog = MessageWatchdog()
    window.actionUndo.trigger()
    qtbot.waitUntil(lambda: bool(dog.messages))
    dog.stop()
    assert "entre-temps" in dog.messages[0] and "L'historique n'a pas changé" in dog.messages[0]
    assert stored_travel(window, a1) == 999 and session.depth == 1
    assert window.actionUndo.text() == "Annuler « Modifier une charge »"


def test_history_is_per_prae_and_follows_the_open_one(qtbot, window, catalogue):
    first = window.current_prae_id
    a1 = window.page("prae").prae.actions[0].id
    window.session(first).apply(edits.SetChargeCells("Charge du premier", (travel_cell(a1, 100),)))
    other = praes.create_prae(window.workspace.store, catalogue, NewPrae("11", 2018, 2020, (3,)))
    window.refresh()
    window.open_prae(other)
    assert not window.actionUndo.isEnabled()  # the second PRAE has no history yet
    window.open_prae(first)
    assert window.actionUndo.text() == "Annuler « Charge du premier »"
    assert Qt.ItemDataRole.UserRole  # the dialog stores offsets under this role
