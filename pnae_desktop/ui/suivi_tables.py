"""The Suivi page's sheets as display and edit texts: indicators against their targets, realised
amounts against the forecast with their gaps and the explanations they require, and the
contributions volontaires en nature. A status is always said in words (« explication
requise »), never by colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QObject

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.budget.chart import chart
from pnae_desktop.domain.money import format_amount, format_percentage
from pnae_desktop.ui.budget_sheet import (
    ALIGN,
    BACKGROUND,
    BOLD,
    FONT,
    GREY_BRUSH,
    RED,
    SheetContent,
    SheetModel,
    edit_text,
)

REQUIRED = "⚠ explication requise"
EXPLANATION_COLUMN = 5
REALISED_COLUMN = 2
INDICATOR_COLUMN = 4


class TextColumnsModel(SheetModel):
    """A sheet whose numeric columns are right-aligned, except the `text_columns` (an
    explanation, a label), read left to right like text; its `headings` rows (an action's title
    over its lines) are bold and shaded, and span the whole row in the view (see `span`)."""

    def __init__(self, parent: QObject, on_edit, numeric_from: int = 1, text_columns: Sequence[int] = ()) -> None:
        super().__init__(parent, on_edit)
        self.numeric_from = numeric_from
        self.text_columns = frozenset(text_columns)
        self.headings: frozenset[int] = frozenset()

    def show_grouped(self, content: SheetContent, headings: Sequence[int], view) -> None:
        self.headings = frozenset(headings)
        self.show(content)
        view.clearSpans()
        for row in self.headings:
            view.setSpan(row, 0, 1, len(content.headers))

    def data(self, index, role=0):
        role = int(role)
        if role == ALIGN and index.column() in self.text_columns:
            return None
        if index.row() in self.headings and role in (FONT, BACKGROUND):
            return BOLD if role == FONT else GREY_BRUSH
        return super().data(index, role)


def number_text(value: Decimal | None) -> str:
    """An indicator value in French notation: « 12,5 », « 1200 », "" for none."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.replace(".", ",")


def signed_number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number_text(value) if value >= 0 else "−" + number_text(-value)


def signed_amount(cents: int) -> str:
    return ("+" if cents > 0 else "") + format_amount(cents) if cents >= 0 else "−" + format_amount(-cents)


def signed_percent(value: Decimal | None) -> str:
    if value is None:
        return "sans prévu"
    return ("+" if value > 0 else "") + format_percentage(value) if value >= 0 else "−" + format_percentage(-value)


def indicator_sheet(rows: Sequence[fu.IndicatorRow], year: int) -> tuple[SheetContent, list[fu.IndicatorRow | None]]:
    """The indicators under their action's title: label, unit, baseline, target and realised of
    the year, gap. Editable: the realised value. Also the indicator of each row (None: a title)."""
    headers = ["Indicateur", "Unité", "Référence", f"Cible {year}", f"Réalisé {year}", "Écart à la cible"]
    content = SheetContent(headers)
    by_row: list[fu.IndicatorRow | None] = []
    for row in rows:
        if not any(r is not None and r.action_id == row.action_id for r in by_row):  # its action's title
            content.rows.append([row.action_label, "", "", "", "", ""])
            content.edit_values.append([""] * len(headers))
            by_row.append(None)
        r = len(by_row)
        realised = number_text(row.realised)
        content.rows.append(
            [
                row.label,
                row.unit,
                number_text(row.baseline) or "—",
                number_text(row.target) or "—",
                realised,
                signed_number(row.gap),
            ]
        )
        content.edit_values.append(["", "", "", "", realised, ""])
        content.editable.add((r, INDICATOR_COLUMN))
        if row.target is None:
            content.tooltips[(r, 3)] = f"Pas de cible pour {year} dans la fiche action."
        by_row.append(row)
    return content, by_row


def nature_title(key: str) -> str:
    """« 61 Services extérieurs » for the key charge:<action>:61."""
    nature = key.rsplit(":", 1)[1]
    account = chart().by_code.get(nature)
    return account.title if account is not None else nature


def gap_sheet(
    lines: Sequence[fu.GapLine], first_header: str, total_label: str, titles: dict[int, str] | None = None
) -> tuple[SheetContent, list[fu.GapLine | None]]:
    """One row per line (label, Prévu, Réalisé, Écart €, Écart %, Explication), then the total;
    with `titles` (action id → title), the lines are charges shown under their action's title,
    labelled by their nature. Editable: the realised amount and the explanation. Also the line
    of each row (None: a title or the total)."""
    headers = [first_header, "Prévu", "Réalisé", "Écart (€)", "Écart (%)", "Explication"]
    content = SheetContent(headers)
    by_row: list[fu.GapLine | None] = []
    for line in lines:
        label = line.label
        if titles is not None and line.action_id is not None:
            label = nature_title(line.key)
            if not any(other is not None and other.action_id == line.action_id for other in by_row):
                content.rows.append([titles.get(line.action_id, label), "", "", "", "", ""])
                content.edit_values.append([""] * len(headers))
                by_row.append(None)
        r = len(by_row)
        explanation = line.explanation
        shown = explanation or (REQUIRED if line.needs_explanation else "")
        content.rows.append(
            [
                label,
                format_amount(line.forecast_cents),
                format_amount(line.realised_cents),
                signed_amount(line.gap_cents),
                signed_percent(line.gap_pct),
                shown,
            ]
        )
        content.edit_values.append(["", "", edit_text(line.realised_cents), "", "", explanation])
        content.editable.update({(r, REALISED_COLUMN), (r, EXPLANATION_COLUMN)})
        if line.needs_explanation:
            content.colors[(r, EXPLANATION_COLUMN)] = RED
            content.tooltips[(r, EXPLANATION_COLUMN)] = (
                "L'écart dépasse le seuil, ou un montant est réalisé sans prévu : tapez son explication ici."
            )
        by_row.append(line)
    forecast = sum(line.forecast_cents for line in lines)
    realised = sum(line.realised_cents for line in lines)
    content.rows.append(
        [
            total_label,
            format_amount(forecast),
            format_amount(realised),
            signed_amount(realised - forecast),
            signed_percent(fu.percent(realised - forecast, forecast)),
            "",
        ]
    )
    content.edit_values.append([""] * len(headers))
    content.footer = 1
    by_row.append(None)
    return content, by_row


def contribution_sheet(contributions: Sequence[fu.ContributionInKind]) -> SheetContent:
    """The 86/87 lines, then their two totals: emplois (86) and contributions (87)."""
    headers = ["Compte", "Libellé", "Montant"]
    content = SheetContent(headers)
    for r, c in enumerate(contributions):
        content.rows.append([c.account, c.label, format_amount(c.amount_cents)])
        content.edit_values.append([c.account, c.label, edit_text(c.amount_cents)])
        content.editable.update({(r, 0), (r, 1), (r, 2)})
    for total, label in zip(
        fu.contribution_sides(contributions), ("Total des emplois (86)", "Total des contributions (87)")
    ):
        content.rows.append(["", label, format_amount(total)])
        content.edit_values.append(["", "", ""])
    content.footer = 2
    return content


def contributions_summary(contributions: Sequence[fu.ContributionInKind], year: int) -> str:
    """« 2018 : contributions (87) 8 000,00 € · emplois (86) 8 000,00 € — équilibrés »."""
    uses, given = fu.contribution_sides(contributions)
    balance = (
        "équilibrés"
        if uses == given
        else f"⚠ écart de {format_amount(abs(given - uses))} : les emplois (86) doivent égaler les contributions (87)"
    )
    return f"{year} : contributions (87) {format_amount(given)} · emplois (86) {format_amount(uses)} — {balance}"


def gaps_summary(gaps: fu.YearGaps) -> str:
    """« Exécution 2018 : 92,40 % des charges directes prévues · 2 écarts sans explication »."""
    rate = format_percentage(gaps.execution_rate) if gaps.execution_rate is not None else "sans prévu"
    count = gaps.unexplained
    missing = (
        "aucun écart sans explication"
        if count == 0
        else f"{count} écart{'s' if count > 1 else ''} sans explication (« explication requise »)"
    )
    return (
        f"<b>Exécution {gaps.year}</b> : {rate} des charges directes prévues "
        f"({format_amount(gaps.realised_total_cents)} réalisés sur {format_amount(gaps.forecast_total_cents)}) · "
        f"{missing}"
    )
