"""Where things are in the budget workbook: sheet names, « Par action » columns, row types,
the format marker, and the exact numbers written into cells.

Shared by the writer and the reader (`exports/budget_import.py`); plain Python, no openpyxl.
"""

from __future__ import annotations

from decimal import Decimal

from pnae_desktop.domain import budget as dom

FORMAT_MARKER = "PNAE Desktop — classeur budgétaire"
FORMAT_VERSION = 1

SYNTHESIS = "Synthèse"
BY_ACTION = "Par action"
BY_NATURE = "Charges par nature"
FINANCING = "Financements"
CHECKS = "Contrôles"
KEYS = "_clés"
SHEETS = (SYNTHESIS, BY_ACTION, BY_NATURE, FINANCING, CHECKS)

MAX_LABEL = 300  # characters of a charge line's label, as the budget services accept
SPARE_ROWS = 3  # « lignes supplémentaires » per action block
STATUS_LABELS = dict(dom.FINANCING_STATUSES)  # key → « Acquis », « Sollicité », « À solliciter »
DEFAULT_STATUS = "sollicite"

# « Par action » layout (1-based columns). A–D hidden keys, E account / share, F label, then
# per year 3 columns (ETP or status, annual cost, amount), the row total, hidden helpers.
COL_KEY, COL_TYPE, COL_GROUP, COL_GROUP2, COL_ACCOUNT, COL_LABEL = 1, 2, 3, 4, 5, 6
FIRST_YEAR_COL = 7
HEADER_ROWS = 4  # hidden key row, title, years, sub-headers
FIRST_BLOCK_ROW = HEADER_ROWS + 2

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


def account_value(code: str) -> int | str:
    """Charge accounts go in cells as numbers (60…86) so that a typed 60 matches them."""
    return int(code) if code.isdigit() else code


def criterion(value: int | str) -> str:
    """A SUMIFS criterion matching `value` exactly (a number, or a quoted text)."""
    return str(value) if isinstance(value, int) else '"' + value.replace('"', '""') + '"'
