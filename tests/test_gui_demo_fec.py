"""A newcomer finds the demo's FEC: « Importer le FEC… » on the Suivi page opens its chooser in
the shipped demo folder (its title says so), the demo's FEC imports through the preview; the
next time it opens where the last FEC was taken."""

from __future__ import annotations

import pytest
from conftest import answer_next_dialog, demo_page
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QFileDialog

from pnae_desktop import paths
from pnae_desktop.services import followup as followup_service
from pnae_desktop.ui.fec_dialog import DEMO_FEC, FecPreviewDialog, start_folder

pytestmark = pytest.mark.usefixtures("isolated_settings")


def test_the_fec_chooser_opens_on_the_demo_fec(qtbot, db_path, catalogue, watchdog, tmp_path):
    window = demo_page(qtbot, db_path, catalogue, "suivi")
    page = window.page("suivi")
    page.yearCombo.setCurrentIndex(page.yearCombo.findData(2018))
    demo_folder = paths.resources() / "demo"
    assert (demo_folder / DEMO_FEC).is_file()
    before = followup_service.load_followup(window.workspace.store, page.prae_id)
    seen: dict = {}

    def choose(dialog):
        assert isinstance(dialog, QFileDialog)
        seen["folder"] = dialog.directory().absolutePath()
        seen["title"] = dialog.windowTitle()
        dialog.selectFile(str(demo_folder / DEMO_FEC))
        dialog.accept()
        answer_next_dialog(preview)

    def preview(dialog):
        if not isinstance(dialog, FecPreviewDialog):  # the file dialog, still closing
            QTimer.singleShot(20, lambda: answer_next_dialog(preview))
            return
        seen["preview"] = dialog.applyButton.isEnabled()
        dialog.applyButton.click()

    answer_next_dialog(choose)
    page.importButton.click()
    qtbot.waitUntil(lambda: "preview" in seen, timeout=10_000)
    assert seen["folder"] == str(demo_folder.resolve())
    assert "FEC de démonstration" in seen["title"] and DEMO_FEC in seen["title"]
    assert seen["preview"]
    after = followup_service.load_followup(window.workspace.store, page.prae_id)
    # the demo was built from this very FEC: re-importing it gives the same realised charges
    assert sorted((c.account, c.amount_cents) for c in after.charges if c.year == 2018) == sorted(
        (c.account, c.amount_cents) for c in before.charges if c.year == 2018
    )
    # next time: the folder last used (here the demo's), not the title's hint
    other = tmp_path / "compta"
    other.mkdir()
    QSettings().setValue("suivi/fec/folder", str(other))
    assert start_folder("fec") == (str(other), False)
    assert start_folder("file") == ("", False)
    window.close()
