"""Exporting from the window: pre-flight, progress in the background, files a reader accepts."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings

from pnae_desktop.services import convention, demo
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow


@pytest.fixture
def page(qtbot, tmp_path, catalogue, isolated_settings):
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    prae_id = demo.create_demo(window.workspace.store, catalogue)
    window.refresh()
    window.open_prae(prae_id)
    window.go_to("exports")
    exports_page = window.page("exports")
    for document, (_check, path, _browse) in exports_page.rows.items():
        path.setText(str(tmp_path / "out" / f"{document}.{'xlsx' if document == 'budget' else 'pdf'}"))
    yield exports_page
    window.close()


def test_export_three_documents_from_the_window(qtbot, page, tmp_path, watchdog):
    watchdog.answer_questions = True
    messages = watchdog.messages
    page.exportButton.click()
    qtbot.waitUntil(lambda: page.openFileButton.isEnabled() or len(messages) > 1, timeout=60_000)
    assert page.openFileButton.isEnabled(), messages
    assert page.progress.value() == 100
    out = tmp_path / "out"
    convention_pdf, prae_pdf, workbook = out / "convention.pdf", out / "prae.pdf", out / "budget.xlsx"
    assert [p.name for p in page.last_outputs] == ["convention.pdf", "prae.pdf", "budget.xlsx"]
    text = "".join(p.extract_text() for p in PdfReader(convention_pdf).pages)
    assert "Convention pluriannuelle d'objectifs" in text and "Signatures" in text
    assert len(PdfReader(prae_pdf).pages) > 10
    assert "Synthèse" in openpyxl.load_workbook(workbook).sheetnames
    if shutil.which("qpdf"):
        for pdf in (convention_pdf, prae_pdf):
            assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0
    # the destination folder is remembered for next time
    assert QSettings().value("exports/convention/folder") == str(out)


def test_blocking_check_prevents_the_convention_export(qtbot, page, tmp_path, watchdog):
    settings = convention.get_settings(page.store, page.prae_id, page.catalogue)
    state = replace(settings.state, signatory=replace(settings.state.signatory, name=""))
    convention.save_settings(page.store, page.prae_id, page.catalogue, replace(settings, state=state))
    page.praeCheck.setChecked(False)
    page.budgetCheck.setChecked(False)
    results = page.run_checks()
    assert not results["convention"].ok
    assert any(page.checksList.item(i).text().startswith("⛔") for i in range(page.checksList.count()))
    watchdog.answer_questions = True
    messages = watchdog.messages
    page.exportButton.click()
    qtbot.waitUntil(lambda: bool(messages))
    assert "bloquent" in messages[0]
    assert not (tmp_path / "out" / "convention.pdf").exists()
