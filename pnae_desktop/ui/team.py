"""The window's link to a team store: a colleague's change refreshes the open pages (the notices
of services.live, handed to the sessions on the GUI thread), and the status bar says who else
works on the PRAE (« Marie modifie la fiche 5 ») from the presence heartbeats.

The listening thread only wakes the GUI thread (a queued signal); the sessions and the pages
are touched on the GUI thread alone. On a SQLite file there is nothing to listen to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QLabel

from pnae_desktop.errors import UserError

if TYPE_CHECKING:
    from pnae_desktop.services import live
    from pnae_desktop.services.workspace import Workspace
    from pnae_desktop.ui.main_window import MainWindow

USER_NAME_KEY = "team/user_name"
NETWORK_WARNED_KEY = "team/network_warned"  # the network files already warned about
PLACES = {"budget": "le budget", "convention": "la convention", "exports": "les exports"}


def user_name() -> str:
    """« Votre nom » from the settings; the operating system's user name by default."""
    from pnae_desktop.services import presence  # start-up: SQLAlchemy, only when asked

    name = QSettings().value(USER_NAME_KEY, "")
    return str(name).strip() or presence.default_user_name()


def set_user_name(name: str) -> None:
    QSettings().setValue(USER_NAME_KEY, name.strip())


class TeamLink(QObject):
    noticed = Signal()  # from the listening thread: a colleague's notice is queued

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window_ = window
        self.channel: live.LiveChannel | None = None
        self._workspace: Workspace | None = None
        self._connected = False  # `noticed` is connected when a team store is first linked
        self.presence_label = QLabel()
        self.presence_label.setObjectName("presenceLabel")
        self.presence_label.setAccessibleName("Collègues connectés")
        window.statusBar().addPermanentWidget(self.presence_label)
        self._beat = QTimer(self)  # its interval is set when a team store is linked
        self._beat.timeout.connect(self.heartbeat)
        window.installEventFilter(self)
        self.follow_workspace()

    def eventFilter(self, watched: QObject, event: QtCore.QEvent) -> bool:
        # QtCore.QEvent, not imported by name: building it costs start-up ~2 ms, and a SQLite window has no link
        if watched is self.window_ and event.type() == QtCore.QEvent.Type.Close:
            self.close()  # before the window closes its store
        return False

    def follow_workspace(self) -> None:
        workspace = self.window_.workspace
        if workspace is self._workspace:
            return
        self.close()
        self._workspace = workspace
        if workspace.url is None:
            warn_network_once(self.window_, workspace)
            return  # a SQLite file: one writer, nothing to listen to
        from PySide6.QtCore import Qt  # start-up: Qt's enums cost ~20 ms; a SQLite window needs none

        from pnae_desktop.services import live, presence  # start-up: SQLAlchemy, for a team store only

        if not self._connected:
            self.noticed.connect(self.dispatch, Qt.ConnectionType.QueuedConnection)
            self._connected = True
        store = workspace.store
        self._beat.setInterval(presence.BEAT_S * 1000)
        self.channel = live.LiveChannel(store, on_notice=self.noticed.emit)
        for session in list(getattr(self.window_, "_sessions", {}).values()):
            self.channel.sessions.add(session)  # sessions opened before the link
        self._beat.start()
        QTimer.singleShot(0, self.heartbeat)

    def dispatch(self) -> None:
        if self.channel is not None:
            self.channel.dispatch()

    def place(self) -> str:
        """Where this user works: « la fiche 5 », « le budget »… (empty on the other pages)."""
        window = self.window_
        current = window.pages.currentWidget()
        keys = {id(widget): key for key, widget in getattr(window, "_page_widgets", {}).items()}
        key = keys.get(id(current))
        if key == "prae" and window._prae_page is not None:
            action = window._prae_page.editor.action
            return f"la fiche {action.position + 1}" if action is not None else "le PRAE"
        return PLACES.get(key or "", "")

    def heartbeat(self) -> None:
        if self.channel is None or not self.channel.live:
            return
        from pnae_desktop.services import presence  # loaded with the channel already

        store = self.channel.store
        prae_id = self.window_.current_prae_id
        try:
            presence.beat(store, self.channel.client_id, user_name(), prae_id, self.place())
            people = presence.others(store, self.channel.client_id, prae_id)
        except (UserError, OSError, Exception):  # noqa: BLE001 - a lost server never stops the window
            self.presence_label.setText("")
            return
        self.presence_label.setText(presence.status_line(people))

    def close(self) -> None:
        self._beat.stop()
        channel, self.channel = self.channel, None
        if channel is None:
            return
        channel.close()
        from pnae_desktop.services import presence  # loaded with the channel already

        try:
            presence.leave(channel.store, channel.client_id)
        except Exception:  # noqa: BLE001 - the server may be gone: the row expires by itself
            pass


def ask_user_name(window) -> bool:
    """« Votre nom… »: the name colleagues see in the status bar."""
    from PySide6.QtWidgets import QInputDialog  # start-up: its enums, only when asked

    name, ok = QInputDialog.getText(
        window, "Votre nom", "Le nom que vos collègues voient quand vous modifiez un PRAE :", text=user_name()
    )
    if ok and name.strip():
        set_user_name(name)
        return True
    return False


def warn_network_once(window: MainWindow, workspace: Workspace) -> bool:
    """Say once per file that a SQLite file on a network folder is no team store (with the steps)."""
    message = workspace.network_warning()
    if message is None:
        return False
    settings = QSettings()
    warned = [str(p) for p in (settings.value(NETWORK_WARNED_KEY) or [])]
    if str(workspace.path) in warned:
        return False
    settings.setValue(NETWORK_WARNED_KEY, [*warned, str(workspace.path)])
    from PySide6.QtWidgets import QMessageBox  # start-up: its enums, only when there is a warning

    QMessageBox.warning(window, "Fichier de données sur un dossier réseau", message)
    return True


def install_team(window: MainWindow) -> TeamLink:
    window.team = TeamLink(window)  # type: ignore[attr-defined]
    return window.team  # type: ignore[attr-defined]


def attach(window: MainWindow) -> None:
    """After the first paint: the File menu's team actions, and a link that follows the window
    from store to store."""
    window.actionConnectTeam.triggered.connect(lambda: connect_to_team_store(window))
    window.actionUserName.triggered.connect(lambda: ask_user_name(window))
    window.store_changed.connect(lambda: follow(window))
    follow(window)


def connect_to_team_store(window: MainWindow) -> bool:
    from pnae_desktop.ui import team_dialog  # start-up: it loads SQLAlchemy; only when asked

    return team_dialog.connect_to_team_store(window)


def follow(window: MainWindow) -> None:
    """The window's store changed (or start-up): the link follows it. It is only built for a team
    store: a SQLite file has no colleagues to listen to (and start-up stays light)."""
    link: TeamLink | None = getattr(window, "team", None)
    if link is not None:
        link.follow_workspace()
    elif window.workspace.url is not None:
        install_team(window)
    else:
        warn_network_once(window, window.workspace)
