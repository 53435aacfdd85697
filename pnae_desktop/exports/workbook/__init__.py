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

Keys (read back by `exports/budget_import.py`): on every visible sheet, hidden column A holds a
key per row and hidden row 1 a key per column. « Par action » row keys: ``C|action|account|label``
(charge line), ``N|action|k`` (spare row), ``F|action|funder`` (financing), ``T|<total>|action``
and ``O|action|objective``; column keys: ``ETP|year`` (also the status column of financing
rows), ``COUT|year``, ``MONTANT|year``, ``TOTAL``, ``P|year``/``R|year`` (hidden helpers).

Inputs (unlocked, pale yellow): charge amounts, ETP and annual cost of personnel lines typed
as ETP, financing amounts and statuses, the labels of existing charge lines (a changed label
is read back as a renaming; the row key keeps the exported label), and in spare rows the
account, label and amounts. Amounts are formatted `#,##0.00\\ "€"` (escaped space), which a
French-locale LibreOffice keeps when it saves the file.

Printing: every sheet repeats its column headings (print titles), sections and action blocks
start a new page when they would not fit in what is left of one, long texts wrap in rows tall
enough; nothing is cut (`page`).
App-computed parameters (locked, grey): each action's structural share, each objective's
percentage, the structural cost lines. Everything else is a locked formula; the sheets are
protected without a password.

Modules: `layout` (sheet names, columns, row types, exact numbers; shared with the reader),
`styles`, `sheet` (cell writing and page furniture), `page` (row heights and page breaks), `book` (the state the sheets share),
one module per sheet (`by_action`, `synthesis`, `by_nature`, `financing`, `checks`), and
`build` (assembly, validations, keys sheet, properties, file writing); `reading` opens an
exported workbook and reads its cells back for `exports/budget_import.py`.
"""

from __future__ import annotations

from pnae_desktop.exports.workbook.build import build_workbook, write_workbook
from pnae_desktop.exports.workbook.layout import (
    BY_ACTION,
    BY_NATURE,
    CHECKS,
    COL_ACCOUNT,
    COL_LABEL,
    DEFAULT_STATUS,
    FINANCING,
    FIRST_BLOCK_ROW,
    FORMAT_MARKER,
    FORMAT_VERSION,
    KEYS,
    SHEETS,
    SPARE_ROWS,
    SYNTHESIS,
    total_col,
    year_cols,
)

__all__ = [
    "BY_ACTION",
    "BY_NATURE",
    "CHECKS",
    "COL_ACCOUNT",
    "COL_LABEL",
    "DEFAULT_STATUS",
    "FINANCING",
    "FIRST_BLOCK_ROW",
    "FORMAT_MARKER",
    "FORMAT_VERSION",
    "KEYS",
    "SHEETS",
    "SPARE_ROWS",
    "SYNTHESIS",
    "build_workbook",
    "total_col",
    "write_workbook",
    "year_cols",
]
