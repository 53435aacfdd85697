"""The PRAE's directory of missions locales; every change is saved at once and undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem

from pnae_desktop.domain.entities import MissionLocale
from pnae_desktop.services import edits
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.sheet import item_at

COLUMNS = ("Nom", "Ville", "Directeur ou directrice", "Contact")


class MissionsLocalesDialogForm(Form):
    """The widgets forms/missions_locales_dialog.ui provides (checked by load_form)."""

    intro: QLabel
    table: QTableWidget
    addButton: QPushButton
    removeButton: QPushButton
    closeButton: QPushButton


class MissionsLocalesDialog(MissionsLocalesDialogForm, QDialog):
    def __init__(self, page):
        super().__init__(page)
        load_form("missions_locales_dialog.ui", self)
        self.page = page
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._changed)
        self.addButton.clicked.connect(self.add)
        self.removeButton.clicked.connect(self.remove)
        self.closeButton.clicked.connect(self.accept)
        # Every change of the PRAE, undo/redo included, while the dialog is open.
        self._unsubscribe = self.page.session().subscribe(self.fill)
        self.fill()

    def done(self, result):
        self._unsubscribe()
        super().done(result)

    def fill(self, *_):
        self.table.blockSignals(True)
        entries = self.page.prae.missions_locales
        self.table.setRowCount(len(entries))
        for row, ml in enumerate(entries):
            for col, value in enumerate((ml.name, ml.city, ml.director, ml.contact)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, ml.id)
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)

    def _apply(self, edit: edits.Edit) -> None:
        if self.page.apply_edit(edit) is None:
            self.fill()  # refused: show the stored entries again (a success refills through the notice)

    def _save(self, ml: MissionLocale, text: str) -> None:
        self._apply(edits.SaveMissionLocale(text, ml))

    def _changed(self, item):
        row = item.row()
        values = [cell.text() if (cell := self.table.item(row, c)) else "" for c in range(len(COLUMNS))]
        self._save(MissionLocale(item.data(Qt.ItemDataRole.UserRole), *values), "Modifier une mission locale")

    def add(self):
        self._save(MissionLocale(None, "Nouvelle mission locale"), "Ajouter une mission locale")
        row = self.table.rowCount() - 1
        for r in range(self.table.rowCount()):
            if item_at(self.table, r, 0).text() == "Nouvelle mission locale":
                row = r
        self.table.setCurrentCell(row, 0)
        self.table.editItem(item_at(self.table, row, 0))

    def remove(self):
        row = self.table.currentRow()
        if row < 0:
            return
        ml_id = item_at(self.table, row, 0).data(Qt.ItemDataRole.UserRole)
        self._apply(edits.DeleteMissionLocale("Retirer une mission locale", ml_id))
