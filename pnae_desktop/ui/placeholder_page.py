"""A page whose work is not built yet: it says so plainly."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from pnae_desktop.ui.forms import Form, load_form


class PlaceholderPageForm(Form):
    """The widgets forms/placeholder_page.ui provides (checked by load_form)."""

    title: QLabel
    message: QLabel


class PlaceholderPage(PlaceholderPageForm, QWidget):
    def __init__(self, title: str, message: str, parent=None):
        super().__init__(parent)
        load_form("placeholder_page.ui", self)
        self.title.setText(title)
        self.message.setText(message)
