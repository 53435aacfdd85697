"""A table view that behaves like a spreadsheet: type to edit, Enter goes down, Tab goes right,
Ctrl+C copies the selection and Ctrl+V pastes a block copied from Excel or LibreOffice."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QTableView, QTableWidget, QTableWidgetItem


def parse_block(text: str) -> list[list[str]]:
    """Tab-separated rows, as spreadsheets put them on the clipboard (trailing newline ignored)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.split("\t") for line in lines]


def item_at(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """The item at (row, column) of a table whose every cell is filled when it is built."""
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"{table.objectName()}: no item at ({row}, {column})")
    return item


def text_at(table: QTableWidget, row: int, column: int) -> str:
    """The text at (row, column), "" for an empty cell."""
    item = table.item(row, column)
    return item.text() if item is not None else ""


def data_at(table: QTableWidget, row: int, column: int, default: object) -> Any:
    """The user data at (row, column), `default` for an empty cell."""
    item = table.item(row, column)
    return item.data(Qt.ItemDataRole.UserRole) if item is not None else default


class SheetView(QTableView):
    paste_requested = Signal(object, object)  # (rows of texts, top-left QModelIndex)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setHighlightSections(False)

    def keyPressEvent(self, event):
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit(parse_block(QGuiApplication.clipboard().text()), self.currentIndex())
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.selection_text())
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self._move_down()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor, hint):
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter in a cell: go to the next row
            self._move_down()

    def _move_down(self):
        index = self.currentIndex()
        below = index.sibling(index.row() + 1, index.column())
        if below.isValid():
            self.setCurrentIndex(below)

    def selection_text(self) -> str:
        indexes = sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return ""
        rows: dict[int, dict[int, str]] = {}
        for i in indexes:
            rows.setdefault(i.row(), {})[i.column()] = str(i.data(Qt.ItemDataRole.EditRole) or "")
        cols = sorted({i.column() for i in indexes})
        return "\n".join("\t".join(r.get(c, "") for c in cols) for _, r in sorted(rows.items())) + "\n"
