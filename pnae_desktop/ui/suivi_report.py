"""The Suivi page's « Actions » tab: for the action chosen and the year followed, its status, the
milestones done with their dates, the short account, the difficulties and the deliverables.
Every change is one SetActionReport edit (undoable); text being typed is saved after a pause,
when the box loses the focus, and before Annuler."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHeaderView, QPlainTextEdit, QTableWidgetItem

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.errors import ValidationError
from pnae_desktop.services.edits_followup import SetActionReport
from pnae_desktop.ui.fit import grow_with_text, show_every_row
from pnae_desktop.ui.sheet import CheckedDelegate

TYPING_DELAY_MS = 600
NO_STATUS = "— non renseigné —"
DONE, TEXT, PLANNED, DAY = range(4)
TEXT_FIELDS = {"account": "Compte rendu", "difficulties": "Difficultés", "deliverables": "Livrables produits"}


def parse_day(text: str, where: str) -> date | None:
    """« 15/03/2018 » (or 15/3/2018, 2018-03-15) → date; "" → None; anything else refused."""
    raw = text.strip()
    if not raw:
        return None
    try:
        if "-" in raw:
            year, month, day = (int(p) for p in raw.split("-"))
        else:
            day, month, year = (int(p) for p in raw.split("/"))
        return date(year, month, day)
    except ValueError:
        raise ValidationError(f"{where} : « {text} » n'est pas une date (JJ/MM/AAAA, ex. 15/03/2018).") from None


def day_text(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day is not None else ""


def statuses_summary(detail: PraeDetail, followup: fu.FollowUp, year: int) -> str:
    """« Statuts 2018 : 4 réalisées · 2 en cours · 1 reportée · 0 abandonnée · 3 non renseignées »."""
    counts = dict.fromkeys([*fu.ACTION_STATUSES, None], 0)
    for action in detail.actions:
        report = followup.report(action.id, year)
        counts[report.status if report is not None else None] += 1
    parts = []
    for key, label in fu.ACTION_STATUSES.items():
        n = counts[key]
        plural = "s" if n > 1 and not label.endswith("s") else ""  # « en cours » is invariable
        parts.append(f"{n} {label}{plural}")
    n = counts[None]
    parts.append(f"{n} non renseignée{'s' if n > 1 else ''}")
    return f"<b>Statuts {year}</b> : " + " · ".join(parts)


class ReportEditor(QObject):
    """Drives the widgets of the page's Actions tab (the page owns them, from its form)."""

    def __init__(self, page) -> None:
        super().__init__(page)
        self.page = page
        self.action: PraeAction | None = None
        self.year: int | None = None
        self.report: fu.ActionReport | None = None
        self.milestone_rows: list[int] = []  # the index in the action's calendar of each row
        self._loading = False
        self._pending: set[str] = set()
        self._typing = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._typing.timeout.connect(self.flush)
        combo = page.statusCombo
        combo.addItem(NO_STATUS, None)
        for key, label in fu.ACTION_STATUSES.items():
            combo.addItem(label, key)
        combo.currentIndexChanged.connect(self._commit_status)
        table = page.milestonesTable
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels(["Fait", "Jalon", "Prévu", "Fait le"])
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DAY, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(DAY, max(110, table.fontMetrics().horizontalAdvance("00/00/0000") + 24))
        table.setItemDelegateForColumn(DAY, CheckedDelegate(table, self._check_day))
        table.itemChanged.connect(self._milestone_changed)
        show_every_row(table)
        self.boxes: dict[str, QPlainTextEdit] = {
            "account": page.accountEdit,
            "difficulties": page.difficultiesEdit,
            "deliverables": page.deliverablesEdit,
        }
        for key, box in self.boxes.items():
            grow_with_text(box, 3)
            box.textChanged.connect(lambda k=key: self._typed(k))
            box.installEventFilter(self)

    # -- showing ---------------------------------------------------------------------------
    def show(self, action: PraeAction | None, year: int, followup: fu.FollowUp) -> None:
        same = self.action is not None and action is not None and self.action.id == action.id and self.year == year
        if not same:
            self.flush()
        self.action, self.year = action, year
        self.report = followup.report(action.id, year) if action is not None else None
        page = self.page
        self._loading = True
        try:
            combo = page.statusCombo
            combo.setCurrentIndex(max(0, combo.findData(self.report.status if self.report else None)))
            combo.setEnabled(action is not None)
            self._fill_milestones()
            for key, box in self.boxes.items():
                stored = getattr(self.report, key) if self.report is not None else ""
                if key in self._pending and same:
                    continue  # being typed: the box keeps what the user types
                if box.toPlainText() != stored:
                    box.setPlainText(stored)
                box.setEnabled(action is not None)
        finally:
            self._loading = False

    def _fill_milestones(self) -> None:
        table = self.page.milestonesTable
        calendar = self.action.milestones if self.action is not None else ()
        done = dict(self.report.milestones_done) if self.report is not None else {}
        # the year's milestones, and those of other years already marked done this year
        self.milestone_rows = [i for i, m in enumerate(calendar) if m.year == self.year or i in done]
        table.blockSignals(True)
        table.setRowCount(len(self.milestone_rows))
        for row, index in enumerate(self.milestone_rows):
            milestone = calendar[index]
            check = QTableWidgetItem("fait" if index in done else "à faire")
            check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            check.setCheckState(Qt.CheckState.Checked if index in done else Qt.CheckState.Unchecked)
            table.setItem(row, DONE, check)
            for col, text in ((TEXT, milestone.text), (PLANNED, milestone.when_label)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                table.setItem(row, col, item)
            day = QTableWidgetItem(day_text(done.get(index)))
            day.setToolTip("Date de réalisation, JJ/MM/AAAA (facultative)")
            table.setItem(row, DAY, day)
        table.blockSignals(False)
        if not self.milestone_rows:
            self.page.milestonesLabel.setText(f"<b>Jalons</b> : aucun jalon prévu en {self.year} dans cette fiche.")
        else:
            self.page.milestonesLabel.setText(
                "<b>Jalons</b> (cochez ceux qui sont faits, Espace sur la case ; date au format JJ/MM/AAAA)"
            )
        table.setVisible(bool(self.milestone_rows))
        table.refit()  # type: ignore[attr-defined]

    # -- committing ------------------------------------------------------------------------
    def _current(self) -> fu.ActionReport:
        if self.action is None or self.year is None:
            raise RuntimeError("no action shown")
        return self.report or fu.ActionReport(self.action.id, self.year, None)

    def _apply(self, report: fu.ActionReport, text: str, merge_key=None) -> None:
        if self.action is None:
            return
        if report != self._current():
            self.report = report
            self.page.apply_edit(SetActionReport(text, report), merge_key)

    def _commit_status(self, _index: int) -> None:
        if self._loading or self.action is None:
            return
        status = self.page.statusCombo.currentData()
        self._apply(replace(self._current(), status=status), "Changer le statut d'une action")

    def _check_day(self, index, text: str) -> None:
        if index.column() == DAY:
            parse_day(text, f"Jalon n° {index.row() + 1}, date de réalisation")

    def _milestone_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or self.action is None:
            return
        table = self.page.milestonesTable
        shown = set(self.milestone_rows)
        done = [(i, day) for i, day in self._current().milestones_done if i not in shown]  # kept as they are
        for row, index in enumerate(self.milestone_rows):
            check, day = table.item(row, DONE), table.item(row, DAY)
            day_value = parse_day(day.text() if day is not None else "", f"Jalon n° {row + 1}")
            ticked = check is not None and check.checkState() == Qt.CheckState.Checked
            if item is check and not ticked:
                continue  # unticked: not done, whatever date it had
            if ticked or day_value is not None:
                done.append((index, day_value))  # a date typed says it is done
        text = "Cocher un jalon" if item.column() == DONE else "Dater un jalon"
        self._apply(replace(self._current(), milestones_done=tuple(sorted(done, key=lambda d: d[0]))), text)

    def _typed(self, key: str) -> None:
        if self._loading:
            return
        self._pending.add(key)
        self._typing.start()

    def flush(self) -> None:
        """Save what is being typed now (pause, focus leaving, another action or year, Annuler)."""
        self._typing.stop()
        pending, self._pending = self._pending, set()
        if self.action is None or not pending:
            return
        report = self._current()
        for key in pending:
            report = replace(report, **{key: self.boxes[key].toPlainText()})  # type: ignore[arg-type]
        label = f"Modifier « {TEXT_FIELDS[sorted(pending)[0]]} »" if len(pending) == 1 else "Modifier le compte rendu"
        self._apply(report, label, merge_key=("report", report.action_id, report.year, tuple(sorted(pending))))

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
