"""A worksheet with the few writing helpers every sheet needs, and the page furniture (column
widths, hidden keys, freeze panes, print setup, header and footer, protection) they share."""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from decimal import Decimal
from typing import Any

from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from pnae_desktop.exports.workbook import page
from pnae_desktop.exports.workbook.layout import COL_KEY, COL_TYPE
from pnae_desktop.exports.workbook.styles import S_BAND, S_FORMULA_EURO, S_TEXT, Style

_UNLOCKED, _LOCKED = Protection(locked=False), Protection(locked=True)


class Sheet:
    """A worksheet plus the few writing helpers every sheet needs (text is never a formula)."""

    def __init__(self, ws: Any, styles: dict[Style, Any]):
        self.ws = ws
        self.title: str = ws.title
        self.styles = styles  # Style → openpyxl StyleArray, shared by the workbook's sheets
        self.block_starts: list[int] = []  # first rows of the blocks printed on one page if they fit

    def band(self, row: int, first_col: int, last_col: int, title: str) -> None:
        """A section's title across the table's columns, starting a printed block."""
        self.put(row, first_col, title, S_BAND)
        for col in range(first_col + 1, last_col + 1):
            self.put(row, col, None, S_BAND)
        merge(self.ws, row, first_col, last_col)
        self.block_starts.append(row)

    def put(self, row: int, col: int, value: object, style: Style = S_TEXT) -> Any:
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            cell.value = value
            if value.startswith("="):  # a typed label: openpyxl would take it for a formula
                cell.data_type = "s"
        elif isinstance(value, Decimal):
            # openpyxl writes numbers as "%.16g" of a float (9616.44 → 9616.440000000001);
            # the exact decimal text goes in the <v> element instead, as a number cell.
            cell.value = format(value, "f")
            cell.data_type = "n"
        elif value is not None:
            cell.value = value
        self._style(cell, style)
        return cell

    def formula(self, row: int, col: int, text: str, style: Style = S_FORMULA_EURO) -> Any:
        assert text.startswith("=")
        cell = self.ws.cell(row=row, column=col)
        cell.value = text
        self._style(cell, style)
        return cell

    def _style(self, cell: Any, style: Style) -> None:
        # Styling through the public attributes hashes every style object on every cell
        # (most of the export time); style one cell per Style through them, then copy its
        # style array, as openpyxl's own worksheet copier does.
        array = self.styles.get(style)
        if array is None:
            if style.font is not S_TEXT.font:
                cell.font = style.font
            if style.fill is not S_TEXT.fill:
                cell.fill = style.fill
            if style.border is not S_TEXT.border:
                cell.border = style.border
            if style.alignment is not S_TEXT.alignment:
                cell.alignment = style.alignment
            if style.number_format != "General":
                cell.number_format = style.number_format
            cell.protection = _LOCKED if style.locked else _UNLOCKED
            self.styles[style] = copy(cell._style)
        else:
            cell._style = copy(array)

    def ref(self, row: int, col: int, absolute: bool = False) -> str:
        return ref(row, col, absolute)

    def keys(self, row: int, row_key: str, row_type: str = "") -> None:
        self.ws.cell(row=row, column=COL_KEY, value=row_key)
        if row_type:
            self.ws.cell(row=row, column=COL_TYPE, value=row_type)

    def key_columns(self, keys: Iterable[tuple[int, str]]) -> None:
        """The hidden row 1: a key per column, read back by the importer and the tests."""
        for col, key in keys:
            self.ws.cell(row=1, column=col, value=key)


def merge(ws: Any, row: int, first_col: int, last_col: int) -> None:
    """Merge columns first…last of `row`. openpyxl's `merge_cells` also turns the covered
    cells into border-copying placeholders (a third of the export time for ~40 merges); the
    covered cells written here are empty, so the range alone is what Excel and Calc need."""
    ws.merged_cells.add(MergedCellRange(ws, f"{ref(row, first_col)}:{ref(row, last_col)}"))


def ref(row: int, col: int, absolute: bool = False) -> str:
    """A1-style reference of a cell ("$F$12" when absolute)."""
    letter = get_column_letter(col)
    return f"${letter}${row}" if absolute else f"{letter}{row}"


def quote(sheet_title: str) -> str:
    return "'" + sheet_title.replace("'", "''") + "'"


def col_range(sheet: str, col: int, first: int, last: int) -> str:
    letter = get_column_letter(col)
    return f"{quote(sheet)}!${letter}${first}:${letter}${last}"


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")


HEADER_MAX = 255  # characters of a header or footer, codes included (Excel's limit)


def _fits_header(text: str) -> bool:
    """Whether `text` fits a header or footer beside the page codes: a longer one is left to
    the sheet's own cells (its title rows), never cut."""
    return len(_header_footer_text(text)) + len("&L&9 &R&9 Page &P / &N") <= HEADER_MAX


def finish(
    sheet: Sheet,
    widths: dict[int, float],
    freeze: str,
    hidden_cols: Iterable[int],
    *,
    organisation: str,
    prae_title: str,
    print_titles: str,
    banner_rows: tuple[int, ...] = (2, 3),
) -> None:
    """Column widths, hidden key row and columns, frozen panes, texts wrapped in rows tall
    enough, A4 landscape print setup with the column headings (`print_titles`, "4:4") on every
    page, blocks kept on one page when they fit, the organisation and PRAE in header and footer
    (when they fit there), and the sheet protected (no password)."""
    ws = sheet.ws
    hidden = set(hidden_cols)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for col in hidden:
        ws.column_dimensions[get_column_letter(col)].hidden = True
    last_col = max(widths)
    for row in banner_rows:  # title rows span the table and wrap instead of running off the page
        first = min((c for (r, c), cell in ws._cells.items() if r == row and cell.value is not None), default=None)
        if first is not None and first < last_col:
            merge(ws, row, first, last_col)
    page.fit_rows(ws, widths, hidden)
    first_title, last_title = (int(part) for part in print_titles.split(":"))
    page.keep_blocks_together(ws, widths, hidden, sheet.block_starts, range(first_title, last_title + 1))
    ws.row_dimensions[1].hidden = True
    ws.freeze_panes = freeze
    ws.sheet_view.zoomScale = 100
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_title_rows = print_titles
    if _fits_header(organisation):
        ws.oddHeader.left.text = _header_footer_text(organisation)
        ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = "&A"
    ws.oddHeader.right.size = 9
    if _fits_header(prae_title):
        ws.oddFooter.left.text = _header_footer_text(prae_title)
        ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "Page &P / &N"
    ws.oddFooter.right.size = 8
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # widths may be adjusted; formulas stay locked
    ws.protection.formatRows = False
