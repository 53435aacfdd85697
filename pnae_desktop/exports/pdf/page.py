"""The PDF's document information and what every page shows besides its content: header,
footer with "page X / Y", initials boxes, the fingerprint and the draft watermark.

The total page count is unknown while pages are drawn: :class:`DecoratedCanvas` keeps each
page's drawing until the end, then draws header and footer ("page X / Y") on all of them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from pnae_desktop import APP_NAME, __version__
from pnae_desktop.exports.pdf.styles import (
    FRAME_WIDTH,
    GREY,
    LEFT_MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RIGHT_MARGIN,
    RULE,
    TOP_MARGIN,
    WATERMARK,
)
from pnae_desktop.exports.pdf.text import FONT, FONT_BOLD, escape, plain, register_fonts, text_width


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


HEADER_TOP = PAGE_HEIGHT - 7 * mm  # the header's first line never starts higher
HEADER_RULE_Y = PAGE_HEIGHT - 15.5 * mm  # the rule under a header of one or two lines
HEADER_GAP = 1.3 * mm  # between the header's last line and its rule
BODY_GAP = TOP_MARGIN - 15.5 * mm  # between the header's rule and the text
HEADER_SIZES = (8, 7.5, 7)  # the header shrinks down to 7 pt before taking a third line
FOOTER_RULE_Y = 25 * mm
FOOTER_TEXT_Y = 12 * mm
INITIALS_BOX = (17 * mm, 9 * mm)
INITIALS_GAP = 3 * mm
INITIALS_Y = 9 * mm


def decor_for(meta: PdfMeta, *, fingerprint: str = "", initials: Iterable[str] = (), draft: str = "") -> PageDecor:
    return PageDecor(meta.author, meta.header_title or meta.title, fingerprint, tuple(initials), draft)


@dataclass(frozen=True)
class Header:
    """The running header laid out once per document: the ARML (left, bold) and the document
    (right), each whole on as many lines as it needs, its rule and the body's top margin."""

    left: Paragraph
    right: Paragraph
    right_width: float
    height: float  # of the taller side

    @property
    def rule_y(self) -> float:
        return min(HEADER_RULE_Y, HEADER_TOP - self.height - HEADER_GAP)

    @property
    def top_margin(self) -> float:
        """The body frame's top margin: the shared one, or lower under a header of 3+ lines."""
        return PAGE_HEIGHT - self.rule_y + BODY_GAP

    def draw(self, canv: Canvas) -> None:
        y = self.rule_y + HEADER_GAP
        self.left.drawOn(canv, LEFT_MARGIN, y)
        self.right.drawOn(canv, PAGE_WIDTH - RIGHT_MARGIN - self.right_width, y)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(LEFT_MARGIN, self.rule_y, PAGE_WIDTH - RIGHT_MARGIN, self.rule_y)


def header_for(decor: PageDecor) -> Header:
    """The header whole: at 8 pt when each side fits on two lines, else the largest size down
    to 7 pt where it does, else 7 pt on as many lines as needed (the body then starts lower).
    The document's title takes at most half the width; the ARML has the rest."""
    register_fonts()
    gap = 8 * mm
    org, title = plain(decor.organisation), plain(decor.title)
    for size in HEADER_SIZES:
        left_style = ParagraphStyle("hl", fontName=FONT_BOLD, fontSize=size, leading=size + 1.2, textColor=GREY)
        right_style = ParagraphStyle("hr", left_style, fontName=FONT, alignment=TA_RIGHT)
        right_width = min(text_width(title, FONT, size) + 1, (FRAME_WIDTH - gap) / 2)
        left_width = FRAME_WIDTH - gap - right_width
        left, right = Paragraph(escape(org), left_style), Paragraph(escape(title), right_style)
        heights = (left.wrap(left_width, PAGE_HEIGHT)[1], right.wrap(right_width, PAGE_HEIGHT)[1])
        if max(heights) <= 2 * (size + 1.2) + 0.1:
            break
    return Header(left, right, right_width, max(heights))


def _fitted(canv: Canvas, label: str, width: float, size: float) -> None:
    """`label` set in the largest font size down to 5 pt where it fits `width`, whole."""
    while size > 5 and text_width(label, FONT, size) > width:
        size -= 0.5
    canv.setFont(FONT, size)


def initials_boxes(count: int) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of each initials box, centred between fingerprint and page number."""
    w, h = INITIALS_BOX
    total = count * w + max(count - 1, 0) * INITIALS_GAP
    x0 = LEFT_MARGIN + (FRAME_WIDTH - total) / 2 + 8 * mm
    return [(x0 + i * (w + INITIALS_GAP), INITIALS_Y, w, h) for i in range(count)]


HEADER_FORM = "PnaeRunningHeader"


def draw_decor(canv: Canvas, decor: PageDecor, number: int, total: int, header_form: str | None = None) -> None:
    """Header, footer and watermark of one page, drawn once the page count is known; the
    header laid out here, or drawn from `header_form` (the same on every page, laid out once)."""
    canv.saveState()
    right = PAGE_WIDTH - RIGHT_MARGIN
    if header_form is not None:  # the ARML, the document
        canv.doForm(header_form)
    else:
        header_for(decor).draw(canv)
    canv.setStrokeColor(RULE)
    canv.setLineWidth(0.5)
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
            _fitted(canv, label, w + INITIALS_GAP, 6.5)
            canv.drawCentredString(x + w / 2, by + h + 1.3 * mm, label)
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

    def __init__(self, *args: Any, decor: PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._header = header_for(decor)
        self._deferred_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._deferred_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = self._deferred_pages
        if pages:  # the header, laid out and drawn once, then placed on every page (speed, size)
            self.__dict__.update(pages[0])
            self.beginForm(HEADER_FORM)
            self._header.draw(self)
            self.endForm()
        for number, state in enumerate(pages, start=1):
            self.__dict__.update(state)
            draw_decor(self, self._decor, number, len(pages), HEADER_FORM)
            Canvas.showPage(self)
        Canvas.save(self)


def canvas_maker(decor: PageDecor) -> Callable[..., DecoratedCanvas]:
    """The `canvasmaker` reportlab's build takes: a :class:`DecoratedCanvas` drawing `decor`."""
    return functools.partial(DecoratedCanvas, decor=decor)
