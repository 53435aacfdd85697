"""Colours, page geometry and paragraph styles shared by the PDF exports."""

from __future__ import annotations

import functools

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from pnae_desktop.exports.pdf.text import FONT, FONT_BOLD, FONT_ITALIC, markup, register_fonts

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
        self.editor_note = ParagraphStyle(  # the catalogue editors' « Note » on a fiche
            "editor_note",
            self.small,
            textColor=NAVY,
            backColor=colors.HexColor("#fdf3d0"),
            borderPadding=(3, 4, 3, 4),
            leftIndent=4,
            rightIndent=4,
            spaceBefore=4,
            spaceAfter=8,
        )
        self.absent = ParagraphStyle("absent", self.body_left, fontName=FONT_ITALIC, textColor=GREY)
        self.center = ParagraphStyle("center", base, alignment=TA_CENTER, spaceAfter=5)
        self.cell = ParagraphStyle("cell", base, fontSize=CELL_SIZE, leading=10.5)
        self.cell_head = ParagraphStyle("cell_head", self.cell, fontName=FONT_BOLD, textColor=NAVY)
        self._add_heading_styles(base)
        self._add_cover_styles(base)
        self._add_toc_styles(base)

    def _add_heading_styles(self, base: ParagraphStyle) -> None:
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

    def _add_cover_styles(self, base: ParagraphStyle) -> None:
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

    def _add_toc_styles(self, base: ParagraphStyle) -> None:
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
