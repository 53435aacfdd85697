"""The Exports page's « Documents de suivi » box: the compte rendu financier of a year (PDF and
xlsx), the bilan annuel and the évaluation finale, with the page's patterns — one line per
document saying whether it can be written (else why, in French, beside it), confirm before
replacing a file, progress, « Annuler l'export » and « Ouvrir le fichier » of the page.

The writing is services.followup_exports' (the CLI's `export compte-rendu|bilan|evaluation`)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import UserError
from pnae_desktop.services import followup_exports as fx
from pnae_desktop.services import praes
from pnae_desktop.services.outputs import check_output
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import jobs, palette

# row key → (label on the page, document, suffix)
ROWS: dict[str, tuple[str, str, str]] = {
    "compte-rendu-pdf": ("Compte rendu financier (PDF)", "compte-rendu", ".pdf"),
    "compte-rendu-xlsx": ("Compte rendu financier (xlsx)", "compte-rendu", ".xlsx"),
    "bilan": ("Bilan annuel (PDF)", "bilan", ".pdf"),
    "evaluation": ("Évaluation finale (PDF)", "evaluation", ".pdf"),
}
SETTINGS_KEY = "exports/followup/folder"


class FollowupExportsBox(QGroupBox):
    """Built in code (no form): the page inserts it under its « Documents à exporter »."""

    def __init__(self, page, parent: QWidget | None = None):
        super().__init__("Documents de suivi (réalisé)", parent)
        self.page = page
        self.prae_id: int | None = None
        self.summary: PraeSummary | None = None
        self.refusals: dict[str, str | None] = {}
        grid = QGridLayout(self)
        top = QHBoxLayout()
        year_label = QLabel("&Année du réalisé :")
        self.yearCombo = QComboBox()
        self.yearCombo.setAccessibleName("Année des documents de suivi")
        year_label.setBuddy(self.yearCombo)
        top.addWidget(year_label)
        top.addWidget(self.yearCombo)
        top.addStretch(1)
        grid.addLayout(top, 0, 0, 1, 4)
        self.rows: dict[str, tuple[QCheckBox, QLineEdit, QPushButton, QLabel]] = {}
        for n, (key, (label, _document, _suffix)) in enumerate(ROWS.items(), start=1):
            check = QCheckBox(label)
            path = QLineEdit()
            path.setAccessibleName(f"Fichier : {label}")
            browse = QPushButton("Parcourir…")
            browse.setAccessibleName(f"Parcourir : {label}")
            status = QLabel()
            status.setWordWrap(True)
            grid.addWidget(check, n, 0)
            grid.addWidget(path, n, 1)
            grid.addWidget(browse, n, 2)
            grid.addWidget(status, n, 3)
            self.rows[key] = (check, path, browse, status)
            browse.clicked.connect(lambda _=False, k=key: self.browse(k))
            path.editingFinished.connect(lambda k=key: self._remember(k))
            check.toggled.connect(lambda _=False: self._update_button())
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)
        self.exportButton = QPushButton("Exporter le &suivi")
        self.exportButton.setToolTip("Écrire les documents de suivi cochés pour l'année choisie")
        buttons = QHBoxLayout()
        buttons.addWidget(self.exportButton)
        buttons.addStretch(1)
        grid.addLayout(buttons, len(ROWS) + 1, 0, 1, 4)
        self.rows["compte-rendu-pdf"][0].setChecked(True)
        self.yearCombo.currentIndexChanged.connect(lambda _=0: self._year_changed())
        self.exportButton.clicked.connect(self.export)

    # -- reading the PRAE ---------------------------------------------------------------------

    def year(self) -> int | None:
        data = self.yearCombo.currentData()
        return None if data is None else int(data)

    def load(self, prae_id: int | None) -> None:
        """Show `prae_id` (each time the page is shown): the year chosen stays for the same PRAE."""
        previous = self.year() if prae_id is not None and prae_id == self.prae_id else None
        self.prae_id = prae_id
        self.setEnabled(prae_id is not None)
        if prae_id is None:
            return
        summary = self.summary = praes.get_prae(self.page.store, prae_id).summary
        years = list(range(summary.start_year, summary.end_year + 1))
        realised = self._realised_years(years)
        self.yearCombo.blockSignals(True)
        self.yearCombo.clear()
        for y in years:
            self.yearCombo.addItem(f"{y}" + ("" if y in realised else " (rien de réalisé)"), y)
        chosen = max(realised) if realised else years[0]  # the latest year with realised data
        if previous in years:
            chosen = previous
        self.yearCombo.setCurrentIndex(years.index(chosen))
        self.yearCombo.blockSignals(False)
        self._year_changed()

    def _realised_years(self, years: list[int]) -> set[int]:
        assert self.prae_id is not None
        answers = fx.refusals(
            self.page.store, self.prae_id, self.page.catalogue, {str(y): ("bilan", y, ".pdf") for y in years}
        )
        return {int(y) for y, why in answers.items() if why is None}

    def _year_changed(self) -> None:
        """New file names for the year (each in its folder), then the checks."""
        if self.summary is None:
            return
        folder = Path(str(QSettings().value(SETTINGS_KEY, str(_documents_dir()))))
        for key, (_label, document, suffix) in ROWS.items():
            path = self.rows[key][1]
            current = path.text().strip()
            where = Path(current).parent if current else folder
            year = self.year() if fx.FOLLOWUP_DOCUMENTS[document][2] else None
            path.setText(str(where / fx.default_file_name(self.summary, document, year, suffix)))
        self.run_checks()

    def run_checks(self) -> dict[str, str | None]:
        """Beside each document: « prêt », or why it cannot be written (nothing is written)."""
        if self.prae_id is None:
            return {}
        year = self.year()
        requests = {key: (document, year, suffix) for key, (_l, document, suffix) in ROWS.items()}
        self.refusals = fx.refusals(self.page.store, self.prae_id, self.page.catalogue, requests)
        for key, why in self.refusals.items():
            status = self.rows[key][3]
            if why is None:
                status.setText(f'<span style="color:{palette.SUCCESS}">✓ prêt</span>')
            else:
                status.setText(f'<span style="color:{palette.ERROR}">⛔ {escape_markup(why)}</span>')
            status.setAccessibleDescription(why or "prêt")
        self._update_button()
        return self.refusals

    def _update_button(self) -> None:
        self.exportButton.setEnabled(self.prae_id is not None and bool(self.selected()))

    def selected(self) -> list[str]:
        return [key for key, row in self.rows.items() if row[0].isChecked()]

    # -- files --------------------------------------------------------------------------------

    def _remember(self, key: str) -> None:
        text = self.rows[key][1].text().strip()
        if text:
            QSettings().setValue(SETTINGS_KEY, str(Path(text).parent))

    def browse(self, key: str) -> None:
        label, _document, suffix = ROWS[key]
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Enregistrer : {label}",
            self.rows[key][1].text(),
            f"{label} (*{suffix})",
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked on export
        )
        if path:
            self.rows[key][1].setText(path)
            self._remember(key)

    # -- exporting ----------------------------------------------------------------------------

    def export(self) -> None:
        """Write the ticked documents that can be written; say beside the others why not."""
        keys = self.selected()
        if self.prae_id is None or not keys:
            return
        refusals = self.run_checks()
        ready = [k for k in keys if refusals.get(k) is None]
        refused = [f"{ROWS[k][0]} : {refusals[k]}" for k in keys if refusals.get(k) is not None]
        if not ready:
            QMessageBox.warning(self.page, "Exports", "Rien à exporter :\n- " + "\n- ".join(refused))
            return
        targets: dict[str, Path] = {}
        for key in ready:
            typed = self.rows[key][1].text().strip()
            if not typed:
                QMessageBox.warning(self.page, "Exports", f"{ROWS[key][0]} : indiquez le fichier à écrire.")
                return
            targets[key] = Path(typed).expanduser()
        overwrite = {}
        for key, target in targets.items():  # « Le fichier … existe déjà. Le remplacer ? »
            answer = self.page.window_.confirm_overwrite(target, self.page)
            if answer is None:
                return
            overwrite[key] = answer
        for key in ready:
            self._remember(key)
        store, prae_id, catalogue, year = self.page.store, self.prae_id, self.page.catalogue, self.year()
        cancel = self.page._cancel = threading.Event()

        def work(report):
            done: list[Path] = []
            failed: list[str] = []
            for n, (key, path) in enumerate(targets.items()):
                if cancel.is_set():
                    return done, failed, True
                label, document, _suffix = ROWS[key]
                report(n / len(targets), label)
                needs_year = fx.FOLLOWUP_DOCUMENTS[document][2]

                def write(temp: Path, document=document, needs_year=needs_year) -> Path:
                    return fx.export_followup(
                        store, prae_id, catalogue, document, temp, year=year if needs_year else None
                    )

                try:
                    written = _write_unless_cancelled(path, write, cancel, overwrite[key], store.path)
                except UserError as exc:  # the next documents are still written
                    failed.append(f"{label} : {exc}")
                    continue
                if written is None:
                    return done, failed, True
                done.append(written)
            report(1.0, "Terminé")
            return done, failed, cancel.is_set()

        page = self.page
        page.skipped = {}
        page.last_outputs = []  # « Ouvrir le fichier » never points to a previous export
        page.openFileButton.setEnabled(False)
        page.openFolderButton.setEnabled(False)
        page.exportButton.setEnabled(False)
        self.exportButton.setEnabled(False)
        page.cancelButton.setEnabled(True)
        page.progress.setValue(0)
        page.progress.show()
        page.resultLabel.setText("Export en cours…")
        page._thread, job = jobs.start(page, work)
        page._job = job  # a parentless QObject lives only as long as Python holds it
        job.progress.connect(page._on_progress)
        job.finished.connect(page._on_done)
        job.failed.connect(page._on_failed)
        job.finished.connect(lambda _r: self._after(refused))
        job.failed.connect(lambda _m: self._update_button())
        page._thread.start()

    def _after(self, refused: list[str]) -> None:
        """After the page's own summary: the ticked documents not written, and why."""
        self._update_button()
        if refused:
            lines = "<br>".join(f"Pas prêt, non exporté : {escape_markup(r)}" for r in refused)
            text = self.page.resultLabel.text()
            self.page.resultLabel.setText(f'{text}<br><span style="color:{palette.ERROR}">{lines}</span>')


def _write_unless_cancelled(path: Path, write, cancel: threading.Event, overwrite: bool, store_path) -> Path | None:
    """`write` the document beside `path` under a temporary name, then put it in place — unless
    « Annuler l'export » was pressed meanwhile: then nothing is kept and an existing file stays
    as it was (None)."""
    target = check_output(path, overwrite=overwrite, store_path=store_path)  # never the store
    temp = target.with_name(f".{target.stem}.{os.getpid()}.en-cours{target.suffix}")
    try:
        write(temp)
        if cancel.is_set():
            return None
        os.replace(temp, target)
    except OSError as exc:
        raise UserError(f"Écriture impossible de « {target} » : {exc.strerror or exc}.") from None
    finally:
        temp.unlink(missing_ok=True)
    return target


def _documents_dir() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
