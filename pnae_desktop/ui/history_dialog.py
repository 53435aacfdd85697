"""« Historique des modifications » : the PRAE session's undo history as a list. Choosing a
done step undoes it with every later one; choosing an undone step redoes it with every earlier
one — one step at a time, through the window's Annuler / Rétablir, stopping at a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

if TYPE_CHECKING:  # the session loads after the first paint
    from pnae_desktop.services.session import PraeSession

CURRENT = "— état actuel —"


class HistoryDialog(QDialog):
    def __init__(self, session: PraeSession, step: Callable[[str], None], parent: QWidget | None = None):
        """`step(kind)` undoes ("undo") or redoes ("redo") one step the way the menu does."""
        super().__init__(parent)
        self.setWindowTitle("Historique des modifications")
        self.session, self._step = session, step
        layout = QVBoxLayout(self)
        hint = QLabel(
            "Entrée ou double-clic sur une étape : l'annuler avec toutes celles qui la suivent, ou, "
            "pour une étape annulée (en gris), la rétablir avec celles qui la précèdent."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.steps = QListWidget(self)
        self.steps.setAccessibleName("Étapes de l'historique")
        layout.addWidget(self.steps)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.steps.itemActivated.connect(self._go)
        self.resize(480, 360)
        self.fill()

    def fill(self) -> None:
        """Redo steps (greyed, the furthest first), the current state, then the undo steps."""
        self.steps.clear()
        for offset, label in reversed(list(enumerate(self.session.redo_labels, start=1))):
            item = QListWidgetItem(f"{label} (annulé)")
            item.setData(Qt.ItemDataRole.UserRole, offset)  # > 0: redo that many
            item.setForeground(Qt.GlobalColor.darkGray)
            self.steps.addItem(item)
        current = QListWidgetItem(CURRENT)
        current.setData(Qt.ItemDataRole.UserRole, 0)
        self.steps.addItem(current)
        for offset, label in enumerate(self.session.undo_labels, start=1):
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, -offset)  # < 0: undo that many
            self.steps.addItem(item)
        self.steps.setCurrentItem(current)

    def _go(self, item: QListWidgetItem) -> None:
        offset = int(item.data(Qt.ItemDataRole.UserRole))
        kind = "redo" if offset > 0 else "undo"
        for _ in range(abs(offset)):
            before = self.session.depth
            self._step(kind)
            if self.session.depth == before:
                break  # refused (the window said why): stop there
        self.fill()
