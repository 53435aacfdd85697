"""The PRAE's overview as PDF flowables: the synthesis table of its fiches and how they cover
the CPO objectives and the PNAE's priority themes."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer, Table

from pnae_desktop.domain import drafting
from pnae_desktop.exports.pdf.lists import list_flowables
from pnae_desktop.exports.pdf.prae_data import ABSENT, Item, PraeData, money, objective_label
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.exports.pdf.tables import data_table


def synthesis_table(data: PraeData) -> Table:
    """One row per fiche: number, title, origin, pilot, objectives and, with a budget, cost."""
    years = data.years
    header = ["N°", "Fiche action", "Origine", "Pilote", "Objectifs CPO"]
    rows: list[list[str]] = []
    for a in data.detail.actions:
        origin = f"PNAE, action {a.pnae_action}" if a.pnae_action is not None else "Régionale"
        rows.append(
            [
                str(data.number(a)),
                a.title,
                origin,
                a.pilot or ABSENT,
                ", ".join(a.objective_codes) or ABSENT,
            ]
        )
    if data.totals is not None:
        header.append("Coût complet")
        for row, a in zip(rows, data.detail.actions):
            row.append(money(sum(data.totals.full_by_action_year.get((a.id, y), 0) for y in years)))
        rows.append(["", "Total", "", "", "", money(data.totals.full_total)])
    numeric = [False] * 5 + ([True] if data.totals is not None else [])
    return data_table(header, rows, numeric=numeric, total_rows=[len(rows) - 1] if data.totals is not None else ())


def coverage_flowables(data: PraeData) -> list[Flowable]:
    """Which fiches serve each CPO objective, and which PNAE actions each priority theme declines."""
    st = styles()
    cov = drafting.coverage(data.detail, data.catalogue)
    by_id = {a.id: a for a in data.detail.actions}
    years = data.years
    header = ["Objectif de la CPO", "Fiches (n°)"]
    rows: list[list[str]] = []
    for code, ids in cov.objectives:
        served = ", ".join(str(data.number(by_id[i])) for i in ids) if ids else "Non couvert"
        row = [objective_label(data.catalogue, code), served]
        if data.totals is not None:
            row.append(money(sum(data.totals.full_by_objective_year.get((code, y), 0) for y in years)))
        rows.append(row)
    numeric = [False, False]
    if data.totals is not None:
        header.append("Coût complet imputé")
        numeric.append(True)
    out: list[Flowable] = [data_table(header, rows, numeric=numeric, widths=None)]
    if cov.uncovered_objectives:
        out.append(para("Objectifs non couverts : " + ", ".join(cov.uncovered_objectives) + ".", st.small))
    else:
        out.append(para("Tous les objectifs de la CPO sont servis par au moins une fiche action.", st.small))
    out.append(Spacer(1, 6))
    out.append(para("Thèmes prioritaires du PNAE", st.subheading))
    items: list[Item] = []
    for number, declined, missing in cov.priority_themes:
        theme = next(t for t in data.catalogue.priority_themes if t.number == number)
        text = f"Thème prioritaire {number} – {theme.title} : "
        text += (
            ("actions du PNAE déclinées : " + ", ".join(map(str, declined))) if declined else "aucune action déclinée"
        )
        if missing:
            text += " ; non déclinées : " + ", ".join(map(str, missing))
        items.append(Item(text + "."))
    out += list_flowables(items)
    if cov.not_declined:
        out.append(
            para(
                "Actions du PNAE non déclinées dans ce PRAE : " + ", ".join(map(str, cov.not_declined)) + ".",
                st.small,
            )
        )
    return out
