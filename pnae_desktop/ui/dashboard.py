"""Tableau de bord: the PRAEs of the open store."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QTableView, QWidget

from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.text import escape_markup
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.locale import format_datetime

COLUMNS = ("Intitulé", "Région", "Période", "Statut", "Actions", "Dernière modification")

# Item data roles as plain numbers (Qt.ItemDataRole): the first touch of QtCore.Qt builds every
# Qt enum (~25 ms), and the dashboard is on the start-up path. Being a QStandardItemModel, the
# table also never calls back into Python to paint.
TOOLTIP_ROLE, ALIGNMENT_ROLE, SORT_ROLE = 3, 7, 256
ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080


class PraeTableModel(QStandardItemModel):
    """One row per PRAE; `rows` keeps the summaries in model order."""

    def __init__(self, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.rows: list[PraeSummary] = []

    def set_rows(self, rows: list[PraeSummary]) -> None:
        self.rows = list(rows)
        self.setRowCount(0)
        for p in self.rows:
            texts = (
                p.title,
                f"{p.region_name} ({p.region_code})",
                p.period_label,
                p.status_label,
                str(p.action_count),
                format_datetime(p.updated_at),
            )
            sort_keys = (p.title, p.region_name, p.start_year, p.status, p.action_count, p.updated_at.timestamp())
            # always rich text, escaped: Qt would render a name that looks like HTML as HTML
            tooltip = (
                f"<qt>{escape_markup(p.organisation_name)}<br>Socle commun : {escape_markup(p.catalogue_edition)}</qt>"
            )
            items = []
            for text, key in zip(texts, sort_keys):
                item = QStandardItem(text)
                item.setEditable(False)
                item.setData(key, SORT_ROLE)
                item.setData(tooltip, TOOLTIP_ROLE)
                items.append(item)
            items[4].setData(ALIGN_RIGHT_VCENTER, ALIGNMENT_ROLE)
            self.appendRow(items)


class DashboardPageForm(Form):
    """The widgets forms/dashboard_page.ui provides (checked by load_form)."""

    title: QLabel
    newButton: QPushButton
    demoButton: QPushButton
    countLabel: QLabel
    praeTable: QTableView
    coverageLabel: QLabel
    followupLabel: QLabel  # per year followed: execution rate, gaps without explanation
    emptyLabel: QLabel


class DashboardPage(DashboardPageForm, QWidget):
    new_requested = Signal()
    demo_requested = Signal()
    open_requested = Signal(int)
    selected = Signal(int)  # the PRAE chosen in the table: the current PRAE of every page

    def __init__(self, parent=None):
        super().__init__(parent)
        load_form("dashboard_page.ui", self)
        self.model = PraeTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.praeTable.setModel(self.proxy)
        self.praeTable.verticalHeader().hide()
        header = self.praeTable.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionClicked.connect(self._sort_on_first_click)
        self.newButton.clicked.connect(self.new_requested)
        self.praeTable.activated.connect(self._open)  # double-click or Entrée
        self.summary_provider = None  # set by the window: prae id -> French sentence
        self.followup_provider = None  # set by the window: prae id -> the follow-up in words
        self._followup_of: int | None = None  # the PRAE whose follow-up line is still to be read
        self.praeTable.selectionModel().currentRowChanged.connect(self._show_summary)
        self.demoButton.clicked.connect(self.demo_requested)

    def _sort_on_first_click(self, column: int) -> None:
        """Rows arrive most recent first; sorting by column starts at the first header click
        (switching it on needs a Qt.SortOrder, i.e. QtCore.Qt, kept off the start-up path)."""
        if self.praeTable.isSortingEnabled():
            return
        # start-up: QtCore.Qt builds every enum on first touch (~25 ms)
        from PySide6.QtCore import Qt

        self.praeTable.horizontalHeader().setSortIndicator(column, Qt.SortOrder.AscendingOrder)
        self.praeTable.setSortingEnabled(True)

    def selected_id(self) -> int | None:
        index = self.praeTable.currentIndex()
        return self.model.rows[self.proxy.mapToSource(index).row()].id if index.isValid() else None

    def _show_summary(self, current, _previous=None) -> None:
        if current.isValid():
            self.selected.emit(self.model.rows[self.proxy.mapToSource(current).row()].id)
        if not current.isValid() or self.summary_provider is None:
            self.coverageLabel.clear()
            self.followupLabel.clear()
            return
        prae = self.model.rows[self.proxy.mapToSource(current).row()]
        summary = self.summary_provider(prae.id)
        self.coverageLabel.setText(f"<b>{escape_markup(prae.title)}</b> — {escape_markup(summary)}")
        self._followup_of = prae.id
        if self.isVisible():  # hidden: read when shown (edits elsewhere would pay for it each time)
            self.show_followup()

    def show_followup(self) -> None:
        """Read the follow-up line of the PRAE chosen while the page was hidden (the window calls
        it on showing the page: no showEvent override, whose first call costs start-up ~2 ms)."""
        prae_id, self._followup_of = self._followup_of, None
        if prae_id is not None and self.followup_provider is not None:
            self.followupLabel.setText(escape_markup(self.followup_provider(prae_id)))

    def _open(self, index) -> None:
        row = self.proxy.mapToSource(index).row()
        self.open_requested.emit(self.model.rows[row].id)

    def show_praes(self, rows: list[PraeSummary], current: int | None = None) -> None:
        """List `rows`, the current PRAE of the window (`current`) selected again."""
        self.model.set_rows(rows)
        if current is not None:
            self.select_prae(current)
        empty = not rows
        self.emptyLabel.setVisible(empty)
        self.praeTable.setVisible(not empty)
        self.demoButton.setVisible(empty)
        self.countLabel.setText(f"{len(rows)} PRAE" if rows else "")
        self.coverageLabel.setVisible(not empty)
        self.followupLabel.setVisible(not empty)
        self._show_summary(self.praeTable.currentIndex())

    def select_prae(self, prae_id: int) -> None:
        for row, p in enumerate(self.model.rows):
            if p.id == prae_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.praeTable.setCurrentIndex(index)
                self.praeTable.selectRow(index.row())
                self.praeTable.scrollTo(index)
                return
