"""Budget page: charges and financing per action and year as spreadsheets, structural costs and
their allocation key, and a synthesis per CPO axis and per funder. Every total is derived by
the domain and refreshed after each cell; every change is an undoable edit of the PRAE."""

from __future__ import annotations

import functools
from collections.abc import Hashable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import (
    format_amount,
    format_percentage,
    parse_amount,
    parse_percentage,
)
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import budget as service
from pnae_desktop.services import edits, praes
from pnae_desktop.ui.budget_sheet import SheetModel
from pnae_desktop.ui.budget_summary import summary_html
from pnae_desktop.ui.budget_tables import (
    action_totals_html,
    balance_words,
    charge_sheet,
    financing_sheet,
    manual_key_sheet,
    structure_sheet,
    structure_totals_html,
)
from pnae_desktop.ui.fit import show_every_row
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.keyboard import chain
from pnae_desktop.ui.prae_bound import PraeBoundPage
from pnae_desktop.ui.sheet import CheckedDelegate, ComboDelegate, SheetView


class BudgetPageForm(Form):
    """The widgets forms/budget_page.ui provides (checked by load_form)."""

    title: QLabel
    praeLabel: QLabel
    importButton: QPushButton
    balanceLabel: QLabel
    tabs: QTabWidget
    actionCombo: QComboBox
    addChargeButton: QToolButton
    removeChargeButton: QPushButton
    chargesView: SheetView
    addFunderButton: QPushButton
    removeFunderButton: QPushButton
    financingView: SheetView
    sharesEdit: QLineEdit
    structureTab: QWidget
    addStructureButton: QPushButton
    structureView: SheetView
    keyRow: QHBoxLayout
    manualView: SheetView
    summaryView: QTextBrowser
    actionTotalsLabel: QLabel
    structureTotalsLabel: QLabel


class BudgetPage(BudgetPageForm, PraeBoundPage, QWidget):
    PAGE_TITLE = "Budget"
    ASPECTS = frozenset({edits.BUDGET, edits.ACTIONS, edits.TITLE})
    # Read by refresh() before anything shows or edits them.
    budget: dom.Budget
    totals: dom.BudgetTotals
    problems: list[dom.Problem]

    def __init__(self, window, parent=None):
        super().__init__(parent)
        load_form("budget_page.ui", self, custom=(SheetView,))
        self.window_ = window
        self.prae_id: int | None = None
        self.charge_rows: list[tuple[str, str]] = []
        self.funder_rows: list[dom.Funder] = []
        self.structure_rows: list[str] = []
        self.charges = SheetModel(self, self.cell_edited)
        self.financing = SheetModel(self, self.cell_edited)
        self.structure = SheetModel(self, self.cell_edited)
        self.manual = SheetModel(self, self.cell_edited)
        for view, model in (
            (self.chargesView, self.charges),
            (self.financingView, self.financing),
            (self.structureView, self.structure),
            (self.manualView, self.manual),
        ):
            view.setModel(model)
            view.paste_requested.connect(lambda rows, index, m=model: self.paste(m, rows, index))
            show_every_row(view)  # no scrolling inside a sheet: the tab scrolls, its totals stay below
            # a typo stays in its cell with the reason beside it (no message box)
            view.setItemDelegate(CheckedDelegate(view, lambda index, text, m=model: self.check_cell(m, index, text)))
        self.financingView.setItemDelegateForColumn(
            1, ComboDelegate(dom.FINANCING_STATUSES, self.financingView, key_role=Qt.ItemDataRole.EditRole)
        )
        self.actionCombo.currentIndexChanged.connect(lambda _i: self._fill_action())
        menu = QMenu(self)
        for account in dom.chart().charge_codes:
            menu.addAction(dom.chart().by_code[account].title, functools.partial(self.add_charge_row, account))
        self.addChargeButton.setMenu(menu)
        self.removeChargeButton.clicked.connect(self.remove_charge_row)
        self.addStructureButton.clicked.connect(self.add_structure_row)
        self.sharesEdit.editingFinished.connect(self._commit_shares)
        self.importButton.clicked.connect(self.import_workbook)
        self.addFunderButton.clicked.connect(self.add_funder)
        self.removeFunderButton.clicked.connect(self.remove_funder)
        self._key_combos: dict[int, QComboBox] = {}

    # -- context ---------------------------------------------------------------------------
    def action_id(self) -> int | None:
        return self.actionCombo.currentData()

    def _action(self) -> int:
        """The chosen action, when the sheet being edited has rows (there is one then)."""
        action_id = self.action_id()
        if action_id is None:
            raise RuntimeError("no action chosen")
        return action_id

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.prae_id is None:
            return
        self.window_.session(self.prae_id).rebase({edits.BUDGET})  # what is shown is what edits are based on
        self.budget, self.totals, self.problems = service.totals(self.store, self.prae_id)
        current = self.actionCombo.currentData()
        self.actionCombo.blockSignals(True)
        self.actionCombo.clear()
        for n, a in enumerate(self.budget.actions, start=1):
            self.actionCombo.addItem(f"{n}. {a.title}", a.action_id)
        index = self.actionCombo.findData(current)
        self.actionCombo.setCurrentIndex(max(index, 0))
        self.actionCombo.blockSignals(False)
        self.show_prae_title(praes.prae_title(self.store, self.prae_id))
        t = self.totals
        self.balanceLabel.setText(  # in words, not only in colour; an empty budget is not "balanced"
            f"Total charges {format_amount(t.full_total)} · ressources {format_amount(t.financing_total)} · "
            + balance_words(t.balance_total, bool(t.full_total or t.financing_total))
        )
        self._keeping_cursors(
            self._fill_charges, self._fill_financing, self._fill_shares, self._fill_structure, self._fill_summary
        )

    def _fill_action(self) -> None:
        """The sheets of the action chosen in the combo (the others are for the whole PRAE)."""
        self._keeping_cursors(self._fill_charges, self._fill_financing, self._fill_shares)

    def _keeping_cursors(self, *fills) -> None:
        views = (self.chargesView, self.financingView, self.structureView, self.manualView)
        positions = [(v.currentIndex().row(), v.currentIndex().column()) for v in views]
        focus = QApplication.focusWidget()
        typing_in = next((v for v in views if focus is not None and (v is focus or v.isAncestorOf(focus))), None)
        for fill in fills:
            fill()
        for view, (row, col) in zip(views, positions):  # keep each sheet's cursor where it was
            index = view.model().index(row, col)
            if row >= 0 and index != view.currentIndex():
                view.setCurrentIndex(index)
        focus = QApplication.focusWidget()
        if typing_in is not None and (focus is None or not typing_in.isAncestorOf(focus)):
            typing_in.setFocus()  # a sheet that was reset keeps the keyboard

    def _years(self) -> tuple[int, ...]:
        return self.budget.years

    # -- charges ---------------------------------------------------------------------------
    def _fill_charges(self) -> None:
        self.charge_rows, content = charge_sheet(self.budget, self.totals, self.action_id())
        self.charges.show(content)
        self._size(self.chargesView)

    def _size(self, view) -> None:
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

    def check_cell(self, model, index, text: str) -> None:
        """Raise ValidationError when the page would refuse `text` typed at `index` (the cell
        editor then keeps it, with the message beside the cell)."""
        row, col = index.row(), index.column()
        if col < 2:
            return  # labels and names: any text; statuses: a list
        if model is self.charges:
            self._charge_value(row, col, text)
        elif model is self.financing:
            self._financing_value(row, col, text)
        elif model is self.structure and text.strip():
            parse_amount(text, f"Frais de structure « {self._years()[col - 2]} / {self.structure_rows[row]} »")
        elif model is self.manual:
            action = self.budget.actions[row]
            parse_percentage(text or "0", f"Clé {self._years()[col - 2]}, action « {action.title} »")

    def cell_edited(self, model, row: int, col: int, text: str) -> None:
        try:
            if model is self.charges:
                self._charge_cell(row, col, text)
            elif model is self.financing:
                self._financing_cell(row, col, text)
            elif model is self.structure:
                self._structure_cell(row, col, text)
            elif model is self.manual:
                self._manual_cell(row, col, text)
        except ValidationError as exc:
            self.show_error(str(exc))
            self.refresh()

    def _charge_value(self, row: int, col: int, text: str) -> service.ChargeCell:
        account, label = self.charge_rows[row]
        year = self._years()[col - 2]
        where = f"Cellule « {year} / {account} / {label} »"
        return service.ChargeCell(self._action(), account, label, year, service.parse_charge_cell(text, where, account))

    def _set_charges(self, cells, text) -> None:
        self.apply_edit(edits.SetChargeCells(text, tuple(cells)))

    def _charge_cell(self, row: int, col: int, text: str) -> None:
        if col == 1:
            account, old = self.charge_rows[row]
            self.apply_edit(edits.RenameChargeRow("Renommer une ligne de charges", self._action(), account, old, text))
            return
        self._set_charges([self._charge_value(row, col, text)], "Modifier une charge")

    def add_charge_row(self, account: str) -> None:
        if self.action_id() is None:
            return
        label, ok = QInputDialog.getText(
            self, "Nouvelle ligne de charges", f"Libellé de la ligne ({dom.chart().by_code[account].title}) :"
        )
        if not ok or not label.strip():
            return
        first = self._years()[0]
        value = service.ChargeValue(amount_cents=0)
        self._set_charges(
            [service.ChargeCell(self._action(), account, label, first, value)], "Ajouter une ligne de charges"
        )

    def remove_charge_row(self) -> None:
        row = self.chargesView.currentIndex().row()
        if not (0 <= row < len(self.charge_rows)):
            return
        account, label = self.charge_rows[row]
        cells = [service.ChargeCell(self._action(), account, label, y, None) for y in self._years()]
        self._set_charges(cells, "Supprimer une ligne de charges")

    # -- financing -------------------------------------------------------------------------
    def _fill_financing(self) -> None:
        self.funder_rows, content = financing_sheet(self.budget, self.totals, self.action_id())
        self.financing.show(content)
        self._size(self.financingView)
        self.financingView.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.financingView.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.actionTotalsLabel.setText(action_totals_html(self.budget, self.totals, self.action_id()))

    def _financing_cell(self, row: int, col: int, text: str) -> None:
        funder = self.funder_rows[row]
        if col == 0:  # the funder's name, for the whole PRAE
            self.apply_edit(edits.SaveFunder("Renommer un financeur", stored_id(funder.id), text, funder.kind))
            return
        if col == 1:
            action_id = self._action()
            status = text if text in dom.FINANCING_STATUSES else "sollicite"
            cells = [
                service.FinancingCell(action_id, stored_id(funder.id), f.year, f.amount_cents, status)
                for f in self.budget.financing
                if f.action_id == action_id and f.funder_id == funder.id
            ]
            text_ = "Modifier le statut d'un financement"
        else:
            cells = [self._financing_value(row, col, text)]
            text_ = "Modifier un financement"
        self.apply_edit(edits.SetFinancingCells(text_, tuple(cells)))

    def add_funder(self) -> None:
        if self.prae_id is None:
            return
        name, ok = QInputDialog.getText(self, "Ajouter un financeur", "Nom du financeur :")
        if not ok or not name.strip():
            return
        kinds = {k.name: k.kind for k in dom.funder_kinds()}
        label, ok = QInputDialog.getItem(
            self, "Ajouter un financeur", "Catégorie (ligne du budget) :", list(kinds), len(kinds) - 2, False
        )
        if not ok:
            return
        self.apply_edit(edits.SaveFunder("Ajouter un financeur", None, name, kinds[label]))

    def remove_funder(self) -> None:
        row = self.financingView.currentIndex().row()
        if not (0 <= row < len(self.funder_rows)):
            return
        funder = self.funder_rows[row]
        if (
            QMessageBox.question(
                self,
                "Budget",
                f"Retirer « {funder.name} » et ses financements de ce PRAE ?\n\nVous pourrez l'annuler (Ctrl+Z).",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.apply_edit(edits.DeleteFunder("Retirer un financeur", stored_id(funder.id)))

    # -- paste -----------------------------------------------------------------------------
    def _financing_value(self, row: int, col: int, text: str) -> service.FinancingCell:
        """The financing cell typed or pasted at (row, col); the line keeps its status."""
        funder, year, action_id = self.funder_rows[row], self._years()[col - 2], self._action()
        cents = parse_amount(text, f"Cellule « {year} / {funder.name} »") if text.strip() else None
        current = next(
            (f for f in self.budget.financing if (f.action_id, f.funder_id, f.year) == (action_id, funder.id, year)),
            None,
        )
        return service.FinancingCell(
            action_id, stored_id(funder.id), year, cents, current.status if current is not None else "sollicite"
        )

    def paste(self, model, block: list[list[str]], index) -> None:
        """Apply a block copied from a spreadsheet: all cells valid, or nothing at all."""
        if not index.isValid() or not block:
            return
        bad, charge_cells, financing_cells = [], [], []
        for dr, texts in enumerate(block):
            for dc, text in enumerate(texts):
                r, c = index.row() + dr, index.column() + dc
                if (r, c) not in model.editable or c < 2:
                    bad.append(f"ligne {r + 1}, colonne {c + 1} : cellule non modifiable (total ou hors du tableau)")
                    continue
                try:
                    if model is self.charges:
                        charge_cells.append(self._charge_value(r, c, text))
                    elif model is self.financing:
                        financing_cells.append(self._financing_value(r, c, text))
                    else:
                        bad.append("le collage n'est possible que dans les charges et les financements")
                except ValidationError as exc:
                    bad.append(str(exc))
        if bad:
            QMessageBox.warning(
                self,
                "Collage refusé",
                "Rien n'a été collé. Cellules à corriger :\n\n- "
                + "\n- ".join(bad[:20])
                + ("\n…" if len(bad) > 20 else ""),
            )
            return
        parts: list[edits.Edit] = []  # one block pasted: one transaction, one undo step
        if charge_cells:
            parts.append(edits.SetChargeCells("Coller des charges", tuple(charge_cells)))
        if financing_cells:
            parts.append(edits.SetFinancingCells("Coller des financements", tuple(financing_cells)))
        label = parts[0].label if len(parts) == 1 else "Coller un bloc"
        self.apply_edit(edits.Composite(label, tuple(parts)))

    # -- objective shares ------------------------------------------------------------------
    def _fill_shares(self) -> None:
        info = next((a for a in self.budget.actions if a.action_id == self.action_id()), None)
        if info is None or not info.objective_codes:
            self.sharesEdit.setText("")
            self.sharesEdit.setPlaceholderText("Aucun objectif CPO : à choisir dans la fiche action (page PRAE).")
            self.sharesEdit.setEnabled(False)
            return
        self.sharesEdit.setEnabled(True)
        self.sharesEdit.setPlaceholderText("vide : parts égales")
        text = " ; ".join(
            f"{c} = {format(s.normalize(), 'f').replace('.', ',')}" for c, s in zip(info.objective_codes, info.shares)
        )
        self.sharesEdit.setText(text if info.objective_shares is not None else "")
        self.sharesEdit.setToolTip(
            "Parts actuelles : "
            + " ; ".join(f"{c} : {format_percentage(s)}" for c, s in zip(info.objective_codes, info.shares))
        )

    def _commit_shares(self) -> None:
        action_id = self.action_id()
        if action_id is None or not self.sharesEdit.isEnabled():
            return
        text = self.sharesEdit.text().strip()
        try:
            shares = None
            if text:
                shares = {}
                for part in text.split(";"):
                    code, _, value = part.partition("=")
                    shares[code.strip()] = parse_percentage(value, f"Part de l'objectif « {code.strip()} »")
        except ValidationError as exc:
            self.show_error(str(exc))
            self._fill_shares()
            return
        current = next(a for a in self.budget.actions if a.action_id == action_id).objective_shares
        if shares == (dict(current) if current is not None else None):
            return
        self.apply_edit(edits.SetObjectiveShares("Modifier la répartition entre objectifs", action_id, shares))

    # -- structural costs ------------------------------------------------------------------
    def _fill_structure(self) -> None:
        self.structure_rows, content = structure_sheet(self.budget, self.totals)
        self.structure.show(content)
        self._size(self.structureView)
        self.structureView.hideColumn(0)
        self._fill_keys()
        self.structureTotalsLabel.setText(structure_totals_html(self.budget, self.totals))

    def _structure_cell(self, row: int, col: int, text: str) -> None:
        label, year = self.structure_rows[row], self._years()[col - 2]
        cents = parse_amount(text, f"Frais de structure « {year} / {label} »") if text.strip() else None
        cells = [service.StructuralCell(label, year, cents)]
        self.apply_edit(edits.SetStructuralCells("Modifier les frais de structure", tuple(cells)))

    def add_structure_row(self) -> None:
        label, ok = QInputDialog.getText(self, "Frais de structure", "Libellé (ex. « Loyer du siège ») :")
        if not ok or not label.strip():
            return
        cells = [service.StructuralCell(label, self._years()[0], 0)]
        self.apply_edit(edits.SetStructuralCells("Ajouter des frais de structure", tuple(cells)))

    def _build_key_combos(self) -> None:
        """One method chooser per year of the period (rebuilt only when the period changes)."""
        layout = self.keyRow
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
        self._key_combos = {}
        for year in self._years():
            layout.addWidget(QLabel(f"{year} :", self.structureTab))
            combo = QComboBox(self.structureTab)
            combo.setAccessibleName(f"Clé de répartition {year}")
            for method, label in dom.ALLOCATION_METHODS.items():
                combo.addItem(label, method)
            combo.currentIndexChanged.connect(lambda _i, y=year, cb=combo: self._set_method(y, cb.currentData()))
            layout.addWidget(combo)
            self._key_combos[year] = combo
        layout.addStretch(1)
        chain([self.structureView, *self._key_combos.values(), self.manualView])  # reading order

    def _fill_keys(self) -> None:
        keys = {k.year: k for k in self.budget.allocation_keys}
        if tuple(self._key_combos) != self._years():
            self._build_key_combos()
        for year, combo in self._key_combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(keys[year].method if year in keys else "direct"))
            combo.blockSignals(False)
        self.manual.show(manual_key_sheet(self.budget, keys))
        self._size(self.manualView)
        self.manualView.hideColumn(0)

    def _set_method(self, year: int, method: str) -> None:
        keys = {k.year: k for k in self.budget.allocation_keys}
        shares = dict(keys[year].manual_shares or {}) if year in keys else {}
        if method == "manual" and not shares:
            shares = dom.pro_rata_shares(self.budget, self.totals, year)
        stored = {stored_id(a): v for a, v in shares.items()} or None
        self.apply_edit(edits.SetAllocationKey("Changer la clé de répartition", year, method, stored))

    def _manual_cell(self, row: int, col: int, text: str) -> None:
        year = self._years()[col - 2]
        key = next(k for k in self.budget.allocation_keys if k.year == year)
        shares = dict(key.manual_shares or {})
        action = self.budget.actions[row]
        shares[action.action_id] = parse_percentage(text or "0", f"Clé {year}, action « {action.title} »")
        stored = {stored_id(a): v for a, v in shares.items()}
        self.apply_edit(edits.SetAllocationKey("Modifier la clé manuelle", year, "manual", stored))

    # -- round trip with an edited workbook -------------------------------------------------
    def import_workbook(self, path: str | None = None) -> None:
        """Show what an edited workbook changes, line by line; apply only once confirmed."""
        # start-up: the workbook reader (openpyxl) on use only
        from PySide6.QtWidgets import QFileDialog

        # start-up: the workbook reader (openpyxl) on use only
        from pnae_desktop.errors import UserError
        from pnae_desktop.services import workbook_import

        if self.prae_id is None:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Relire un classeur budgétaire", "", "Classeurs (*.xlsx);;Tous les fichiers (*)"
            )
            if not path:
                return
        try:
            changes = workbook_import.read_budget_workbook(path, self.store, self.prae_id)
        except UserError as exc:
            self.show_error(str(exc))
            return
        if not changes:
            QMessageBox.information(self, "Budget", "Ce classeur ne modifie rien au budget du PRAE.")
            return
        listing = "\n".join(f"- {c.description}" for c in changes[:40]) + ("\n…" if len(changes) > 40 else "")
        if (
            QMessageBox.question(
                self,
                "Budget",
                f"{len(changes)} différence(s) :\n\n{listing}\n\nLes appliquer ?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.apply_edit(edits.ApplyWorkbook("Reprendre un classeur budgétaire", tuple(changes)))

    # -- synthesis -------------------------------------------------------------------------
    def _fill_summary(self) -> None:
        self.summaryView.setHtml(
            summary_html(self.budget, self.totals, self.problems, self.window_.workspace.catalogues.default)
        )


def stored_id(value: Hashable) -> int:
    """A row id of the store (the domain also names default funders by their kind)."""
    if not isinstance(value, int):
        raise ValidationError("Ligne inconnue du fichier de données : rechargez la page.")
    return value
