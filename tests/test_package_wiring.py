"""The .prae package from the command line and from the window."""

from __future__ import annotations

import subprocess
import sys

from conftest import answer_next_dialog
from PySide6.QtCore import QSettings

from pnae_desktop.services import demo, praes
from pnae_desktop.store.database import open_store
from pnae_desktop.ui.app import create_application, open_workspace
from pnae_desktop.ui.main_window import MainWindow


def cli(*args):
    return subprocess.run([sys.executable, "-m", "pnae_desktop", *args], capture_output=True, text=True)


def test_cli_export_then_import_new_refused_copy_and_replace(tmp_path, catalogue):
    source, target = tmp_path / "siege.sqlite", tmp_path / "antenne.sqlite"
    store = open_store(source)
    prae_id = demo.create_demo(store, catalogue)
    store.close()
    package = tmp_path / "prae.prae"
    assert cli("package", "export", "--db", str(source), "--prae", str(prae_id), "--out", str(package)).returncode == 0
    first = cli("package", "import", "--db", str(target), str(package))
    assert first.returncode == 0 and "PRAE importé" in first.stdout
    again = cli("package", "import", "--db", str(target), str(package))
    assert again.returncode != 0 and "copie" in again.stderr
    assert cli("package", "import", "--db", str(target), str(package), "--as-copy").returncode == 0
    assert cli("package", "import", "--db", str(target), str(package), "--replace").returncode == 0
    listing = cli("list", "--db", str(target)).stdout.strip().splitlines()
    assert len(listing) == 2
    assert (tmp_path / "backups").is_dir()  # replace made a backup first


def test_gui_receives_a_package_as_copy(qtbot, tmp_path, catalogue):
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    create_application([])
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    prae_id = demo.create_demo(window.workspace.store, catalogue)
    window.refresh()
    window.open_prae(prae_id)
    package = window.export_package(str(tmp_path / "envoi.prae"))
    assert package is not None and package.exists()

    answer_next_dialog(lambda box: next(b for b in box.buttons() if b.text() == "Importer comme copie").click())
    copy_id = window.import_package(str(package))
    assert copy_id is not None and copy_id != prae_id
    titles = [r.title for r in window.dashboard.model.rows]
    assert any(t.endswith("(copie)") for t in titles) and len(titles) == 2
    assert window.page("prae").prae.summary.id == copy_id
    assert len(praes.get_prae(window.workspace.store, copy_id).actions) == 10
    window.close()
