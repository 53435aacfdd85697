"""The Convention CPO page on the demo PRAE: adapt, restore, add and renumber, refuse, check."""

from __future__ import annotations

import pytest
from conftest import answer_next_box, answer_next_dialog, demo_page
from PySide6.QtCore import Qt

from pnae_desktop.domain import convention as cv
from pnae_desktop.services import convention as service

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def page(qtbot, db_path, catalogue):
    window = demo_page(qtbot, db_path, catalogue, "convention")
    yield window.page("convention")
    window.close()


def select(page, key):
    keys = [a.key for a in page.state.articles]
    page.articleList.setCurrentRow(keys.index(key))


def test_demo_convention_is_ready(page):
    assert "prête à exporter" in page.checksBadge.text()
    assert page.rendered.unresolved == ()
    assert page.checksList.item(0).text().startswith("✓")


def test_adapt_then_restore_an_article_survives_reopening(page, db_path, catalogue, qtbot):
    select(page, "duree")
    page.articleText.setPlainText(
        "La présente convention est conclue pour la durée du PRAE, de {period.start} à {period.end} inclus."
    )
    page._commit_article()
    assert "adapté" in page.articleList.currentItem().text()
    article = next(a for a in page.rendered.articles if a.key == "duree")
    assert article.adapted and "de 2018 à 2020 inclus" in article.text
    # the override is in the file: a fresh service read sees it
    assert service.get_state(page.store, page.prae_id).article("duree").text is not None
    page.restoreButton.click()
    assert service.get_state(page.store, page.prae_id).article("duree").text is None
    page.window_.actionUndo.trigger()  # back to the adapted text
    assert service.get_state(page.store, page.prae_id).article("duree").text is not None


def test_unknown_placeholder_is_refused_and_not_saved(page):
    select(page, "objet")
    before = service.get_state(page.store, page.prae_id)
    page.articleText.setPlainText("Objet : {arml.sirte}.")
    page._commit_article()
    assert "arml.sirte" in page.articleStatus.text() and "non enregistré" in page.articleStatus.text()
    assert service.get_state(page.store, page.prae_id) == before


def test_added_article_renumbers_and_cross_references_follow(page, qtbot):
    select(page, "duree")
    duree_before = cv.numbering(page.state)["duree"]

    def answer(dialog):
        dialog.findChild(type(page.articleTitle)).setText("Clause régionale : égalité femmes-hommes")
        dialog.accept()

    select(page, "objet")
    answer_next_dialog(answer)
    page.addArticleButton.click()
    numbers = cv.numbering(page.state)
    assert numbers["perso_1"] == 2 and numbers["duree"] == duree_before + 1
    text = "\n".join(a.text for a in page.rendered.articles)
    assert f"article {numbers['controle']}" in text  # {ref:controle} followed the renumbering


def test_required_article_cannot_be_removed(page):
    messages = answer_next_box()

    select(page, "comite_pilotage")
    page.removeArticleButton.click()
    assert "obligatoire" in messages[0]
    assert cv.numbering(page.state).get("comite_pilotage")


def test_missing_signatory_is_a_check_that_jumps_to_the_field(page, qtbot):
    page.tabs.setCurrentWidget(page.partiesTab)
    page.stateName.setText("")
    page.stateName.editingFinished.emit()
    errors = [c for c in page.checks if c.place.target == "state.signatory.name"]
    assert errors and errors[0].severity == "blocking"
    item = next(
        page.checksList.item(i)
        for i in range(page.checksList.count())
        if getattr(page.checksList.item(i).data(Qt.ItemDataRole.UserRole), "place", None) == errors[0].place
    )
    page.tabs.setCurrentWidget(page.articlesTab)
    page.checksList.itemActivated.emit(item)
    assert page.tabs.currentWidget() is page.partiesTab
    assert page.focusWidget() is page.stateName


def test_payment_schedule_not_summing_to_100_is_refused(page):
    messages = answer_next_box()

    before = service.get_settings(page.store, page.prae_id, page.catalogue)
    page.paymentsTable.item(0, 3).setText("60")  # advance 60 % + balance 50 %
    assert "110 %" in messages[0]
    assert service.get_settings(page.store, page.prae_id, page.catalogue) == before


def test_implausible_signature_date_is_refused(page):
    messages = answer_next_box()

    page.signatureDate.setText("15/06/2031")
    page.signatureDate.editingFinished.emit()
    assert "invraisemblable" in messages[0]
    assert page.signatureDate.text() == "15/06/2018"


def test_arml_siret_is_checked_and_saved(page):
    messages = answer_next_box()

    from pnae_desktop.services import praes

    before = praes.get_prae(page.store, page.prae_id).organisation
    page.orgSiret.setText("12345678901234")  # fails the Luhn checksum
    page.orgSiret.editingFinished.emit()
    assert "SIRET" in messages[0]
    assert praes.get_prae(page.store, page.prae_id).organisation == before
    assert page.orgSiret.text() == before.siret  # the field shows the stored value again
    page.orgAddress.setText("3, rue des Missions – 75010 Paris")
    page.orgAddress.editingFinished.emit()
    assert praes.get_prae(page.store, page.prae_id).organisation.address == "3, rue des Missions – 75010 Paris"
    assert "3, rue des Missions – 75010 Paris" in page.rendered.plain_text()
