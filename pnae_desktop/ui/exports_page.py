"""Exports page: choose documents and destinations, see the pre-flight checks, export with
progress, then open the file or its folder. The last destination is remembered per document."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from pnae_desktop.errors import UserError
from pnae_desktop.services import exports, praes
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import jobs, palette
from pnae_desktop.ui.forms import Form, load_form


class ExportsPageForm(Form):
    """The widgets forms/exports_page.ui provides (checked by load_form)."""

    title: QLabel
    praeLabel: QLabel
    documentsBox: QGroupBox
    conventionCheck: QCheckBox
    conventionPath: QLineEdit
    conventionBrowse: QPushButton
    praeCheck: QCheckBox
    praePath: QLineEdit
    praeBrowse: QPushButton
    budgetCheck: QCheckBox
    budgetPath: QLineEdit
    budgetBrowse: QPushButton
    checkButton: QPushButton
    exportButton: QPushButton
    openFileButton: QPushButton
    openFolderButton: QPushButton
    checksList: QListWidget
    progress: QProgressBar
    resultLabel: QLabel


class ExportsPage(ExportsPageForm, QWidget):
    def __init__(self, window, parent=None):
        super().__init__(parent)
        load_form("exports_page.ui", self)
        self.window_ = window
        self.prae_id: int | None = None
        self.last_outputs: list[Path] = []
        self._thread = None
        self.rows = {
            "convention": (self.conventionCheck, self.conventionPath, self.conventionBrowse),
            "prae": (self.praeCheck, self.praePath, self.praeBrowse),
            "budget": (self.budgetCheck, self.budgetPath, self.budgetBrowse),
        }
        for document, (_check, path, browse) in self.rows.items():
            browse.clicked.connect(lambda _=False, d=document: self.browse(d))
            path.editingFinished.connect(lambda d=document: self._remember(d))
        self.checkButton.clicked.connect(self.run_checks)
        self.exportButton.clicked.connect(self.export)
        self.openFileButton.clicked.connect(self.open_file)
        self.openFolderButton.clicked.connect(self.open_folder)
        self.openFileButton.setEnabled(False)
        self.openFolderButton.setEnabled(False)
        self.progress.hide()

    @property
    def store(self):
        return self.window_.workspace.store

    @property
    def catalogue(self):
        return self.window_.workspace.catalogues.default

    def load(self, prae_id: int | None) -> None:
        self.prae_id = prae_id
        enabled = prae_id is not None
        for widget in (self.documentsBox, self.checkButton, self.exportButton):
            widget.setEnabled(enabled)
        if prae_id is None:
            self.praeLabel.setText("Aucun PRAE ouvert : choisissez-en un sur le tableau de bord.")
            return

        summary = praes.get_prae(self.store, prae_id).summary  # read once: title and file names
        self.praeLabel.setText(f"<b>{escape_markup(summary.title)}</b>")
        names = exports.default_file_names(summary)
        settings = QSettings()
        default_dir = Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()
        )
        for document, (_check, path, _browse) in self.rows.items():
            folder = Path(str(settings.value(f"exports/{document}/folder", str(default_dir))))
            path.setText(str(folder / names[document]))
        self.run_checks()

    def _remember(self, document: str) -> None:
        text = self.rows[document][1].text().strip()
        if text:
            QSettings().setValue(f"exports/{document}/folder", str(Path(text).parent))

    def browse(self, document: str) -> None:
        label, suffix = exports.DOCUMENTS[document]
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Enregistrer : {label}",
            self.rows[document][1].text(),
            f"{label} (*{suffix})",
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked on export, with the store's checks
        )
        if path:
            self.rows[document][1].setText(path)
            self._remember(document)

    def selected(self) -> list[str]:
        return [d for d, (check, _path, _b) in self.rows.items() if check.isChecked()]

    def run_checks(self) -> dict[str, exports.Preflight]:
        self.checksList.clear()
        results = self._preflight(self.selected())
        for document, result in results.items():
            label = exports.DOCUMENTS[document][0]
            for message, color, mark in [(m, palette.ERROR, "⛔") for m in result.errors] + [
                (m, palette.WARNING, "⚠") for m in result.warnings
            ]:
                item = QListWidgetItem(f"{mark} {label} — {message}")
                item.setForeground(QBrush(QColor(color)))
                self.checksList.addItem(item)
            if result.ok and not result.warnings:
                item = QListWidgetItem(f"✓ {label} : prêt.")
                item.setForeground(QBrush(QColor(palette.SUCCESS)))
                self.checksList.addItem(item)
        return results

    def _preflight(self, documents: list[str]) -> dict[str, exports.Preflight]:
        """The checks of `documents`, the PRAE read once; if that fails, each document on its own,
        so that each shows the error that concerns it."""
        prae_id = self.prae_id
        if prae_id is None:  # no PRAE open: nothing to check
            return {}
        try:
            return exports.preflight_all(self.store, prae_id, self.catalogue, documents)
        except UserError:
            pass
        results = {}
        for document in documents:
            try:
                results[document] = exports.preflight(self.store, prae_id, self.catalogue, document)
            except UserError as exc:
                results[document] = exports.Preflight(errors=[str(exc)])
        return results

    def export(self) -> None:
        documents = self.selected()
        if self.prae_id is None or not documents:
            return
        results = self.run_checks()
        blocked = [d for d, r in results.items() if not r.ok]
        if blocked:
            QMessageBox.warning(
                self,
                "Exports",
                "Des erreurs bloquent l'export : corrigez-les d'abord (voir la liste des vérifications).",
            )
            return
        warnings = sum(len(r.warnings) for r in results.values())
        if (
            warnings
            and QMessageBox.question(
                self,
                "Exports",
                f"{warnings} alerte(s) : exporter quand même ?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        targets = {d: exports.output_path(d, self.rows[d][1].text().strip()) for d in documents}
        overwrite = {}
        for document, target in targets.items():  # « Le fichier … existe déjà. Le remplacer ? »
            answer = self.window_.confirm_overwrite(target, self, typed=self.rows[document][1].text().strip())
            if answer is None:
                return
            overwrite[document] = answer
        for document in documents:
            self._remember(document)
        store, prae_id, catalogue = self.store, self.prae_id, self.catalogue

        def work(report):
            done = []
            for n, (document, path) in enumerate(targets.items()):

                def step(fraction, label, n=n):
                    report((n + fraction) / len(targets), label)

                done.append(
                    exports.export(
                        store,
                        prae_id,
                        catalogue,
                        document,
                        path,
                        force=True,
                        overwrite=overwrite[document],
                        progress=step,
                    )
                )
            return done

        self.exportButton.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.resultLabel.setText("Export en cours…")
        self._thread, job = jobs.start(self, work)
        self._job = job  # a parentless QObject lives only as long as Python holds it
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._thread.start()

    def _on_progress(self, fraction: float, label: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress.setFormat(f"{label} – %p %")

    def _on_done(self, paths) -> None:
        self.last_outputs = list(paths)
        self.exportButton.setEnabled(True)
        self.progress.setValue(100)
        self.resultLabel.setText("Exporté :<br>" + "<br>".join(str(p) for p in paths))
        self.openFileButton.setEnabled(True)
        self.openFolderButton.setEnabled(True)
        self.window_.statusBar().showMessage(f"{len(paths)} document(s) exporté(s).", 8000)

    def _on_failed(self, message: str) -> None:
        self.exportButton.setEnabled(True)
        self.progress.hide()
        self.resultLabel.setText("")
        QMessageBox.warning(self, "Exports", message)

    def open_file(self) -> None:
        if self.last_outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_outputs[0])))

    def open_folder(self) -> None:
        if self.last_outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_outputs[0].parent)))
