"""The budget workbook (.xlsx) a Direccte opens in Excel or LibreOffice Calc.

It computes by itself: every total is a live formula over input cells, and what it computes
equals the app's `BudgetTotals` to the cent — including the split of each action's full cost
over its CPO objectives, which reproduces `split_cents` (largest remainder) in formulas.

Sheets (French names, see SHEETS):

- « Synthèse »: coût complet per CPO axis and objective × year, charges directes / frais de
  structure / coût complet, the structural cost lines, financing per funder × year with each
  funder's share, and the balance.
- « Par action »: one block per action: direct charges by account and line (personnel typed as
  ETP × coût annuel chargé keeps both inputs and derives the amount), a few spare rows
  (« lignes supplémentaires ») for new lines, direct total, structural share, full cost, the
  split per CPO objective, financing per funder × year (status and amount), resources, balance.
- « Charges par nature »: accounts 60…68, 86 × year, then resources by line (70, 74…, 87).
- « Financements »: funder × year × status (acquis / sollicité / à solliciter).
- « Contrôles »: every balance as a formula returning "OK" or the gap.
- « _clés » (very hidden): format marker, PRAE id, and a snapshot of the exported inputs.

Keys (read back by `budget_import`): on every visible sheet, hidden column A holds a key per
row and hidden row 1 a key per column. « Par action » row keys: ``C|action|account|label``
(charge line), ``N|action|k`` (spare row), ``F|action|funder`` (financing), ``T|<total>|action``
and ``O|action|objective``; column keys: ``ETP|year`` (also the status column of financing
rows), ``COUT|year``, ``MONTANT|year``, ``TOTAL``, ``P|year``/``R|year`` (hidden helpers).

Inputs (unlocked, pale yellow): charge amounts, ETP and annual cost of personnel lines typed
as ETP, financing amounts and statuses, and in spare rows the account, label and amounts.
App-computed parameters (locked, grey): each action's structural share, each objective's
percentage, the structural cost lines. Everything else is a locked formula; the sheets are
protected without a password.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.money import MAX_LINE_CENTS
from pnae_desktop.errors import CatalogueError
from pnae_desktop.exports.files import atomic_output

FORMAT_MARKER = "PNAE Desktop — classeur budgétaire"
FORMAT_VERSION = 1

SYNTHESIS = "Synthèse"
BY_ACTION = "Par action"
BY_NATURE = "Charges par nature"
FINANCING = "Financements"
CHECKS = "Contrôles"
KEYS = "_clés"
SHEETS = (SYNTHESIS, BY_ACTION, BY_NATURE, FINANCING, CHECKS)

SPARE_ROWS = 3  # « lignes supplémentaires » per action block
STATUS_LABELS = dict(dom.FINANCING_STATUSES)  # key → « Acquis », « Sollicité », « À solliciter »
DEFAULT_STATUS = "sollicite"

# « Par action » layout (1-based columns). A–D hidden keys, E account / share, F label, then
# per year 3 columns (ETP or status, annual cost, amount), the row total, hidden helpers.
COL_KEY, COL_TYPE, COL_GROUP, COL_GROUP2, COL_ACCOUNT, COL_LABEL = 1, 2, 3, 4, 5, 6
FIRST_YEAR_COL = 7
HEADER_ROWS = 4  # hidden key row, title, years, sub-headers
FIRST_BLOCK_ROW = HEADER_ROWS + 2

EURO = '#,##0.00 "€"'
EURO_SIGNED = '#,##0.00 "€";[Red]-#,##0.00 "€"'
ETP_FORMAT = "0.00"
PERCENT = "0.00%"

# Row types (hidden column B of « Par action »), used as SUMIFS criteria.
T_CHARGE, T_DIRECT, T_STRUCT, T_FULL, T_OBJ, T_FIN, T_FINTOTAL, T_BALANCE = (
    "charge",
    "direct",
    "struct",
    "full",
    "obj",
    "fin",
    "fintotal",
    "balance",
)


def year_cols(k: int) -> tuple[int, int, int]:
    """(ETP/status, annual cost, amount) columns of the k-th year of « Par action »."""
    base = FIRST_YEAR_COL + 3 * k
    return base, base + 1, base + 2


def total_col(n_years: int) -> int:
    return FIRST_YEAR_COL + 3 * n_years


def helper_cols(k: int, n_years: int) -> tuple[int, int]:
    """Hidden (P, R) helper columns of year k: integer parts and remainders of the split."""
    base = total_col(n_years) + 1 + 2 * k
    return base, base + 1


# -- exact numbers ------------------------------------------------------------------------


def euros(cents: int) -> int | Decimal:
    """int cents → the exact number for a cell: 366800 or Decimal('5500.5'), never a float
    (`Sheet.put` writes a Decimal's own digits into the file)."""
    if cents % 100 == 0:
        return cents // 100
    return Decimal(cents).scaleb(-2).normalize()


def hundredths(value: Decimal) -> int | Decimal:
    """Decimal('0.20') → Decimal('0.2'); Decimal('1.00') → 1."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


# -- styles -------------------------------------------------------------------------------

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


def _fill(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


_box = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
_total_border = Border(top=_medium, bottom=_thin)
_input_fill, _param_fill, _total_fill = _fill("FFF8D6"), _fill("EDEDED"), _fill("E4EBF3")

S_TITLE = Style(font=Font(bold=True, size=14, color=NAVY))
S_SUBTITLE = Style(font=Font(italic=True, color="404040"))
S_HEADER = Style(
    font=Font(bold=True, color="FFFFFF"),
    fill=_fill(NAVY),
    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
)
S_HEADER_LEFT = Style(
    font=Font(bold=True, color="FFFFFF"),
    fill=_fill(NAVY),
    alignment=Alignment(horizontal="left", vertical="center", wrap_text=True),
)
S_BLOCK = Style(
    font=Font(bold=True, size=12, color=NAVY),
    fill=_fill("C9D7E8"),
    alignment=Alignment(vertical="center"),
)
S_BLOCK_TITLE = Style(
    font=Font(bold=True, size=12, color=NAVY),
    fill=_fill("C9D7E8"),
    alignment=Alignment(vertical="center", wrap_text=True),
)
S_SECTION = Style(font=Font(bold=True, italic=True, color=NAVY))
S_NOTE = Style(font=Font(italic=True, size=9, color="595959"))
S_TEXT = Style()
S_TEXT_INDENT = Style(alignment=Alignment(indent=2))
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

_UNLOCKED, _LOCKED = Protection(locked=False), Protection(locked=True)


class Sheet:
    """A worksheet plus the few writing helpers every sheet needs (text is never a formula)."""

    def __init__(self, ws, styles: dict):
        self.ws = ws
        self.title = ws.title
        self.styles = styles  # Style → openpyxl StyleArray, shared by the workbook's sheets

    def put(self, row: int, col: int, value, style: Style = S_TEXT):
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

    def formula(self, row: int, col: int, text: str, style: Style = S_FORMULA_EURO):
        assert text.startswith("=")
        cell = self.ws.cell(row=row, column=col)
        cell.value = text
        self._style(cell, style)
        return cell

    def _style(self, cell, style: Style) -> None:
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
        letter = get_column_letter(col)
        return f"${letter}${row}" if absolute else f"{letter}{row}"

    def keys(self, row: int, row_key: str, row_type: str = "") -> None:
        self.ws.cell(row=row, column=COL_KEY, value=row_key)
        if row_type:
            self.ws.cell(row=row, column=COL_TYPE, value=row_type)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote(sheet_title: str) -> str:
    return "'" + sheet_title.replace("'", "''") + "'"


def col_range(sheet: str, col: int, first: int, last: int) -> str:
    letter = get_column_letter(col)
    return f"{quote(sheet)}!${letter}${first}:${letter}${last}"


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")


# -- the model the sheets are built from -----------------------------------------------------


@dataclass
class ChargeRow:
    key: str
    account: str
    label: str
    by_etp: bool
    lines: dict[int, dom.ChargeLine]


@dataclass
class ActionRows:
    """Where an action's rows are on « Par action » (filled while writing)."""

    info: dom.ActionBudgetInfo
    number: int
    first_input_row: int = 0
    last_input_row: int = 0
    direct_row: int = 0
    struct_row: int = 0
    full_row: int = 0
    objective_rows: list[int] = field(default_factory=list)
    fin_total_row: int = 0


def _charge_rows(budget: dom.Budget, action_id) -> list[ChargeRow]:
    order = {code: i for i, code in enumerate(dom.chart().charge_codes)}
    rows: dict[tuple[str, str], ChargeRow] = {}
    for line in budget.charges:
        if line.action_id != action_id:
            continue
        key = (line.account, line.label)
        row = rows.get(key)
        if row is None:
            row = rows[key] = ChargeRow(
                f"C|{action_id}|{line.account}|{line.label}", line.account, line.label, False, {}
            )
        row.lines[line.year] = line
        row.by_etp = row.by_etp or line.etp is not None
    return sorted(rows.values(), key=lambda r: order.get(r.account, len(order)))


def account_value(code: str) -> int | str:
    """Charge accounts go in cells as numbers (60…86) so that a typed 60 matches them."""
    return int(code) if code.isdigit() else code


def _criterion(value: int | str) -> str:
    return str(value) if isinstance(value, int) else '"' + value.replace('"', '""') + '"'


# -- the workbook -----------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        detail: PraeDetail,
        budget: dom.Budget,
        totals: dom.BudgetTotals,
        *,
        catalogue=None,
        app_version: str = "",
        exported_at: datetime | None = None,
    ):
        self.detail, self.budget, self.t = detail, budget, totals
        self.years = tuple(totals.years)
        self.n = len(self.years)
        self.app_version = app_version
        self.exported_at = exported_at or datetime.now(timezone.utc).replace(microsecond=0)
        if catalogue is None:
            from pnae_desktop.catalogue.loader import shipped_catalogues

            catalogues = shipped_catalogues()
            try:
                catalogue = catalogues.get(detail.summary.catalogue_edition)
            except CatalogueError:  # edition not shipped: fall back to the newest one
                catalogue = catalogues.default
        self.axes = {str(a.number): a.title for a in catalogue.cpo_axes}
        self.objectives = {o.code: o.text for o in catalogue.cpo_objectives}
        self.wb = Workbook()
        self.styles: dict = {}
        self.actions: list[ActionRows] = []
        self.snapshot: dict = {"charges": {}, "financing": {}, "spare": []}
        self.inputs: dict[str, list[str]] = {"euro": [], "etp": [], "status": [], "account": []}
        self.syn_rows: dict[str, int] = {}
        self.nat_rows: dict[str, int] = {}
        self.fin_rows: dict[str, int] = {}

    # ---- common sheet furniture
    def _sheet(self, title: str, index: int | None = None) -> Sheet:
        if index == 0:
            ws = self.wb.active
            ws.title = title
        else:
            ws = self.wb.create_sheet(title)
        return Sheet(ws, self.styles)

    def _finish(
        self,
        sheet: Sheet,
        widths: dict[int, float],
        freeze: str,
        hidden_cols: Iterable[int],
        print_titles: str | None = None,
    ) -> None:
        ws = sheet.ws
        for col, width in widths.items():
            ws.column_dimensions[get_column_letter(col)].width = width
        for col in hidden_cols:
            ws.column_dimensions[get_column_letter(col)].hidden = True
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
        if print_titles:
            ws.print_title_rows = print_titles
        arml = _header_footer_text(self.detail.organisation.name)
        prae = _header_footer_text(self.detail.summary.title)
        ws.oddHeader.left.text = arml
        ws.oddHeader.left.size = 9
        ws.oddHeader.right.text = "&A"
        ws.oddHeader.right.size = 9
        ws.oddFooter.left.text = prae
        ws.oddFooter.left.size = 8
        ws.oddFooter.right.text = "Page &P / &N"
        ws.oddFooter.right.size = 8
        ws.protection.sheet = True
        ws.protection.formatColumns = False  # widths may be adjusted; formulas stay locked
        ws.protection.formatRows = False

    def _title(self, sheet: Sheet, text: str) -> None:
        sheet.put(2, 3, text, S_TITLE)
        s = self.detail.summary
        sub = (
            f"{self.detail.organisation.name} — période {s.start_year}–{s.end_year} — "
            f"exporté le {self.exported_at.astimezone().strftime('%d/%m/%Y à %H:%M')}"
        )
        sheet.put(3, 3, sub, S_SUBTITLE)

    # ---- « Par action »
    def by_action(self, sheet: Sheet) -> None:
        n = self.n
        tcol = total_col(n)
        sheet.put(2, COL_LABEL, f"Budget par action — {self.detail.summary.title}", S_TITLE)
        # hidden column keys (row 1) and visible headers (rows 3-4)
        for col, key in (
            (COL_KEY, "clé"),
            (COL_TYPE, "type"),
            (COL_GROUP, "groupe"),
            (COL_GROUP2, "groupe2"),
            (COL_ACCOUNT, "COMPTE"),
            (COL_LABEL, "LIBELLE"),
            (tcol, "TOTAL"),
        ):
            sheet.ws.cell(row=1, column=col, value=key)
        sheet.put(3, COL_ACCOUNT, "Compte", S_HEADER)
        sheet.put(3, COL_LABEL, "Libellé", S_HEADER_LEFT)
        sheet.put(4, COL_ACCOUNT, "", S_HEADER)
        sheet.put(4, COL_LABEL, "", S_HEADER_LEFT)
        for k, y in enumerate(self.years):
            c_etp, c_cost, c_amt = year_cols(k)
            p, r = helper_cols(k, n)
            for col, key in (
                (c_etp, f"ETP|{y}"),
                (c_cost, f"COUT|{y}"),
                (c_amt, f"MONTANT|{y}"),
                (p, f"P|{y}"),
                (r, f"R|{y}"),
            ):
                sheet.ws.cell(row=1, column=col, value=key)
            sheet.put(3, c_etp, str(y), S_HEADER)
            sheet.put(3, c_cost, "", S_HEADER)
            sheet.put(3, c_amt, "", S_HEADER)
            sheet.ws.merge_cells(start_row=3, start_column=c_etp, end_row=3, end_column=c_amt)
            sheet.put(4, c_etp, "ETP / statut", S_HEADER)
            sheet.put(4, c_cost, "Coût annuel chargé", S_HEADER)
            sheet.put(4, c_amt, "Montant", S_HEADER)
        sheet.put(3, tcol, "Total", S_HEADER)
        sheet.put(4, tcol, "", S_HEADER)
        sheet.ws.row_dimensions[4].height = 30

        row = FIRST_BLOCK_ROW
        for number, info in enumerate(self.budget.actions, start=1):
            rows = ActionRows(info, number)
            row = self._action_block(sheet, rows, row) + 1
            self.actions.append(rows)
        self.last_row = row
        widths = {COL_ACCOUNT: 9, COL_LABEL: 60, tcol: 15}
        for k in range(n):
            c_etp, c_cost, c_amt = year_cols(k)
            widths |= {c_etp: 11, c_cost: 13, c_amt: 14}
        hidden = [COL_KEY, COL_TYPE, COL_GROUP, COL_GROUP2]
        hidden += [c for k in range(n) for c in helper_cols(k, n)]
        self._finish(
            sheet,
            widths,
            f"{get_column_letter(FIRST_YEAR_COL)}{HEADER_ROWS + 1}",
            hidden,
            print_titles=f"3:{HEADER_ROWS}",
        )

    def _action_block(self, sheet: Sheet, a: ActionRows, row: int) -> int:
        info, n, years = a.info, self.n, self.years
        aid, last_col = info.action_id, total_col(self.n)

        def band(r: int, label: str, style: Style, key: str) -> None:
            sheet.keys(r, key)
            for col in range(COL_ACCOUNT, last_col + 1):
                sheet.put(r, col, label if col == COL_LABEL else None, style)

        codes = ", ".join(info.objective_codes) or "aucun"
        band(row, f"Action {a.number} — {info.title}", S_BLOCK_TITLE, f"A|{aid}")
        sheet.put(row, COL_ACCOUNT, f"n° {a.number}", S_BLOCK)
        # the title wraps inside the block's width instead of overflowing the printed page
        sheet.ws.merge_cells(start_row=row, start_column=COL_LABEL, end_row=row, end_column=last_col)
        width = 60 + 38 * n + 15
        lines = max(1, -(-int(len(info.title) * 1.15 + 12) // width))
        sheet.ws.row_dimensions[row].height = 17 * lines + 3
        row += 1
        sheet.keys(row, f"H|{aid}")
        sheet.put(row, COL_LABEL, f"Charges directes (objectifs CPO : {codes})", S_SECTION)
        row += 1

        # charge lines
        a.first_input_row = row
        for charge in _charge_rows(self.budget, aid):
            sheet.keys(row, charge.key, T_CHARGE)
            sheet.put(row, COL_ACCOUNT, account_value(charge.account), S_CODE)
            sheet.put(row, COL_LABEL, charge.label, S_TEXT_INDENT)
            snap = {}
            for k, y in enumerate(years):
                c_etp, c_cost, c_amt = year_cols(k)
                line = charge.lines.get(y)
                if line is not None and line.etp is None:  # typed as an amount
                    sheet.put(row, c_amt, euros(line.cents), S_INPUT_EURO)
                    self.inputs["euro"].append(sheet.ref(row, c_amt))
                    snap[y] = ["a", line.cents]
                elif line is not None or charge.by_etp:  # ETP × coût annuel chargé
                    etp = line.etp_hundredths if line is not None else None
                    cost = line.annual_cost_cents if line is not None else None
                    sheet.put(
                        row,
                        c_etp,
                        None if etp is None else hundredths(Decimal(etp).scaleb(-2)),
                        S_INPUT_ETP,
                    )
                    sheet.put(row, c_cost, None if cost is None else euros(cost), S_INPUT_EURO)
                    self.inputs["etp"].append(sheet.ref(row, c_etp))
                    self.inputs["euro"].append(sheet.ref(row, c_cost))
                    sheet.formula(row, c_amt, f"=ROUND({sheet.ref(row, c_etp)}*{sheet.ref(row, c_cost)},2)")
                    snap[y] = ["e", etp, cost]
                else:  # no line this year: an empty amount to type
                    sheet.put(row, c_amt, None, S_INPUT_EURO)
                    self.inputs["euro"].append(sheet.ref(row, c_amt))
                    snap[y] = ["a", None]
            self.snapshot["charges"][charge.key] = {str(y): v for y, v in snap.items()}
            self._row_total(sheet, row)
            row += 1
        # spare rows for new lines
        sheet.keys(row, f"H|{aid}|spare")
        sheet.put(
            row,
            COL_LABEL,
            "Lignes supplémentaires : compte (60 à 68, 86), libellé, montants",
            S_NOTE,
        )
        row += 1
        for k_spare in range(SPARE_ROWS):
            key = f"N|{aid}|{k_spare + 1}"
            sheet.keys(row, key, T_CHARGE)
            sheet.put(row, COL_ACCOUNT, None, S_INPUT_CODE)
            sheet.put(row, COL_LABEL, None, S_INPUT_TEXT)
            self.inputs["account"].append(sheet.ref(row, COL_ACCOUNT))
            for k in range(n):
                c_amt = year_cols(k)[2]
                sheet.put(row, c_amt, None, S_INPUT_EURO)
                self.inputs["euro"].append(sheet.ref(row, c_amt))
            self._row_total(sheet, row)
            self.snapshot["spare"].append(key)
            row += 1
        a.last_input_row = row - 1
        first, last = a.first_input_row, a.last_input_row

        # direct total, structural share, full cost
        a.direct_row = row
        column_sum = lambda c: f"=SUM({sheet.ref(first, c)}:{sheet.ref(last, c)})"  # noqa: E731
        self._total_band(
            sheet,
            row,
            f"T|direct|{aid}",
            T_DIRECT,
            "Total des charges directes (dont ETP de personnel)",
            column_sum,
            etp=column_sum,
        )
        row += 1

        a.struct_row = row
        method = self._method_label()
        sheet.keys(row, f"T|struct|{aid}", T_STRUCT)
        sheet.put(row, COL_LABEL, f"Quote-part des frais de structure ({method})", S_TEXT)
        for k, y in enumerate(years):
            cents = self.t.structural_by_action_year.get((aid, y), 0)
            sheet.put(row, year_cols(k)[2], euros(cents), S_PARAM_EURO)
        self._row_total(sheet, row)
        row += 1

        a.full_row = row
        self._total_band(
            sheet,
            row,
            f"T|full|{aid}",
            T_FULL,
            "Coût complet de l'action",
            lambda c: f"={sheet.ref(a.direct_row, c)}+{sheet.ref(a.struct_row, c)}",
        )
        row += 1

        row = self._objectives(sheet, a, row)
        row = self._financing(sheet, a, row)
        return row

    def _total_band(
        self, sheet: Sheet, row: int, key: str, row_type: str, label: str, amount, style: Style = S_TOTAL_EURO, etp=None
    ) -> None:
        """A total row of an action block: per year the `amount(column)` formula (and, for the
        direct costs, the `etp(column)` sum), then the row's total."""
        sheet.keys(row, key, row_type)
        sheet.put(row, COL_ACCOUNT, None, S_TOTAL_LABEL)
        sheet.put(row, COL_LABEL, label, S_TOTAL_LABEL)
        for k in range(self.n):
            c_etp, c_cost, c_amt = year_cols(k)
            if etp is None:
                sheet.put(row, c_etp, None, S_TOTAL_LABEL)
            else:
                sheet.formula(row, c_etp, etp(c_etp), S_TOTAL_ETP)
            sheet.put(row, c_cost, None, S_TOTAL_LABEL)
            sheet.formula(row, c_amt, amount(c_amt), style)
        self._row_total(sheet, row, style)

    def _row_total(self, sheet: Sheet, row: int, style: Style = S_FORMULA_EURO) -> None:
        """The row's « Total » cell: the sum of its yearly amounts."""
        cells = ",".join(sheet.ref(row, year_cols(k)[2]) for k in range(self.n))
        sheet.formula(row, total_col(self.n), f"=SUM({cells})", style)

    def _method_label(self) -> str:
        keys = {k.year: k.method for k in self.budget.allocation_keys}
        methods = {keys.get(y, "direct") for y in self.years}
        if len(methods) == 1:
            return dom.ALLOCATION_METHODS[methods.pop()]
        return "selon la clé de chaque année"

    def _objectives(self, sheet: Sheet, a: ActionRows, row: int) -> int:
        """Full cost split over the action's CPO objectives, exactly as `split_cents` does:
        half-up integer parts, then the cents left go to the largest remainders (earlier
        objective first on ties), or come back from the smallest (later first)."""
        info, n, aid = a.info, self.n, a.info.action_id
        codes, shares = info.objective_codes, info.shares
        head = row
        sheet.keys(row, f"T|obj|{aid}")
        if not codes:
            sheet.put(
                row,
                COL_LABEL,
                "Aucun objectif CPO : le coût complet est compté « non affecté ».",
                S_NOTE,
            )
            return row + 1
        sheet.put(row, COL_LABEL, "Répartition du coût complet par objectif CPO (part en %)", S_SECTION)
        first = row + 1
        last = first + len(codes) - 1
        share_range = f"{sheet.ref(first, COL_ACCOUNT, True)}:{sheet.ref(last, COL_ACCOUNT, True)}"
        for i, (code, share) in enumerate(zip(codes, shares)):
            r = first + i
            a.objective_rows.append(r)
            sheet.keys(r, f"O|{aid}|{code}", T_OBJ)
            sheet.ws.cell(row=r, column=COL_GROUP, value=f"O{code}")
            sheet.ws.cell(row=r, column=COL_GROUP2, value=f"A{dom.axis_of(code)}")
            sheet.put(r, COL_ACCOUNT, hundredths(Decimal(share) / 100), S_PARAM_PERCENT)
            text = self.objectives.get(code, "")
            label = f"Objectif {code}" + (f" — {_short(text, 62)}" if text else "")
            sheet.put(r, COL_LABEL, label, S_TEXT_INDENT)
        for k in range(n):
            c_amt = year_cols(k)[2]
            p_col, r_col = helper_cols(k, n)
            full = sheet.ref(a.full_row, c_amt, absolute=True)
            if len(codes) == 1:
                w = f"ROUND({sheet.ref(first, COL_ACCOUNT, True)}*10000,0)"
                sheet.formula(first, c_amt, f"=IF({w}=0,0,{full})")
                continue
            fc = f"ROUND({full}*100,0)"
            left = sheet.ref(head, p_col, absolute=True)
            wsum = sheet.ref(head, r_col, absolute=True)
            p_range = f"{sheet.ref(first, p_col, True)}:{sheet.ref(last, p_col, True)}"
            r_range = f"{sheet.ref(first, r_col, True)}:{sheet.ref(last, r_col, True)}"
            sheet.formula(head, r_col, f"=ROUND(SUM({share_range})*10000,0)", S_HELPER)
            sheet.formula(head, p_col, f"={fc}-SUM({p_range})", S_HELPER)
            for i in range(len(codes)):
                r = first + i
                w = f"ROUND({sheet.ref(r, COL_ACCOUNT, True)}*10000,0)"
                p, rem = sheet.ref(r, p_col), sheet.ref(r, r_col)
                sheet.formula(r, p_col, f"=IF({wsum}=0,0,INT((2*{fc}*{w}+{wsum})/(2*{wsum})))", S_HELPER)
                sheet.formula(r, r_col, f"={fc}*{w}-{p}*{wsum}", S_HELPER)
                up = (
                    f"IF(SUMPRODUCT(({r_range}>{rem})*1)+SUMPRODUCT(({r_range}={rem})"
                    f"*(ROW({r_range})<ROW({rem})))<{left},1,0)"
                )
                down = (
                    f"IF(SUMPRODUCT(({r_range}<{rem})*1)+SUMPRODUCT(({r_range}={rem})"
                    f"*(ROW({r_range})>ROW({rem})))<-{left},1,0)"
                )
                sheet.formula(r, c_amt, f"=IF({wsum}=0,0,({p}+IF({left}>0,{up},IF({left}<0,-{down},0)))/100)")
        for r in range(first, last + 1):
            self._row_total(sheet, r)
        return last + 1

    def _financing(self, sheet: Sheet, a: ActionRows, row: int) -> int:
        n, aid, years = self.n, a.info.action_id, self.years
        sheet.keys(row, f"H|{aid}|fin")
        sheet.put(row, COL_LABEL, "Financements (statut et montant par année)", S_SECTION)
        for k in range(n):
            c_etp, _, c_amt = year_cols(k)
            sheet.put(row, c_etp, "Statut", S_NOTE)
            sheet.put(row, c_amt, "Montant", S_NOTE)
        row += 1
        lines = {(f.funder_id, f.year): f for f in self.budget.financing if f.action_id == aid}
        first = row
        for funder in self.budget.funders:
            key = f"F|{aid}|{funder.id}"
            sheet.keys(row, key, T_FIN)
            sheet.ws.cell(row=row, column=COL_GROUP, value=f"F{funder.id}")
            sheet.ws.cell(row=row, column=COL_GROUP2, value=f"R{funder.resource_line}")
            sheet.put(row, COL_ACCOUNT, funder.resource_line.split(".", 1)[0], S_CODE)
            sheet.put(row, COL_LABEL, funder.name, S_TEXT_INDENT)
            snap = {}
            for k, y in enumerate(years):
                c_etp, _, c_amt = year_cols(k)
                line = lines.get((funder.id, y))
                status = line.status if line is not None else None  # blank: « sollicité » on import
                sheet.put(row, c_etp, STATUS_LABELS[status] if status else None, S_INPUT_CODE)
                sheet.put(row, c_amt, None if line is None else euros(line.amount_cents), S_INPUT_EURO)
                self.inputs["status"].append(sheet.ref(row, c_etp))
                self.inputs["euro"].append(sheet.ref(row, c_amt))
                snap[str(y)] = [None if line is None else line.amount_cents, status]
            self.snapshot["financing"][key] = snap
            self._row_total(sheet, row)
            row += 1
        last = row - 1
        a.fin_total_row = row
        self._total_band(
            sheet,
            row,
            f"T|fin|{aid}",
            T_FINTOTAL,
            "Total des ressources",
            lambda c: f"=SUM({sheet.ref(first, c)}:{sheet.ref(last, c)})" if last >= first else "=0",
        )
        row += 1
        self._total_band(
            sheet,
            row,
            f"T|bal|{aid}",
            T_BALANCE,
            "Solde (ressources − coût complet)",
            lambda c: f"={sheet.ref(a.fin_total_row, c)}-{sheet.ref(a.full_row, c)}",
            style=S_TOTAL_SIGNED,
        )
        return row + 1

    # ---- defined names over « Par action » (readable formulas in the other sheets)
    def _names(self) -> None:
        first, last = FIRST_BLOCK_ROW, max(self.last_row, FIRST_BLOCK_ROW)

        def define(name: str, col: int) -> str:
            self.wb.defined_names[name] = DefinedName(name, attr_text=col_range(BY_ACTION, col, first, last))
            return name

        self.n_type = define("PA_Type", COL_TYPE)
        self.n_group = define("PA_Groupe", COL_GROUP)
        self.n_group2 = define("PA_Groupe2", COL_GROUP2)
        self.n_account = define("PA_Compte", COL_ACCOUNT)
        self.n_amount, self.n_etp = {}, {}
        for k, y in enumerate(self.years):
            c_etp, _, c_amt = year_cols(k)
            self.n_amount[y] = define(f"PA_Montant_{y}", c_amt)
            self.n_etp[y] = define(f"PA_ETP_{y}", c_etp)

    def _sumifs(self, y: int, *criteria: tuple[str, str]) -> str:
        parts = [self.n_amount[y]]
        for name, value in criteria:
            parts += [name, value]
        return "SUMIFS(" + ",".join(parts) + ")"

    # ---- « Synthèse »
    def synthesis(self, sheet: Sheet) -> None:
        n, years = self.n, self.years
        c_label, first_year, c_total, c_share = 3, 4, 4 + n, 5 + n
        ycol = {y: first_year + k for k, y in enumerate(years)}
        for col, key in (
            (COL_KEY, "clé"),
            (COL_TYPE, "type"),
            (c_label, "LIBELLE"),
            (c_total, "TOTAL"),
            (c_share, "PART"),
        ):
            sheet.ws.cell(row=1, column=col, value=key)
        for y, col in ycol.items():
            sheet.ws.cell(row=1, column=col, value=f"MONTANT|{y}")
        self._title(sheet, f"Budget prévisionnel — {self.detail.summary.title}")
        rows = self.syn_rows
        row = 5

        def header(r: int, title: str, share: bool = False) -> None:
            sheet.put(r, c_label, title, S_HEADER_LEFT)
            for y, col in ycol.items():
                sheet.put(r, col, str(y), S_HEADER)
            sheet.put(r, c_total, "Total", S_HEADER)
            if share:
                sheet.put(r, c_share, "Part", S_HEADER)

        def line(
            r: int,
            key: str,
            label: str,
            formulas: dict[int, str] | None,
            *,
            total: bool = False,
            style: Style | None = None,
            label_style: Style | None = None,
            values=None,
        ) -> None:
            sheet.keys(r, key)
            rows[key] = r
            cell_style = style or (S_TOTAL_EURO if total else S_FORMULA_EURO)
            sheet.put(r, c_label, label, label_style or (S_TOTAL_LABEL if total else S_TEXT))
            for y, col in ycol.items():
                if values is not None:
                    sheet.put(r, col, values[y], S_PARAM_EURO)
                else:
                    sheet.formula(r, col, "=" + formulas[y], cell_style)
            sheet.formula(
                r,
                c_total,
                f"=SUM({sheet.ref(r, first_year)}:{sheet.ref(r, c_total - 1)})",
                cell_style,
            )

        # 1. charges and full cost
        header(row, "Charges et coût complet")
        row += 1
        line(
            row,
            "TOTAL|direct",
            "Charges directes des actions",
            {y: self._sumifs(y, (self.n_type, f'"{T_DIRECT}"')) for y in years},
        )
        row += 1
        sheet.keys(row, "TOTAL|etp")
        rows["TOTAL|etp"] = row
        sheet.put(row, c_label, "dont personnel (ETP)", S_TEXT_INDENT)
        for y, col in ycol.items():
            sheet.formula(row, col, f'=SUMIFS({self.n_etp[y]},{self.n_type},"{T_DIRECT}")', S_FORMULA_ETP)
        row += 1
        line(
            row,
            "TOTAL|structshare",
            "Frais de structure répartis sur les actions",
            {y: self._sumifs(y, (self.n_type, f'"{T_STRUCT}"')) for y in years},
        )
        row += 1
        left = {y: self.t.structural_by_action_year.get((dom.UNASSIGNED, y), 0) for y in years}
        has_left = any(left.values())
        if has_left:
            line(
                row,
                "TOTAL|structleft",
                "Frais de structure non répartis (aucune base de répartition)",
                None,
                values={y: euros(c) for y, c in left.items()},
            )
            row += 1
        parts = ["TOTAL|direct", "TOTAL|structshare"] + (["TOTAL|structleft"] if has_left else [])
        line(
            row,
            "TOTAL|full",
            "Coût complet du programme",
            {y: "+".join(sheet.ref(rows[p], col) for p in parts) for y, col in ycol.items()},
            total=True,
        )
        row += 2

        # 2. cost per CPO axis and objective
        header(row, "Coût complet par axe et objectif de la CPO (instruction DGEFP/SDPAE/2017/331)")
        row += 1
        axis_rows = []
        for axis in self.budget.axes:
            title = self.axes.get(axis, "")
            label = f"Axe {axis}" + (f" — {title[:110]}" if title else "")
            line(
                row,
                f"AXIS|{axis}",
                label,
                {y: self._sumifs(y, (self.n_type, f'"{T_OBJ}"'), (self.n_group2, f'"A{axis}"')) for y in years},
                style=S_TOTAL_EURO,
                label_style=Style(font=Font(bold=True)),
            )
            axis_rows.append(row)
            row += 1
            for code in self.budget.objective_codes:
                if dom.axis_of(code) != axis or code == axis:
                    continue
                text = self.objectives.get(code, "")
                line(
                    row,
                    f"OBJ|{code}",
                    f"Objectif {code}" + (f" — {text[:100]}" if text else ""),
                    {y: self._sumifs(y, (self.n_type, f'"{T_OBJ}"'), (self.n_group, f'"O{code}"')) for y in years},
                    label_style=S_TEXT_INDENT,
                )
                row += 1
        line(
            row,
            "AXIS|none",
            "Non affecté (action sans objectif CPO)",
            {
                y: f"{sheet.ref(rows['TOTAL|full'], col)}-(" + "+".join(sheet.ref(r, col) for r in axis_rows) + ")"
                for y, col in ycol.items()
            },
        )
        none_row = row
        row += 1
        line(
            row,
            "AXIS|total",
            "Total (coût complet)",
            {y: "+".join(sheet.ref(r, col) for r in [*axis_rows, none_row]) for y, col in ycol.items()},
            total=True,
        )
        row += 2

        # 3. structural cost lines (app values, shared out by the allocation key)
        header(row, "Frais de structure (fonctionnement, siège) — saisis dans l'application")
        row += 1
        struct_lines: dict[str, dict[int, int]] = {}
        for s in self.budget.structural_costs:
            struct_lines.setdefault(s.label, dict.fromkeys(years, 0))[s.year] += s.amount_cents
        first_struct = row
        for label, values in struct_lines.items():
            line(row, f"STRUCT|{label}", label, None, values={y: euros(c) for y, c in values.items()})
            row += 1
        if struct_lines:
            line(
                row,
                "TOTAL|struct",
                "Total des frais de structure",
                {y: f"SUM({sheet.ref(first_struct, col)}:{sheet.ref(row - 1, col)})" for y, col in ycol.items()},
                total=True,
            )
        else:
            line(
                row,
                "TOTAL|struct",
                "Total des frais de structure",
                {y: "0" for y in years},
                total=True,
            )
        row += 2

        # 4. financing per funder
        header(row, "Financement par financeur", share=True)
        row += 1
        first_funder = row
        funder_rows = []
        for funder in self.budget.funders:
            line(
                row,
                f"FUNDER|{funder.id}",
                funder.name,
                {y: self._sumifs(y, (self.n_type, f'"{T_FIN}"'), (self.n_group, f'"F{funder.id}"')) for y in years},
            )
            funder_rows.append(row)
            row += 1
        fin_total = row
        for r in funder_rows:
            total = sheet.ref(fin_total, c_total, absolute=True)
            sheet.formula(r, c_share, f"=IF({total}=0,0,{sheet.ref(r, c_total)}/{total})", S_FORMULA_PERCENT)
        if funder_rows:
            formulas = {y: f"SUM({sheet.ref(first_funder, col)}:{sheet.ref(row - 1, col)})" for y, col in ycol.items()}
        else:
            formulas = {y: "0" for y in years}
        line(row, "TOTAL|fin", "Total des ressources", formulas, total=True)
        sheet.formula(
            row,
            c_share,
            f"=SUM({sheet.ref(first_funder, c_share)}:{sheet.ref(row - 1, c_share)})" if funder_rows else "=0",
            S_TOTAL_PERCENT,
        )
        row += 2

        # 5. balance
        header(row, "Équilibre du budget")
        row += 1
        line(
            row,
            "TOTAL|balance",
            "Ressources − coût complet (doit être nul)",
            {y: f"{sheet.ref(rows['TOTAL|fin'], col)}-{sheet.ref(rows['TOTAL|full'], col)}" for y, col in ycol.items()},
            total=True,
            style=S_TOTAL_SIGNED,
        )
        self.wb.defined_names["Cout_complet_total"] = DefinedName(
            "Cout_complet_total",
            attr_text=f"{quote(SYNTHESIS)}!{sheet.ref(rows['TOTAL|full'], c_total, True)}",
        )
        self.wb.defined_names["Ressources_total"] = DefinedName(
            "Ressources_total",
            attr_text=f"{quote(SYNTHESIS)}!{sheet.ref(rows['TOTAL|fin'], c_total, True)}",
        )
        self.wb.defined_names["Solde_total"] = DefinedName(
            "Solde_total",
            attr_text=f"{quote(SYNTHESIS)}!{sheet.ref(rows['TOTAL|balance'], c_total, True)}",
        )
        self.syn_cols = ycol
        self.syn_total_col = c_total
        widths = {c_label: 70, c_total: 16, c_share: 10} | {col: 15 for col in ycol.values()}
        self._finish(sheet, widths, f"{get_column_letter(first_year)}5", [COL_KEY, COL_TYPE])

    # ---- « Charges par nature »
    def by_nature(self, sheet: Sheet) -> None:
        n, years = self.n, self.years
        c_code, c_label, first_year = 3, 4, 5
        c_total = first_year + n
        ycol = {y: first_year + k for k, y in enumerate(years)}
        for col, key in (
            (COL_KEY, "clé"),
            (COL_TYPE, "type"),
            (c_code, "COMPTE"),
            (c_label, "LIBELLE"),
            (c_total, "TOTAL"),
        ):
            sheet.ws.cell(row=1, column=col, value=key)
        for y, col in ycol.items():
            sheet.ws.cell(row=1, column=col, value=f"MONTANT|{y}")
        sheet.put(2, c_code, f"Charges et produits par nature — {self.detail.summary.title}", S_TITLE)
        sheet.put(
            3,
            c_code,
            "Plan comptable des associations (budget prévisionnel du CERFA de demande de subvention)",
            S_SUBTITLE,
        )
        rows = self.nat_rows
        row = 5

        def header(r: int, title: str) -> None:
            sheet.put(r, c_code, "Compte", S_HEADER)
            sheet.put(r, c_label, title, S_HEADER_LEFT)
            for y, col in ycol.items():
                sheet.put(r, col, str(y), S_HEADER)
            sheet.put(r, c_total, "Total", S_HEADER)

        def line(
            r: int,
            key: str,
            code: str,
            label: str,
            formulas: dict[int, str],
            total: bool = False,
            indent: bool = False,
        ) -> None:
            sheet.keys(r, key)
            rows[key] = r
            label_style = S_TOTAL_LABEL if total else (S_TEXT_INDENT if indent else S_TEXT)
            sheet.put(r, c_code, code, S_TOTAL_LABEL if total else S_CODE)
            sheet.put(r, c_label, label, label_style)
            style = S_TOTAL_EURO if total else S_FORMULA_EURO
            for y, col in ycol.items():
                sheet.formula(r, col, "=" + formulas[y], style)
            sheet.formula(r, c_total, f"=SUM({sheet.ref(r, first_year)}:{sheet.ref(r, c_total - 1)})", style)

        chart = dom.chart()
        header(row, "Charges")
        row += 1
        first = row
        for code in chart.charge_codes:
            crit = _criterion(account_value(code))
            line(
                row,
                f"NAT|{code}",
                code,
                chart.by_code[code].label,
                {y: self._sumifs(y, (self.n_type, f'"{T_CHARGE}"'), (self.n_account, crit)) for y in years},
            )
            row += 1
        line(
            row,
            "NAT|direct",
            "",
            "Total des charges directes",
            {y: f"SUM({sheet.ref(first, col)}:{sheet.ref(row - 1, col)})" for y, col in ycol.items()},
            total=True,
        )
        row += 1
        syn = self.syn_rows
        struct = {"TOTAL|structshare", "TOTAL|structleft"} & set(syn)
        line(
            row,
            "NAT|struct",
            "",
            "Frais de structure (répartis et non répartis)",
            {
                y: "+".join(f"{quote(SYNTHESIS)}!{sheet.ref(syn[k], self.syn_cols[y])}" for k in sorted(struct))
                for y in years
            },
        )
        row += 1
        line(
            row,
            "NAT|full",
            "",
            "Total des charges (coût complet)",
            {
                y: f"{sheet.ref(rows['NAT|direct'], col)}+{sheet.ref(rows['NAT|struct'], col)}"
                for y, col in ycol.items()
            },
            total=True,
        )
        row += 2

        header(row, "Produits (ressources)")
        row += 1
        leaves = []
        for account in chart.accounts:
            if account.side != "produit":
                continue
            if account.sublines:
                sub_rows = []
                parent = row
                row += 1
                for sub in account.sublines:
                    line(
                        row,
                        f"RES|{sub.code}",
                        "",
                        sub.label,
                        {
                            y: self._sumifs(y, (self.n_type, f'"{T_FIN}"'), (self.n_group2, f'"R{sub.code}"'))
                            for y in years
                        },
                        indent=True,
                    )
                    sub_rows.append(row)
                    leaves.append(row)
                    row += 1
                line(
                    parent,
                    f"RES|{account.code}",
                    account.code,
                    account.label,
                    {
                        y: f"SUM({sheet.ref(sub_rows[0], col)}:{sheet.ref(sub_rows[-1], col)})"
                        for y, col in ycol.items()
                    },
                )
                for col in [*ycol.values(), c_total]:
                    sheet.ws.cell(row=parent, column=col).font = Font(bold=True)
            else:
                line(
                    row,
                    f"RES|{account.code}",
                    account.code,
                    account.label,
                    {
                        y: self._sumifs(y, (self.n_type, f'"{T_FIN}"'), (self.n_group2, f'"R{account.code}"'))
                        for y in years
                    },
                )
                leaves.append(row)
                row += 1
        line(
            row,
            "RES|total",
            "",
            "Total des produits",
            {y: "+".join(sheet.ref(r, col) for r in leaves) or "0" for y, col in ycol.items()},
            total=True,
        )
        self.nat_cols = ycol
        widths = {c_code: 9, c_label: 60, c_total: 16} | {col: 15 for col in ycol.values()}
        self._finish(sheet, widths, f"{get_column_letter(first_year)}5", [COL_KEY, COL_TYPE])

    # ---- « Financements »
    def financing(self, sheet: Sheet) -> None:
        """One block per year, then all years: funder rows × (acquis, sollicité, à solliciter, total)."""
        years = self.years
        c_label, first = 3, 4
        statuses = list(STATUS_LABELS)
        cols = {st: first + i for i, st in enumerate([*statuses, None])}  # None: total
        for col, key in ((COL_KEY, "clé"), (COL_TYPE, "type"), (c_label, "FINANCEUR")):
            sheet.ws.cell(row=1, column=col, value=key)
        for st, col in cols.items():
            sheet.ws.cell(row=1, column=col, value=st or "TOTAL")
        sheet.put(
            2,
            c_label,
            f"Financements par financeur, année et statut — {self.detail.summary.title}",
            S_TITLE,
        )
        s = self.detail.summary
        sheet.put(
            3,
            c_label,
            f"{self.detail.organisation.name} — période {s.start_year}–{s.end_year}",
            S_SUBTITLE,
        )
        status_names = {}
        for k, y in enumerate(years):
            status_names[y] = name = f"PA_Statut_{y}"
            self.wb.defined_names[name] = DefinedName(
                name,
                attr_text=col_range(BY_ACTION, year_cols(k)[0], FIRST_BLOCK_ROW, max(self.last_row, FIRST_BLOCK_ROW)),
            )
        row = 5
        for y in [*years, None]:
            sheet.put(row, c_label, f"Année {y}" if y else "Toutes années", S_HEADER_LEFT)
            for st, col in cols.items():
                sheet.put(row, col, STATUS_LABELS[st] if st else "Total", S_HEADER)
            row += 1
            first_row = row
            for funder in self.budget.funders:
                key = f"FUNDER|{funder.id}|{y or 'TOUS'}"
                sheet.keys(row, key)
                self.fin_rows[key] = row
                sheet.put(row, c_label, funder.name, S_TEXT_INDENT)
                crit = [(self.n_type, f'"{T_FIN}"'), (self.n_group, f'"F{funder.id}"')]
                for st, col in cols.items():
                    if y is None:  # all years: the yearly blocks' cells
                        text = "=" + "+".join(sheet.ref(self.fin_rows[f"FUNDER|{funder.id}|{yy}"], col) for yy in years)
                    elif st is None:  # the funder's total, whatever the status says
                        text = "=" + self._sumifs(y, *crit)
                    else:
                        text = "=" + self._sumifs(y, *crit, (status_names[y], f'"{STATUS_LABELS[st]}"'))
                    sheet.formula(row, col, text, S_FORMULA_EURO)
                row += 1
            key = f"TOTAL|{y or 'TOUS'}"
            sheet.keys(row, key)
            self.fin_rows[key] = row
            sheet.put(row, c_label, "Total" + (f" {y}" if y else " toutes années"), S_TOTAL_LABEL)
            for col in cols.values():
                text = f"=SUM({sheet.ref(first_row, col)}:{sheet.ref(row - 1, col)})" if row > first_row else "=0"
                sheet.formula(row, col, text, S_TOTAL_EURO)
            row += 2
        self.fin_cols = cols
        widths = {c_label: 48} | {col: 16 for col in cols.values()}
        self._finish(sheet, widths, "A5", [COL_KEY, COL_TYPE])

    # ---- « Contrôles »
    def checks(self, sheet: Sheet) -> None:
        years = self.years
        c_label, c_result = 3, 4
        sheet.ws.cell(row=1, column=COL_KEY, value="clé")
        sheet.ws.cell(row=1, column=c_label, value="CONTROLE")
        sheet.ws.cell(row=1, column=c_result, value="RESULTAT")
        sheet.put(2, c_label, f"Contrôles — {self.detail.summary.title}", S_TITLE)
        sheet.put(3, c_label, "Chaque ligne affiche « OK » ou l'écart à corriger (en euros).", S_SUBTITLE)
        row = 5

        def header(title: str) -> None:
            nonlocal row
            sheet.put(row, c_label, title, S_HEADER_LEFT)
            sheet.put(row, c_result, "Résultat", S_HEADER)
            row += 1

        check_rows: list[int] = []

        def check(key: str, label: str, left: str, right: str, digits: int = 2, style: Style = S_CHECK) -> None:
            nonlocal row
            sheet.keys(row, key)
            sheet.put(row, c_label, label, S_TEXT_INDENT)
            gap = f"{left}-({right})"
            sheet.formula(row, c_result, f'=IF(ROUND({gap},{digits})=0,"OK",{gap})', style)
            check_rows.append(row)
            row += 1

        syn = lambda key, y: f"{quote(SYNTHESIS)}!{Sheet.ref(sheet, self.syn_rows[key], self.syn_cols[y])}"
        syn_total = lambda key: f"{quote(SYNTHESIS)}!{Sheet.ref(sheet, self.syn_rows[key], self.syn_total_col)}"
        pa = lambda r, c: f"{quote(BY_ACTION)}!{get_column_letter(c)}{r}"

        header("Équilibre global : total des charges = total des ressources")
        for y in years:
            check(
                f"CHK|total|{y}",
                f"Année {y} : ressources = coût complet",
                syn("TOTAL|fin", y),
                syn("TOTAL|full", y),
            )
        check(
            "CHK|total|all",
            "Toutes années : ressources = coût complet",
            syn_total("TOTAL|fin"),
            syn_total("TOTAL|full"),
        )
        row += 1
        header("Équilibre de chaque action et de chaque année")
        for a in self.actions:
            for k, y in enumerate(years):
                c_amt = year_cols(k)[2]
                check(
                    f"CHK|bal|{a.info.action_id}|{y}",
                    f"Action {a.number} — {a.info.title[:80]} — {y}",
                    pa(a.fin_total_row, c_amt),
                    pa(a.full_row, c_amt),
                )
        row += 1
        header("Cohérence des tableaux")
        for y in years:
            check(
                f"CHK|axes|{y}",
                f"Année {y} : total par axe = coût complet",
                syn("AXIS|total", y),
                syn("TOTAL|full", y),
            )
            struct = "+".join(syn(k, y) for k in ("TOTAL|structshare", "TOTAL|structleft") if k in self.syn_rows)
            check(
                f"CHK|struct|{y}",
                f"Année {y} : frais de structure entièrement répartis",
                syn("TOTAL|struct", y),
                struct,
            )
            nat = f"{quote(BY_NATURE)}!{get_column_letter(self.nat_cols[y])}"
            check(
                f"CHK|nature|{y}",
                f"Année {y} : charges par nature = charges directes",
                f"{nat}{self.nat_rows['NAT|direct']}",
                syn("TOTAL|direct", y),
            )
            check(
                f"CHK|produits|{y}",
                f"Année {y} : produits par nature = ressources",
                f"{nat}{self.nat_rows['RES|total']}",
                syn("TOTAL|fin", y),
            )
            total_row = self.fin_rows[f"TOTAL|{y}"]
            statuses = "+".join(
                f"{quote(FINANCING)}!{get_column_letter(self.fin_cols[s])}{total_row}" for s in STATUS_LABELS
            )
            check(
                f"CHK|statuts|{y}",
                f"Année {y} : chaque financement a un statut (acquis, sollicité, à solliciter)",
                f"{quote(FINANCING)}!{get_column_letter(self.fin_cols[None])}{total_row}",
                statuses,
            )
        for a in self.actions:
            if len(a.objective_rows) > 1:
                shares = f"SUM({pa(a.objective_rows[0], COL_ACCOUNT)}:{pa(a.objective_rows[-1], COL_ACCOUNT)})"
                check(
                    f"CHK|parts|{a.info.action_id}",
                    f"Action {a.number} : parts entre objectifs CPO = 100 %",
                    shares,
                    "1",
                    4,
                    S_CHECK_PERCENT,
                )
        green = PatternFill(fill_type="solid", start_color="D8F0D8", end_color="D8F0D8")
        red = PatternFill(fill_type="solid", start_color="F8D0D0", end_color="F8D0D0")
        letter = get_column_letter(c_result)
        runs: list[list[int]] = []
        for r in check_rows:  # contiguous runs of check rows: headers and blanks stay plain
            if runs and runs[-1][1] == r - 1:
                runs[-1][1] = r
            else:
                runs.append([r, r])
        area = " ".join(f"{letter}{a}:{letter}{b}" for a, b in runs)
        sheet.ws.conditional_formatting.add(area, CellIsRule(operator="equal", formula=['"OK"'], fill=green))
        sheet.ws.conditional_formatting.add(area, CellIsRule(operator="notEqual", formula=['"OK"'], fill=red))
        self._finish(sheet, {c_label: 95, c_result: 18}, "A5", [COL_KEY, COL_TYPE])

    # ---- validations, hidden keys, properties
    def validations(self, sheet: Sheet) -> None:
        ws = sheet.ws
        max_euros = MAX_LINE_CENTS // 100
        specs = [
            (
                "euro",
                DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=str(max_euros),
                    allow_blank=True,
                    error=f"Montant en euros, positif, au plus {max_euros:,} €".replace(",", " ")
                    + ", deux décimales au plus.",
                ),
            ),
            (
                "etp",
                DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2="100",
                    allow_blank=True,
                    error="Nombre d'ETP entre 0 et 100, deux décimales au plus.",
                ),
            ),
            (
                "status",
                DataValidation(
                    type="list",
                    formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
                    allow_blank=True,
                    error="Statut : Acquis, Sollicité ou À solliciter.",
                ),
            ),
            (
                "account",
                DataValidation(
                    type="list",
                    formula1='"' + ",".join(dom.chart().charge_codes) + '"',
                    allow_blank=True,
                    error="Compte de charges : 60 à 68 ou 86.",
                ),
            ),
        ]
        for kind, dv in specs:
            if not self.inputs[kind]:
                continue
            dv.errorTitle = "Saisie refusée"
            dv.showErrorMessage = True
            dv.sqref = " ".join(self.inputs[kind])  # MultiCellRange from a space-separated list
            ws.add_data_validation(dv)

    def keys_sheet(self) -> None:
        ws = self.wb.create_sheet(KEYS)
        ws.sheet_state = "veryHidden"
        s = self.detail.summary
        meta = [
            ("format", FORMAT_MARKER),
            ("format_version", FORMAT_VERSION),
            ("prae_id", s.id),
            ("prae_title", s.title),
            ("years", ",".join(map(str, self.years))),
            ("app_version", self.app_version),
            ("exported_at", self.exported_at.isoformat()),
        ]
        ws.append(["clé", "valeur"])
        for key, value in meta:
            ws.append([key, value])
        blob = json.dumps(self.snapshot, ensure_ascii=False, separators=(",", ":"))
        chunks = [blob[i : i + 30000] for i in range(0, len(blob), 30000)] or [""]
        for i, chunk in enumerate(chunks):
            ws.append([f"snapshot|{i}", chunk])
        ws.protection.sheet = True

    def properties(self) -> None:
        s, org = self.detail.summary, self.detail.organisation
        p = self.wb.properties
        p.title = f"Budget — {s.title}"
        p.subject = "Budget prévisionnel et plan de financement du PRAE (annexe budgétaire de la CPO)"
        p.creator = p.lastModifiedBy = f"PNAE Desktop {self.app_version}".strip()
        p.keywords = f"PRAE; CPO; budget; {org.name}; {s.region_name}; {s.start_year}-{s.end_year}"
        p.description = (
            f"{org.name} ({s.region_name}) — {s.title}. Classeur produit par PNAE Desktop : "
            "les totaux sont des formules, les cellules jaunes sont à saisir."
        )
        p.category = "Budget"
        p.language = "fr-FR"
        p.created = self.exported_at.replace(tzinfo=None)

    def build(self) -> Workbook:
        syn = self._sheet(SYNTHESIS, 0)
        pa = self._sheet(BY_ACTION)
        nat = self._sheet(BY_NATURE)
        fin = self._sheet(FINANCING)
        chk = self._sheet(CHECKS)
        self.by_action(pa)  # first: the other sheets refer to its rows
        self._names()
        self.synthesis(syn)
        self.by_nature(nat)
        self.financing(fin)
        self.checks(chk)
        self.validations(pa)
        self.keys_sheet()
        self.properties()
        self.wb.security = WorkbookProtection(lockStructure=True)  # no password: sheets stay put
        self.wb.active = 0
        return self.wb


def build_workbook(
    detail: PraeDetail,
    budget: dom.Budget,
    totals: dom.BudgetTotals,
    *,
    app_version: str = "",
    catalogue=None,
    exported_at: datetime | None = None,
) -> Workbook:
    """The budget workbook of a PRAE, in memory (see the module doc for its layout)."""
    return _Builder(
        detail,
        budget,
        totals,
        catalogue=catalogue,
        app_version=app_version,
        exported_at=exported_at,
    ).build()


def write_workbook(
    detail: PraeDetail,
    budget: dom.Budget,
    totals: dom.BudgetTotals,
    path: Path | str,
    *,
    app_version: str,
    catalogue=None,
) -> Path:
    """Write the budget workbook of already-loaded data to `path` (.xlsx), atomically (a
    failure leaves neither a partial file nor a clobbered previous one)."""
    wb = build_workbook(detail, budget, totals, app_version=app_version, catalogue=catalogue)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return path


def write_budget_workbook(store, prae_id: int, path: Path | str, *, app_version: str) -> Path:
    """Export the PRAE's budget to `path` (.xlsx), atomically (a crash leaves the old file)."""
    from pnae_desktop.services import budget as budget_service
    from pnae_desktop.services import praes

    detail = praes.get_prae(store, prae_id)
    budget, totals, _problems = budget_service.totals(store, prae_id)
    return write_workbook(detail, budget, totals, path, app_version=app_version)
