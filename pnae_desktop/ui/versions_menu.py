"""The « Signatures » menu and the banner of the working version: installed on the main
window by `install(window)` (ui/app.py). The banner, in the status bar on every page, says
« modifié depuis la version signée du JJ/MM/AAAA » with a « Voir les différences » link."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from pnae_desktop.errors import UserError

if TYPE_CHECKING:
    from pnae_desktop.services.versions import WorkingStatus


class VersionsBanner(QLabel):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("versionsBanner")
        self.setOpenExternalLinks(False)
        self.linkActivated.connect(lambda _link: self.show_diff())
        self._subscribed: set[int] = set()
        self.status: WorkingStatus | None = None
        self.hide()

    def refresh(self, *_args) -> None:
        from pnae_desktop.services import versions  # start-up: services load after the first paint

        prae_id = self.window_.current_prae_id
        if prae_id is None:
            self.status = None
            self.hide()
            return
        store = self.window_.workspace.store
        if prae_id not in self._subscribed:
            self._subscribed.add(prae_id)
            self.window_.session(prae_id).subscribe(lambda _changed: self.refresh())
        if not versions.list_versions(store, prae_id):  # a cheap query: most PRAEs were never signed
            self.status = None
            self.hide()
            return
        self.status = versions.working_status(store, prae_id)
        if self.status.modified:
            self.setText(f"⚠ {self.status.banner()} – <a href='diff'>Voir les différences</a>")
        else:
            self.setText(self.status.banner())
        self.show()

    def show_diff(self, modal: bool = True):
        from pnae_desktop.ui.versions_dialog import diff_page_html, text_dialog  # start-up: on use only

        if self.status is None:
            return None
        dialog = text_dialog(self.window_, "Différences avec la version signée", diff_page_html(self.status))
        if modal:
            dialog.exec()
        else:
            dialog.show()
        return dialog


def _need_prae(window) -> int | None:
    if window.current_prae_id is None:
        from PySide6.QtWidgets import QMessageBox  # start-up: its enums, only when there is a message

        QMessageBox.information(window, "Signatures", "Ouvrez d'abord un PRAE.")
    return window.current_prae_id


def open_versions(window, *, modal: bool = True):
    """The « Versions » dialog of the current PRAE."""
    from pnae_desktop.ui.versions_dialog import VersionsDialog  # start-up: on use only

    prae_id = _need_prae(window)
    if prae_id is None:
        return None
    dialog = VersionsDialog(window, prae_id)
    dialog.finished.connect(lambda _r: window.versions_banner.refresh())
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return dialog


def import_trust_root(window, path: str | None = None) -> Path | None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox  # start-up: their enums, only when used

    from pnae_desktop.services import trust  # start-up: services load after the first paint

    if path is None:
        path, _ = QFileDialog.getOpenFileName(
            window, "Importer une racine de confiance", "", "Certificats (*.pem *.crt *.cer *.der)"
        )
    if not path:
        return None
    try:
        target = trust.import_root(path)
    except (UserError, OSError) as exc:
        QMessageBox.warning(window, "Racines de confiance", str(exc))
        return None
    labels = "\n".join(trust.root_labels())
    QMessageBox.information(window, "Racines de confiance", f"Racines de confiance importées :\n{labels}")
    return target


def install(window) -> None:
    """Add the « Signatures » menu and the working version's banner to the main window."""
    menu = window.menuBar().addMenu("&Signatures")
    menu.setObjectName("menuSignatures")
    entries = (
        ("actionVersions", "&Versions de la convention…", lambda: open_versions(window)),
        ("actionMarkSigned", "&Marquer comme signée…", lambda: _dialog_then(window, "mark_signed")),
        ("actionVerify", "V&érifier un PDF signé…", lambda: _dialog_then(window, "verify_pdf")),
        ("actionAvenant", "&Préparer un avenant…", lambda: _dialog_then(window, "prepare_avenant")),
        ("actionTrustRoot", "Importer une &racine de confiance…", lambda: import_trust_root(window)),
    )
    for name, label, slot in entries:
        action = QAction(window, text=label)  # this overload does not build QIcon's enums at start-up
        action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        setattr(window, name, action)
    window.versions_banner = VersionsBanner(window)
    window.statusBar().addPermanentWidget(window.versions_banner)
    window.navigation.currentRowChanged.connect(window.versions_banner.refresh)
    window.navigation.currentRowChanged.connect(lambda _row: add_page_buttons(window))
    add_page_buttons(window)


def _layout_holding(layout: QLayout | None, widget: QWidget) -> QBoxLayout | None:
    if layout is None:
        return None
    if isinstance(layout, QBoxLayout) and layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        item = layout.itemAt(i)
        found = _layout_holding(item.layout() if item is not None else None, widget)
        if found is not None:
            return found
    return None


def add_page_buttons(window) -> None:
    """A « Versions… » button at the end of the PRAE name's row on the pages that show it (PRAE,
    Convention CPO), once each page exists (pages are built on first visit)."""
    for i in range(window.pages.count()):
        page = window.pages.widget(i)
        label = getattr(page, "praeLabel", None)
        if not isinstance(label, QLabel) or page.findChild(QPushButton, "versionsButton") is not None:
            continue
        layout = _layout_holding(page.layout(), label)
        if layout is None:
            continue
        button = QPushButton("Versions…", page)
        button.setObjectName("versionsButton")
        button.setToolTip("Versions signées de la convention, avenants, vérification d'un PDF signé")
        button.clicked.connect(lambda: open_versions(window))
        if isinstance(layout, QVBoxLayout):  # the name on a line of its own (Suivi): make it a row
            row = QHBoxLayout()
            at = layout.indexOf(label)
            layout.removeWidget(label)
            row.addWidget(label, 1)
            layout.insertLayout(at, row)
            layout = row
        layout.addWidget(button)


def _dialog_then(window, method: str) -> None:
    from pnae_desktop.ui.versions_dialog import VersionsDialog  # start-up: on use only

    prae_id = _need_prae(window)
    if prae_id is None:
        return
    dialog = VersionsDialog(window, prae_id)
    getattr(dialog, method)()
    window.versions_banner.refresh()
