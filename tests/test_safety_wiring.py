"""Store safety as the user meets it: one writer, backups and restore, damaged files, check."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from conftest import MessageWatchdog
from PySide6.QtCore import QSettings

from pnae_desktop.errors import StoreError
from pnae_desktop.services import demo, praes
from pnae_desktop.services.workspace import DamagedStoreError, Workspace
from pnae_desktop.store import backup
from pnae_desktop.store.database import open_store
from pnae_desktop.ui.app import create_application, open_workspace
from pnae_desktop.ui.main_window import MainWindow


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo_file(tmp_path, catalogue):
    path = tmp_path / "pnae.sqlite"
    store = open_store(path)
    demo.create_demo(store, catalogue)
    store.close()
    return path


def test_second_writer_is_refused_with_who_holds_the_file(demo_file):
    first = Workspace(db=demo_file)
    first.prepare()
    second = Workspace(db=demo_file)
    with pytest.raises(StoreError, match="Un seul poste à la fois"):
        second.prepare()
    first.close()
    second.prepare()  # free again once the first one closed
    second.close()


def test_cli_demo_refuses_while_the_app_holds_the_file(demo_file):
    holder = Workspace(db=demo_file)
    holder.prepare()
    before = sha(demo_file)
    result = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "demo", "--db", str(demo_file)], capture_output=True, text=True
    )
    holder.close()
    assert result.returncode != 0 and "fermez-le d'abord" in result.stderr
    assert sha(demo_file) == before


def test_damaged_store_is_refused_untouched_and_check_reports_it(demo_file, tmp_path):
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(demo_file.read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\x00\xff" * 100  # scribble over a b-tree page
    damaged.write_bytes(bytes(data))
    before = sha(damaged)
    with pytest.raises(DamagedStoreError):
        Workspace(db=damaged).prepare()
    assert sha(damaged) == before
    check = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "check", "--db", str(damaged)], capture_output=True, text=True
    )
    assert check.returncode == 1 and "damaged.sqlite" in check.stderr
    healthy = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "check", "--db", str(demo_file)], capture_output=True, text=True
    )
    assert healthy.returncode == 0 and "est sain" in healthy.stdout
    assert sha(damaged) == before


def test_backup_then_restore_from_the_dialog(qtbot, demo_file, tmp_path):
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    create_application([])
    window = MainWindow(open_workspace(str(demo_file), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    made = backup.backup_now(demo_file, backup.REASON_MANUAL)
    prae_id = window.dashboard.model.rows[0].id
    # a change after the backup: a second PRAE
    from pnae_desktop.domain.entities import NewPrae

    praes.create_prae(window.workspace.store, window.workspace.catalogues.default, NewPrae("04", 2018, 2020, (5,)))
    window.refresh()
    assert len(window.dashboard.model.rows) == 2

    from pnae_desktop.ui.backups_dialog import BackupsDialog

    dialog = BackupsDialog(window)
    qtbot.addWidget(dialog)
    listed = [dialog.backupList.item(i).data(0x0100) for i in range(dialog.backupList.count())]
    assert str(made) in listed
    dialog.backupList.setCurrentRow(listed.index(str(made)))
    dog = MessageWatchdog(answer_questions=True)  # Yes to the question, then OK to the report
    dialog.restoreButton.click()
    dog.stop()
    answers = dog.messages
    assert "copié de côté" in answers[0] and "restaurée" in answers[1]
    assert [r.id for r in window.dashboard.model.rows] == [prae_id]  # back to the backup's content
    asides = [b for b in backup.list_backups(demo_file) if b.reason == backup.REASON_RESTORE]
    assert asides and asides[0].prae_count == 2  # the replaced file was kept
    window.close()
