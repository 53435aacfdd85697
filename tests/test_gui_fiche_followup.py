"""Through the real window: removing an indicator on the fiche moves the realised values of
the ones after it with them (the Suivi page shows each value on its own indicator), and the
window's undo brings the removed one's values back."""

from __future__ import annotations

import pytest
from conftest import demo_page

from pnae_desktop.services import followup as followup_service
from pnae_desktop.services import praes

pytestmark = pytest.mark.usefixtures("isolated_settings")


def values(window, prae_id: int, action_id: int) -> dict[tuple[str, int], object]:
    store = window.workspace.store
    indicators = praes.get_action(store, action_id).indicators
    follow = followup_service.load_followup(store, prae_id)
    return {
        (indicators[r.indicator_index].label, r.year): r.value for r in follow.indicators if r.action_id == action_id
    }


def test_removing_an_indicator_on_the_fiche_keeps_the_others_values(qtbot, db_path, catalogue):
    window = demo_page(qtbot, db_path, catalogue, "prae")
    page = window.page("prae")
    editor = page.editor
    prae_id = 1  # the demo is the store's only PRAE
    action = editor.action
    assert action is not None and len(action.indicators) >= 2
    before = values(window, prae_id, action.id)
    first = action.indicators[0].label
    assert any(label == first for label, _ in before) and any(label != first for label, _ in before)
    editor.indicatorTable.setCurrentCell(0, 0)
    editor.remove_indicator()
    assert [i.label for i in praes.get_action(window.workspace.store, action.id).indicators][0] != first
    assert values(window, prae_id, action.id) == {k: v for k, v in before.items() if k[0] != first}
    window.actionUndo.trigger()
    assert values(window, prae_id, action.id) == before
    window.actionRedo.trigger()
    assert values(window, prae_id, action.id) == {k: v for k, v in before.items() if k[0] != first}
    window.close()
