"""The window on small screens and for everyone (issue 12, items 3 and 4): the first window fits
the available screen; every page is usable at 1366×768 and at 1920×1080 with 150 % scaling
(1280×720 logical pixels), through the real MainWindow sized to an injected screen; every input
has an accessible name; the shipped colours meet WCAG 2.1 AA and the focus is always visible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from pnae_desktop import paths
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.services import praes
from pnae_desktop.ui import palette
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.geometry import FRAME, initial_geometry, initial_size
from pnae_desktop.ui.main_window import PAGES, MainWindow

pytestmark = pytest.mark.usefixtures("isolated_settings")

LAPTOP = QRect(0, 0, 1366, 728)  # 1366×768 minus a 40-pixel taskbar
SCALED = QRect(0, 0, 1280, 680)  # 1920×1080 at 150 %: 1280×720 logical pixels, minus the taskbar


# -- the first window ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("available", "expected"),
    [
        (QSize(1366, 728), QSize(1280, 688)),
        (QSize(1280, 680), QSize(1264, 640)),
        (QSize(1920, 1040), QSize(1280, 820)),
        (QSize(2560, 1400), QSize(1280, 820)),
    ],
)
def test_the_first_window_fits_the_available_screen(available, expected):
    assert initial_size(available) == expected
    frame = initial_geometry(QRect(QPoint(0, 0), available)).adjusted(
        -FRAME.width() // 2, -(FRAME.height() - FRAME.width() // 2), FRAME.width() // 2, FRAME.width() // 2
    )
    assert QRect(QPoint(0, 0), available).contains(frame)


def test_a_saved_geometry_larger_than_this_screen_is_not_restored(qtbot, db_path):
    """A window last closed on a large monitor opens inside the laptop's screen."""
    first = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(first)
    first.setGeometry(QRect(0, 0, 1900, 1040))  # larger than the test screen
    first.show()
    first.close()
    second = MainWindow(open_workspace(str(db_path), None, with_demo=False))
    qtbot.addWidget(second)
    assert second.screen().availableGeometry().contains(second.geometry())


# -- every page at both sizes ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("screen") / "demo.sqlite"
    open_workspace(str(path), None, with_demo=True).close()
    return path


@pytest.fixture(params=[LAPTOP, SCALED], ids=["1366x768", "1920x1080@150%"])
def small_window(request, qtbot, demo_db):
    window = MainWindow(open_workspace(str(demo_db), None, with_demo=False))
    qtbot.addWidget(window)
    window.fit_to_screen(request.param)
    window.show()
    qtbot.waitExposed(window)
    window.open_prae(window.dashboard.model.rows[0].id)
    window.go_to("dashboard")
    yield window, request.param
    window.close()


def settle(qtbot) -> None:
    QApplication.processEvents()
    qtbot.wait(30)
    QApplication.processEvents()


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def rect_in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def assert_usable(window: MainWindow, where: str, qtbot) -> None:
    """No page-level horizontal scroll; every button shown whole and reachable (inside the window,
    or inside a page scroll area once scrolled to); nothing squeezed below its minimum size."""
    settle(qtbot)
    assert window.minimumSizeHint().width() <= window.width(), f"{where}: page wider than the window"
    assert window.minimumSizeHint().height() <= window.height(), f"{where}: page taller than the window"
    page = window.pages.currentWidget()
    areas = [page] if isinstance(page, QScrollArea) else []
    areas += [a for a in page.findChildren(QScrollArea) if a.isVisible()]
    for area in areas:
        assert not area.horizontalScrollBar().isVisible(), f"{where}: horizontal scroll in {area.objectName()}"
    buttons = [b for b in page.findChildren(QAbstractButton) if b.isVisible() and b.text()]
    assert buttons or where.startswith("dashboard") is False
    for button in buttons:
        area = scroll_area_of(button)
        if area is not None:
            area.ensureWidgetVisible(button)
            QApplication.processEvents()
            shown = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
        else:
            shown = window.rect()
        name = f"{where}: « {button.text()} »"
        assert shown.contains(rect_in_window(button, window)), f"{name} not reachable"
        assert window.rect().contains(rect_in_window(button, window)), f"{name} outside the window"
        hint = button.minimumSizeHint()
        assert button.width() >= hint.width() and button.height() >= hint.height(), f"{name} squeezed"


def assert_fully_shown(label: QLabel, window: MainWindow, where: str) -> None:
    assert label.isVisible() and label.text(), f"{where}: {label.objectName()} hidden or empty"
    assert scroll_area_of(label) is None, f"{where}: {label.objectName()} scrolls away"
    assert window.rect().contains(rect_in_window(label, window)), f"{where}: {label.objectName()} cut"


def test_every_page_is_usable_on_a_small_screen(small_window, qtbot):
    window, available = small_window
    assert window.size() == initial_size(available.size())
    for key, _label in PAGES:
        window.go_to(key)
        page = window.page(key)
        tabs = page.findChildren(QTabWidget)
        outer = [t for t in tabs if t.isVisible() and not any(t is not o and o.isAncestorOf(t) for o in tabs)]
        if not outer:
            assert_usable(window, key, qtbot)
        for tab_widget in outer:
            for i in range(tab_widget.count()):
                tab_widget.setCurrentIndex(i)
                assert_usable(window, f"{key} / {tab_widget.tabText(i)}", qtbot)
            tab_widget.setCurrentIndex(0)


def test_budget_totals_and_balance_stay_visible_without_scrolling_a_sheet(small_window, qtbot):
    window, _ = small_window
    window.go_to("budget")
    page = window.page("budget")
    settle(qtbot)
    assert_fully_shown(page.balanceLabel, window, "budget")
    assert_fully_shown(page.actionTotalsLabel, window, "budget / par action")
    assert "coût complet" in page.actionTotalsLabel.text()
    assert "équilibré" in page.actionTotalsLabel.text() or "écart" in page.actionTotalsLabel.text()
    for view in (page.chargesView, page.financingView):  # every funder, the totals and « Écart » shown
        assert view.verticalScrollBar().maximum() == 0, view.accessibleName()
        assert view.model().rowCount() * 0 + view.viewport().height() >= sum(
            view.rowHeight(r) for r in range(view.model().rowCount())
        )
    assert page.financing.rowCount() >= 9 + 2  # the demo's nine funders, then resources and Écart
    summary = " ".join(page.summaryView.toPlainText().split())
    for axis in window.workspace.catalogues.default.cpo_axes:  # whole titles in the synthesis
        assert f"Axe {axis.number} – {' '.join(axis.title.split())}" in summary
    page.tabs.setCurrentWidget(page.structureTab)
    settle(qtbot)
    assert_fully_shown(page.structureTotalsLabel, window, "budget / frais de structure")
    for view in (page.structureView, page.manualView):
        assert view.verticalScrollBar().maximum() == 0, view.accessibleName()


def test_a_long_fiche_scrolls_as_one_page(small_window, qtbot):
    """Text boxes grow with their text (no scrollbar of their own); CPO objectives are whole."""
    window, _ = small_window
    window.go_to("prae")
    editor = window.page("prae").editor
    long_text = "\n".join(
        f"Paragraphe {i} : " + "une phrase assez longue pour passer à la ligne " * 4 for i in range(30)
    )
    editor.blocks["contexte"].editor.setPlainText(long_text)
    settle(qtbot)
    for key, block in editor.blocks.items():
        box = block.editor
        assert box.verticalScrollBar().maximum() == 0, f"« {key} » scrolls inside its box"
        assert not box.verticalScrollBar().isVisible(), key
    tall = editor.blocks["contexte"].editor
    assert tall.height() > window.height(), "the long text is shown whole, the page scrolls"
    assert editor.verticalScrollBar().maximum() > 0  # the fiche's one page scroll
    assert not editor.horizontalScrollBar().isVisible()
    objectives = editor.objectivesList
    catalogue = window.page("prae").catalogue
    texts = [objectives.item(i).text() for i in range(objectives.count())]
    for objective in catalogue.cpo_objectives:
        assert f"{objective.code} – {objective.text}" in texts  # the whole text, not its first line
    assert objectives.verticalScrollBar().maximum() == 0
    assert objectives.horizontalScrollBar().maximum() == 0  # wrapped, not cut at the right


def test_uncovered_objectives_are_shown_whole_with_their_status_in_words(small_window, qtbot):
    window, _ = small_window
    page = window.page("prae")
    request = NewPrae(region_code="11", start_year=2018, end_year=2020, pnae_actions=(2,))
    window.open_prae(praes.create_prae(window.workspace.store, page.catalogue, request))
    page.tabs.setCurrentWidget(page.coverageTab)
    settle(qtbot)
    tree = page.coverageTree
    objectives = tree.topLevelItem(0)
    full = {o.code: o.text for o in page.catalogue.cpo_objectives}
    uncovered = 0
    for i in range(objectives.childCount()):
        text = objectives.child(i).text(0)
        code = text.split(" – ", 1)[0]
        assert full[code] in text
        uncovered += text.endswith("— non couvert")
        rect = tree.visualItemRect(objectives.child(i))
        assert rect.right() <= tree.viewport().width()  # wrapped inside the view
        needed = tree.fontMetrics().boundingRect(
            QRect(0, 0, rect.width() - 8, 10_000), Qt.TextFlag.TextWordWrap, text
        )  # every wrapped line has room: nothing elided with « … »
        assert rect.height() >= needed.height(), code
    assert uncovered > 0  # said in words, not only in red
    assert tree.horizontalScrollBar().maximum() == 0


# -- accessibility ----------------------------------------------------------------------------------
INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QComboBox, QSpinBox, QCheckBox, QAbstractItemView)


def ancestors(widget: QWidget) -> list[QWidget]:
    found, parent = [], widget.parentWidget()
    while parent is not None:
        found.append(parent)
        parent = parent.parentWidget()
    return found


def unnamed_inputs(root: QWidget) -> list[str]:
    """Inputs under `root` with neither an accessible name nor a label pointing at them."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or isinstance(widget, QHeaderView) or widget.parent() is None:
            continue
        if any(isinstance(w, (QComboBox, QAbstractSpinBox)) for w in ancestors(widget)):
            continue  # a combo box's pop-up list, a spin box's line edit: named by their owner
        if isinstance(widget, QCheckBox) and widget.text().strip():
            continue  # a check box's text is its name
        if widget.accessibleName().strip() or id(widget) in buddies:
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName() or '(sans nom)'} in {root.objectName()}")
    return missing


def test_every_input_of_every_page_and_dialog_has_an_accessible_name(small_window, qtbot):
    window, _ = small_window
    for key, _label in PAGES:
        window.go_to(key)
        settle(qtbot)
    assert unnamed_inputs(window) == []
    for dialog in every_dialog(window):
        assert unnamed_inputs(dialog) == [], type(dialog).__name__
        dialog.deleteLater()


def every_dialog(window: MainWindow) -> list[QWidget]:
    """The app's own dialogs, built as the window builds them (not shown)."""
    # start-up: the dialogs are imported where the app opens them
    from pnae_desktop.ui.backups_dialog import BackupsDialog
    from pnae_desktop.ui.fec_dialog import MappingDialog
    from pnae_desktop.ui.history_dialog import HistoryDialog
    from pnae_desktop.ui.missions_locales_dialog import MissionsLocalesDialog
    from pnae_desktop.ui.new_prae_dialog import NewPraeDialog

    prae_page = window.page("prae")
    suivi = window.page("suivi")
    return [
        NewPraeDialog(prae_page.catalogue, window),
        MissionsLocalesDialog(prae_page),
        BackupsDialog(window),
        HistoryDialog(window.session(prae_page.prae.summary.id), lambda _kind: None, window),
        MappingDialog(suivi, (fu.MappingRule("account", "62", 1),)),
        fec_preview(window, suivi),
    ]


def fec_preview(window: MainWindow, suivi) -> QWidget:
    """The FEC import's preview, on the demo's FEC of 2018."""
    from pnae_desktop.services import realised_import
    from pnae_desktop.services.demo_followup import demo_fec
    from pnae_desktop.ui.fec_dialog import FecPreviewDialog

    text = demo_fec(window.workspace.store, suivi.prae_id, 2018)[0]
    prepared = realised_import.prepare_fec(window.workspace.store, suivi.prae_id, 2018, text.encode("iso8859-15"))
    return FecPreviewDialog(suivi, prepared, "Importer le FEC 2018 — aperçu")


def test_every_dialog_fits_the_small_screen(small_window, qtbot):
    window, available = small_window
    for dialog in every_dialog(window):
        dialog.show()
        settle(qtbot)
        name = type(dialog).__name__
        assert dialog.width() + FRAME.width() <= available.width(), name
        assert dialog.height() + FRAME.height() <= available.height(), name
        assert dialog.minimumSizeHint().height() <= dialog.height(), name
        dialog.close()
        dialog.deleteLater()


def test_shipped_colours_meet_wcag_aa():
    for foreground, background in palette.TEXT_PAIRS:
        assert palette.contrast(foreground, background) >= 4.5, (foreground, background)
    for indicator, background in palette.NON_TEXT_PAIRS:
        assert palette.contrast(indicator, background) >= 3, (indicator, background)
    assert palette.contrast("#2e7d32", palette.WINDOW) < 4.5  # the former green failed on grey


def test_the_style_sheet_names_its_colours_and_always_shows_the_focus():
    template = paths.resources().joinpath("style.qss").read_text(encoding="utf-8")
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b", template), "a literal colour in style.qss"
    sheet = palette.stylesheet(template)  # every variable is a palette colour
    focus_rules = [
        (selector, body) for selector, body in re.findall(r"([^{}]*:focus[^{}]*)\{([^}]*)\}", sheet) if "border" in body
    ]
    focused = " ".join(selector for selector, _ in focus_rules)
    kinds = ("QLineEdit", "QPlainTextEdit", "QTextEdit", "QComboBox", "QSpinBox", "QAbstractItemView")
    for kind in (*kinds, "QPushButton", "QToolButton", "QCheckBox", "QListWidget#navigation"):
        assert f"{kind}:focus" in focused, kind  # a focus frame for every kind of control
    for selector, body in focus_rules:
        colours = re.findall(r"#[0-9a-f]{6}", body)
        assert colours, selector
        backgrounds = [palette.NAVY] if "navigation" in selector else list(palette.BACKGROUNDS)
        for colour in colours:
            for background in backgrounds:
                assert palette.contrast(colour, background) >= 3, (selector, colour, background)


def test_colours_are_not_written_as_literals_in_the_views():
    offenders = []
    for path in sorted(Path(palette.__file__).parent.glob("*.py")):
        if path.name == "palette.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"#[0-9a-fA-F]{6}\b", line) or re.search(r"QColor\(\s*['\"]", line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []


def test_budget_status_is_said_in_words_and_an_empty_budget_is_not_balanced(small_window, qtbot):
    window, _ = small_window
    catalogue = window.page("prae").catalogue
    request = NewPrae(region_code="32", start_year=2018, end_year=2020, pnae_actions=(2,))
    window.open_prae(praes.create_prae(window.workspace.store, catalogue, request))
    window.go_to("budget")
    page = window.page("budget")
    settle(qtbot)
    for label in (page.balanceLabel, page.actionTotalsLabel):
        assert "aucun montant saisi" in label.text()
        assert "équilibré" not in label.text()
    window.go_to("dashboard")
    window.open_prae(window.dashboard.model.rows[-1].id)  # the demo: balanced, said as a word and a mark
    window.go_to("budget")
    settle(qtbot)
    assert "✓ équilibré" in page.balanceLabel.text()
