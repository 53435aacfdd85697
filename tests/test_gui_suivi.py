"""The Suivi page through the real window on a real SQLite file (issue 17, items 1 and 5): a
realised amount typed shows its gap and « explication requise », an explanation typed clears
it, Annuler steps back; a refused value stays in its cell with a French message; statuses,
milestones, accounts, indicator values and contributions are recorded and undone; the
dashboard shows the year's execution rate and the gaps without explanation; the charts say
their figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import demo_page
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.money import format_amount
from pnae_desktop.services import followup as followup_service
from pnae_desktop.ui.suivi_tables import (
    EXPLANATION_COLUMN,
    INDICATOR_COLUMN,
    REALISED_COLUMN,
    REQUIRED,
    number_text,
)

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, db_path, catalogue, watchdog):
    w = demo_page(qtbot, db_path, catalogue, "suivi")
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    page = w.page("suivi")
    page.yearCombo.setCurrentIndex(page.yearCombo.findData(2018))
    yield w
    assert not [m for m in watchdog.messages if not watchdog.expected]
    w.close()


def stored(window) -> fu.FollowUp:
    page = window.page("suivi")
    return followup_service.load_followup(window.workspace.store, page.prae_id)


def text_of(model, row: int, col: int) -> str:
    return str(model.index(row, col).data() or "").replace("\u202f", " ").replace("\u00a0", " ")


def type_into(qtbot, view, row: int, col: int, text: str) -> None:
    """Type as a user would: the first key opens the cell editor, Entrée commits."""
    page = view.window().page("suivi")
    session = page.window_.session(page.prae_id)
    depth = session.depth
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, col))
    qtbot.keyClick(view, text[0])
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    rest = text[1:]
    if rest.isascii():
        qtbot.keyClicks(editor, rest)
    else:
        editor.insert(rest)  # QTest types ASCII only
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    note = view.itemDelegate().message
    qtbot.waitUntil(lambda: session.depth != depth or note.isVisible(), timeout=3000)


def charge_row(page, wanted=lambda line: line.forecast_cents >= 10_000) -> tuple[int, fu.GapLine]:
    """The first charge line (action, nature) with a forecast, and its row in the sheet."""
    rows = page.rows_of[id(page.charges)]
    return next((r, line) for r, line in enumerate(rows) if line is not None and wanted(line))


def test_a_realised_amount_shows_its_gap_and_asks_for_an_explanation_then_undo(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    original = stored(window)
    row, line = charge_row(page, lambda line: line.forecast_cents >= 10_000 and line.realised_cents == 0)
    eighty = line.forecast_cents * 80 // 100 // 100  # whole euros: 80 % of the forecast, a gap of about −20 %
    type_into(qtbot, page.chargesView, row, REALISED_COLUMN, str(eighty))
    assert text_of(page.charges, row, REALISED_COLUMN).startswith(f"{eighty:,}".replace(",", " "))
    assert text_of(page.charges, row, 3).startswith("−")  # the gap in euros, signed
    assert text_of(page.charges, row, 4).startswith("−") and "%" in text_of(page.charges, row, 4)
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == REQUIRED  # in words, not colour alone
    before = page.gaps.unexplained
    nature = line.key[-2:]
    realised = [c for c in stored(window).charges if (c.action_id, c.year, c.nature) == (line.action_id, 2018, nature)]
    assert [(c.account, c.amount_cents, c.source) for c in realised] == [(nature, eighty * 100, "saisie")]

    type_into(qtbot, page.chargesView, row, EXPLANATION_COLUMN, "Atelier reporté à 2019")
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == "Atelier reporté à 2019"
    assert page.gaps.unexplained == before - 1
    assert stored(window).explanation(2018, line.key) == "Atelier reporté à 2019"
    assert f"{page.gaps.unexplained} écart" in page.gapsLabel.text() or page.gaps.unexplained == 0

    window.actionUndo.trigger()  # the explanation goes
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == REQUIRED
    assert stored(window).explanation(2018, line.key) == ""
    window.actionUndo.trigger()  # then the amount
    assert text_of(page.charges, row, REALISED_COLUMN).startswith("0,00")
    assert sorted(map(repr, stored(window).charges)) == sorted(map(repr, original.charges))  # rows get new ids
    assert window.saved_label is not None and window.saved_label.text().startswith("Enregistré à ")


def test_a_refused_amount_stays_in_its_cell_with_a_french_message(qtbot, window, watchdog):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    row, _line = charge_row(page)
    depth = window.session(page.prae_id).depth
    before = stored(window)
    type_into(qtbot, page.chargesView, row, REALISED_COLUMN, "15OO")
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.text() == "15OO"  # what was typed is kept
    message = page.chargesView.itemDelegate().message
    assert message.isVisible() and "15OO" in message.text() and "2018" in message.text()
    assert window.session(page.prae_id).depth == depth and stored(window) == before
    assert not watchdog.messages  # no message box for a typo
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    view = page.chargesView
    view.setFocus()
    view.setCurrentIndex(page.charges.index(row, EXPLANATION_COLUMN))
    qtbot.keyClick(view, "R")
    editor = QApplication.focusWidget()
    editor.insert("etard\x07")  # a control character pasted from elsewhere
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is editor and "U+0007" in message.text()
    assert stored(window) == before and not watchdog.messages
    qtbot.keyClick(editor, Qt.Key.Key_Escape)


def test_the_threshold_is_edited_on_the_page_and_a_bad_one_is_kept_with_its_reason(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    row, line = charge_row(page)
    eighty = line.forecast_cents * 80 // 100 // 100
    type_into(qtbot, page.chargesView, row, REALISED_COLUMN, str(eighty))
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == REQUIRED
    edit = page.thresholdEdit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "15OO")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.text() == "15OO" and page.thresholdError.isVisible()
    assert "Seuil" in page.thresholdError.text()
    assert stored(window).threshold_pct == Decimal(15)
    edit.selectAll()
    qtbot.keyClicks(edit, "25")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert not page.thresholdError.isVisible()
    assert stored(window).threshold_pct == Decimal(25)
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == ""  # −20 % is within 25 %
    window.actionUndo.trigger()
    assert stored(window).threshold_pct == Decimal(15) and edit.text() == "15"
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == REQUIRED


def test_a_realised_amount_on_a_line_without_forecast_asks_for_an_explanation(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    funders = page.rows_of[id(page.financing)]
    row, key = next((r, line.key) for r, line in enumerate(funders) if line is not None and line.forecast_cents == 0)
    type_into(qtbot, page.financingView, row, REALISED_COLUMN, "500")
    rows = page.rows_of[id(page.financing)]  # the funder now has a line of the year: in the budget's order
    row = next(r for r, line in enumerate(rows) if line is not None and line.key == key)
    assert text_of(page.financing, row, REALISED_COLUMN).startswith("500,00")
    assert text_of(page.financing, row, 4) == "sans prévu"
    assert text_of(page.financing, row, EXPLANATION_COLUMN) == REQUIRED
    funder_id = int(key.rsplit(":", 1)[1])
    assert [(f.year, f.amount_cents) for f in stored(window).financing if f.funder_id == funder_id] == [(2018, 50_000)]


def test_a_status_milestones_and_the_account_of_an_action_are_recorded_and_undone(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.actionsTab)
    action_id = page.actionCombo.currentData()
    session = window.session(page.prae_id)
    original = stored(window).report(action_id, 2018)
    status = "reportee" if original is None or original.status != "reportee" else "en_cours"
    page.statusCombo.setFocus()
    page.statusCombo.setCurrentIndex(page.statusCombo.findData(status))
    assert stored(window).report(action_id, 2018).status == status
    assert fu.ACTION_STATUSES[status] in page.statusesLabel.text()

    table = page.milestonesTable
    first = page.report_editor.milestone_rows[0]
    table.setFocus()
    table.setCurrentCell(0, 3)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "31/02/2018")  # no such day: refused beside the cell, kept
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is editor and "31/02/2018" in table.itemDelegateForColumn(3).message.text()
    editor.selectAll()
    qtbot.keyClicks(editor, "15/03/2018")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    done = lambda: dict(stored(window).report(action_id, 2018).milestones_done)  # noqa: E731
    qtbot.waitUntil(lambda: done().get(first) == date(2018, 3, 15))  # a date typed: done that day
    assert table.item(0, 0).checkState() == Qt.CheckState.Checked and table.item(0, 0).text() == "fait"
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # unticked from the keyboard: not done, its date dropped
    assert first not in done() and table.item(0, 3).text() == ""
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # ticked again, without a date
    assert first in done() and done()[first] is None

    box = page.accountEdit
    box.setFocus()
    box.moveCursor(box.textCursor().MoveOperation.End)
    qtbot.keyClicks(box, " Trois ateliers tenus.")
    page.deliverablesEdit.setFocus()  # leaving the box saves it
    qtbot.waitUntil(lambda: stored(window).report(action_id, 2018).account.endswith(" Trois ateliers tenus."))
    depth = session.depth
    window.actionUndo.trigger()
    assert session.depth == depth - 1 and not box.toPlainText().endswith("tenus.")
    for _ in range(4):  # the two ticks, the date, the status
        window.actionUndo.trigger()
    assert session.depth == depth - 5
    assert stored(window).report(action_id, 2018) == original
    shown = original.status if original is not None else None
    assert page.statusCombo.currentData() == shown


def test_an_indicator_value_is_recorded_against_its_target(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.indicatorsTab)
    rows = page.rows_of[id(page.indicators)]
    row, indicator = next((r, i) for r, i in enumerate(rows) if i is not None and i.target is not None)
    original = indicator.realised
    value = indicator.target - 3
    type_into(qtbot, page.indicatorsView, row, INDICATOR_COLUMN, number_text(value))
    assert stored(window).indicator_value(indicator.action_id, indicator.indicator_index, 2018) == value
    assert text_of(page.indicators, row, INDICATOR_COLUMN) == number_text(value)
    assert text_of(page.indicators, row, 5) == "−3"
    assert f"Réalisé : {number_text(value)}" in page.indicatorChart.as_text()
    type_into(qtbot, page.indicatorsView, row, INDICATOR_COLUMN, "douze")  # refused, kept in its cell
    assert "douze" in page.indicatorsView.itemDelegate().message.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    window.actionUndo.trigger()
    assert stored(window).indicator_value(indicator.action_id, indicator.indicator_index, 2018) == original


def test_contributions_in_kind_are_added_edited_and_totalled(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.contributionsTab)
    count = len(page.contributions)
    total = sum(c.amount_cents for c in page.contributions if c.account.startswith("87"))
    page.addContributionButton.click()
    assert len(page.contributions) == count + 1
    row = count
    type_into(qtbot, page.contributionsView, row, 2, "1200")
    type_into(qtbot, page.contributionsView, row, 0, "92")  # not an 86/87 account: refused
    assert "86 ou 87" in page.contributionsView.itemDelegate().message.text()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    mine = [c for c in stored(window).contributions if c.year == 2018]
    assert (mine[-1].account, mine[-1].amount_cents) == ("870", 120_000)
    assert f"contributions (87) {format_amount(total + 120_000)}" in page.contributionsTotalLabel.text()
    assert "⚠ écart de 1" in page.contributionsTotalLabel.text()  # the 86 side now lacks 1 200 €


def test_the_dashboard_shows_the_execution_rate_and_the_gaps_without_explanation(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    row, line = charge_row(page)
    type_into(qtbot, page.chargesView, row, REALISED_COLUMN, str(line.forecast_cents // 100))
    gaps = page.gaps
    window.go_to("dashboard")
    text = window.dashboard.followupLabel.text().replace("\u202f", " ").replace("\u00a0", " ")
    assert window.dashboard.followupLabel.isVisible()
    rate = str(gaps.execution_rate).replace(".", ",")
    assert f"2018 : exécution {rate} %" in text
    assert f"{gaps.unexplained} écarts sans explication" in text


def test_the_charts_say_their_figures_and_read_in_grey(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.chartsTab)
    chart = page.axisChart
    assert chart.isVisible() and chart.height() >= chart.height_for(chart.width())
    described = chart.accessibleDescription()
    assert "Axe 1 –" in described and "Prévu : " in described and "Réalisé : " in described
    image = chart.grab().toImage().convertToFormat(chart.grab().toImage().Format.Format_Grayscale8)
    greys = {image.pixelColor(x, y).value() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert min(greys) < 80 and max(greys) > 230  # dark ink and white paper, whatever the colours


def test_the_mapping_table_is_edited_checked_and_undone(qtbot, window, tmp_path):
    from pnae_desktop.ui.fec_dialog import SHARE, MappingDialog

    page = window.page("suivi")
    original = stored(window).mapping
    dialog = MappingDialog(page, ())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_row(fu.MappingRule("analytic", "ANIM", 1, Decimal(60)))
    dialog.add_row(fu.MappingRule("analytic", "ANIM", 2, Decimal(30)))  # 90 %: refused, kept as typed
    dialog.save()
    assert dialog.error.isVisible() and "100 %" in dialog.error.text()
    assert dialog.table.rowCount() == 2 and stored(window).mapping == original
    dialog.table.item(1, SHARE).setText("40")
    dialog.add_row(fu.MappingRule("account", "6251", 3))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert stored(window).mapping == (
        fu.MappingRule("analytic", "ANIM", 1, Decimal(60)),
        fu.MappingRule("analytic", "ANIM", 2, Decimal(40)),
        fu.MappingRule("account", "6251", 3, Decimal(100)),
    )
    csv = tmp_path / "mapping.csv"
    csv.write_text("match,pattern,action,share\nlabel,Atelier,99,100\n", encoding="utf-8")
    again = MappingDialog(page, stored(window).mapping)
    qtbot.addWidget(again)
    again.show()
    again.read_csv(str(csv))  # action 99 does not exist: refused with its line, rows untouched
    assert "ligne 2" in again.error.text() and again.table.rowCount() == 3
    window.actionUndo.trigger()
    assert stored(window).mapping == original


def demo_fec_text(window) -> str:
    from pnae_desktop.services.demo_followup import demo_fec

    page = window.page("suivi")
    return demo_fec(window.workspace.store, page.prae_id, 2018)[0]


def test_the_fec_is_previewed_then_applied_and_undone(qtbot, window, tmp_path):
    """A FEC whose rent entry of action 1 is 1 500 € instead of the demo's: the preview lists it,
    « Appliquer » writes it as one step, Annuler restores the year."""
    from pnae_desktop.ui.fec_dialog import import_fec

    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    original = stored(window)
    rent = [c for c in original.charges if c.action_id == 1 and c.year == 2018 and c.account == "613200"]
    assert [c.amount_cents for c in rent] == [120_000]  # the demo's realised rent, from its FEC
    fec = tmp_path / "fec-2018.txt"
    fec.write_bytes(demo_fec_text(window).replace("\t1200,00\t", "\t1500,00\t").encode("iso8859-15"))
    seen = {}

    def look_then_apply(dialog) -> bool:
        seen["summary"] = [dialog.summary.item(i).text() for i in range(dialog.summary.count())]
        seen["problems"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        seen["enabled"] = dialog.applyButton.isEnabled()
        return True

    depth = window.session(page.prae_id).depth
    assert import_fec(page, str(fec), confirm=look_then_apply)
    assert seen["enabled"] and seen["problems"] == ["Aucun problème."]
    assert any("613200" in line and "1 500,00" in line.replace("\u202f", " ") for line in seen["summary"])
    assert window.session(page.prae_id).depth == depth + 1
    rent = [c for c in stored(window).charges if c.action_id == 1 and c.year == 2018 and c.account == "613200"]
    assert [(c.amount_cents, c.source) for c in rent] == [(150_000, "fec")]
    rows = page.rows_of[id(page.charges)]
    row = next(r for r, line in enumerate(rows) if line is not None and line.key == fu.charge_key(1, "61"))
    tooltip = page.charges.index(row, REALISED_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "613200 Locations immobilières" in tooltip and "(FEC)" in tooltip  # what the amount is made of
    window.actionUndo.trigger()
    assert sorted(map(repr, stored(window).charges)) == sorted(map(repr, original.charges))


def test_an_unbalanced_fec_is_refused_by_line_and_nothing_is_applied(qtbot, window, tmp_path):
    from pnae_desktop.ui.fec_dialog import import_fec

    page = window.page("suivi")
    lines = demo_fec_text(window).split("\n")
    n = next(i for i, line in enumerate(lines) if "\t1200,00\t0,00\t" in line)
    lines[n] = lines[n].replace("\t1200,00\t0,00\t", "\t1210,00\t0,00\t")  # one side only: unbalanced
    fec = tmp_path / "bad.txt"
    fec.write_bytes("\n".join(lines).encode("iso8859-15"))
    original, depth = stored(window), window.session(page.prae_id).depth
    seen = {}

    def look(dialog) -> bool:
        seen["problems"] = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
        seen["enabled"] = dialog.applyButton.isEnabled()
        seen["verdict"] = dialog.verdict.text()
        return True  # even if « Appliquer » were forced, nothing is written

    assert not import_fec(page, str(fec), confirm=look)
    assert not seen["enabled"] and "rien ne sera appliqué" in seen["verdict"]
    assert any("équilibr" in p and "ligne" in p.lower() for p in seen["problems"]), seen["problems"]
    assert stored(window) == original and window.session(page.prae_id).depth == depth


def test_a_nature_without_forecast_is_added_then_its_realised_asks_for_an_explanation(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    action_id = page.actionCombo.itemData(0)
    forecast = {line.key for line in page.gaps.charges}
    nature = next(n for n in fu.CHARGE_NATURES if fu.charge_key(action_id, n) not in forecast)
    key = fu.charge_key(action_id, nature)
    page.add_unplanned_charge((action_id, nature))
    row = page.chargesView.currentIndex().row()
    assert page.rows_of[id(page.charges)][row].key == key
    type_into(qtbot, page.chargesView, row, REALISED_COLUMN, "250")
    row = next(r for r, line in enumerate(page.rows_of[id(page.charges)]) if line is not None and line.key == key)
    assert text_of(page.charges, row, 1).startswith("0,00") and text_of(page.charges, row, 4) == "sans prévu"
    assert text_of(page.charges, row, EXPLANATION_COLUMN) == REQUIRED


def test_an_account_being_typed_is_saved_when_the_window_closes(qtbot, window, db_path):
    from pnae_desktop.store.database import open_store

    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.actionsTab)
    action_id, prae_id = page.actionCombo.currentData(), page.prae_id
    box = page.difficultiesEdit
    box.setFocus()
    box.moveCursor(box.textCursor().MoveOperation.End)
    qtbot.keyClicks(box, " Greve des transports.")
    window.close()  # before the pause that would have saved it
    store = open_store(db_path)
    try:
        report = followup_service.load_followup(store, prae_id).report(action_id, 2018)
    finally:
        store.close()
    assert report is not None and report.difficulties.endswith(" Greve des transports.")


def test_another_year_shows_its_own_follow_up(qtbot, window):
    page = window.page("suivi")
    page.tabs.setCurrentWidget(page.budgetTab)
    assert "Exécution 2018" in page.gapsLabel.text()
    page.yearCombo.setCurrentIndex(page.yearCombo.findData(2019))
    assert page.year == 2019 and "Exécution 2019" in page.gapsLabel.text()
    assert all(line.realised_cents == 0 for line in page.gaps.charges)  # nothing realised yet in 2019
    assert "Statuts 2019" in page.statusesLabel.text()
    assert page.indicators.headerData(3, Qt.Orientation.Horizontal) == "Cible 2019"


def test_the_import_button_asks_for_the_file_then_shows_the_preview(qtbot, window, tmp_path):
    from conftest import answer_next_dialog
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog

    from pnae_desktop.ui.fec_dialog import FecPreviewDialog

    page = window.page("suivi")
    fec = tmp_path / "fec.txt"
    fec.write_bytes(demo_fec_text(window).replace("\t1200,00\t", "\t1300,00\t").encode("iso8859-15"))
    seen = []

    def choose(dialog):
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(fec))
        dialog.accept()
        answer_next_dialog(preview)

    def preview(dialog):
        if not isinstance(dialog, FecPreviewDialog):  # the file dialog, still closing
            QTimer.singleShot(20, lambda: answer_next_dialog(preview))
            return
        seen.append(type(dialog))
        dialog.applyButton.click()

    answer_next_dialog(choose)
    page.importButton.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [FecPreviewDialog]
    rent = [c for c in stored(window).charges if c.action_id == 1 and c.year == 2018 and c.account == "613200"]
    assert [c.amount_cents for c in rent] == [130_000]


def test_a_simple_table_of_realised_amounts_is_previewed_and_applied(qtbot, window, tmp_path):
    from pnae_desktop.ui.fec_dialog import import_fec

    page = window.page("suivi")
    table = tmp_path / "realise.csv"
    table.write_text(
        "action;account;label;year;amount\n2;6251;Déplacements du réseau;2018;1 234,56\n", encoding="utf-8"
    )
    seen = {}

    def look_then_apply(dialog) -> bool:
        seen["summary"] = [dialog.summary.item(i).text() for i in range(dialog.summary.count())]
        return dialog.applyButton.isEnabled()

    assert import_fec(page, str(table), confirm=look_then_apply, kind="file")
    assert any("6251" in line for line in seen["summary"])
    mine = [c for c in stored(window).charges if c.source == "import"]
    assert [(c.action_id, c.account, c.amount_cents) for c in mine] == [(page.actionCombo.itemData(1), "6251", 123_456)]
    window.actionUndo.trigger()
    assert not [c for c in stored(window).charges if c.source == "import"]
