"""The indicators of a PRAE as a PDF table: unit, source, baseline and yearly targets, by fiche
(the PRAE's indicator section, annex III of the convention) or for one fiche."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable

from pnae_desktop.domain import drafting
from pnae_desktop.domain.entities import PraeAction
from pnae_desktop.exports.pdf.prae_data import PraeData, number_text
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.exports.pdf.tables import data_table


def indicator_table(data: PraeData, actions: Sequence[PraeAction], *, grouped: bool) -> list[Flowable]:
    """The indicators of `actions`; `grouped`: under a row naming each fiche."""
    st = styles()
    years = data.years
    header = ["Indicateur", "Unité", "Source", "Référence", *(f"Cible {y}" for y in years)]
    rows: list[list[str]] = []
    groups: list[int] = []
    for action in actions:
        if grouped:
            groups.append(len(rows))
            rows.append([data.fiche_title(action)])
        if not action.indicators and grouped:
            rows.append(["Aucun indicateur", "", "", "", *[""] * len(years)])
        for ind in action.indicators:
            baseline = number_text(ind.baseline, ind.unit)
            if ind.baseline is not None and ind.baseline_year:
                baseline += f" ({ind.baseline_year})"
            label = ind.label + (f" – {ind.comment}" if ind.comment else "")
            rows.append(
                [
                    label,
                    drafting.INDICATOR_UNITS.get(ind.unit, ind.unit),
                    drafting.INDICATOR_SOURCES.get(ind.source, ind.source),
                    baseline,
                    *(number_text(ind.target(y), ind.unit) for y in years),
                ]
            )
    if not rows:
        return [para("Aucun indicateur.", st.absent)]
    numeric = [False, False, False, True] + [True] * len(years)
    return [data_table(header, rows, numeric=numeric, group_rows=groups)]


def indicator_flowables(data: PraeData) -> list[Flowable]:
    """Every indicator of the PRAE with its baseline and yearly targets, by fiche."""
    return indicator_table(data, data.detail.actions, grouped=True)
