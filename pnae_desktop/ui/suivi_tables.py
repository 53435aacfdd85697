"""The Suivi page's sheets as display and edit texts: indicators against their targets, realised
amounts against the forecast with their gaps and the explanations they require, and the
contributions volontaires en nature. A status is always said in words (« explication
requise »), never by colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QObject

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.money import format_amount, format_percentage
from pnae_desktop.ui.budget_sheet import EDIT, RED, SheetContent, SheetModel, edit_text

REQUIRED = "⚠ explication requise"
EXPLANATION_COLUMN = 5
REALISED_COLUMN = 2


class TextColumnsModel(SheetModel):
    """A sheet whose numeric columns are right-aligned, except the `text_columns` (an
    explanation, a label), read left to right like text."""

    def __init__(self, parent: QObject, on_edit, numeric_from: int = 1, text_columns: Sequence[int] = ()) -> None:
        super().__init__(parent, on_edit)
        self.numeric_from = numeric_from
        self.text_columns = frozenset(text_columns)

    def data(self, index, role=0):
        if int(role) == 7 and index.column() in self.text_columns:  # Qt.ItemDataRole.TextAlignmentRole
            return None
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


def indicator_sheet(rows: Sequence[fu.IndicatorRow], year: int) -> SheetContent:
    headers = ["Fiche", "Indicateur", "Unité", "Référence", f"Cible {year}", f"Réalisé {year}", "Écart à la cible"]
    content = SheetContent(headers)
    for r, row in enumerate(rows):
        realised = number_text(row.realised)
        content.rows.append(
            [
                row.action_label,
                row.label,
                row.unit,
                number_text(row.baseline) or "—",
                number_text(row.target) or "—",
                realised,
                signed_number(row.gap),
            ]
        )
        content.edit_values.append(["", "", "", "", "", realised, ""])
        content.editable.add((r, 5))
        if row.target is None:
            content.tooltips[(r, 4)] = f"Pas de cible pour {year} dans la fiche action."
    return content


def gap_sheet(lines: Sequence[fu.GapLine], first_header: str, total_label: str) -> SheetContent:
    """One row per line (label, Prévu, Réalisé, Écart €, Écart %, Explication), then the total.
    Editable: the realised amount and the explanation."""
    headers = [first_header, "Prévu", "Réalisé", "Écart (€)", "Écart (%)", "Explication"]
    content = SheetContent(headers)
    for r, line in enumerate(lines):
        explanation = line.explanation
        shown = explanation or (REQUIRED if line.needs_explanation else "")
        content.rows.append(
            [
                line.label,
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
    return content


def contribution_sheet(contributions: Sequence[fu.ContributionInKind]) -> SheetContent:
    headers = ["Compte", "Libellé", "Montant"]
    content = SheetContent(headers)
    for r, c in enumerate(contributions):
        content.rows.append([c.account, c.label, format_amount(c.amount_cents)])
        content.edit_values.append([c.account, c.label, edit_text(c.amount_cents)])
        content.editable.update({(r, 0), (r, 1), (r, 2)})
    total = sum(c.amount_cents for c in contributions)
    content.rows.append(["", "Total des contributions en nature", format_amount(total)])
    content.edit_values.append(["", "", ""])
    content.footer = 1
    return content


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


__all__ = ["EDIT", "TextColumnsModel"]
