"""Show how a field (or a whole action) differs from the PNAE text."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from pnae_desktop.domain import drafting
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import palette


def diff_html(old: str | None, new: str | None) -> str:
    parts = []
    for op, text in drafting.word_diff(old, new):
        text = escape_markup(text)
        if op == "-":
            parts.append(
                f'<span style="background:{palette.DIFF_REMOVED_BG};color:{palette.DIFF_REMOVED};text-decoration:line-through">{text}</span>'
            )
        elif op == "+":
            parts.append(f'<span style="background:{palette.DIFF_ADDED_BG};color:{palette.DIFF_ADDED}">{text}</span>')
        else:
            parts.append(text)
    return " ".join(parts)


def _dialog(parent, title: str, body: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(760, 520)
    layout = QVBoxLayout(dialog)
    view = QTextBrowser(dialog)
    view.setHtml(body)
    layout.addWidget(view)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return dialog


LEGEND = palette.stylesheet(
    '<p style="color:@muted"><span style="background:@diff_removed_bg;text-decoration:line-through">barré</span> : '
    'texte du PNAE retiré ; <span style="background:@diff_added_bg">surligné</span> : texte ajouté par la région.</p>'
)


def show_field_diff(parent, label: str, old: str | None, new: str | None) -> None:
    _dialog(
        parent,
        f"Différences avec le PNAE — {label}",
        LEGEND + f"<h3>{escape_markup(label)}</h3>" + f"<p>{diff_html(old, new)}</p>",
    ).exec()


def action_changes_html(action, catalogue) -> str:
    """Every adapted field of a declined action, with its word-level difference."""
    if action.pnae_action is None:
        return "<p>Action régionale : pas de texte du PNAE à comparer.</p>"
    adapted = drafting.adapted_fields(action, catalogue)
    if not adapted:
        return "<p>Cette fiche reprend le texte du PNAE sans modification.</p>"
    base = drafting.pnae_values(catalogue.action(action.pnae_action))
    current = {"title": action.title, **action.fields}
    body = [LEGEND]
    for key in adapted:
        body.append(
            f"<h3>{escape_markup(drafting.FIELD_LABELS[key])}</h3><p>{diff_html(base.get(key), current.get(key))}</p>"
        )
    return "".join(body)


def show_action_changes(parent, action, catalogue) -> None:
    _dialog(parent, f"Ce qui a changé — {action.title}", action_changes_html(action, catalogue)).exec()
