"""The bilan annuel of the programme for the comité de pilotage régional, PDF.

Page 1, the summary: the programme's execution rate, its cost per CPO axis (« Prévu »,
« Réalisé », « Écart »), the actions by status and the CPO objectives covered. Then the budget
execution per axis as a chart, and per axis and objective each action with its status, its
account, its indicators against their targets (table and chart). The charts read in black and
white (charts.py). Same page furniture and fingerprint as the convention.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from pnae_desktop.domain.entities import PraeAction
from pnae_desktop.domain.followup import ACTION_STATUSES, indicator_rows
from pnae_desktop.domain.followup_report import (
    ReportLine,
    axis_execution,
    objectives_covered,
    total_line,
)
from pnae_desktop.domain.followup_report import compte_rendu as cr_figures
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.pdf.charts import BarPair, paired_bars
from pnae_desktop.exports.pdf.document import ExportDoc, Heading, write_pdf
from pnae_desktop.exports.pdf.followup_common import (
    SHORT_FINGERPRINT,
    FollowupData,
    action_account,
    fingerprint_note,
    follow_meta,
    gap_table,
    pct_text,
    prae_of,
    signed_money,
    title_block,
)
from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, decor_for
from pnae_desktop.exports.pdf.prae_data import axis_label, money, number_text, objective_label
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.exports.pdf.tables import data_table


def bilan_meta(data: FollowupData, year: int, app_version: str | None = None) -> PdfMeta:
    header = f"Bilan annuel {year}"
    return follow_meta(data.detail, f"Bilan annuel {year} du PRAE", header, app_version)


def axis_lines(data: FollowupData, year: int) -> list[ReportLine]:
    return [
        ReportLine(f"axis:{axis}", axis_label(data.catalogue, axis), f, r)
        for axis, f, r in axis_execution(data.detail, data.budget, data.followup, year)
    ]


def axis_chart(lines: list[ReportLine]) -> list[Flowable]:
    rows = [
        BarPair(
            x.label, x.forecast_cents / 100, x.realised_cents / 100, money(x.forecast_cents), money(x.realised_cents)
        )
        for x in lines
    ]
    return list(paired_bars(rows, legend=("Prévu", "Réalisé"), shared_scale=True, label_share=0.5))


def indicator_chart(data: FollowupData, action: PraeAction, year: int) -> list[Flowable]:
    rows = []
    for r in indicator_rows(data.detail, data.followup, year):
        if r.action_id != action.id or (r.target is None and r.realised is None):
            continue
        rows.append(
            BarPair(
                r.label,
                float(r.target) if r.target is not None else None,
                float(r.realised) if r.realised is not None else None,
                "cible " + number_text(r.target, r.unit) if r.target is not None else "cible non fixée",
                number_text(r.realised, r.unit) if r.realised is not None else "non renseigné",
            )
        )
    if not rows:
        return []
    return [Spacer(1, 3), *paired_bars(rows, legend=("Cible", "Réalisé"), shared_scale=False), Spacer(1, 6)]


def summary_page(data: FollowupData, year: int, lines: list[ReportLine]) -> list[Flowable]:
    st = styles()
    cr = cr_figures(data.detail, data.budget, data.totals, data.followup, year)
    gaps = cr.gaps
    statuses = Counter(
        (data.followup.report(a.id, year).status if data.followup.report(a.id, year) else None)  # type: ignore[union-attr]
        for a in data.detail.actions
    )
    status_text = ", ".join(f"{statuses[k]} {label}" for k, label in ACTION_STATUSES.items() if statuses.get(k))
    if statuses.get(None):
        status_text += (", " if status_text else "") + f"{statuses[None]} sans statut renseigné"
    covered = objectives_covered(data.detail, data.followup, year)
    done = [code for code, ok in covered if ok]
    rate = pct_text(gaps.execution_rate, signed=False)
    out: list[Flowable] = [
        Heading("Synthèse", st.article, level=0),
        para(f"Taux d'exécution du programme : {rate} des charges directes prévues", st.subheading),
        para(
            f"{money(gaps.realised_total_cents)} réalisés pour {money(gaps.forecast_total_cents)} prévus "
            f"(écart : {signed_money(gaps.realised_total_cents - gaps.forecast_total_cents)}).",
            st.body_left,
        ),
        para(
            f"Actions ({len(data.detail.actions)}) : {status_text or 'aucun statut renseigné'}.",
            st.body_left,
        ),
        para(
            f"Objectifs de la CPO couverts en {year} : {len(done)} sur {len(covered)}"
            + (f" ({', '.join(done)})." if done else "."),
            st.body_left,
        ),
        para(
            f"Financements réalisés : {money(sum(g.realised_cents for g in gaps.financing))} pour "
            f"{money(sum(g.forecast_cents for g in gaps.financing))} prévus ; "
            f"{gaps.unexplained} écart(s) sans explication.",
            st.body_left,
        ),
        Spacer(1, 4),
        para("Coût du programme par axe de la CPO (charges directes)", st.subheading),
        gap_table("Axe de la CPO", lines, [total_line("total", "Total du programme", lines)]),
    ]
    return out


def _action_blocks(data: FollowupData, year: int) -> list[Flowable]:
    """Per axis and objective, the actions serving it (each under its first objective, the
    others named), with status, account, indicators and their chart."""
    st = styles()
    prae = prae_of(data)
    placed: set[int] = set()
    out: list[Flowable] = []
    for axis in data.catalogue.cpo_axes:
        axis_out: list[Flowable] = []
        for objective in axis.objectives:
            actions = [a for a in data.detail.actions if a.objective_codes[:1] == (objective.code,)]
            if not actions:
                continue
            axis_out.append(CondPageBreak(90 * mm))  # an objective's text, its first fiche and status
            axis_out.append(Heading(objective_label(data.catalogue, objective.code), st.subheading, level=2))
            for action in actions:
                placed.add(action.id)
                axis_out += _one_action(data, prae.fiche_title(action), action, year)
        if axis_out:
            out.append(CondPageBreak(60 * mm))
            out.append(Heading(axis_label(data.catalogue, str(axis.number)), st.article, level=1))
            out += axis_out
    rest = [a for a in data.detail.actions if a.id not in placed]
    if rest:
        out.append(Heading("Actions non rattachées à un objectif de la CPO", st.article, level=1))
        for action in rest:
            out += _one_action(data, prae.fiche_title(action), action, year)
    return out


def _one_action(data: FollowupData, title: str, action: PraeAction, year: int) -> list[Flowable]:
    st = styles()
    others = action.objective_codes[1:]
    head: list[Flowable] = [Heading(title, st.subheading, level=3)]
    if others:
        head.append(para("Sert aussi les objectifs " + ", ".join(others) + ".", st.note))
    body = action_account(data, action, year)
    # the indicators' table stays with their chart (split only when taller than a page)
    return [KeepTogether(head + body[:1]), KeepTogether([*body[1:], *indicator_chart(data, action, year)])]


def bilan_story(data: FollowupData, year: int, meta: PdfMeta, fingerprint: str) -> tuple[list[Flowable], PageDecor]:
    st = styles()
    lines = axis_lines(data, year)
    story: list[Flowable] = title_block(
        data, "Bilan annuel", f"Comité de pilotage régional – année {year}", [("Année", str(year))], compact=True
    )
    story += summary_page(data, year, lines)
    story.append(Spacer(1, 6))
    story.append(
        para(
            "Exécution budgétaire par axe : charges directes prévues (barres hachurées) et réalisées (barres pleines).",
            st.note,
        )
    )
    story += axis_chart(lines)
    story.append(PageBreak())
    story.append(Heading("Actions par axe et objectif", st.article, level=0))
    story.append(
        para(
            "Pour chaque action : son statut, son compte rendu et ses indicateurs au regard des cibles "
            "de l'année (dans les graphiques, chaque indicateur a sa propre échelle).",
            st.note,
        )
    )
    story += _action_blocks(data, year)
    story += fingerprint_note(fingerprint)
    return story, decor_for(meta, fingerprint=fingerprint[:SHORT_FINGERPRINT])


def build_bilan_pdf(
    data: FollowupData, year: int, out_path: Path | str, *, fingerprint: str, app_version: str | None = None
) -> Path:
    meta = bilan_meta(data, year, app_version)
    story, decor = bilan_story(data, year, meta, fingerprint)
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor)
    return Path(out_path)


def indicator_summary_rows(data: FollowupData, year: int) -> list[list[str]]:
    """Every indicator of the year: fiche, label, target, realised (used by the évaluation)."""
    return [
        [r.action_label, r.label, number_text(r.target, r.unit), number_text(r.realised, r.unit)]
        for r in indicator_rows(data.detail, data.followup, year)
    ]


__all__ = ["build_bilan_pdf", "bilan_story", "axis_lines", "axis_chart", "data_table"]
