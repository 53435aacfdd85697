"""Keyboard conventions shared by every page and dialog: Tab leaves a table or a text box (arrows
and Entrée move inside; a cell being edited takes Tab to go to the next cell), Ctrl+Tab and
Ctrl+Maj+Tab switch the tabs of the page, and focus chains follow reading order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QApplication, QMenu, QStackedWidget, QWidget

if TYPE_CHECKING:  # named at run time inside the functions: their enums cost ~1 ms before the first paint
    from PySide6.QtWidgets import QTabWidget


def tidy(root: QWidget) -> None:
    """Tab never stays trapped in `root`'s tables and text boxes."""
    # One search by the common base, text boxes told by class name: naming QTextEdit and
    # QPlainTextEdit here would build their enums before the first paint (start-up).
    areas = root.findChildren(QAbstractScrollArea)
    if isinstance(root, QAbstractScrollArea):
        areas.append(root)
    for area in areas:
        if isinstance(area, QAbstractItemView):
            area.setTabKeyNavigation(False)
        elif area.inherits("QTextEdit") or area.inherits("QPlainTextEdit"):
            area.setTabChangesFocus(True)  # type: ignore[attr-defined]  # a QTextEdit or QPlainTextEdit


def chain(widgets: Iterable[QWidget]) -> None:
    """Tab goes from each widget to the next, in the order given (reading order)."""
    previous: QWidget | None = None
    for widget in widgets:
        if previous is not None:
            QWidget.setTabOrder(previous, widget)
        previous = widget


def takes_tab(widget: QWidget) -> bool:
    from PySide6.QtCore import Qt  # start-up: QtCore.Qt builds ~90 enums on first touch; used later

    return bool(widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value)


def focus_first(container: QWidget) -> bool:
    """Give the focus to the first widget of `container` that Tab would reach."""
    from PySide6.QtCore import Qt  # start-up: not before the first paint (see takes_tab)

    widget = container.nextInFocusChain()
    for _ in range(2000):
        if widget is None or widget is container:
            break
        if container.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled() and takes_tab(widget):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        widget = widget.nextInFocusChain()
    return False


def tab_widget_for(focus: QWidget | None, page: QWidget | None) -> QTabWidget | None:
    """The tab widget Ctrl+Tab acts on: the innermost one holding the focus, else the page's first
    visible one."""
    from PySide6.QtWidgets import QTabWidget  # start-up: on use only (see the module's imports)

    widget = focus
    while widget is not None:
        if isinstance(widget, QTabWidget) and widget.isVisible():
            return widget
        widget = widget.parentWidget()
    if page is None:
        return None
    return next((t for t in page.findChildren(QTabWidget) if t.isVisible() and t.isEnabled()), None)


def switch_tab(page: QWidget | None, step: int) -> None:
    """Show the next (step 1) or previous (step -1) enabled tab, and focus its first field."""
    from PySide6.QtCore import Qt  # start-up: not before the first paint (see takes_tab)

    tabs = tab_widget_for(QApplication.focusWidget(), page)
    if tabs is None or tabs.count() < 2:
        return
    index = tabs.currentIndex()
    for _ in range(tabs.count()):
        index = (index + step) % tabs.count()
        if tabs.isTabEnabled(index):
            break
    tabs.setCurrentIndex(index)
    current = tabs.currentWidget()
    if current is not None and not focus_first(current):
        tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)


def add_tab_switching(window: QWidget, menu: QMenu, pages: QStackedWidget) -> None:
    """« Onglet suivant » (Ctrl+Tab) and « Onglet précédent » (Ctrl+Maj+Tab) in `menu`, acting on
    the shown page wherever the focus is (a table or a text box would otherwise keep the keys);
    Maj+Tab arrives as Backtab, hence both spellings."""
    menu.addSeparator()
    for label, keys, step in (
        ("Onglet suivant", ("Ctrl+Tab",), 1),
        ("Onglet précédent", ("Ctrl+Shift+Tab", "Ctrl+Shift+Backtab", "Ctrl+Backtab"), -1),
    ):
        action = QAction(window, text=label)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _=False, s=step: switch_tab(pages.currentWidget(), s))
        menu.addAction(action)
