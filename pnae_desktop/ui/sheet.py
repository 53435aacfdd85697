"""A table view that behaves like a spreadsheet: type to edit, arrows and Enter move between
cells, Tab in a cell being edited commits it and goes right (otherwise Tab leaves the table),
Ctrl+C copies the selection and Ctrl+V pastes a block copied from Excel or LibreOffice; and the
delegate that keeps a refused value in its cell, with the reason beside it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
)

from pnae_desktop.errors import ValidationError

LEAVE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
# Keys a line editor leaves to its table, which then moves the cursor and closes the editor.
MOVE_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


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
        self.setTabKeyNavigation(False)  # Tab leaves the table unless a cell is being edited

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


class CellMessage(QLabel):
    """Why a typed cell value was refused, shown right under the cell (a tooltip-like note, no
    modal box for a typo); the value stays in the editor, selected, for the user to correct."""

    def __init__(self, view: QAbstractItemView):
        super().__init__(view)  # over the table: hidden with it when another page or tab shows
        self.view = view
        self.setObjectName("cellMessage")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAutoFillBackground(True)
        self.setPalette(QToolTip.palette())
        self.setFrameShape(QLabel.Shape.Box)
        self.setMargin(4)
        self.setAccessibleName("Saisie refusée")
        self.hide()

    def show_at(self, index: QModelIndex, message: str) -> None:
        view = self.view
        self.setText(message)
        rect = view.visualRect(index)
        self.setFixedWidth(max(160, min(420, view.width() - 8)))
        self.setFixedHeight(self.heightForWidth(self.width()))
        below = view.viewport().mapTo(view, rect.bottomLeft())
        above = view.viewport().mapTo(view, rect.topLeft())
        x = max(0, min(below.x(), view.width() - self.width()))
        fits_below = below.y() + 2 + self.height() <= view.height()
        y = below.y() + 2 if fits_below or above.y() < self.height() else above.y() - self.height() - 2
        self.move(x, max(0, y))
        self.show()
        self.raise_()


class CheckedDelegate(QStyledItemDelegate):
    """Text cells whose typed value is checked before it is committed: `check(index, text)`
    raises ValidationError (a French message naming the cell) for a value the page would refuse.
    A refused value stays in its editor, selected, with the message beside the cell; Enter and
    Tab do not leave the cell until it is corrected (Échap puts the stored value back), nor do the
    arrows or a mouse click on another cell; a click elsewhere leaves the editor open with what was typed."""

    def __init__(self, view: QAbstractItemView, check: Callable[[QModelIndex, str], object]):
        super().__init__(view)
        self.view = view
        self.check = check
        self.message = CellMessage(view)
        self.viewport = view.viewport()  # kept: compared without asking the view (gone at close)
        self.viewport.installEventFilter(self)  # a click on another cell would close the editor

    def refusal(self, index: QModelIndex, text: str) -> str | None:
        try:
            self.check(index, text)
        except ValidationError as exc:
            return str(exc)
        return None

    def _refused(self, editor: QLineEdit) -> bool:
        index = self.view.currentIndex()
        message = self.refusal(index, editor.text()) if index.isValid() else None
        if message is None:
            self.message.hide()
            return False
        self.message.show_at(index, message)
        editor.setToolTip(message)
        editor.selectAll()
        return True

    def createEditor(self, parent, option, index):
        self.message.hide()
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor, index):
        if isinstance(editor, QLineEdit) and editor.isModified():
            return  # the sheet read back (a colleague's change): what is being typed stays
        super().setEditorData(editor, index)

    def eventFilter(self, editor, event):
        if editor is self.viewport:  # not an editor: only a click is looked at
            return self._click_away(event)
        if isinstance(editor, QLineEdit):
            kind = event.type()
            leaving = kind == QEvent.Type.KeyPress and event.key() in (*LEAVE_KEYS, *MOVE_KEYS)
            if leaving and self._refused(editor):
                return True  # stay in the cell, the typed text selected
            if kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                self.message.hide()
            if kind == QEvent.Type.FocusOut and editor.isVisible() and self._refused_still(editor):
                return True  # keep the editor open with what was typed
        return super().eventFilter(editor, event)

    def _refused_still(self, editor: QLineEdit) -> bool:
        """_refused, when the focus leaves: at exit the page's widgets may already be gone."""
        try:
            return self._refused(editor)
        except RuntimeError:  # a deleted Qt object: the window is being torn down, nothing to keep
            return False

    def _click_away(self, event) -> bool:
        """A click in the table while a refused value is in the cell editor: the click is eaten,
        the editor keeps the value, selected, and the focus (the message beside it)."""
        if event.type() not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return False
        if self.view.state() != QAbstractItemView.State.EditingState:
            return False
        editor = self.view.indexWidget(self.view.currentIndex())
        if not isinstance(editor, QLineEdit) or not self._refused(editor):
            return False
        editor.setFocus()
        return True

    def setModelData(self, editor, model, index):
        if isinstance(editor, QLineEdit):
            message = self.refusal(index, editor.text())
            if message is not None:  # the cursor left by other means: nothing is saved
                self.message.show_at(index, message)
                return
        super().setModelData(editor, model, index)


class ComboDelegate(QStyledItemDelegate):
    """A cell edited through a list of choices. The key is read and written in `key_role`: UserRole
    for table widgets (their display text is the label), EditRole for models that keep the key as
    their edit value. The editor opens on the current value, is wide enough for every label, and
    a choice (Entrée in the list, a letter, an arrow) is committed at once. A value the list does
    not hold (a financing line with several statuses) is offered first, as the cell shows it."""

    def __init__(self, choices: dict[str, str], parent=None, key_role=Qt.ItemDataRole.UserRole):
        super().__init__(parent)
        self.choices = choices
        self.key_role = key_role

    def createEditor(self, parent, option, index):
        combo = QComboBox(parent)
        for key, label in self.choices.items():
            combo.addItem(label, key)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor, index):
        editor.blockSignals(True)
        key = index.data(self.key_role)
        if editor.findData(key) < 0 and key is not None:  # a value out of the list (« Plusieurs »): kept as is
            editor.insertItem(0, str(index.data(Qt.ItemDataRole.DisplayRole) or key), key)
        editor.setCurrentIndex(max(0, editor.findData(key)))
        editor.blockSignals(False)

    def setModelData(self, editor, model, index):
        if editor.currentData() == index.data(self.key_role):
            return
        if self.key_role == Qt.ItemDataRole.EditRole:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        model.setData(index, editor.currentData(), Qt.ItemDataRole.UserRole)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)

    def updateEditorGeometry(self, editor, option, index):
        rect = option.rect
        rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        editor.setGeometry(rect)
