"""« Fichier › Se connecter à une base d'équipe… »: server, port, database, user and password;
the password goes to the operating system's credential store (services.team), the rest of the
last connection to the settings. An empty database is initialised only by « Initialiser la base »."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pnae_desktop.errors import StoreError
from pnae_desktop.services import team

LAST_KEYS = ("host", "port", "database", "user")  # under "team_connection/": never the password


class TeamConnectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("teamConnectDialog")
        self.setWindowTitle("Se connecter à une base d'équipe")
        self.url: str | None = None
        self.host, self.database, self.user = QLineEdit(), QLineEdit(), QLineEdit()
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("Retenir le mot de passe (dans le coffre de mots de passe du système)")
        self.remember.setChecked(True)
        form = QFormLayout()
        for label, widget in (
            ("&Serveur :", self.host),
            ("&Port :", self.port),
            ("&Base :", self.database),
            ("&Utilisateur :", self.user),
            ("&Mot de passe :", self.password),
        ):
            form.addRow(label, widget)
        form.addRow("", self.remember)
        self.message = QLabel()
        self.message.setObjectName("teamMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.connect_button = QPushButton("Se &connecter")
        self.connect_button.setDefault(True)
        self.init_button = QPushButton("&Initialiser la base")
        self.init_button.setEnabled(False)  # only for an empty database, once seen
        buttons.addButton(self.connect_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.init_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.rejected.connect(self.reject)
        self.connect_button.clicked.connect(self.try_connect)
        self.init_button.clicked.connect(self.initialise)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._restore()

    def connection(self) -> team.TeamConnection:
        return team.TeamConnection(
            self.host.text().strip(), self.port.value(), self.database.text().strip(), self.user.text().strip()
        )

    def _restore(self) -> None:
        settings = QSettings()
        last = {key: str(settings.value(f"team_connection/{key}", "")) for key in LAST_KEYS}
        if not last["host"]:
            return
        self.host.setText(last["host"])
        self.port.setValue(int(last["port"]) if last["port"].isdigit() else 5432)
        self.database.setText(last["database"])
        self.user.setText(last["user"])
        self.password.setText(team.load_password(self.connection()) or "")

    def _remember(self, connection: team.TeamConnection, password: str) -> None:
        settings = QSettings()
        for key in LAST_KEYS:
            settings.setValue(f"team_connection/{key}", str(getattr(connection, key)))
        if self.remember.isChecked():
            team.save_password(connection, password)
        else:
            team.forget_password(connection)

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def try_connect(self) -> bool:
        connection = self.connection()
        if not (connection.host and connection.database and connection.user):
            self._say("Indiquez le serveur, la base et l'utilisateur.")
            return False
        try:
            state = team.probe(connection, self.password.text())
        except StoreError as exc:
            self._say(str(exc))
            return False
        if state.empty:
            self.init_button.setEnabled(True)
            self._say(
                f"La base « {connection.label} » est vide. Si c'est bien la base d'équipe préparée par votre "
                "service informatique, cliquez sur « Initialiser la base » : PNAE Desktop y créera ses tables."
            )
            return False
        try:
            self._remember(connection, self.password.text())
        except StoreError as exc:
            self._say(str(exc))  # the connection still works; the password will be asked again
        self.url = connection.url(self.password.text())
        self.accept()
        return True

    def initialise(self) -> bool:
        try:
            team.initialise(self.connection(), self.password.text())
        except StoreError as exc:
            self._say(str(exc))
            return False
        self.init_button.setEnabled(False)
        return self.try_connect()


def connect_to_team_store(window) -> bool:
    """The menu action: the dialog, then the window switches to the team store."""
    from pnae_desktop.services.workspace import Workspace  # start-up: the menu action only

    dialog = TeamConnectDialog(window)
    if not dialog.exec() or dialog.url is None:
        return False
    return bool(window.open_store(Workspace(url=dialog.url)))
