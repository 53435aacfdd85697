"""The workbook's cell styles: inputs (pale yellow, unlocked), app parameters (grey, locked),
formulas, totals, headers. A `Style` is hashed by identity: `Sheet` caches one openpyxl style
array per `Style` object."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

# The space before « € » is escaped: a bare space after the digits is, for a French-locale
# LibreOffice, a thousands separator that scales the number by 1000 when it opens and saves the
# file (« 1,35€ » for 1 350,50 €). `#,##0.00\ "€"` is what Excel writes for its French currency
# format, and survives LibreOffice round trips in any locale (tests/test_workbook_french.py).
EURO = '#,##0.00\\ "€"'
EURO_SIGNED = '#,##0.00\\ "€";[Red]\\-#,##0.00\\ "€"'
ETP_FORMAT = "0.00"
PERCENT = "0.00%"

NAVY = "1D3A5F"
_thin = Side(style="thin", color="B7C3D0")
_medium = Side(style="medium", color=NAVY)


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key per style
class Style:
    font: Font = field(default_factory=Font)
    fill: PatternFill = field(default_factory=PatternFill)
    border: Border = field(default_factory=Border)
    alignment: Alignment = field(default_factory=Alignment)
    number_format: str = "General"
    locked: bool = True


def solid_fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


_box = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_total_border = Border(top=_medium, bottom=_thin)
_input_fill, _param_fill, _total_fill = solid_fill("FFF8D6"), solid_fill("EDEDED"), solid_fill("E4EBF3")

S_TITLE = Style(font=Font(bold=True, size=14, color=NAVY))
S_SUBTITLE = Style(font=Font(italic=True, color="404040"))
S_HEADER = Style(
    font=Font(bold=True, color="FFFFFF"),
    fill=solid_fill(NAVY),
    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
)
S_HEADER_LEFT = Style(
    font=Font(bold=True, color="FFFFFF"),
    fill=solid_fill(NAVY),
    alignment=Alignment(horizontal="left", vertical="center", wrap_text=True),
)
S_BLOCK = Style(
    font=Font(bold=True, size=12, color=NAVY),
    fill=solid_fill("C9D7E8"),
    alignment=Alignment(vertical="center"),
)
S_BLOCK_TITLE = Style(
    font=Font(bold=True, size=12, color=NAVY),
    fill=solid_fill("C9D7E8"),
    alignment=Alignment(vertical="center", wrap_text=True),
)
S_BAND = Style(  # a section's title across the table (its columns are headed in row 4)
    font=Font(bold=True, color=NAVY),
    fill=solid_fill("C9D7E8"),
    alignment=Alignment(vertical="center", wrap_text=True),
)
S_SECTION = Style(font=Font(bold=True, italic=True, color=NAVY))
S_NOTE = Style(font=Font(italic=True, size=9, color="595959"))
S_TEXT = Style()
S_TEXT_INDENT = Style(alignment=Alignment(indent=2))
S_TEXT_BOLD = Style(font=Font(bold=True))
S_CODE = Style(alignment=Alignment(horizontal="center"))
S_INPUT_EURO = Style(fill=_input_fill, border=_box, number_format=EURO, locked=False)
S_INPUT_ETP = Style(fill=_input_fill, border=_box, number_format=ETP_FORMAT, locked=False)
S_INPUT_TEXT = Style(fill=_input_fill, border=_box, locked=False)
S_INPUT_CODE = Style(fill=_input_fill, border=_box, alignment=Alignment(horizontal="center"), locked=False)
S_PARAM_EURO = Style(font=Font(italic=True), fill=_param_fill, number_format=EURO)
S_PARAM_PERCENT = Style(
    font=Font(italic=True),
    fill=_param_fill,
    number_format=PERCENT,
    alignment=Alignment(horizontal="center"),
)
S_FORMULA_EURO = Style(number_format=EURO)
S_FORMULA_ETP = Style(number_format=ETP_FORMAT)
S_FORMULA_PERCENT = Style(number_format=PERCENT)
S_TOTAL_LABEL = Style(font=Font(bold=True), fill=_total_fill, border=_total_border)
S_TOTAL_EURO = Style(font=Font(bold=True), fill=_total_fill, border=_total_border, number_format=EURO)
S_TOTAL_SIGNED = Style(font=Font(bold=True), fill=_total_fill, border=_total_border, number_format=EURO_SIGNED)
S_TOTAL_ETP = Style(font=Font(bold=True), fill=_total_fill, border=_total_border, number_format=ETP_FORMAT)
S_TOTAL_PERCENT = Style(font=Font(bold=True), fill=_total_fill, border=_total_border, number_format=PERCENT)
S_CHECK = Style(font=Font(bold=True), number_format=EURO_SIGNED, alignment=Alignment(horizontal="right"))
S_CHECK_PERCENT = Style(
    font=Font(bold=True),
    number_format="+0.00%;[Red]-0.00%",
    alignment=Alignment(horizontal="right"),
)
S_HELPER = Style(font=Font(color="808080", size=8))
