"""Reading the fingerprints a convention prints, on the real demo convention: the content-stream
reading (exports.pdf.shown_text) finds exactly what pypdf's full text extraction finds, counts a
page only when the fingerprint is drawn on it (whatever way the string is written), and a page
whose footer was altered is reported, even when the fingerprint sits in the PDF's metadata."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, NameObject, TextStringObject
from versions_material import make_material

from pnae_desktop.errors import UserError
from pnae_desktop.exports.pdf import convention_marks as marks_mod
from pnae_desktop.exports.pdf import shown_text
from pnae_desktop.services import marking, verify, versions
from pnae_desktop.store.database import open_store


@pytest.fixture(scope="module")
def material(tmp_path_factory, catalogue):
    return make_material(tmp_path_factory.mktemp("marks"), catalogue)


def _pypdf_marks(pdf: bytes) -> tuple[str | None, str | None, int, int]:
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    whole = "\n".join(texts)
    found = re.search(r"Empreinte du texte de la convention \(SHA-256\)\s*:\s*([0-9a-f]{64})", whole)
    annex = re.search(r"annexes I à III \(SHA-256\)\s*:\s*([0-9a-f]{64})", whole)
    fingerprint = found.group(1) if found else None
    short = fingerprint[:12] if fingerprint else "-"
    return fingerprint, annex.group(1) if annex else None, len(texts), sum(short in t for t in texts)


def _rewrite_footer(pdf: bytes, page_index: int, new: bytes, old_fp: str) -> bytes:
    """The PDF with the footer's "(xxxxxxxxxxxx) Tj" of one page replaced by `new`."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[page_index]
    data = page.get_contents().get_data()  # type: ignore[union-attr]
    old = b"(" + old_fp[:12].encode() + b") Tj"
    assert data.count(old) == 1
    stream = ContentStream(None, writer)
    stream.set_data(data.replace(old, new))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_content_stream_reading_finds_what_pypdf_finds(material):
    marks = marks_mod.read_marks(material.convention)
    assert (marks.fingerprint, marks.annex_fingerprint, marks.page_count, marks.pages_with_short) == _pypdf_marks(
        material.convention
    )
    assert marks.page_count > 20 and marks.on_every_page and marks.avenant_number is None
    pages = PdfReader(io.BytesIO(material.convention)).pages
    cache: dict = {}
    first = shown_text.shown_text(pages[0], cache)
    assert "Convention pluriannuelle d'objectifs" in first and "Île-de-France" in first
    assert all(marks.fingerprint[:12] in shown_text.shown_text(p, cache) for p in pages)


@pytest.mark.parametrize(
    "drawn",
    [
        "[({a}) -20 ({b})] TJ",  # a TJ array, with a kerning between the halves
        "<{hex}> Tj",  # a hex string
        "0 0 Td ({fp}) '",  # the ' operator
    ],
)
def test_the_fingerprint_drawn_another_way_still_counts(material, drawn):
    fp = marks_mod.read_marks(material.convention).fingerprint
    assert fp is not None
    short = fp[:12]
    new = drawn.format(a=short[:5], b=short[5:], hex=short.encode().hex(), fp=short).encode()
    pdf = _rewrite_footer(material.convention, 3, new, fp)
    marks = marks_mod.read_marks(pdf)
    assert marks.on_every_page and marks.fingerprint == fp
    assert short in shown_text.shown_text(PdfReader(io.BytesIO(pdf)).pages[3], {})  # read without pypdf's layout


def test_a_page_whose_footer_was_changed_is_counted_out_even_with_the_fingerprint_in_metadata(
    material, tmp_path, catalogue
):
    fp = marks_mod.read_marks(material.convention).fingerprint
    assert fp is not None
    pdf = _rewrite_footer(material.convention, 5, b"(000000000000) Tj", fp)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Subject": TextStringObject(fp), "/Keywords": TextStringObject(fp[:12])})
    out = io.BytesIO()
    writer.write(out)
    marks = marks_mod.read_marks(out.getvalue())
    assert marks.fingerprint == fp and marks.pages_with_short == marks.page_count - 1 and not marks.on_every_page

    signed = material.sign(out.getvalue(), "Signature_ARML")
    store = open_store(material.store_copy(tmp_path))
    try:
        report = verify.verify(store, material.prae_id, signed, [material.pki.root_pem], catalogue=catalogue)
        assert any("page" in p for p in report.problems), report.problems
        with pytest.raises(UserError, match="page"):
            marking.mark_signed(store, material.prae_id, signed, catalogue=catalogue)
        assert versions.list_versions(store, material.prae_id) == []
    finally:
        store.close()


def test_to_unicode_ranges_and_two_byte_codes_are_decoded():
    cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n2 beginbfrange <0010> <0012> <0061>\nendbfrange"
    width, table = shown_text.parse_to_unicode(cmap + b"\n1 beginbfchar <0020> <00C9> endbfchar")
    assert width == 2 and table == {0x10: "a", 0x11: "b", 0x12: "c", 0x20: "É"}
