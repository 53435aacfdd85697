"""The checks before export as the Convention and Exports pages list them: one line per problem
(services.checks), with the documents it concerns, and activating a line (Entrée or a
double-click) goes to where it is fixed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from pnae_desktop.services.checks import BLOCKING, DOCUMENT_NAMES, Place, Problem, blocking_for
from pnae_desktop.ui import palette

PROBLEM_ROLE = Qt.ItemDataRole.UserRole
ERROR_COLOUR, WARNING_COLOUR, OK_COLOUR = palette.ERROR, palette.WARNING, palette.SUCCESS


def problem_text(problem: Problem) -> str:
    """« ⛔ message — bloque : Convention » / « ⚠ message — concerne : Convention, PRAE »."""
    if problem.severity == BLOCKING:
        blocked = ", ".join(DOCUMENT_NAMES[d] for d in problem.blocks)
        also = [DOCUMENT_NAMES[d] for d in problem.documents if d not in problem.blocks]
        where = f"bloque : {blocked}" + (f" ; concerne aussi : {', '.join(also)}" if also else "")
        return f"⛔ {problem.message} — {where}"
    return f"⚠ {problem.message} — concerne : {problem.documents_label}"


def add_problem(view: QListWidget, problem: Problem) -> QListWidgetItem:
    item = QListWidgetItem(problem_text(problem))
    item.setData(PROBLEM_ROLE, problem)
    item.setForeground(QBrush(QColor(ERROR_COLOUR if problem.severity == BLOCKING else WARNING_COLOUR)))
    item.setToolTip("Entrée ou double-clic : aller à l'endroit à corriger.")
    view.addItem(item)
    return item


def add_note(view: QListWidget, text: str, colour: str) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setForeground(QBrush(QColor(colour)))
    view.addItem(item)
    return item


def problem_of(item: QListWidgetItem | None) -> Problem | None:
    value = item.data(PROBLEM_ROLE) if item is not None else None
    return value if isinstance(value, Problem) else None


def go_to_place(window, place: Place) -> None:
    """Show the page where `place` is fixed and put the focus on it: the fiche's field, the
    action's budget, the convention's field or article."""
    if place.page == "prae":
        window.go_to("prae")
        page = window.page("prae")
        if place.action_id is not None and page.prae is not None:
            if place.action_id in [a.id for a in page.prae.actions]:
                page.tabs.setCurrentWidget(page.ficheTab)
                page.select_action(place.action_id)
                page.editor.focus_field(place.target or "title")
                return
        page.actionList.setFocus(Qt.FocusReason.OtherFocusReason)
    elif place.page == "budget":
        window.go_to("budget")
        page = window.page("budget")
        if place.action_id is not None:
            index = page.actionCombo.findData(place.action_id)
            if index >= 0:
                page.actionCombo.setCurrentIndex(index)
        page.tabs.setCurrentIndex(0)
        page.chargesView.setFocus(Qt.FocusReason.OtherFocusReason)
    elif place.page == "convention":
        window.go_to("convention")
        window.page("convention").go_to_check(place.target, place.article)


# Convention check locations -> the Convention page's widget where they are fixed.
CONVENTION_FIELDS = {
    "state.prefect.name": "prefectName",
    "state.prefect.function": "prefectFunction",
    "state.signatory.name": "stateName",
    "state.signatory.function": "stateFunction",
    "council.name": "councilName",
    "council.deliberation": "councilDeliberation",
    "council.signatory.name": "councilSignatoryName",
    "council.signatory.function": "councilSignatoryFunction",
    "arml.signatory.name": "armlName",
    "arml.signatory.function": "armlFunction",
    "signature.date": "signatureDate",
    "signature.place": "signaturePlace",
    "signature.copies": "copies",
    "steering.members": "steeringMembers",
    "steering.meetings": "meetings",
    "region.tribunal": "tribunal",
    "arml.project": "armlProject",
    "arml.siret": "orgSiret",
    "arml.address": "orgAddress",
    "arml.name": "orgName",
    "arml.legal_form": "orgForm",
}


def focus_convention_place(page, location: str, article: str | None) -> None:
    """On the Convention page: the field of the parties tab, the payments table, or the article."""
    name = CONVENTION_FIELDS.get(location)
    widget = getattr(page, name) if name else None
    if widget is None and location.startswith("payments"):
        widget = page.paymentsTable
    keys = [a.key for a in page.state.articles] if page.state is not None else []
    if widget is None and (article in keys or location in keys):
        page.tabs.setCurrentWidget(page.articlesTab)
        page.articleList.setCurrentRow(keys.index(location if location in keys else str(article)))
        page.articleText.setFocus(Qt.FocusReason.OtherFocusReason)
        return
    page.tabs.setCurrentWidget(page.partiesTab)
    if widget is not None:
        widget.setFocus(Qt.FocusReason.OtherFocusReason)


def fill(view: QListWidget, problems: list[Problem], document: str, ready_note: str) -> list[Problem]:
    """List every problem once, then the ready note when none blocks `document`; its blocking ones."""
    view.clear()
    for problem in problems:
        add_problem(view, problem)
    blocking = blocking_for(problems, document)
    if not blocking:
        add_note(view, ready_note, OK_COLOUR)
    return blocking
