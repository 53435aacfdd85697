"""Why a value typed in a line edit was refused, shown right under the field: no modal box for
a typo; the typed text stays in the field, selected, for the user to correct (Échap puts the
stored value back). The table cells' counterpart is sheet.CellMessage."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QToolTip

from pnae_desktop.errors import ValidationError


class FieldNote(QObject):
    """One note for the line edits of a form; `accepts(field, check, stored)` runs `check()` and,
    if it raises ValidationError, shows its message under `field` and returns False."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.label: QLabel | None = None
        self.field: QLineEdit | None = None
        self.stored = ""

    def accepts(self, field: QLineEdit, check: Callable[[], object], stored: str) -> bool:
        try:
            check()
        except ValidationError as exc:
            self.show(field, str(exc), stored)
            return False
        if field is self.field:
            self.hide()
        return True

    def show(self, field: QLineEdit, message: str, stored: str) -> None:
        if self.field is not field:
            self.hide()
            field.installEventFilter(self)
        self.field, self.stored = field, stored
        label = self._label(field)
        label.setText(message)
        label.setFixedWidth(max(200, min(480, field.width())))
        label.setFixedHeight(label.heightForWidth(label.width()))
        parent = label.parentWidget()
        if parent is not None:
            label.move(field.mapTo(parent, QPoint(0, field.height() + 2)))
        label.show()
        label.raise_()
        field.setToolTip(message)
        field.setAccessibleDescription(message)
        field.selectAll()
        if field.hasFocus():  # Entrée: the user stays on the field (a click elsewhere is not undone)
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def hide(self) -> None:
        if self.label is not None:
            self.label.hide()
        field, self.field = self.field, None
        if field is not None:
            field.removeEventFilter(self)
            field.setToolTip("")
            field.setAccessibleDescription("")

    def _label(self, field: QLineEdit) -> QLabel:
        parent = field.parentWidget()
        if self.label is None or self.label.parentWidget() is not parent:
            if self.label is not None:
                self.label.deleteLater()
            self.label = QLabel(parent)
            self.label.setObjectName("fieldMessage")
            self.label.setWordWrap(True)
            self.label.setTextFormat(Qt.TextFormat.PlainText)
            self.label.setAutoFillBackground(True)
            self.label.setPalette(QToolTip.palette())
            self.label.setFrameShape(QLabel.Shape.Box)
            self.label.setMargin(4)
            self.label.setAccessibleName("Saisie refusée")
        return self.label

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.field and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape  # type: ignore[attr-defined]
        ):
            field = self.field
            self.hide()
            field.setText(self.stored)  # the stored value back, as Échap does in a cell
            return True
        return False
