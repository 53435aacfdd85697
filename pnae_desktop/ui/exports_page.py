"""Exports page: choose documents and destinations, see the pre-flight checks, export with
progress, then open the file or its folder. The last destination is remembered per document."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from pnae_desktop.errors import UserError
from pnae_desktop.services import exports, praes
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import check_list, jobs, palette
from pnae_desktop.ui.followup_exports_box import FollowupExportsBox
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
    cancelButton: QPushButton
    openFileButton: QPushButton
    openFolderButton: QPushButton
    signButton: QPushButton
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
        self.cancelButton.clicked.connect(self.cancel_export)
        self.checksList.itemActivated.connect(self._check_activated)
        self._cancel: threading.Event | None = None
        self.skipped: dict[str, list[str]] = {}
        self.exportButton.clicked.connect(self.export)
        self.openFileButton.clicked.connect(self.open_file)
        self.openFolderButton.clicked.connect(self.open_folder)
        self.signButton.clicked.connect(self.open_sign_dialog)
        self.openFileButton.setEnabled(False)
        self.openFolderButton.setEnabled(False)
        self.progress.hide()
        self.followupBox = FollowupExportsBox(self)  # under « Documents à exporter »
        layout = cast(QBoxLayout, self.layout())
        layout.insertWidget(layout.indexOf(self.documentsBox) + 1, self.followupBox)

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
        self.followupBox.load(prae_id)
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
        """The one list of checks (services.checks) for the documents ticked, each problem once
        with the documents it concerns, then one line per document: ready, or why not."""
        self.checksList.clear()
        documents = self.selected()
        results = self._preflight(documents)
        if not results:
            return results
        listed = next((r.all_problems for r in results.values() if r.all_problems), [])
        for problem in listed:  # each once, in the order the Convention page shows them
            if any(d in problem.documents for d in documents):
                check_list.add_problem(self.checksList, problem)
        for document in documents:
            result = results[document]
            label = exports.DOCUMENTS[document][0]
            if not result.ok:
                if not result.problems:  # the PRAE could not be read for it: the reason itself
                    for message in result.errors:
                        check_list.add_note(self.checksList, f"⛔ {label} : {message}", check_list.ERROR_COLOUR)
                    continue
                check_list.add_note(
                    self.checksList,
                    f"⛔ {label} : pas prêt ({len(result.errors)} problème(s) bloquant(s) ci-dessus).",
                    check_list.ERROR_COLOUR,
                )
            elif result.warnings:
                check_list.add_note(
                    self.checksList, f"✓ {label} : prêt, {len(result.warnings)} alerte(s).", check_list.OK_COLOUR
                )
            else:
                check_list.add_note(self.checksList, f"✓ {label} : prêt.", check_list.OK_COLOUR)
        return results

    def _check_activated(self, item) -> None:
        problem = check_list.problem_of(item)
        if problem is not None:
            check_list.go_to_place(self.window_, problem.place)

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
        """Export the documents that are ready; say which are not, and why."""
        documents = self.selected()
        if self.prae_id is None or not documents:
            return
        results = self.run_checks()
        ready = [d for d in documents if results[d].ok]
        blocked = [d for d in documents if not results[d].ok]
        names = {d: exports.DOCUMENTS[d][0] for d in documents}
        not_ready = "".join(
            f"\n- {names[d]} : {len(results[d].errors)} problème(s) bloquant(s), par exemple « {results[d].errors[0]} »"
            for d in blocked
        )
        if not ready:
            QMessageBox.warning(
                self,
                "Exports",
                "Des problèmes bloquent l'export de ce qui est coché :"
                + not_ready
                + "\n\nCorrigez-les (Entrée sur une ligne de la liste mène à l'endroit à corriger), "
                "ou décochez le document.",
            )
            return
        warnings = sum(len(results[d].warnings) for d in ready)
        if blocked or warnings:
            question = ""
            if blocked:
                question += "Pas prêts, ils ne seront pas exportés :" + not_ready + "\n\n"
            if warnings:
                question += f"{warnings} alerte(s) sur les documents prêts (voir la liste).\n\n"
            question += "Exporter " + ", ".join(names[d] for d in ready) + " ?"
            answer = QMessageBox.question(
                self,
                "Exports",
                question,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        targets = {d: exports.output_path(d, self.rows[d][1].text().strip()) for d in ready}
        overwrite = {}
        for document, target in targets.items():  # « Le fichier … existe déjà. Le remplacer ? »
            answer = self.window_.confirm_overwrite(target, self, typed=self.rows[document][1].text().strip())
            if answer is None:
                return
            overwrite[document] = answer
        for document in ready:
            self._remember(document)
        self.skipped = {d: results[d].errors for d in blocked}
        store, prae_id, catalogue = self.store, self.prae_id, self.catalogue
        cancel = self._cancel = threading.Event()

        def work(report):
            done: list[Path] = []
            failed: list[str] = []
            for n, (document, path) in enumerate(targets.items()):

                def step(fraction, label, n=n):
                    report((n + fraction) / len(targets), label)

                try:
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
                            cancel=cancel,
                        )
                    )
                except exports.ExportCancelled:
                    return done, failed, True
                except UserError as exc:  # the next documents are still written
                    failed.append(f"{names[document]} : {exc}")
            return done, failed, False

        self.last_outputs = []  # « Ouvrir le fichier » never points to a previous export
        self.openFileButton.setEnabled(False)
        self.openFolderButton.setEnabled(False)
        self.exportButton.setEnabled(False)
        self.cancelButton.setEnabled(True)
        self.progress.setValue(0)
        self.progress.show()
        self.resultLabel.setText("Export en cours…")
        self._thread, job = jobs.start(self, work)
        self._job = job  # a parentless QObject lives only as long as Python holds it
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._thread.start()

    def cancel_export(self) -> None:
        """Stop the running export: the document being written is not kept (no partial file)."""
        if self._cancel is not None:
            self._cancel.set()
            self.cancelButton.setEnabled(False)
            self.resultLabel.setText("Annulation en cours…")

    def _on_progress(self, fraction: float, label: str) -> None:
        self.progress.setValue(int(fraction * 100))
        self.progress.setFormat(f"{label} – %p %")

    def _on_done(self, result) -> None:
        paths, failed, cancelled = result
        self.last_outputs = list(paths)
        self._cancel = None
        self.exportButton.setEnabled(True)
        self.cancelButton.setEnabled(False)
        self.progress.setValue(100 if not (failed or cancelled) else self.progress.value())
        lines = []
        if paths:
            lines.append("Exporté :<br>" + "<br>".join(escape_markup(str(p)) for p in paths))
        if cancelled:
            lines.append("<b>Export annulé</b> : le document en cours n'a pas été écrit.")
        for message in failed:
            lines.append(f'<span style="color:{palette.ERROR}">Non exporté, {escape_markup(message)}</span>')
        for document, errors in self.skipped.items():
            lines.append(
                f'<span style="color:{palette.ERROR}">Pas prêt, non exporté : {exports.DOCUMENTS[document][0]} '
                f"({len(errors)} problème(s) bloquant(s), voir la liste).</span>"
            )
        self.resultLabel.setText("<br>".join(lines))
        self.openFileButton.setEnabled(bool(paths))
        self.openFolderButton.setEnabled(bool(paths))
        self.window_.statusBar().showMessage(f"{len(paths)} document(s) exporté(s).", 8000)
        if failed:
            QMessageBox.warning(self, "Exports", "\n\n".join(failed))

    def _on_failed(self, message: str) -> None:
        self._cancel = None
        self.exportButton.setEnabled(True)
        self.cancelButton.setEnabled(False)
        self.progress.hide()
        self.resultLabel.setText("")
        QMessageBox.warning(self, "Exports", message)

    def open_file(self) -> None:
        if self.last_outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_outputs[0])))

    def open_folder(self) -> None:
        if self.last_outputs:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_outputs[0].parent)))

    def open_sign_dialog(self):
        """« Signer la convention… » on the convention last exported (else the one named in the
        convention's path field, if it exists); the outcome is shown under the buttons."""
        from pnae_desktop.ui.sign_dialog import SignDialog  # start-up: pyHanko-backed, on use only

        exported = [p for p in self.last_outputs if p.suffix.lower() == ".pdf" and p.exists()]
        named = Path(self.conventionPath.text().strip() or ".")
        pdf = exported[0] if exported else named if named.is_file() else None
        dialog = SignDialog(self, pdf, store_path=self.store.path if self.prae_id is not None else None)
        dialog.accepted.connect(lambda: self.resultLabel.setText(dialog.summary().replace("\n", " ")))
        dialog.open()
        return dialog
