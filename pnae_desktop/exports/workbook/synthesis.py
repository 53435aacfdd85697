"""« Synthèse »: coût complet per CPO axis and objective × year, charges directes / frais de
structure / coût complet, the structural cost lines, financing per funder × year with each
funder's share, and the balance. Every amount is a formula over « Par action » (SUMIFS on its
defined names), except the structural cost lines, which are app values."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName

from pnae_desktop.domain import budget as dom
from pnae_desktop.exports.workbook.book import Book
from pnae_desktop.exports.workbook.layout import (
    COL_KEY,
    COL_TYPE,
    SYNTHESIS,
    T_DIRECT,
    T_FIN,
    T_OBJ,
    T_STRUCT,
    euros,
)
from pnae_desktop.exports.workbook.sheet import Sheet, quote
from pnae_desktop.exports.workbook.styles import (
    S_FORMULA_ETP,
    S_FORMULA_EURO,
    S_FORMULA_PERCENT,
    S_HEADER,
    S_HEADER_LEFT,
    S_PARAM_EURO,
    S_TEXT,
    S_TEXT_BOLD,
    S_TEXT_INDENT,
    S_TOTAL_EURO,
    S_TOTAL_LABEL,
    S_TOTAL_PERCENT,
    S_TOTAL_SIGNED,
    Style,
)


class _Table:
    """The sheet's columns (label, one per year, total, share) and its two kinds of rows."""

    def __init__(self, book: Book, sheet: Sheet):
        self.book, self.sheet = book, sheet
        n = book.n
        self.c_label, self.first_year, self.c_total, self.c_share = 3, 4, 4 + n, 5 + n
        self.ycol = {y: self.first_year + k for k, y in enumerate(book.years)}
        self.rows = book.syn_rows
        self.row = 5

    def headings(self) -> None:
        """Row 4, repeated on every printed page: what each column holds."""
        sheet, r = self.sheet, 4
        sheet.put(r, self.c_label, "Libellé", S_HEADER_LEFT)
        for y, col in self.ycol.items():
            sheet.put(r, col, str(y), S_HEADER)
        sheet.put(r, self.c_total, "Total", S_HEADER)
        sheet.put(r, self.c_share, "Part", S_HEADER)

    def header(self, title: str) -> None:
        """A section's title band; the section runs until the next one (a printed block)."""
        self.sheet.band(self.row, self.c_label, self.c_share, title)
        self.row += 1

    def line(
        self,
        key: str,
        label: str,
        formulas: dict[int, str] | None,
        *,
        total: bool = False,
        style: Style | None = None,
        label_style: Style | None = None,
        values: dict[int, object] | None = None,
    ) -> int:
        """A row of yearly formulas (or app `values`) and their sum; returns its row."""
        sheet, r = self.sheet, self.row
        sheet.keys(r, key)
        self.rows[key] = r
        cell_style = style or (S_TOTAL_EURO if total else S_FORMULA_EURO)
        sheet.put(r, self.c_label, label, label_style or (S_TOTAL_LABEL if total else S_TEXT))
        for y, col in self.ycol.items():
            if values is not None:
                sheet.put(r, col, values[y], S_PARAM_EURO)
            else:
                assert formulas is not None
                sheet.formula(r, col, "=" + formulas[y], cell_style)
        sheet.formula(
            r,
            self.c_total,
            f"=SUM({sheet.ref(r, self.first_year)}:{sheet.ref(r, self.c_total - 1)})",
            cell_style,
        )
        self.row += 1
        return r

    def per_year(self, formula: str) -> dict[int, str]:
        """The same formula text every year ("0")."""
        return dict.fromkeys(self.book.years, formula)

    def sums(self, first: int, last: int) -> dict[int, str]:
        """Per year the sum of rows first…last of the year's column."""
        ref = self.sheet.ref
        return {y: f"SUM({ref(first, col)}:{ref(last, col)})" for y, col in self.ycol.items()}

    def plus(self, rows: list[int]) -> dict[int, str]:
        """Per year the year's cells of `rows` added up."""
        ref = self.sheet.ref
        return {y: "+".join(ref(r, col) for r in rows) for y, col in self.ycol.items()}


def write_synthesis(book: Book, sheet: Sheet) -> None:
    table = _Table(book, sheet)
    sheet.key_columns(
        (
            (COL_KEY, "clé"),
            (COL_TYPE, "type"),
            (table.c_label, "LIBELLE"),
            (table.c_total, "TOTAL"),
            (table.c_share, "PART"),
        )
    )
    sheet.key_columns((col, f"MONTANT|{y}") for y, col in table.ycol.items())
    book.title(sheet, f"Budget prévisionnel — {book.detail.summary.title}")
    table.headings()
    _charges(book, table)
    _axes(book, table)
    _structural_costs(book, table)
    _financing(book, table)
    _balance(book, table)
    book.syn_cols = table.ycol
    book.syn_total_col = table.c_total
    widths: dict[int, float] = {table.c_label: 70, table.c_total: 16, table.c_share: 10}
    widths |= {col: 15 for col in table.ycol.values()}
    book.finish(sheet, widths, f"{get_column_letter(table.first_year)}5", [COL_KEY, COL_TYPE], print_titles="4:4")


def _charges(book: Book, table: _Table) -> None:
    """1. Direct charges, ETP, structural costs shared out (or not) and the full cost."""
    sheet, years = table.sheet, book.years
    table.header("Charges et coût complet")
    direct = table.line(
        "TOTAL|direct",
        "Charges directes des actions",
        {y: book.sumifs(y, (book.n_type, f'"{T_DIRECT}"')) for y in years},
    )
    row = table.row
    sheet.keys(row, "TOTAL|etp")
    table.rows["TOTAL|etp"] = row
    sheet.put(row, table.c_label, "dont personnel (ETP)", S_TEXT_INDENT)
    for y, col in table.ycol.items():
        sheet.formula(row, col, f'=SUMIFS({book.n_etp[y]},{book.n_type},"{T_DIRECT}")', S_FORMULA_ETP)
    table.row += 1
    shared = table.line(
        "TOTAL|structshare",
        "Frais de structure répartis sur les actions",
        {y: book.sumifs(y, (book.n_type, f'"{T_STRUCT}"')) for y in years},
    )
    parts = [direct, shared]
    left = {y: book.t.structural_by_action_year.get((dom.UNASSIGNED, y), 0) for y in years}
    if any(left.values()):
        label = "Frais de structure non répartis (aucune base de répartition)"
        parts.append(table.line("TOTAL|structleft", label, None, values={y: euros(c) for y, c in left.items()}))
    table.line("TOTAL|full", "Coût complet du programme", table.plus(parts), total=True)
    table.row += 1


def _axes(book: Book, table: _Table) -> None:
    """2. The full cost per CPO axis and objective (the objective rows of « Par action »)."""
    years = book.years
    table.header("Coût complet par axe et objectif de la CPO (instruction DGEFP/SDPAE/2017/331)")
    axis_rows = []
    for axis in book.budget.axes:
        title = book.axes.get(axis, "")
        label = f"Axe {axis}" + (f" — {title}" if title else "")
        formulas = {y: book.sumifs(y, (book.n_type, f'"{T_OBJ}"'), (book.n_group2, f'"A{axis}"')) for y in years}
        axis_rows.append(table.line(f"AXIS|{axis}", label, formulas, style=S_TOTAL_EURO, label_style=S_TEXT_BOLD))
        for code in book.budget.objective_codes:
            if dom.axis_of(code) != axis or code == axis:
                continue
            text = book.objectives.get(code, "")
            table.line(
                f"OBJ|{code}",
                f"Objectif {code}" + (f" — {text}" if text else ""),
                {y: book.sumifs(y, (book.n_type, f'"{T_OBJ}"'), (book.n_group, f'"O{code}"')) for y in years},
                label_style=S_TEXT_INDENT,
            )
    full, axes = table.rows["TOTAL|full"], table.plus(axis_rows)
    ref = table.sheet.ref
    none_row = table.line(
        "AXIS|none",
        "Non affecté (action sans objectif CPO)",
        {y: f"{ref(full, col)}-({axes[y]})" for y, col in table.ycol.items()},
    )
    table.line("AXIS|total", "Total (coût complet)", table.plus([*axis_rows, none_row]), total=True)
    table.row += 1


def _structural_costs(book: Book, table: _Table) -> None:
    """3. The structural cost lines (app values, shared out by the allocation key)."""
    table.header("Frais de structure (fonctionnement, siège) — saisis dans l'application")
    struct_lines: dict[str, dict[int, int]] = {}
    for s in book.budget.structural_costs:
        struct_lines.setdefault(s.label, dict.fromkeys(book.years, 0))[s.year] += s.amount_cents
    first_struct = table.row
    for label, values in struct_lines.items():
        table.line(f"STRUCT|{label}", label, None, values={y: euros(c) for y, c in values.items()})
    formulas = table.sums(first_struct, table.row - 1) if struct_lines else table.per_year("0")
    table.line("TOTAL|struct", "Total des frais de structure", formulas, total=True)
    table.row += 1


def _financing(book: Book, table: _Table) -> None:
    """4. Financing per funder, with each funder's share of the resources."""
    sheet, c_share, c_total = table.sheet, table.c_share, table.c_total
    table.header("Financement par financeur")
    first_funder = table.row
    funder_rows = []
    for funder in book.budget.funders:
        formulas = {
            y: book.sumifs(y, (book.n_type, f'"{T_FIN}"'), (book.n_group, f'"F{funder.id}"')) for y in book.years
        }
        funder_rows.append(table.line(f"FUNDER|{funder.id}", funder.name, formulas))
    fin_total = table.row
    for r in funder_rows:
        total = sheet.ref(fin_total, c_total, absolute=True)
        sheet.formula(r, c_share, f"=IF({total}=0,0,{sheet.ref(r, c_total)}/{total})", S_FORMULA_PERCENT)
    formulas = table.sums(first_funder, fin_total - 1) if funder_rows else table.per_year("0")
    row = table.line("TOTAL|fin", "Total des ressources", formulas, total=True)
    sheet.formula(
        row,
        c_share,
        f"=SUM({sheet.ref(first_funder, c_share)}:{sheet.ref(row - 1, c_share)})" if funder_rows else "=0",
        S_TOTAL_PERCENT,
    )
    table.row += 1


def _balance(book: Book, table: _Table) -> None:
    """5. Resources − full cost, and the workbook-wide names of the three grand totals."""
    ref, rows = table.sheet.ref, table.rows
    table.header("Équilibre du budget")
    table.line(
        "TOTAL|balance",
        "Ressources − coût complet (doit être nul)",
        {y: f"{ref(rows['TOTAL|fin'], col)}-{ref(rows['TOTAL|full'], col)}" for y, col in table.ycol.items()},
        total=True,
        style=S_TOTAL_SIGNED,
    )
    for name, key in (
        ("Cout_complet_total", "TOTAL|full"),
        ("Ressources_total", "TOTAL|fin"),
        ("Solde_total", "TOTAL|balance"),
    ):
        book.wb.defined_names[name] = DefinedName(
            name, attr_text=f"{quote(SYNTHESIS)}!{ref(rows[key], table.c_total, True)}"
        )
