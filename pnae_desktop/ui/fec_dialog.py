"""The Suivi page's import of the accounts: « Importer le FEC… » reads the file, shows what would
be applied and every problem with its line (nothing written yet), then « Appliquer » makes it
one undoable edit; and the editor of the mapping table (which entries go to which action or
funder) stored with the PRAE."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pnae_desktop import paths
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.fec_mapping import check_rules, parse_mapping_csv
from pnae_desktop.domain.money import parse_percentage
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.services.edits_followup import SetMapping
from pnae_desktop.ui import palette
from pnae_desktop.ui.keyboard import chain, tidy
from pnae_desktop.ui.sheet import ComboDelegate, text_at

MATCHES = {"analytic": "code analytique", "label": "libellé contient", "account": "compte commence par"}
MATCH, PATTERN, ACTION, SHARE, FUNDER = range(5)
WRAP = int((Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft).value)
NO_ACTION = ""
DEMO_FEC = "fec-2018-demo.txt"  # services.demo_followup.FEC_NAME, shipped in resources/demo/


def start_folder(kind: str) -> tuple[str, bool]:
    """Where the file chooser of `kind` ("fec", "file", "mapping") opens: the folder last used,
    else — for a newcomer — the shipped demo folder, where the demo's FEC and its mapping are.
    Also says whether it is the demo folder (the chooser's title then says so)."""
    remembered = str(QSettings().value(f"suivi/{kind}/folder", "") or "")
    if remembered and Path(remembered).is_dir():
        return remembered, False
    demo = paths.resources() / "demo"
    if kind in ("fec", "mapping") and demo.is_dir():
        return str(demo), True
    return "", False


def remember_folder(kind: str, path: str) -> None:
    QSettings().setValue(f"suivi/{kind}/folder", str(Path(path).parent))


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {palette.ERROR};")
    label.hide()
    return label


def read_text(path: str, limit: int = 5 * 1024 * 1024) -> str:
    """A small text file (a mapping table) in UTF-8, with or without BOM, or ISO 8859-15."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UserError(f"Fichier illisible : {path} ({exc.strerror or exc.__class__.__name__}).") from exc
    if len(data) > limit:
        raise UserError(f"Fichier refusé : « {path} » dépasse {limit // (1024 * 1024)} Mo.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("iso8859-15")


class MappingDialog(QDialog):
    """The mapping table as rows: type of match, pattern, action (its number), share in %,
    funder (for products 70–77). « Enregistrer » checks every rule and the shares of each
    pattern (100 %), and applies one SetMapping edit; a refused table stays as typed, with the
    reason shown."""

    def __init__(self, page, rules: tuple[fu.MappingRule, ...]):
        super().__init__(page)
        self.page = page
        self.setWindowTitle("Table de correspondance des écritures")
        snapshot = page.snapshot
        self.action_names = {
            str(n): f"{n}. {a.title}" for n, a in enumerate(snapshot.detail.actions if snapshot else (), start=1)
        }
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Chaque écriture de charge (60–67) va à une action, chaque produit (70–77) à un financeur. "
            "Un code analytique l'emporte sur un libellé, qui l'emporte sur le plus long début de compte ; "
            "les parts d'un même motif totalisent 100 %.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("mappingTable")
        self.table.setAccessibleName("Règles de correspondance")
        self.table.setHorizontalHeaderLabels(["Type", "Motif", "Action", "Part (%)", "Financeur (produits)"])
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(MATCH, ComboDelegate(MATCHES, self.table))
        self.table.setItemDelegateForColumn(ACTION, ComboDelegate({NO_ACTION: "—", **self.action_names}, self.table))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(header.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ACTION, header.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.addButton = QPushButton("&Ajouter une règle", self)
        self.removeButton = QPushButton("&Supprimer la règle", self)
        self.csvButton = QPushButton("&Lire un fichier CSV…", self)
        for button in (self.addButton, self.removeButton, self.csvButton):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.error = _error_label(self)
        layout.addWidget(self.error)
        self.box = QDialogButtonBox(self)
        self.saveButton = self.box.addButton("&Enregistrer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.box.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(self.box)
        self.addButton.clicked.connect(lambda: self.add_row(fu.MappingRule("account", "", None)))
        self.removeButton.clicked.connect(self.remove_row)
        self.csvButton.clicked.connect(lambda: self.read_csv())
        self.box.accepted.connect(self.save)
        self.box.rejected.connect(self.reject)
        for rule in rules:
            self.add_row(rule)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.fit_rows()  # whole action titles, wrapped
        header.sectionResized.connect(lambda *_: self.fit_rows())
        if rules:
            self.table.setCurrentCell(0, PATTERN)
        tidy(self)
        chain([self.table, self.addButton, self.removeButton, self.csvButton, self.box])
        self.resize(900, 520)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_rows()

    def fit_rows(self) -> None:
        """Each row as tall as its action's title wrapped at the column's width (Qt's own
        measure of a wrapped cell leaves some titles cut with « … »)."""
        table, metrics = self.table, self.table.fontMetrics()
        width = max(40, table.columnWidth(ACTION) - 24)  # the cell's margins and frame
        for row in range(table.rowCount()):
            text = text_at(table, row, ACTION)
            needed = metrics.boundingRect(QRect(0, 0, width, 100_000), WRAP, text).height() + 10
            table.setRowHeight(row, max(needed, metrics.height() + 10))

    def add_row(self, rule: fu.MappingRule) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        action = "" if rule.action is None else str(rule.action)
        cells = (
            (MATCHES.get(rule.match, rule.match), rule.match),
            (rule.pattern, None),
            (self.action_names.get(action, action or "—"), action),
            (format(rule.share.normalize(), "f").replace(".", ","), None),
            (rule.funder, None),
        )
        for col, (text, key) in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if key is not None:
                item.setData(Qt.ItemDataRole.UserRole, key)
            self.table.setItem(row, col, item)
        self.table.setCurrentCell(row, PATTERN)

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def read_csv(self, path: str | None = None) -> None:
        """Replace the rows with a mapping file (CSV: match,pattern,action,share[,funder])."""
        if path is None:
            folder, demo = start_folder("mapping")
            title = "Lire une table de correspondance" + (
                " (essai : celle de la démonstration est ici)" if demo else ""
            )
            path, _ = QFileDialog.getOpenFileName(self, title, folder, "CSV (*.csv *.txt)")
            if not path:
                return
            remember_folder("mapping", path)
        try:
            rules = parse_mapping_csv(read_text(path), len(self.action_names))
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.table.setRowCount(0)
        for rule in rules:
            self.add_row(rule)
        self.error.hide()

    def rules(self) -> tuple[fu.MappingRule, ...]:
        """The rules as typed; ValidationError names the first bad one."""
        rules = []
        for row in range(self.table.rowCount()):
            where = f"Règle n° {row + 1}"
            item = self.table.item(row, MATCH)
            match = item.data(Qt.ItemDataRole.UserRole) if item is not None else "account"
            action_item = self.table.item(row, ACTION)
            action = action_item.data(Qt.ItemDataRole.UserRole) if action_item is not None else ""
            share_text = text_at(self.table, row, SHARE).strip() or "100"
            share = parse_percentage(share_text, f"{where}, part")
            rules.append(
                fu.MappingRule(
                    str(match),
                    text_at(self.table, row, PATTERN).strip(),
                    int(action) if action else None,
                    Decimal(share),
                    text_at(self.table, row, FUNDER).strip(),
                )
            )
        check_rules(rules, len(self.action_names))
        return tuple(rules)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def save(self) -> None:
        try:
            rules = self.rules()
        except ValidationError as exc:
            self.show_error(str(exc))  # the table stays as typed
            return
        if self.page.snapshot is None or rules != self.page.snapshot.followup.mapping:
            if not self.page.apply_edit(SetMapping("Modifier la table de correspondance", rules)):
                return
        self.accept()


class FecPreviewDialog(QDialog):
    """What an import would apply, and its problems by line; « Appliquer » only without any."""

    def __init__(self, parent: QWidget, prepared, title: str):
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        header = QLabel(prepared.header, self)
        header.setWordWrap(True)
        layout.addWidget(header)
        result = prepared.result
        problems = list(prepared.errors)  # the notes (entries left out, other years) are in the summary
        if prepared.errors:
            verdict = (
                f"⛔ {len(prepared.errors)} problème(s) : rien ne sera appliqué. "
                "Corrigez le fichier ou la table de correspondance, puis recommencez."
            )
        else:
            verdict = f"✓ Prêt : {result.used} écriture(s) utilisée(s), {result.ignored} ignorée(s)."
        self.verdict = QLabel(verdict, self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        layout.addWidget(QLabel("<b>Ce qui sera appliqué</b> (remplace le réalisé importé de l'année)", self))
        self.summary = QListWidget(self)
        self.summary.setObjectName("summaryList")
        self.summary.setAccessibleName("Ce qui sera appliqué")
        self.summary.setWordWrap(True)
        self.summary.addItems(list(prepared.summary) or ["(rien)"])
        layout.addWidget(self.summary, 4)
        layout.addWidget(QLabel("<b>Problèmes</b>, ligne par ligne du fichier", self))
        self.problems = QListWidget(self)
        self.problems.setObjectName("problemsList")
        self.problems.setAccessibleName("Problèmes, ligne par ligne")
        self.problems.setWordWrap(True)
        self.problems.addItems(problems or ["Aucun problème."])
        layout.addWidget(self.problems, 1)
        self.box = QDialogButtonBox(self)
        self.applyButton = self.box.addButton("A&ppliquer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.applyButton.setEnabled(prepared.ok)
        self.box.addButton("Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        layout.addWidget(self.box)
        tidy(self)
        self.resize(860, 560)


def import_fec(page, path: str | None = None, confirm=None, kind: str = "fec") -> bool:
    """Read a FEC (kind "fec") or a simple CSV/xlsx of realised amounts (kind "file") for the
    page's year, preview it, apply it once confirmed. `confirm(dialog)` replaces the modal run
    (tests); it returns whether « Appliquer » was chosen."""
    from pnae_desktop.services import realised_import  # start-up: the FEC reader on use only

    fec = kind == "fec"
    what = f"le FEC {page.year}" if fec else f"le réalisé {page.year} (tableau)"
    if path is None:
        filters = (
            "FEC (*.txt *.csv *.tsv);;Tous les fichiers (*)"
            if fec
            else "Tableaux (*.xlsx *.csv);;Tous les fichiers (*)"
        )
        folder, demo = start_folder(kind)
        title = f"Importer {what}" + (f" (essai : le FEC de démonstration est ici, {DEMO_FEC})" if demo else "")
        path, _ = QFileDialog.getOpenFileName(page, title, folder, filters)
        if not path:
            return False
        remember_folder(kind, path)
    try:
        name = "Fichier des écritures comptables" if fec else "Tableau du réalisé"
        data = realised_import.read_bytes(path, name)
        if fec:
            prepared = realised_import.prepare_fec(page.store, page.prae_id, page.year, data)
        else:
            prepared = realised_import.prepare_file(page.store, page.prae_id, page.year, data, Path(path).name)
    except UserError as exc:
        page.show_error(str(exc))
        return False
    dialog = FecPreviewDialog(page, prepared, f"Importer {what} — aperçu")
    chosen = confirm(dialog) if confirm is not None else dialog.exec() == QDialog.DialogCode.Accepted
    if not chosen or not prepared.ok:
        return False
    return bool(page.apply_edit(prepared.edit()))
