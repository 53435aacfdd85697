"""Tables of the PDF exports: figures that never wrap, text columns sharing the rest, header
repeated on every page, total and group rows; and the "label | value" identity box."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from pnae_desktop.exports.pdf.styles import CELL_SIZE, FRAME_WIDTH, LIGHT, NAVY, PALE, RULE, para, styles
from pnae_desktop.exports.pdf.text import FONT, FONT_BOLD, drawable, escape, french_spacing, markup, text_width

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
    st = styles()  # also registers the fonts that column_widths measures with
    totals, groups = set(total_rows), set(group_rows)
    ncols = len(header)
    if widths is None:
        measured = [i for i in range(len(rows)) if i not in groups]
        widths = column_widths(
            header,
            [rows[i] for i in measured],
            numeric,
            width,
            size,
            bold_rows=[k for k, i in enumerate(measured) if i in totals],
        )
    cell = ParagraphStyle("c", st.cell, fontSize=size, leading=size + 2)
    bold = ParagraphStyle("cb", cell, fontName=FONT_BOLD)
    head = ParagraphStyle("ch", cell, fontName=FONT_BOLD, textColor=NAVY)
    head_right = ParagraphStyle("chr", head, alignment=TA_RIGHT)
    group = ParagraphStyle("cg", cell, fontName=FONT_BOLD, textColor=NAVY)

    data: list[list[Any]] = [[Paragraph(markup(h), head_right if numeric[c] else head) for c, h in enumerate(header)]]
    commands = _table_commands(numeric, size)
    for i, row in enumerate(rows):
        r = i + 1
        if i in groups:
            data.append([Paragraph(markup(str(row[0])), group)] + [""] * (ncols - 1))
            commands += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), PALE)]
            if i + 1 < len(rows):  # a group's label stays with its first row
                commands.append(("NOSPLIT", (0, r), (-1, r + 1)))
            continue
        is_total = i in totals
        if is_total and i > 0:  # a total stays with the row above it
            commands.append(("NOSPLIT", (0, r - 1), (-1, r)))
        data.append(_row_cells(row, numeric, widths, size, bold if is_total else cell))
        if is_total:
            commands += [
                ("FONTNAME", (0, r), (-1, r), FONT_BOLD),
                ("BACKGROUND", (0, r), (-1, r), PALE),
                ("LINEABOVE", (0, r), (-1, r), 0.8, NAVY),
            ]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT", splitByRow=1)
    table.setStyle(TableStyle(commands))
    return table


def _table_commands(numeric: Sequence[bool], size: float) -> list[tuple[Any, ...]]:
    """The style every data table starts from: padding, tinted header, rules, figures right."""
    commands: list[tuple[Any, ...]] = [
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
    return commands


def _row_cells(
    row: Sequence[str], numeric: Sequence[bool], widths: Sequence[float], size: float, style: ParagraphStyle
) -> list[str | Paragraph]:
    """A body row's cells: the text itself when it fits on one line in the family's fonts
    (drawn as a string, much faster than a Paragraph), else a Paragraph in `style` (bold for a
    total row) that wraps it whole, its line breaks kept and its fallback fonts applied."""
    font = style.fontName  # what the table draws a one-line cell in: bold on a total row
    out: list[str | Paragraph] = []
    for c, value in enumerate(row):
        text = french_spacing(str(value))
        room = widths[c] - 2 * CELL_PAD - 0.5
        if numeric[c] or ("\n" not in text and drawable(text) and text_width(text, font, size) <= room):
            out.append(text)
        else:
            out.append(Paragraph("<br/>".join(escape(line) for line in text.split("\n")), style))
    return out


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
