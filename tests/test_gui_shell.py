"""The real main window driven with pytest-qt, on real SQLite files."""

from __future__ import annotations

import pytest
from conftest import answer_next_dialog
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from pnae_desktop.services import praes
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import PAGES, MainWindow
from pnae_desktop.ui.new_prae_dialog import NewPraeDialog

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def window(qtbot, db_path):
    w = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def test_navigation_lists_every_page_in_french(window):
    labels = [window.navigation.item(i).text() for i in range(window.navigation.count())]
    assert labels == ["Tableau de bord", "Catalogue PNAE", "PRAE", "Budget", "Convention CPO", "Exports", "Suivi"]
    window.go_to("exports")
    assert window.pages.currentWidget().objectName() == "ExportsPage"


def test_empty_store_dashboard_offers_demo(window, qtbot):
    assert window.dashboard.emptyLabel.isVisible()
    qtbot.mouseClick(window.dashboard.demoButton, Qt.MouseButton.LeftButton)
    assert window.dashboard.model.rowCount() == 1
    assert "démonstration" in window.dashboard.model.rows[0].title


def test_create_prae_through_dialog_shows_on_dashboard(window, qtbot):
    def fill(dialog: NewPraeDialog):
        dialog.regionCombo.setCurrentIndex(dialog.regionCombo.findData("04"))
        dialog.noneButton.click()
        dialog.actionList.item(4).setCheckState(Qt.CheckState.Checked)  # action 5
        dialog.titleEdit.setText("PRAE La Réunion 2019-2021")
        dialog.startYear.setValue(2019)
        dialog.endYear.setValue(2021)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    answer_next_dialog(fill)
    window.actionNewPrae.trigger()

    rows = window.dashboard.model.rows
    assert [(r.title, r.region_name, r.period_label, r.action_count, r.status_label) for r in rows] == [
        ("PRAE La Réunion 2019-2021", "La Réunion", "2019–2021", 1, "Brouillon")
    ]
    table = window.dashboard.praeTable
    assert table.model().index(0, 0).data() == "PRAE La Réunion 2019-2021"
    # And it is really in the file: a fresh service call reads it back.
    actions = praes.prae_actions(window.workspace.store, rows[0].id)
    assert [a.pnae_action for a in actions] == [5]


def test_dialog_refuses_a_five_year_period_in_place(window, qtbot):
    seen = {}

    def fill(dialog: NewPraeDialog):
        dialog.startYear.setValue(2018)
        dialog.endYear.setValue(2022)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
        seen["visible"] = dialog.isVisible()
        seen["error"] = dialog.errorLabel.text()
        dialog.reject()

    answer_next_dialog(fill)
    window.actionNewPrae.trigger()
    assert seen["visible"] is True
    assert "de 1 à 4 ans" in seen["error"] and "5 ans" in seen["error"]
    assert window.dashboard.model.rowCount() == 0


def test_dialog_preselects_priority_theme_actions(qtbot, catalogue):
    dialog = NewPraeDialog(catalogue)
    qtbot.addWidget(dialog)
    assert dialog.selected_actions() == catalogue.priority_action_numbers == (1, 2, 3, 5, 6, 7, 8)


def test_catalogue_search_ignores_accents(window, qtbot):
    window.go_to("catalogue")
    page = window.page("catalogue")
    assert page.visible_action_numbers() == list(range(1, 14))
    qtbot.keyClicks(page.searchEdit, "illettrisme")
    qtbot.waitUntil(lambda: page.visible_action_numbers() != list(range(1, 14)))
    assert 8 in page.visible_action_numbers()
    page.searchEdit.clear()
    qtbot.keyClicks(page.searchEdit, "INTER-DOM")  # upper case, words from "DOM et inter-DOM"
    qtbot.waitUntil(lambda: page.visible_action_numbers() == [11])
    page.searchEdit.clear()
    qtbot.keyClicks(page.searchEdit, "reseau coeur numerique")  # réseau, cœur, numérique
    expected = [
        a.number
        for a in page.catalogue.actions
        if all(w in (page._action_texts[a.number]) for w in ("reseau", "coeur", "numerique"))
    ]
    assert expected  # the query means something in this edition
    qtbot.waitUntil(lambda: page.visible_action_numbers() == expected)
    page.searchEdit.clear()
    qtbot.keyClicks(page.searchEdit, "INTER-DOM")
    qtbot.waitUntil(lambda: page.visible_action_numbers() == [11])
    # the fiche shown is the first match, rendered in full
    assert "Développer les compétences et l'accès à l'emploi des jeunes en outre-mer" in page.fiche.toPlainText()


def test_catalogue_fiche_shows_every_field_of_the_model(window, catalogue):
    window.go_to("catalogue")
    page = window.page("catalogue")
    page.select_action(3)
    text = page.fiche.toPlainText()
    for label in [f.label for f in catalogue.fiche_model if f.key != "calendrier"]:
        assert label in text
    assert catalogue.action(3).calendar_label in text
    assert "fiche actualisée transmise fin du 1er trimestre 2018" in text
    assert "(rubrique absente de la fiche du PNAE)" in text  # action 3 has no ARML référentes


def test_ctrl_f_jumps_to_catalogue_search(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.page("catalogue")
    assert window.page("catalogue").searchEdit.hasFocus()


def test_geometry_is_restored(qtbot, db_path):
    first = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(first)
    first.resize(700, 520)
    first.move(40, 30)
    first.show()
    first.close()
    second = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 520)


def test_opening_a_file_that_is_not_a_store_keeps_the_current_one(window, qtbot, tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_bytes(b"ceci n'est pas une base")
    messages = []
    answer_next_dialog(lambda box: (messages.append(box.text()), box.accept()))
    assert window.open_store(str(bad)) is False
    assert "n'est pas un fichier de données PNAE Desktop" in messages[0]
    assert bad.read_bytes() == b"ceci n'est pas une base"
    assert window.workspace.path.name == "pnae.sqlite"


def test_about_box_shows_version(window, qtbot):
    from pnae_desktop import __version__

    texts = []
    answer_next_dialog(lambda box: (texts.append(box.text()), box.accept()))
    window.actionAbout.trigger()
    assert __version__ in texts[0]
    assert isinstance(QApplication.activeModalWidget(), (type(None), QMessageBox))


def test_page_shortcuts(window, qtbot):
    for i, (key, _label) in enumerate(PAGES):
        qtbot.keyClick(window, getattr(Qt, f"Key_{i + 1}"), Qt.KeyboardModifier.ControlModifier)
        assert window.pages.currentWidget() is window.page(key)


def test_dashboard_summarises_coverage_of_selected_prae(window, qtbot):
    qtbot.mouseClick(window.dashboard.demoButton, Qt.MouseButton.LeftButton)
    window.dashboard.praeTable.selectRow(0)
    text = window.dashboard.coverageLabel.text()
    assert "9/9 objectifs de la CPO couverts" in text
    assert "toutes les fiches sont complètes" in text


def test_dashboard_enter_opens_the_prae(window, qtbot):
    qtbot.mouseClick(window.dashboard.demoButton, Qt.MouseButton.LeftButton)
    table = window.dashboard.praeTable
    table.setFocus()
    table.selectRow(0)
    table.activated.emit(table.currentIndex())
    assert window.pages.currentWidget() is window.page("prae")
    assert window.page("prae").prae.summary.id == window.dashboard.model.rows[0].id
    assert window.windowTitle().startswith(window.dashboard.model.rows[0].title)


def test_catalogue_page_reports_an_unreadable_edition(qtbot, catalogue):
    from pnae_desktop.ui.catalogue_page import CataloguePage

    problem = "Catalogue « pnae-2021.json » : champ « actions/2/number » non conforme au schéma : type attendu."
    page = CataloguePage(catalogue, problems=(problem,))
    qtbot.addWidget(page)
    assert "1 édition(s) illisible(s)" in page.editionLabel.text()
    assert "actions/2/number" in page.editionLabel.toolTip()


def test_dashboard_lists_most_recent_first_then_sorts_by_clicked_column(window, qtbot, catalogue):
    from pnae_desktop.domain.entities import NewPrae

    for title in ("B PRAE", "C PRAE", "A PRAE"):  # created in this order: A is the most recent
        praes.create_prae(window.workspace.store, catalogue, NewPrae("84", 2018, 2020, (1,), title=title))
    window.refresh()
    table = window.dashboard.praeTable

    def titles():
        return [table.model().index(row, 0).data() for row in range(table.model().rowCount())]

    assert titles() == ["A PRAE", "C PRAE", "B PRAE"]
    count = table.model().index(0, 4)
    assert count.data() == "1" and count.data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert "Socle commun : pnae-2018-2020" in count.data(Qt.ItemDataRole.ToolTipRole)

    header = table.horizontalHeader()
    on_title = QPoint(header.sectionViewportPosition(0) + 5, 5)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=on_title)
    assert titles() == ["A PRAE", "B PRAE", "C PRAE"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=on_title)
    assert titles() == ["C PRAE", "B PRAE", "A PRAE"]


def test_long_start_up_work_is_announced_and_a_plain_start_says_nothing(tmp_path, qtbot):
    from pnae_desktop.ui.app import StartupSplash

    said: list[str] = []
    first = open_workspace(str(tmp_path / "new.sqlite"), None, with_demo=True, announce=said.append)
    assert said == ["Création du fichier de données…", "Création du PRAE de démonstration…"]
    first.close()
    said.clear()
    again = open_workspace(str(tmp_path / "new.sqlite"), None, with_demo=True, announce=said.append)
    assert said == []  # up to date, demo already there: nothing long, no splash
    again.close()

    splash = StartupSplash()
    splash.announce("Création du fichier de données…")
    shown = splash.screen
    assert shown.isVisible() and shown.message().strip() == "Création du fichier de données…"
    splash.announce("Création du PRAE de démonstration…")
    assert splash.screen is shown and shown.message().strip() == "Création du PRAE de démonstration…"
    splash.close()
    assert splash.screen is None and not shown.isVisible()


def test_opening_a_new_data_file_from_the_menu_says_it_is_creating_it(window, tmp_path):
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    assert window.open_store(str(tmp_path / "autre.sqlite"))
    assert "Création du fichier de données…" in messages
    assert window.statusBar().currentMessage().startswith("Fichier de données : ")
    assert window.cursor().shape() == Qt.CursorShape.ArrowCursor
