"""A page whose work is not built yet: it says so plainly."""

from PySide6.QtWidgets import QWidget

from pnae_desktop.ui.forms import load_form


class PlaceholderPage(QWidget):
    def __init__(self, title: str, message: str, parent=None):
        super().__init__(parent)
        load_form("placeholder_page.ui", self)
        self.title.setText(title)
        self.message.setText(message)
