"""Reading back what a convention PDF prints about itself: the SHA-256 fingerprint of its text
(title page and signature page, in full; its first 12 characters in every page's footer) and
the fingerprint of its annexes. Used to tell which version of a PRAE a returned PDF is.

Bytes in, marks out: nothing here touches the store. pypdf is imported on use.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

from pnae_desktop.errors import UserError
from pnae_desktop.exports.pdf import shown_text

SHORT = 12
_TEXT_FP = re.compile(r"Empreinte (?:numérique )?du texte de la convention \(SHA-256\)\s*:\s*([0-9a-f\s]{64,80})")
_ANNEX_FP = re.compile(r"Empreinte numérique du contenu des annexes I à III \(SHA-256\)\s*:\s*([0-9a-f\s]{64,80})")
_AVENANT = re.compile(r"Avenant n°\s*(\d+)")
_AVENANT_FP = re.compile(r"Empreinte du texte de l'avenant \(SHA-256\)\s*:\s*([0-9a-f\s]{64,80})")


class UnreadablePdf(UserError):
    """Bytes that are not a PDF one can read (truncated, damaged, encrypted, another format)."""


@dataclass(frozen=True)
class ConventionMarks:
    fingerprint: str | None  # the convention text's, as printed in full
    annex_fingerprint: str | None
    page_count: int
    pages_with_short: int  # pages whose footer shows the fingerprint's first 12 characters
    avenant_number: int | None  # "Avenant n° N" on the first page: an avenant, not the convention
    avenant_fingerprint: str | None = None  # an avenant's own text fingerprint, printed in full

    @property
    def on_every_page(self) -> bool:
        """The fingerprint printed in full (the convention's, or the avenant's) is in every footer."""
        printed = self.fingerprint or self.avenant_fingerprint
        return printed is not None and self.pages_with_short == self.page_count


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hex(found: re.Match[str] | None) -> str | None:
    if found is None:
        return None
    digits = re.sub(r"\s+", "", found.group(1))[:64]
    return digits if len(digits) == 64 else None


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page; UnreadablePdf when the bytes are not a readable PDF."""
    return [_page_text(page) for page in _pages(pdf)]


def _pages(pdf: bytes) -> list[Any]:
    """The PDF's pages (pypdf); UnreadablePdf when the bytes are not a readable PDF."""
    # start-up: pypdf only when a PDF is read back
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not pdf.startswith(b"%PDF-"):
        raise UnreadablePdf("le fichier n'est pas un PDF (il ne commence pas par « %PDF- »)")
    if b"%%EOF" not in pdf[-2048:]:
        raise UnreadablePdf("le PDF est tronqué (sa fin « %%EOF » manque)")
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise UnreadablePdf("le PDF est chiffré")
        pages = list(reader.pages)
    except UnreadablePdf:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise UnreadablePdf(f"le PDF est illisible ou endommagé ({type(exc).__name__})") from None
    return pages


def _page_text(page: object) -> str:
    """A page's text; "" when its content cannot be decoded (a damaged stream: that page then
    shows no fingerprint, which the callers report)."""
    from pypdf.errors import PyPdfError  # start-up: pypdf only when a PDF is read back

    try:
        return page.extract_text() or ""  # type: ignore[attr-defined]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, Exception):  # noqa: BLE001
        return ""


def _shown(page: object, cache: dict[int, Any]) -> str:
    """The strings the page's content stream shows (exports.pdf.shown_text, ~1 ms a page);
    "" when the stream cannot be read that way (the caller then asks pypdf)."""
    try:
        return shown_text.shown_text(page, cache)
    except Exception:  # noqa: BLE001 — any damage only sends the page to pypdf's slower reading
        return ""


def read_marks(pdf: bytes) -> ConventionMarks:
    """The marks a convention prints. Each page's text is first read from its content stream's
    text-show operators (shown_text); a page where that finds no fingerprint is read again by
    pypdf's layout-aware extraction (~45 ms a page), so a PDF written by another tool is judged
    as before. Without the convention's fingerprint on the title page (another document, an
    avenant) the other pages are not read."""
    pages = _pages(pdf)
    cache: dict[int, Any] = {}
    first_text = _shown(pages[0], cache) if pages else ""
    if _hex(_TEXT_FP.search(first_text)) is None and _AVENANT.search(first_text) is None:
        first_text = _page_text(pages[0]) if pages else ""
    if _hex(_TEXT_FP.search(first_text)) is None:
        avenant = _AVENANT.search(first_text)
        if avenant is None:
            return ConventionMarks(None, None, len(pages), 0, None)
        return _avenant_marks(pages, first_text, int(avenant.group(1)), cache)
    texts = [first_text, *(_shown(p, cache) for p in pages[1:])]
    whole = "\n".join(texts)
    fingerprint = _hex(_TEXT_FP.search(whole))
    annex_fp = _hex(_ANNEX_FP.search(whole))
    if fingerprint is None or (annex_fp is None and "annexes I à III" in whole):
        texts = [first_text, *(_page_text(p) for p in pages[1:])]  # another tool's PDF: pypdf
        whole = "\n".join(texts)
        fingerprint = _hex(_TEXT_FP.search(whole))
        annex_fp = _hex(_ANNEX_FP.search(whole))
    short = fingerprint[:SHORT] if fingerprint else None
    avenant = _AVENANT.search(first_text)
    return ConventionMarks(
        fingerprint=fingerprint,
        annex_fingerprint=annex_fp,
        page_count=len(texts),
        pages_with_short=sum(1 for p, t in zip(pages, texts) if short and (short in t or short in _page_text(p))),
        avenant_number=int(avenant.group(1)) if avenant else None,
    )


def _avenant_marks(pages: list[Any], first_text: str, number: int, cache: dict[int, Any]) -> ConventionMarks:
    """An avenant's marks: its own fingerprint in full on its title page, its first 12
    characters in every footer."""
    fingerprint = _hex(_AVENANT_FP.search(first_text))
    if fingerprint is None:
        first_text = _page_text(pages[0])
        fingerprint = _hex(_AVENANT_FP.search(first_text))
    short = fingerprint[:SHORT] if fingerprint else None
    texts = [first_text, *(_shown(p, cache) for p in pages[1:])]
    with_short = sum(1 for p, t in zip(pages, texts) if short and (short in t or short in _page_text(p)))
    return ConventionMarks(None, None, len(pages), with_short, number, avenant_fingerprint=fingerprint)
