"""What the PRAE's sections are built from (:class:`PraeData`) and the formatting they share:
amounts, indicator values, objective and axis labels, rich text, a fiche's field headings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from babel.numbers import format_decimal
from reportlab.platypus import Flowable, Paragraph

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import richtext
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.domain.money import LOCALE, format_amount
from pnae_desktop.exports.pdf.lists import keep_intro, list_flowables
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.exports.pdf.text import FONT_ITALIC, escape, markup

ADAPTED_LABEL = "adapté au contexte régional"
ABSENT = "—"


@dataclass(frozen=True)
class PraeData:
    """What the PRAE's sections are built from (the budget is optional for a fiche alone)."""

    detail: PraeDetail
    catalogue: Catalogue
    budget: dom.Budget | None = None
    totals: dom.BudgetTotals | None = None

    @property
    def years(self) -> tuple[int, ...]:
        return self.detail.years

    @cached_property
    def _numbers(self) -> dict[int, int]:
        return {a.id: n for n, a in enumerate(self.detail.actions, start=1)}

    def number(self, action: PraeAction) -> int:
        """The fiche's number in the PRAE: its rank, 1-based."""
        return self._numbers[action.id]

    def fiche_title(self, action: PraeAction) -> str:
        return f"Fiche {self.number(action)} – {action.title}"

    @property
    def budget_plan(self) -> dom.Budget:
        """The budget, for the sections that show it (a fiche alone may have none)."""
        if self.budget is None:
            raise ValueError("this PRAE section needs the budget")
        return self.budget

    @property
    def budget_totals(self) -> dom.BudgetTotals:
        """The budget's totals, for the sections that show them (a fiche alone may have none)."""
        if self.totals is None:
            raise ValueError("this PRAE section needs the budget's totals")
        return self.totals


@dataclass(frozen=True)
class Item:
    """A list item made here (an objective served, a priority theme), for :func:`list_flowables`."""

    text: str
    children: tuple[Item, ...] = ()
    after: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------
# Formatting
# ------------------------------------------------------------------------------------------


def money(cents: int) -> str:
    return format_amount(cents)


def number_text(value: Decimal | None, unit: str = "") -> str:
    """An indicator's value: "65 %", "1 200", "12,5", "1 500 €"; "—" when absent."""
    if value is None:
        return ABSENT
    text = format_decimal(value, format="#,##0.##", locale=LOCALE)
    if unit == "pourcentage":
        return f"{text} %"
    if unit == "euros":
        return f"{text} €"
    return text


def objective_label(catalogue: Catalogue, code: str) -> str:
    """ "1.2 – assurer l'outillage des missions locales […] notamment à travers :\n- …": the
    objective's whole text, its lines kept (a table cell shows them, a paragraph joins them)."""
    for o in catalogue.cpo_objectives:
        if o.code == code:
            return f"{code} – {o.text.strip().rstrip(' ;,')}"
    return code


def objective_item(catalogue: Catalogue, code: str, suffix: str = "") -> Item:
    """An objective as a list item, whole: its first line (then `suffix`), its "- " lines as
    sub-items and its other lines as paragraphs after them."""
    lines = [line.strip() for line in objective_label(catalogue, code).split("\n") if line.strip()]
    children = tuple(Item(line[2:]) for line in lines[1:] if line.startswith("- "))
    after = tuple(line for line in lines[1:] if not line.startswith("- "))
    return Item(lines[0] + suffix, children, after)


def axis_label(catalogue: Catalogue, axis: str | None) -> str:
    if axis is None:
        return "Non affecté à un objectif CPO"
    for a in catalogue.cpo_axes:
        if str(a.number) == str(axis):
            return f"Axe {a.number} – {a.title[0].upper()}{a.title[1:]}"
    return f"Axe {axis}"


def year_cells(amounts: Mapping[int, int], years: Sequence[int]) -> list[str]:
    """One amount per year, then their total."""
    return [money(amounts.get(y, 0)) for y in years] + [money(sum(amounts.get(y, 0) for y in years))]


def account_rows(years: Sequence[int], amount: Callable[[int, str], int]) -> list[list[str]]:
    """One row per charge account of the chart with money in it, in the chart's order: its
    title, then `amount(year, account)` per year and their total."""
    chart = dom.chart()
    rows = []
    for code in chart.charge_codes:
        amounts = {y: amount(y, code) for y in years}
        if any(amounts.values()):
            rows.append([chart.by_code[code].title, *year_cells(amounts, years)])
    return rows


def resource_line_label(line: str | None) -> str:
    """ "74 Subventions d'exploitation – État" for a sub-line of 74, else the account's title."""
    chart = dom.chart()
    if line is None:
        return "Financeur sans ligne du plan comptable"
    if "." in line:
        return f"{chart.by_code[line.split('.', 1)[0]].title} – {chart.by_code[line].label}"
    return chart.by_code[line].title


def rich_flowables(text: str | None, *, absent: str = ABSENT) -> list[Flowable]:
    """Rich text (paragraphs, #### sub-headings, bullets, numbered lists with sub-items)."""
    st = styles()
    if text is None or not text.strip():
        return [para(absent, st.absent)]
    out: list[Flowable] = []
    for block in richtext.parse(text):
        if block.kind == "heading":
            out.append(para(block.text, st.subheading, rich=True))
        elif block.kind == "paragraph":
            out.append(para(block.text, st.body, rich=True))
        else:
            out += list_flowables(block.items, ordered=block.kind == "numbered", rich=True)
    return keep_intro(out)


def section(label: str, *, adapted: bool = False) -> Paragraph:
    """A fiche's field heading (navy band), with the "adapted" marker when it applies."""
    extra = ""
    if adapted:
        extra = (
            f'  <font name="{FONT_ITALIC}" size="7.5" color="#1d3a5f" backColor="#f6d365">'
            f"\u00a0{escape(ADAPTED_LABEL)}\u00a0</font>"
        )
    return Paragraph(markup(label) + extra, styles().section)
