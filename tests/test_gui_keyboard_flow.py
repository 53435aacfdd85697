"""Done-when of issue 12: a whole PRAE built at 1366×768 without the mouse — new PRAE with four
actions, one fiche filled, one action's budget with a financing status changed, the convention
parties, the three documents exported. Only keys pressed on the focused widget and the app's
shortcuts are used; the dialogs, menus and message boxes are answered with the keyboard too."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog, QMenu, QMessageBox, QWidget

from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import exports, praes
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow
from pnae_desktop.ui.new_prae_dialog import NewPraeDialog

pytestmark = pytest.mark.usefixtures("isolated_settings")
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


class Keyboard:
    """Keys pressed on whatever has the focus, as a person at the keyboard does."""

    def __init__(self, qtbot, window: QWidget):
        self.qtbot, self.window = qtbot, window
        self.pending: list[tuple[type, Callable[[QWidget], None]]] = []
        self.timer = QTimer(interval=30)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def focus(self) -> QWidget:
        if QApplication.activeWindow() is None:  # a dialog closed: a window manager reactivates
            self.window.activateWindow()  # the main window (offscreen has none to do it)
            self.qtbot.waitUntil(self.window.isActiveWindow)
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def target(self) -> QWidget:
        """Where a key goes: an open menu takes the keyboard, else the focused widget."""
        return QApplication.activePopupWidget() or self.focus()

    def press(self, key, modifiers=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            QTest.keyClick(self.target(), key, modifiers)
            QApplication.processEvents()  # a person types slower than the event loop

    def type(self, text: str) -> None:
        for char in text:  # each key to the focused widget: the first one may open a cell editor
            QTest.keyClicks(self.target(), char)
            QApplication.processEvents()

    def tab_to(self, target: QWidget, limit: int = 400) -> None:
        """Press Tab until `target` has the focus (as a user tabs to a field)."""
        for _ in range(limit):
            if self.focus() is target or target.isAncestorOf(self.focus()):
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {target.objectName()}")

    def when(self, kind: type, answer: Callable[[QWidget], None]) -> None:
        """Answer the next `kind` (dialog, menu, message box) with keys once it is shown."""
        self.pending.append((kind, answer))

    def _poll(self) -> None:
        if not self.pending:
            return
        kind, answer = self.pending[0]
        popup = QApplication.activePopupWidget()
        if popup is not None:
            ready = isinstance(popup, kind) and popup.isVisible()
            shown = popup
        else:
            shown = QApplication.activeModalWidget()
            ready = isinstance(shown, kind) and shown.isVisible() and shown.isAncestorOf(QApplication.focusWidget())
        if ready:
            self.pending.pop(0)
            # outside this timer's slot: an answer that opens another dialog runs its own loop,
            # in which this timer must go on polling
            QTimer.singleShot(0, lambda: answer(shown))

    def stop(self) -> None:
        self.timer.stop()


def say_yes(keys: Keyboard) -> Callable[[QWidget], None]:
    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        yes = box.button(QMessageBox.StandardButton.Yes)
        if yes is None:
            keys.press(Qt.Key.Key_Return)  # information: its only button
            return
        for _ in range(10):
            if keys.focus() is yes:
                break
            keys.press(Qt.Key.Key_Tab)
        keys.press(Qt.Key.Key_Space)

    return answer


def test_a_whole_prae_without_the_mouse_at_1366x768(qtbot, tmp_path, catalogue):
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert window.width() <= 1366 and window.height() <= 768
    keys = Keyboard(qtbot, window)
    try:
        run_flow(qtbot, window, keys, tmp_path)
    finally:
        keys.stop()
        window.close()


def run_flow(qtbot, window: MainWindow, keys: Keyboard, tmp_path) -> None:
    store = window.workspace.store
    window.navigation.setFocus()

    # 1. A new PRAE (Ctrl+N), Hauts-de-France, four actions ticked with Space.
    def fill_new_prae(dialog: QWidget) -> None:
        assert isinstance(dialog, NewPraeDialog)
        keys.tab_to(dialog.regionCombo)
        keys.type("Hauts")
        assert dialog.regionCombo.currentData() == "32"
        keys.tab_to(dialog.titleEdit)
        keys.type("PRAE HDF clavier")
        keys.tab_to(dialog.noneButton)
        keys.press(Qt.Key.Key_Space)
        keys.tab_to(dialog.actionList)
        keys.press(Qt.Key.Key_Home)
        for n in range(4):
            keys.press(Qt.Key.Key_Space)
            if n < 3:
                keys.press(Qt.Key.Key_Down)
        assert dialog.selected_actions() == (1, 2, 3, 4)
        keys.tab_to(dialog.buttons.button(dialog.buttons.StandardButton.Ok))
        keys.press(Qt.Key.Key_Space)

    keys.when(NewPraeDialog, fill_new_prae)
    keys.press(Qt.Key.Key_N, CTRL)
    (summary,) = praes.list_praes(store)
    prae_id = summary.id
    assert summary.title == "PRAE HDF clavier" and summary.region_code == "32"
    assert window.pages.currentWidget() is window.page("prae")
    prae = praes.get_prae(store, prae_id)
    assert len(prae.actions) == 4
    first = prae.actions[0].id

    # 2. The first fiche: pilot, partners, an objective, the context, a milestone, a target.
    editor = window.page("prae").editor
    keys.tab_to(editor.pilotEdit)
    keys.type("Mme Lefebvre")
    keys.tab_to(editor.partnersEdit)
    keys.type("Conseil regional, DREETS")
    keys.tab_to(editor.objectivesList)
    keys.press(Qt.Key.Key_Home)
    keys.press(Qt.Key.Key_Space)
    box = editor.blocks["contexte"].editor
    keys.tab_to(box)
    keys.press(Qt.Key.Key_A, CTRL)
    keys.type("Contexte des Hauts-de-France : 23 missions locales.")
    keys.tab_to(editor.addMilestoneButton)  # leaving the text box saves it
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_A, CTRL)
    keys.type("Comite de lancement")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Comite de lancement" in [m.text for m in praes.get_action(store, first).milestones])
    keys.tab_to(editor.addIndicatorButton)
    keys.press(Qt.Key.Key_Space)
    assert keys.focus() is editor.indicatorTable and editor.indicatorTable.currentRow() == 0  # on the new row
    keys.press(Qt.Key.Key_Home, CTRL)
    keys.press(Qt.Key.Key_Right, times=5)
    keys.type("120")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: praes.get_action(store, first).indicators[0].targets != ())
    action = praes.get_action(store, first)
    assert action.pilot == "Mme Lefebvre" and action.partners == "Conseil regional, DREETS"
    assert action.fields["contexte"].startswith("Contexte des Hauts-de-France") and action.objective_codes
    assert action.indicators[0].targets[0] == (2018, 120)
    # The convention is « prête » only when every action serves a CPO objective: one each.
    prae_page = window.page("prae")
    for _ in range(3):
        keys.tab_to(prae_page.actionList)
        keys.press(Qt.Key.Key_Down)
        keys.tab_to(editor.objectivesList)
        keys.press(Qt.Key.Key_Home)
        keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: all(a.objective_codes for a in praes.get_prae(store, prae_id).actions))

    # 3. The first action's budget (Ctrl+4): a charge line from the menu, an amount, État's
    #    financing, and its status changed from « Sollicité » to « Acquis ».
    keys.press(Qt.Key.Key_4, CTRL)
    budget = window.page("budget")
    assert budget.action_id() == first
    keys.tab_to(budget.addChargeButton)
    keys.when(QMenu, lambda menu: (keys.press(Qt.Key.Key_Down), keys.press(Qt.Key.Key_Return)))
    keys.when(QInputDialog, lambda dialog: (keys.type("Animation regionale"), keys.press(Qt.Key.Key_Return)))
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: bool(budget.charge_rows))
    keys.tab_to(budget.chargesView)
    keys.press(Qt.Key.Key_Home, CTRL)
    keys.press(Qt.Key.Key_Right, times=2)
    for year in ("1500", "1500"):  # Tab in a cell being edited: saved, and on to the next year
        keys.type(year)
        keys.press(Qt.Key.Key_Tab)
    keys.type("1500")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: budget.totals.direct_total == 3 * 1500_00)
    state = next(r for r, f in enumerate(budget.funder_rows) if f.name.startswith("État"))
    keys.tab_to(budget.financingView)
    keys.press(Qt.Key.Key_Home, CTRL)
    keys.press(Qt.Key.Key_Down, times=state)
    keys.press(Qt.Key.Key_Right, times=2)
    for year in ("1500", "1500"):
        keys.type(year)
        keys.press(Qt.Key.Key_Tab)
    keys.type("1500")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: budget.totals.financing_total == 3 * 1500_00)
    keys.press(Qt.Key.Key_Up)
    keys.press(Qt.Key.Key_Home)
    keys.press(Qt.Key.Key_Right)
    keys.press(Qt.Key.Key_F2)
    assert isinstance(keys.focus(), QComboBox) and keys.focus().currentData() == "sollicite"
    keys.type("A")
    qtbot.waitUntil(lambda: {f.status for f in budget.budget.financing} == {"acquis"})
    assert "équilibré" in budget.balanceLabel.text()
    keys.tab_to(budget.sharesEdit)  # « Répartition entre objectifs » is reachable too

    # ... and, since an action without cost blocks the convention, the three others alike.
    for n in range(2, 5):
        keys.tab_to(budget.actionCombo)
        keys.press(Qt.Key.Key_Down)
        qtbot.waitUntil(lambda: budget.action_id() == prae.actions[n - 1].id)
        keys.tab_to(budget.addChargeButton)
        keys.when(QMenu, lambda menu: (keys.press(Qt.Key.Key_Down), keys.press(Qt.Key.Key_Return)))
        keys.when(QInputDialog, lambda dialog: (keys.type("Animation"), keys.press(Qt.Key.Key_Return)))
        keys.press(Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: bool(budget.charge_rows))
        for view, row in ((budget.chargesView, 0), (budget.financingView, state)):
            keys.tab_to(view)
            keys.press(Qt.Key.Key_Home, CTRL)
            keys.press(Qt.Key.Key_Down, times=row)
            keys.press(Qt.Key.Key_Right, times=2)
            for year in ("100", "100"):
                keys.type(year)
                keys.press(Qt.Key.Key_Tab)
            keys.type("100")
            keys.press(Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: budget_service.totals(store, prae_id)[1].financing_total == 3 * 1500_00 + (n - 1) * 300_00
        )

    # 4. The convention's parties (Ctrl+5): the State alone signs.
    keys.press(Qt.Key.Key_5, CTRL)
    conv = window.page("convention")
    if conv.withRegion.isChecked():
        keys.tab_to(conv.withRegion)
        keys.press(Qt.Key.Key_Space)
    for field, text in (
        ("prefectName", "Georges-Francois Leclerc"),
        ("stateName", "Jean-Paul Dupont"),
        ("armlName", "Marie Durand"),
        ("armlProject", "animer le reseau des missions locales"),
        ("signaturePlace", "Lille"),
        ("signatureDate", "15/01/2018"),
        ("orgAddress", "1 rue de Paris, 59000 Lille"),
        ("orgSiret", "73282932000074"),
    ):
        widget = getattr(conv, field)
        keys.tab_to(widget)
        keys.press(Qt.Key.Key_A, CTRL)
        keys.type(text)
        keys.press(Qt.Key.Key_Tab)
    keys.tab_to(conv.steeringMembers)
    keys.type("Prefet de region")
    keys.press(Qt.Key.Key_Return)
    keys.type("President de l'ARML")
    keys.press(Qt.Key.Key_Tab)
    keys.tab_to(conv.resetPaymentsButton)
    keys.press(Qt.Key.Key_Space)

    # 5. The three documents (Ctrl+6), each where the user types it, exported with the keyboard.
    keys.press(Qt.Key.Key_6, CTRL)
    page = window.page("exports")
    out = tmp_path / "out"
    out.mkdir()
    targets = {"convention": out / "convention.pdf", "prae": out / "prae.pdf", "budget": out / "budget.xlsx"}
    for document, target in targets.items():
        path = page.rows[document][1]
        keys.tab_to(path)
        keys.press(Qt.Key.Key_A, CTRL)
        keys.type(str(target))
        keys.press(Qt.Key.Key_Tab)
    ready = exports.preflight_all(store, prae_id, window.workspace.catalogues.default, list(targets))
    assert {d: r.errors for d, r in ready.items()} == {d: [] for d in targets}
    for _ in range(4):  # « exporter quand même ? » and any confirmation: Yes, by keys
        keys.when(QMessageBox, say_yes(keys))
    keys.tab_to(page.exportButton)
    keys.press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: all(t.exists() and t.stat().st_size > 0 for t in targets.values()), timeout=60_000)
    assert targets["convention"].read_bytes().startswith(b"%PDF") and targets["prae"].read_bytes()[:4] == b"%PDF"
    assert targets["budget"].read_bytes()[:2] == b"PK"
    totals = budget_service.totals(store, prae_id)[1]
    assert totals.financing_total == totals.full_total == 3 * 1500_00 + 3 * 300_00
