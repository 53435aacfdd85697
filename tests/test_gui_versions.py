"""The « Signatures » menu, the « Versions » dialog and the banner of the working version, on
the real window over the demo store: mark a signed PDF, save it back byte for byte, change the
2019 amounts, see « modifié depuis la version signée du … » and the differences, prepare
avenant n° 1, verify a PDF returned with two more signatures, and refuse a foreign PDF."""

from __future__ import annotations

import pytest
from conftest import demo_page
from pki import make_pki
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser
from versions_material import PASS, pdf_text, raise_2019_amount

from pnae_desktop.exports.pdf.signing import sign_pdf
from pnae_desktop.services import exports as export_services
from pnae_desktop.ui import versions_menu
from pnae_desktop.ui.versions_dialog import VersionsDialog


@pytest.fixture
def window(qtbot, db_path, catalogue, tmp_path, monkeypatch):
    monkeypatch.setenv("PNAE_TRUST_DIR", str(tmp_path / "racines"))
    win = demo_page(qtbot, db_path, catalogue, "convention")
    versions_menu.install(win)
    return win


def test_versions_dialog_marks_saves_compares_prepares_and_verifies(window, qtbot, tmp_path, catalogue, watchdog):
    store, prae_id = window.workspace.store, window.current_prae_id
    pki = make_pki(tmp_path)
    signers = {f: pki.issue(n).read_bytes() for f, n in (("Signature_ARML", "A"), ("Signature_Etat", "E"))}
    exported = export_services.export(store, prae_id, catalogue, "convention", tmp_path / "c.pdf", force=True)
    arml = sign_pdf(exported.read_bytes(), field="Signature_ARML", pkcs12=signers["Signature_ARML"], passphrase=PASS)
    (tmp_path / "signee.pdf").write_bytes(arml)

    assert window.findChild(type(window.actionVersions), "actionVersions").text() == "&Versions de la convention…"
    window.go_to("prae")
    window.go_to("suivi")
    for key in ("convention", "prae", "suivi"):  # a « Versions… » button on the pages naming the PRAE
        button = window.page(key).findChild(QPushButton, "versionsButton")
        assert button.text() == "Versions…"
        # at the end of the PRAE name's row, not a page-wide bar of its own (Suivi's name is on its own line)
        row = versions_menu._layout_holding(window.page(key).layout(), window.page(key).praeLabel)
        assert isinstance(row, QHBoxLayout) and row.indexOf(button) == row.count() - 1
    dialog = VersionsDialog(window, prae_id)
    qtbot.addWidget(dialog)
    assert dialog.banner.text().startswith("Aucune version signée")
    assert not dialog.buttons["save"].isEnabled()

    # A foreign file is refused in French, nothing recorded.
    (tmp_path / "faux.pdf").write_bytes(b"%PDF-1.7\nnot really\n%%EOF\n")
    assert dialog.mark_signed(str(tmp_path / "faux.pdf")) is None
    assert "ne peut pas être marqué comme signé" in watchdog.messages[-1]
    assert dialog.table.rowCount() == 0

    version = dialog.mark_signed(str(tmp_path / "signee.pdf"))
    assert version is not None and "Version n° 1 enregistrée : convention signée partiellement" in watchdog.messages[-1]
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "convention signée partiellement"
    saved = dialog.save_pdf(str(tmp_path / "copie.pdf"))
    assert saved is not None and saved.read_bytes() == arml

    # The 2019 amounts change: the banner says so, everywhere (status bar), with the differences.
    raise_2019_amount(store, catalogue, prae_id)
    window.versions_banner.refresh()
    assert window.versions_banner.isVisible()
    assert "modifié depuis la version signée du" in window.versions_banner.text()
    assert "Voir les différences" in window.versions_banner.text()
    dialog.refresh()
    assert dialog.banner.text().startswith("modifié depuis la version signée du ")
    diff = dialog.show_diff(modal=False)
    assert diff is not None
    qtbot.addWidget(diff)
    html_text = diff.findChild(QTextBrowser, "report").toPlainText()
    assert "Coût complet – axe 1 – 2019" in html_text and "Version de travail" in html_text
    diff.grab().save(str(tmp_path / "diff.png"))
    diff.close()
    window.grab().save(str(tmp_path / "window.png"))
    window.go_to("convention")
    window.grab().save(str(tmp_path / "convention.png"))

    watchdog.answer_questions = True  # the raised 2019 charge unbalances the budget: asked first
    avenant = dialog.prepare_avenant(str(tmp_path / "avenant.pdf"))
    assert any(m.startswith("Attention : la convention de travail n'est pas prête") for m in watchdog.messages)
    assert avenant is not None and "Avenant n° 1" in pdf_text(avenant)
    assert "Avenant n° 1 écrit" in watchdog.messages[-1]
    annual = dialog.prepare_annual(str(tmp_path / "avenant-2019.pdf"), year=2019)
    assert annual is not None and "Avenant financier annuel – année 2019" in " ".join(pdf_text(annual).split())

    # Returned with the État's signature too: verified against the imported root.
    versions_menu.import_trust_root(window, str(pki.root_path))
    returned = sign_pdf(arml, field="Signature_Etat", pkcs12=signers["Signature_Etat"], passphrase=PASS)
    (tmp_path / "retour.pdf").write_bytes(returned)
    report = dialog.verify_pdf(str(tmp_path / "retour.pdf"), modal=False)
    assert report is not None and report.ok and report.version_number == 1
    assert all(s.trusted for s in report.signatures)
    assert "Vérification réussie." in dialog.property("last_report")
    tampered = bytearray(returned)
    tampered[len(exported.read_bytes()) // 2] ^= 1
    (tmp_path / "altere.pdf").write_bytes(bytes(tampered))
    bad = dialog.verify_pdf(str(tmp_path / "altere.pdf"), modal=False)
    assert bad is not None and not bad.ok and "Vérification ÉCHOUÉE." in dialog.property("last_report")
    dialog.grab().save(str(tmp_path / "versions.png"))


def test_an_avenant_of_a_convention_with_blocking_problems_is_asked_about_first(window, qtbot, tmp_path, catalogue):
    from conftest import MessageWatchdog, answer_next_box
    from PySide6.QtWidgets import QMessageBox

    from pnae_desktop.services import edits, marking, praes
    from pnae_desktop.services.session import PraeSession

    store, prae_id = window.workspace.store, window.current_prae_id
    pki = make_pki(tmp_path)
    exported = export_services.export(store, prae_id, catalogue, "convention", tmp_path / "c.pdf", force=True)
    arml = sign_pdf(exported.read_bytes(), field="Signature_ARML", pkcs12=pki.issue("A").read_bytes(), passphrase=PASS)
    marking.mark_signed(store, prae_id, arml, catalogue=catalogue)
    action = praes.get_prae(store, prae_id).actions[0]
    PraeSession(store, catalogue, prae_id).apply(edits.SetObjectives("Objectifs", action.id, {}))
    dialog = VersionsDialog(window, prae_id)
    qtbot.addWidget(dialog)

    asked = answer_next_box(QMessageBox.StandardButton.No)
    assert dialog.prepare_avenant(str(tmp_path / "non.pdf")) is None
    assert asked and asked[0].startswith("Attention : la convention de travail n'est pas prête :")
    assert action.title in asked[0] and "L'écrire quand même ?" in asked[0]
    assert not (tmp_path / "non.pdf").exists()

    dog = MessageWatchdog(answer_questions=True)
    try:
        written = dialog.prepare_avenant(str(tmp_path / "oui.pdf"))
    finally:
        dog.stop()
    assert written is not None and "Avenant n° 1" in pdf_text(written)
    assert "n'est pas prête" in dog.messages[0] and "Avenant n° 1 écrit" in dog.messages[1]
