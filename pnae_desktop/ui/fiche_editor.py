"""The fiche action editor: every field of the PNAE model plus the regional ones. Each change is
saved at once through the services (as an undoable edit); nothing waits for a Save button."""

from __future__ import annotations

import functools
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pnae_desktop.catalogue import suggestions
from pnae_desktop.domain import drafting, rules
from pnae_desktop.domain.entities import Indicator, Milestone, PraeAction, PraeDetail
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import drafting as drafting_service
from pnae_desktop.services import edits
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import palette
from pnae_desktop.ui.field_note import FieldNote
from pnae_desktop.ui.fit import grow_with_text, show_every_row
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.keyboard import chain
from pnae_desktop.ui.sheet import CheckedDelegate, ComboDelegate, data_at, item_at, text_at

TEXT_FIELDS = (*drafting.PNAE_TEXT_FIELDS, "livrables")
LEVEL_BOXES = (
    ("regionale", "levelRegionale"),
    ("interregionale", "levelInterregionale"),
    ("nationale", "levelNationale"),
)
ADAPTED = f'<span style="color:{palette.WARNING}">● adapté</span>'
SAME = f'<span style="color:{palette.SUCCESS}">● conforme au PNAE</span>'
TYPING_DELAY_MS = 600


class TextFieldBlockForm(Form):
    """The widgets forms/text_field.ui provides (checked by load_form)."""

    label: QLabel
    badge: QLabel
    diffButton: QPushButton
    revertButton: QPushButton
    editor: QPlainTextEdit


class TextFieldBlock(TextFieldBlockForm, QWidget):
    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        load_form("text_field.ui", self)
        self.key = key
        self.label.setText(f"<b>{drafting.FIELD_LABELS[key]}</b>")
        self.label.setBuddy(self.editor)
        self.editor.setAccessibleName(drafting.FIELD_LABELS[key])
        self.editor.setUndoRedoEnabled(False)  # Ctrl+Z belongs to the PRAE-wide undo stack
        grow_with_text(self.editor)  # one page scroll for the whole fiche, no box scrolling inside it


class FicheEditorForm(Form):
    """The widgets forms/fiche_editor.ui provides (checked by load_form)."""

    content: QWidget
    originLabel: QLabel
    titleEdit: QLineEdit
    titleBadge: QLabel
    titleRevertButton: QPushButton
    pilotEdit: QLineEdit
    coPilotsEdit: QLineEdit
    partnersEdit: QLineEdit
    levelRegionale: QCheckBox
    levelInterregionale: QCheckBox
    levelNationale: QCheckBox
    priorityCheck: QCheckBox
    objectivesList: QListWidget
    textFieldsLayout: QVBoxLayout
    manageMlButton: QPushButton
    mlList: QListWidget
    addMilestoneButton: QPushButton
    removeMilestoneButton: QPushButton
    calendarTable: QTableWidget
    suggestIndicatorButton: QToolButton
    addIndicatorButton: QPushButton
    removeIndicatorButton: QPushButton
    indicatorTable: QTableWidget


class FicheEditor(FicheEditorForm, QScrollArea):
    def __init__(self, page, parent=None):
        super().__init__(parent)
        load_form("fiche_editor.ui", self)
        self.page = page  # the PRAE page: store, catalogue, edit(), show_error()
        self.action: PraeAction | None = None
        self.prae: PraeDetail | None = None
        self._loading = False
        self._pending: set[str] = set()
        self._typing = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._typing.timeout.connect(self.flush)

        self.blocks: dict[str, TextFieldBlock] = {}
        for key in TEXT_FIELDS:
            block = TextFieldBlock(key, self.content)
            self.textFieldsLayout.addWidget(block)
            self.blocks[key] = block
            block.editor.textChanged.connect(lambda k=key: self._text_changed(k))
            block.editor.installEventFilter(self)
            block.revertButton.clicked.connect(lambda _=False, k=key: self.revert_field(k))
            block.diffButton.clicked.connect(lambda _=False, k=key: self.show_diff(k))
        self.line_edits = {
            "title": self.titleEdit,
            "pilot": self.pilotEdit,
            "co_pilots": self.coPilotsEdit,
            "partners": self.partnersEdit,
        }
        for key, edit in self.line_edits.items():
            edit.editingFinished.connect(lambda k=key: self._commit_line(k))
        self.note = FieldNote(self)  # a refused title, pilot…: the reason under the field, no box
        self.titleRevertButton.clicked.connect(lambda: self.revert_field("title"))
        for _level, name in LEVEL_BOXES:
            getattr(self, name).toggled.connect(self._commit_levels)
        self.priorityCheck.toggled.connect(self._commit_priority)
        self.objectivesList.itemChanged.connect(self._commit_objectives)
        self.mlList.itemChanged.connect(self._commit_missions_locales)
        self.manageMlButton.clicked.connect(page.manage_missions_locales)

        self.objectivesList.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._setup_calendar()
        self._setup_indicators()
        for view in (self.objectivesList, self.mlList, self.calendarTable, self.indicatorTable):
            show_every_row(view)  # full texts, wrapped, in the fiche's one page scroll
        self._set_tab_order()
        self.setEnabled(False)

    def _set_tab_order(self) -> None:
        """Tab follows reading order: the head, the objectives, the ten text fields in order, then
        the missions locales, the calendar and the indicators."""
        head = "titleEdit titleRevertButton pilotEdit coPilotsEdit partnersEdit".split()
        levels = [name for _level, name in LEVEL_BOXES] + ["priorityCheck", "objectivesList"]
        blocks = [w for block in self.blocks.values() for w in (block.diffButton, block.revertButton, block.editor)]
        tail = "manageMlButton mlList addMilestoneButton removeMilestoneButton calendarTable suggestIndicatorButton"
        tail += " addIndicatorButton removeIndicatorButton indicatorTable"
        chain([*(getattr(self, n) for n in head + levels), *blocks, *(getattr(self, n) for n in tail.split())])

    # -- filling ---------------------------------------------------------------------------
    def show_action(self, prae: PraeDetail, action: PraeAction | None) -> None:
        if action is None or self.action is None or action.id != self.action.id:
            self.flush()  # the same fiche read back (a colleague's change) keeps what is being typed
            self.note.hide()
        self.prae, self.action = prae, action
        self.setEnabled(action is not None)
        if action is None:
            return
        self._loading = True
        try:
            self._fill(prae, action)
        finally:
            self._loading = False

    def _fill(self, prae: PraeDetail, action: PraeAction) -> None:
        catalogue = self.page.catalogue
        adapted = set(drafting.adapted_fields(action, catalogue))
        if action.pnae_action is not None:
            self.originLabel.setText(
                f"Déclinée de l'<b>action {action.pnae_action}</b> du {escape_markup(catalogue.short_title)} — "
                f"{escape_markup(action.theme_label)}"
            )
        else:
            self.originLabel.setText("<b>Action régionale</b> (hors socle commun du PNAE)")
        declined = action.pnae_action is not None
        for key, edit in self.line_edits.items():
            value = action.title if key == "title" else getattr(action, key)
            if edit.text() != value and not (edit.hasFocus() and edit.isModified()):
                edit.setText(value)
                edit.setCursorPosition(0)
        self.titleBadge.setText((ADAPTED if "title" in adapted else SAME) if declined else "")
        self.titleRevertButton.setVisible(declined and "title" in adapted)
        for key, block in self.blocks.items():
            value = action.fields.get(key) or ""
            if block.editor.toPlainText() != value and key not in self._pending:
                block.editor.setPlainText(value)
            from_pnae = declined and key in drafting.PNAE_TEXT_FIELDS
            block.badge.setText((ADAPTED if key in adapted else SAME) if from_pnae else "")
            block.revertButton.setVisible(from_pnae and key in adapted)
            block.diffButton.setVisible(from_pnae and key in adapted)
        for level, name in LEVEL_BOXES:
            getattr(self, name).setChecked(level in action.territorial_levels)
        self.priorityCheck.setChecked(action.regional_priority)

        served = set(action.objective_codes)
        self.objectivesList.clear()
        for objective in catalogue.cpo_objectives:
            item = QListWidgetItem(f"{objective.code} – {objective.text}")  # whole, wrapped
            item.setData(Qt.ItemDataRole.UserRole, objective.code)
            item.setToolTip(objective.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if objective.code in served else Qt.CheckState.Unchecked)
            self.objectivesList.addItem(item)

        self.mlList.clear()
        for ml in prae.missions_locales:
            item = QListWidgetItem(f"{ml.name} — {ml.city}" if ml.city else ml.name)
            item.setData(Qt.ItemDataRole.UserRole, ml.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ml.id in action.mission_locale_ids else Qt.CheckState.Unchecked)
            self.mlList.addItem(item)
        if not prae.missions_locales:
            item = QListWidgetItem(
                "Annuaire vide : « Gérer l'annuaire… » pour ajouter les missions locales de la région."
            )
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.mlList.addItem(item)

        self._fill_calendar(action)
        self._fill_indicators(prae, action)
        self._fill_suggestions(action)

    # -- committing ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.flush()
        elif (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.ShortcutOverride
            and (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo))
        ):
            self.flush()
            event.ignore()  # let the PRAE-wide Annuler/Rétablir shortcuts fire
            return True
        return super().eventFilter(watched, event)

    def _text_changed(self, key: str) -> None:
        if self._loading:
            return
        self._pending.add(key)
        self._typing.start()

    def flush(self) -> None:
        """Save what is being typed now (called on pause, focus change, action switch, close)."""
        self._typing.stop()
        pending, self._pending = self._pending, set()
        if self.action is None:
            return
        for key in pending:
            value = self.blocks[key].editor.toPlainText()
            if value != (self.action.fields.get(key) or ""):
                self._update(key, value, f"Modifier « {drafting.FIELD_LABELS[key]} »", merge=True)

    def _action(self) -> PraeAction:
        """The action shown: the editor saves only once show_action() has given it one."""
        if self.action is None:
            raise RuntimeError("no action shown")
        return self.action

    def _prae(self) -> PraeDetail:
        if self.prae is None:
            raise RuntimeError("no PRAE shown")
        return self.prae

    def _update(self, key: str, value, text: str, merge: bool = False) -> None:
        action_id = self._action().id
        self.page.apply_edit(
            edits.UpdateAction(text, action_id, {key: value}), merge_key=(action_id, key) if merge else None
        )

    def _commit_line(self, key: str) -> None:
        if self._loading or self.action is None:
            return
        field, current = self.line_edits[key], self.action.title if key == "title" else getattr(self.action, key)
        value = field.text()
        check = functools.partial(drafting_service.check_field, key, value)  # refused: said beside the field
        if value.strip() != current and self.note.accepts(field, check, current or ""):
            self._update(key, value, f"Modifier « {drafting.FIELD_LABELS[key]} »")

    def _commit_levels(self, *_):
        if self._loading or self.action is None:
            return
        levels = tuple(level for level, name in LEVEL_BOXES if getattr(self, name).isChecked())
        self._update("territorial_levels", levels, "Modifier la dimension territoriale")

    def _commit_priority(self, checked: bool):
        if self._loading or self.action is None:
            return
        self._update("regional_priority", checked, "Modifier la priorité régionale")

    def revert_field(self, key: str) -> None:
        """Put back the PNAE's text for one field (undoable like any edit)."""
        if self.action is None or self.action.pnae_action is None:
            return
        self.flush()
        base = drafting.pnae_values(self.page.catalogue.action(self.action.pnae_action))
        self._update(key, base.get(key), f"Revenir au texte du PNAE : « {drafting.FIELD_LABELS[key]} »")

    def show_diff(self, key: str) -> None:
        if self.action is None or self.action.pnae_action is None:
            return
        self.flush()
        # start-up: the diff view on use only
        from pnae_desktop.ui.diff_view import show_field_diff

        base = drafting.pnae_values(self.page.catalogue.action(self.action.pnae_action)).get(key)
        show_field_diff(self, drafting.FIELD_LABELS[key], base, self.action.fields.get(key))

    def _commit_objectives(self, *_):
        if self._loading or self.action is None:
            return
        codes = [
            self.objectivesList.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.objectivesList.count())
            if self.objectivesList.item(i).checkState() == Qt.CheckState.Checked
        ]
        shares = dict(self.action.objectives)
        wanted = {code: shares.get(code) for code in codes}
        self.page.apply_edit(edits.SetObjectives("Modifier les objectifs CPO", self.action.id, wanted))

    def _commit_missions_locales(self, *_):
        if self._loading or self.action is None:
            return
        ids = [
            self.mlList.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.mlList.count())
            if self.mlList.item(i).checkState() == Qt.CheckState.Checked
            and self.mlList.item(i).data(Qt.ItemDataRole.UserRole)
        ]
        label = "Modifier les missions locales concernées"
        self.page.apply_edit(edits.SetActionMissionsLocales(label, self.action.id, tuple(ids)))

    # -- calendar --------------------------------------------------------------------------
    CAL_COLUMNS = ("Année", "Trimestre", "Date (jj/mm/aaaa)", "Jalon")

    def _setup_calendar(self) -> None:
        t = self.calendarTable
        t.setColumnCount(len(self.CAL_COLUMNS))
        t.setHorizontalHeaderLabels(self.CAL_COLUMNS)
        t.verticalHeader().hide()
        t.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for col in range(3):
            t.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        t.setItemDelegate(CheckedDelegate(t, self._check_calendar_cell))
        t.setItemDelegateForColumn(1, ComboDelegate({"": "—", "1": "T1", "2": "T2", "3": "T3", "4": "T4"}, t))
        t.setWordWrap(True)
        t.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)  # computed at layout time
        t.itemChanged.connect(self._calendar_changed)
        self.addMilestoneButton.clicked.connect(self.add_milestone)
        self.removeMilestoneButton.clicked.connect(self.remove_milestone)

    def _fill_calendar(self, action: PraeAction) -> None:
        t = self.calendarTable
        t.blockSignals(True)
        t.setRowCount(len(action.milestones))
        for row, m in enumerate(action.milestones):
            quarter = QTableWidgetItem(f"T{m.quarter}" if m.quarter else "—")
            quarter.setData(Qt.ItemDataRole.UserRole, str(m.quarter) if m.quarter else "")
            for col, item in enumerate(
                (
                    QTableWidgetItem(str(m.year)),
                    quarter,
                    QTableWidgetItem(m.day.strftime("%d/%m/%Y") if m.day else ""),
                    QTableWidgetItem(m.text),
                )
            ):
                t.setItem(row, col, item)
        t.blockSignals(False)

    def _check_calendar_cell(self, index, text: str) -> None:
        """Refuse a typed year or date the calendar would not save (the cell keeps it)."""
        where, text = f"Calendrier, ligne {index.row() + 1}", text.strip()
        if index.column() == 0 and rules.whole_number(text) is None:
            raise ValidationError(f"{where} : l'année « {text} » n'est pas une année.", "calendar")
        if index.column() == 2 and text and rules.french_date(text) is None:
            raise ValidationError(f"{where} : date « {text} » invalide (jj/mm/aaaa).", "calendar")

    def _milestones_from_table(self) -> list[Milestone]:
        t = self.calendarTable
        out = []
        for row in range(t.rowCount()):
            where = f"Calendrier, ligne {row + 1}"
            year_text = text_at(t, row, 0).strip()
            year = rules.whole_number(year_text)
            if year is None:
                raise ValidationError(f"{where} : l'année « {year_text} » n'est pas une année.", "calendar")
            quarter_key = data_at(t, row, 1, "")
            day_text = text_at(t, row, 2).strip()
            day = rules.french_date(day_text) if day_text else None
            if day_text and day is None:
                raise ValidationError(f"{where} : date « {day_text} » invalide (jj/mm/aaaa).", "calendar")
            text = text_at(t, row, 3)
            out.append(Milestone(year, text, int(quarter_key) if quarter_key else None, day))
        return out

    def _calendar_changed(self, *_):
        if self._loading or self.action is None:
            return
        try:
            milestones = self._milestones_from_table()
        except ValidationError as exc:
            self.page.show_error(str(exc))
            self._fill_calendar(self.action)
            return
        self._set_milestones(milestones, "Modifier le calendrier")

    def _set_milestones(self, milestones: list[Milestone], text: str) -> None:
        self.page.apply_edit(edits.SetMilestones(text, self._action().id, tuple(milestones)))

    def add_milestone(self) -> None:
        if self.action is None:
            return
        year = self._prae().summary.start_year
        before = list(self.action.milestones)
        self._set_milestones([*before, Milestone(year, "Nouveau jalon", quarter=1)], "Ajouter un jalon")
        after = list(self._action().milestones)  # stored order: the new milestone is sorted in by date
        if len(after) != len(before) + 1:
            return  # refused (the message was shown)
        row = next((i for i, (old, new) in enumerate(zip(before, after)) if old != new), len(before))
        self.calendarTable.setFocus(Qt.FocusReason.OtherFocusReason)
        self.calendarTable.setCurrentCell(row, 3)
        self.calendarTable.editItem(item_at(self.calendarTable, row, 3))

    def remove_milestone(self) -> None:
        row = self.calendarTable.currentRow()
        if self.action is None or row < 0:
            return
        milestones = [m for i, m in enumerate(self.action.milestones) if i != row]
        self._set_milestones(milestones, "Retirer un jalon")

    # -- indicators ------------------------------------------------------------------------
    def _setup_indicators(self) -> None:
        t = self.indicatorTable
        t.verticalHeader().hide()
        t.setItemDelegate(CheckedDelegate(t, self._check_indicator_cell))
        t.setItemDelegateForColumn(1, ComboDelegate(drafting.INDICATOR_UNITS, t))
        t.setItemDelegateForColumn(2, ComboDelegate(drafting.INDICATOR_SOURCES, t))
        t.itemChanged.connect(self._indicators_changed)
        self.addIndicatorButton.clicked.connect(lambda: self.add_indicator())
        self.removeIndicatorButton.clicked.connect(self.remove_indicator)
        self._suggest_menu = QMenu(self)
        self.suggestIndicatorButton.setMenu(self._suggest_menu)

    def _indicator_columns(self, prae: PraeDetail) -> list[str]:
        return [
            "Libellé",
            "Unité",
            "Source",
            "Référence",
            "Année\nréf.",
            *[f"Cible\n{y}" for y in prae.years],  # on two lines: the label keeps room on small screens
            "Commentaire",
        ]

    def _fill_indicators(self, prae: PraeDetail, action: PraeAction) -> None:
        t = self.indicatorTable
        t.blockSignals(True)
        columns = self._indicator_columns(prae)
        header = t.horizontalHeaderItem(5) if t.columnCount() == len(columns) else None
        if header is None or header.text() != columns[5]:
            t.setColumnCount(len(columns))
            t.setHorizontalHeaderLabels(columns)
            t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for col in range(1, len(columns) - 1):
                t.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
            t.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
        t.setRowCount(len(action.indicators))
        for row, ind in enumerate(action.indicators):
            unit = QTableWidgetItem(drafting.INDICATOR_UNITS.get(ind.unit, ind.unit))
            unit.setData(Qt.ItemDataRole.UserRole, ind.unit)
            source = QTableWidgetItem(drafting.INDICATOR_SOURCES.get(ind.source, ind.source))
            source.setData(Qt.ItemDataRole.UserRole, ind.source)
            cells = [
                QTableWidgetItem(ind.label),
                unit,
                source,
                QTableWidgetItem(_number(ind.baseline)),
                QTableWidgetItem(str(ind.baseline_year) if ind.baseline_year else ""),
            ]
            cells += [QTableWidgetItem(_number(ind.target(y))) for y in prae.years]
            cells.append(QTableWidgetItem(ind.comment))
            for col, item in enumerate(cells):
                if 3 <= col < len(columns) - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                t.setItem(row, col, item)
        t.blockSignals(False)

    def _check_indicator_cell(self, index, text: str) -> None:
        """Refuse a typed reference, year or target the indicators would not save."""
        where, col, text = f"Indicateur ligne {index.row() + 1}", index.column(), text.strip()
        years = self._prae().years
        if col == 3:
            drafting.parse_number(text, f"{where}, référence", allow_empty=True)
        elif col == 4 and text and rules.whole_number(text) is None:
            raise ValidationError(f"{where} : année de référence « {text} » invalide.", "indicators")
        elif 5 <= col < 5 + len(years) and text:
            drafting.parse_number(text, f"{where}, cible {years[col - 5]}")

    def _indicators_from_table(self) -> list[Indicator]:
        t, years = self.indicatorTable, self._prae().years
        out = []
        for row in range(t.rowCount()):

            def cell(col, row=row):
                item = t.item(row, col)
                return item.text().strip() if item else ""

            where = f"Indicateur ligne {row + 1}"
            baseline_year = cell(4)
            if baseline_year and rules.whole_number(baseline_year) is None:
                raise ValidationError(f"{where} : année de référence « {baseline_year} » invalide.", "indicators")
            targets = []
            for k, year in enumerate(years):
                text = cell(5 + k)
                target = drafting.parse_number(text, f"{where}, cible {year}") if text else None
                if target is not None:
                    targets.append((year, target))
            out.append(
                Indicator(
                    label=cell(0),
                    unit=data_at(t, row, 1, "nombre"),
                    source=data_at(t, row, 2, "arml"),
                    baseline=drafting.parse_number(cell(3), f"{where}, référence", allow_empty=True),
                    baseline_year=int(baseline_year) if baseline_year else None,
                    targets=tuple(targets),
                    comment=cell(5 + len(years)),
                )
            )
        return out

    def _indicators_changed(self, *_):
        if self._loading or self.action is None:
            return
        try:
            indicators = self._indicators_from_table()
        except ValidationError as exc:
            self.page.show_error(str(exc))
            self._fill_indicators(self._prae(), self.action)
            return
        self._set_indicators(indicators, "Modifier les indicateurs")

    def _set_indicators(self, indicators: list[Indicator], text: str) -> None:
        self.page.apply_edit(edits.SetIndicators(text, self._action().id, tuple(indicators)))

    def add_indicator(self, label: str = "Nouvel indicateur", unit: str = "nombre", source: str = "arml") -> None:
        if self.action is None:
            return
        indicators = [*self.action.indicators, Indicator(label, unit, source)]
        self._set_indicators(indicators, "Ajouter un indicateur")
        if len(self._action().indicators) == len(indicators):  # added: the keyboard goes on there
            self.indicatorTable.setFocus(Qt.FocusReason.OtherFocusReason)
            self.indicatorTable.setCurrentCell(len(indicators) - 1, 0)

    def remove_indicator(self) -> None:
        row = self.indicatorTable.currentRow()
        if self.action is None or row < 0:
            return
        indicators = [ind for i, ind in enumerate(self.action.indicators) if i != row]
        self._set_indicators(indicators, "Retirer un indicateur")

    def _fill_suggestions(self, action: PraeAction) -> None:
        self._suggest_menu.clear()
        hints = suggestions.for_action(self.page.catalogue.key, action.pnae_action)
        existing = {i.label for i in action.indicators}
        for hint in hints.indicators:
            entry = self._suggest_menu.addAction(hint.label)
            entry.setEnabled(hint.label not in existing)
            entry.triggered.connect(lambda _=False, h=hint: self.add_indicator(h.label, h.unit, h.source))
        self.suggestIndicatorButton.setEnabled(bool(hints.indicators))

    # -- navigation from the completeness list -------------------------------------------------
    def focus_field(self, field: str) -> None:
        widget = {
            "pilot": self.pilotEdit,
            "objectives": self.objectivesList,
            "indicators": self.indicatorTable,
            "calendar": self.calendarTable,
            "territorial_levels": self.levelRegionale,
            "missions_locales": self.mlList,
            "title": self.titleEdit,
        }.get(field) or (self.blocks[field].editor if field in self.blocks else self.titleEdit)
        self.ensureWidgetVisible(widget, 50, 80)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.replace(".", ",")
