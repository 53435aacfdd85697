"""The article editor for non-developers, in the real window: placeholders shown as labelled
chips (never braces), inserted from « Insérer une donnée ▾ », the stored text unchanged."""

from __future__ import annotations

import pytest
from conftest import demo_page
from PySide6.QtCore import Qt

from pnae_desktop.domain import convention as cv
from pnae_desktop.services import convention as service

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def page(qtbot, db_path, catalogue):
    window = demo_page(qtbot, db_path, catalogue, "convention")
    page = window.page("convention")
    page.tabs.setCurrentWidget(page.articlesTab)
    yield page
    window.close()


def select(page, key):
    keys = [a.key for a in page.state.articles]
    page.articleList.setCurrentRow(keys.index(key))


def menu_actions(page):
    return [a for sub in page.insertDataButton.menu().actions() for a in sub.menu().actions()]


def test_every_article_round_trips_and_shows_no_brace(page):
    model = cv.load_template(page.state.template_key)
    with_chips = 0
    for article in model.articles:
        select(page, article.key)
        raw = cv.article_text(page.state, article.key)
        assert page.articleText.toPlainText() == raw, article.key
        shown = page.articleText.document().toPlainText()
        assert "{" not in shown and "}" not in shown, article.key
        labels = page.articleText.chip_labels()
        assert len(labels) == raw.count("{"), article.key
        with_chips += bool(labels)
        page._commit_article()  # nothing changed: nothing stored
        assert service.get_state(page.store, page.prae_id).article(article.key).text is None, article.key
    assert with_chips >= 5
    select(page, "contribution")
    assert any("en chiffres et en lettres" in label for label in page.articleText.chip_labels())
    select(page, "duree")
    visible = page.articleText.visible_text()
    assert "Première année de la convention" in visible or "Durée de la convention" in visible


def test_insert_a_placeholder_from_the_menu(page, qtbot):
    select(page, "objet")
    labels = [a.text() for a in menu_actions(page)]
    assert "Montant total de l'État, en chiffres et en lettres" in labels
    assert not any("{" in label for label in labels)
    editor = page.articleText
    editor.setFocus()
    cursor = editor.textCursor()
    cursor.movePosition(cursor.MoveOperation.End)
    editor.setTextCursor(cursor)
    qtbot.keyClicks(editor, " Montant : ")
    action = next(a for a in menu_actions(page) if a.text() == "Montant total de l'État, en chiffres et en lettres")
    action.trigger()
    assert "{" not in editor.document().toPlainText()
    page._commit_article()
    stored = service.get_state(page.store, page.prae_id).article("objet").text
    assert stored.endswith(" Montant : {amount:state.total}")
    article = next(a for a in page.rendered.articles if a.key == "objet")
    assert "euros" in article.text  # filled, in figures and words


def test_a_typed_brace_is_refused_with_a_message(page, qtbot):
    select(page, "objet")
    before = page.articleText.toPlainText()
    page.articleText.setFocus()
    qtbot.keyClicks(page.articleText, "{arml.name}")
    after = page.articleText.toPlainText()
    assert "{" not in after.replace(before, "") and "}" not in after.replace(before, "")
    assert "Insérer une donnée" in page.articleStatus.text()


def test_a_chip_is_deleted_whole(page, qtbot):
    select(page, "duree")
    raw = page.articleText.toPlainText()
    first = raw.index("{")
    editor = page.articleText
    # the chip's position in the document: the text before it, with one character per chip
    position = len(raw[:first])
    cursor = editor.textCursor()
    cursor.setPosition(position)
    editor.setTextCursor(cursor)
    editor.setFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Delete)
    end = raw.index("}", first) + 1
    assert editor.toPlainText() == raw[:first] + raw[end:]
