"""« Signer la convention… » from the Exports page: the demo convention exported by the window,
signed through the dialog with a certificate of the local test CA, read back; refusals shown in
the dialog, nothing written; the passphrase never stored."""

from __future__ import annotations

import hashlib

import pytest
from conftest import demo_page
from pki import make_pki
from PySide6.QtCore import QSettings
from test_signing import pyhanko_statuses

from pnae_desktop.services import exports as export_services
from pnae_desktop.services.signing import all_fields
from pnae_desktop.ui.sign_dialog import SETTINGS, SignDialog

pytestmark = pytest.mark.usefixtures("isolated_settings")


@pytest.fixture
def exported(qtbot, tmp_path, catalogue):
    """The window on the Exports page and the demo convention exported (through the services
    the page calls)."""
    window = demo_page(qtbot, tmp_path / "pnae.sqlite", catalogue, "exports")
    page = window.page("exports")
    pdf = export_services.export(
        window.workspace.store, page.prae_id, catalogue, "convention", tmp_path / "convention.pdf", force=True
    )
    page.conventionPath.setText(str(pdf))
    yield window, page, pdf
    window.close()


def test_sign_the_demo_convention_through_the_dialog(qtbot, tmp_path, exported):
    window, page, pdf = exported
    pki = make_pki(tmp_path)
    p12 = pki.issue("Jacques Crosnier")
    original = hashlib.sha256(pdf.read_bytes()).hexdigest()
    dialog = page.open_sign_dialog()
    assert isinstance(dialog, SignDialog) and dialog.isVisible()
    assert dialog.pdfPath.text() == str(pdf)
    # only the empty fields are offered
    assert [dialog.fieldCombo.itemText(i) for i in range(dialog.fieldCombo.count())] == [
        "Signature_Etat", "Signature_Region", "Signature_ARML",
    ]  # fmt: skip
    assert dialog.outPath.text() == str(tmp_path / "convention_signee.pdf")
    dialog.fieldCombo.setCurrentIndex(dialog.fieldCombo.findData("Signature_ARML"))
    dialog.certPath.setText(str(p12))
    dialog.timestampUrl.setText("")  # off by default: no network
    qtbot.keyClicks(dialog.secretEdit, "secret")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.result() == SignDialog.DialogCode.Accepted and not dialog.isVisible()
    assert "Champ « Signature_ARML » signé par Jacques Crosnier (PAdES B-B)." in page.resultLabel.text()
    signed = (tmp_path / "convention_signee.pdf").read_bytes()
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == original  # the input untouched
    assert pyhanko_statuses(signed, pki.root_pem)["Signature_ARML"].bottom_line
    # the certificate's path is remembered, the passphrase nowhere in the settings
    settings = QSettings()
    assert settings.value(SETTINGS["pkcs12"]) == str(p12)
    assert all("secret" not in str(settings.value(k)) for k in settings.allKeys())

    # the next party opens the signed PDF: the ARML field is no longer offered
    second = page.open_sign_dialog()
    second.set_pdf(tmp_path / "convention_signee.pdf")
    assert "Signature_ARML" not in [second.fieldCombo.itemText(i) for i in range(second.fieldCombo.count())]
    assert second.certPath.text() == str(p12)
    second.reject()


@pytest.mark.parametrize(
    ("case", "expected"),
    [("passphrase", "Mot de passe incorrect"), ("expired", "a expiré le"), ("no_key", "pas de clé privée")],
)
def test_refusals_are_shown_in_the_dialog_and_nothing_is_written(qtbot, tmp_path, exported, case, expected):
    from pki import make_pkcs12_without_key

    _window, page, pdf = exported
    pki = make_pki(tmp_path)
    p12 = {
        "passphrase": lambda: pki.issue("A"),
        "expired": lambda: pki.issue("B", expired=True),
        "no_key": lambda: make_pkcs12_without_key(pki),
    }[case]()
    dialog = page.open_sign_dialog()
    dialog.certPath.setText(str(p12))
    dialog.secretEdit.setText("mauvais" if case == "passphrase" else "secret")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.errorLabel.isVisible()
    assert expected in dialog.errorLabel.text()
    assert dialog.secretEdit.text() == ""  # cleared: asked again
    assert not (tmp_path / "convention_signee.pdf").exists()
    assert all(not signed for signed in all_fields(pdf).values())
    dialog.reject()


def test_a_pdf_without_empty_field_is_said_so(qtbot, tmp_path, exported):
    _window, page, _pdf = exported
    other = tmp_path / "autre.pdf"
    other.write_bytes(b"%PDF-1.4\nnot really\n")
    dialog = page.open_sign_dialog()
    dialog.set_pdf(other)
    assert dialog.fieldCombo.count() == 0 and dialog.errorLabel.isVisible()
    assert "illisible" in dialog.errorLabel.text()
    dialog.reject()
