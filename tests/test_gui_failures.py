"""Nothing vanishes (issue 13, finding 13): an uncaught exception is logged and shown in a
French dialog that can copy its report, the app stays up; a failed daily backup is shown in the
status bar and the backups dialog. And exports from the window ask before replacing a file."""

from __future__ import annotations

import logging
import os
import stat
import sys
import threading

import pytest
from conftest import answer_next_dialog
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from pnae_desktop import logs
from pnae_desktop.services import backups, demo
from pnae_desktop.ui.app import install_error_reporting, open_workspace
from pnae_desktop.ui.backups_dialog import BackupsDialog
from pnae_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, tmp_path):
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


@pytest.fixture
def hooks(monkeypatch):
    """The process-wide hooks and log handlers, restored after the test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield
    for handler in list(logs.log.handlers):
        logs.log.removeHandler(handler)
        handler.close()


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_shown_and_copied(qtbot, window, tmp_path, hooks):
    install_error_reporting(QApplication.instance(), tmp_path / "logs")
    button = QPushButton("boum", window)

    def explode():
        raise RuntimeError("panne simulée dans un slot")

    button.clicked.connect(explode)
    seen: list[str] = []

    def copy_report(box):
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        seen.append(box.detailedText())
        next(b for b in box.buttons() if b.text() == "Copier le rapport").click()

    QApplication.clipboard().clear()
    answer_next_dialog(copy_report)
    button.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert "Une erreur inattendue s'est produite" in seen[0]
    assert "panne simulée dans un slot" in seen[1]
    qtbot.waitUntil(lambda: "panne simulée" in QApplication.clipboard().text(), timeout=5_000)
    assert "Traceback" in QApplication.clipboard().text()
    assert window.isVisible()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=5_000)
    log_file = tmp_path / "logs" / logs.LOG_NAME
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "panne simulée dans un slot" in text
    if os.name == "posix":
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_thread_is_logged_and_shown(qtbot, window, tmp_path, hooks):
    install_error_reporting(QApplication.instance(), tmp_path)
    seen: list[str] = []
    answer_next_dialog(lambda box: (seen.append(box.detailedText()), box.close()))
    thread = threading.Thread(target=lambda: 1 / 0, name="travail")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert "ZeroDivisionError" in seen[0]
    assert "ZeroDivisionError" in (tmp_path / logs.LOG_NAME).read_text(encoding="utf-8")


def test_the_log_rotates_and_survives_an_unwritable_folder(tmp_path, hooks):
    path = logs.install_log_file(tmp_path)
    assert path == tmp_path / logs.LOG_NAME
    for n in range(4000):
        logs.log.info("ligne %d %s", n, "x" * 400)
    assert (tmp_path / f"{logs.LOG_NAME}.1").exists() and path.stat().st_size <= logs.MAX_BYTES
    assert not (tmp_path / f"{logs.LOG_NAME}.4").exists()
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    assert logs.install_log_file(blocker / "sous-dossier") is None  # the app runs on without a log
    logs.log.log(logging.ERROR, "toujours là")


def test_a_failed_daily_backup_shows_in_the_status_bar_and_the_dialog(qtbot, window, watchdog):
    folder = backups.backups_dir(window.workspace.path)
    if folder.exists():
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()
    folder.write_text("un fichier à la place du dossier")  # root ignores permissions: a file instead
    window._warm_up()
    assert window.workspace.backup_problem
    qtbot.waitUntil(lambda: window.backup_problem_label is not None and window.backup_problem_label.isVisible())
    assert "Sauvegarde du jour impossible" in window.backup_problem_label.text()
    dialog = BackupsDialog(window)
    assert dialog.problemLabel.isVisibleTo(dialog)
    assert "La sauvegarde du jour a échoué" in dialog.problemLabel.text()
    assert window.workspace.backup_problem in dialog.problemLabel.text()
    dialog.close()


def test_the_exports_page_asks_before_replacing_a_file(qtbot, window, tmp_path, catalogue, watchdog):
    prae_id = demo.create_demo(window.workspace.store, catalogue)
    window.refresh()
    window.open_prae(prae_id)
    window.go_to("exports")
    page = window.page("exports")
    page.conventionCheck.setChecked(False)
    page.praeCheck.setChecked(False)
    out = tmp_path / "budget.xlsx"
    out.write_bytes(b"ancien")
    page.budgetPath.setText(str(out))
    questions: list[str] = []

    def answer(button):
        def click(box):
            questions.append(box.text())
            if "existe déjà" in box.text():
                box.button(button).click()
            else:  # the warnings' question comes first
                box.button(QMessageBox.StandardButton.Yes).click()
                answer_next_dialog(click)

        return click

    answer_next_dialog(answer(QMessageBox.StandardButton.No))
    page.export()
    assert any("Le fichier" in q and "existe déjà. Le remplacer ?" in q for q in questions)
    assert out.read_bytes() == b"ancien"
    questions.clear()
    answer_next_dialog(answer(QMessageBox.StandardButton.Yes))
    page.export()
    qtbot.waitUntil(lambda: page.openFileButton.isEnabled(), timeout=60_000)
    assert out.read_bytes().startswith(b"PK")
    page.budgetPath.setText(str(window.workspace.path))  # the store: refused, never replaced
    before = window.workspace.path.read_bytes()
    watchdog.messages.clear()
    watchdog.answer_questions = True  # the warnings' question, then the refusal
    page.export()
    qtbot.waitUntil(lambda: any("ouvert" in m for m in watchdog.messages), timeout=30_000)
    assert "fichier de données ouvert" in watchdog.messages[-1]
    assert window.workspace.path.read_bytes() == before


def test_the_package_export_asks_before_replacing_a_file(qtbot, window, tmp_path, catalogue, watchdog):
    prae_id = demo.create_demo(window.workspace.store, catalogue)
    window.refresh()
    window.open_prae(prae_id)
    out = tmp_path / "envoi.prae"
    out.write_bytes(b"ancien")
    answer_next_dialog(lambda box: box.button(QMessageBox.StandardButton.No).click())
    assert window.export_package(str(out)) is None
    assert out.read_bytes() == b"ancien"
    answer_next_dialog(lambda box: box.button(QMessageBox.StandardButton.Yes).click())
    assert window.export_package(str(out)) == out
    assert out.read_bytes().startswith(b"PK")
    assert window.export_package(str(window.workspace.path)) is None
    assert any("fichier de données ouvert" in m for m in watchdog.messages)
