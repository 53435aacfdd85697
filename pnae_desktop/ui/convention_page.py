"""Convention CPO page: parties and signatories, the articles (adapt, restore, add, remove, reorder)
with a live preview, the amounts read from the budget, the checks; every change an undoable edit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import rules
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import convention as service
from pnae_desktop.services import edits, praes
from pnae_desktop.services.checks import document_checks
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import check_list, fit, palette
from pnae_desktop.ui.article_editor import ArticleEditor, configure, insert_menu, place_under
from pnae_desktop.ui.convention_html import amounts_html, convention_html
from pnae_desktop.ui.diff_view import LEGEND, _dialog, diff_html
from pnae_desktop.ui.forms import Form, load_form
from pnae_desktop.ui.prae_bound import PraeBoundPage
from pnae_desktop.ui.sheet import item_at

TYPING_DELAY_MS = 600
# Line edits of the parties tab (widget name) -> where their value sits in ConventionSettings.
LINE_FIELDS = {
    "prefectName": ("state", "prefect", "name"),
    "prefectFunction": ("state", "prefect", "function"),
    "stateName": ("state", "signatory", "name"),
    "stateFunction": ("state", "signatory", "function"),
    "councilName": ("council", "name"),
    "councilSignatoryName": ("council", "signatory", "name"),
    "councilSignatoryFunction": ("council", "signatory", "function"),
    "councilDeliberation": ("council", "deliberation"),
    "armlName": ("arml_signatory", "name"),
    "armlFunction": ("arml_signatory", "function"),
    "armlProject": ("arml_project",),
    "tribunal": ("tribunal",),
    "signaturePlace": ("signature", "place"),
    "signatureDate": ("signature", "date"),
    "copies": ("signature", "copies"),
    "meetings": ("steering", "meetings_per_year"),
    "stateService": ("state", "service"),
    "budgetProgramme": ("state_budget", "programme"),
    "budgetBop": ("state_budget", "bop"),
    "budgetAction": ("state_budget", "action"),
    "ordonnateur": ("state_budget", "ordonnateur"),
    "accountant": ("state_budget", "accountant"),
}
# Fields whose empty value takes the region's dated default (shown as the field's placeholder).
DEFAULTED_FIELDS = ("stateService", "budgetProgramme", "budgetBop", "budgetAction", "ordonnateur", "accountant")
PAYMENT_COLUMNS = ("Financeur", "Année", "Versement", "%", "Déclencheur")


class ConventionPageForm(Form):
    """The widgets forms/convention_page.ui provides (checked by load_form)."""

    title: QLabel
    praeLabel: QLabel
    checksBadge: QLabel
    tabs: QTabWidget
    partiesTab: QWidget
    withRegion: QCheckBox
    prefectName: QLineEdit
    prefectFunction: QLineEdit
    stateName: QLineEdit
    stateFunction: QLineEdit
    councilName: QLineEdit
    councilSignatoryName: QLineEdit
    councilSignatoryFunction: QLineEdit
    councilDeliberation: QLineEdit
    armlName: QLineEdit
    armlFunction: QLineEdit
    armlProject: QLineEdit
    tribunal: QLineEdit
    signaturePlace: QLineEdit
    signatureDate: QLineEdit
    copies: QLineEdit
    meetings: QLineEdit
    stateService: QLineEdit
    budgetProgramme: QLineEdit
    budgetBop: QLineEdit
    budgetAction: QLineEdit
    ordonnateur: QLineEdit
    accountant: QLineEdit
    orgName: QLineEdit
    orgForm: QLineEdit
    orgAddress: QLineEdit
    orgSiret: QLineEdit
    steeringMembers: QPlainTextEdit
    resetPaymentsButton: QPushButton
    paymentsTable: QTableWidget
    articlesTab: QWidget
    articlesSplitter: QSplitter
    articleList: QListWidget
    addArticleButton: QPushButton
    removeArticleButton: QPushButton
    upButton: QPushButton
    downButton: QPushButton
    articleStatus: QLabel
    diffButton: QPushButton
    restoreButton: QPushButton
    articleTitle: QLineEdit
    articleText: ArticleEditor
    placeholderHelp: QLabel
    preview: QTextBrowser
    amountsView: QTextBrowser
    openBudgetButton: QPushButton
    checksSummary: QLabel
    checksList: QListWidget


class ConventionPage(ConventionPageForm, PraeBoundPage, QWidget):
    PAGE_TITLE = "Convention CPO"
    ASPECTS = edits.EVERYTHING  # the convention is filled from the whole PRAE and its budget

    def __init__(self, window, parent=None):
        super().__init__(parent)
        load_form("convention_page.ui", self, custom=(ArticleEditor,))
        self.window_ = window
        self.prae_id: int | None = None
        self.settings: service.ConventionSettings | None = None
        self.state: cv.ConventionState | None = None
        self.rendered = None
        self.checks = []
        self._loading = False
        self._article_error = ""
        self._typing = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._typing.timeout.connect(self._commit_article)

        self._line_fields = LINE_FIELDS
        for name in self._line_fields:
            getattr(self, name).editingFinished.connect(lambda n=name: self._commit_line(n))
        self.withRegion.toggled.connect(self._commit_with_region)
        self._add_hand_date()
        self._org_fields = {"orgName": "name", "orgForm": "legal_form", "orgAddress": "address", "orgSiret": "siret"}
        for name in self._org_fields:
            getattr(self, name).editingFinished.connect(self._commit_organisation)
        self.steeringMembers.installEventFilter(self)
        self.paymentsTable.setColumnCount(len(PAYMENT_COLUMNS))
        self.paymentsTable.setHorizontalHeaderLabels(PAYMENT_COLUMNS)
        self.paymentsTable.verticalHeader().hide()
        self.paymentsTable.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.paymentsTable.itemChanged.connect(self._commit_payments)
        fit.show_every_row(self.paymentsTable)  # every instalment in the page scroll (1366×768)
        self.resetPaymentsButton.clicked.connect(self._reset_payments)

        self.articleList.currentRowChanged.connect(self._show_article)
        self.articleText.textChanged.connect(self._article_typed)
        self.articleText.installEventFilter(self)
        self.articleTitle.editingFinished.connect(self._commit_article)
        self.restoreButton.clicked.connect(self.restore_article)
        self.diffButton.clicked.connect(self.show_diff)
        self.addArticleButton.clicked.connect(self.add_article)
        self.removeArticleButton.clicked.connect(self.remove_article)
        self.upButton.clicked.connect(lambda: self.move_article(-1))
        self.downButton.clicked.connect(lambda: self.move_article(+1))
        self.articlesSplitter.setSizes([260, 420, 520])
        self.checksList.itemActivated.connect(self._check_activated)
        self.openBudgetButton.clicked.connect(lambda: self.window_.go_to("budget"))
        self.articleText.refused.connect(self._refused_typing)
        self.insertDataButton = insert_menu(self.articleText, self, [])
        place_under(self, self.articleText, self.insertDataButton)
        self.placeholderHelp.setText(
            "Les données en bleu (noms, montants, renvois à un article…) sont remplies à l'export. "
            "Ajoutez-en avec « Insérer une donnée ▾ » ; elles ne se tapent pas au clavier."
        )
        self.placeholderHelp.setStyleSheet(f"color:{palette.MUTED}")

    # -- context ---------------------------------------------------------------------------
    @property
    def catalogue(self):
        return self.window_.workspace.catalogues.default

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.FocusOut:
            if watched is self.steeringMembers:
                self._commit_steering()
            elif watched is self.articleText:
                self._commit_article()
        elif event.type() == QEvent.Type.ShortcutOverride and (
            event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
        ):
            self._commit_article()
            event.ignore()
            return True
        return super().eventFilter(watched, event)

    # -- loading ---------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.prae_id is None:
            return
        self._typing.stop()
        self.window_.session(self.prae_id).rebase({edits.CONVENTION})  # what is shown is what edits are based on
        snap = load_snapshot(self.store, self.prae_id, self.catalogue, convention=False)
        self.settings, self.state, self.context = service.load_view(
            self.store, self.prae_id, self.catalogue, detail=snap.detail, budget=(snap.budget, snap.totals)
        )
        self.rendered = cv.render(self.state, self.context)
        # The one list of checks, as the Exports page and the command line show it.
        self.checks = document_checks(
            replace(snap, convention=(self.rendered, cv.check(self.state, self.context, rendered=self.rendered)))
        )
        self.show_prae_title(self.context.prae_title)
        self._loading = True
        try:
            self._fill_parties()
            self._article_labels()
            self._fill_articles()
            self._fill_amounts()
            self._fill_checks()
        finally:
            self._loading = False

    # -- parties ---------------------------------------------------------------------------
    def _value(self, path):
        return self._value_in(self.settings, path)

    @staticmethod
    def _value_in(obj, path):
        for part in path:
            obj = getattr(obj, part)
        return obj

    def _fill_parties(self) -> None:
        s, prae_id = self.settings, self.prae_id
        if s is None or prae_id is None:
            return
        self.withRegion.setChecked(s.with_region)
        self.handDate.setChecked(s.signature.date_by_hand)
        self.signatureDate.setEnabled(not s.signature.date_by_hand)
        for name, path in self._line_fields.items():
            value = self._value(path)
            if isinstance(value, date):
                value = value.strftime("%d/%m/%Y")
            text = "" if value is None else str(value)
            widget = getattr(self, name)
            if widget.text() != text:
                widget.setText(text)
                widget.setCursorPosition(0)
        for name in ("councilName", "councilSignatoryName", "councilSignatoryFunction", "councilDeliberation"):
            getattr(self, name).setEnabled(s.with_region)
        region_code, start_year = self.context.region.code, self.context.period.start_year
        defaults = service.default_state_texts(self.catalogue, region_code, start_year, s)
        for name in DEFAULTED_FIELDS:
            path = self._line_fields[name]
            default = self._value_in(defaults, path)
            getattr(self, name).setPlaceholderText(f"vide : {default}" if default else "")
            getattr(self, name).setToolTip(f"Par défaut pour la région : {default}" if default else "")

        self.organisation = praes.organisation(self.store, praes.prae_organisation_id(self.store, prae_id))
        for name, attr in self._org_fields.items():
            value = getattr(self.organisation, attr) or ""
            widget = getattr(self, name)
            if widget.text() != value:
                widget.setText(value)
                widget.setCursorPosition(0)
        members = "\n".join(s.steering.members)
        if self.steeringMembers.toPlainText() != members:
            self.steeringMembers.setPlainText(members)
        t = self.paymentsTable
        t.blockSignals(True)
        rows = [(p, i) for p in self.context.payments for i in p.instalments]
        names = {f.key: f.name for f in self.context.funders}
        t.setRowCount(len(rows))
        for r, (p, i) in enumerate(rows):
            for c, value in enumerate((names.get(p.funder, p.funder), str(p.year), i.label, str(i.percent), i.trigger)):
                item = QTableWidgetItem(value)
                if c < 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, (p.funder, p.year))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        t.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        t.blockSignals(False)

    def _save_settings(self, new: service.ConventionSettings, text: str) -> None:
        self.apply_edit(edits.SaveConventionSettings(text, new))

    def _commit_line(self, name: str) -> None:
        if self._loading or self.settings is None:
            return
        text = getattr(self, name).text().strip()
        path = self._line_fields[name]
        try:
            value: object
            if path == ("signature", "date"):
                value = rules.french_date(text) if text else None
                if text and value is None:
                    raise ValidationError(f"Date de signature « {text} » invalide (jj/mm/aaaa).")
            elif path in (("signature", "copies"), ("steering", "meetings_per_year")):
                value = rules.whole_number(text) if text else None
                if text and value is None:
                    raise ValidationError(f"« {text} » : un nombre entier est attendu.")
                if not text and path[0] == "steering":
                    value = cv.Steering().meetings_per_year
            else:
                value = text
        except ValidationError as exc:
            self.show_error(str(exc))
            self.refresh()
            return
        if value == self._value(path):
            return
        self._save_settings(_set_path(self.settings, path, value), "Modifier les parties de la convention")

    def _commit_organisation(self) -> None:
        """The ARML as the convention names it (shared by every PRAE of this ARML)."""
        if self._loading or self.prae_id is None:
            return
        values = {attr: getattr(self, name).text().strip() for name, attr in self._org_fields.items()}
        current = self.organisation
        if all((getattr(current, attr) or "") == value for attr, value in values.items()):
            return
        self.apply_edit(edits.SaveOrganisation("Modifier l'association", replace(current, **values)))

    def _add_hand_date(self) -> None:
        """« À dater à la main »: an explicit choice under the date (the PDF then prints
        « le ____________ »); an empty date without it is a blocking check."""
        self.handDate = QCheckBox("À dater à la main (le document imprime « le ____________ »)", self)
        self.handDate.setObjectName("handDate")
        self.handDate.setAccessibleName("Date de signature à écrire à la main")
        self.signatureDate.setPlaceholderText("jj/mm/aaaa")
        for form in self.findChildren(QFormLayout):
            index = form.indexOf(self.signatureDate)
            if index >= 0:
                position: Any = form.getItemPosition(index)  # (row, role)
                form.insertRow(int(position[0]) + 1, "", self.handDate)
                break
        self.handDate.toggled.connect(self._commit_hand_date)

    def _commit_hand_date(self, checked: bool) -> None:
        if self._loading or self.settings is None or checked == self.settings.signature.date_by_hand:
            return
        signature = replace(
            self.settings.signature, date_by_hand=checked, date=None if checked else self.settings.signature.date
        )
        self._save_settings(
            replace(self.settings, signature=signature),
            "Dater la convention à la main" if checked else "Dater la convention dans le document",
        )

    def _commit_with_region(self, checked: bool) -> None:
        if not self._loading and self.settings is not None and checked != self.settings.with_region:
            self._save_settings(replace(self.settings, with_region=checked), "Changer les signataires")

    def _commit_steering(self) -> None:
        if self._loading or self.settings is None:
            return
        members = tuple(m.strip() for m in self.steeringMembers.toPlainText().splitlines() if m.strip())
        if members != self.settings.steering.members:
            self._save_settings(
                replace(self.settings, steering=replace(self.settings.steering, members=members)),
                "Modifier le comité de pilotage",
            )

    def _commit_payments(self, *_):
        if self._loading or self.settings is None:
            return
        t = self.paymentsTable
        schedules: dict[tuple, list] = {}
        try:
            for r in range(t.rowCount()):
                key = item_at(t, r, 0).data(Qt.ItemDataRole.UserRole)
                percent = item_at(t, r, 3).text().strip().rstrip("%").strip()
                share = rules.whole_number(percent)
                if share is None:
                    raise ValidationError(
                        f"Modalités de versement, ligne {r + 1} : pourcentage « {percent} » invalide."
                    )
                schedules.setdefault(tuple(key), []).append(
                    cv.Instalment(item_at(t, r, 2).text().strip(), share, item_at(t, r, 4).text().strip())
                )
        except ValidationError as exc:
            self.show_error(str(exc))
            self.refresh()
            return
        payments = tuple(cv.PaymentSchedule(f, y, tuple(i)) for (f, y), i in schedules.items())
        self._save_settings(replace(self.settings, payments=payments), "Modifier les modalités de versement")

    def _reset_payments(self) -> None:
        if self.settings is not None and self.settings.payments is not None:
            self._save_settings(replace(self.settings, payments=None), "Revenir à l'échéancier usuel")

    # -- articles --------------------------------------------------------------------------
    def _fill_articles(self) -> None:
        current, state = self.current_key(), self._state()
        numbers = cv.numbering(state)
        self.articleList.blockSignals(True)
        self.articleList.clear()
        for a in state.articles:
            title = cv.article_title(state, a.key)
            number = numbers.get(a.key)
            label = f"{cv.article_label(number).capitalize()} – {title}" if number else f"(retiré) {title}"
            marks = []
            if a.custom:
                marks.append("ajouté")
            elif a.text is not None or a.title is not None:
                marks.append("adapté")
            item = QListWidgetItem(label + (f"  [{', '.join(marks)}]" if marks else ""))
            item.setData(Qt.ItemDataRole.UserRole, a.key)
            if a.removed:
                item.setForeground(QBrush(QColor(palette.MUTED)))
            elif marks:
                item.setForeground(QBrush(QColor(palette.WARNING)))
            self.articleList.addItem(item)
        self.articleList.blockSignals(False)
        keys = [a.key for a in state.articles]
        self.articleList.setCurrentRow(keys.index(current) if current in keys else 0)
        self._show_article(self.articleList.currentRow())

    def _state(self) -> cv.ConventionState:
        """The convention shown: the page acts on it only once refresh() has read it."""
        if self.state is None:
            raise RuntimeError("convention not loaded")
        return self.state

    def current_key(self) -> str | None:
        item = self.articleList.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show_article(self, _row: int) -> None:
        key = self.current_key()
        if key is None or self.state is None:
            return
        self._loading = True
        try:
            article = self.state.article(key)
            self.articleTitle.setText(cv.article_title(self.state, key))
            text = cv.article_text(self.state, key)
            if self.articleText.toPlainText() != text:
                self.articleText.setPlainText(text)
            model = cv.load_template(self.state.template_key).article(key)
            adapted = article.text is not None or article.title is not None
            status = (
                "Article ajouté par la région"
                if article.custom
                else "Article retiré"
                if article.removed
                else f'<span style="color:{palette.WARNING}">● adapté</span>'
                if adapted
                else f'<span style="color:{palette.SUCCESS}">● texte du modèle</span>'
            )
            if model is not None and not model.optional and not article.custom:
                status += " · obligatoire"
            self.articleStatus.setText(self._article_error or status)
            self.restoreButton.setVisible(adapted and not article.custom)
            self.diffButton.setVisible(adapted and not article.custom)
            self.removeArticleButton.setText("Rétablir" if article.removed else "&Retirer")
            self.preview.setHtml(convention_html(self.rendered, key))
            self.preview.scrollToAnchor(key)
        finally:
            self._loading = False

    def _refused_typing(self, message: str) -> None:
        self.articleStatus.setText(f'<span style="color:{palette.ERROR}">{escape_markup(message)}</span>')

    def _article_labels(self) -> None:
        """The chips' labels and the insertion menu follow this convention's articles and funders."""
        state, context = self._state(), self.context
        titles = {a.key: cv.article_title(state, a.key) for a in state.articles if not a.removed}
        phrases = list(cv.load_template(state.template_key).phrases)
        configure(self.articleText, self.insertDataButton, titles, context.funders, context.period.years, phrases)

    def _article_typed(self) -> None:
        if not self._loading:
            self._typing.start()

    def _commit_article(self) -> None:
        """Save the article's title and text (autosaved after a pause and on leaving the field)."""
        self._typing.stop()
        key = self.current_key()
        if self._loading or key is None or self.state is None:
            return
        text, title = self.articleText.toPlainText(), self.articleTitle.text().strip()
        if text == cv.article_text(self.state, key) and title == cv.article_title(self.state, key):
            return
        try:
            new_state = cv.override_article(self.state, key, text, title=title)
        except ValidationError as exc:
            self._article_error = (
                f'<span style="color:{palette.ERROR}">{escape_markup(str(exc))} (non enregistré)</span>'
            )
            self.articleStatus.setText(self._article_error)
            return
        self._article_error = ""
        self._save_state(new_state, "Adapter un article", merge_key=("article", key))

    def _save_state(self, new_state, text: str, merge_key=None) -> None:
        self.apply_edit(edits.SaveConventionState(text, new_state), merge_key)

    def restore_article(self) -> None:
        key = self.current_key()
        if key is not None:
            self._save_state(cv.restore_article(self._state(), key), "Restaurer le texte du modèle")

    def show_diff(self) -> None:
        key = self.current_key()
        if key is None:
            return
        model = cv.load_template(self._state().template_key).article(key)
        if model is None:  # an article the region added has no model text
            return
        _dialog(
            self,
            f"Différences avec le modèle — {model.title}",
            LEGEND + f"<p>{diff_html(model.text, cv.article_text(self._state(), key))}</p>",
        ).exec()

    def add_article(self) -> None:
        title, ok = QInputDialog.getText(self, "Ajouter un article", "Titre de l'article (clause régionale) :")
        if not ok or not title.strip():
            return
        key, state = self.current_key(), self._state()
        after = cv.numbering(state).get(key) if key is not None else None
        try:
            new_state = cv.add_article(state, title, "Texte de l'article.", (after + 1) if after else None)
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        self._save_state(new_state, "Ajouter un article")

    def remove_article(self) -> None:
        key = self.current_key()
        if key is None:
            return
        state = self._state()
        article = state.article(key)
        try:
            new_state = cv.reinstate_article(state, key) if article.removed else cv.remove_article(state, key)
        except ValidationError as exc:
            self.show_error(str(exc))
            return
        self._save_state(new_state, "Rétablir un article" if article.removed else "Retirer un article")

    def move_article(self, delta: int) -> None:
        key = self.current_key()
        number = cv.numbering(self._state()).get(key) if key is not None else None
        if key is None or number is None or number + delta < 1:
            return
        self._save_state(cv.move_article(self._state(), key, number + delta), "Déplacer un article")

    # -- amounts and checks ----------------------------------------------------------------
    def _fill_amounts(self) -> None:
        self.amountsView.setHtml(amounts_html(self.context))

    def _fill_checks(self) -> None:
        blocking = check_list.fill(
            self.checksList,
            self.checks,
            "convention",
            "✓ Aucun problème bloquant : la convention est prête à être exportée.",
        )
        warnings = [p for p in self.checks if p not in blocking]
        self.checksSummary.setText(
            f"{len(blocking)} problème(s) bloquant(s) pour la convention, {len(warnings)} autre(s) point(s)."
        )
        self.checksBadge.setText(
            f'<span style="color:{palette.SUCCESS}"><b>prête à exporter</b></span>'
            if not blocking
            else f'<span style="color:{palette.ERROR}"><b>pas prête : {len(blocking)} point(s) à corriger</b></span>'
        )

    def _check_activated(self, item) -> None:
        problem = check_list.problem_of(item)
        if problem is not None:
            check_list.go_to_place(self.window_, problem.place)

    def go_to_check(self, location: str, article: str | None) -> None:
        """Show where a convention check is fixed: its field in the parties, or its article."""
        check_list.focus_convention_place(self, location, article)


def _set_path(obj, path, value):
    if len(path) == 1:
        return replace(obj, **{path[0]: value})
    return replace(obj, **{path[0]: _set_path(getattr(obj, path[0]), path[1:], value)})
