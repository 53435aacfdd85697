"""The document template of the PDF exports: A4, one frame, the shared margins and metadata,
headings that feed the outline (bookmarks) and the table of contents, and the build itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, KeepTogether, PageTemplate, Paragraph

from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, canvas_maker, header_for
from pnae_desktop.exports.pdf.styles import (
    BODY_SIZE,
    BOTTOM_MARGIN,
    FRAME_HEIGHT,
    LEFT_MARGIN,
    RIGHT_MARGIN,
    TOP_MARGIN,
)
from pnae_desktop.exports.pdf.text import FONT, NBSP, escape, markup, plain, register_fonts


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

    def split(self, aW: float, aH: float) -> list[Flowable]:
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

    def __init__(self, filename: Path | str, meta: PdfMeta, **kw: Any) -> None:
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
        self._set_frame()
        self._heading_count = 0
        self._outline_level = -1

    def _set_frame(self) -> None:
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
        self.pageTemplates: list[PageTemplate] = []
        self.addPageTemplates([PageTemplate("body", [frame])])

    def leave_room_for(self, decor: PageDecor) -> None:
        """Lower the body under a running header taller than two lines (a long ARML name)."""
        top = header_for(decor).top_margin
        if top > float(self.topMargin) + 0.01:  # type: ignore[has-type]
            self.topMargin = top
            self._calc()
            self._set_frame()

    def afterFlowable(self, flowable: Flowable) -> None:
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
            # reportlab builds a Paragraph of each entry: its text must be markup, escaped
            self.notify("TOCEntry", (flowable.toc_level, escape(flowable.toc_text), self.page, key))

    def handle_documentBegin(self) -> None:  # multiBuild runs it once per pass
        self._heading_count = 0
        self._outline_level = -1
        super().handle_documentBegin()


def write_pdf(doc: ExportDoc, story: list[Flowable], decor: PageDecor, *, multi: bool = False) -> Path:
    """Build `story` into `doc` with the decorated canvas (several passes when `multi`, for a
    table of contents); return the file's path."""
    doc.leave_room_for(decor)
    maker = canvas_maker(decor)
    if multi:
        doc.multiBuild(story, canvasmaker=maker)
    else:
        doc.build(story, canvasmaker=maker)
    return Path(doc.filename)
