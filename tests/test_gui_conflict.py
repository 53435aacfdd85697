"""The conflict dialog: a window and a second session on one SQLite file edit the same cell;
the window's edit shows « leur valeur / votre valeur », and both choices do what they say."""

from __future__ import annotations

import pytest
from conftest import answer_next_dialog, stored_travel, travel_cell

from pnae_desktop.services import edits, praes
from pnae_desktop.services.session import PraeSession
from pnae_desktop.ui.conflict_dialog import ConflictDialog

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(two_action_window):
    return two_action_window


@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_conflicting_edit_shows_the_dialog_and_each_choice(qtbot, window, catalogue, choice):
    prae_id = window.current_prae_id
    action_id = praes.get_prae(window.workspace.store, prae_id).actions[0].id
    page = window.page("budget")
    session = window.session(prae_id)
    session.apply(edits.SetChargeCells("Montant", (travel_cell(action_id, 100_00),)))
    colleague = PraeSession(window.workspace.store, catalogue, prae_id)  # another window's session
    colleague.apply(edits.SetChargeCells("Montant", (travel_cell(action_id, 250_00),)))
    seen: list[tuple[str, str]] = []

    def answer(dialog):
        assert isinstance(dialog, ConflictDialog)
        seen.append((dialog.theirs.text(), dialog.mine.text()))
        (dialog.keep_theirs if choice == "theirs" else dialog.apply_mine).click()

    answer_next_dialog(answer)
    page.apply_edit(edits.SetChargeCells("Montant", (travel_cell(action_id, 300_00),)))
    assert seen and "250,00" in seen[0][0] and "300,00" in seen[0][1]
    assert stored_travel(window, action_id) == (250_00 if choice == "theirs" else 300_00)
    if choice == "theirs":  # their value taken on: the next edit is based on it
        page.apply_edit(edits.SetChargeCells("Montant", (travel_cell(action_id, 400_00),)))
        assert stored_travel(window, action_id) == 400_00
