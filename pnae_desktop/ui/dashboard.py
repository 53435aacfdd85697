"""Tableau de bord: the PRAEs of the open store."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QWidget

from pnae_desktop.domain.entities import PraeSummary
from pnae_desktop.ui.forms import load_form
from pnae_desktop.ui.locale import format_datetime

COLUMNS = ("Intitulé", "Région", "Période", "Statut", "Actions", "Dernière modification")


class PraeTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[PraeSummary] = []

    def set_rows(self, rows: list[PraeSummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        p = self.rows[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            return (
                p.title,
                f"{p.region_name} ({p.region_code})",
                p.period_label,
                p.status_label,
                str(p.action_count),
                format_datetime(p.updated_at),
            )[col]
        if role == Qt.UserRole:  # sort key
            return (p.title, p.region_name, p.start_year, p.status, p.action_count, p.updated_at.timestamp())[col]
        if role == Qt.TextAlignmentRole and col == 4:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            return f"{p.organisation_name}\nSocle commun : {p.catalogue_edition}"
        return None


class DashboardPage(QWidget):
    new_requested = Signal()
    demo_requested = Signal()
    open_requested = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        load_form("dashboard_page.ui", self)
        self.model = PraeTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.UserRole)
        self.praeTable.setModel(self.proxy)
        self.praeTable.verticalHeader().hide()
        header = self.praeTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        self.praeTable.sortByColumn(5, Qt.DescendingOrder)
        self.newButton.clicked.connect(self.new_requested)
        self.praeTable.activated.connect(self._open)  # double-click or Entrée
        self.summary_provider = None  # set by the window: prae id -> French sentence
        self.praeTable.selectionModel().currentRowChanged.connect(self._show_summary)
        self.demoButton.clicked.connect(self.demo_requested)

    def _show_summary(self, current, _previous=None) -> None:
        if not current.isValid() or self.summary_provider is None:
            self.coverageLabel.clear()
            return
        prae = self.model.rows[self.proxy.mapToSource(current).row()]
        self.coverageLabel.setText(f"<b>{prae.title}</b> — {self.summary_provider(prae.id)}")

    def _open(self, index) -> None:
        row = self.proxy.mapToSource(index).row()
        self.open_requested.emit(self.model.rows[row].id)

    def show_praes(self, rows: list[PraeSummary]) -> None:
        self.model.set_rows(rows)
        empty = not rows
        self.emptyLabel.setVisible(empty)
        self.praeTable.setVisible(not empty)
        self.demoButton.setVisible(empty)
        self.countLabel.setText(f"{len(rows)} PRAE" if rows else "")
        self.coverageLabel.setVisible(not empty)
        self._show_summary(self.praeTable.currentIndex())

    def select_prae(self, prae_id: int) -> None:
        for row, p in enumerate(self.model.rows):
            if p.id == prae_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.praeTable.selectRow(index.row())
                self.praeTable.scrollTo(index)
                return
