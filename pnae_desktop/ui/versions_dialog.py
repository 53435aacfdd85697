"""« Versions » of a PRAE's convention: the signed versions, marking a returned PDF as signed,
saving a version's signed PDF again (the stored bytes), the differences of the working version,
preparing an avenant, and verifying a signed convention received back. A thin layer over
services/versions.py, services/avenants.py and services/verify.py."""

from __future__ import annotations

import difflib
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pnae_desktop.errors import UserError
from pnae_desktop.services import avenants, marking, trust, verify, versions
from pnae_desktop.text import escape_markup
from pnae_desktop.ui.diff_view import diff_html

COLUMNS = ("N°", "Date", "État", "Champs signés", "Marquée par", "SHA-256 du PDF")


def article_diff_html(before: str, after: str) -> str:
    """An article's changed lines only (paragraphs, table rows), each with its word diff;
    « … » stands for the unchanged lines between them."""
    old, new = before.splitlines(), after.splitlines()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            if not out or out[-1] != "…":
                out.append("…")
        elif tag == "replace" and i2 - i1 == j2 - j1:
            out += [diff_html(a, b) for a, b in zip(old[i1:i2], new[j1:j2])]
        else:
            out += [diff_html(a, "") for a in old[i1:i2]] + [diff_html("", b) for b in new[j1:j2]]
    return "<br>".join(out)


def diff_page_html(status: versions.WorkingStatus) -> str:
    """The working version's differences with the signed one, for « Voir les différences »."""
    if status.signed is None:
        return "<p>Aucune version signée.</p>"
    out = [f"<h3>{escape_markup(status.banner())}</h3>"]
    if status.article4 is not None:
        out.append(f"<p><i>{escape_markup(status.article4.summary())}</i></p>")
    for kind, title in (("montant", "Montants"), ("champ", "Champs"), ("article", "Articles")):
        changes = status.diff.of_kind(kind)
        if not changes:
            continue
        out.append(f"<h4>{title} ({len(changes)})</h4>")
        if kind == "article":
            for c in changes:
                out.append(f"<p><b>{escape_markup(c.place)}</b><br>{article_diff_html(c.before, c.after)}</p>")
        else:
            rows = "".join(
                f"<tr><td>{escape_markup(c.place)}</td><td>{escape_markup(c.before)}</td>"
                f"<td>{escape_markup(c.after)}</td></tr>"
                for c in changes
            )
            out.append(
                "<table border='1' cellpadding='3' cellspacing='0'><tr><th>Où</th>"
                f"<th>Version signée</th><th>Version de travail</th></tr>{rows}</table>"
            )
    if status.diff.empty:
        out.append("<p>Aucune différence.</p>")
    return "".join(out)


def text_dialog(parent: QWidget, title: str, html: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.resize(820, 560)
    layout = QVBoxLayout(dialog)
    view = QTextBrowser(dialog)
    view.setObjectName("report")
    view.setHtml(html)
    layout.addWidget(view)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    return dialog


class VersionsDialog(QDialog):
    """The versions of one PRAE; every action also works with a path given (tests, scripts)."""

    def __init__(self, window, prae_id: int, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.window_ = window
        self.prae_id = prae_id
        self.setWindowTitle("Versions de la convention")
        self.resize(900, 420)
        layout = QVBoxLayout(self)
        self.banner = QLabel(self)
        self.banner.setObjectName("versionsBanner")
        self.banner.setWordWrap(True)
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, label, slot in (
            ("mark", "Marquer comme signée…", lambda: self.mark_signed()),
            ("save", "Enregistrer le PDF signé…", lambda: self.save_pdf()),
            ("diff", "Voir les différences", lambda: self.show_diff()),
            ("avenant", "Préparer un avenant…", lambda: self.prepare_avenant()),
            ("annual", "Avenant financier annuel…", lambda: self.prepare_annual()),
            ("verify", "Vérifier un PDF signé…", lambda: self.verify_pdf()),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        layout.addLayout(row)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.found: list[versions.VersionInfo] = []
        self.status: versions.WorkingStatus | None = None
        self.refresh()

    @property
    def store(self):
        return self.window_.workspace.store

    def refresh(self) -> None:
        self.found = versions.list_versions(self.store, self.prae_id)
        self.status = versions.working_status(self.store, self.prae_id) if self.found else None
        self.table.setRowCount(len(self.found))
        for r, v in enumerate(reversed(self.found)):
            cells = (str(v.number), v.date_label, v.described, ", ".join(v.signed_fields), v.marked_by, v.pdf_sha256)
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()  # every text whole
        if self.found:
            self.table.selectRow(0)
        self.banner.setText(self.banner_text())
        for key in ("save", "diff", "avenant", "annual"):
            self.buttons[key].setEnabled(bool(self.found))

    def banner_text(self) -> str:
        if self.status is None or self.status.signed is None:
            return "Aucune version signée : la convention n'a pas encore été marquée comme signée."
        text = self.status.banner()
        if self.status.modified and self.status.article4 is not None:
            text += f"\n{self.status.article4.summary()}"
        return text

    def selected(self) -> versions.VersionInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not self.found:
            return self.found[-1] if self.found else None
        return list(reversed(self.found))[rows[0].row()]

    def _warn(self, exc: UserError) -> None:
        QMessageBox.warning(self, "Versions", str(exc))

    def _ask_open(self, title: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self, title, "", "PDF (*.pdf)")
        return path or None

    def _ask_save(self, title: str, name: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, "PDF (*.pdf)")
        return path or None

    def mark_signed(self, path: str | None = None) -> versions.VersionInfo | None:
        path = path or self._ask_open("Marquer comme signée : convention ou avenant signé reçu (PDF)")
        if not path:
            return None
        try:
            done = marking.mark_signed(self.store, self.prae_id, versions.read_pdf_file(path))
        except UserError as exc:
            self._warn(exc)
            return None
        self.refresh()
        # Signed by every party, the PRAE became « Signé »: the pages and the dashboard read it
        # again, and the next edit is checked against that row, not the one read before.
        self.window_.session(self.prae_id).refresh()
        QMessageBox.information(self, "Versions", f"Version n° {done.number} enregistrée : {done.described}.")
        return done

    def save_pdf(self, path: str | None = None, *, overwrite: bool = True) -> Path | None:
        """`overwrite`: the file dialog has already asked before replacing a file."""
        version = self.selected()
        if version is None:
            return None
        path = path or self._ask_save("Enregistrer le PDF signé", version.file_name)
        if not path:
            return None
        try:
            return versions.save_version_pdf(self.store, version.id, path, overwrite=overwrite)
        except UserError as exc:
            self._warn(exc)
            return None

    def show_diff(self, modal: bool = True) -> QDialog | None:
        if self.status is None:
            return None
        dialog = text_dialog(self, "Différences avec la version signée", diff_page_html(self.status))
        if modal:
            dialog.exec()
        else:
            dialog.show()
        return dialog

    def _write_despite_problems(self) -> bool:
        """The working convention's blocking problems (the export's checks, as `pnae export
        avenant` prints them), asked about before the avenant is written: it prints the working
        version as it is. True when there are none or the user writes anyway."""
        from pnae_desktop.services import exports  # start-up: dialogs load after the first paint

        catalogue = versions.catalogue_of(self.store, self.prae_id)
        errors = exports.preflight(self.store, self.prae_id, catalogue, "convention").errors
        if not errors:
            return True
        listed = "\n".join(f"• {e}" for e in errors)
        answer = QMessageBox.question(
            self,
            "Avenant",
            f"Attention : la convention de travail n'est pas prête :\n{listed}\n\n"
            "L'avenant reprend la version de travail telle qu'elle est. L'écrire quand même ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def prepare_avenant(self, path: str | None = None, year: int | None = None) -> Path | None:
        if not self._write_despite_problems():
            return None
        name = f"avenant-{year}.pdf" if year else "avenant.pdf"
        path = path or self._ask_save("Préparer un avenant", name)
        if not path:
            return None
        try:
            done = avenants.prepare_avenant(self.store, self.prae_id, path, year=year, overwrite=True)
        except UserError as exc:
            self._warn(exc)
            return None
        note = "" if year else f"\n{done.plan.article4.summary()}"
        QMessageBox.information(self, "Avenant", f"Avenant n° {done.plan.number} écrit : {done.path}{note}")
        return done.path

    def prepare_annual(self, path: str | None = None, year: int | None = None) -> Path | None:
        if year is None:
            years = sorted({int(y) for y in self._years()})
            choice, ok = QInputDialog.getItem(
                self, "Avenant financier annuel", "Année à confirmer :", [str(y) for y in years], 0, False
            )
            if not ok:
                return None
            year = int(choice)
        return self.prepare_avenant(path, year)

    def _years(self) -> list[int]:
        from pnae_desktop.services import praes  # start-up: dialogs load after the first paint

        return list(praes.get_prae(self.store, self.prae_id).years)

    def verify_pdf(self, path: str | None = None, modal: bool = True) -> verify.VerifyReport | None:
        path = path or self._ask_open("Vérifier une convention ou un avenant signé (PDF)")
        if not path:
            return None
        return verify_and_show(self, self.store, self.prae_id, path, modal=modal)


def verify_and_show(
    parent: QWidget, store, prae_id: int, path: str, *, modal: bool = True
) -> verify.VerifyReport | None:
    """Verify the PDF at `path` against the imported trust roots and show the report."""
    try:
        report = verify.verify(store, prae_id, versions.read_pdf_file(path), trust.trust_roots())
    except UserError as exc:
        QMessageBox.warning(parent, "Vérification", str(exc))
        return None
    html = "".join(f"<p>{escape_markup(line)}</p>" for line in report.lines())
    if not trust.trust_roots():
        html += "<p><i>Aucune racine de confiance importée (menu Signatures › Racines de confiance…).</i></p>"
    dialog = text_dialog(parent, "Vérification d'une convention signée", html)
    parent.setProperty("last_report", "\n".join(report.lines()))
    if modal:
        dialog.exec()
    else:
        dialog.show()
    return report
