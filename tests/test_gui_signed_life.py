"""Issue 16's whole life through the real window, one step after the other: the demo convention
signed by the ARML in « Signer la convention… », marked signed in the Versions dialog, signed
by the État and the Région through the same dialog, verified when it comes back, a 2019 amount
typed on the Budget page, the banner « modifié depuis la version signée du … », avenant n° 1
written and read back with the new amount, then signed by the three parties and marked signed."""

from __future__ import annotations

import pytest
from conftest import demo_page
from pki import make_pki
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from versions_material import pdf_text

from pnae_desktop.services import budget
from pnae_desktop.services import exports as export_services
from pnae_desktop.ui import versions_menu
from pnae_desktop.ui.sign_dialog import SignDialog
from pnae_desktop.ui.versions_dialog import VersionsDialog

pytestmark = pytest.mark.usefixtures("isolated_settings")


def sign_through_dialog(page, pdf, field, p12, out):
    dialog = page.open_sign_dialog()
    dialog.set_pdf(pdf)
    index = dialog.fieldCombo.findData(field)
    assert index >= 0, f"{field} is offered while it is empty"
    dialog.fieldCombo.setCurrentIndex(index)
    dialog.certPath.setText(str(p12))
    dialog.outPath.setText(str(out))
    dialog.secretEdit.setText("secret")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == SignDialog.DialogCode.Accepted
    assert f"Champ « {field} » signé par" in page.resultLabel.text()
    return out


def test_sign_mark_countersign_verify_change_and_amend_through_the_window(
    qtbot, tmp_path, catalogue, watchdog, monkeypatch
):
    monkeypatch.setenv("PNAE_TRUST_DIR", str(tmp_path / "racines"))
    window = demo_page(qtbot, tmp_path / "pnae.sqlite", catalogue, "exports")
    versions_menu.install(window)
    page, store, prae_id = window.page("exports"), window.workspace.store, window.current_prae_id
    pki = make_pki(tmp_path)
    exported = export_services.export(store, prae_id, catalogue, "convention", tmp_path / "c.pdf", force=True)

    arml = sign_through_dialog(page, exported, "Signature_ARML", pki.issue("Président ARML"), tmp_path / "s1.pdf")
    dialog = VersionsDialog(window, prae_id)
    qtbot.addWidget(dialog)
    assert dialog.mark_signed(str(arml)) is not None
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "convention signée partiellement"

    etat = sign_through_dialog(page, arml, "Signature_Etat", pki.issue("Préfète de région"), tmp_path / "s2.pdf")
    region = sign_through_dialog(page, etat, "Signature_Region", pki.issue("Président Région"), tmp_path / "s3.pdf")
    versions_menu.import_trust_root(window, str(pki.root_path))
    report = dialog.verify_pdf(str(region), modal=False)
    assert report is not None and report.ok and report.version_number == 1
    assert len(report.signatures) == 3 and all(s.trusted and s.intact for s in report.signatures)

    # A 2019 amount typed on the Budget page, as a user would.
    window.go_to("budget")
    window.activateWindow()  # the dialogs had the focus
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    budget_page = window.page("budget")
    view, model = budget_page.chargesView, budget_page.charges
    column = next(
        c for c in range(model.columnCount()) if "2019" in str(model.headerData(c, Qt.Orientation.Horizontal))
    )
    before = budget.totals(store, prae_id)[1].direct_total
    view.setFocus()
    view.setCurrentIndex(model.index(0, column))
    qtbot.keyClick(view, "9")
    editor = QApplication.focusWidget()
    assert editor is not view
    editor.selectAll()
    qtbot.keyClicks(editor, "987654")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: budget.totals(store, prae_id)[1].direct_total != before, timeout=3000)

    window.versions_banner.refresh()
    assert "modifié depuis la version signée du" in window.versions_banner.text()
    watchdog.answer_questions = True  # the raised 2019 charge unbalances the budget: asked first
    avenant = dialog.prepare_avenant(str(tmp_path / "avenant-1.pdf"))
    assert avenant is not None
    text = pdf_text(avenant)
    full_2019 = budget.totals(store, prae_id)[1].full_by_year[2019]  # the new annual cost, printed in full
    printed = f"{full_2019 // 100:,}".replace(",", " ") + f",{full_2019 % 100:02d}"
    assert "Avenant n° 1" in text and printed in text and "un avenant est nécessaire" in text

    # The avenant signed by the three parties in the same dialog, then marked signed: version n° 2.
    signed = avenant
    for i, (field, who) in enumerate(
        (("Signature_ARML", "Président ARML"), ("Signature_Etat", "Préfète"), ("Signature_Region", "Président"))
    ):
        signed = sign_through_dialog(page, signed, field, pki.issue(f"{who} {i}"), tmp_path / f"a{i}.pdf")
    marked = dialog.mark_signed(str(signed))
    assert marked is not None and "Version n° 2 enregistrée : avenant n° 1 signé." in watchdog.messages[-1]
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 2).text() == "avenant n° 1 signé"  # newest first
    window.versions_banner.refresh()
    assert "Identique à la version signée du" in window.versions_banner.text()
    assert "(n° 2, avenant n° 1)" in window.versions_banner.text()

    # Signed by all three: the PRAE is « Signé » on the dashboard and on the PRAE page, and the
    # next edit goes through (the pages read the row again: no conflict with the marking).
    dashboard = window.dashboard
    row = next(r for r, p in enumerate(dashboard.model.rows) if p.id == prae_id)
    assert dashboard.model.item(row, 3).text() == "Signé"
    window.go_to("prae")
    prae_page = window.page("prae")
    assert prae_page.statusCombo.currentText() == "Signé"
    watchdog.messages.clear()
    prae_page._update_prae("Renommer le PRAE", title="PRAE signé, suivi 2019")  # rename(), its dialog answered
    assert not watchdog.messages  # no conflict dialog
    assert window.workspace.prae_summaries()[0].title == "PRAE signé, suivi 2019"
    window.close()
