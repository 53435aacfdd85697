"""Fonts and French typography of the PDF exports.

Text is laid out in Liberation Sans (SIL OFL, shipped under ``resources/fonts``), registered
once and embedded as a subset in every PDF: no standard (non-embedded) font is ever
referenced, so ``pdffonts`` shows every font "emb yes".

A character Liberation Sans cannot draw (a symbol, an emoji) is drawn by a shipped fallback
font: DejaVu Sans, then a subset of Symbola (see ``resources/fonts/LICENSE-*.txt``).
:func:`escape` wraps each run of such characters in ``<font name=…>`` after escaping it, so
every Paragraph built from data gets the fallback; canvas strings go through Paragraphs too.

reportlab treats U+202F (narrow no-break space, Babel's thousands separator for French) as a
breaking space: :func:`french_spacing` turns it into U+00A0 so "1 234,56 €" never breaks.
"""

from __future__ import annotations

import functools
import importlib.resources
import re

from reportlab.pdfbase import pdfmetrics, ttfonts
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


# Fallback fonts, in order: the first that draws a character the family lacks draws it.
FALLBACK_FILES = {
    f"{FONT}-Symbols": "DejaVuSans.ttf",
    f"{FONT}-Emoji": "Symbola-Subset.ttf",
}
# Formatting characters no font draws (emoji presentation selectors, zero-width joiner):
# left out of the drawn text when the font of their run lacks them, never shown as a box.
INVISIBLE = frozenset("\ufe0e\ufe0f\u200d")


_REPORTLAB_TO_UNICODE = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with each character as UTF-16 hex: reportlab writes a code
    point past U+FFFF (an emoji) as five hex digits, which readers take for another character
    (🙂 U+1F642 was extracted as U+1F64 "ὤ"); a surrogate pair is what the PDF format wants."""
    cmap = _REPORTLAB_TO_UNICODE(fontname, subset)
    if all(code <= 0xFFFF for code in subset):
        return cmap
    for i, code in enumerate(subset):
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{i:02X}> <{code:04X}>", f"<{i:02X}> <{utf16}>", 1)
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # used by reportlab when it embeds each subset


def _register(name: str, file: str) -> None:
    # The whole file is read into memory here: the temporary path of a zipped bundle may
    # disappear once as_file() closes.
    with importlib.resources.as_file(paths.resources().joinpath(FONT_FOLDER, file)) as path:
        pdfmetrics.registerFont(TTFont(name, str(path)))


@functools.cache
def register_fonts() -> str:
    """Register the shipped family with reportlab (once per process); return its name."""
    for name, file in FONT_FILES.items():
        _register(name, file)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC)
    return FONT


@functools.cache
def _family_cover() -> frozenset[int]:
    """The code points every style of the family draws."""
    register_fonts()
    cover = None
    for name in FONT_FILES:
        chars = frozenset(pdfmetrics.getFont(name).face.charToGlyph)  # type: ignore[attr-defined]
        cover = chars if cover is None else cover & chars
    return cover or frozenset()


@functools.cache
def _fallback_cover(name: str) -> frozenset[int]:
    """The code points fallback font `name` draws (registered on first need: start-up)."""
    _register(name, FALLBACK_FILES[name])
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4096)
def _font_of(char: str) -> str | None:
    """None when the family draws `char`, else the first fallback font that does; None too
    when none does (the family's "missing glyph" then shows where it stands)."""
    code = ord(char)
    if code in _family_cover():
        return None
    for name in FALLBACK_FILES:
        if code in _fallback_cover(name):
            return name
    return None


def drawable(text: str) -> bool:
    """True when the family draws every character of `text` (no fallback run needed)."""
    return text.isascii() or _family_cover().issuperset(map(ord, text))


def font_runs(text: str) -> list[tuple[str | None, str]]:
    """`text` cut into runs of one font: (None, run) in the family, (fallback name, run)."""
    if drawable(text):
        return [(None, text)]
    runs: list[tuple[str | None, list[str]]] = []
    for char in text:
        font = _font_of(char)
        if char in INVISIBLE and runs:  # stays with the emoji it modifies
            font = runs[-1][0]
            if ord(char) not in (_family_cover() if font is None else _fallback_cover(font)):
                continue
        if runs and runs[-1][0] == font:
            runs[-1][1].append(char)
        else:
            runs.append((font, [char]))
    return [(font, "".join(chars)) for font, chars in runs]


def escape(text: str) -> str:
    """`text` as Paragraph markup: escaped by the one escaping function, and each run of
    characters the family lacks wrapped in its fallback font."""
    if drawable(text):
        return escape_markup(text)
    return "".join(
        escape_markup(run) if font is None else f'<font name="{font}">{escape_markup(run)}</font>'
        for font, run in font_runs(text)
    )


def text_width(text: str, font: str = FONT, size: float = 10) -> float:
    return pdfmetrics.stringWidth(text, font, size)


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
