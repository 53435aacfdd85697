"""Suivi page: what became of the PRAE in a year — each action's status, milestones, account,
difficulties and deliverables; each indicator's realised value against its target; realised
charges and financing against the forecast, with their gaps and the explanations they require;
the contributions volontaires en nature; and two charts. Every change is an undoable edit of
the PRAE through its session (services/edits_followup.py)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain import rules
from pnae_desktop.domain.budget.chart import chart
from pnae_desktop.domain.drafting import parse_number
from pnae_desktop.domain.followup_axes import execution_by_axis
from pnae_desktop.domain.money import format_amount, format_percentage, parse_amount, parse_percentage
from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import edits
from pnae_desktop.services import edits_followup as fe
from pnae_desktop.services import followup as followup_service
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import next_year_action, palette
from pnae_desktop.ui.fit import show_every_row
from pnae_desktop.ui.followup_chart import Bar, BarChart, Group
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.keyboard import chain
from pnae_desktop.ui.prae_bound import PraeBoundPage
from pnae_desktop.ui.sheet import CheckedDelegate, SheetView
from pnae_desktop.ui.suivi_report import ReportEditor, statuses_summary
from pnae_desktop.ui.suivi_tables import (
    EXPLANATION_COLUMN,
    REALISED_COLUMN,
    TextColumnsModel,
    contribution_sheet,
    contributions_summary,
    gap_sheet,
    gaps_summary,
    indicator_sheet,
    number_text,
    signed_number,
)

SOURCES = {"fec": "FEC", "import": "fichier importé", "saisie": "saisi"}


def add_detail(content, by_row: list, followup: fu.FollowUp, year: int) -> None:
    """Each realised cell says what it is made of (the FEC's accounts, a typed amount), and that
    typing a new amount there replaces them with that one amount."""
    lines: dict[str, list[str]] = {}
    for c in followup.charges:
        if c.year == year:
            text = f"{c.account} {c.label} : {format_amount(c.amount_cents)} ({SOURCES.get(c.source, c.source)})"
            lines.setdefault(fu.charge_key(c.action_id, c.nature), []).append(text)
    for row, line in enumerate(by_row):
        if line is not None and line.key in lines:
            content.tooltips[(row, REALISED_COLUMN)] = (
                "Réalisé composé de :\n"
                + "\n".join(lines[line.key])
                + "\nUn montant tapé ici remplace ces lignes par ce seul montant (Ctrl+Z pour revenir)."
            )


def checked_text(text: str, where: str, limit: int) -> str:
    """A typed text the store will take (no control character, not too long), else ValidationError."""
    rules.check_text(text, where, long_text=True)
    if len(text) > limit:
        raise ValidationError(f"{where} : texte trop long ({limit} caractères au plus).")
    return text


def unit_suffix(unit: str) -> str:
    """How a value's unit follows it on a chart: « 65 % », « 50 », « 12 jours »."""
    name = unit.strip()
    if name.lower() in ("%", "pourcentage", "pourcent", "taux"):
        return " %"
    return "" if name.lower() in ("", "nombre", "nb") else f" {name}"


def all_funders(snap: Snapshot, gaps: fu.YearGaps, threshold: Decimal) -> list[fu.GapLine]:
    """The year's financing lines, and a line for every other funder of the PRAE (nothing
    forecast, nothing received yet) so that money received from it can be typed in."""
    shown = {line.key for line in gaps.financing}
    lines = list(gaps.financing)
    for funder in snap.budget.funders:
        if isinstance(funder.id, int) and fu.financing_key(funder.id) not in shown:
            lines.append(fu.gap_line(fu.financing_key(funder.id), funder.name, None, 0, 0, threshold, ""))
    return lines


class SuiviPageForm(Form):
    """The widgets forms/suivi_page.ui provides (checked by load_form)."""

    pageLayout: QVBoxLayout
    title: QLabel
    praeLabel: QLabel
    yearCombo: QComboBox
    thresholdEdit: QLineEdit
    importButton: QPushButton
    importFileButton: QPushButton
    mappingButton: QPushButton
    tabs: QTabWidget
    actionsTab: QWidget
    actionsScroll: QScrollArea
    statusesLabel: QLabel
    actionCombo: QComboBox
    statusCombo: QComboBox
    milestonesLabel: QLabel
    milestonesTable: QTableWidget
    accountEdit: QPlainTextEdit
    difficultiesEdit: QPlainTextEdit
    deliverablesEdit: QPlainTextEdit
    indicatorsTab: QWidget
    indicatorsView: SheetView
    budgetTab: QWidget
    budgetScroll: QScrollArea
    chartsScroll: QScrollArea
    addChargeButton: QPushButton
    chargesView: SheetView
    financingView: SheetView
    othersLabel: QLabel
    gapsLabel: QLabel
    contributionsTab: QWidget
    addContributionButton: QPushButton
    removeContributionButton: QPushButton
    contributionsView: SheetView
    contributionsTotalLabel: QLabel
    chartsTab: QWidget
    chartsLayout: QVBoxLayout


class SuiviPage(SuiviPageForm, PraeBoundPage, QWidget):
    PAGE_TITLE = "Suivi"
    ASPECTS = frozenset({edits.FOLLOWUP, edits.BUDGET, edits.ACTIONS, edits.TITLE})
    snapshot: Snapshot | None = None

    def __init__(self, window, parent=None):
        super().__init__(parent)
        load_form("suivi_page.ui", self, custom=(SheetView,))
        self.window_ = window
        self.prae_id: int | None = None
        self.year: int | None = None
        self.gaps: fu.YearGaps | None = None
        self.indicator_rows: tuple[fu.IndicatorRow, ...] = ()
        self.rows_of: dict[int, list] = {}  # id(model) -> the line of each row (None: title, total)
        self.contributions: tuple[fu.ContributionInKind, ...] = ()
        self.thresholdError = QLabel(self)
        self.thresholdError.setObjectName("thresholdError")
        self.thresholdError.setWordWrap(True)
        self.thresholdError.setTextFormat(Qt.TextFormat.PlainText)
        self.thresholdError.setStyleSheet(f"color: {palette.ERROR};")
        self.thresholdError.setAccessibleName("Seuil refusé")
        self.thresholdError.hide()
        self.pageLayout.insertWidget(3, self.thresholdError)
        self.indicators = TextColumnsModel(self, self.cell_edited, numeric_from=2)
        self.charges = TextColumnsModel(self, self.cell_edited, text_columns=(EXPLANATION_COLUMN,))
        self.financing = TextColumnsModel(self, self.cell_edited, text_columns=(EXPLANATION_COLUMN,))
        self.contribution_model = TextColumnsModel(self, self.cell_edited, numeric_from=2)
        for view, model in (
            (self.indicatorsView, self.indicators),
            (self.chargesView, self.charges),
            (self.financingView, self.financing),
            (self.contributionsView, self.contribution_model),
        ):
            view.setModel(model)
            show_every_row(view)  # no scrolling inside a sheet: the tab scrolls
            view.setItemDelegate(CheckedDelegate(view, lambda index, text, m=model: self.check_cell(m, index, text)))
        self.report_editor = ReportEditor(self)
        self.axisChart = BarChart("Exécution du budget par axe (charges directes)", ("Prévu", "Réalisé"))
        self.axisChart.setObjectName("axisChart")
        self.indicatorChart = BarChart("Indicateurs : cible de l'année et réalisé", ("Cible", "Réalisé"))
        self.indicatorChart.setObjectName("indicatorChart")
        self.chartsLayout.addWidget(self.axisChart)
        self.chartsLayout.addWidget(self.indicatorChart)
        self.chartsLayout.addStretch(1)
        self.yearCombo.currentIndexChanged.connect(lambda _i: self._year_chosen())
        self.actionCombo.currentIndexChanged.connect(lambda _i: self._show_report())
        self.thresholdEdit.editingFinished.connect(self._commit_threshold)
        self.thresholdEdit.textEdited.connect(lambda _t: self.thresholdError.hide())
        self.addChargeButton.clicked.connect(lambda: self.add_unplanned_charge())
        self.addContributionButton.clicked.connect(self.add_contribution)
        self.removeContributionButton.clicked.connect(self.remove_contribution)
        self.importButton.clicked.connect(lambda: self.import_fec())
        self.importFileButton.clicked.connect(lambda: self.import_fec(kind="file"))
        self.mappingButton.clicked.connect(lambda: self.edit_mapping())
        self.nextYearButton = next_year_action.install(self)  # « Préparer le PRAE N+1… »
        chain(
            [
                self.yearCombo,
                self.thresholdEdit,
                self.importButton,
                self.importFileButton,
                self.mappingButton,
                self.nextYearButton,
                self.actionCombo,
                self.statusCombo,
                self.milestonesTable,
                self.accountEdit,
                self.difficultiesEdit,
                self.deliverablesEdit,
            ]
        )

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.prae_id is None:
            return
        snap = self.window_.session(self.prae_id).snapshot(convention=False)
        self.snapshot = snap
        self.show_prae_title(snap.detail.summary.title)
        years = tuple(snap.budget.years)
        self.yearCombo.blockSignals(True)
        if tuple(self.yearCombo.itemData(i) for i in range(self.yearCombo.count())) != years:
            self.yearCombo.clear()
            for year in years:
                self.yearCombo.addItem(str(year), year)
        if self.year not in years:
            realised = [y for y in snap.followup.years if y in years]
            self.year = realised[-1] if realised else (years[0] if years else None)
        self.yearCombo.setCurrentIndex(max(0, self.yearCombo.findData(self.year)))
        self.yearCombo.blockSignals(False)
        if not (self.thresholdEdit.hasFocus() and self.thresholdEdit.isModified()):
            self.thresholdEdit.setText(number_text(snap.followup.threshold_pct))
            self.thresholdEdit.setModified(False)
        current = self.actionCombo.currentData()
        self.actionCombo.blockSignals(True)
        self.actionCombo.clear()
        for number, action in enumerate(snap.detail.actions, start=1):
            self.actionCombo.addItem(f"{number}. {action.title}", action.id)
        self.actionCombo.setCurrentIndex(max(0, self.actionCombo.findData(current)))
        self.actionCombo.blockSignals(False)
        self._fill_year()

    def _year_chosen(self) -> None:
        self.report_editor.flush()
        self.year = self.yearCombo.currentData()
        self._fill_year()

    def _fill_year(self) -> None:
        snap, year = self.snapshot, self.year
        if snap is None or year is None:
            return
        followup = snap.followup
        next_year_action.update(self)
        focus = QApplication.focusWidget()
        self.statusesLabel.setText(statuses_summary(snap.detail, followup, year))
        self._show_report()
        self.indicator_rows = fu.indicator_rows(snap.detail, followup, year)
        self._show(self.indicators, self.indicatorsView, *indicator_sheet(self.indicator_rows, year))
        self.gaps = gaps = fu.year_gaps(snap.budget, followup, year)
        titles = {a.id: f"Fiche {n} – {a.title}" for n, a in enumerate(snap.detail.actions, start=1)}
        charges = gap_sheet(gaps.charges, "Action et nature de charge", "Total des charges directes", titles)
        add_detail(charges[0], charges[1], followup, year)
        self._show(self.charges, self.chargesView, *charges)
        financing = all_funders(snap, gaps, followup.threshold_pct)
        self._show(self.financing, self.financingView, *gap_sheet(financing, "Financeur", "Total des financements"))
        self.gapsLabel.setText(gaps_summary(self.gaps))
        self._fill_others(followup, year)
        self.contributions = tuple(c for c in followup.contributions if c.year == year)
        self.contribution_model.show(contribution_sheet(self.contributions))
        self.contributionsTotalLabel.setText(contributions_summary(self.contributions, year))
        for view in (self.indicatorsView, self.chargesView, self.financingView, self.contributionsView):
            self._size(view)
        self._fill_charts(snap, year)
        if focus is not None and QApplication.focusWidget() is not focus and focus.isVisible():
            focus.setFocus()  # a sheet that was reset keeps the keyboard

    def _show(self, model: TextColumnsModel, view: SheetView, content, by_row: list) -> None:
        self.rows_of[id(model)] = by_row
        model.show_grouped(
            content, [r for r, line in enumerate(by_row[: len(content.rows) - content.footer]) if line is None], view
        )

    def _size(self, view: SheetView) -> None:
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if view is self.contributionsView:
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        elif view is self.indicatorsView:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(EXPLANATION_COLUMN, QHeaderView.ResizeMode.Stretch)

    def _fill_others(self, followup: fu.FollowUp, year: int) -> None:
        others = [o for o in followup.others if o.year == year]
        if not others:
            self.othersLabel.setText(
                "<b>Dotations, reprises et fonds dédiés</b> (68 / 78) : aucune ligne réalisée cette année."
            )
            return
        lines = "".join(
            f"<li>{escape_markup(o.account)} {escape_markup(o.label)} : {format_amount(o.amount_cents)}</li>"
            for o in others
        )
        self.othersLabel.setText(f"<b>Dotations, reprises et fonds dédiés</b> (68 / 78) :<ul>{lines}</ul>")

    def _show_report(self) -> None:
        snap, year = self.snapshot, self.year
        if snap is None or year is None:
            return
        action_id = self.actionCombo.currentData()
        action = next((a for a in snap.detail.actions if a.id == action_id), None)
        self.report_editor.show(action, year, snap.followup)

    def _fill_charts(self, snap: Snapshot, year: int) -> None:
        titles = {str(a.number): f"Axe {a.number} – {a.title}" for a in snap.catalogue.cpo_axes}
        groups = []
        for line in execution_by_axis(snap.budget, snap.followup, year):
            label = titles.get(line.axis or "", "Non affecté (action sans objectif CPO)")
            rate = f" ({format_percentage(line.rate)} du prévu)" if line.rate is not None else ""
            groups.append(
                Group(
                    label,
                    Bar(Decimal(line.forecast_cents), f"Prévu : {format_amount(line.forecast_cents)}"),
                    Bar(Decimal(line.realised_cents), f"Réalisé : {format_amount(line.realised_cents)}{rate}"),
                )
            )
        self.axisChart.set_groups(groups, shared_scale=True)
        indicator_groups = []
        for row in self.indicator_rows:
            unit = unit_suffix(row.unit)
            target = f"Cible : {number_text(row.target)}{unit}" if row.target is not None else "Pas de cible"
            realised = f"Réalisé : {number_text(row.realised)}{unit}" if row.realised is not None else "Non renseigné"
            if row.gap is not None:
                realised += f" (écart {signed_number(row.gap)})"
            indicator_groups.append(
                Group(f"{row.action_label} — {row.label}", Bar(row.target, target), Bar(row.realised, realised))
            )
        self.indicatorChart.set_groups(indicator_groups, shared_scale=False)

    # -- cells -----------------------------------------------------------------------------
    def check_cell(self, model, index, text: str) -> None:
        """Raise ValidationError when the page would refuse `text` typed at `index` (the cell
        keeps it, with the message beside it)."""
        self._value(model, index.row(), index.column(), text)

    def _value(self, model, row: int, col: int, text: str):
        year = self.year
        if model is self.indicators:
            r = self._row(model, row)
            return parse_number(text, f"Indicateur « {r.label} » ({year})", allow_empty=True)
        if model in (self.charges, self.financing):
            line = self._gap_line(model, row)
            if col == REALISED_COLUMN:
                return parse_amount(text, f"Réalisé {year} « {line.label} »") if text.strip() else None
            return checked_text(text, f"Explication de l'écart « {line.label} »", 20_000)
        if model is self.contribution_model:
            where = f"Contribution en nature, ligne {row + 1}"
            if col == 0:
                account = text.strip()
                if not (account.isdigit() and account[:2] in fu.CONTRIBUTION_NATURES):
                    raise ValidationError(f"{where} : le compte doit commencer par 86 ou 87 (ex. 864, 870).")
                return account
            if col == 1:
                if not text.strip():
                    raise ValidationError(f"{where} : un libellé est attendu.")
                return checked_text(text.strip(), f"{where}, libellé", 300)
            return parse_amount(text, where)
        return text

    def _row(self, model, row: int):
        """The indicator or gap line shown at `row` (editable rows only: never a title)."""
        line = self.rows_of[id(model)][row]
        if line is None:
            raise RuntimeError("a title row is not editable")
        return line

    def _gap_line(self, model, row: int) -> fu.GapLine:
        line = self._row(model, row)
        assert isinstance(line, fu.GapLine)
        return line

    def cell_edited(self, model, row: int, col: int, text: str) -> None:
        if self.year is None or self.snapshot is None:
            return
        try:
            value = self._value(model, row, col, text)
        except ValidationError as exc:
            self.show_error(str(exc))
            self.refresh()
            return
        year = self.year
        if model is self.indicators:
            r = self._row(model, row)
            result = fu.IndicatorResult(r.action_id, r.indicator_index, year, value)
            self.apply_edit(fe.SetIndicatorResult("Saisir un indicateur réalisé", result))
        elif model in (self.charges, self.financing):
            line = self._gap_line(model, row)
            if col == EXPLANATION_COLUMN:
                self.apply_edit(fe.SetExplanation("Expliquer un écart", year, line.key, text.strip()))
            elif model is self.charges:
                self._set_realised_charge(line, value)
            else:
                self._set_realised_financing(line, value)
        elif model is self.contribution_model:
            self._set_contribution(row, col, value)

    def _set_realised_charge(self, line: fu.GapLine, cents: int | None) -> None:
        """The realised amount of one action and nature: one line « saisie » replaces the
        lines of that nature (the action's other natures are kept as they are)."""
        assert self.snapshot is not None and self.year is not None and line.action_id is not None
        nature = line.key.rsplit(":", 1)[1]
        year, action_id = self.year, line.action_id
        kept = [c for c in self._stored().charges if c.year == year and c.action_id == action_id and c.nature != nature]
        if cents is not None:
            title = chart().by_code[nature].title if nature in chart().by_code else nature
            kept.append(fu.RealisedCharge(action_id, year, nature, title, cents))
        self.apply_edit(fe.SetRealisedCharges("Saisir une charge réalisée", year, tuple(kept), action_id))

    def _set_realised_financing(self, line: fu.GapLine, cents: int | None) -> None:
        assert self.snapshot is not None and self.year is not None
        funder_id = int(line.key.rsplit(":", 1)[1])
        year = self.year
        kept = [f for f in self._stored().financing if f.year == year and f.funder_id != funder_id]
        if cents is not None:
            kept.append(fu.RealisedFinancing(year, funder_id, cents))
        self.apply_edit(fe.SetRealisedFinancing("Saisir un financement reçu", year, tuple(kept)))

    def _stored(self) -> fu.FollowUp:
        """The follow-up as stored now: the lines an amount's edit keeps are kept as they are
        (a colleague's change of another line since the page was read is no conflict)."""
        assert self.prae_id is not None
        return followup_service.load_followup(self.store, self.prae_id)

    def add_unplanned_charge(self, choice: tuple[int, str] | None = None) -> None:
        """A line (action, nature) with nothing forecast, to type what was spent on it: asks
        for the action, then the nature (`choice` gives both, for tests)."""
        snap, year = self.snapshot, self.year
        if snap is None or year is None or not snap.detail.actions:
            return
        if choice is None:
            actions = {f"{n}. {a.title}": a.id for n, a in enumerate(snap.detail.actions, start=1)}
            label, ok = QInputDialog.getItem(self, "Nature non prévue", "Action :", list(actions), 0, False)
            if not ok:
                return
            natures = {chart().by_code[n].title: n for n in fu.CHARGE_NATURES if n in chart().by_code}
            nature_label, ok = QInputDialog.getItem(
                self, "Nature non prévue", "Nature de charge :", list(natures), 0, False
            )
            if not ok:
                return
            choice = (actions[label], natures[nature_label])
        action_id, nature = choice
        if any(line.key == fu.charge_key(action_id, nature) for line in (self.gaps.charges if self.gaps else ())):
            self._focus_charge(fu.charge_key(action_id, nature))  # already a line: go to it
            return
        kept = [c for c in snap.followup.charges if c.year == year and c.action_id == action_id]
        title = chart().by_code[nature].title if nature in chart().by_code else nature
        kept.append(fu.RealisedCharge(action_id, year, nature, title, 0))
        if self.apply_edit(fe.SetRealisedCharges("Ajouter une nature non prévue", year, tuple(kept), action_id)):
            self._focus_charge(fu.charge_key(action_id, nature))

    def _focus_charge(self, key: str) -> None:
        rows = self.rows_of.get(id(self.charges), [])
        row = next((r for r, line in enumerate(rows) if line is not None and line.key == key), None)
        if row is not None:
            self.chargesView.setFocus()
            self.chargesView.setCurrentIndex(self.charges.index(row, REALISED_COLUMN))

    # -- contributions en nature -------------------------------------------------------------
    def _set_contributions(self, items: list[fu.ContributionInKind], text: str) -> None:
        assert self.year is not None
        self.apply_edit(fe.SetContributions(text, self.year, tuple(items)))

    def _set_contribution(self, row: int, col: int, value) -> None:
        items = list(self.contributions)
        field = ("account", "label", "amount_cents")[col]
        items[row] = replace(items[row], **{field: value})
        self._set_contributions(items, "Modifier une contribution en nature")

    def add_contribution(self) -> None:
        if self.year is None:
            return
        new = fu.ContributionInKind(self.year, "870", "Bénévolat", 0)
        self._set_contributions([*self.contributions, new], "Ajouter une contribution en nature")
        self.contributionsView.setFocus()
        self.contributionsView.setCurrentIndex(self.contribution_model.index(len(self.contributions) - 1, 1))

    def remove_contribution(self) -> None:
        row = self.contributionsView.currentIndex().row()
        if not 0 <= row < len(self.contributions):
            return
        items = [c for i, c in enumerate(self.contributions) if i != row]
        self._set_contributions(items, "Supprimer une contribution en nature")

    # -- threshold ---------------------------------------------------------------------------
    def _commit_threshold(self) -> None:
        if self.snapshot is None or not self.thresholdEdit.isModified():
            return
        text = self.thresholdEdit.text()
        try:
            value = parse_percentage(text, "Seuil d'écart à expliquer")
        except ValidationError as exc:
            self.thresholdError.setText(str(exc))  # the typed value stays, with the reason below it
            self.thresholdError.show()
            self.thresholdEdit.selectAll()
            return
        self.thresholdError.hide()
        self.thresholdEdit.setModified(False)
        if value != self.snapshot.followup.threshold_pct:
            self.apply_edit(fe.SetGapThreshold("Changer le seuil d'écart", value))

    # -- typing ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Save text being typed (before Annuler, closing, switching file)."""
        self.report_editor.flush()

    # -- import ------------------------------------------------------------------------------
    def import_fec(self, path: str | None = None, kind: str = "fec") -> None:
        """« Importer le FEC… » (kind "fec") or « Importer un tableau… » (kind "file")."""
        from pnae_desktop.ui.fec_dialog import import_fec  # start-up: on use only

        if self.prae_id is not None and self.year is not None:
            import_fec(self, path, kind=kind)

    def edit_mapping(self) -> None:
        from pnae_desktop.ui.fec_dialog import MappingDialog  # start-up: on use only

        if self.prae_id is not None and self.snapshot is not None:
            MappingDialog(self, self.snapshot.followup.mapping).exec()
