"""The conflict dialog: a window and a second session on one SQLite file edit the same cell;
the window's edit shows « leur valeur / votre valeur », and both choices do what they say."""

from __future__ import annotations

import pytest
from conftest import answer_next_dialog

from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.services import budget, edits, praes
from pnae_desktop.services.session import PraeSession
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.conflict_dialog import ConflictDialog
from pnae_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, db_path, catalogue):
    window = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    prae_id = praes.create_prae(window.workspace.store, catalogue, NewPrae("32", 2018, 2020, (1, 2)))
    window.open_prae(prae_id)
    yield window
    window.close()


def cell(action_id: int, cents: int) -> budget.ChargeCell:
    return budget.ChargeCell(action_id, "62", "Déplacements", 2018, budget.ChargeValue(amount_cents=cents))


def stored(window, action_id: int) -> int | None:
    plan = budget.load_budget(window.workspace.store, window.current_prae_id)
    return next((c.amount_cents for c in plan.charges if c.action_id == action_id), None)


@pytest.mark.parametrize("choice", ["theirs", "mine"])
def test_conflicting_edit_shows_the_dialog_and_each_choice(qtbot, window, catalogue, choice):
    prae_id = window.current_prae_id
    action_id = praes.get_prae(window.workspace.store, prae_id).actions[0].id
    page = window.page("budget")
    session = window.session(prae_id)
    session.apply(edits.SetChargeCells("Montant", (cell(action_id, 100_00),)))
    colleague = PraeSession(window.workspace.store, catalogue, prae_id)  # another window's session
    colleague.apply(edits.SetChargeCells("Montant", (cell(action_id, 250_00),)))
    seen: list[tuple[str, str]] = []

    def answer(dialog):
        assert isinstance(dialog, ConflictDialog)
        seen.append((dialog.theirs.text(), dialog.mine.text()))
        (dialog.keep_theirs if choice == "theirs" else dialog.apply_mine).click()

    answer_next_dialog(answer)
    page.apply_edit(edits.SetChargeCells("Montant", (cell(action_id, 300_00),)))
    assert seen and "250,00" in seen[0][0] and "300,00" in seen[0][1]
    assert stored(window, action_id) == (250_00 if choice == "theirs" else 300_00)
    if choice == "theirs":  # their value taken on: the next edit is based on it
        page.apply_edit(edits.SetChargeCells("Montant", (cell(action_id, 400_00),)))
        assert stored(window, action_id) == 400_00
