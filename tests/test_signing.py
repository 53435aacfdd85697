"""Signing the demo convention with certificates from a local test CA (tests/pki.py), reading
the signatures back with the app and independently with pyHanko's own validation."""

from __future__ import annotations

import hashlib
import io

import pytest
from pki import make_pki
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from pnae_desktop.exports.pdf.signing import read_signatures, sign_pdf
from pnae_desktop.services import demo
from pnae_desktop.services import exports as export_services
from pnae_desktop.store.database import open_store

FIELDS = ["Signature_Etat", "Signature_Region", "Signature_ARML"]


@pytest.fixture(scope="module")
def convention(tmp_path_factory, catalogue) -> bytes:
    """The demo convention PDF, exported through the services, with its three empty fields."""
    folder = tmp_path_factory.mktemp("convention")
    store = open_store(folder / "demo.sqlite")
    try:
        prae_id = demo.create_demo(store, catalogue)
        out = export_services.export(store, prae_id, catalogue, "convention", folder / "convention.pdf", force=True)
    finally:
        store.close()
    return out.read_bytes()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def arml_p12(pki) -> bytes:
    return pki.issue("Jacques Crosnier").read_bytes()


def pyhanko_statuses(pdf: bytes, root_pem: bytes):
    """pyHanko's own verdict on each signature, without the app's code."""
    from asn1crypto import pem, x509

    _, _, der = pem.unarmor(root_pem)
    vc = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    return {s.field_name: validate_pdf_signature(s, signer_validation_context=vc) for s in reader.embedded_signatures}


def test_demo_convention_has_three_empty_fields(convention):
    report = read_signatures(convention)
    assert report.signatures == []
    assert sorted(report.empty_fields) == sorted(FIELDS)
    assert report.first_signed_revision_sha256 is None


def test_sign_arml_is_pades_and_verifies(convention, pki, arml_p12):
    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    assert signed.startswith(convention)  # incremental update: the original bytes untouched
    assert b"/ETSI.CAdES.detached" in signed[len(convention) :]
    report = read_signatures(signed, [pki.root_pem])
    (sig,) = report.signatures
    assert sig.field == "Signature_ARML"
    assert sig.signer == "Jacques Crosnier"
    assert sig.intact and sig.trusted and sig.covers_whole_document and not sig.modified_after
    assert sig.level == "B-B"
    assert sig.signing_time is not None
    assert sorted(report.empty_fields) == ["Signature_Etat", "Signature_Region"]
    assert report.unsigned_sha256 == hashlib.sha256(convention).hexdigest()
    assert report.first_signed_revision_sha256 == sig.signed_sha256
    assert not report.revocation_checked and "révocation" in report.notes[0]
    status = pyhanko_statuses(signed, pki.root_pem)["Signature_ARML"]
    assert status.bottom_line and status.intact and status.valid and status.trusted
    # without the root imported: intact, but not trusted
    untrusted = read_signatures(signed).signatures[0]
    assert untrusted.intact and not untrusted.trusted


def test_two_parties_sign_in_turn_and_both_stay_valid(convention, pki, arml_p12):
    first = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    etat = pki.issue("Claire Modèle").read_bytes()
    second = sign_pdf(first, field="Signature_Etat", pkcs12=etat, passphrase=b"secret")
    assert second.startswith(first)
    report = read_signatures(second, [pki.root_pem])
    by_field = {s.field: s for s in report.signatures}
    assert [s.field for s in report.signatures] == ["Signature_ARML", "Signature_Etat"]
    arml, state = by_field["Signature_ARML"], by_field["Signature_Etat"]
    assert arml.intact and arml.trusted and not arml.covers_whole_document and not arml.modified_after
    assert state.intact and state.trusted and state.covers_whole_document and state.signer == "Claire Modèle"
    assert arml.revision < state.revision
    assert report.empty_fields == ["Signature_Region"]
    # the first signed revision is the same in both files
    assert report.first_signed_revision_sha256 == read_signatures(first).first_signed_revision_sha256
    statuses = pyhanko_statuses(second, pki.root_pem)
    assert all(s.bottom_line and s.intact and s.valid for s in statuses.values())
    assert set(statuses) == {"Signature_ARML", "Signature_Etat"}


def test_one_flipped_byte_after_signing_is_not_intact(convention, pki, arml_p12):
    signed = bytearray(sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret"))
    where = signed.find(b"Article 1")
    assert where < 0 or where > 0  # any content byte will do; take one in the first page's stream
    position = len(convention) // 2
    signed[position] ^= 0x01
    report = read_signatures(bytes(signed), [pki.root_pem])
    (sig,) = report.signatures
    assert not sig.intact
    assert any("modifié" in n for n in sig.notes)
    status = pyhanko_statuses(bytes(signed), pki.root_pem)["Signature_ARML"]
    assert not status.intact


def test_content_appended_after_a_signature_is_reported(convention, pki, arml_p12):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    info = writer.root  # change the catalogue: not a form filling
    info[generic.NameObject("/Lang")] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    (sig,) = read_signatures(out.getvalue(), [pki.root_pem]).signatures
    assert sig.intact and not sig.covers_whole_document and sig.modified_after
