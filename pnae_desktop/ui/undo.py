"""The Édition menu's Annuler / Rétablir, over the active PRAE session's history.

The history itself lives in the core (services.session): this only maps two actions to it,
names the step they would undo or redo, and turns a refused undo into a French message (the
history then stays where it was)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from pnae_desktop.errors import UserError

if TYPE_CHECKING:  # the session (SQLAlchemy and the services) loads after the first paint
    from pnae_desktop.services.session import PraeSession


class UndoActions:
    def __init__(self, window: QWidget):
        self.window = window
        self.session: PraeSession | None = None
        self.undo = QAction(window, text="Annuler")
        self.undo.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo = QAction(window, text="Rétablir")
        self.redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.history = QAction(window, text="Historique des modifications…")
        self.history.setShortcuts([QKeySequence("Ctrl+H")])
        self.undo.triggered.connect(lambda: self.step("undo"))
        self.redo.triggered.connect(lambda: self.step("redo"))
        self.history.triggered.connect(self.show_history)
        self.update()

    def attach(self, session: PraeSession | None) -> None:
        """Make `session` the one Annuler / Rétablir act on (the PRAE being worked on)."""
        self.session = session
        self.update()

    def update(self) -> None:
        s = self.session
        self.undo.setEnabled(bool(s and s.can_undo))
        self.redo.setEnabled(bool(s and s.can_redo))
        self.history.setEnabled(s is not None)
        self.undo.setText(f"Annuler « {s.undo_label} »" if s and s.undo_label else "Annuler")
        self.redo.setText(f"Rétablir « {s.redo_label} »" if s and s.redo_label else "Rétablir")

    def step(self, kind: str) -> None:
        """Undo ("undo") or redo ("redo") one step of the active session."""
        if self.session is None:
            return
        flush = getattr(self.window, "flush_typing", None)
        if flush is not None:
            flush()  # text being typed is an edit of its own: save it before stepping back
        try:
            self.session.undo() if kind == "undo" else self.session.redo()
        except UserError as exc:
            title = "Annuler" if kind == "undo" else "Rétablir"
            from PySide6.QtWidgets import QMessageBox  # start-up: only when an undo is refused

            QMessageBox.warning(self.window, title, f"{exc}\nL'historique n'a pas changé.")
        self.update()

    def show_history(self) -> None:
        if self.session is None:
            return
        from pnae_desktop.ui.history_dialog import HistoryDialog  # start-up: on use only

        HistoryDialog(self.session, self.step, self.window).exec()
