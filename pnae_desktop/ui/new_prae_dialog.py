"""Nouveau PRAE: region, ARML, period and the PNAE actions to decline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
)

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import rules
from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.errors import ValidationError
from pnae_desktop.text import fold
from pnae_desktop.ui import palette
from pnae_desktop.ui.forms import Form, load_form


class NewPraeDialogForm(Form):
    """The widgets forms/new_prae_dialog.ui provides (checked by load_form)."""

    intro: QLabel
    form: QFormLayout
    regionCombo: QComboBox
    armlEdit: QLineEdit
    titleEdit: QLineEdit
    periodLabel: QLabel
    startYear: QSpinBox
    endYear: QSpinBox
    actionList: QListWidget
    priorityButton: QPushButton
    allButton: QPushButton
    noneButton: QPushButton
    selectionCount: QLabel
    errorLabel: QLabel
    buttons: QDialogButtonBox


class NewPraeDialog(NewPraeDialogForm, QDialog):
    def __init__(self, catalogue: Catalogue, parent=None, region_code: str | None = None):
        super().__init__(parent)
        load_form("new_prae_dialog.ui", self)
        self.catalogue = catalogue
        self.errorLabel.setStyleSheet(f"color: {palette.ERROR};")
        self.errorLabel.hide()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Créer le PRAE")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        for region in sorted(catalogue.regions, key=lambda r: fold(r.name)):
            suffix = "" if region.arml else " – sans ARML"
            self.regionCombo.addItem(f"{region.name} ({region.insee_code}){suffix}", region.insee_code)
        default = region_code or next(
            r.insee_code for r in sorted(catalogue.regions, key=lambda r: fold(r.name)) if r.arml
        )
        self.regionCombo.setCurrentIndex(max(0, self.regionCombo.findData(default)))
        self.regionCombo.currentIndexChanged.connect(self._region_changed)

        self.startYear.setValue(catalogue.start_year)
        self.endYear.setValue(catalogue.end_year)
        for action in catalogue.actions:
            item = QListWidgetItem(f"{action.number}. {action.title}")
            item.setData(Qt.ItemDataRole.UserRole, action.number)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setToolTip(action.theme_label)
            self.actionList.addItem(item)
        self.actionList.itemChanged.connect(self._update_count)
        self.priorityButton.clicked.connect(self.select_priorities)
        self.allButton.clicked.connect(lambda: self._check(lambda n: True))
        self.noneButton.clicked.connect(lambda: self._check(lambda n: False))
        self.select_priorities()
        self._region_changed()

    def _region_changed(self) -> None:
        region = self.catalogue.region(self.regionCombo.currentData())
        self.armlEdit.setText(f"Association régionale des missions locales {region.name}")
        self.titleEdit.setPlaceholderText(f"PRAE {region.name} {self.startYear.value()}-{self.endYear.value()}")

    def _check(self, predicate) -> None:
        for row in range(self.actionList.count()):
            item = self.actionList.item(row)
            item.setCheckState(
                Qt.CheckState.Checked if predicate(item.data(Qt.ItemDataRole.UserRole)) else Qt.CheckState.Unchecked
            )
        self._update_count()

    def select_priorities(self) -> None:
        priorities = set(self.catalogue.priority_action_numbers)
        self._check(lambda n: n in priorities)

    def selected_actions(self) -> tuple[int, ...]:
        return tuple(
            self.actionList.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.actionList.count())
            if self.actionList.item(row).checkState() == Qt.CheckState.Checked
        )

    def _update_count(self, *_):
        n = len(self.selected_actions())
        self.selectionCount.setText(f"{n} action{'s' if n > 1 else ''} sélectionnée{'s' if n > 1 else ''}")

    def request(self) -> NewPrae:
        return NewPrae(
            region_code=self.regionCombo.currentData(),
            start_year=self.startYear.value(),
            end_year=self.endYear.value(),
            pnae_actions=self.selected_actions(),
            organisation_name=self.armlEdit.text(),
            title=self.titleEdit.text(),
            catalogue_edition=self.catalogue.key,
        )

    def accept(self) -> None:
        """Check the period here so the user fixes it in place; the service checks again."""
        try:
            rules.check_period(self.startYear.value(), self.endYear.value())
            rules.check_required_text(self.armlEdit.text(), "ARML", "arml")
        except ValidationError as exc:
            self.show_error(str(exc))
            (self.armlEdit if exc.field == "arml" else self.endYear).setFocus()
            return
        super().accept()

    def show_error(self, message: str) -> None:
        self.errorLabel.setText(message)
        self.errorLabel.show()
