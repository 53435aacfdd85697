"""Load Qt Designer forms from forms/ at run time, into an existing instance when given.

A view declares the widgets its form provides in a `Form` subclass: one class annotation per
named widget, action or layout, with its type (`chargesView: SheetView`). mypy then knows each
widget's type, and `load_form` checks at load time that the form really provides each one, of
that type, so a renamed widget in a .ui fails at once with its name instead of later."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QLayout, QWidget

from pnae_desktop import paths


class Form:
    """Base of a typed form declaration, mixed into the view the form is loaded into: the class
    annotations of its plain (non-Qt) subclasses name the form's widgets; the view's own
    annotations are ordinary attributes."""


_declared: dict[type, dict[str, type]] = {}


def declared_widgets(view_class: type) -> dict[str, type]:
    """Name -> type of every widget the `Form` declarations in `view_class`'s ancestry name."""
    if view_class not in _declared:
        _declared[view_class] = _declarations(view_class)
    return _declared[view_class]


def _declarations(view_class: type) -> dict[str, type]:
    declared: dict[str, type] = {}
    for cls in reversed(view_class.__mro__):
        if not issubclass(cls, Form) or cls is Form or issubclass(cls, QObject):
            continue
        namespace = vars(sys.modules[cls.__module__])
        for name, annotation in vars(cls).get("__annotations__", {}).items():
            if isinstance(annotation, str):  # postponed annotation: evaluate in the declaring module
                annotation = eval(annotation, namespace)  # our own source text, not data
            declared[name] = annotation
    return declared


class _IntoInstanceLoader(QUiLoader):
    """Builds the form's top-level widget into `base` (so views can subclass QMainWindow or
    QDialog) and exposes every named child, action and layout as an attribute of `base`."""

    def __init__(self) -> None:
        super().__init__()
        self.base: QWidget | None = None

    def createWidget(self, class_name: str, parent: QWidget | None = None, name: str = "") -> QWidget:
        if parent is None and self.base is not None:
            return self.base
        widget = super().createWidget(class_name, parent, name)
        if self.base is not None and name:
            setattr(self.base, name, widget)
        return widget

    def createAction(self, parent: QObject | None = None, name: str = "") -> Any:
        action = super().createAction(parent, name)
        if self.base is not None and name:
            setattr(self.base, name, action)
        return action

    def createLayout(self, class_name: str, parent: QObject | None = None, name: str = "") -> QLayout:
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
    """Load `forms/<name>`; with `base`, fill that instance instead of creating a new widget
    and check the widgets its `Form` declarations name. `custom` lists the form's promoted
    widget classes."""
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
    if base is not None:
        _check(name, base)
    from pnae_desktop.ui.keyboard import tidy  # one keyboard convention for every form

    tidy(widget)
    return widget


def _check(name: str, base: QWidget) -> None:
    """Every declared widget exists, with the declared type (a programming error otherwise)."""
    for attribute, expected in declared_widgets(type(base)).items():
        found = vars(base).get(attribute)
        if not isinstance(found, expected):
            raise RuntimeError(
                f"forme Qt {name} : « {attribute} » attendu de type {expected.__name__}, "
                f"trouvé {type(found).__name__ if found is not None else 'rien'}"
            )
