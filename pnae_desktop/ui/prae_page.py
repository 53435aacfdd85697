"""PRAE page: the programme's actions (reorder, add, duplicate, remove), the fiche editor, and
the coverage/completeness panel. Every change goes through the services as an undoable edit."""

from __future__ import annotations

import dataclasses
import json

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pnae_desktop.domain import drafting
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.domain.rules import PRAE_STATUSES
from pnae_desktop.errors import ConflictError, UserError
from pnae_desktop.services import edits, praes
from pnae_desktop.services.session import Changed, PraeSession
from pnae_desktop.ui import palette
from pnae_desktop.ui.diff_view import show_action_changes
from pnae_desktop.ui.fiche_editor import FicheEditor
from pnae_desktop.ui.fit import wrap_tree_items
from pnae_desktop.ui.forms import Form, load_form

MIME = "application/x-pnae-action-row"


class ActionListModel(QAbstractListModel):
    """The PRAE's actions in order; drag and drop asks the page to reorder through the services."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.actions: tuple[PraeAction, ...] = ()
        self.incomplete: set[int] = set()

    def set_actions(self, actions, incomplete) -> None:
        self.beginResetModel()
        self.actions, self.incomplete = tuple(actions), set(incomplete)
        self.endResetModel()

    def update_action(self, row: int, action, incomplete) -> None:
        actions = list(self.actions)
        actions[row] = action
        self.actions, self.incomplete = tuple(actions), set(incomplete)
        self.dataChanged.emit(self.index(0), self.index(len(actions) - 1))

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.actions)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.actions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            origin = f"PNAE {a.pnae_action}" if a.pnae_action else "Régionale"
            flag = " ⚠" if a.id in self.incomplete else ""
            return f"{index.row() + 1}. {a.title}\n    {origin}{' · priorité régionale' if a.regional_priority else ''}{flag}"
        if role == Qt.ItemDataRole.UserRole:
            return a.id
        if role == Qt.ItemDataRole.ForegroundRole and a.is_regional:
            return QBrush(QColor(palette.REGIONAL))
        if role == Qt.ItemDataRole.FontRole and a.is_regional:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            origin = f"Déclinée de l'action {a.pnae_action} du PNAE" if a.pnae_action else "Action régionale"
            return f"{a.title}\n{origin}" + (
                "\nÀ compléter (voir l'onglet Couverture)" if a.id in self.incomplete else ""
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return a.title
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self):
        return [MIME]

    def mimeData(self, indexes):
        data = QMimeData()
        data.setData(MIME, json.dumps([i.row() for i in indexes]).encode())
        return data

    def dropMimeData(self, data, action, row, column, parent):
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME):
            return False
        source = json.loads(bytes(data.data(MIME)).decode())[0]
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.actions))
        if target > source:
            target -= 1
        self.page.move_action(source, target)
        return False  # the reorder is done through the services; the view must not remove rows


class PraePageForm(Form):
    """The widgets forms/prae_page.ui provides (checked by load_form)."""

    title: QLabel
    praeLabel: QLabel
    praeCombo: QComboBox
    periodLabel: QLabel
    statusCombo: QComboBox
    renameButton: QPushButton
    splitter: QSplitter
    listPanel: QWidget
    actionList: QListView
    addPnaeButton: QToolButton
    addBlankButton: QPushButton
    duplicateButton: QPushButton
    removeButton: QPushButton
    changesButton: QPushButton
    tabs: QTabWidget
    ficheTab: QWidget
    ficheTabLayout: QVBoxLayout
    coverageTab: QWidget
    coverageSummary: QLabel
    coverageTree: QTreeWidget


class PraePage(PraePageForm, QWidget):
    changed = Signal()  # the PRAE changed (dashboard, title)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        load_form("prae_page.ui", self)
        self.window_ = window
        self.prae: PraeDetail | None = None
        self._listening = None  # unsubscribes from the shown PRAE's session
        self.model = ActionListModel(self)
        self.actionList.setModel(self.model)
        self.actionList.setDropIndicatorShown(True)
        self.actionList.selectionModel().currentChanged.connect(self._current_changed)
        self.editor = FicheEditor(self, self.ficheTab)
        self.ficheTabLayout.addWidget(self.editor)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 900])
        self.praeCombo.activated.connect(lambda i: self.load(self.praeCombo.itemData(i)))
        self._pnae_menu = QMenu(self)
        self.addPnaeButton.setMenu(self._pnae_menu)
        self._pnae_menu.aboutToShow.connect(self._fill_pnae_menu)
        self.addBlankButton.clicked.connect(self.add_blank)
        self.duplicateButton.clicked.connect(self.duplicate)
        self.removeButton.clicked.connect(self.remove)
        self.changesButton.clicked.connect(self.show_changes)
        self.coverageTree.itemActivated.connect(self._coverage_activated)
        wrap_tree_items(self.coverageTree)  # objectives shown whole, « — non couvert » included

        for key, label in PRAE_STATUSES.items():
            self.statusCombo.addItem(label, key)
        self.statusCombo.activated.connect(self._status_chosen)
        self.renameButton.clicked.connect(self.rename)
        for keys, slot in (
            (QKeySequence("Ctrl+Up"), lambda: self.move_current(-1)),
            (QKeySequence("Ctrl+Down"), lambda: self.move_current(+1)),
            (QKeySequence("Ctrl+D"), self.duplicate),
            (QKeySequence.StandardKey.Delete, self.remove),
        ):
            action = QAction(self.actionList)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.actionList.addAction(action)
        self._show_empty()

    # -- context -------------------------------------------------------------------------
    def _prae(self) -> PraeDetail:
        """The PRAE on the page: the page acts on one only once load() has read it."""
        if self.prae is None:
            raise RuntimeError("no PRAE loaded")
        return self.prae

    @property
    def store(self):
        return self.window_.workspace.store

    @property
    def catalogue(self):
        return self.window_.workspace.catalogues.get(self._prae().summary.catalogue_edition)

    def session(self) -> PraeSession:
        return self.window_.session(self._prae().summary.id)

    def apply_edit(self, edit: edits.Edit, merge_key=None) -> Changed | None:
        """Apply `edit` through the PRAE's session; the page follows through its notice. A
        refusal is shown in French and the page shows the stored state again."""
        try:
            return self.session().apply(edit, merge_key=merge_key)
        except ConflictError as exc:  # someone changed it since: ask (ui/conflict_dialog.py)
            from pnae_desktop.ui.conflict_dialog import resolve  # start-up: on a conflict only

            return resolve(self, self.session(), edit, exc, merge_key)
        except UserError as exc:
            self.show_error(str(exc))
            self._read_back(edit.action_ids)
            return None

    def _listen(self, prae_id: int | None) -> None:
        if self._listening is not None:
            self._listening()
            self._listening = None
        if prae_id is not None:
            self._listening = self.window_.session(prae_id).subscribe(self._changed)

    def _changed(self, changed: Changed) -> None:
        """Any edit, undo or redo of the PRAE (from this page or another): read back what changed."""
        if self.prae is not None and changed.aspects & {edits.ACTIONS, edits.TITLE}:
            self._read_back(frozenset() if edits.TITLE in changed.aspects else changed.action_ids)

    def _read_back(self, action_ids: frozenset[int]) -> None:
        if len(action_ids) == 1:
            self.reload_action(next(iter(action_ids)))  # fast path: one fiche changed
        else:
            self.reload()

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "PRAE", message)

    # -- loading ---------------------------------------------------------------------------
    def refresh_list(self, summaries) -> None:
        self.praeCombo.blockSignals(True)
        self.praeCombo.clear()
        for s in summaries:
            self.praeCombo.addItem(f"{s.title} — {s.region_name}, {s.period_label}", s.id)
        if self.prae is not None:
            self.praeCombo.setCurrentIndex(max(0, self.praeCombo.findData(self._prae().summary.id)))
        self.praeCombo.blockSignals(False)

    def _show_empty(self) -> None:
        self.tabs.setEnabled(False)
        self.listPanel.setEnabled(False)
        self.periodLabel.setText("Aucun PRAE ouvert : choisissez-en un, ou créez-le depuis le tableau de bord.")

    def load(self, prae_id: int | None) -> None:
        """Open a PRAE (its own undo history is kept while the app runs)."""
        self.editor.flush()
        if prae_id is None:
            self.prae = None
            self._listen(None)
            self._show_empty()
            return
        self.prae = praes.get_prae(self.store, prae_id)
        self._listen(prae_id)
        self.tabs.setEnabled(True)
        self.listPanel.setEnabled(True)
        self.praeCombo.setCurrentIndex(max(0, self.praeCombo.findData(prae_id)))
        self._show(select_id=self._prae().actions[0].id if self._prae().actions else None)
        self.changed.emit()

    def reload(self) -> None:
        if self.prae is None:
            return
        current = self.current_action_id()
        self.session().rebase({edits.ACTIONS, edits.TITLE})  # what is shown is what edits are based on
        self.prae = praes.get_prae(self.store, self.prae.summary.id)
        self._show(select_id=current)
        self.changed.emit()

    def reload_action(self, action_id: int) -> None:
        """Read back one edited action (fast path: the rest of the PRAE did not change)."""
        if self.prae is None:
            return
        try:
            fresh = praes.get_action(self.store, action_id)
        except UserError:
            self.reload()  # it went away (e.g. undo across a deletion): read everything
            return
        actions = tuple(fresh if a.id == action_id else a for a in self._prae().actions)
        self.prae = dataclasses.replace(self.prae, actions=actions)
        cov = drafting.coverage(self._prae(), self.catalogue)
        row = next(i for i, a in enumerate(actions) if a.id == action_id)
        self.model.update_action(row, fresh, cov.incomplete_actions)
        if self.editor.action is not None and self.editor.action.id == action_id:
            self.editor.show_action(self._prae(), fresh)
        self._fill_coverage(cov)
        self.changed.emit()

    def _show(self, select_id: int | None) -> None:
        s = self._prae().summary
        self.periodLabel.setText(f"{s.region_name} · {s.period_label}")
        self.statusCombo.setCurrentIndex(max(0, self.statusCombo.findData(s.status)))
        cov = drafting.coverage(self._prae(), self.catalogue)
        self.model.set_actions(self._prae().actions, cov.incomplete_actions)
        ids = [a.id for a in self._prae().actions]
        row = ids.index(select_id) if select_id in ids else (0 if ids else -1)
        if row >= 0:
            self.actionList.setCurrentIndex(self.model.index(row))
        self.editor.show_action(self._prae(), self._prae().actions[row] if row >= 0 else None)
        self._fill_coverage(cov)
        self.duplicateButton.setEnabled(row >= 0)
        self.removeButton.setEnabled(row >= 0)
        self.changesButton.setEnabled(row >= 0)

    def current_action_id(self) -> int | None:
        index = self.actionList.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    def current_action(self):
        action_id = self.current_action_id()
        return self._prae().action(action_id) if action_id is not None else None

    def _current_changed(self, current, _previous) -> None:
        if self.prae is None or not current.isValid():
            return
        action = self._prae().action(current.data(Qt.ItemDataRole.UserRole))
        if self.editor.action is None or self.editor.action.id != action.id:
            self.editor.show_action(self._prae(), action)

    def select_action(self, action_id: int) -> None:
        ids = [a.id for a in self._prae().actions]
        self.actionList.setCurrentIndex(self.model.index(ids.index(action_id)))

    # -- the PRAE itself --------------------------------------------------------------------
    def _update_prae(self, text: str, **changes) -> None:
        self.apply_edit(edits.UpdatePrae(text, changes))

    def _status_chosen(self, index: int) -> None:
        status = self.statusCombo.itemData(index)
        if self.prae is not None and status != self.prae.summary.status:
            self._update_prae("Changer le statut du PRAE", status=status)

    def rename(self) -> None:
        if self.prae is None:
            return
        title, ok = QInputDialog.getText(self, "Renommer le PRAE", "Intitulé :", text=self._prae().summary.title)
        if ok and title.strip() and title.strip() != self._prae().summary.title:
            self._update_prae("Renommer le PRAE", title=title)

    # -- structure edits -------------------------------------------------------------------
    def move_action(self, source: int, target: int) -> None:
        ids = [a.id for a in self._prae().actions]
        if not (0 <= source < len(ids)) or not (0 <= target < len(ids)) or source == target:
            return
        moved = ids.pop(source)
        ids.insert(target, moved)
        self.apply_edit(edits.ReorderActions("Réordonner les actions", tuple(ids)))
        self.select_action(moved)

    def move_current(self, delta: int) -> None:
        row = self.actionList.currentIndex().row()
        if row >= 0:
            self.move_action(row, row + delta)

    def _fill_pnae_menu(self) -> None:
        self._pnae_menu.clear()
        declined = {a.pnae_action for a in self._prae().actions if a.pnae_action}
        for action in self.catalogue.actions:
            mark = "✓ " if action.number in declined else ""
            entry = self._pnae_menu.addAction(f"{mark}{action.number}. {action.title}")
            entry.triggered.connect(lambda _=False, n=action.number: self.add_pnae(n))

    def _add(self, edit: edits.Edit) -> None:
        """An addition (its undo deletes it; its redo restores the same action, same id)."""
        changed = self.apply_edit(edit)
        if changed is not None and changed.action_ids:
            self.select_action(max(changed.action_ids))

    def _insert_position(self) -> int | None:
        return self.actionList.currentIndex().row() + 1 if self._prae().actions else None

    def add_pnae(self, number: int) -> None:
        self._add(edits.AddPnaeAction(f"Ajouter l'action {number} du PNAE", number, self._insert_position()))

    def add_blank(self) -> None:
        title, ok = QInputDialog.getText(self, "Action régionale", "Intitulé de la nouvelle action :")
        if not ok:
            return
        self._add(edits.AddBlankAction("Ajouter une action régionale", title, self._insert_position()))

    def duplicate(self) -> None:
        action_id = self.current_action_id()
        if action_id is None:
            return
        self.editor.flush()
        self._add(edits.DuplicateAction("Dupliquer l'action", action_id))

    def remove(self) -> None:
        action = self.current_action()
        if action is None:
            return
        answer = QMessageBox.question(
            self,
            "Supprimer l'action",
            f"Supprimer l'action « {action.title} » du PRAE ?\n\nVous pourrez l'annuler (Ctrl+Z).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.editor.flush()
        self.apply_edit(edits.DeleteAction(f"Supprimer « {action.title[:40]} »", action.id))

    def show_changes(self) -> None:
        action = self.current_action()
        if action is not None:
            self.editor.flush()
            show_action_changes(self, self._prae().action(action.id), self.catalogue)

    def manage_missions_locales(self) -> None:
        # start-up: the dialog on use only
        from pnae_desktop.ui.missions_locales_dialog import MissionsLocalesDialog

        self.editor.flush()
        MissionsLocalesDialog(self).exec()

    # -- coverage --------------------------------------------------------------------------
    def _fill_coverage(self, cov: drafting.Coverage) -> None:
        tree = self.coverageTree
        tree.clear()
        titles = {a.id: a.title for a in self._prae().actions}
        covered = sum(1 for _, ids in cov.objectives if ids)
        self.coverageSummary.setText(
            f"<b>{covered} objectif(s) de la CPO sur {len(cov.objectives)}</b> servis par au moins une action ; "
            f"<b>{len(cov.incomplete_actions)}</b> fiche(s) à compléter ; "
            f"{len(cov.not_declined)} action(s) du PNAE non déclinée(s)."
        )
        red, green = QBrush(QColor(palette.ERROR)), QBrush(QColor(palette.SUCCESS))

        objectives = QTreeWidgetItem(tree, ["Objectifs de la CPO"])
        texts = {o.code: o.text for o in self.catalogue.cpo_objectives}  # whole, wrapped by the tree
        for code, ids in cov.objectives:
            item = QTreeWidgetItem(objectives, [f"{code} – {texts.get(code, '')}"])
            item.setToolTip(0, texts.get(code, ""))
            if ids:
                item.setForeground(0, green)
                for action_id in ids:
                    child = QTreeWidgetItem(item, [titles[action_id]])
                    child.setData(0, Qt.ItemDataRole.UserRole, (action_id, "objectives"))
            else:
                item.setText(0, item.text(0) + " — non couvert")
                item.setForeground(0, red)

        themes = QTreeWidgetItem(tree, ["Thèmes prioritaires du PNAE"])
        for number, declined, missing in cov.priority_themes:
            theme = next(t for t in self.catalogue.priority_themes if t.number == number)
            status = "décliné" if not missing else f"actions non déclinées : {', '.join(map(str, missing))}"
            item = QTreeWidgetItem(themes, [f"{number}. {theme.title} — {status}"])
            item.setForeground(0, green if not missing else red)

        not_declined = QTreeWidgetItem(tree, [f"Actions du PNAE non déclinées ({len(cov.not_declined)})"])
        for number in cov.not_declined:
            QTreeWidgetItem(not_declined, [f"{number}. {self.catalogue.action(number).title}"])

        todo = QTreeWidgetItem(tree, [f"À compléter ({len(cov.missing)})"])
        for item_missing in cov.missing:
            item = QTreeWidgetItem(todo, [f"{titles[item_missing.action_id]} : {item_missing.message}"])
            item.setData(0, Qt.ItemDataRole.UserRole, (item_missing.action_id, item_missing.field))
            item.setForeground(0, QBrush(QColor(palette.WARNING)))
        for top in (objectives, themes, todo):
            top.setExpanded(True)

    def _coverage_activated(self, item, _column=0) -> None:
        target = item.data(0, Qt.ItemDataRole.UserRole)
        if not target:
            return
        action_id, field = target
        self.tabs.setCurrentWidget(self.ficheTab)
        self.select_action(action_id)
        self.editor.focus_field(field)
