"""The Budget page's spreadsheets: a table model of display and edit texts whose last rows
are derived totals, and the colours, fonts and number formats they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont

from pnae_desktop.ui import palette

RED, GREEN, GREY = QColor(palette.ERROR), QColor(palette.SUCCESS), QColor(palette.SHADE)
# Plain ints: comparing the role (an int) with PySide6's enum objects costs a Python call each.
DISPLAY, EDIT, ALIGN, FONT, BACKGROUND, FOREGROUND, TOOLTIP = (
    int(r.value)
    for r in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
    )
)
RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
BOLD = QFont()
BOLD.setBold(True)
GREY_BRUSH = QBrush(GREY)


def edit_text(cents: int | None) -> str:
    """What a cell shows when edited: a plain French number without group separators."""
    if cents is None:
        return ""
    return f"{cents // 100},{cents % 100:02d}"


@dataclass
class SheetContent:
    """What a sheet shows: display and edit texts per cell, which cells are editable, and how
    many last rows are derived totals (read-only, bold, shaded)."""

    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    edit_values: list[list[str]] = field(default_factory=list)
    editable: set[tuple[int, int]] = field(default_factory=set)
    footer: int = 0
    tooltips: dict[tuple[int, int], str] = field(default_factory=dict)
    colors: dict[tuple[int, int], QColor] = field(default_factory=dict)


class SheetModel(QAbstractTableModel):
    """Rows of cells; the last `footer` rows are derived totals (read-only, bold, shaded).
    A typed cell is handed to `on_edit(model, row, column, text)` once its editor has closed."""

    def __init__(self, parent: QObject, on_edit: Callable[[SheetModel, int, int, str], None]) -> None:
        super().__init__(parent)
        self.on_edit = on_edit
        self.headers: list[str] = []
        self.rows: list[list] = []  # display values
        self.edit_values: list[list] = []
        self.tooltips: dict[tuple[int, int], str] = {}
        self.editable: set[tuple[int, int]] = set()
        self.numeric_from = 2
        self.footer = 0
        self.colors: dict[tuple[int, int], QColor] = {}

    def set_content(self, headers, rows, edit_values, editable, footer, tooltips=None, colors=None):
        # Same shape: the cells change in place, so the cell editor opened by Tab on the next cell
        # and the cursor stay where they are; a row more or less resets the sheet.
        same_shape = headers == self.headers and len(rows) == len(self.rows) and footer == self.footer
        if not same_shape:
            self.beginResetModel()
        self.headers, self.rows, self.edit_values = headers, rows, edit_values
        self.editable, self.footer = editable, footer
        self.tooltips, self.colors = tooltips or {}, colors or {}
        if not same_shape:
            self.endResetModel()
        elif rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(headers) - 1))

    def show(self, content: SheetContent) -> None:
        self.set_content(
            content.headers,
            content.rows,
            content.edit_values,
            content.editable,
            content.footer,
            content.tooltips,
            content.colors,
        )

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if (index.row(), index.column()) in self.editable else base

    def data(self, index, role=DISPLAY):
        role = int(role)
        r, c = index.row(), index.column()
        if role == DISPLAY:
            return self.rows[r][c]
        if role == EDIT:
            return self.edit_values[r][c]
        if role == ALIGN:
            return RIGHT if c >= self.numeric_from else None
        footer = r >= len(self.rows) - self.footer
        if role == FONT:
            return BOLD if footer else None
        if role == BACKGROUND:
            return GREY_BRUSH if footer else None
        if role == FOREGROUND:
            color = self.colors.get((r, c))
            return QBrush(color) if color is not None else None
        if role == TOOLTIP:
            return self.tooltips.get((r, c))
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):
        if role != Qt.ItemDataRole.EditRole or (index.row(), index.column()) not in self.editable:
            return False
        if str(value) == str(self.edit_values[index.row()][index.column()]):
            return False  # unchanged: no edit, no undo step
        # Saved once the editor has closed: the page then reloads this model from the store.
        row, col = index.row(), index.column()
        QTimer.singleShot(0, lambda: self.on_edit(self, row, col, str(value)))
        return True
