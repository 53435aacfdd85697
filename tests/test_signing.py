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

from pnae_desktop.errors import ValidationError
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


# ------------------------------------------------------------------------------ refusals


def refusal(pdf: bytes, **kwargs) -> str:
    kwargs.setdefault("field", "Signature_ARML")
    kwargs.setdefault("passphrase", b"secret")
    with pytest.raises(ValidationError) as caught:
        sign_pdf(pdf, **kwargs)
    return str(caught.value)


def test_signing_a_field_already_signed_is_refused(convention, arml_p12):
    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    message = refusal(signed, pkcs12=arml_p12)
    assert "« Signature_ARML » est déjà signé" in message
    assert "Signature_Etat" in message and "Signature_Region" in message


def test_an_unknown_field_is_refused_listing_the_available_ones(convention, arml_p12):
    message = refusal(convention, field="Signature_Prefet", pkcs12=arml_p12)
    assert "pas de champ de signature « Signature_Prefet »" in message
    for name in FIELDS:
        assert name in message


def test_an_expired_certificate_is_refused(convention, pki):
    message = refusal(convention, pkcs12=pki.issue("Ancien Président", expired=True).read_bytes())
    assert "Ancien Président" in message and "a expiré le" in message


def test_a_wrong_passphrase_is_refused(convention, arml_p12):
    message = refusal(convention, pkcs12=arml_p12, passphrase=b"mauvais")
    assert "Mot de passe incorrect" in message


def test_a_pkcs12_without_private_key_is_refused(convention, pki):
    from pki import make_pkcs12_without_key

    message = refusal(convention, pkcs12=make_pkcs12_without_key(pki).read_bytes())
    assert "pas de clé privée" in message


def test_a_certificate_not_meant_to_sign_is_refused(convention, pki):
    message = refusal(convention, pkcs12=pki.issue("Chiffrement Seul", signing_usage=False).read_bytes())
    assert "pas prévu pour signer" in message


def test_a_file_that_is_not_a_pkcs12_is_refused(convention):
    message = refusal(convention, pkcs12=b"-----BEGIN CERTIFICATE-----\nxx\n")
    assert "PKCS#12" in message


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_pdf_is_refused_for_signing_and_reading(convention, arml_p12, cut):
    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    for pdf in (convention[: int(len(convention) * cut)], signed[: int(len(signed) * cut)]):
        with pytest.raises(ValidationError) as caught:
            read_signatures(pdf)
        assert "illisible" in str(caught.value) or "tronqué" in str(caught.value)
        assert "illisible" in refusal(pdf, pkcs12=arml_p12) or "tronqué" in refusal(pdf, pkcs12=arml_p12)


def test_a_file_that_is_not_a_pdf_is_refused(arml_p12):
    with pytest.raises(ValidationError, match="n'est pas un PDF"):
        read_signatures(b"PK\x03\x04 not a pdf")
    assert "n'est pas un PDF" in refusal(b"hello", pkcs12=arml_p12)


# ------------------------------------------------------------------------------ timestamp


def test_with_a_timestamp_server_the_signature_is_b_t(convention, pki, arml_p12):
    from tsa import serve_tsa

    with serve_tsa(pki) as url:
        signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret", timestamp_url=url)
    (sig,) = read_signatures(signed, [pki.root_pem]).signatures
    assert sig.level == "B-T" and sig.intact and sig.trusted
    status = pyhanko_statuses(signed, pki.root_pem)["Signature_ARML"]
    assert status.timestamp_validity is not None and status.timestamp_validity.intact
    assert status.timestamp_validity.trusted


def test_an_unreachable_timestamp_server_signs_nothing(convention, arml_p12):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = refusal(convention, pkcs12=arml_p12, timestamp_url=f"http://127.0.0.1:{port}/tsa")
    assert "Horodatage impossible" in message
    assert "adresse" in refusal(convention, pkcs12=arml_p12, timestamp_url="ftp://x").lower()


# ------------------------------------------------------------------------------ later changes


def _update(signed: bytes, change) -> bytes:
    """`signed` with one incremental update made by `change(writer, first_page_ref)`."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    change(writer, writer.root["/Pages"]["/Kids"][0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _overwrite_page_content(writer, page_ref):
    from pyhanko.pdf_utils import generic

    content_ref = page_ref.get_object().raw_get("/Contents")
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (Montant : 1 000 000 EUR) Tj ET")
    writer.mark_update(content_ref)
    writer.objects[(content_ref.generation, content_ref.idnum)] = stream  # same object number, new bytes


def _replace_page_content(writer, page_ref):
    from pyhanko.pdf_utils import generic

    page = page_ref.get_object()
    page[generic.NameObject("/Contents")] = writer.add_object(generic.StreamObject(stream_data=b"BT ET"))
    writer.update_container(page)


def _add_note(writer, page_ref):
    from pyhanko.pdf_utils import generic

    page = page_ref.get_object()
    note = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.NumberObject(v) for v in (50, 50, 300, 80)]),
            generic.NameObject("/Contents"): generic.TextStringObject("Montant rectifié"),
        }
    )
    annots = page.get("/Annots") or generic.ArrayObject()
    annots.append(writer.add_object(note))
    page[generic.NameObject("/Annots")] = annots
    writer.update_container(page)


@pytest.mark.parametrize(
    "change", [_overwrite_page_content, _replace_page_content, _add_note], ids=lambda f: f.__name__
)
def test_changes_after_signing_other_than_signatures_are_reported(convention, pki, arml_p12, change):
    from pyhanko.sign.diff_analysis import ModificationLevel

    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    changed = _update(signed, change)
    (sig,) = read_signatures(changed, [pki.root_pem]).signatures
    assert sig.intact and not sig.covers_whole_document and sig.modified_after
    assert any("modifié après" in n for n in sig.notes)
    # pyHanko's own difference analysis sees more than a form filling too
    level = pyhanko_statuses(changed, pki.root_pem)["Signature_ARML"].modification_level
    assert level in (ModificationLevel.ANNOTATIONS, ModificationLevel.OTHER)


def test_a_second_signature_is_a_form_filling_for_pyhanko_too(convention, pki, arml_p12):
    from pyhanko.sign.diff_analysis import ModificationLevel

    first = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    second = sign_pdf(first, field="Signature_Region", pkcs12=arml_p12, passphrase=b"secret")
    statuses = pyhanko_statuses(second, pki.root_pem)
    assert statuses["Signature_ARML"].modification_level == ModificationLevel.FORM_FILLING
    assert not read_signatures(second, [pki.root_pem]).signatures[0].modified_after


# ------------------------------------------------------------------------------ hostile bytes


def test_any_flipped_byte_is_refused_or_reported_never_accepted(convention, pki, arml_p12):
    """One byte flipped anywhere (page content, xref, signature dictionary, the signature value,
    the certificates it carries): either a French refusal, or a report whose signatures are not
    all intact and trusted. Only the zero padding after the signature value is free (unsigned
    by design, and the document's content identical)."""
    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    contents = signed.index(b"/Contents <", len(convention)) + len(b"/Contents <")
    hex_value = signed[contents : signed.index(b">", contents)]
    padding = contents + len(hex_value.rstrip(b"0"))
    positions = [len(signed) * k // 29 for k in range(29)] + [contents + 10, contents + 600, len(signed) - 30]
    checked = 0
    for position in positions:
        if padding <= position < contents + len(hex_value):
            continue
        tampered = bytearray(signed)
        tampered[position] ^= 0x04
        try:
            report = read_signatures(bytes(tampered), [pki.root_pem])
        except ValidationError:
            checked += 1
            continue
        assert not (report.all_intact and all(s.trusted for s in report.signatures)), position
        checked += 1
    assert checked >= 25


def test_signing_and_reading_without_a_timestamp_never_touch_the_network(convention, arml_p12, monkeypatch):
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("réseau interdit pendant ce test")

    monkeypatch.setattr(socket.socket, "connect", lambda self, *a: refuse(*a))
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    assert read_signatures(signed).signatures[0].intact
    assert attempts == []


def test_xmp_metadata_rewritten_after_signing_is_not_a_modification(convention, pki, arml_p12):
    """Acrobat rewrites the XMP metadata when it signs: not displayed, so not reported (a page
    content stream rewritten the same way is, see above)."""
    from pyhanko.pdf_utils import generic

    def xmp(text: bytes):
        kind = {generic.NameObject("/Type"): generic.NameObject("/Metadata")}
        kind[generic.NameObject("/Subtype")] = generic.NameObject("/XML")
        return generic.StreamObject(kind, stream_data=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'>" + text + b"</x:xmpmeta>")

    def add_xmp(writer, _page_ref):
        writer.root[generic.NameObject("/Metadata")] = writer.add_object(xmp(b"avant"))
        writer.update_root()

    def rewrite_xmp(writer, _page_ref):
        ref = writer.root.raw_get("/Metadata")
        writer.mark_update(ref)
        writer.objects[(ref.generation, ref.idnum)] = xmp(b"apres")

    signed = sign_pdf(_update(convention, add_xmp), field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    rewritten = _update(signed, rewrite_xmp)
    assert b"apres" in rewritten[len(signed) :]
    (sig,) = read_signatures(rewritten, [pki.root_pem]).signatures
    assert sig.intact and not sig.covers_whole_document and not sig.modified_after


def test_poppler_pdfsig_reads_both_signatures_as_valid(tmp_path, convention, pki, arml_p12):
    """A third, independent reader (poppler's pdfsig, NSS underneath; poppler-utils is in CI's
    system packages): both signatures valid, the first one no longer covering the whole file."""
    import os
    import shutil
    import subprocess

    if shutil.which("pdfsig") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdfsig absent (poppler-utils) : jamais ignoré en CI")
        pytest.skip("pdfsig absent (poppler-utils)")
    first = sign_pdf(convention, field="Signature_ARML", pkcs12=arml_p12, passphrase=b"secret")
    both = sign_pdf(first, field="Signature_Etat", pkcs12=pki.issue("Claire Modèle").read_bytes(), passphrase=b"secret")
    path = tmp_path / "deux.pdf"
    path.write_bytes(both)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert out.count("Signature Type: ETSI.CAdES.detached") == 2
    assert "Signer Certificate Common Name: Claire Modèle" in out
    assert "Not total document signed" in out and "Total document signed" in out
    assert "Signature_Region" in out and "The signature form field is not signed." in out


def appearance_text(pdf: bytes, field: str) -> str:
    """The text the signature field's visible appearance shows, decoded as its font reads it
    (WinAnsi): what a reader sees printed in the box."""
    import re

    from pypdf import PdfReader

    def streams(xobject):
        yield xobject.get_data()
        resources = xobject.get("/Resources")
        for child in (resources.get_object().get("/XObject", {}) if resources else {}).values():
            yield from streams(child.get_object())

    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/T") == field and "/AP" in annot:
                data = b" ".join(streams(annot["/AP"]["/N"].get_object()))
                shown = b" ".join(re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", data))
                unescaped = re.sub(rb"\\([0-7]{3})", lambda m: bytes([int(m.group(1), 8)]), shown)
                return unescaped.decode("cp1252")
    raise AssertionError(f"no appearance for {field}")


@pytest.mark.parametrize(
    "name, printed",
    [
        ("Françoise Lœuvre", "Françoise Lœuvre"),  # œ is in both the text encoding and the font's
        ("ŒDIPE Sœur", "OEDIPE Sœur"),
        ("Nguyễn Thị Ánh", "Nguyen Thi Ánh"),
        ("José Ñúñez", "José Ñúñez"),
    ],
)
def test_the_visible_signature_prints_the_signers_name_whole(convention, pki, name, printed):
    signed = sign_pdf(convention, field="Signature_ARML", pkcs12=pki.issue(name).read_bytes(), passphrase=b"secret")
    shown = appearance_text(signed, "Signature_ARML")
    assert f"Signé par : {printed}" in shown, shown
    assert "?" not in shown
