"""« Financements »: one block per year, then all years: funder rows × (acquis, sollicité,
à solliciter, total), summed from « Par action » by the status typed next to each amount."""

from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName

from pnae_desktop.exports.workbook.book import Book
from pnae_desktop.exports.workbook.layout import (
    BY_ACTION,
    COL_KEY,
    COL_TYPE,
    FIRST_BLOCK_ROW,
    STATUS_LABELS,
    T_FIN,
    year_cols,
)
from pnae_desktop.exports.workbook.sheet import Sheet, col_range
from pnae_desktop.exports.workbook.styles import (
    S_FORMULA_EURO,
    S_HEADER,
    S_HEADER_LEFT,
    S_SUBTITLE,
    S_TEXT_INDENT,
    S_TITLE,
    S_TOTAL_EURO,
    S_TOTAL_LABEL,
)

C_LABEL, FIRST_COL = 3, 4


def write_financing(book: Book, sheet: Sheet) -> None:
    """One block per year, then all years: funder rows × (acquis, sollicité, à solliciter, total)."""
    statuses: list[str | None] = [*STATUS_LABELS, None]  # None: total
    cols = {st: FIRST_COL + i for i, st in enumerate(statuses)}
    book.fin_cols = cols
    sheet.key_columns(((COL_KEY, "clé"), (COL_TYPE, "type"), (C_LABEL, "FINANCEUR")))
    sheet.key_columns((col, st or "TOTAL") for st, col in cols.items())
    title = f"Financements par financeur, année et statut — {book.detail.summary.title}"
    sheet.put(2, C_LABEL, title, S_TITLE)
    s = book.detail.summary
    sheet.put(3, C_LABEL, f"{book.detail.organisation.name} — période {s.start_year}–{s.end_year}", S_SUBTITLE)
    sheet.put(4, C_LABEL, "Financeur", S_HEADER_LEFT)  # repeated on every printed page
    for st, col in cols.items():
        sheet.put(4, col, STATUS_LABELS[st] if st else "Total", S_HEADER)
    status_names = _status_names(book)
    row = 5
    for y in [*book.years, None]:
        row = _year_block(book, sheet, y, status_names, row) + 1
    widths: dict[int, float] = {C_LABEL: 48}
    widths |= {col: 16 for col in cols.values()}
    book.finish(sheet, widths, "A5", [COL_KEY, COL_TYPE], print_titles="4:4")


def _status_names(book: Book) -> dict[int, str]:
    """A defined name per year over the status column of « Par action »."""
    names = {}
    last = max(book.last_row, FIRST_BLOCK_ROW)
    for k, y in enumerate(book.years):
        names[y] = name = f"PA_Statut_{y}"
        book.wb.defined_names[name] = DefinedName(
            name, attr_text=col_range(BY_ACTION, year_cols(k)[0], FIRST_BLOCK_ROW, last)
        )
    return names


def _year_block(book: Book, sheet: Sheet, y: int | None, status_names: dict[int, str], row: int) -> int:
    """Year `y`'s block (None: all years, adding up the yearly blocks); returns its total row."""
    cols = book.fin_cols
    sheet.band(row, C_LABEL, max(cols.values()), f"Année {y}" if y else "Toutes années")
    row += 1
    first_row = row
    for funder in book.budget.funders:
        key = f"FUNDER|{funder.id}|{y or 'TOUS'}"
        sheet.keys(row, key)
        book.fin_rows[key] = row
        sheet.put(row, C_LABEL, funder.name, S_TEXT_INDENT)
        crit = [(book.n_type, f'"{T_FIN}"'), (book.n_group, f'"F{funder.id}"')]
        for st, col in cols.items():
            if y is None:  # all years: the yearly blocks' cells
                text = "=" + "+".join(sheet.ref(book.fin_rows[f"FUNDER|{funder.id}|{yy}"], col) for yy in book.years)
            elif st is None:  # the funder's total, whatever the status says
                text = "=" + book.sumifs(y, *crit)
            else:
                text = "=" + book.sumifs(y, *crit, (status_names[y], f'"{STATUS_LABELS[st]}"'))
            sheet.formula(row, col, text, S_FORMULA_EURO)
        row += 1
    key = f"TOTAL|{y or 'TOUS'}"
    sheet.keys(row, key)
    book.fin_rows[key] = row
    sheet.put(row, C_LABEL, "Total" + (f" {y}" if y else " toutes années"), S_TOTAL_LABEL)
    for col in cols.values():
        text = f"=SUM({sheet.ref(first_row, col)}:{sheet.ref(row - 1, col)})" if row > first_row else "=0"
        sheet.formula(row, col, text, S_TOTAL_EURO)
    return row + 1
