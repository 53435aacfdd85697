"""The main window: navigation pane, pages, menus; calls services through the Workspace."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

# Classes used only after start-up (QtCore.Qt, message boxes, file dialogs) are reached through
# their module: PySide builds a class on first touch, and these would cost ~30 ms before the first paint.
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListWidget, QMainWindow, QMenu, QStackedWidget, QWidget

from pnae_desktop import APP_NAME, __version__
from pnae_desktop.errors import UserError
from pnae_desktop.services.workspace import Workspace
from pnae_desktop.ui import palette
from pnae_desktop.ui.dashboard import DashboardPage
from pnae_desktop.ui.followup_summary import followup_summary
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.geometry import fits, initial_geometry
from pnae_desktop.ui.locale import french_time
from pnae_desktop.ui.placeholder_page import PlaceholderPage

if TYPE_CHECKING:  # the pages are imported when first shown (start-up speed)
    from pnae_desktop.services.session import PraeSession
    from pnae_desktop.ui.bound_pages import BoundPage
    from pnae_desktop.ui.budget_page import BudgetPage
    from pnae_desktop.ui.convention_page import ConventionPage
    from pnae_desktop.ui.exports_page import ExportsPage
    from pnae_desktop.ui.prae_page import PraePage
    from pnae_desktop.ui.suivi_page import SuiviPage

PAGES = (
    ("dashboard", "Tableau de bord"),
    ("catalogue", "Catalogue PNAE"),
    ("prae", "PRAE"),
    ("budget", "Budget"),
    ("convention", "Convention CPO"),
    ("exports", "Exports"),
    ("suivi", "Suivi"),
)


class MainWindowForm(Form):
    """The widgets forms/main_window.ui provides (checked by load_form)."""

    navigation: QListWidget
    pages: QStackedWidget
    menuEdit: QMenu
    menuView: QMenu
    actionNewPrae: QAction
    actionOpenStore: QAction
    actionConnectTeam: QAction
    actionUserName: QAction
    actionBackups: QAction
    actionExportPackage: QAction
    actionImportPackage: QAction
    actionQuit: QAction
    actionFind: QAction
    actionAbout: QAction


class MainWindow(MainWindowForm, QMainWindow):
    warmed_up = QtCore.Signal()  # from the warm-up thread: its results are shown on the GUI thread
    store_changed = QtCore.Signal()  # another file or team store is open (ui.team follows it)

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        load_form("main_window.ui", self)
        self.workspace = workspace
        self.error_reporter: QtCore.QObject | None = None  # set by run_gui (ui.app.install_error_reporting)
        self.backup_problem_label: QtWidgets.QLabel | None = None
        self.saved_label: QtWidgets.QLabel | None = None  # « Enregistré à … », after the first edit
        self.warmed_up.connect(self.show_backup_problem)
        self.current_prae_id: int | None = None
        self._page_widgets: dict[str, QWidget] = {}
        self._prae_page: PraePage | None = None  # built on first use, like every page but the dashboard
        self._bound_pages: dict[str, BoundPage] = {}
        self._build_undo()
        self._build_navigation()
        self.dashboard = DashboardPage(self)
        self.dashboard.new_requested.connect(self.new_prae)
        self.dashboard.demo_requested.connect(self.create_demo)
        self.dashboard.open_requested.connect(self.open_prae)
        self.dashboard.selected.connect(self.select_prae)
        self.dashboard.summary_provider = self.coverage_summary
        self.dashboard.followup_provider = lambda prae_id: followup_summary(self.workspace, prae_id)
        self._add_page("dashboard", self.dashboard)
        self.actionNewPrae.triggered.connect(self.new_prae)
        self.actionOpenStore.triggered.connect(self.open_store_dialog)
        self.actionBackups.triggered.connect(self.show_backups)
        self.actionExportPackage.triggered.connect(lambda: self.export_package())
        self.actionImportPackage.triggered.connect(lambda: self.import_package())
        self.actionQuit.triggered.connect(self.close)
        self.actionFind.triggered.connect(self.find_in_catalogue)
        self.actionAbout.triggered.connect(self.about)
        self.navigation.currentRowChanged.connect(self._show_page)
        self.navigation.setCurrentRow(0)
        self._restore_geometry()
        self._show_workspace()

    # -- undo ----------------------------------------------------------------------------
    def _build_undo(self) -> None:
        """One working session (edits and their history) per PRAE, all behind the same Annuler /
        Rétablir actions, which act on the PRAE being worked on."""
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.ui.undo import UndoActions

        self._sessions: dict[int, PraeSession] = {}
        self.history = UndoActions(self)
        self.actionUndo, self.actionRedo = self.history.undo, self.history.redo
        existing = self.menuEdit.actions()
        ours = [self.actionUndo, self.actionRedo, self.history.history]
        if existing:  # Annuler / Rétablir / Historique first, then what the form's Édition menu holds
            self.menuEdit.insertActions(existing[0], ours)
            self.menuEdit.insertSeparator(existing[0])
        else:
            self.menuEdit.addActions(ours)

    def session(self, prae_id: int) -> PraeSession:
        """The PRAE's working session, shared by every page; it becomes the one Annuler acts on."""
        if prae_id not in self._sessions:
            # start-up: pages, services and dialogs load after the first paint
            from pnae_desktop.services import praes
            from pnae_desktop.services.session import PraeSession

            store = self.workspace.store
            session = PraeSession(
                store, self.workspace.catalogues.get(praes.catalogue_edition(store, prae_id)), prae_id
            )
            session.subscribe(self._session_changed)
            self._sessions[prae_id] = session
        self.history.attach(self._sessions[prae_id])
        return self._sessions[prae_id]

    def _session_changed(self, changed) -> None:
        """After any edit, undo or redo: the menu's labels, and the dashboard's last change."""
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.services.edits import TITLE

        self.history.update()
        self.show_saved()
        if TITLE in changed.aspects:
            self.refresh()  # dashboard and the PRAE page's list
        else:
            self.dashboard.show_praes(self.workspace.prae_summaries(), self.current_prae_id)

    def show_saved(self, now: datetime | None = None) -> None:
        """A discreet « Enregistré à 14 h 32 » in the status bar: every edit is saved at once."""
        if self.saved_label is None:
            self.saved_label = QtWidgets.QLabel()
            self.saved_label.setObjectName("savedLabel")
            self.saved_label.setAccessibleName("Dernier enregistrement")
            self.statusBar().addPermanentWidget(self.saved_label)
        self.saved_label.setText(f"Enregistré à {french_time(now or datetime.now())}")

    def _drop_sessions(self, prae_id: int | None = None) -> None:
        """Forget histories whose edits name rows that are gone (a replaced PRAE, another file)."""
        for key in [prae_id] if prae_id is not None else list(self._sessions):
            self._sessions.pop(key, None)
        if self.history.session is not None and self.history.session.prae_id not in self._sessions:
            self.history.attach(None)

    def flush_typing(self) -> None:
        """Save text still being typed in a fiche (before undo, closing, switching file)."""
        if self._prae_page is not None:
            self._prae_page.editor.flush()
        if "suivi" in self._bound_pages:  # the Suivi page's account of an action
            self._bound_pages["suivi"].flush()  # type: ignore[union-attr]

    # -- pages ---------------------------------------------------------------------------
    def _build_navigation(self) -> None:
        for i, (key, label) in enumerate(PAGES):
            self.navigation.addItem(label)
            action = QAction(self, text=label)  # not (label, self): that overload check builds QIcon's enums
            # setShortcuts([…]), not setShortcut(…): the latter's overload check builds QtCore.Qt (~25 ms).
            action.setShortcuts([QKeySequence(f"Ctrl+{i + 1}")])
            action.triggered.connect(lambda _=False, row=i: self.navigation.setCurrentRow(row))
            self.menuView.addAction(action)
        from pnae_desktop.ui.keyboard import add_tab_switching  # Qt widgets only: light

        add_tab_switching(self, self.menuView, self.pages)  # Ctrl+Tab, Ctrl+Maj+Tab

    def _add_page(self, key: str, widget: QWidget) -> None:
        self._page_widgets[key] = widget
        self.pages.addWidget(widget)

    @overload
    def page(self, key: Literal["prae"]) -> PraePage: ...
    @overload
    def page(self, key: Literal["budget"]) -> BudgetPage: ...
    @overload
    def page(self, key: Literal["convention"]) -> ConventionPage: ...
    @overload
    def page(self, key: Literal["exports"]) -> ExportsPage: ...
    @overload
    def page(self, key: Literal["suivi"]) -> SuiviPage: ...
    @overload
    def page(self, key: str) -> QWidget: ...
    def page(self, key: str) -> QWidget:
        """The page widget for `key`, built on first use (keeps start-up light)."""
        if key not in self._page_widgets:
            if key == "prae":
                return self._build_prae_page()
            elif key in ("budget", "convention", "exports", "suivi"):
                return self._build_bound_page(key)
            elif key == "catalogue":
                # start-up: pages, services and dialogs load after the first paint
                from pnae_desktop.ui.catalogue_page import CataloguePage

                widget: QWidget
                try:
                    catalogues = self.workspace.catalogues
                    widget = CataloguePage(catalogues.default, self, problems=catalogues.problems)
                except UserError as exc:
                    widget = PlaceholderPage("Catalogue PNAE", str(exc), self)
                self._add_page(key, widget)
        return self._page_widgets[key]

    def _build_prae_page(self) -> PraePage:
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.ui.prae_page import PraePage

        page = PraePage(self, self)
        page.changed.connect(self._prae_changed)
        self._prae_page = page
        self._add_page("prae", page)
        page.refresh_list(self.workspace.prae_summaries())
        if self.current_prae_id is not None:
            page.load(self.current_prae_id)
        return page

    def _build_bound_page(self, key: str) -> BoundPage:
        """A page that shows the current PRAE (Budget, Convention, Exports, Suivi)."""
        from pnae_desktop.ui.bound_pages import build  # start-up: pages load after the first paint

        page = build(key, self)
        self._bound_pages[key] = page
        self._add_page(key, page)
        page.load(self.current_prae_id)
        return page

    def _show_page(self, row: int) -> None:
        key = PAGES[row][0]
        fresh = key not in self._page_widgets
        page = self.page(key)
        if key in self._bound_pages and not fresh:
            self._bound_pages[key].load(self.current_prae_id)  # the PRAE may have changed on another page
        if key == "prae" and self._prae_page is not None and self.current_prae_id is not None and not fresh:
            shown = self._prae_page.prae
            if shown is None or shown.summary.id != self.current_prae_id:
                self._prae_page.load(self.current_prae_id)  # chosen on the dashboard meanwhile
        self.pages.setCurrentWidget(page)
        if page is self.dashboard:
            self.dashboard.show_followup()  # the PRAE chosen or changed while it was hidden
        focus = QtWidgets.QApplication.focusWidget()  # (before the first show, Qt places it)
        if self.isVisible() and (focus is None or not focus.isVisible() or focus.window() is not self):
            from pnae_desktop.ui.keyboard import focus_first  # start-up: on use only

            focus_first(page)  # the keyboard goes on on the page shown, not into a hidden one

    def go_to(self, key: str) -> None:
        self.navigation.setCurrentRow(next(i for i, (k, _) in enumerate(PAGES) if k == key))

    # -- workspace -----------------------------------------------------------------------
    def _show_workspace(self) -> None:
        self.setWindowTitle(f"{APP_NAME} — {self.workspace.label}")
        self.statusBar().showMessage(self.workspace.place)
        self.show_backup_problem()  # another store: the previous one's backup problem is not this one's
        self.refresh()
        notice = self.workspace.migration_notice()  # where the backup before an upgrade went: said once
        if notice is not None:
            self.statusBar().showMessage(notice)

    def refresh(self) -> None:
        summaries = self.workspace.prae_summaries()
        self.dashboard.show_praes(summaries, self.current_prae_id)
        if self._prae_page is not None:
            self._prae_page.refresh_list(summaries)

    def coverage_summary(self, prae_id: int) -> str:
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.domain import drafting
        from pnae_desktop.services import praes

        try:
            detail = praes.get_prae(self.workspace.store, prae_id)
            catalogue = self.workspace.catalogues.get(detail.summary.catalogue_edition)
        except UserError as exc:
            return str(exc)
        return drafting.coverage_summary(drafting.coverage(detail, catalogue))

    def open_prae(self, prae_id: int) -> None:
        """Show a PRAE on the PRAE page (from the dashboard: double-click or Entrée)."""
        self.current_prae_id = prae_id
        page = self.page("prae")
        if page.prae is None or page.prae.summary.id != prae_id:
            page.load(prae_id)
        self.go_to("prae")
        page.actionList.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)  # keyboard: on its actions

    def select_prae(self, prae_id: int) -> None:
        """The PRAE chosen on the dashboard becomes the one every page shows (Budget, Convention,
        Exports load it when shown; the PRAE page too), without leaving the dashboard."""
        self.current_prae_id = prae_id

    def _prae_changed(self) -> None:
        """The PRAE page shows another PRAE, or read its PRAE again (the dashboard and the
        list follow edits through _session_changed)."""
        page = self._prae_page
        if page is not None and page.prae is not None:
            self.current_prae_id = page.prae.summary.id
            self.dashboard.select_prae(self.current_prae_id)  # one current PRAE, wherever chosen
            self.setWindowTitle(f"{page.prae.summary.title} — {APP_NAME} — {self.workspace.label}")

    def start_warm_up(self) -> None:
        """Load the ORM and catalogue in the background once the window is on screen."""
        threading.Thread(target=self._warm_up, name="warm-up", daemon=True).start()

    def _warm_up(self) -> None:
        try:
            self.workspace.warm_up()
        except UserError:
            pass  # the same error is shown when the user reaches what needs it
        try:
            self.warmed_up.emit()
        except RuntimeError:  # the window was closed meanwhile
            pass

    def show_backup_problem(self) -> None:
        """A failed daily backup stays visible in the status bar (and in the backups dialog)."""
        problem = self.workspace.backup_problem
        if not problem:
            if self.backup_problem_label is not None:
                self.backup_problem_label.hide()
            return
        from pnae_desktop.logs import log  # start-up: logging, only when there is something to say

        log.warning("Sauvegarde du jour impossible : %s", problem)
        if self.backup_problem_label is None:
            self.backup_problem_label = QtWidgets.QLabel()
            self.backup_problem_label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
            self.backup_problem_label.setStyleSheet(f"color: {palette.ERROR};")
            self.statusBar().addPermanentWidget(self.backup_problem_label)
        self.backup_problem_label.setText(f"⚠ Sauvegarde du jour impossible : {problem.splitlines()[0]}")
        self.backup_problem_label.setToolTip(problem)
        self.backup_problem_label.show()

    def _run(self, work, success_message: str | None = None):
        """Run a service call; a UserError becomes a French message box, nothing else changes."""
        try:
            self.setCursor(QtCore.Qt.CursorShape.WaitCursor)
            result = work()
        except UserError as exc:
            QtWidgets.QMessageBox.warning(self, APP_NAME, str(exc))
            return None
        finally:
            self.unsetCursor()
        if success_message:
            self.statusBar().showMessage(success_message, 8000)
        return result

    def new_prae(self) -> None:
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.services import praes
        from pnae_desktop.ui.new_prae_dialog import NewPraeDialog

        catalogue = self._run(lambda: self.workspace.catalogues.default)
        if catalogue is None:
            return
        dialog = NewPraeDialog(catalogue, self)
        while dialog.exec():
            try:
                prae_id = praes.create_prae(self.workspace.store, catalogue, dialog.request())
            except UserError as exc:
                dialog.show_error(str(exc))  # keep what was typed; let the user fix it
                continue
            self.refresh()
            self.open_prae(prae_id)
            self.statusBar().showMessage("PRAE créé.", 8000)
            break

    def create_demo(self) -> None:
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.services import demo

        prae_id = self._run(
            lambda: demo.create_demo(self.workspace.store, self.workspace.catalogues.default),
            "PRAE de démonstration créé.",
        )
        if prae_id is not None:
            self.refresh()
            self.dashboard.select_prae(prae_id)

    def open_store_dialog(self) -> None:
        # An open dialog (its button says « Ouvrir »); a new name may be typed to create a file.
        dialog = QtWidgets.QFileDialog(
            self,
            "Ouvrir ou créer un fichier de données",
            str(self.workspace.path.parent if self.workspace.path else ""),
            "Fichiers de données PNAE Desktop (*.sqlite);;Tous les fichiers (*)",
        )
        dialog.setAcceptMode(QtWidgets.QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QtWidgets.QFileDialog.FileMode.AnyFile)
        dialog.setLabelText(QtWidgets.QFileDialog.DialogLabel.Accept, "Ouvrir")
        dialog.setObjectName("openStoreDialog")
        if dialog.exec() and dialog.selectedFiles():
            self.open_store(dialog.selectedFiles()[0])

    def open_store(self, path: str | Workspace) -> bool:  # a file's path, or a team store's workspace
        candidate = path if isinstance(path, Workspace) else Workspace(db=path)
        if self.workspace.path is not None and Path(candidate.label).resolve() == self.workspace.path.resolve():
            self.workspace.close()  # reopening the same file (after a restore): free its lock first
        try:
            candidate.prepare(self._announce_long_work)
        except UserError as exc:
            QtWidgets.QMessageBox.critical(self, APP_NAME, str(exc))
            return False
        finally:
            self.unsetCursor()
        if self._prae_page is not None:
            page, self._prae_page = self._prae_page, None
            self._page_widgets.pop("prae")
            page.editor.flush()
            self.pages.removeWidget(page)
            page.deleteLater()
        self._drop_sessions()
        self.current_prae_id = None
        self.workspace.close()
        self.workspace = candidate
        self._show_workspace()
        self.store_changed.emit()
        return True

    def _announce_long_work(self, message: str) -> None:
        """Creating or upgrading a data file takes about a second: say so before it starts."""
        self.statusBar().showMessage(message)
        self.setCursor(QtCore.Qt.CursorShape.WaitCursor)
        QtWidgets.QApplication.processEvents()

    def export_package(self, path: str | None = None) -> Path | None:
        """Write the open PRAE to a .prae file to hand to a colleague or a field office."""
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop import __version__
        from pnae_desktop.services import package, praes

        if self.current_prae_id is None:
            QtWidgets.QMessageBox.information(self, APP_NAME, "Ouvrez d'abord un PRAE (tableau de bord).")
            return None
        if path is None:
            title = praes.prae_title(self.workspace.store, self.current_prae_id)
            path, _ = QtWidgets.QFileDialog.getSaveFileName(
                self,
                "Envoyer le PRAE",
                f"{title}.prae",
                "PRAE PNAE Desktop (*.prae)",
                options=QtWidgets.QFileDialog.Option.DontConfirmOverwrite,  # asked below, with the store's checks
            )
            if not path:
                return None
        overwrite = self.confirm_overwrite(path)
        if overwrite is None:
            return None
        out = self._run(
            lambda: package.export_package(
                self.workspace.store, self.current_prae_id, path, app_version=__version__, overwrite=overwrite
            ),
            "PRAE écrit dans le fichier.",
        )
        return out

    def confirm_overwrite(
        self, path: str | Path, parent: QWidget | None = None, typed: str | None = None
    ) -> bool | None:
        """Whether an export may replace `path`: False when it does not exist, True when the user
        agreed to replace it, None when refused (by the user, or the file is the store or SQLite).
        `typed`: the path as the user typed it, before its suffix was set (never the store either)."""
        from pnae_desktop.services import outputs  # start-up: services load after the first paint

        try:
            if typed:
                outputs.check_output(typed, overwrite=True, store_path=self.workspace.path)
            if not outputs.needs_confirmation(path, store_path=self.workspace.path):
                return False
        except UserError as exc:
            QtWidgets.QMessageBox.warning(parent or self, APP_NAME, str(exc))
            return None
        answer = QtWidgets.QMessageBox.question(
            parent or self,
            APP_NAME,
            f"Le fichier « {path} » existe déjà. Le remplacer ?",
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.No,
        )
        return True if answer == QtWidgets.QMessageBox.StandardButton.Yes else None

    def import_package(self, path: str | None = None) -> int | None:
        """Read a .prae file; a PRAE already here is never merged: copy or replace, the user says."""
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.services import package

        if path is None:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Recevoir un PRAE", "", "PRAE PNAE Desktop (*.prae)")
            if not path:
                return None
        info = self._run(lambda: package.inspect_package(path, self.workspace.store))
        if info is None:
            return None
        mode: Literal["new", "copy", "replace"] = "new"
        if info.exists:
            box = QtWidgets.QMessageBox(
                QtWidgets.QMessageBox.Icon.Question,
                APP_NAME,
                f"Ce fichier contient « {info.title} », qui existe déjà ici (« {info.existing_title} »). Que faire ?",
            )
            copy = box.addButton("Importer comme copie", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
            replace = box.addButton(
                "Remplacer (une sauvegarde est faite avant)", QtWidgets.QMessageBox.ButtonRole.DestructiveRole
            )
            box.addButton("Annuler", QtWidgets.QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is copy:
                mode = "copy"
            elif box.clickedButton() is replace:
                mode = "replace"
            else:
                return None
        prae_id = self._run(
            lambda: package.import_package(self.workspace.store, path, mode=mode, store_path=self.workspace.path),
            "PRAE importé.",
        )
        if prae_id is not None:
            if mode == "replace" and prae_id in self._sessions:  # its old edits name rows now gone
                self._drop_sessions(prae_id)
                if self._prae_page is not None:
                    self._prae_page.prae = None
            self.refresh()
            self.open_prae(prae_id)
        return prae_id

    def show_backups(self) -> None:
        if self.workspace.path is None:
            QtWidgets.QMessageBox.information(self, APP_NAME, "Les sauvegardes concernent les fichiers SQLite.")
            return
        # start-up: pages, services and dialogs load after the first paint
        from pnae_desktop.ui.backups_dialog import BackupsDialog

        BackupsDialog(self).exec()

    def close_workspace_for_restore(self) -> None:
        """Let go of the file (connections and writer lock) so a backup can replace it."""
        self.flush_typing()
        self.workspace.close()

    def find_in_catalogue(self) -> None:
        self.go_to("catalogue")
        page = self.page("catalogue")
        if hasattr(page, "focus_search"):
            page.focus_search()

    def about(self) -> None:
        QtWidgets.QMessageBox.about(
            self,
            f"À propos de {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Rédiger le programme régional d'animation et d'évaluation (PRAE) à partir du socle "
            "commun du PNAE 2018-2020, le budgéter, remplir la convention pluriannuelle d'objectifs "
            "et exporter des documents prêts à signer — entièrement hors ligne.</p>"
            f"<p>Fichier de données : {self.workspace.label}</p>",
        )

    # -- window state --------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        """The last session's place and size if they still fit this screen, else a size that fits."""
        settings = QSettings()
        geometry = settings.value("main_window/geometry")
        restored = geometry is not None and self.restoreGeometry(geometry)
        available = self.screen().availableGeometry()
        if not restored or not fits(self.frameGeometry(), available):
            self.fit_to_screen(available)
        state = settings.value("main_window/state")
        if state is not None:
            self.restoreState(state)

    def fit_to_screen(self, available: QtCore.QRect | None = None) -> None:
        """Size and place the window inside `available` (the screen minus its taskbar; tests inject one)."""
        self.setGeometry(initial_geometry(available if available is not None else self.screen().availableGeometry()))

    def closeEvent(self, event):
        self.flush_typing()  # what is being typed is saved, never lost
        settings = QSettings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        self.workspace.close()
        super().closeEvent(event)
