"""The typed form declarations match the Qt Designer forms, and load_form enforces them."""

from __future__ import annotations

import importlib
import xml.etree.ElementTree as ET

import pytest
from PySide6 import QtGui, QtWidgets
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from pnae_desktop import paths
from pnae_desktop.ui.article_editor import ArticleEditor
from pnae_desktop.ui.forms import Form, declared_widgets, load_form
from pnae_desktop.ui.sheet import SheetView

VIEWS = {
    "backups_dialog.ui": ("backups_dialog", "BackupsDialog"),
    "budget_page.ui": ("budget_page", "BudgetPage"),
    "catalogue_page.ui": ("catalogue_page", "CataloguePage"),
    "convention_page.ui": ("convention_page", "ConventionPage"),
    "dashboard_page.ui": ("dashboard", "DashboardPage"),
    "exports_page.ui": ("exports_page", "ExportsPage"),
    "fiche_editor.ui": ("fiche_editor", "FicheEditor"),
    "main_window.ui": ("main_window", "MainWindow"),
    "missions_locales_dialog.ui": ("missions_locales_dialog", "MissionsLocalesDialog"),
    "new_prae_dialog.ui": ("new_prae_dialog", "NewPraeDialog"),
    "placeholder_page.ui": ("placeholder_page", "PlaceholderPage"),
    "prae_page.ui": ("prae_page", "PraePage"),
    "sign_dialog.ui": ("sign_dialog", "SignDialog"),
    "suivi_page.ui": ("suivi_page", "SuiviPage"),
    "text_field.ui": ("fiche_editor", "TextFieldBlock"),
}
CUSTOM = {"SheetView": SheetView, "ArticleEditor": ArticleEditor}


def _form_classes(form: str) -> dict[str, type]:
    """Name -> Qt class of every named widget, action and layout of forms/<form>."""
    root = ET.parse(paths.forms() / form).getroot()
    classes = {}
    for element in root.iter():
        name = element.get("name")
        if element.tag in ("widget", "layout", "action") and name:
            class_name = element.get("class") or "QAction"
            classes[name] = CUSTOM.get(class_name) or getattr(QtWidgets, class_name, None) or getattr(QtGui, class_name)
    return classes


def test_every_form_is_declared_by_its_view():
    assert sorted(VIEWS) == sorted(p.name for p in paths.forms().glob("*.ui"))


@pytest.mark.parametrize("form", sorted(VIEWS))
def test_declared_widgets_exist_in_the_form_with_a_compatible_type(form):
    module, name = VIEWS[form]
    view = getattr(importlib.import_module(f"pnae_desktop.ui.{module}"), name)
    declared = declared_widgets(view)
    assert declared, f"{name} declares no widget of {form}"
    in_form = _form_classes(form)
    for widget, expected in declared.items():
        assert widget in in_form, f"{name}.{widget} is not in {form}"
        assert issubclass(in_form[widget], expected), f"{name}.{widget}: {in_form[widget]} is not a {expected}"


class _Declares(Form):
    title: QLabel
    missingButton: QPushButton


class _WrongView(_Declares, QWidget):
    pass


class _Mistyped(Form):
    message: QPushButton  # a QLabel in the form


class _MistypedView(_Mistyped, QWidget):
    pass


def test_load_form_refuses_a_missing_or_mistyped_widget(qtbot):
    view = _WrongView()
    qtbot.addWidget(view)
    with pytest.raises(RuntimeError, match="missingButton"):
        load_form("placeholder_page.ui", view)
    other = _MistypedView()
    qtbot.addWidget(other)
    with pytest.raises(RuntimeError, match="message.*QPushButton.*QLabel"):
        load_form("placeholder_page.ui", other)


def test_the_view_own_annotations_are_not_widgets():
    from pnae_desktop.ui.budget_page import BudgetPage

    declared = declared_widgets(BudgetPage)
    assert "chargesView" in declared and "budget" not in declared
