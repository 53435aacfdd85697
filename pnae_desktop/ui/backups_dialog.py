"""Backups of the open store: list them with what they contain, back up now, restore one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton

from pnae_desktop.errors import UserError
from pnae_desktop.services import backups as backup
from pnae_desktop.ui import palette
from pnae_desktop.ui.forms import Form, load_form


class BackupsDialogForm(Form):
    """The widgets forms/backups_dialog.ui provides (checked by load_form)."""

    intro: QLabel
    backupList: QListWidget
    folderLabel: QLabel
    backupNowButton: QPushButton
    restoreButton: QPushButton
    closeButton: QPushButton


class BackupsDialog(BackupsDialogForm, QDialog):
    def __init__(self, window):
        super().__init__(window)
        load_form("backups_dialog.ui", self)
        self.window_ = window
        self.path = window.workspace.path
        self.backupNowButton.clicked.connect(self.backup_now)
        self.restoreButton.clicked.connect(self.restore)
        self.closeButton.clicked.connect(self.accept)
        self.problemLabel = QLabel(self)  # the day's backup failed: said here as in the status bar
        self.problemLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.problemLabel.setWordWrap(True)
        self.problemLabel.setStyleSheet(f"color: {palette.ERROR};")
        self.layout().insertWidget(1, self.problemLabel)
        self.fill()

    def fill(self) -> None:
        problem = self.window_.workspace.backup_problem
        self.problemLabel.setText(f"⚠ La sauvegarde du jour a échoué : {problem}" if problem else "")
        self.problemLabel.setVisible(bool(problem))
        self.backupList.clear()
        for info in backup.list_backups(self.path):
            item = QListWidgetItem(info.description)
            item.setData(Qt.ItemDataRole.UserRole, str(info.path))
            self.backupList.addItem(item)
        if self.backupList.count():
            self.backupList.setCurrentRow(0)
        else:
            self.backupList.addItem("Aucune sauvegarde pour l'instant.")
        self.restoreButton.setEnabled(
            self.backupList.currentItem() is not None
            and self.backupList.currentItem().data(Qt.ItemDataRole.UserRole) is not None
        )
        self.folderLabel.setText(f"Dossier : {backup.backups_dir(self.path)}")

    def backup_now(self) -> None:
        try:
            made = backup.backup_now(self.path, backup.REASON_MANUAL)
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return
        self.window_.workspace.backup_problem = None  # a backup was just made: the day is covered
        self.window_.show_backup_problem()
        self.fill()
        self.window_.statusBar().showMessage(f"Sauvegarde créée : {made.name}", 8000)

    def restore(self) -> None:
        item = self.backupList.currentItem()
        chosen = item.data(Qt.ItemDataRole.UserRole) if item else None
        if not chosen:
            return
        if (
            QMessageBox.question(
                self,
                self.windowTitle(),
                f"Remplacer le fichier de données par cette sauvegarde ?\n\n{item.text()}\n\n"
                "Le fichier actuel est d'abord copié de côté dans le dossier des sauvegardes.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.window_.close_workspace_for_restore()
        try:
            aside = backup.restore(self.path, chosen)
        except UserError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            self.window_.open_store(str(self.path))
            return
        self.window_.open_store(str(self.path))
        QMessageBox.information(
            self,
            self.windowTitle(),
            "Sauvegarde restaurée." + (f"\n\nL'ancien fichier est conservé ici :\n{aside}" if aside else ""),
        )
        self.fill()
