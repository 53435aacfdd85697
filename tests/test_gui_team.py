"""Two real windows on one PostgreSQL team store (two workspaces, as on two posts), both on the
demo PRAE: an edit in one appears in the other within a second, while the other keeps the text
being typed in a field; the status bar says who works where. On SQLite the link does nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from pnae_desktop.services import demo, praes
from pnae_desktop.services import edits as e
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow
from pnae_desktop.ui.team import attach, install_team, set_user_name, user_name

pytestmark = pytest.mark.usefixtures("isolated_settings")


def team_window(qtbot, url: str, prae_id: int | None = None) -> MainWindow:
    window = MainWindow(open_workspace(None, url, with_demo=False))
    qtbot.addWidget(window)
    install_team(window)
    window.show()
    qtbot.waitExposed(window)
    if prae_id is not None:
        window.refresh()
        window.open_prae(prae_id)
        window.go_to("prae")
    return window


@pytest.fixture
def two_windows(qtbot, pg_url, catalogue):
    from pnae_desktop.store.database import open_store

    store = open_store(url=pg_url)  # the team's IT has initialised the base; someone made the demo
    prae_id = demo.create_demo(store, catalogue)
    store.close()
    first = team_window(qtbot, pg_url, prae_id)
    second = team_window(qtbot, pg_url, prae_id)
    assert first.team.channel.wait_ready() and second.team.channel.wait_ready()
    yield first, second, prae_id
    for window in (first, second):
        window.close()


def test_an_edit_in_one_window_appears_in_the_other_keeping_what_is_typed(qtbot, two_windows):
    first, second, prae_id = two_windows
    theirs = second.page("prae").editor
    assert theirs.action is not None and first.page("prae").editor.action.id == theirs.action.id
    action_id = theirs.action.id
    # In the second window, someone is typing in « Contexte » (not saved yet: the typing pause runs).
    field = theirs.blocks["contexte"].editor
    field.setFocus()
    field.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(field, " Phrase en cours de frappe")
    typed = field.toPlainText()
    assert "contexte" in theirs._pending

    # In the first window, the fiche's title is changed (the same fiche).
    ours = first.page("prae").editor
    ours.titleEdit.setFocus()
    ours.titleEdit.selectAll()
    qtbot.keyClicks(ours.titleEdit, "Titre revu par Marie")
    qtbot.keyClick(ours.titleEdit, Qt.Key.Key_Return)
    assert praes.get_action(first.workspace.store, action_id).title == "Titre revu par Marie"

    qtbot.waitUntil(lambda: theirs.titleEdit.text() == "Titre revu par Marie", timeout=1000)
    assert field.toPlainText() == typed  # what was being typed is kept…
    theirs.flush()
    assert praes.get_action(second.workspace.store, action_id).fields["contexte"] == typed  # …and saved
    # The second window's change comes back to the first one as well.
    qtbot.waitUntil(lambda: ours.blocks["contexte"].editor.toPlainText() == typed, timeout=1000)


def test_an_edit_of_another_fiche_and_of_the_budget_reaches_the_other_window(qtbot, two_windows, catalogue):
    first, second, prae_id = two_windows
    other = praes.get_prae(first.workspace.store, prae_id).actions[2]
    first.session(prae_id).apply(e.UpdateAction("Pilote", other.id, {"pilot": "Paul Martin"}))
    row = next(i for i, a in enumerate(second.page("prae")._prae().actions) if a.id == other.id)
    qtbot.waitUntil(lambda: second.page("prae")._prae().actions[row].pilot == "Paul Martin", timeout=1000)


def test_the_status_bar_says_who_works_on_which_fiche(qtbot, two_windows):
    first, second, _prae_id = two_windows
    set_user_name("Marie")
    first.team.heartbeat()
    set_user_name("Paul")
    second.team.heartbeat()
    number = second.page("prae").editor.action.position + 1
    assert second.team.presence_label.text() == f"Marie modifie la fiche {number}"
    first.team.heartbeat()
    assert first.team.presence_label.text() == f"Paul modifie la fiche {number}"


def test_the_name_defaults_to_the_system_user(monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "cmartin")
    assert user_name() == "cmartin"
    set_user_name("  Claire Martin ")
    assert user_name() == "Claire Martin"


def test_on_a_sqlite_file_the_link_listens_to_nothing(qtbot, tmp_path):
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    link = install_team(window)
    assert link.channel is None and link.presence_label.text() == ""
    window.close()


def test_a_file_on_a_network_folder_is_warned_about_once(qtbot, tmp_path, monkeypatch, watchdog):
    from pnae_desktop.store import network

    folder = tmp_path / "partage"
    folder.mkdir()
    monkeypatch.setattr(network, "_read_mounts", lambda: f"//nas/equipe {folder} cifs rw 0 0\n")
    for _ in range(2):  # opened twice: said once
        window = MainWindow(open_workspace(str(folder / "pnae.sqlite"), None, with_demo=False))
        qtbot.addWidget(window)
        attach(window)  # as run_gui does after the first paint
        window.close()
    assert len(watchdog.messages) == 1 and "dossier réseau" in watchdog.messages[0]
    assert "Se connecter à une base d'équipe" in watchdog.messages[0]


def test_a_budget_cell_being_typed_is_kept_when_a_colleague_changes_another(qtbot, two_windows):
    from PySide6.QtWidgets import QApplication

    from pnae_desktop.services import budget as service

    first, second, prae_id = two_windows
    for window in (first, second):
        window.go_to("budget")
    theirs = second.page("budget")
    assert theirs.charge_rows, "the demo's first action has charge lines"
    account, label = theirs.charge_rows[0]
    year = theirs.budget.years[1]
    # In the second window, a 2018 amount is being typed in the first line (editor still open).
    view = theirs.chargesView
    second.activateWindow()
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 2))
    qtbot.keyClick(view, "1")
    editor = QApplication.focusWidget()
    assert editor is not view
    qtbot.keyClicks(editor, "234")
    # In the first window, a colleague changes another year of the same line.
    cell = service.ChargeCell(theirs.action_id(), account, label, year, service.ChargeValue(amount_cents=777_00))
    first.session(prae_id).apply(e.SetChargeCells("Montant", (cell,)))
    qtbot.waitUntil(lambda: "777" in str(view.model().index(0, 3).data()), timeout=1000)
    assert editor.text() == "1234" and QApplication.focusWidget() is editor
