"""What the Budget and Convention pages share: they work on the window's current PRAE, and
each change is an undoable edit in that PRAE's history."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QMessageBox

from pnae_desktop.ui.undo import push_edit


class PraeBoundPage:
    """Mixin for a QWidget page with `tabs`, `praeLabel`, `window_`, `PAGE_TITLE` and `refresh()`."""

    PAGE_TITLE = ""
    prae_id: int | None = None

    @property
    def store(self):
        return self.window_.workspace.store

    def load(self, prae_id: int | None) -> None:
        self.prae_id = prae_id
        self.tabs.setEnabled(prae_id is not None)
        if prae_id is None:
            self.praeLabel.setText("Aucun PRAE ouvert : choisissez-en un sur le tableau de bord.")
            return
        self.window_.undo_stack(prae_id)
        self.refresh()

    def show_prae_title(self, title: str) -> None:
        self.praeLabel.setText(f"<b>{html.escape(title)}</b>")

    def edit(self, text, apply, revert, merge_key=None) -> bool:
        stack = self.window_.undo_stack(self.prae_id)
        return push_edit(stack, text, apply, revert, self.after_edit, self.show_error, merge_key) is not None

    def after_edit(self) -> None:
        """Run after an edit, its undo and its redo."""
        self.refresh()

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, self.PAGE_TITLE, message)
