"""Lists of the PDF exports: paragraphs with hanging bullets ("–", "•", "◦") or numbers,
nested, that split between pages anywhere and stay with the paragraph that announces them."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Protocol

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Spacer

from pnae_desktop.exports.pdf.document import Heading
from pnae_desktop.exports.pdf.styles import NAVY, styles
from pnae_desktop.exports.pdf.text import FONT, FONT_BOLD, markup

BULLETS = ("–", "•", "◦")
BULLET_GAP = {False: 12, True: 17}  # bullet to text, points: "–" / "12."


class ListItem(Protocol):
    """What a list item offers: its text; optionally `.children`, `.after` (paragraphs after
    the children) and `.number`, read with getattr (the convention's and rich text's items)."""

    @property
    def text(self) -> str: ...


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
    items: Sequence[ListItem], *, ordered: bool = False, depth: int = 0, rich: bool = False, indent: float = 0
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
