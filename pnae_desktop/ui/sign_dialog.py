"""« Signer la convention… »: choose the PDF, one of its empty signature fields, a PKCS#12 file
(or a PKCS#11 token when a « Bibliothèque PKCS#11 » is set), the passphrase, the output; signs
through services.signing as the CLI `sign` does. The passphrase/PIN is never stored; the PKCS#11
library, token and key labels, the timestamp server URL (empty: no timestamp, no network) and
the last certificate's path are remembered in the settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
)

from pnae_desktop.errors import UserError
from pnae_desktop.services import outputs, signing
from pnae_desktop.ui import palette
from pnae_desktop.ui.forms import Form, load_form

KIND_PKCS12, KIND_PKCS11 = "pkcs12", "pkcs11"
SETTINGS = {
    "library": "signing/pkcs11_library",
    "token": "signing/pkcs11_token",
    "key": "signing/pkcs11_key",
    "timestamp": "signing/timestamp_url",
    "pkcs12": "signing/last_pkcs12",
}


class SignDialogForm(Form):
    """The widgets forms/sign_dialog.ui provides (checked by load_form)."""

    intro: QLabel
    form: QFormLayout
    pdfPath: QLineEdit
    pdfBrowse: QPushButton
    fieldCombo: QComboBox
    kindCombo: QComboBox
    certLabel: QLabel
    certPath: QLineEdit
    certBrowse: QPushButton
    libraryLabel: QLabel
    libraryPath: QLineEdit
    tokenLabel: QLabel
    tokenLabelEdit: QLineEdit
    keyLabelEdit: QLineEdit
    secretLabel: QLabel
    secretEdit: QLineEdit
    timestampUrl: QLineEdit
    outPath: QLineEdit
    outBrowse: QPushButton
    errorLabel: QLabel
    buttons: QDialogButtonBox


def signed_name(pdf: Path) -> Path:
    """Default output beside the input: « convention.pdf » → « convention_signee.pdf »."""
    return pdf.with_name(f"{pdf.stem}_signee.pdf")


class SignDialog(SignDialogForm, QDialog):
    def __init__(self, parent=None, pdf: Path | str | None = None, store_path: Path | None = None):
        super().__init__(parent)
        load_form("sign_dialog.ui", self)
        self.store_path = store_path
        self.result_: signing.SignResult | None = None
        self.errorLabel.setStyleSheet(f"color: {palette.ERROR};")
        self.errorLabel.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Signer")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Fermer")
        self.buttons.accepted.connect(self.sign)
        self.buttons.rejected.connect(self.reject)
        self.kindCombo.addItem("Fichier de certificat (.p12, .pfx)", KIND_PKCS12)
        self.kindCombo.addItem("Carte ou jeton (PKCS#11)", KIND_PKCS11)
        settings = QSettings()
        self.libraryPath.setText(str(settings.value(SETTINGS["library"], "") or ""))
        self.tokenLabelEdit.setText(str(settings.value(SETTINGS["token"], "") or ""))
        self.keyLabelEdit.setText(str(settings.value(SETTINGS["key"], "") or ""))
        self.timestampUrl.setText(str(settings.value(SETTINGS["timestamp"], "") or ""))
        self.certPath.setText(str(settings.value(SETTINGS["pkcs12"], "") or ""))
        if self.libraryPath.text():
            self.kindCombo.setCurrentIndex(self.kindCombo.findData(KIND_PKCS11))
        self.kindCombo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.pdfBrowse.clicked.connect(self.browse_pdf)
        self.certBrowse.clicked.connect(self.browse_cert)
        self.outBrowse.clicked.connect(self.browse_out)
        self.pdfPath.editingFinished.connect(lambda: self.set_pdf(self.pdfPath.text()))
        if pdf is not None:
            self.set_pdf(pdf)

    # ------------------------------------------------------------------------ choices

    def kind(self) -> str:
        return str(self.kindCombo.currentData())

    def _kind_changed(self) -> None:
        pkcs11 = self.kind() == KIND_PKCS11
        for widget in (self.certLabel, self.certPath, self.certBrowse):
            widget.setVisible(not pkcs11)
        for widget in (self.libraryLabel, self.libraryPath, self.tokenLabel, self.tokenLabelEdit, self.keyLabelEdit):
            widget.setVisible(pkcs11)
        self.secretLabel.setText("Code &PIN :" if pkcs11 else "&Mot de passe :")

    def set_pdf(self, path: Path | str) -> None:
        """Take `path` as the PDF to sign: list its empty fields, propose an output name."""
        text = str(path).strip()
        self.pdfPath.setText(text)
        self.fieldCombo.clear()
        if not text:
            return
        try:
            fields = signing.all_fields(text)
        except UserError as exc:
            self.show_error(str(exc))
            return
        free = [name for name, signed in fields.items() if not signed]
        for name in free:
            self.fieldCombo.addItem(name, name)
        if not free:
            self.show_error(
                "Ce PDF n'a aucun champ de signature vide." + (" Tous ses champs sont déjà signés." if fields else "")
            )
            return
        self.errorLabel.hide()
        if not self.outPath.text().strip():
            self.outPath.setText(str(signed_name(Path(text))))

    def browse_pdf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Convention à signer", self.pdfPath.text(), "PDF (*.pdf)")
        if path:
            self.set_pdf(path)

    def browse_cert(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Certificat de signature", self.certPath.text(), "Certificat PKCS#12 (*.p12 *.pfx)"
        )
        if path:
            self.certPath.setText(path)

    def browse_out(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Enregistrer le PDF signé",
            self.outPath.text(),
            "PDF (*.pdf)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked when signing, with the store's checks
        )
        if path:
            self.outPath.setText(path)

    def show_error(self, message: str) -> None:
        self.errorLabel.setText(message)
        self.errorLabel.show()

    # ------------------------------------------------------------------------ signing

    def _remember(self) -> None:
        """The settings worth keeping (never the passphrase nor the PIN)."""
        settings = QSettings()
        settings.setValue(SETTINGS["timestamp"], self.timestampUrl.text().strip())
        if self.kind() == KIND_PKCS11:
            settings.setValue(SETTINGS["library"], self.libraryPath.text().strip())
            settings.setValue(SETTINGS["token"], self.tokenLabelEdit.text().strip())
            settings.setValue(SETTINGS["key"], self.keyLabelEdit.text().strip())
        else:
            settings.setValue(SETTINGS["pkcs12"], self.certPath.text().strip())

    def sign(self) -> None:
        pdf, out = self.pdfPath.text().strip(), self.outPath.text().strip()
        field = self.fieldCombo.currentData()
        missing = [
            label
            for label, value in (("la convention (PDF)", pdf), ("le champ à signer", field), ("le PDF signé", out))
            if not value
        ]
        if self.kind() == KIND_PKCS12 and not self.certPath.text().strip():
            missing.append("le fichier du certificat")
        if missing:
            self.show_error("Indiquez " + ", ".join(missing) + ".")
            return
        try:
            overwrite = False
            if outputs.needs_confirmation(out, store_path=self.store_path):
                answer = QMessageBox.question(
                    self,
                    "Signer la convention",
                    f"Le fichier « {out} » existe déjà. Le remplacer ?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                overwrite = True
            secret = self.secretEdit.text()
            token = None
            if self.kind() == KIND_PKCS11:
                token = signing.Pkcs11Token(
                    self.libraryPath.text().strip(),
                    self.tokenLabelEdit.text().strip(),
                    self.keyLabelEdit.text().strip(),
                )
            result = signing.sign_file(
                pdf,
                out,
                field=str(field),
                pkcs12_path=None if token else self.certPath.text().strip(),
                passphrase=None if token else secret.encode("utf-8"),
                token=token,
                pin=(secret or None) if token else None,
                timestamp_url=self.timestampUrl.text(),
                overwrite=overwrite,
                store_path=self.store_path,
            )
        except UserError as exc:
            self.show_error(str(exc))
            return
        finally:
            self.secretEdit.clear()  # asked again for each signature, never kept
        self._remember()
        self.result_ = result
        self.accept()

    def summary(self) -> str:
        """What was signed, for the caller's message."""
        r = self.result_
        if r is None:
            return ""
        rest = ", ".join(r.remaining_fields) if r.remaining_fields else "aucun"
        return (
            f"Champ « {r.field} » signé par {r.signer} (PAdES {r.level}).\n"
            f"PDF signé : {r.out}\nChamps restant à signer : {rest}.\n"
            "La révocation des certificats n'est pas vérifiée."
        )
