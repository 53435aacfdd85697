"""How a sheet's rows come out on paper: long texts wrapped in rows tall enough to show them
whole, and manual page breaks so that a block (an action, a year of financing, a section)
starts a new page rather than split when it fits on one.

Neither Excel nor LibreOffice sizes rows or keeps rows together by itself from a file, so both
are estimated from the column widths (in characters of the default font) and written down.
The estimates are conservative: a text may get a line too many, never a line too few; a block
may start a new page a little early, never split when it would have fitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from typing import Any

DEFAULT_WIDTH = 8.43  # Excel's column width when none is set
DEFAULT_HEIGHT = 15.0  # points: a row of 11 pt text
LINE_FACTOR = 1.25  # a line's height / the font size (Calibri 11: 15 pt rows, ~14 pt lines)
# Characters of French text per unit of column width (a unit is the width of a « 0 »):
# about 1.2 in Calibri, a little less in LibreOffice's fallback fonts; bold is wider.
CHARS_PER_UNIT, BOLD_FACTOR = 1.1, 0.9

# A4 landscape as `finish` sets it up: 0.4 in side margins, 0.6 in top and bottom.
PAGE_WIDTH_PT = (11.69 - 2 * 0.4) * 72
PAGE_HEIGHT_PT = (8.27 - 2 * 0.6) * 72 * 0.95  # 5 % spare for the renderer's rounding


def text_lines(text: str, per_line: int) -> int:
    """Lines `text` takes when wrapped at word boundaries every `per_line` characters."""
    per_line = max(per_line, 1)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                lines += 1
                used = 0
            used = used + 1 + size if used else size
            while used > per_line:  # a word longer than a line breaks anywhere
                lines += 1
                used -= per_line
    return lines


def _width_of(widths: dict[int, float], hidden: set[int], col: int) -> float:
    return 0.0 if col in hidden else widths.get(col, DEFAULT_WIDTH)


def fit_rows(ws: Any, widths: dict[int, float], hidden: set[int]) -> None:
    """Wrap every text that does not fit its cell (or its merged cells) and make its row tall
    enough for all its lines."""
    spans: dict[tuple[int, int], float] = {}
    covered: set[tuple[int, int]] = set()
    for merged in ws.merged_cells.ranges:
        cols = range(merged.min_col, merged.max_col + 1)
        spans[(merged.min_row, merged.min_col)] = sum(_width_of(widths, hidden, c) for c in cols)
        covered |= {(merged.min_row, c) for c in cols[1:]}
    heights: dict[int, float] = {}
    for (row, col), cell in ws._cells.items():
        value = cell.value
        if row == 1 or not isinstance(value, str) or not value or cell.data_type == "f":
            continue
        width = spans.get((row, col)) or _width_of(widths, hidden, col)
        if width == 0 or (row, col) in covered:
            continue
        alignment = cell.alignment
        if len(value) <= width * BOLD_FACTOR * 0.8 and not alignment.wrap_text:
            continue  # short enough whatever the font: nothing to measure
        font = cell.font
        size = float(font.sz or 11)
        per_unit = CHARS_PER_UNIT * (BOLD_FACTOR if font.b else 1.0) * 11 / size
        per_line = int(width * per_unit - 2 * (alignment.indent or 0) - 1)
        lines = text_lines(value, per_line)
        if lines > 1 and not alignment.wrap_text:
            wrapped = copy(alignment)
            wrapped.wrap_text = True
            cell.alignment = wrapped
        if lines > 1 or alignment.wrap_text:
            heights[row] = max(heights.get(row, 0.0), lines * size * LINE_FACTOR + 3)
    for row, height in heights.items():
        current = ws.row_dimensions[row].height or DEFAULT_HEIGHT
        if height > current:
            ws.row_dimensions[row].height = round(height, 1)


def _scale(widths: dict[int, float], hidden: set[int], last_col: int) -> float:
    """The fit-to-width scale of the printed page (1 when the columns fit)."""
    points = sum((_width_of(widths, hidden, c) * 7 + 5) * 0.75 for c in range(1, last_col + 1) if c not in hidden)
    return min(1.0, PAGE_WIDTH_PT / points) if points else 1.0


def keep_blocks_together(
    ws: Any, widths: dict[int, float], hidden: set[int], starts: list[int], title_rows: Iterable[int]
) -> None:
    """Manual row breaks: a block (from one of `starts` to the next) that does not fit in what
    is left of the page starts the next one, under the repeated `title_rows`."""
    from openpyxl.worksheet.pagebreak import Break  # only here: the rest is plain arithmetic

    if not starts:
        return
    scale = _scale(widths, hidden, max(widths))

    def height(row: int) -> float:
        dimension = ws.row_dimensions.get(row) if row in ws.row_dimensions else None
        if dimension is not None and dimension.hidden:
            return 0.0
        return (dimension.height if dimension is not None and dimension.height else DEFAULT_HEIGHT) * scale

    full = PAGE_HEIGHT_PT
    titles = sum(height(r) for r in title_rows)
    used = sum(height(r) for r in range(2, starts[0]))
    capacity = full
    ends = [s - 1 for s in starts[1:]] + [ws.max_row]
    for start, end in zip(starts, ends):
        block = sum(height(r) for r in range(start, end + 1))
        fits_a_page = titles + block <= full  # a longer block splits anyway: no page lost for it
        if fits_a_page and used + block > capacity and used > titles and start != starts[0]:
            ws.row_breaks.append(Break(id=start - 1))
            used, capacity = titles, full
        used += block
        while used > capacity:  # a block taller than a page runs on over the next ones
            used -= capacity - titles
            capacity = full
