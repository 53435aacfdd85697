"""The PRAE's directory of missions locales; every change is saved at once and undoable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem

from pnae_desktop.domain.entities import MissionLocale
from pnae_desktop.services import drafting as drafting_service
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
        self.page.stack().indexChanged.connect(self.fill)  # undo/redo while open
        self.fill()

    def done(self, result):
        self.page.stack().indexChanged.disconnect(self.fill)
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

    def _save(self, ml: MissionLocale, text: str) -> None:
        store, prae_id = self.page.store, self.page.prae.summary.id

        def revert(result):
            ml_id, previous = result
            if previous is None:
                return drafting_service.delete_mission_locale(store, ml_id)
            drafting_service.save_mission_locale(store, prae_id, previous)

        self.page.edit(text, lambda: drafting_service.save_mission_locale(store, prae_id, ml), revert)
        self.fill()

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
        store, prae_id = self.page.store, self.page.prae.summary.id
        self.page.edit(
            "Retirer une mission locale",
            lambda: drafting_service.delete_mission_locale(store, ml_id),
            lambda snapshot: drafting_service.restore_mission_locale(store, prae_id, *snapshot),
        )
        self.fill()
