"""The Suivi page on a store a colleague edits at the same time (two sessions on one SQLite
file): typing the realised amount of one nature of an action keeps the colleague's new amount
of another nature of the same action (it was typed after the page was read) — no conflict, no
loss; typing over the very amount the colleague changed is a conflict."""

from __future__ import annotations

import pytest
from test_gui_suivi import charge_row, stored, type_into

from pnae_desktop.domain import followup as fu
from pnae_desktop.services import edits_followup as fe
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store
from pnae_desktop.ui import conflict_dialog
from pnae_desktop.ui.suivi_tables import REALISED_COLUMN

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, db_path, catalogue, watchdog):
    from conftest import demo_page

    w = demo_page(qtbot, db_path, catalogue, "suivi")
    page = w.page("suivi")
    page.yearCombo.setCurrentIndex(page.yearCombo.findData(2018))
    page.tabs.setCurrentWidget(page.budgetTab)
    yield w
    w.close()


@pytest.fixture
def conflicts(monkeypatch):
    seen: list[object] = []
    monkeypatch.setattr(conflict_dialog, "resolve", lambda _p, _s, _e, error, _m=None: seen.append(error))
    return seen


def colleague_types(window, db_path, catalogue, action_id: int, nature: str, cents: int) -> None:
    other = open_store(db_path)
    page = window.page("suivi")
    session = PraeSession(other, catalogue, page.prae_id)
    current = stored(window).charges
    kept = [c for c in current if c.year == 2018 and c.action_id == action_id and c.nature != nature]
    kept.append(fu.RealisedCharge(action_id, 2018, nature, "Saisi", cents))
    session.apply(fe.SetRealisedCharges("Collègue", 2018, tuple(kept), action_id))
    other.close()


def two_natures(page) -> tuple[tuple[int, fu.GapLine], fu.GapLine]:
    rows = [(r, line) for r, line in enumerate(page.rows_of[id(page.charges)]) if line is not None]
    for r, line in rows:
        same = [other for _, other in rows if other.action_id == line.action_id and other.key != line.key]
        if line.action_id is not None and same:
            return (r, line), same[0]
    raise AssertionError("no action with two natures")


def test_another_nature_typed_by_a_colleague_is_kept(qtbot, window, db_path, catalogue, conflicts):
    page = window.page("suivi")
    (row, mine), theirs = two_natures(page)
    colleague_types(window, db_path, catalogue, theirs.action_id, theirs.key[-2:], 4_321_00)
    type_into(qtbot, page.chargesView, row, REALISED_COLUMN, "1234")  # the page was not read again
    assert conflicts == []
    amounts = {(c.action_id, c.nature): c.amount_cents for c in stored(window).charges if c.year == 2018}
    assert amounts[(mine.action_id, mine.key[-2:])] == 1_234_00
    assert amounts[(theirs.action_id, theirs.key[-2:])] == 4_321_00


def test_the_same_amount_typed_by_a_colleague_is_a_conflict(qtbot, window, db_path, catalogue, conflicts):
    page = window.page("suivi")
    row, line = charge_row(page)
    colleague_types(window, db_path, catalogue, line.action_id, line.key[-2:], 4_321_00)
    page.cell_edited(page.charges, row, REALISED_COLUMN, "1234")
    assert len(conflicts) == 1
    amounts = {(c.action_id, c.nature): c.amount_cents for c in stored(window).charges if c.year == 2018}
    assert amounts[(line.action_id, line.key[-2:])] == 4_321_00
