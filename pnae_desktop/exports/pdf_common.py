"""What every PDF export shares: fonts, styles, French typography, the page template (header,
footer with "page X / Y", initials boxes and fingerprint), tables and lists, metadata.

Built on reportlab platypus. Text is laid out in Liberation Sans (SIL OFL, shipped under
``resources/fonts``), registered once and embedded as a subset in every PDF: no standard
(non-embedded) font is ever referenced, so ``pdffonts`` shows every font "emb yes".

Two things reportlab does that the helpers here correct:

- it treats U+202F (narrow no-break space, Babel's thousands separator for French) as a
  breaking space: :func:`french_spacing` turns it into U+00A0 so "1 234,56 €" never breaks;
- the total page count is unknown while pages are drawn: :class:`DecoratedCanvas` keeps each
  page's drawing until the end, then draws header and footer ("page X / Y") on all of them.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from pnae_desktop import APP_NAME, __version__, paths
from pnae_desktop.exports.files import atomic_output as atomic_output  # re-exported for the PDF writers

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


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str | None, *, rich: bool = False) -> str:
    """Plain text → reportlab paragraph markup: French spacing, XML escaped; with `rich`,
    *italic* (the rich-text fields' only inline markup) becomes italic."""
    out = escape(french_spacing(text or ""))
    if rich:
        out = _ITALIC.sub(r"<i>\1</i>", out)
    return out


def plain(text: str | None) -> str:
    """The text as it reads in the PDF (French spacing, no markup): for titles and outlines."""
    return french_spacing(_ITALIC.sub(r"\1", text or ""))


# ------------------------------------------------------------------------------------------
# Styles
# ------------------------------------------------------------------------------------------

NAVY = colors.HexColor("#1d3a5f")
GREY = colors.HexColor("#5a6b80")
LIGHT = colors.HexColor("#dde5ef")
PALE = colors.HexColor("#f1f4f8")
RULE = colors.HexColor("#9aa8b8")
MARK = colors.HexColor("#f6d365")
WATERMARK = colors.HexColor("#c0392b")

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT_MARGIN = 25 * mm  # binding side
RIGHT_MARGIN = 18 * mm
TOP_MARGIN = 22 * mm
BOTTOM_MARGIN = 30 * mm  # footer: fingerprint, initials, page X / Y
FRAME_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - TOP_MARGIN - BOTTOM_MARGIN

BODY_SIZE = 10
CELL_SIZE = 8.5


class Styles:
    """The paragraph styles of the exports (one shared instance: see :func:`styles`)."""

    def __init__(self) -> None:
        register_fonts()
        base = ParagraphStyle(
            "base",
            fontName=FONT,
            fontSize=BODY_SIZE,
            leading=13.5,
            bulletFontName=FONT,
            textColor=colors.black,
            allowWidows=0,
            allowOrphans=0,
        )
        self.base = base
        self.body = ParagraphStyle("body", base, alignment=TA_JUSTIFY, spaceAfter=5)
        self.body_left = ParagraphStyle("body_left", base, spaceAfter=5)
        self.list_text = ParagraphStyle("list_text", base, alignment=TA_JUSTIFY, spaceAfter=2)
        self.small = ParagraphStyle("small", base, fontSize=8.5, leading=11, spaceAfter=3)
        self.note = ParagraphStyle("note", self.small, fontName=FONT_ITALIC, textColor=GREY)
        self.absent = ParagraphStyle("absent", self.body_left, fontName=FONT_ITALIC, textColor=GREY)
        self.center = ParagraphStyle("center", base, alignment=TA_CENTER, spaceAfter=5)
        self.cell = ParagraphStyle("cell", base, fontSize=CELL_SIZE, leading=10.5)
        self.cell_head = ParagraphStyle("cell_head", self.cell, fontName=FONT_BOLD, textColor=NAVY)
        self.part = ParagraphStyle(  # "Préambule", "Annexe I", "Fiche 3"
            "part",
            base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=19,
            textColor=NAVY,
            spaceBefore=4,
            spaceAfter=10,
            keepWithNext=1,
        )
        self.part_sub = ParagraphStyle(
            "part_sub", base, fontName=FONT_ITALIC, textColor=GREY, spaceAfter=10, keepWithNext=1
        )
        self.article = ParagraphStyle(  # "Article 1er – Objet"
            "article",
            base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            textColor=NAVY,
            spaceBefore=12,
            spaceAfter=6,
            keepWithNext=1,
        )
        self.section = ParagraphStyle(  # a fiche's field: white on a navy band
            "section",
            base,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            textColor=colors.white,
            backColor=NAVY,
            borderPadding=(3, 4, 3, 4),
            leftIndent=4,  # the band (text + padding) spans the frame exactly
            rightIndent=4,
            spaceBefore=12,
            spaceAfter=7,
            keepWithNext=1,
        )
        self.subheading = ParagraphStyle(
            "subheading",
            base,
            fontName=FONT_BOLD,
            textColor=NAVY,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.cover_org = ParagraphStyle(
            "cover_org",
            base,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            textColor=GREY,
            alignment=TA_CENTER,
        )
        self.cover_kind = ParagraphStyle(
            "cover_kind",
            base,
            fontName=FONT_BOLD,
            fontSize=24,
            leading=30,
            textColor=NAVY,
            alignment=TA_CENTER,
            spaceAfter=14,
        )
        self.cover_title = ParagraphStyle(
            "cover_title",
            base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=20,
            alignment=TA_CENTER,
            spaceAfter=10,
        )
        self.cover_line = ParagraphStyle(
            "cover_line",
            base,
            fontSize=12,
            leading=16,
            alignment=TA_CENTER,
            spaceAfter=6,
        )
        self.cover_small = ParagraphStyle(
            "cover_small",
            base,
            fontSize=9,
            leading=12,
            textColor=GREY,
            alignment=TA_CENTER,
        )
        self.toc_levels = [
            ParagraphStyle(
                "toc0",
                base,
                fontName=FONT_BOLD,
                fontSize=10.5,
                leading=14,
                leftIndent=0,
                firstLineIndent=0,
                spaceBefore=5,
            ),
            ParagraphStyle(
                "toc1",
                base,
                fontSize=9.5,
                leading=12.5,
                leftIndent=14,
                firstLineIndent=0,
                rightIndent=24,
                spaceBefore=1.5,
            ),
            ParagraphStyle(
                "toc2",
                base,
                fontSize=9,
                leading=11.5,
                leftIndent=28,
                firstLineIndent=0,
                rightIndent=24,
            ),
        ]


@functools.cache
def styles() -> Styles:
    return Styles()


def para(text: str | None, style: ParagraphStyle, *, rich: bool = False) -> Paragraph:
    return Paragraph(markup(text, rich=rich), style)


# ------------------------------------------------------------------------------------------
# Headings that feed the outline (bookmarks) and the table of contents
# ------------------------------------------------------------------------------------------


class Heading(Paragraph):
    """A paragraph announced in the PDF outline and, with `toc_level`, the table of contents."""

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        outline: str | None = None,
        level: int = 0,
        toc_level: int | None = None,
        extra_markup: str = "",
    ) -> None:
        super().__init__(markup(text) + extra_markup, style)
        self.toc_text = plain(outline if outline is not None else text)
        self.outline_title = self.toc_text.replace(NBSP, " ")  # a reader's sidebar, searchable
        self.outline_level = level
        self.toc_level = toc_level


class KeepWithNext(KeepTogether):
    """What reportlab groups for keepWithNext (a heading and what follows): moved to the next
    page when little room is left, split in place when more than a quarter page is left, so
    that a heading never ends a page and a long table never leaves half a page blank."""

    room = FRAME_HEIGHT * 0.25

    def split(self, aW, aH):
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content = self._content[:]
        frame = getattr(self, "_frame", None)
        at_top = getattr(frame, "_atTop", False) if frame is not None else False
        if not at_top and (self._H0 > aH or (self._H > aH and aH < self.room)):
            content.insert(0, self.FrameBreak())
        return content


class ExportDoc(BaseDocTemplate):
    """A4, one frame, the shared margins and metadata; outline and TOC from :class:`Heading`."""

    def __init__(self, filename, meta: PdfMeta, **kw) -> None:
        register_fonts()
        super().__init__(
            str(filename),
            pagesize=A4,
            leftMargin=LEFT_MARGIN,
            rightMargin=RIGHT_MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            creator=meta.creator,
            keywords=list(meta.keywords),
            lang=meta.lang,
            invariant=1 if meta.invariant else 0,
            displayDocTitle=1,
            initialFontName=FONT,  # the canvas preamble would otherwise select Helvetica
            initialFontSize=BODY_SIZE,
            keepTogetherClass=KeepWithNext,
            **kw,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate("body", [frame])])
        self._heading_count = 0
        self._outline_level = -1

    def afterFlowable(self, flowable) -> None:
        if not isinstance(flowable, Heading):
            return
        self._heading_count += 1
        key = f"h{self._heading_count}"
        self.canv.bookmarkPage(key)
        # an outline level can only go one deeper than the previous entry
        level = min(flowable.outline_level, self._outline_level + 1)
        self._outline_level = level
        self.canv.addOutlineEntry(flowable.outline_title, key, level, closed=level > 0)
        if flowable.toc_level is not None:
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, key))

    def handle_documentBegin(self) -> None:  # multiBuild runs it once per pass
        self._heading_count = 0
        self._outline_level = -1
        super().handle_documentBegin()


# ------------------------------------------------------------------------------------------
# Metadata and page decoration
# ------------------------------------------------------------------------------------------


def default_creator() -> str:
    return f"{APP_NAME} {__version__}"


@dataclass(frozen=True)
class PdfMeta:
    """The PDF's document information, and the running header's texts.

    `title` and `author` (the ARML) also head every page; `header_title` replaces `title` there
    when it is long. `invariant` fixes reportlab's creation date and file identifier, so that
    the same content gives the same bytes (for tests and comparisons; the convention's
    signature fields are added by pyHanko, which still stamps its modification date).
    """

    title: str
    author: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    creator: str = field(default_factory=default_creator)
    header_title: str = ""
    lang: str = "fr-FR"
    invariant: bool = False


@dataclass(frozen=True)
class PageDecor:
    """What every page shows besides its content."""

    organisation: str  # header, left: the ARML
    title: str  # header, right: the document
    fingerprint: str = ""  # footer, left: the short fingerprint
    initials: tuple[str, ...] = ()  # footer: one initials box per signatory ("État", "ARML")
    draft: str = ""  # watermark across every page ("PROJET"), empty for none


FOOTER_RULE_Y = 25 * mm
FOOTER_TEXT_Y = 12 * mm
INITIALS_BOX = (17 * mm, 9 * mm)
INITIALS_GAP = 3 * mm
INITIALS_Y = 9 * mm


def decor_for(meta: PdfMeta, *, fingerprint: str = "", initials=(), draft: str = "") -> PageDecor:
    return PageDecor(meta.author, meta.header_title or meta.title, fingerprint, tuple(initials), draft)


def initials_boxes(count: int) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of each initials box, centred between fingerprint and page number."""
    w, h = INITIALS_BOX
    total = count * w + max(count - 1, 0) * INITIALS_GAP
    x0 = LEFT_MARGIN + (FRAME_WIDTH - total) / 2 + 8 * mm
    return [(x0 + i * (w + INITIALS_GAP), INITIALS_Y, w, h) for i in range(count)]


def draw_decor(canv: Canvas, decor: PageDecor, number: int, total: int) -> None:
    """Header, footer and watermark of one page, drawn once the page count is known."""
    canv.saveState()
    right = PAGE_WIDTH - RIGHT_MARGIN
    # header: the ARML, the document
    y = PAGE_HEIGHT - 13 * mm
    half = FRAME_WIDTH / 2 - 4 * mm
    canv.setFillColor(GREY)
    canv.setFont(FONT_BOLD, 8)
    canv.drawString(LEFT_MARGIN, y, fit_text(plain(decor.organisation), half, FONT_BOLD, 8))
    canv.setFont(FONT, 8)
    canv.drawRightString(right, y, fit_text(plain(decor.title), half, FONT, 8))
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
    canv.line(LEFT_MARGIN, y - 2.5 * mm, right, y - 2.5 * mm)
    # footer: rule, fingerprint, initials, page X / Y
    canv.line(LEFT_MARGIN, FOOTER_RULE_Y, right, FOOTER_RULE_Y)
    if decor.fingerprint:
        canv.setFont(FONT, 7)
        canv.drawString(LEFT_MARGIN, FOOTER_TEXT_Y + 3.2 * mm, "Empreinte")
        canv.setFont(FONT_BOLD, 7.5)
        canv.setFillColor(colors.black)
        canv.drawString(LEFT_MARGIN, FOOTER_TEXT_Y, decor.fingerprint)
    if decor.initials:
        boxes = initials_boxes(len(decor.initials))
        canv.setFillColor(GREY)
        canv.setFont(FONT, 6.5)
        canv.drawRightString(boxes[0][0] - 2 * mm, INITIALS_Y + 3.2 * mm, "Paraphes")
        canv.setLineWidth(0.6)
        for (x, by, w, h), label in zip(boxes, decor.initials):
            canv.rect(x, by, w, h, stroke=1, fill=0)
            canv.drawCentredString(x + w / 2, by + h + 1.3 * mm, fit_text(label, w + 4 * mm, FONT, 6.5))
    canv.setFillColor(colors.black)
    canv.setFont(FONT, 9)
    canv.drawRightString(right, FOOTER_TEXT_Y, f"page {number} / {total}")
    if decor.draft:
        canv.setFillColor(WATERMARK)
        canv.setFillAlpha(0.13)
        canv.setFont(FONT_BOLD, 80)
        canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        canv.rotate(50)
        canv.drawCentredString(0, -25, decor.draft)
    canv.restoreState()


class DecoratedCanvas(Canvas):
    """Keeps every page until the end, then draws each one's header and footer knowing the
    page count ("page X / Y"). Use through :func:`canvas_maker`."""

    def __init__(self, *args, decor: PageDecor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._deferred_pages: list[dict] = []

    def showPage(self) -> None:
        self._deferred_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = self._deferred_pages
        for number, state in enumerate(pages, start=1):
            self.__dict__.update(state)
            draw_decor(self, self._decor, number, len(pages))
            Canvas.showPage(self)
        Canvas.save(self)


def canvas_maker(decor: PageDecor):
    return functools.partial(DecoratedCanvas, decor=decor)


# ------------------------------------------------------------------------------------------
# Tables
# ------------------------------------------------------------------------------------------

CELL_PAD = 4  # left and right padding of table cells, points


def _cell_widths(text: str, font: str, size: float) -> tuple[float, float]:
    """(one-line width, longest unbreakable word) of a cell's text."""
    words = re.split(r"[ \t\n]+", text) if text else [""]
    longest = max(text_width(w, font, size) for w in words)
    return text_width(text, font, size), longest


def column_widths(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    width: float,
    size: float = CELL_SIZE,
    bold_rows: Iterable[int] = (),
) -> list[float]:
    """Widths filling `width`: figures never wrap, text columns share what is left."""
    bold_rows = set(bold_rows)
    n = len(header)
    natural, minimum = [0.0] * n, [0.0] * n
    for r, row in enumerate([header, *rows]):
        font = FONT_BOLD if r == 0 or (r - 1) in bold_rows else FONT
        for c, text in enumerate(row[:n]):
            full, word = _cell_widths(french_spacing(str(text)), font, size)
            pad = 2 * CELL_PAD + 1
            if numeric[c] and r > 0:
                word = full  # figures stay on one line
            natural[c] = max(natural[c], full + pad)
            minimum[c] = max(minimum[c], word + pad)
    fixed = [minimum[c] if numeric[c] else 0 for c in range(n)]
    text_cols = [c for c in range(n) if not numeric[c]]
    if not text_cols:
        scale = width / sum(fixed) if sum(fixed) else 1
        return [w * scale for w in fixed]
    # numeric columns: their widest figure (or header word); text columns share the rest
    for c in range(n):
        if numeric[c]:
            fixed[c] = max(minimum[c], min(natural[c], minimum[c] * 1.6))
    left = width - sum(fixed)
    wanted = sum(natural[c] for c in text_cols)
    out = list(fixed)
    if wanted <= left:  # everything fits on one line: stretch text columns to fill
        extra = left - wanted
        for c in text_cols:
            out[c] = natural[c] + extra * natural[c] / wanted if wanted else left / len(text_cols)
        return out
    # short text columns (a name, "PNAE, action 3", "1, 4, 6") keep their one-line width
    # while the long ones still get at least as much; the long ones share the rest in
    # proportion to their natural width, above their minimum
    short_limit = min(110, width * 0.2)
    short = [c for c in text_cols if natural[c] <= short_limit]
    long_ = [c for c in text_cols if c not in short]
    if long_ and sum(natural[c] for c in short) < (left - sum(natural[c] for c in short)) / 2:
        for c in short:
            out[c] = natural[c]
        left -= sum(natural[c] for c in short)
        text_cols, wanted = long_, sum(natural[c] for c in long_)
    for c in text_cols:
        out[c] = max(minimum[c], left * natural[c] / wanted)
    over = sum(out) - width
    if over > 0:  # the minimums pushed past the width: take it back from the widest text columns
        for c in sorted(text_cols, key=lambda c: -out[c]):
            take = min(over, max(out[c] - minimum[c], 0))
            out[c] -= take
            over -= take
    return out


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[bool],
    total_rows: Iterable[int] = (),
    group_rows: Iterable[int] = (),
    width: float = FRAME_WIDTH,
    widths: Sequence[float] | None = None,
    size: float = CELL_SIZE,
) -> Table:
    """A table that splits across pages with its header repeated.

    `rows` are strings; `numeric` says which columns hold figures (right-aligned, never
    wrapped); `total_rows` (indexes in `rows`) are bold on a tinted background with a rule
    above; `group_rows` are one label spanning the whole row (its first cell).
    """
    st = styles()
    total_rows, group_rows = set(total_rows), set(group_rows)
    ncols = len(header)
    if widths is None:
        measured = [i for i in range(len(rows)) if i not in group_rows]
        widths = column_widths(
            header,
            [rows[i] for i in measured],
            numeric,
            width,
            size,
            bold_rows=[k for k, i in enumerate(measured) if i in total_rows],
        )
    cell = ParagraphStyle("c", st.cell, fontSize=size, leading=size + 2)
    bold = ParagraphStyle("cb", cell, fontName=FONT_BOLD)
    head = ParagraphStyle("ch", cell, fontName=FONT_BOLD, textColor=NAVY)
    head_right = ParagraphStyle("chr", head, alignment=TA_RIGHT)
    group = ParagraphStyle("cg", cell, fontName=FONT_BOLD, textColor=NAVY)

    data = [[Paragraph(markup(h), head_right if numeric[c] else head) for c, h in enumerate(header)]]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.6, NAVY),
    ]
    for c, is_number in enumerate(numeric):
        if is_number:
            commands.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
    for i, row in enumerate(rows):
        r = i + 1
        if i in group_rows:
            data.append([Paragraph(markup(str(row[0])), group)] + [""] * (ncols - 1))
            commands += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), PALE)]
            if i + 1 < len(rows):  # a group's label stays with its first row
                commands.append(("NOSPLIT", (0, r), (-1, r + 1)))
            continue
        is_total = i in total_rows
        if is_total and i > 0:  # a total stays with the row above it
            commands.append(("NOSPLIT", (0, r - 1), (-1, r)))
        out = []
        font = FONT_BOLD if is_total else FONT
        for c, text in enumerate(row):
            text = french_spacing(str(text))
            room = widths[c] - 2 * CELL_PAD - 0.5
            if numeric[c] or ("\n" not in text and text_width(text, font, size) <= room):
                out.append(text)  # one line: drawn as a string, much faster than a Paragraph
            else:
                out.append(Paragraph(escape(text), bold if is_total else cell))
        data.append(out)
        if is_total:
            commands += [
                ("FONTNAME", (0, r), (-1, r), FONT_BOLD),
                ("BACKGROUND", (0, r), (-1, r), PALE),
                ("LINEABOVE", (0, r), (-1, r), 0.8, NAVY),
            ]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitByRow=1)
    table.setStyle(TableStyle(commands))
    return table


def key_value_table(
    pairs: Sequence[tuple[str, Flowable | str]],
    *,
    width: float = FRAME_WIDTH,
    label_width: float = 42 * mm,
) -> Table:
    """A two-column box "label | value" (a fiche's identity card)."""
    st = styles()
    data = []
    for label, value in pairs:
        cell = value if isinstance(value, (Flowable, list)) else para(value, st.cell)
        data.append([para(label, st.cell_head), cell])
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), PALE),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
                ("BOX", (0, 0), (-1, -1), 0.6, NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


# ------------------------------------------------------------------------------------------
# Lists
# ------------------------------------------------------------------------------------------

BULLETS = ("–", "•", "◦")


BULLET_GAP = {False: 12, True: 17}  # bullet to text, points: "–" / "12."


@functools.cache
def list_item_style(bullet_at: float = 0, ordered: bool = False, after: bool = False) -> ParagraphStyle:
    """A list item whose bullet hangs at `bullet_at` points from the margin; with `after`, a
    paragraph that follows an item's sub-items, aligned on the item's text."""
    st = styles()
    return ParagraphStyle(
        f"li{bullet_at}{'o' if ordered else 'b'}{'a' if after else ''}",
        st.list_text,
        leftIndent=bullet_at + BULLET_GAP[ordered],
        bulletIndent=bullet_at,
        bulletFontName=FONT_BOLD if ordered else FONT,
        bulletFontSize=st.list_text.fontSize,
        bulletColor=NAVY,
    )


def list_flowables(
    items: Sequence, *, ordered: bool = False, depth: int = 0, rich: bool = False, indent: float = 0
) -> list[Flowable]:
    """A (nested) list as paragraphs with hanging bullets, from items with `.text`,
    `.children`, `.after` and, when numbered, `.number` (the convention's list blocks and
    the rich-text items both fit). Plain paragraphs, unlike reportlab's ListFlowable, split
    between pages anywhere and can be kept with the heading that announces them. Sub-items
    hang their bullet under their parent's text."""
    out: list[Flowable] = []
    style = list_item_style(indent, ordered)
    text_at = indent + BULLET_GAP[ordered]
    for k, item in enumerate(items):
        if ordered:
            number = getattr(item, "number", None)
            bullet = f"{number if number is not None else k + 1}."
        else:
            bullet = BULLETS[min(depth, len(BULLETS) - 1)]
        out.append(Paragraph(markup(item.text, rich=rich), style, bulletText=bullet))
        children = list(getattr(item, "children", ()) or ())
        if children:
            sub_ordered = getattr(children[0], "number", None) is not None
            out += list_flowables(children, ordered=sub_ordered, depth=depth + 1, rich=rich, indent=text_at)
        out += [
            Paragraph(markup(p, rich=rich), list_item_style(indent, ordered, after=True))
            for p in (getattr(item, "after", ()) or ())
        ]
    if depth == 0 and out:
        out.append(Spacer(1, 3))
    return out


def markup_list(lines: Sequence[str]) -> list[Flowable]:
    """A bullet list of lines already in paragraph markup."""
    style = list_item_style(0, False)
    return [Paragraph(line, style, bulletText=BULLETS[0]) for line in lines] + [Spacer(1, 3)]


def keep_intro(flowables: list[Flowable]) -> list[Flowable]:
    """A paragraph ending with ":" stays on the page of what it announces (list or table)."""
    for i, f in enumerate(flowables[:-1]):
        if isinstance(f, Paragraph) and not isinstance(f, Heading) and f.text.rstrip().endswith(":"):
            f.keepWithNext = 1
    return flowables


def write_pdf(doc: ExportDoc, story: list, decor: PageDecor, *, multi: bool = False) -> Path:
    """Build `story` into `doc` with the decorated canvas (several passes when `multi`, for a
    table of contents); return the file's path."""
    maker = canvas_maker(decor)
    if multi:
        doc.multiBuild(story, canvasmaker=maker)
    else:
        doc.build(story, canvasmaker=maker)
    return Path(doc.filename)
