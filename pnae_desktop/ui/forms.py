"""Load Qt Designer forms from forms/ at run time, into an existing instance when given."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from pnae_desktop import paths


class _IntoInstanceLoader(QUiLoader):
    """Builds the form's top-level widget into `base` (so views can subclass QMainWindow or
    QDialog) and exposes every named child, action and layout as an attribute of `base`."""

    def __init__(self):
        super().__init__()
        self.base: QWidget | None = None

    def createWidget(self, class_name, parent=None, name=""):
        if parent is None and self.base is not None:
            return self.base
        widget = super().createWidget(class_name, parent, name)
        if self.base is not None and name:
            setattr(self.base, name, widget)
        return widget

    def createAction(self, parent=None, name=""):
        action = super().createAction(parent, name)
        if self.base is not None and name:
            setattr(self.base, name, action)
        return action

    def createLayout(self, class_name, parent=None, name=""):
        layout = super().createLayout(class_name, parent, name)
        if self.base is not None and name:
            setattr(self.base, name, layout)
        return layout


_shared: list[_IntoInstanceLoader] = []


def _loader() -> _IntoInstanceLoader:
    """One loader for the whole app, built without Qt Designer plugins: QUiLoader's constructor
    loads every plugin under <library path>/designer (PySide's, QtQuick's, WebEngine's: ~13 ms
    and their libraries) and our forms use none; promoted widgets are registered by class."""
    if not _shared:
        library_paths = QCoreApplication.libraryPaths()
        QCoreApplication.setLibraryPaths([])
        try:
            _shared.append(_IntoInstanceLoader())
        finally:
            QCoreApplication.setLibraryPaths(library_paths)
    return _shared[0]


def load_form(name: str, base: QWidget | None = None, custom: tuple[type, ...] = ()) -> QWidget:
    """Load `forms/<name>`; with `base`, fill that instance instead of creating a new widget.
    `custom` lists the form's promoted widget classes."""
    loader = _loader()
    for widget_class in custom:
        loader.registerCustomWidget(widget_class)
    loader.base = base
    try:
        widget = loader.load(str(paths.forms() / name), None)  # by path: no QBuffer/QByteArray to build
    finally:
        loader.base = None
    if widget is None:
        raise RuntimeError(f"forme Qt illisible : {name} ({loader.errorString()})")
    return widget
