"""« Fichier › Se connecter à une base d'équipe… » on a real PostgreSQL, with an in-memory keyring
backend (the Windows Credential Manager cannot be exercised here): an empty database is only
initialised by « Initialiser la base »; the password lands in the credential store and never in
the settings file; a wrong password gets a French sentence; the window switches to the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import create_engine, inspect, make_url

from pnae_desktop.services import team
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow
from pnae_desktop.ui.team import attach
from pnae_desktop.ui.team_dialog import LAST_KEYS, TeamConnectDialog

pytestmark = pytest.mark.usefixtures("isolated_settings")


def fill(dialog: TeamConnectDialog, url: str, password: str) -> None:
    parsed = make_url(url)
    dialog.host.setText(parsed.host or "")
    dialog.port.setValue(parsed.port or 5432)
    dialog.database.setText(parsed.database or "")
    dialog.user.setText(parsed.username or "")
    dialog.password.setText(password)


def table_names(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_an_empty_database_is_initialised_only_by_the_button(qtbot, pg_url, memory_keyring, tmp_path):
    dialog = TeamConnectDialog()
    qtbot.addWidget(dialog)
    fill(dialog, pg_url, "pnae")
    assert not dialog.init_button.isEnabled()
    assert dialog.try_connect() is False
    assert "est vide" in dialog.message.text() and dialog.init_button.isEnabled()
    assert table_names(pg_url) == []  # looking created nothing
    assert dialog.initialise() is True
    assert "alembic_version" in table_names(pg_url) and dialog.url is not None
    connection = dialog.connection()
    assert memory_keyring.passwords == {(team.KEYRING_SERVICE, connection.label): "pnae"}
    settings_text = "".join(p.read_text() for p in Path(tmp_path / "settings").rglob("*.ini"))
    assert "port=5432" in settings_text and "database=" in settings_text
    assert "pass" not in settings_text.lower() and "mot" not in settings_text.lower()
    assert QSettings().allKeys() and all(key.split("/")[-1] in LAST_KEYS for key in QSettings().allKeys())
    # The next time, the last connection and its password come back.
    again = TeamConnectDialog()
    qtbot.addWidget(again)
    assert again.host.text() == connection.host and again.database.text() == connection.database
    assert again.password.text() == "pnae"


def test_a_wrong_password_is_said_in_french(qtbot, pg_url, memory_keyring):
    from sqlalchemy import text

    role = "pnae_teamlive_paul"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text(f"DROP ROLE IF EXISTS {role}"))
        con.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD 'juste'"))
    admin.dispose()
    dialog = TeamConnectDialog()
    qtbot.addWidget(dialog)
    fill(dialog, pg_url, "faux")
    dialog.user.setText(role)
    assert dialog.try_connect() is False
    assert "mot de passe n'est pas le bon" in dialog.message.text()
    assert memory_keyring.passwords == {}


def test_the_window_switches_to_the_team_store(qtbot, pg_url, memory_keyring, tmp_path, catalogue):
    from pnae_desktop.services import demo
    from pnae_desktop.store.database import open_store

    store = open_store(url=pg_url)
    demo.create_demo(store, catalogue)
    store.close()
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    attach(window)  # as run_gui does after the first paint
    assert window.actionConnectTeam in window.findChild(type(window.menuEdit), "menuFile").actions()
    assert getattr(window, "team", None) is None  # a SQLite file: no link to build
    dialog = TeamConnectDialog(window)
    qtbot.addWidget(dialog)
    fill(dialog, pg_url, "pnae")
    assert dialog.try_connect() is True
    from pnae_desktop.services.workspace import Workspace

    assert window.open_store(Workspace(url=dialog.url))  # the link is built on the switch
    link = window.team
    assert window.workspace.url == dialog.url and link.channel is not None and link.channel.live
    assert (
        window.statusBar().currentMessage().startswith("Base d'équipe : ")
        and "@" not in window.statusBar().currentMessage()
    )
    assert len(window.workspace.prae_summaries()) == 1  # the team's demo PRAE
    window.close()
