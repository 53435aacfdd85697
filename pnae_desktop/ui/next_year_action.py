"""The Suivi page's « Préparer le PRAE N+1… » button: a confirmation saying what will be closed
and carried forward (services/next_year.py), then one undoable edit (Ctrl+Z reopens the year)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QMessageBox, QPushButton

from pnae_desktop.errors import UserError
from pnae_desktop.services import next_year
from pnae_desktop.services.edits_nextyear import PrepareNextYear

BUDGET_CHOICE = "Proposer aussi en N+1 le budget non consommé des actions reportées"


def install(page) -> QPushButton:
    """Add the button to the page's row of controls (after « Table de correspondance… »)."""
    button = QPushButton("Préparer le PRAE N+&1…", page)
    button.setObjectName("nextYearButton")
    button.setAutoDefault(False)
    button.setToolTip(
        "Clôturer l'année suivie et reporter sur l'année suivante les jalons non atteints des actions « reportées »"
    )
    row = page.findChild(QHBoxLayout, "controlsRow")
    row.addWidget(button)
    notice = QLabel(page)
    notice.setObjectName("closedYearNotice")
    notice.setWordWrap(True)
    notice.setTextFormat(Qt.TextFormat.PlainText)
    notice.setAccessibleName("Année clôturée")
    notice.hide()
    page.pageLayout.insertWidget(3, notice)
    page.closedYearNotice = notice
    button.clicked.connect(lambda: prepare(page))
    return button


def update(page) -> None:
    """Enable the button for a year that can be prepared; say why not otherwise."""
    button, notice = page.nextYearButton, page.closedYearNotice
    snap, year = page.snapshot, page.year
    if snap is None or year is None or page.prae_id is None:
        button.setEnabled(False)
        notice.hide()
        return
    closed = next_year.closed_years(page.window_.session(page.prae_id).store, page.prae_id)
    last = snap.detail.summary.end_year
    notice.setVisible(year in closed)
    notice.setText(
        f"Année {year} clôturée : le PRAE {year + 1} a été préparé, le suivi de {year} est en lecture "
        "seule (Ctrl+Z annule la préparation)."
    )
    if year in closed:
        button.setEnabled(False)
        button.setToolTip(f"L'année {year} est clôturée : le PRAE {year + 1} a été préparé (Ctrl+Z pour annuler).")
    elif year >= last:
        button.setEnabled(False)
        button.setToolTip(f"{year} est la dernière année du PRAE : il n'y a pas d'année suivante à préparer.")
    else:
        button.setEnabled(True)
        button.setToolTip(
            f"Clôturer {year} et préparer le PRAE {year + 1} : les jalons non atteints des actions "
            "« reportées » passent en " + str(year + 1)
        )


def prepare(page) -> bool:
    """Ask, then prepare year+1 from the page's year; True when done."""
    if page.prae_id is None or page.year is None:
        return False
    year = page.year
    session = page.window_.session(page.prae_id)
    try:
        plan = next_year.plan_next_year(session.store, page.prae_id, year, carry_budget=True)
    except UserError as exc:
        page.show_error(str(exc))
        return False
    box = QMessageBox(QMessageBox.Icon.Question, f"Préparer le PRAE {year + 1}", "", parent=page)
    lines = [line for line in plan.describe() if not line.startswith("  ")]
    box.setText(
        f"Préparer le PRAE {year + 1} à partir du réalisé {year} ?\n\n"
        + lines[0]
        + "".join(f"\n• {x}" for x in lines[1:])
    )
    box.setInformativeText("Ctrl+Z (Annuler) rouvre l'année et remet tout comme avant.")
    budget_lines = [line.strip() for line in plan.describe() if line.startswith("  ")]
    if budget_lines:
        box.setDetailedText("\n".join(budget_lines))
    choice = QCheckBox(BUDGET_CHOICE)
    choice.setObjectName("carryBudget")
    choice.setEnabled(bool(budget_lines))
    box.setCheckBox(choice)
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Yes).setText(f"Préparer {year + 1}")
    box.button(QMessageBox.StandardButton.Cancel).setText("Annuler")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
        return False
    carry = choice.isChecked()
    return page.apply_edit(PrepareNextYear(f"Préparer le PRAE {year + 1}", year, carry))
