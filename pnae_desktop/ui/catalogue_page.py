"""Catalogue PNAE: browse themes, axes, priorities and the État's objectives down to each fiche."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QSplitter, QTextBrowser, QTreeView, QWidget

from pnae_desktop.catalogue import search
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.text import matches_all_words
from pnae_desktop.ui import fiche_html, palette
from pnae_desktop.ui.fit import wrap_tree_items
from pnae_desktop.ui.forms import Form, load_form

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
TEXT_ROLE = Qt.ItemDataRole.UserRole + 3


class _SearchProxy(QSortFilterProxyModel):
    """Keeps rows whose folded text holds every word typed; parents of a match stay visible."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = ""
        self.setRecursiveFilteringEnabled(True)

    def set_query(self, query: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self.query = query.strip()
            self.endFilterChange()
        else:
            self.query = query.strip()
            self.invalidateFilter()

    def filterAcceptsRow(self, row, parent):
        if not self.query:
            return True
        index = self.sourceModel().index(row, 0, parent)
        text = index.data(TEXT_ROLE)
        return bool(text) and matches_all_words(text, self.query)


class CataloguePageForm(Form):
    """The widgets forms/catalogue_page.ui provides (checked by load_form)."""

    title: QLabel
    searchEdit: QLineEdit
    editionLabel: QLabel
    splitter: QSplitter
    tree: QTreeView
    fiche: QTextBrowser


class CataloguePage(CataloguePageForm, QWidget):
    def __init__(self, catalogue: Catalogue, parent=None, problems: tuple[str, ...] = ()):
        super().__init__(parent)
        load_form("catalogue_page.ui", self)
        self.catalogue = catalogue
        label = f"{catalogue.short_title} – {catalogue.edition_label}"
        if problems:  # an edition that failed its schema is left out; say so, don't hide it
            label += f' · <span style="color:{palette.ERROR}">⚠ {len(problems)} édition(s) illisible(s)</span>'
            self.editionLabel.setToolTip("\n\n".join(problems))
        self.editionLabel.setText(label)
        self.model = QStandardItemModel(self)
        self._fill()
        self.proxy = _SearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.tree.setModel(self.proxy)
        wrap_tree_items(self.tree)  # titles whole, wrapped, on small screens too
        self.tree.expandToDepth(0)
        self.tree.selectionModel().currentChanged.connect(self._show_current)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([440, 760])
        # Filter as the user types, without re-filtering on every keystroke of a fast typist.
        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self._apply_search)
        self.searchEdit.textChanged.connect(self._debounce.start)
        self.searchEdit.returnPressed.connect(self._apply_search)
        self.select_action(1)

    def _item(self, label: str, kind: str, key, text: str = "") -> QStandardItem:
        item = QStandardItem(label)
        item.setEditable(False)
        item.setData(kind, KIND_ROLE)
        item.setData(key, KEY_ROLE)
        item.setData(text, TEXT_ROLE)
        item.setToolTip(label)
        return item

    def _action_item(self, number: int) -> QStandardItem:
        action = self.catalogue.action(number)
        return self._item(f"{number}. {action.title}", "action", number, self._action_texts[number])

    def _fill(self) -> None:
        c = self.catalogue
        self._action_texts = {a.number: search.action_text(a) for a in c.actions}
        root = self.model.invisibleRootItem()

        themes = self._item("Thèmes opérationnels", "group", None)
        for theme in c.operational_themes:
            node = self._item(f"Thème {theme.number} – {theme.title}", "theme", theme.number, search.theme_text(theme))
            for a in c.actions:
                if a.operational_theme == theme.number:
                    node.appendRow(self._action_item(a.number))
            themes.appendRow(node)
        root.appendRow(themes)

        axes = self._item("Axes structurels", "group", None)
        for axis in c.structural_axes:
            node = self._item(f"Axe {axis.number} – {axis.title}", "axis", axis.number, search.axis_text(axis))
            for a in c.actions:
                if a.structural_axis == axis.number:
                    node.appendRow(self._action_item(a.number))
            axes.appendRow(node)
        root.appendRow(axes)

        priorities = self._item("Thèmes prioritaires", "group", None)
        for priority in c.priority_themes:
            node = self._item(f"Priorité {priority.number} – {priority.title}", "priority", priority.number)
            for n in priority.actions:
                node.appendRow(self._action_item(n))
            priorities.appendRow(node)
        root.appendRow(priorities)

        objectives = self._item("Objectifs de l'État (instruction CPO)", "group", None)
        for cpo_axis in c.cpo_axes:
            node = self._item(f"Axe {cpo_axis.number} – {cpo_axis.title}", "cpo_axis", cpo_axis.number)
            for objective in cpo_axis.objectives:
                first_line = objective.text.split("\n", 1)[0]
                node.appendRow(
                    self._item(
                        f"{objective.code} – {first_line}",
                        "objective",
                        objective.code,
                        search.objective_text(objective),
                    )
                )
            objectives.appendRow(node)
        root.appendRow(objectives)

    def _apply_search(self) -> None:
        self.proxy.set_query(self.searchEdit.text())
        if self.proxy.query:
            self.tree.expandAll()
            first = self._first_action(self.proxy.index(0, 0))
            if first is not None:
                self.tree.setCurrentIndex(first)
        else:
            self.tree.collapseAll()
            self.tree.expandToDepth(0)

    def _first_action(self, index):
        while index.isValid():
            if index.data(KIND_ROLE) in ("action", "objective"):
                return index
            child = self._first_action(self.proxy.index(0, 0, index))
            if child is not None:
                return child
            index = index.siblingAtRow(index.row() + 1)
        return None

    def visible_action_numbers(self) -> list[int]:
        """Action numbers currently shown in the tree (each once), for tests and status."""
        found: list[int] = []

        def walk(parent):
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, 0, parent)
                if index.data(KIND_ROLE) == "action" and index.data(KEY_ROLE) not in found:
                    found.append(index.data(KEY_ROLE))
                walk(index)

        walk(self.tree.rootIndex())
        return sorted(found)

    def select_action(self, number: int) -> None:
        matches = self.proxy.match(  # every hit: themes, axes and priorities are numbered from 1 too
            self.proxy.index(0, 0), KEY_ROLE, number, -1, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
        )
        for index in matches:
            if index.data(KIND_ROLE) == "action":
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)
                return

    def _show_current(self, index) -> None:
        kind, key = index.data(KIND_ROLE), index.data(KEY_ROLE)
        c = self.catalogue
        if kind == "action":
            html = fiche_html.action_html(c, c.action(key))
        elif kind == "theme":
            html = fiche_html.theme_html(next(t for t in c.operational_themes if t.number == key))
        elif kind == "axis":
            html = fiche_html.axis_html(next(a for a in c.structural_axes if a.number == key))
        elif kind == "priority":
            html = fiche_html.priority_html(c, next(t for t in c.priority_themes if t.number == key))
        elif kind == "objective":
            html = fiche_html.objective_html(c, next(o for o in c.cpo_objectives if o.code == key))
        else:
            return
        self.fiche.setHtml(html)
        self.fiche.verticalScrollBar().setValue(0)

    def focus_search(self) -> None:
        self.searchEdit.setFocus()
        self.searchEdit.selectAll()
