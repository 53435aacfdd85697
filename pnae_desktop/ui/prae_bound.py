"""What the Budget and Convention pages share: they work on the window's current PRAE, and
each change is an edit applied through that PRAE's session (one undo history per PRAE)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from PySide6.QtWidgets import QLabel, QMessageBox, QTabWidget, QWidget

from pnae_desktop.errors import ConflictError, UserError
from pnae_desktop.services.edits import Edit
from pnae_desktop.text import escape_markup


class PraeBoundPage:
    """Mixin for a QWidget page with `tabs`, `praeLabel`, `window_`, `PAGE_TITLE` and `refresh()`.
    `ASPECTS`: the aspects of a PRAE the page shows; a change to one of them refreshes it."""

    PAGE_TITLE = ""
    ASPECTS: frozenset[str] = frozenset()
    prae_id: int | None = None
    _listening: tuple[int, Any] | None = None  # (prae_id, unsubscribe)
    if TYPE_CHECKING:  # provided by the page's form and constructor
        tabs: QTabWidget
        praeLabel: QLabel
        window_: Any

        def refresh(self) -> None: ...

    @property
    def store(self):
        return self.window_.workspace.store

    def load(self, prae_id: int | None) -> None:
        self.prae_id = prae_id
        self.tabs.setEnabled(prae_id is not None)
        self._listen(prae_id)
        if prae_id is None:
            self.praeLabel.setText("Aucun PRAE ouvert : choisissez-en un sur le tableau de bord.")
            return
        self.refresh()

    def _listen(self, prae_id: int | None) -> None:
        if self._listening is not None and self._listening[0] == prae_id:
            self.window_.session(prae_id)  # the PRAE shown is the one Annuler acts on
            return
        if self._listening is not None:
            self._listening[1]()
            self._listening = None
        if prae_id is not None:
            self._listening = (prae_id, self.window_.session(prae_id).subscribe(self._changed))

    def _changed(self, changed) -> None:
        """A notice from the PRAE's session: refresh now if shown, else when next shown
        (the window loads a page each time it is shown)."""
        if changed.aspects & self.ASPECTS and self.window_.pages.currentWidget() is self:
            self.refresh()

    def show_prae_title(self, title: str) -> None:
        self.praeLabel.setText(f"<b>{escape_markup(title)}</b>")

    def apply_edit(self, edit: Edit, merge_key=None) -> bool:
        """Apply `edit` to the current PRAE; a refusal is shown in French and the page shows
        the stored state again (nothing was written, the history did not move)."""
        try:
            self.window_.session(self.prae_id).apply(edit, merge_key=merge_key)
        except ConflictError as exc:  # someone changed it since: ask (ui/conflict_dialog.py)
            from pnae_desktop.ui.conflict_dialog import resolve  # start-up: on a conflict only

            session = self.window_.session(self.prae_id)
            return resolve(cast(QWidget, self), session, edit, exc, merge_key) is not None
        except UserError as exc:
            self.show_error(str(exc))
            self.refresh()
            return False
        return True

    def show_error(self, message: str) -> None:
        QMessageBox.warning(cast(QWidget, self), self.PAGE_TITLE, message)
