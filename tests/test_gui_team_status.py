"""The status bar of a window on a team store says « Base d'équipe : serveur/base » (never the
password), and once after connecting to a base that had to be upgraded, where the backup made
before the upgrade was saved."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, make_url

from pnae_desktop.store import migrate
from pnae_desktop.store import team as store_team
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")


def window_on(qtbot, url: str) -> MainWindow:
    window = MainWindow(open_workspace(None, url, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_team_base_is_named_by_server_and_base_without_password(qtbot, pg_url):
    from pnae_desktop.services import team

    team.open_team_store(pg_url, initialise=True).close()
    window = window_on(qtbot, pg_url)
    url = make_url(pg_url)
    shown = window.statusBar().currentMessage()
    assert shown == f"Base d'équipe : {url.host}:{url.port}/{url.database}"
    assert "Fichier de données" not in shown and f"{url.username}:{url.password}@" not in shown and "@" not in shown
    window.close()


def test_a_sqlite_file_is_still_named_as_a_file(qtbot, tmp_path):
    window = MainWindow(open_workspace(tmp_path / "pnae.sqlite", None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    assert window.statusBar().currentMessage() == f"Fichier de données : {tmp_path / 'pnae.sqlite'}"
    window.close()


def test_the_backup_made_before_an_upgrade_is_shown_once(qtbot, pg_url, tmp_path, monkeypatch):
    monkeypatch.setattr(store_team, "backups_folder", lambda: tmp_path / "sauvegardes")
    engine = create_engine(pg_url)
    with engine.begin() as con:
        migrate.upgrade(con, "0001")  # a base of the released schema: opening it upgrades it
    engine.dispose()
    window = window_on(qtbot, pg_url)
    saved = window.workspace.store.migration_backup
    assert saved is not None and saved.exists() and saved.is_relative_to(tmp_path / "sauvegardes")
    assert window.statusBar().currentMessage() == f"Base mise à niveau ; sauvegarde faite avant : {saved}"
    window._show_workspace()  # shown again (another PRAE, a refresh): the notice is not repeated
    assert "sauvegarde" not in window.statusBar().currentMessage()
    window.close()
