"""The state the sheet writers share while one workbook is built: the PRAE's data, the
openpyxl workbook, and where each sheet put its rows (the later sheets refer to them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.errors import CatalogueError
from pnae_desktop.exports.workbook.layout import (
    BY_ACTION,
    COL_ACCOUNT,
    COL_GROUP,
    COL_GROUP2,
    COL_TYPE,
    FIRST_BLOCK_ROW,
    year_cols,
)
from pnae_desktop.exports.workbook.sheet import Sheet, col_range, finish
from pnae_desktop.exports.workbook.styles import S_SUBTITLE, S_TITLE


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


def _catalogue_of(detail: PraeDetail) -> Catalogue:
    catalogues = shipped_catalogues()
    try:
        return catalogues.get(detail.summary.catalogue_edition)
    except CatalogueError:  # edition not shipped: fall back to the newest one
        return catalogues.default


class Book:
    def __init__(
        self,
        detail: PraeDetail,
        budget: dom.Budget,
        totals: dom.BudgetTotals,
        *,
        catalogue: Catalogue | None = None,
        app_version: str = "",
        exported_at: datetime | None = None,
    ):
        self.detail, self.budget, self.t = detail, budget, totals
        self.years: tuple[int, ...] = tuple(totals.years)
        self.n = len(self.years)
        self.app_version = app_version
        self.exported_at = exported_at or datetime.now(timezone.utc).replace(microsecond=0)
        if catalogue is None:
            catalogue = _catalogue_of(detail)
        self.axes: dict[str, str] = {str(a.number): a.title for a in catalogue.cpo_axes}
        self.objectives: dict[str, str] = {o.code: o.text for o in catalogue.cpo_objectives}
        self.wb = Workbook()
        self.styles: dict[Any, Any] = {}
        self.actions: list[ActionRows] = []
        self.snapshot: dict[str, Any] = {"charges": {}, "financing": {}, "spare": [], "labels": {}}
        self.inputs: dict[str, list[str]] = {"euro": [], "etp": [], "status": [], "account": [], "label": []}
        # where the sheets put their rows and columns, for the sheets written after them
        self.last_row = FIRST_BLOCK_ROW
        self.syn_rows: dict[str, int] = {}
        self.syn_cols: dict[int, int] = {}
        self.syn_total_col = 0
        self.nat_rows: dict[str, int] = {}
        self.nat_cols: dict[int, int] = {}
        self.fin_rows: dict[str, int] = {}
        self.fin_cols: dict[str | None, int] = {}
        # defined names over « Par action » columns (filled by `define_names`)
        self.n_type = self.n_group = self.n_group2 = self.n_account = ""
        self.n_amount: dict[int, str] = {}
        self.n_etp: dict[int, str] = {}

    # ---- common sheet furniture
    def sheet(self, title: str, index: int | None = None) -> Sheet:
        if index == 0:
            ws = self.wb.active
            ws.title = title
        else:
            ws = self.wb.create_sheet(title)
        return Sheet(ws, self.styles)

    def finish(self, sheet: Sheet, widths: dict[int, float], freeze: str, hidden_cols: list[int], **kw: Any) -> None:
        organisation, title = self.detail.organisation.name, self.detail.summary.title
        finish(sheet, widths, freeze, hidden_cols, organisation=organisation, prae_title=title, **kw)

    def title(self, sheet: Sheet, text: str) -> None:
        sheet.put(2, 3, text, S_TITLE)
        s = self.detail.summary
        sub = (
            f"{self.detail.organisation.name} — période {s.start_year}–{s.end_year} — "
            f"exporté le {self.exported_at.astimezone().strftime('%d/%m/%Y à %H:%M')}"
        )
        sheet.put(3, 3, sub, S_SUBTITLE)

    # ---- defined names over « Par action » (readable formulas in the other sheets)
    def define_names(self) -> None:
        first, last = FIRST_BLOCK_ROW, max(self.last_row, FIRST_BLOCK_ROW)

        def define(name: str, col: int) -> str:
            self.wb.defined_names[name] = DefinedName(name, attr_text=col_range(BY_ACTION, col, first, last))
            return name

        self.n_type = define("PA_Type", COL_TYPE)
        self.n_group = define("PA_Groupe", COL_GROUP)
        self.n_group2 = define("PA_Groupe2", COL_GROUP2)
        self.n_account = define("PA_Compte", COL_ACCOUNT)
        for k, y in enumerate(self.years):
            c_etp, _, c_amt = year_cols(k)
            self.n_amount[y] = define(f"PA_Montant_{y}", c_amt)
            self.n_etp[y] = define(f"PA_ETP_{y}", c_etp)

    def sumifs(self, y: int, *criteria: tuple[str, str]) -> str:
        parts = [self.n_amount[y]]
        for name, value in criteria:
            parts += [name, value]
        return "SUMIFS(" + ",".join(parts) + ")"
