"""Fonts and French typography of the PDF exports.

Text is laid out in Liberation Sans (SIL OFL, shipped under ``resources/fonts``), registered
once and embedded as a subset in every PDF: no standard (non-embedded) font is ever
referenced, so ``pdffonts`` shows every font "emb yes".

reportlab treats U+202F (narrow no-break space, Babel's thousands separator for French) as a
breaking space: :func:`french_spacing` turns it into U+00A0 so "1 234,56 €" never breaks.
"""

from __future__ import annotations

import functools
import importlib.resources
import re

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from pnae_desktop import paths
from pnae_desktop.text import escape_markup, printable

# ------------------------------------------------------------------------------------------
# Fonts
# ------------------------------------------------------------------------------------------

FONT = "PnaeSans"
FONT_BOLD = f"{FONT}-Bold"
FONT_ITALIC = f"{FONT}-Italic"
FONT_BOLD_ITALIC = f"{FONT}-BoldItalic"
FONT_FOLDER = "fonts"
FONT_FILES = {
    FONT: "LiberationSans-Regular.ttf",
    FONT_BOLD: "LiberationSans-Bold.ttf",
    FONT_ITALIC: "LiberationSans-Italic.ttf",
    FONT_BOLD_ITALIC: "LiberationSans-BoldItalic.ttf",
}


@functools.cache
def register_fonts() -> str:
    """Register the shipped family with reportlab (once per process); return its name."""
    folder = paths.resources().joinpath(FONT_FOLDER)
    for name, file in FONT_FILES.items():
        # The whole file is read into memory here: the temporary path of a zipped bundle
        # may disappear once as_file() closes.
        with importlib.resources.as_file(folder.joinpath(file)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)
    return FONT


def text_width(text: str, font: str = FONT, size: float = 10) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def fit_text(text: str, width: float, font: str = FONT, size: float = 8) -> str:
    """`text` shortened with "…" so that it fits in `width` points on one line."""
    if text_width(text, font, size) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + "…", font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


# ------------------------------------------------------------------------------------------
# French typography
# ------------------------------------------------------------------------------------------

NBSP = "\u00a0"
NNBSP = "\u202f"
_SPACE_BEFORE = re.compile(r"[ \u202f\u00a0]+([;:!?»])")
_SPACE_AFTER = re.compile(r"«[ \u202f\u00a0]+")
_UNIT = re.compile(r"(\d)[ \u202f]+(%|€)")
_NUMERO = re.compile(r"\b(n°|N°|art\.|p\.)[ \u202f]+(?=\w)")
_NUMBERED_WORD = re.compile(
    r"\b([Aa]nnexes?|[Aa]rticles?|[Aa]xes?|[Oo]bjectifs?|[Ff]iches?|[Aa]ction)"
    r"[ \u202f]+(?=(?:\d|[IVX]+\b|1er\b))"
)
_ITALIC = re.compile(r"\*([^*\n]+)\*")


@functools.lru_cache(maxsize=8192)  # exports repeat the same amounts and labels
def french_spacing(text: str) -> str:
    """French non-breaking spaces, as reportlab needs them.

    Every U+202F becomes U+00A0 (reportlab would break lines at U+202F and draw it as an
    ordinary space); a plain space before ; : ! ? » or after « becomes U+00A0, and so do the
    spaces between a number and % or €, after "n°" and between "article", "annexe", "axe",
    "objectif", "fiche"… and their number ("article 1er", "annexe II"). Nothing is inserted where the text
    has no space ("http://", "«quoted»" are left as typed).
    """
    if not text:
        return ""
    text = text.replace(NNBSP, NBSP)
    if " " not in text:
        return text
    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    if "«" in text:
        text = _SPACE_AFTER.sub("«" + NBSP, text)
    if "%" in text or "€" in text:
        text = _UNIT.sub(r"\1" + NBSP + r"\2", text)
    text = _NUMBERED_WORD.sub(r"\1" + NBSP, text)
    if "°" in text or "." in text:
        text = _NUMERO.sub(r"\1" + NBSP, text)
    return text


escape = escape_markup  # the shared escaping function, under the name the PDF modules use


def markup(text: str | None, *, rich: bool = False) -> str:
    """Plain text → reportlab paragraph markup: French spacing, XML escaped; with `rich`,
    *italic* (the rich-text fields' only inline markup) becomes italic."""
    out = escape(french_spacing(printable(text or "")))
    if rich:
        out = _ITALIC.sub(r"<i>\1</i>", out)
    return out


def plain(text: str | None) -> str:
    """The text as it reads in the PDF (French spacing, no markup): for titles and outlines."""
    return french_spacing(_ITALIC.sub(r"\1", printable(text or "")))
