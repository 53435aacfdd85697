"""« Charges par nature »: charge accounts 60…68, 86 × year (the CERFA's budget), the
structural costs and the full cost, then resources by line (70, 74…, 87)."""

from __future__ import annotations

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from pnae_desktop.domain import budget as dom
from pnae_desktop.exports.workbook.book import Book
from pnae_desktop.exports.workbook.layout import COL_KEY, COL_TYPE, SYNTHESIS, T_CHARGE, T_FIN, account_value, criterion
from pnae_desktop.exports.workbook.sheet import Sheet, quote
from pnae_desktop.exports.workbook.styles import (
    S_CODE,
    S_FORMULA_EURO,
    S_HEADER,
    S_HEADER_LEFT,
    S_SUBTITLE,
    S_TEXT,
    S_TEXT_INDENT,
    S_TITLE,
    S_TOTAL_EURO,
    S_TOTAL_LABEL,
)


class _Table:
    """The sheet's columns (account, label, one per year, total) and its rows."""

    def __init__(self, book: Book, sheet: Sheet):
        self.book, self.sheet = book, sheet
        self.c_code, self.c_label, self.first_year = 3, 4, 5
        self.c_total = self.first_year + book.n
        self.ycol = {y: self.first_year + k for k, y in enumerate(book.years)}
        self.rows = book.nat_rows
        self.row = 5

    def headings(self) -> None:
        """Row 4, repeated on every printed page: what each column holds."""
        sheet, r = self.sheet, 4
        sheet.put(r, self.c_code, "Compte", S_HEADER)
        sheet.put(r, self.c_label, "Libellé", S_HEADER_LEFT)
        for y, col in self.ycol.items():
            sheet.put(r, col, str(y), S_HEADER)
        sheet.put(r, self.c_total, "Total", S_HEADER)

    def header(self, title: str) -> None:
        """A section's title band (a printed block)."""
        self.sheet.band(self.row, self.c_code, self.c_total, title)
        self.row += 1

    def line(
        self,
        r: int,
        key: str,
        code: str,
        label: str,
        formulas: dict[int, str],
        total: bool = False,
        indent: bool = False,
    ) -> None:
        """Row `r`: yearly formulas and their sum (the caller moves `self.row`)."""
        sheet = self.sheet
        sheet.keys(r, key)
        self.rows[key] = r
        label_style = S_TOTAL_LABEL if total else (S_TEXT_INDENT if indent else S_TEXT)
        sheet.put(r, self.c_code, code, S_TOTAL_LABEL if total else S_CODE)
        sheet.put(r, self.c_label, label, label_style)
        style = S_TOTAL_EURO if total else S_FORMULA_EURO
        for y, col in self.ycol.items():
            sheet.formula(r, col, "=" + formulas[y], style)
        sheet.formula(r, self.c_total, f"=SUM({sheet.ref(r, self.first_year)}:{sheet.ref(r, self.c_total - 1)})", style)

    def add(self, key: str, code: str, label: str, formulas: dict[int, str], total: bool = False) -> int:
        """The next row (see `line`); returns it."""
        r = self.row
        self.line(r, key, code, label, formulas, total)
        self.row += 1
        return r

    def resources(self, group: str) -> dict[int, str]:
        """Per year the financing rows of « Par action » whose resource line is `group`."""
        book = self.book
        return {y: book.sumifs(y, (book.n_type, f'"{T_FIN}"'), (book.n_group2, f'"R{group}"')) for y in book.years}

    def sums(self, first: int, last: int) -> dict[int, str]:
        ref = self.sheet.ref
        return {y: f"SUM({ref(first, col)}:{ref(last, col)})" for y, col in self.ycol.items()}


def write_by_nature(book: Book, sheet: Sheet) -> None:
    table = _Table(book, sheet)
    sheet.key_columns(
        (
            (COL_KEY, "clé"),
            (COL_TYPE, "type"),
            (table.c_code, "COMPTE"),
            (table.c_label, "LIBELLE"),
            (table.c_total, "TOTAL"),
        )
    )
    sheet.key_columns((col, f"MONTANT|{y}") for y, col in table.ycol.items())
    sheet.put(2, table.c_code, f"Charges et produits par nature — {book.detail.summary.title}", S_TITLE)
    sheet.put(
        3,
        table.c_code,
        f"{book.detail.organisation.name} — plan comptable des associations "
        "(budget prévisionnel du CERFA de demande de subvention)",
        S_SUBTITLE,
    )
    table.headings()
    _charges(book, table)
    table.row += 1
    _resources(book, table)
    book.nat_cols = table.ycol
    widths: dict[int, float] = {table.c_code: 9, table.c_label: 60, table.c_total: 16}
    widths |= {col: 15 for col in table.ycol.values()}
    book.finish(sheet, widths, f"{get_column_letter(table.first_year)}5", [COL_KEY, COL_TYPE], print_titles="4:4")


def _charges(book: Book, table: _Table) -> None:
    """Charges by account, their total, the structural costs (from « Synthèse ») and the full cost."""
    chart = dom.chart()
    table.header("Charges")
    first = table.row
    for code in chart.charge_codes:
        crit = criterion(account_value(code))
        formulas = {y: book.sumifs(y, (book.n_type, f'"{T_CHARGE}"'), (book.n_account, crit)) for y in book.years}
        table.add(f"NAT|{code}", code, chart.by_code[code].label, formulas)
    direct = table.add("NAT|direct", "", "Total des charges directes", table.sums(first, table.row - 1), total=True)
    syn = book.syn_rows
    shares = sorted({"TOTAL|structshare", "TOTAL|structleft"} & set(syn))
    formulas = {
        y: "+".join(f"{quote(SYNTHESIS)}!{table.sheet.ref(syn[k], book.syn_cols[y])}" for k in shares)
        for y in book.years
    }
    struct = table.add("NAT|struct", "", "Frais de structure (répartis et non répartis)", formulas)
    ref = table.sheet.ref
    formulas = {y: f"{ref(direct, col)}+{ref(struct, col)}" for y, col in table.ycol.items()}
    table.add("NAT|full", "", "Total des charges (coût complet)", formulas, total=True)


def _resources(book: Book, table: _Table) -> None:
    """Resources by line of the chart; an account with sub-lines sums them, in bold."""
    table.header("Produits (ressources)")
    leaves = []
    for account in dom.chart().accounts:
        if account.side != "produit":
            continue
        if not account.sublines:
            leaves.append(table.add(f"RES|{account.code}", account.code, account.label, table.resources(account.code)))
            continue
        parent = table.row
        table.row += 1
        sub_rows = []
        for sub in account.sublines:
            table.line(table.row, f"RES|{sub.code}", "", sub.label, table.resources(sub.code), indent=True)
            sub_rows.append(table.row)
            leaves.append(table.row)
            table.row += 1
        table.line(parent, f"RES|{account.code}", account.code, account.label, table.sums(sub_rows[0], sub_rows[-1]))
        for col in [*table.ycol.values(), table.c_total]:
            table.sheet.ws.cell(row=parent, column=col).font = Font(bold=True)
    ref = table.sheet.ref
    formulas = {y: "+".join(ref(r, col) for r in leaves) or "0" for y, col in table.ycol.items()}
    table.add("RES|total", "", "Total des produits", formulas, total=True)
