"""The conflict dialog: an edit based on a value someone changed since (another window, another
post, a script) was refused (ConflictError, services/concurrency.py). It shows « leur valeur »
and « votre valeur » and lets the user keep theirs or apply theirs over — never a silent
overwrite. `resolve()` is what a page calls when its edit raises ConflictError."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pnae_desktop.domain.money import format_amount
from pnae_desktop.errors import ConflictError

if TYPE_CHECKING:  # the session loads after the first paint
    from pnae_desktop.services.edits import Edit
    from pnae_desktop.services.session import Changed, PraeSession

FIELD_LABELS = {
    "amount": "Montant",
    "etp": "ETP",
    "annual_cost": "Coût annuel chargé",
    "title": "Titre",
    "pilot": "Pilote",
    "co_pilots": "Copilotes",
    "partners": "Partenaires",
    "name": "Nom",
    "kind": "Type",
    "label": "Libellé",
    "status": "Statut",
}


def describe(value: Any) -> str:
    """A value of a ConflictError, as the user reads it."""
    if value is None:
        return "(supprimée)"
    if isinstance(value, dict):
        lines = [f"{FIELD_LABELS.get(k, k.replace('_', ' '))} : {describe_one(v)}" for k, v in value.items()]
        return "\n".join(lines) or "(vide)"
    return describe_one(value)


def describe_one(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format_amount(int(value * 100)) if value == value.quantize(Decimal("0.01")) else str(value)
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


class ConflictDialog(QDialog):
    def __init__(self, error: ConflictError, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Modifié entre-temps")
        layout = QVBoxLayout(self)
        message = QLabel(str(error))
        message.setWordWrap(True)
        layout.addWidget(message)
        form = QFormLayout()
        self.theirs = QLabel(describe(error.theirs))
        self.mine = QLabel(describe(error.mine))
        for label in (self.theirs, self.mine):
            label.setWordWrap(True)
        form.addRow("Leur valeur :", self.theirs)
        form.addRow("Votre valeur :", self.mine)
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.keep_theirs = QPushButton("Garder la leur")
        self.apply_mine = QPushButton("Appliquer la mienne")
        buttons.addButton(self.keep_theirs, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.apply_mine, QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep_theirs.setDefault(True)  # Entrée never overwrites a colleague's value
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def resolve(
    parent: QWidget, session: PraeSession, edit: Edit, error: ConflictError, merge_key: object = None
) -> Changed | None:
    """Ask; « Appliquer la mienne » re-applies `edit` on the fresh value, « Garder la leur »
    takes their values on (every page reads again). Returns the change made, if any."""
    dialog = ConflictDialog(error, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return session.apply(edit, merge_key=merge_key, force=True)
    session.refresh()
    return None
