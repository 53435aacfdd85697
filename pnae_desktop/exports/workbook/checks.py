"""« Contrôles »: every balance of the workbook as a formula returning « OK » or the gap,
green or red by conditional formatting."""

from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from pnae_desktop.exports.workbook.book import Book
from pnae_desktop.exports.workbook.layout import (
    BY_ACTION,
    BY_NATURE,
    COL_ACCOUNT,
    COL_KEY,
    COL_TYPE,
    FINANCING,
    STATUS_LABELS,
    SYNTHESIS,
    year_cols,
)
from pnae_desktop.exports.workbook.sheet import Sheet, quote, ref
from pnae_desktop.exports.workbook.styles import (
    S_CHECK,
    S_CHECK_PERCENT,
    S_HEADER,
    S_HEADER_LEFT,
    S_SUBTITLE,
    S_TEXT_INDENT,
    S_TITLE,
    Style,
)

C_LABEL, C_RESULT = 3, 4


class _Checks:
    """The check rows written so far, and references into the other sheets."""

    def __init__(self, book: Book, sheet: Sheet):
        self.book, self.sheet = book, sheet
        self.row = 5
        self.check_rows: list[int] = []

    def header(self, title: str) -> None:
        """A section's title band (a printed block; the columns are headed in row 4)."""
        self.sheet.band(self.row, C_LABEL, C_RESULT, title)
        self.row += 1

    def check(self, key: str, label: str, left: str, right: str, digits: int = 2, style: Style = S_CHECK) -> None:
        """« OK » when `left` − (`right`) rounds to zero, else the gap."""
        sheet, row = self.sheet, self.row
        sheet.keys(row, key)
        sheet.put(row, C_LABEL, label, S_TEXT_INDENT)
        gap = f"{left}-({right})"
        sheet.formula(row, C_RESULT, f'=IF(ROUND({gap},{digits})=0,"OK",{gap})', style)
        self.check_rows.append(row)
        self.row += 1

    def syn(self, key: str, y: int) -> str:
        return f"{quote(SYNTHESIS)}!{ref(self.book.syn_rows[key], self.book.syn_cols[y])}"

    def syn_total(self, key: str) -> str:
        return f"{quote(SYNTHESIS)}!{ref(self.book.syn_rows[key], self.book.syn_total_col)}"


def _pa(r: int, c: int) -> str:
    return f"{quote(BY_ACTION)}!{get_column_letter(c)}{r}"


def write_checks(book: Book, sheet: Sheet) -> None:
    sheet.key_columns(((COL_KEY, "clé"), (C_LABEL, "CONTROLE"), (C_RESULT, "RESULTAT")))
    sheet.put(2, C_LABEL, f"Contrôles — {book.detail.summary.title}", S_TITLE)
    subtitle = f"{book.detail.organisation.name} — chaque ligne affiche « OK » ou l'écart à corriger (en euros)."
    sheet.put(3, C_LABEL, subtitle, S_SUBTITLE)
    sheet.put(4, C_LABEL, "Contrôle", S_HEADER_LEFT)  # repeated on every printed page
    sheet.put(4, C_RESULT, "Résultat", S_HEADER)
    checks = _Checks(book, sheet)
    _balances(book, checks)
    checks.row += 1
    _actions(book, checks)
    checks.row += 1
    _tables(book, checks)
    _colours(sheet, checks.check_rows)
    book.finish(sheet, {C_LABEL: 95, C_RESULT: 18}, "A5", [COL_KEY, COL_TYPE], print_titles="4:4")


def _balances(book: Book, checks: _Checks) -> None:
    checks.header("Équilibre global : total des charges = total des ressources")
    for y in book.years:
        label = f"Année {y} : ressources = coût complet"
        checks.check(f"CHK|total|{y}", label, checks.syn("TOTAL|fin", y), checks.syn("TOTAL|full", y))
    label = "Toutes années : ressources = coût complet"
    checks.check("CHK|total|all", label, checks.syn_total("TOTAL|fin"), checks.syn_total("TOTAL|full"))


def _actions(book: Book, checks: _Checks) -> None:
    checks.header("Équilibre de chaque action et de chaque année")
    for a in book.actions:
        for k, y in enumerate(book.years):
            c_amt = year_cols(k)[2]
            checks.check(
                f"CHK|bal|{a.info.action_id}|{y}",
                f"Action {a.number} — {a.info.title} — {y}",
                _pa(a.fin_total_row, c_amt),
                _pa(a.full_row, c_amt),
            )


def _tables(book: Book, checks: _Checks) -> None:
    """The sheets agree with each other; each action's objective shares sum to 100 %."""
    checks.header("Cohérence des tableaux")
    for y in book.years:
        _tables_year(book, checks, y)
    for a in book.actions:
        if len(a.objective_rows) > 1:
            shares = f"SUM({_pa(a.objective_rows[0], COL_ACCOUNT)}:{_pa(a.objective_rows[-1], COL_ACCOUNT)})"
            label = f"Action {a.number} : parts entre objectifs CPO = 100 %"
            checks.check(f"CHK|parts|{a.info.action_id}", label, shares, "1", 4, S_CHECK_PERCENT)


def _tables_year(book: Book, checks: _Checks, y: int) -> None:
    syn = checks.syn
    label = f"Année {y} : total par axe = coût complet"
    checks.check(f"CHK|axes|{y}", label, syn("AXIS|total", y), syn("TOTAL|full", y))
    struct = "+".join(syn(k, y) for k in ("TOTAL|structshare", "TOTAL|structleft") if k in book.syn_rows)
    label = f"Année {y} : frais de structure entièrement répartis"
    checks.check(f"CHK|struct|{y}", label, syn("TOTAL|struct", y), struct)
    nat = f"{quote(BY_NATURE)}!{get_column_letter(book.nat_cols[y])}"
    label = f"Année {y} : charges par nature = charges directes"
    checks.check(f"CHK|nature|{y}", label, f"{nat}{book.nat_rows['NAT|direct']}", syn("TOTAL|direct", y))
    label = f"Année {y} : produits par nature = ressources"
    checks.check(f"CHK|produits|{y}", label, f"{nat}{book.nat_rows['RES|total']}", syn("TOTAL|fin", y))
    total_row = book.fin_rows[f"TOTAL|{y}"]
    fin = quote(FINANCING)
    statuses = "+".join(f"{fin}!{get_column_letter(book.fin_cols[s])}{total_row}" for s in STATUS_LABELS)
    checks.check(
        f"CHK|statuts|{y}",
        f"Année {y} : chaque financement a un statut (acquis, sollicité, à solliciter)",
        f"{fin}!{get_column_letter(book.fin_cols[None])}{total_row}",
        statuses,
    )


def _colours(sheet: Sheet, check_rows: list[int]) -> None:
    """Green « OK », red gaps, on the check rows only: headers and blanks stay plain."""
    green = PatternFill(fill_type="solid", start_color="D8F0D8", end_color="D8F0D8")
    red = PatternFill(fill_type="solid", start_color="F8D0D0", end_color="F8D0D0")
    letter = get_column_letter(C_RESULT)
    runs: list[list[int]] = []
    for r in check_rows:  # contiguous runs of check rows
        if runs and runs[-1][1] == r - 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    area = " ".join(f"{letter}{a}:{letter}{b}" for a, b in runs)
    sheet.ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=['"OK"'], fill=green))
    sheet.ws.conditional_formatting.add(area, CellIsRule(operator="notEqual", formula=['"OK"'], fill=red))
