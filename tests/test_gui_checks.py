"""The checks before export in the real window: the Convention and Exports pages show the one
list (services.checks) the command line prints, Entrée on a line goes where it is fixed, the
documents that are ready are exported while the others say why not, an existing file is
replaced only after a question, a cancelled export leaves no file, errors are in French."""

from __future__ import annotations

import errno
import re

import pytest
from conftest import answer_next_box, answer_next_dialog
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from test_document_checks import INTERNAL_KEY, hauts_de_france

from pnae_desktop.services import convention, demo, exports
from pnae_desktop.services.checks import document_checks
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.check_list import problem_of
from pnae_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")


def _window(qtbot, tmp_path, catalogue, build):
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    prae_id = build(window.workspace.store, catalogue)
    window.refresh()
    window.open_prae(prae_id)
    page = window.page("exports")
    window.go_to("exports")
    for document, (_check, path, _browse) in page.rows.items():
        path.setText(str(tmp_path / "out" / f"{document}.{'xlsx' if document == 'budget' else 'pdf'}"))
    return window, page


@pytest.fixture
def hdf(qtbot, tmp_path, catalogue):
    window, page = _window(qtbot, tmp_path, catalogue, hauts_de_france)
    yield window, page
    window.close()


@pytest.fixture
def demo_window(qtbot, tmp_path, catalogue):
    window, page = _window(qtbot, tmp_path, catalogue, demo.create_demo)
    yield window, page
    window.close()


def listed(view):
    return [problem_of(view.item(i)) for i in range(view.count()) if problem_of(view.item(i)) is not None]


def lines(view):
    return [view.item(i).text() for i in range(view.count())]


def test_both_pages_show_the_one_list_once_in_french(hdf, catalogue):
    window, page = hdf
    page.run_checks()
    on_exports = [p.message for p in listed(page.checksList)]
    window.go_to("convention")
    conv = window.page("convention")
    on_convention = [p.message for p in listed(conv.checksList)]
    expected = [p.message for p in document_checks(load_snapshot(page.store, page.prae_id, catalogue))]
    assert on_exports == on_convention == expected
    print("\n".join(lines(page.checksList)))
    assert len(on_exports) == len(set(on_exports))  # each once, not once per document
    assert "pas prête" in conv.checksBadge.text()
    assert not any(line.startswith("✓ Aucun") for line in lines(conv.checksList))
    for text in lines(page.checksList) + lines(conv.checksList):
        assert not re.search(r"\(\w+\.\w+\)", text), text
        assert not INTERNAL_KEY.search(text), text
    assert any("bloque : Convention" in t for t in lines(page.checksList))


def test_enter_on_a_check_goes_to_the_place_to_fix(hdf, qtbot):
    window, page = hdf
    page.run_checks()
    view = page.checksList
    row = next(i for i in range(view.count()) if getattr(problem_of(view.item(i)), "code", "") == "action_without_cost")
    problem = problem_of(view.item(row))
    view.setFocus()
    view.setCurrentRow(row)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    budget = window.page("budget")
    assert window.pages.currentWidget() is budget
    assert budget.actionCombo.currentData() == problem.place.action_id
    # a fiche to complete: the fiche of that action, its field focused
    window.go_to("exports")
    page.run_checks()
    row = next(i for i in range(view.count()) if getattr(problem_of(view.item(i)), "code", "") == "fiche_incomplete")
    problem = problem_of(view.item(row))
    view.setCurrentRow(row)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    prae = window.page("prae")
    assert window.pages.currentWidget() is prae
    assert prae.editor.action.id == problem.place.action_id
    # a convention field: the Convention page, the field focused
    window.go_to("convention")
    conv = window.page("convention")
    conv.tabs.setCurrentWidget(conv.articlesTab)
    conv.handDate.setChecked(False)
    conv.signatureDate.setText("")
    conv.signatureDate.editingFinished.emit()
    window.go_to("exports")
    page.run_checks()
    row = next(
        i
        for i in range(view.count())
        if getattr(problem_of(view.item(i)), "place", None)
        and problem_of(view.item(i)).place.target == "signature.date"
    )
    assert "À dater à la main" in view.item(row).text()
    view.setCurrentRow(row)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.pages.currentWidget() is conv
    assert conv.tabs.currentWidget() is conv.partiesTab and conv.focusWidget() is conv.signatureDate


def test_hand_date_is_an_undoable_choice_printed_as_a_blank(hdf):
    window, _page = hdf
    window.go_to("convention")
    conv = window.page("convention")
    conv.signatureDate.setText("")
    conv.signatureDate.editingFinished.emit()
    assert any(p.place.target == "signature.date" and p.severity == "blocking" for p in conv.checks)
    conv.handDate.setChecked(True)
    assert convention.get_settings(conv.store, conv.prae_id, conv.catalogue).signature.date_by_hand
    assert "le ____________" in conv.rendered.signature_closing
    assert not any(p.place.target == "signature.date" for p in conv.checks)
    window.actionUndo.trigger()
    assert not convention.get_settings(conv.store, conv.prae_id, conv.catalogue).signature.date_by_hand
    assert not conv.handDate.isChecked()


def test_a_blocked_convention_does_not_block_the_other_documents(hdf, qtbot, tmp_path, watchdog):
    window, page = hdf
    watchdog.answer_questions = True
    page.exportButton.click()
    qtbot.waitUntil(lambda: page.exportButton.isEnabled() and page.openFileButton.isEnabled(), timeout=60_000)
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["budget.xlsx", "prae.pdf"]
    assert [p.name for p in page.last_outputs] == ["prae.pdf", "budget.xlsx"]
    assert "ne seront pas exportés" in watchdog.messages[0] and "Convention" in watchdog.messages[0]
    assert "Pas prêt, non exporté : Convention" in page.resultLabel.text()
    # « Ouvrir le fichier » follows the last export, never a previous one
    page.praeCheck.setChecked(False)
    page.conventionCheck.setChecked(False)
    page.exportButton.click()
    qtbot.waitUntil(lambda: page.exportButton.isEnabled() and page.openFileButton.isEnabled(), timeout=60_000)
    assert [p.name for p in page.last_outputs] == ["budget.xlsx"]


def test_an_existing_file_is_replaced_only_after_a_question(demo_window, qtbot, tmp_path):
    _window_, page = demo_window
    page.conventionCheck.setChecked(False)
    page.praeCheck.setChecked(False)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "budget.xlsx"
    target.write_bytes(b"previous")
    messages = answer_next_box(QMessageBox.StandardButton.No)
    page.exportButton.click()
    assert "existe déjà" in messages[0] and str(target) in messages[0]
    assert target.read_bytes() == b"previous"
    messages = answer_next_box(QMessageBox.StandardButton.Yes)
    page.exportButton.click()
    qtbot.waitUntil(lambda: page.openFileButton.isEnabled(), timeout=60_000)
    assert "existe déjà" in messages[0]
    assert target.read_bytes()[:2] == b"PK"


def test_cancel_stops_the_export_and_leaves_no_file(demo_window, qtbot, tmp_path):
    _window_, page = demo_window
    page.exportButton.click()
    assert page.cancelButton.isEnabled()
    page.cancelButton.click()
    qtbot.waitUntil(lambda: page.exportButton.isEnabled(), timeout=60_000)
    assert "annulé" in page.resultLabel.text()
    out = tmp_path / "out"
    left = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert left == []  # neither a document nor a temporary file
    assert not page.cancelButton.isEnabled() and not page.openFileButton.isEnabled()


def test_an_os_error_is_said_in_french_with_the_path(demo_window, qtbot, tmp_path, watchdog):
    _window_, page = demo_window
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    page.conventionCheck.setChecked(False)
    page.budgetCheck.setChecked(False)
    page.praePath.setText(str(blocker / "prae.pdf"))
    page.exportButton.click()
    qtbot.waitUntil(lambda: bool(watchdog.messages), timeout=60_000)
    message = watchdog.messages[-1]
    assert str(blocker) in message and "est un fichier, pas un dossier" in message, message
    assert "File exists" not in message and "Errno" not in message
    assert not page.openFileButton.isEnabled()
    # every errno the exports may meet has French words
    for code in (errno.EACCES, errno.EEXIST, errno.ENOSPC, errno.EROFS):
        assert "exists" not in exports.french_os_error(OSError(code, "x")).lower()
    assert exports.french_os_error(PermissionError(errno.EACCES, "Permission denied")).startswith("accès refusé")


def test_open_data_file_dialog_is_an_open_dialog(demo_window):
    window, _page = demo_window
    seen = {}

    def look(dialog):
        seen["mode"] = dialog.acceptMode() if isinstance(dialog, QFileDialog) else None
        seen["label"] = dialog.labelText(QFileDialog.DialogLabel.Accept) if isinstance(dialog, QFileDialog) else ""
        dialog.reject()

    answer_next_dialog(look)
    window.open_store_dialog()
    assert seen["mode"] == QFileDialog.AcceptMode.AcceptOpen
    assert seen["label"] == "Ouvrir"
