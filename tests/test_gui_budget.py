"""The Budget page driven like a spreadsheet: type, paste, undo — on a real SQLite file."""

from __future__ import annotations

import pytest
from conftest import open_window
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.services import budget as service
from pnae_desktop.services import praes
from pnae_desktop.ui import palette

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def page(qtbot, db_path, catalogue, watchdog):
    window = open_window(qtbot, db_path)
    prae_id = praes.create_prae(
        window.workspace.store, catalogue, NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(2,))
    )
    window.open_prae(prae_id)
    window.go_to("budget")
    yield window.page("budget")
    assert not [m for m in watchdog.messages if not watchdog.expected]
    window.close()


def add_rows(page, *rows):
    """Create charge rows through the service (the dialog asks for a label)."""
    action_id = page.action_id()
    cells = [
        service.ChargeCell(action_id, account, label, 2018, service.ChargeValue(amount_cents=0))
        for account, label in rows
    ]
    service.set_charge_cells(page.store, cells)
    page.refresh()


def cell(model, row, col):
    return model.index(row, col).data()


@pytest.fixture
def type_into(qtbot, watchdog):
    def type_into(view, row, col, text):
        """Type as a user would: the first key opens the cell editor, the rest goes into it."""
        page = view.parent()
        while not hasattr(page, "refresh"):
            page = page.parent()
        session = page.window_.session(page.prae_id)
        depth = session.depth
        view.setFocus()
        view.setCurrentIndex(view.model().index(row, col))
        qtbot.keyClick(view, text[0])
        editor = QApplication.focusWidget()
        assert editor is not view
        qtbot.keyClicks(editor, text[1:])
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        seen = len(watchdog.messages)
        note = view.itemDelegate().message  # a refused typo: its reason beside the cell
        qtbot.waitUntil(
            lambda: session.depth != depth or len(watchdog.messages) > seen or note.isVisible(), timeout=3000
        )

    return type_into


def row_of(page, label):
    return next(r for r, (_account, row_label) in enumerate(page.charge_rows) if row_label == label)


def test_idf_digital_plan_typed_updates_totals_and_undo(qtbot, page, type_into):
    add_rows(page, ("60", "Équipement numérique"), ("61", "Hébergement"), ("62", "Formation"))
    view, model = page.chargesView, page.charges
    labels = [model.index(r, 1).data() for r in range(3)]
    assert labels == ["Équipement numérique", "Hébergement", "Formation"]
    type_into(view, 0, 2, "366800")
    type_into(view, 1, 2, "5 500")
    type_into(view, 2, 2, "12400,00")
    total_row = 3  # first footer row: total des charges directes
    assert cell(model, total_row, 2) == "384\u202f700,00\u00a0€"
    assert page.totals.direct_by_year[2018] == 384_700_00
    assert "écart" in page.balanceLabel.text()  # nothing financed yet: the gap shows
    # the same figures are in the file
    plan, totals, _ = service.totals(page.store, page.prae_id)
    assert totals.direct_total == 384_700_00
    # undo the last cell, then redo it
    page.window_.actionUndo.trigger()
    assert page.totals.direct_by_year[2018] == 372_300_00
    page.window_.actionRedo.trigger()
    assert page.totals.direct_by_year[2018] == 384_700_00


def test_etp_entry_and_enter_moves_down(qtbot, page, type_into, watchdog):
    add_rows(page, ("64", "Chargée de mission"), ("62", "Déplacements"))
    view = page.chargesView
    row = row_of(page, "Chargée de mission")
    type_into(view, row, 3, "0,5 x 52000")
    assert cell(page.charges, row, 3) == "26\u202f000,00\u00a0€"
    assert view.currentIndex().row() == row + 1  # Enter went to the next row
    # ETP × cost is refused on another account, in French, naming the cell, beside the cell
    type_into(view, row_of(page, "Déplacements"), 2, "1 x 100")
    assert "réservée aux charges de personnel" in view.itemDelegate().message.text()
    assert not watchdog.messages  # no message box for a typo
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert page.totals.etp_by_year[2019] == page.totals.etp_by_year[2019].__class__("0.50")


def test_bad_cell_is_refused_with_french_message_and_nothing_saved(qtbot, page, type_into, watchdog):
    add_rows(page, ("62", "Déplacements"))
    before = service.totals(page.store, page.prae_id)[1].direct_total
    depth = page.window_.session(page.prae_id).depth
    type_into(page.chargesView, 0, 2, "-300")
    message = page.chargesView.itemDelegate().message.text()
    assert "négatif" in message and "2018" in message
    assert not watchdog.messages
    assert service.totals(page.store, page.prae_id)[1].direct_total == before
    assert page.window_.session(page.prae_id).depth == depth


def test_paste_block_from_spreadsheet_all_or_nothing(qtbot, page, watchdog):
    add_rows(page, ("60", "Achats"), ("61", "Locations"))
    view = page.chargesView
    view.setFocus()
    view.setCurrentIndex(page.charges.index(0, 2))
    # a bad block: one cell with text → nothing applied, bad cells listed
    QGuiApplication.clipboard().setText("1 234,56\t100\nabc\t200\n")
    watchdog.expect()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(watchdog.messages))
    assert "Rien n'a été collé" in watchdog.messages[-1] and "abc" in watchdog.messages[-1]
    assert service.totals(page.store, page.prae_id)[1].direct_total == 0
    # a good block in the three notations users paste: applied at once, one undo step
    QGuiApplication.clipboard().setText("1 234,56\t1234,56\r\n1234.56\t10\r\n")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert page.totals.direct_total == 3 * 1234_56 + 10_00
    page.window_.actionUndo.trigger()
    assert page.totals.direct_total == 0


def test_financing_balances_the_action(qtbot, page, catalogue, type_into):
    from pnae_desktop.services import drafting

    drafting.set_objectives(page.store, catalogue, page.action_id(), {"1.2": None})
    add_rows(page, ("62", "Déplacements"))
    type_into(page.chargesView, 0, 2, "1000")
    funders = [f.name for f in page.funder_rows]
    state, region = funders.index("État (Direccte Île-de-France)"), funders.index("Région Île-de-France")
    type_into(page.financingView, state, 2, "600")
    type_into(page.financingView, region, 2, "400")
    gap_row = len(page.funder_rows) + 1
    assert cell(page.financing, gap_row, 2) == "0,00\u00a0€"
    assert page.financing.index(gap_row, 2).data(Qt.ItemDataRole.ForegroundRole).color().name() == palette.SUCCESS
    assert "équilibré" in page.balanceLabel.text()
    summary = page.summaryView.toPlainText()
    assert "Budget équilibré" in summary and "60,00 %" in summary


def test_edited_workbook_round_trip_is_confirmed_and_undoable(qtbot, page, tmp_path, type_into, watchdog):
    import openpyxl

    from pnae_desktop.services.exports import write_budget_workbook

    add_rows(page, ("62", "Déplacements"))
    type_into(page.chargesView, 0, 2, "1000")
    path = write_budget_workbook(page.store, page.prae_id, tmp_path / "b.xlsx", app_version="test")
    book = openpyxl.load_workbook(path)
    sheet = book["Par action"]
    cell = next(
        c
        for row in sheet.iter_rows()
        for c in row
        if c.protection.locked is False and isinstance(c.value, (int, float)) and c.value == 1000
    )
    cell.value = 1250
    book.save(path)

    def confirm():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.button(QMessageBox.StandardButton.Yes):
            watchdog.messages.append(box.text())
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(20, confirm)

    watchdog.expect()
    QTimer.singleShot(0, confirm)
    page.import_workbook(str(path))
    assert "1 000,00 € → 1 250,00 €" in watchdog.messages[-1].replace("\u202f", " ").replace("\u00a0", " ")
    assert page.totals.direct_total == 1250_00
    page.window_.actionUndo.trigger()
    assert page.totals.direct_total == 1000_00


def test_funders_are_renamed_removed_and_restored_in_place(qtbot, page, type_into):
    names = [f.name for f in page.funder_rows]
    row = names.index("Conseils départementaux")
    type_into(page.financingView, row, 0, "Conseil departemental du Val-de-Marne")
    assert page.funder_rows[row].name == "Conseil departemental du Val-de-Marne"
    page.financingView.setCurrentIndex(page.financing.index(row, 0))

    def confirm():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.button(QMessageBox.StandardButton.Yes):
            box.button(QMessageBox.StandardButton.Yes).click()
        else:
            QTimer.singleShot(20, confirm)

    QTimer.singleShot(0, confirm)
    page.removeFunderButton.click()
    assert "Conseil departemental du Val-de-Marne" not in [f.name for f in page.funder_rows]
    page.window_.actionUndo.trigger()
    assert [f.name for f in page.funder_rows][row] == "Conseil departemental du Val-de-Marne"


def test_switching_to_a_manual_key_starts_from_the_pro_rata(qtbot, page, type_into):
    add_rows(page, ("62", "Déplacements"))
    type_into(page.chargesView, 0, 2, "1000")
    combo = page._key_combos[2018]
    combo.setCurrentIndex(combo.findData("manual"))
    key = next(k for k in page.budget.allocation_keys if k.year == 2018)
    assert key.method == "manual" and sum(key.manual_shares.values()) == 100
    page.window_.actionUndo.trigger()
    assert all(k.method == "direct" for k in page.budget.allocation_keys if k.year == 2018)


def test_pasting_an_amount_keeps_the_financing_status(qtbot, page):
    funders = [f.name for f in page.funder_rows]
    state = funders.index("État (Direccte Île-de-France)")
    state_id = page.funder_rows[state].id
    service.set_financing_cells(page.store, [service.FinancingCell(page.action_id(), state_id, 2018, 500_00, "acquis")])
    page.refresh()
    view = page.financingView
    view.setFocus()
    view.setCurrentIndex(page.financing.index(state, 2))
    QGuiApplication.clipboard().setText("600\t700\n")
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    lines = {(f.year): f for f in service.load_budget(page.store, page.prae_id).financing if f.funder_id == state_id}
    assert (lines[2018].amount_cents, lines[2018].status) == (600_00, "acquis")
    assert (lines[2019].amount_cents, lines[2019].status) == (700_00, "sollicite")  # a new line
