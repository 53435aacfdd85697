"""Bar charts of the follow-up documents (reportlab graphics), made to be read in black and white.

Each chart pairs two bars per row: the forecast or target (white, outlined and hatched) above
the realised value (solid dark), each with its value printed at its end, so that a grey or
black-and-white print tells them apart without colour. Row labels wrap whole (nothing is cut)
in a column on the left; a long chart is split into drawings of a few rows each, so that it
can flow over pages.

The charts take plain lists (:class:`BarPair`): they know nothing of PRAEs or budgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Drawing, Group, Line, Path, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit

from pnae_desktop.exports.pdf.styles import FRAME_WIDTH
from pnae_desktop.exports.pdf.text import FONT, FONT_BOLD, font_runs, register_fonts, text_width

LABEL_SIZE = 7.5
LABEL_LEADING = 9
VALUE_SIZE = 7
BAR_HEIGHT = 7.5
BAR_GAP = 1.5
ROW_PAD = 6
LEGEND_HEIGHT = 16
HATCH_STEP = 3.2
MAX_ROWS = 12  # rows per drawing: a drawing never splits, a page holds several

FORECAST_FILL = colors.white
FORECAST_LINE = colors.Color(0.15, 0.15, 0.15)
HATCH = colors.Color(0.45, 0.45, 0.45)
REALISED_FILL = colors.Color(0.2, 0.2, 0.2)  # dark grey: black-and-white print keeps it
AXIS = colors.Color(0.55, 0.55, 0.55)
ABSENT_TEXT = "non renseigné"


@dataclass(frozen=True)
class BarPair:
    """One row of a chart: its label, the forecast (or target) and the realised value as
    numbers for the bars (None: no bar), and as the texts printed beside them."""

    label: str
    forecast: float | None
    realised: float | None
    forecast_text: str
    realised_text: str


def hatched_rect(x: float, y: float, w: float, h: float) -> Group:
    """A white rectangle outlined in black and hatched at 45° in grey, the hatching clipped
    to the rectangle by computation (reportlab graphics have no clipping path) and drawn as
    one path (one node to render, however long the bar)."""
    g = Group()
    g.add(Rect(x, y, w, h, fillColor=FORECAST_FILL, strokeColor=None))
    hatch = Path(strokeColor=HATCH, strokeWidth=0.6, fillColor=None)
    c = -h
    while c < w:
        t0, t1 = max(0.0, -c), min(h, w - c)
        if t1 > t0:
            hatch.moveTo(x + c + t0, y + t0)
            hatch.lineTo(x + c + t1, y + t1)
        c += HATCH_STEP
    g.add(hatch)
    g.add(Rect(x, y, w, h, fillColor=None, strokeColor=FORECAST_LINE, strokeWidth=0.7))
    return g


def add_text(d: Drawing, x: float, y: float, text: str, font: str, size: float) -> None:
    """`text` at (x, y), each run the family cannot draw (a symbol, an emoji) in its fallback
    font, as paragraphs do: never a missing-glyph box."""
    for fallback, run in font_runs(text):
        name = fallback or font
        d.add(String(x, y, run, fontName=name, fontSize=size))
        x += text_width(run, name, size)


def solid_rect(x: float, y: float, w: float, h: float) -> Rect:
    return Rect(x, y, w, h, fillColor=REALISED_FILL, strokeColor=colors.black, strokeWidth=0.5)


def _legend(drawing: Drawing, y: float, names: tuple[str, str]) -> None:
    x = 0.0
    for i, name in enumerate(names):
        swatch = hatched_rect(x, y, 14, BAR_HEIGHT) if i == 0 else solid_rect(x, y, 14, BAR_HEIGHT)
        drawing.add(swatch)
        add_text(drawing, x + 18, y + 1.5, name, FONT, LABEL_SIZE)
        x += 18 + text_width(name, FONT, LABEL_SIZE) + 16


def _row_height(lines: int) -> float:
    return max(lines * LABEL_LEADING, 2 * BAR_HEIGHT + BAR_GAP) + ROW_PAD


def paired_bars(
    rows: Sequence[BarPair],
    *,
    legend: tuple[str, str] = ("Cible", "Réalisé"),
    shared_scale: bool = True,
    width: float = FRAME_WIDTH,
    label_share: float = 0.4,
    max_rows: int = MAX_ROWS,
) -> list[Drawing]:
    """Horizontal paired bars, one row per `rows` item, as drawings of at most `max_rows` rows
    (the first carries the legend). `shared_scale`: one scale for every row (amounts in euros);
    otherwise each row is scaled to its own larger value (indicators of different units)."""
    register_fonts()
    label_w = width * label_share
    value_room = max(
        [text_width(t, FONT_BOLD, VALUE_SIZE) for r in rows for t in (r.forecast_text, r.realised_text)] + [40.0]
    )
    value_room = min(value_room + 6, width * 0.25)
    bar_x = label_w + 6
    bar_w = max(width - bar_x - value_room, 20.0)
    top = max([abs(v) for r in rows for v in (r.forecast, r.realised) if v is not None] + [0.0])
    drawings: list[Drawing] = []
    for start in range(0, max(len(rows), 1), max_rows):
        chunk = rows[start : start + max_rows]
        split = [simpleSplit(r.label, FONT, LABEL_SIZE, label_w) or [""] for r in chunk]
        heights = [_row_height(len(lines)) for lines in split]
        legend_h = LEGEND_HEIGHT if start == 0 else 0
        total_h = sum(heights) + legend_h + 2
        d = Drawing(width, total_h)
        if legend_h:
            _legend(d, total_h - BAR_HEIGHT - 2, legend)
        y = total_h - legend_h
        for row, lines, h in zip(chunk, split, heights):
            y -= h
            scale_top = top if shared_scale else max([abs(v) for v in (row.forecast, row.realised) if v] + [0.0])
            _draw_row(d, row, lines, y, h, bar_x, bar_w, scale_top)
            d.add(Line(0, y, width, y, strokeColor=AXIS, strokeWidth=0.25))
        d.add(Line(bar_x, y, bar_x, total_h - legend_h, strokeColor=AXIS, strokeWidth=0.6))
        drawings.append(d)
    return drawings


def _draw_row(
    d: Drawing,
    row: BarPair,
    lines: list[str],
    y: float,
    h: float,
    bar_x: float,
    bar_w: float,
    scale_top: float,
) -> None:
    text_y = y + h - ROW_PAD / 2 - LABEL_SIZE
    for line in lines:
        add_text(d, 0, text_y, line, FONT, LABEL_SIZE)
        text_y -= LABEL_LEADING
    pair_h = 2 * BAR_HEIGHT + BAR_GAP
    first_y = y + (h - pair_h) / 2 + BAR_HEIGHT + BAR_GAP
    second_y = first_y - BAR_HEIGHT - BAR_GAP
    for value, text, bar_y, is_forecast in (
        (row.forecast, row.forecast_text, first_y, True),
        (row.realised, row.realised_text, second_y, False),
    ):
        if value is None:
            add_text(d, bar_x + 3, bar_y + 1.5, text or ABSENT_TEXT, FONT, VALUE_SIZE)
            continue
        length = bar_w * abs(value) / scale_top if scale_top else 0.0
        if length > 0:
            shape = hatched_rect if is_forecast else solid_rect
            d.add(shape(bar_x, bar_y, length, BAR_HEIGHT))
        font = FONT if is_forecast else FONT_BOLD
        add_text(d, bar_x + length + 3, bar_y + 1.5, text, font, VALUE_SIZE)
