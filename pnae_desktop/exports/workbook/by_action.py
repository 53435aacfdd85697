"""« Par action »: one block per action — direct charges by account and line (personnel typed
as ETP × coût annuel chargé keeps both inputs and derives the amount), spare rows for new
lines, direct total, structural share, full cost, the split per CPO objective, financing per
funder × year (status and amount), resources and balance. Written first: the other sheets
refer to its rows through defined names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils import get_column_letter

from pnae_desktop.domain import budget as dom
from pnae_desktop.exports.workbook.book import ActionRows, Book
from pnae_desktop.exports.workbook.layout import (
    COL_ACCOUNT,
    COL_GROUP,
    COL_GROUP2,
    COL_KEY,
    COL_LABEL,
    COL_TYPE,
    FIRST_BLOCK_ROW,
    FIRST_YEAR_COL,
    HEADER_ROWS,
    SPARE_ROWS,
    STATUS_LABELS,
    T_BALANCE,
    T_CHARGE,
    T_DIRECT,
    T_FIN,
    T_FINTOTAL,
    T_FULL,
    T_OBJ,
    T_STRUCT,
    account_value,
    euros,
    helper_cols,
    hundredths,
    total_col,
    year_cols,
)
from pnae_desktop.exports.workbook.sheet import Sheet, merge
from pnae_desktop.exports.workbook.styles import (
    S_BLOCK,
    S_BLOCK_TITLE,
    S_CODE,
    S_FORMULA_EURO,
    S_HEADER,
    S_HEADER_LEFT,
    S_HELPER,
    S_INPUT_CODE,
    S_INPUT_ETP,
    S_INPUT_EURO,
    S_INPUT_TEXT,
    S_NOTE,
    S_PARAM_EURO,
    S_PARAM_PERCENT,
    S_SECTION,
    S_TEXT,
    S_TEXT_INDENT,
    S_TITLE,
    S_TOTAL_ETP,
    S_TOTAL_EURO,
    S_TOTAL_LABEL,
    S_TOTAL_SIGNED,
    Style,
)

Formula = Callable[[int], str]  # column → the formula of that column's cell


@dataclass
class ChargeRow:
    key: str
    account: str
    label: str
    by_etp: bool
    lines: dict[int, dom.ChargeLine]


def charge_rows(budget: dom.Budget, action_id: dom.Id) -> list[ChargeRow]:
    """The action's charge lines as rows (one per account and label), in chart order."""
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


def write_by_action(book: Book, sheet: Sheet) -> None:
    n = book.n
    tcol = total_col(n)
    title = f"Budget par action — {book.detail.summary.title} — {book.detail.organisation.name}"
    sheet.put(2, COL_LABEL, title, S_TITLE)
    _headers(book, sheet)
    row = FIRST_BLOCK_ROW
    for number, info in enumerate(book.budget.actions, start=1):
        rows = ActionRows(info, number)
        row = _action_block(book, sheet, rows, row) + 1
        book.actions.append(rows)
    book.last_row = row
    widths: dict[int, float] = {COL_ACCOUNT: 9, COL_LABEL: 60, tcol: 15}
    for k in range(n):
        c_etp, c_cost, c_amt = year_cols(k)
        widths |= {c_etp: 11, c_cost: 13, c_amt: 14}
    hidden = [COL_KEY, COL_TYPE, COL_GROUP, COL_GROUP2]
    hidden += [c for k in range(n) for c in helper_cols(k, n)]
    book.finish(
        sheet,
        widths,
        f"{get_column_letter(FIRST_YEAR_COL)}{HEADER_ROWS + 1}",
        hidden,
        print_titles=f"3:{HEADER_ROWS}",
        banner_rows=(2,),
    )


def _headers(book: Book, sheet: Sheet) -> None:
    """Hidden column keys (row 1) and visible headers (rows 3-4)."""
    n = book.n
    tcol = total_col(n)
    sheet.key_columns(
        (
            (COL_KEY, "clé"),
            (COL_TYPE, "type"),
            (COL_GROUP, "groupe"),
            (COL_GROUP2, "groupe2"),
            (COL_ACCOUNT, "COMPTE"),
            (COL_LABEL, "LIBELLE"),
            (tcol, "TOTAL"),
        )
    )
    sheet.put(3, COL_ACCOUNT, "Compte", S_HEADER)
    sheet.put(3, COL_LABEL, "Libellé", S_HEADER_LEFT)
    sheet.put(4, COL_ACCOUNT, "", S_HEADER)
    sheet.put(4, COL_LABEL, "", S_HEADER_LEFT)
    for k, y in enumerate(book.years):
        c_etp, c_cost, c_amt = year_cols(k)
        p, r = helper_cols(k, n)
        sheet.key_columns(
            ((c_etp, f"ETP|{y}"), (c_cost, f"COUT|{y}"), (c_amt, f"MONTANT|{y}"), (p, f"P|{y}"), (r, f"R|{y}"))
        )
        sheet.put(3, c_etp, str(y), S_HEADER)
        sheet.put(3, c_cost, "", S_HEADER)
        sheet.put(3, c_amt, "", S_HEADER)
        merge(sheet.ws, 3, c_etp, c_amt)
        sheet.put(4, c_etp, "ETP / statut", S_HEADER)
        sheet.put(4, c_cost, "Coût annuel chargé", S_HEADER)
        sheet.put(4, c_amt, "Montant", S_HEADER)
    sheet.put(3, tcol, "Total", S_HEADER)
    sheet.put(4, tcol, "", S_HEADER)
    sheet.ws.row_dimensions[4].height = 30


def _action_block(book: Book, sheet: Sheet, a: ActionRows, row: int) -> int:
    """The whole block of one action from `row`; returns the row after it."""
    row = _block_title(book, sheet, a, row)
    a.first_input_row = row
    for charge in charge_rows(book.budget, a.info.action_id):
        _charge_row(book, sheet, charge, row)
        row += 1
    row = _spare_rows(book, sheet, a.info.action_id, row)
    a.last_input_row = row - 1
    row = _cost_totals(book, sheet, a, row)
    row = _objectives(book, sheet, a, row)
    return _financing(book, sheet, a, row)


def _block_title(book: Book, sheet: Sheet, a: ActionRows, row: int) -> int:
    info, n = a.info, book.n
    aid, last_col = info.action_id, total_col(n)
    codes = ", ".join(info.objective_codes) or "aucun"
    sheet.keys(row, f"A|{aid}")
    sheet.block_starts.append(row)  # printed on one page when it fits
    for col in range(COL_ACCOUNT, last_col + 1):
        sheet.put(row, col, f"Action {a.number} — {info.title}" if col == COL_LABEL else None, S_BLOCK_TITLE)
    sheet.put(row, COL_ACCOUNT, f"n° {a.number}", S_BLOCK)
    # the title wraps inside the block's width instead of overflowing the printed page
    merge(sheet.ws, row, COL_LABEL, last_col)
    width = 60 + 38 * n + 15
    lines = max(1, -(-int(len(info.title) * 1.15 + 12) // width))
    sheet.ws.row_dimensions[row].height = 17 * lines + 3
    row += 1
    sheet.keys(row, f"H|{aid}")
    sheet.put(row, COL_LABEL, f"Charges directes (objectifs CPO : {codes})", S_SECTION)
    return row + 1


def _charge_row(book: Book, sheet: Sheet, charge: ChargeRow, row: int) -> None:
    """One charge line: per year an amount to type, or ETP × coût annuel chargé."""
    sheet.keys(row, charge.key, T_CHARGE)
    sheet.put(row, COL_ACCOUNT, account_value(charge.account), S_CODE)
    sheet.put(row, COL_LABEL, charge.label, S_INPUT_TEXT)  # renaming the line: read back
    book.inputs["label"].append(sheet.ref(row, COL_LABEL))
    snap: dict[int, list[object]] = {}
    for k, y in enumerate(book.years):
        c_etp, c_cost, c_amt = year_cols(k)
        line = charge.lines.get(y)
        if line is not None and line.etp is None:  # typed as an amount
            sheet.put(row, c_amt, euros(line.cents), S_INPUT_EURO)
            book.inputs["euro"].append(sheet.ref(row, c_amt))
            snap[y] = ["a", line.cents]
        elif line is not None or charge.by_etp:  # ETP × coût annuel chargé
            etp = line.etp_hundredths if line is not None else None
            cost = line.annual_cost_cents if line is not None else None
            sheet.put(row, c_etp, None if etp is None else hundredths(Decimal(etp).scaleb(-2)), S_INPUT_ETP)
            sheet.put(row, c_cost, None if cost is None else euros(cost), S_INPUT_EURO)
            book.inputs["etp"].append(sheet.ref(row, c_etp))
            book.inputs["euro"].append(sheet.ref(row, c_cost))
            sheet.formula(row, c_amt, f"=ROUND({sheet.ref(row, c_etp)}*{sheet.ref(row, c_cost)},2)")
            snap[y] = ["e", etp, cost]
        else:  # no line this year: an empty amount to type
            sheet.put(row, c_amt, None, S_INPUT_EURO)
            book.inputs["euro"].append(sheet.ref(row, c_amt))
            snap[y] = ["a", None]
    book.snapshot["charges"][charge.key] = {str(y): v for y, v in snap.items()}
    _row_total(book, sheet, row)


def _spare_rows(book: Book, sheet: Sheet, aid: dom.Id, row: int) -> int:
    """The « lignes supplémentaires »: account, label and amounts to type for a new line."""
    sheet.keys(row, f"H|{aid}|spare")
    sheet.put(row, COL_LABEL, "Lignes supplémentaires : compte (60 à 68, 86), libellé, montants", S_NOTE)
    row += 1
    for k_spare in range(SPARE_ROWS):
        key = f"N|{aid}|{k_spare + 1}"
        sheet.keys(row, key, T_CHARGE)
        sheet.put(row, COL_ACCOUNT, None, S_INPUT_CODE)
        sheet.put(row, COL_LABEL, None, S_INPUT_TEXT)
        book.inputs["account"].append(sheet.ref(row, COL_ACCOUNT))
        book.inputs["label"].append(sheet.ref(row, COL_LABEL))
        for k in range(book.n):
            c_amt = year_cols(k)[2]
            sheet.put(row, c_amt, None, S_INPUT_EURO)
            book.inputs["euro"].append(sheet.ref(row, c_amt))
        _row_total(book, sheet, row)
        book.snapshot["spare"].append(key)
        row += 1
    return row


def _cost_totals(book: Book, sheet: Sheet, a: ActionRows, row: int) -> int:
    """Direct total, structural share (an app-computed parameter) and full cost."""
    aid, first, last = a.info.action_id, a.first_input_row, a.last_input_row

    def column_sum(c: int) -> str:
        return f"=SUM({sheet.ref(first, c)}:{sheet.ref(last, c)})"

    a.direct_row = row
    label = "Total des charges directes (dont ETP de personnel)"
    _total_band(book, sheet, row, f"T|direct|{aid}", T_DIRECT, label, column_sum, etp=column_sum)
    row += 1

    a.struct_row = row
    sheet.keys(row, f"T|struct|{aid}", T_STRUCT)
    sheet.put(row, COL_LABEL, f"Quote-part des frais de structure ({_method_label(book)})", S_TEXT)
    for k, y in enumerate(book.years):
        cents = book.t.structural_by_action_year.get((aid, y), 0)
        sheet.put(row, year_cols(k)[2], euros(cents), S_PARAM_EURO)
    _row_total(book, sheet, row)
    row += 1

    a.full_row = row
    _total_band(
        book,
        sheet,
        row,
        f"T|full|{aid}",
        T_FULL,
        "Coût complet de l'action",
        lambda c: f"={sheet.ref(a.direct_row, c)}+{sheet.ref(a.struct_row, c)}",
    )
    return row + 1


def _total_band(
    book: Book,
    sheet: Sheet,
    row: int,
    key: str,
    row_type: str,
    label: str,
    amount: Formula,
    style: Style = S_TOTAL_EURO,
    etp: Formula | None = None,
) -> None:
    """A total row of an action block: per year the `amount(column)` formula (and, for the
    direct costs, the `etp(column)` sum), then the row's total."""
    sheet.keys(row, key, row_type)
    sheet.put(row, COL_ACCOUNT, None, S_TOTAL_LABEL)
    sheet.put(row, COL_LABEL, label, S_TOTAL_LABEL)
    for k in range(book.n):
        c_etp, c_cost, c_amt = year_cols(k)
        if etp is None:
            sheet.put(row, c_etp, None, S_TOTAL_LABEL)
        else:
            sheet.formula(row, c_etp, etp(c_etp), S_TOTAL_ETP)
        sheet.put(row, c_cost, None, S_TOTAL_LABEL)
        sheet.formula(row, c_amt, amount(c_amt), style)
    _row_total(book, sheet, row, style)


def _row_total(book: Book, sheet: Sheet, row: int, style: Style = S_FORMULA_EURO) -> None:
    """The row's « Total » cell: the sum of its yearly amounts."""
    cells = ",".join(sheet.ref(row, year_cols(k)[2]) for k in range(book.n))
    sheet.formula(row, total_col(book.n), f"=SUM({cells})", style)


def _method_label(book: Book) -> str:
    keys = {k.year: k.method for k in book.budget.allocation_keys}
    methods = {keys.get(y, "direct") for y in book.years}
    if len(methods) == 1:
        return dom.ALLOCATION_METHODS[methods.pop()]
    return "selon la clé de chaque année"


def _objectives(book: Book, sheet: Sheet, a: ActionRows, row: int) -> int:
    """Full cost split over the action's CPO objectives (see `_objective_split`)."""
    info, aid = a.info, a.info.action_id
    codes, shares = info.objective_codes, info.shares
    head = row
    sheet.keys(row, f"T|obj|{aid}")
    if not codes:
        sheet.put(row, COL_LABEL, "Aucun objectif CPO : le coût complet est compté « non affecté ».", S_NOTE)
        return row + 1
    sheet.put(row, COL_LABEL, "Répartition du coût complet par objectif CPO (part en %)", S_SECTION)
    first = row + 1
    last = first + len(codes) - 1
    for i, (code, share) in enumerate(zip(codes, shares)):
        r = first + i
        a.objective_rows.append(r)
        sheet.keys(r, f"O|{aid}|{code}", T_OBJ)
        sheet.ws.cell(row=r, column=COL_GROUP, value=f"O{code}")
        sheet.ws.cell(row=r, column=COL_GROUP2, value=f"A{dom.axis_of(code)}")
        sheet.put(r, COL_ACCOUNT, hundredths(Decimal(share) / 100), S_PARAM_PERCENT)
        # the objective's full text is on « Synthèse »: repeated here it would fill the page
        sheet.put(r, COL_LABEL, f"Objectif {code} (intitulé complet : feuille « Synthèse »)", S_TEXT_INDENT)
    for k in range(book.n):
        _objective_split(book, sheet, a, k, head, first, last)
    for r in range(first, last + 1):
        _row_total(book, sheet, r)
    return last + 1


def _objective_split(book: Book, sheet: Sheet, a: ActionRows, k: int, head: int, first: int, last: int) -> None:
    """Year k's split, exactly as `split_cents` does: half-up integer parts (hidden helper
    columns P), then the cents left go to the largest remainders (R; earlier objective first
    on ties), or come back from the smallest (later first)."""
    c_amt = year_cols(k)[2]
    p_col, r_col = helper_cols(k, book.n)
    full = sheet.ref(a.full_row, c_amt, absolute=True)
    if first == last:
        w = f"ROUND({sheet.ref(first, COL_ACCOUNT, True)}*10000,0)"
        sheet.formula(first, c_amt, f"=IF({w}=0,0,{full})")
        return
    share_range = f"{sheet.ref(first, COL_ACCOUNT, True)}:{sheet.ref(last, COL_ACCOUNT, True)}"
    fc = f"ROUND({full}*100,0)"
    left = sheet.ref(head, p_col, absolute=True)
    wsum = sheet.ref(head, r_col, absolute=True)
    p_range = f"{sheet.ref(first, p_col, True)}:{sheet.ref(last, p_col, True)}"
    r_range = f"{sheet.ref(first, r_col, True)}:{sheet.ref(last, r_col, True)}"
    sheet.formula(head, r_col, f"=ROUND(SUM({share_range})*10000,0)", S_HELPER)
    sheet.formula(head, p_col, f"={fc}-SUM({p_range})", S_HELPER)
    for r in range(first, last + 1):
        w = f"ROUND({sheet.ref(r, COL_ACCOUNT, True)}*10000,0)"
        p, rem = sheet.ref(r, p_col), sheet.ref(r, r_col)
        sheet.formula(r, p_col, f"=IF({wsum}=0,0,INT((2*{fc}*{w}+{wsum})/(2*{wsum})))", S_HELPER)
        sheet.formula(r, r_col, f"={fc}*{w}-{p}*{wsum}", S_HELPER)
        up = f"IF(SUMPRODUCT(({r_range}>{rem})*1)+SUMPRODUCT(({r_range}={rem})*(ROW({r_range})<ROW({rem})))<{left},1,0)"
        down = (
            f"IF(SUMPRODUCT(({r_range}<{rem})*1)+SUMPRODUCT(({r_range}={rem})*(ROW({r_range})>ROW({rem})))<-{left},1,0)"
        )
        sheet.formula(r, c_amt, f"=IF({wsum}=0,0,({p}+IF({left}>0,{up},IF({left}<0,-{down},0)))/100)")


def _financing(book: Book, sheet: Sheet, a: ActionRows, row: int) -> int:
    """Financing per funder × year (status and amount to type), resources and balance."""
    aid = a.info.action_id
    sheet.keys(row, f"H|{aid}|fin")
    sheet.put(row, COL_LABEL, "Financements (statut et montant par année)", S_SECTION)
    for k in range(book.n):
        c_etp, _, c_amt = year_cols(k)
        sheet.put(row, c_etp, "Statut", S_NOTE)
        sheet.put(row, c_amt, "Montant", S_NOTE)
    row += 1
    lines = {(f.funder_id, f.year): f for f in book.budget.financing if f.action_id == aid}
    first = row
    for funder in book.budget.funders:
        _funder_row(book, sheet, aid, funder, lines, row)
        row += 1
    last = row - 1
    a.fin_total_row = row
    _total_band(
        book,
        sheet,
        row,
        f"T|fin|{aid}",
        T_FINTOTAL,
        "Total des ressources",
        lambda c: f"=SUM({sheet.ref(first, c)}:{sheet.ref(last, c)})" if last >= first else "=0",
    )
    row += 1
    _total_band(
        book,
        sheet,
        row,
        f"T|bal|{aid}",
        T_BALANCE,
        "Solde (ressources − coût complet)",
        lambda c: f"={sheet.ref(a.fin_total_row, c)}-{sheet.ref(a.full_row, c)}",
        style=S_TOTAL_SIGNED,
    )
    return row + 1


def _funder_row(
    book: Book,
    sheet: Sheet,
    aid: dom.Id,
    funder: dom.Funder,
    lines: dict[tuple[dom.Id, int], dom.FinancingLine],
    row: int,
) -> None:
    key = f"F|{aid}|{funder.id}"
    sheet.keys(row, key, T_FIN)
    sheet.ws.cell(row=row, column=COL_GROUP, value=f"F{funder.id}")
    sheet.ws.cell(row=row, column=COL_GROUP2, value=f"R{funder.resource_line}")
    sheet.put(row, COL_ACCOUNT, funder.resource_line.split(".", 1)[0], S_CODE)
    sheet.put(row, COL_LABEL, funder.name, S_TEXT_INDENT)
    snap: dict[str, list[object]] = {}
    for k, y in enumerate(book.years):
        c_etp, _, c_amt = year_cols(k)
        line = lines.get((funder.id, y))
        status = line.status if line is not None else None  # blank: « sollicité » on import
        sheet.put(row, c_etp, STATUS_LABELS[status] if status else None, S_INPUT_CODE)
        sheet.put(row, c_amt, None if line is None else euros(line.amount_cents), S_INPUT_EURO)
        book.inputs["status"].append(sheet.ref(row, c_etp))
        book.inputs["euro"].append(sheet.ref(row, c_amt))
        snap[str(y)] = [None if line is None else line.amount_cents, status]
    book.snapshot["financing"][key] = snap
    book.snapshot["labels"][key] = funder.name  # a name changed in the workbook is refused
    _row_total(book, sheet, row)
