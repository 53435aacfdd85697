"""The follow-up documents exported from the Exports page of the real window: the demo's 2018
compte rendu financier and bilan read back, a year without realised data refused beside it."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from pnae_desktop.domain.followup import year_gaps
from pnae_desktop.domain.followup_report import compte_rendu
from pnae_desktop.domain.money import format_amount
from pnae_desktop.services import demo
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.text import fold
from pnae_desktop.ui.app import open_workspace
from pnae_desktop.ui.main_window import MainWindow


@pytest.fixture
def page(qtbot, tmp_path, catalogue, isolated_settings):
    window = MainWindow(open_workspace(str(tmp_path / "pnae.sqlite"), None, with_demo=False))
    qtbot.addWidget(window)
    window.show()
    prae_id = demo.create_demo(window.workspace.store, catalogue)
    window.refresh()
    window.open_prae(prae_id)
    window.go_to("exports")
    exports_page = window.page("exports")
    yield exports_page
    window.close()


def squeeze(text: str) -> str:
    """Text without any space (a wrapped cell or a narrow space still matches)."""
    return "".join(fold(text).split()).replace("\u00a0", "").replace("\u202f", "")


def _text(path) -> str:
    return squeeze("".join(p.extract_text() for p in PdfReader(path).pages))


def test_demo_2018_compte_rendu_and_bilan_from_the_window(qtbot, page, tmp_path, watchdog, monkeypatch):
    box = page.followupBox
    assert box.year() == 2018  # the latest year with realised data is chosen
    assert "Compte rendu financier" in box.rows["compte-rendu-pdf"][1].text()
    out = tmp_path / "suivi"
    for key, (check, path, _browse, _status) in box.rows.items():
        check.setChecked(key in ("compte-rendu-pdf", "compte-rendu-xlsx", "bilan"))
        path.setText(str(out / f"{key}.{'xlsx' if key.endswith('xlsx') else 'pdf'}"))
    assert box.rows["bilan"][3].text().count("prêt") == 1
    messages = watchdog.messages
    box.exportButton.click()
    qtbot.waitUntil(lambda: page.openFileButton.isEnabled() or bool(messages), timeout=60_000)
    assert page.openFileButton.isEnabled(), messages
    assert [p.name for p in page.last_outputs] == ["compte-rendu-pdf.pdf", "compte-rendu-xlsx.xlsx", "bilan.pdf"]
    # the realised totals of 2018, as the store has them, are in both PDFs
    snap = load_snapshot(page.store, page.prae_id, page.catalogue, convention=False)
    gaps = year_gaps(snap.budget, snap.followup, 2018)
    cr = compte_rendu(snap.detail, snap.budget, snap.totals, snap.followup, 2018)
    assert gaps.realised_total_cents > 0
    cr_text, bilan_text = _text(out / "compte-rendu-pdf.pdf"), _text(out / "bilan.pdf")
    assert squeeze("Compte rendu financier") in cr_text and "2018" in cr_text
    for line in (cr.direct, cr.charges_total, cr.products_total):  # label, forecast, realised
        row = squeeze(f"{line.label}{format_amount(line.forecast_cents)}{format_amount(line.realised_cents)}")
        assert row in cr_text, line.label
    total = squeeze(f"{format_amount(gaps.forecast_total_cents)}{format_amount(gaps.realised_total_cents)}")
    assert total in bilan_text
    assert openpyxl.load_workbook(out / "compte-rendu-xlsx.xlsx").sheetnames
    # « Ouvrir le fichier » opens the new file
    opened = []
    monkeypatch.setattr("pnae_desktop.ui.exports_page.QDesktopServices.openUrl", lambda url: opened.append(url))
    page.openFileButton.click()
    assert opened and opened[0].toLocalFile() == str(out / "compte-rendu-pdf.pdf")


def test_a_year_without_realised_data_is_refused_beside_it(qtbot, page, tmp_path, watchdog):
    box = page.followupBox
    box.yearCombo.setCurrentIndex(box.yearCombo.findData(2019))
    status = box.rows["compte-rendu-pdf"][3].text()
    assert "⛔" in status and "aucune donnée réalisée" in status and "2019" in status
    assert "prêt" in box.rows["evaluation"][3].text()  # the évaluation covers the whole period
    target = tmp_path / "suivi" / "cr-2019.pdf"
    box.rows["compte-rendu-pdf"][1].setText(str(target))
    messages = watchdog.messages
    box.exportButton.click()
    qtbot.waitUntil(lambda: bool(messages))
    assert "Rien à exporter" in messages[0] and "aucune donnée réalisée" in messages[0]
    assert not target.exists() and not target.parent.exists()


def test_an_existing_file_is_replaced_only_when_confirmed(qtbot, page, tmp_path, watchdog):
    from conftest import answer_next_box
    from PySide6.QtWidgets import QMessageBox

    box = page.followupBox
    target = tmp_path / "bilan.pdf"
    target.write_bytes(b"ancien fichier")
    for key, (check, _path, _browse, _status) in box.rows.items():
        check.setChecked(key == "bilan")
    box.rows["bilan"][1].setText(str(target))
    asked = answer_next_box(QMessageBox.StandardButton.No)
    box.exportButton.click()
    qtbot.waitUntil(lambda: bool(asked))
    assert "existe déjà" in asked[0] and "Le remplacer" in asked[0]
    assert target.read_bytes() == b"ancien fichier" and not page.openFileButton.isEnabled()
    asked = answer_next_box(QMessageBox.StandardButton.Yes)
    box.exportButton.click()
    qtbot.waitUntil(lambda: page.openFileButton.isEnabled(), timeout=60_000)
    assert asked and target.read_bytes().startswith(b"%PDF")
    assert page.last_outputs == [target]


def test_the_year_stays_and_the_checks_follow_the_suivi_page(qtbot, page):
    from pnae_desktop.domain import followup as fu
    from pnae_desktop.services import followup as followup_service

    window, box = page.window_, page.followupBox
    box.yearCombo.setCurrentIndex(box.yearCombo.findData(2019))
    assert "aucune donnée réalisée" in box.rows["bilan"][3].text()
    # something realised in 2019 is recorded, then the page is shown again: same year, now ready
    action_id = next(iter(followup_service.load_followup(page.store, page.prae_id).reports)).action_id
    followup_service.set_action_report(
        page.store, page.prae_id, fu.ActionReport(action_id, 2019, "en_cours", "", "", "", ())
    )
    window.go_to("suivi")
    window.go_to("exports")
    assert box.year() == 2019
    assert "prêt" in box.rows["bilan"][3].text() and "⛔" not in box.rows["bilan"][3].text()


def test_cancel_keeps_nothing_and_leaves_an_existing_file_as_it_was(qtbot, page, tmp_path, watchdog, monkeypatch):
    from pnae_desktop.services import followup_exports

    box = page.followupBox
    folder = tmp_path / "suivi"
    folder.mkdir()
    target = folder / "cr.pdf"
    target.write_bytes(b"ancien fichier")
    for key, (check, path, _browse, _status) in box.rows.items():
        check.setChecked(key in ("compte-rendu-pdf", "bilan"))
        path.setText(str(folder / ("cr.pdf" if key == "compte-rendu-pdf" else f"{key}.pdf")))
    real = followup_exports.export_followup

    def pressed_during_the_write(*args, **kwargs):  # the real export, « Annuler » pressed meanwhile
        written = real(*args, **kwargs)
        page._cancel.set()
        return written

    monkeypatch.setattr(followup_exports, "export_followup", pressed_during_the_write)
    watchdog.answer_questions = True  # « Le remplacer ? » Oui
    box.exportButton.click()
    qtbot.waitUntil(lambda: "annulé" in page.resultLabel.text(), timeout=60_000)
    assert target.read_bytes() == b"ancien fichier"
    assert sorted(p.name for p in folder.iterdir()) == ["cr.pdf"]  # no bilan, no temporary file
    assert page.last_outputs == [] and not page.openFileButton.isEnabled()
