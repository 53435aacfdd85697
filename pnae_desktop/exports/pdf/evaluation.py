"""The évaluation finale of the convention: its years gathered, PDF.

The programme's execution year by year and over the period, the cost per CPO axis over the
period (« Prévu », « Réalisé », « Écart »), each action's status year by year, every indicator
against its yearly targets, and each action's accounts year by year. A year with nothing
recorded says so. Same page furniture and fingerprint as the convention.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from pnae_desktop.domain.followup import ACTION_STATUSES, indicator_rows, year_gaps
from pnae_desktop.domain.followup_report import ReportLine, axis_execution, objectives_covered, total_line
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.pdf.charts import BarPair, paired_bars
from pnae_desktop.exports.pdf.document import ExportDoc, Heading, write_pdf
from pnae_desktop.exports.pdf.followup_common import (
    SHORT_FINGERPRINT,
    FollowupData,
    fingerprint_note,
    follow_meta,
    gap_table,
    pct_text,
    prae_of,
    splittable,
    title_block,
)
from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, decor_for
from pnae_desktop.exports.pdf.prae_data import ABSENT, axis_label, money, number_text
from pnae_desktop.exports.pdf.styles import para, styles
from pnae_desktop.exports.pdf.tables import data_table, key_value_table


def evaluation_meta(data: FollowupData, app_version: str | None = None) -> PdfMeta:
    s = data.detail.summary
    header = f"Évaluation finale {s.start_year}-{s.end_year}"
    return follow_meta(data.detail, f"{header} du PRAE", header, app_version)


def recorded_years(data: FollowupData) -> list[int]:
    """The PRAE's years with realised data: the period's figures add up over these only."""
    return [y for y in data.detail.years if y in data.followup.years]


def year_lines(data: FollowupData) -> list[ReportLine]:
    out = []
    for year in recorded_years(data):
        g = year_gaps(data.budget, data.followup, year)
        out.append(ReportLine(f"year:{year}", str(year), g.forecast_total_cents, g.realised_total_cents))
    return out


def period_axis_lines(data: FollowupData) -> list[ReportLine]:
    sums: dict[str | None, list[int]] = {}
    for year in recorded_years(data):
        for axis, f, r in axis_execution(data.detail, data.budget, data.followup, year):
            slot = sums.setdefault(axis, [0, 0])
            slot[0] += f
            slot[1] += r
    return [ReportLine(f"axis:{a}", axis_label(data.catalogue, a), v[0], v[1]) for a, v in sums.items()]


def _execution(data: FollowupData) -> list[Flowable]:
    st = styles()
    years = year_lines(data)
    axes = period_axis_lines(data)
    recorded = recorded_years(data)
    missing = [str(y) for y in data.detail.years if y not in recorded]
    period = "Période" if not missing else "Années renseignées"
    out: list[Flowable] = [
        Heading("Exécution du programme", st.article, level=0),
        para(
            "Charges directes prévues et réalisées, année par année et sur la période de la convention."
            + (
                f" Aucune donnée réalisée n'est enregistrée pour : {', '.join(missing)} ; les totaux "
                "portent sur les années renseignées."
                if missing
                else ""
            ),
            st.body,
        ),
        gap_table("Année", years, [total_line("total", period, years)]),
        Spacer(1, 6),
        *paired_bars(
            [
                BarPair(
                    x.label,
                    x.forecast_cents / 100,
                    x.realised_cents / 100,
                    money(x.forecast_cents),
                    money(x.realised_cents),
                )
                for x in years
            ],
            legend=("Prévu", "Réalisé"),
            label_share=0.15,
        ),
        Spacer(1, 8),
        para(
            f"Coût du programme par axe de la CPO, {period.lower()} (charges directes)",
            st.subheading,
        ),
        gap_table("Axe de la CPO", axes, [total_line("total", "Total du programme", axes)]),
    ]
    covered = {y: objectives_covered(data.detail, data.followup, y) for y in data.detail.years}
    rows = [
        [str(y), f"{sum(1 for _, ok in c if ok)} / {len(c)}", ", ".join(code for code, ok in c if ok) or ABSENT]
        for y, c in covered.items()
    ]
    out += [
        Spacer(1, 6),
        para("Objectifs de la CPO couverts", st.subheading),
        data_table(["Année", "Couverts", "Objectifs"], rows, numeric=[False, True, False]),
    ]
    return out


def _statuses(data: FollowupData) -> list[Flowable]:
    st = styles()
    years = data.detail.years
    rows = []
    for action in data.detail.actions:
        cells = []
        for y in years:
            r = data.followup.report(action.id, y)
            cells.append(ACTION_STATUSES.get(r.status or "", ABSENT) if r is not None else ABSENT)
        rows.append([prae_of(data).fiche_title(action), *cells])
    return [
        Heading("Actions : statut par année", st.article, level=0),
        data_table(["Fiche action", *map(str, years)], rows, numeric=[False] + [False] * len(years)),
    ]


def _indicators(data: FollowupData) -> list[Flowable]:
    st = styles()
    years = data.detail.years
    by_year = {
        y: {(r.action_id, r.indicator_index): r for r in indicator_rows(data.detail, data.followup, y)} for y in years
    }
    rows: list[list[str]] = []
    groups: list[int] = []
    for action in data.detail.actions:
        if not action.indicators:
            continue
        groups.append(len(rows))
        rows.append([prae_of(data).fiche_title(action)])
        for index, ind in enumerate(action.indicators):
            cells = []
            for y in years:
                r = by_year[y][(action.id, index)]
                cells.append(f"{number_text(r.realised, ind.unit)} / {number_text(r.target, ind.unit)}")
            rows.append([ind.label, number_text(ind.baseline, ind.unit), *cells])
    out: list[Flowable] = [
        Heading("Indicateurs : réalisé / cible par année", st.article, level=0),
    ]
    if not rows:
        return out + [para("Aucun indicateur.", st.absent)]
    out.append(
        data_table(
            ["Indicateur", "Référence", *map(str, years)],
            rows,
            numeric=[False, True] + [True] * len(years),
            group_rows=groups,
        )
    )
    return out


def _accounts(data: FollowupData) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = [Heading("Comptes rendus des actions", st.article, level=0)]
    for action in data.detail.actions:
        pairs: list[tuple[str, Flowable | str]] = []
        for y in data.detail.years:
            r = data.followup.report(action.id, y)
            if r is None or r.is_empty:
                pairs.append((str(y), "Rien n'a été enregistré pour cette année."))
                continue
            parts = [f"Statut : {r.status_label or 'non renseigné'}."]
            for label, text in (
                ("Compte rendu", r.account),
                ("Difficultés", r.difficulties),
                ("Livrables", r.deliverables),
            ):
                if text.strip():
                    parts.append(f"{label} : {text.strip()}")
            pairs.append((str(y), [para(part, st.cell) for part in parts]))  # type: ignore[arg-type]
        out += [
            para(prae_of(data).fiche_title(action), st.subheading),
            splittable(key_value_table(pairs, label_width=18 * mm)),
            Spacer(1, 4),
        ]
    return out


def evaluation_story(data: FollowupData, meta: PdfMeta, fingerprint: str) -> tuple[list[Flowable], PageDecor]:
    s = data.detail.summary
    story: list[Flowable] = title_block(
        data,
        "Évaluation finale",
        f"Programme {s.start_year}-{s.end_year} – bilan des {len(data.detail.years)} années de la convention",
        [("Années suivies", ", ".join(map(str, data.followup.years)) or ABSENT)],
    )
    story += _execution(data)
    story += [Spacer(1, 8), *_statuses(data), Spacer(1, 8), *_indicators(data)]
    story += [PageBreak(), *_accounts(data)]
    rates = [pct_text(year_gaps(data.budget, data.followup, y).execution_rate, signed=False) for y in data.detail.years]
    story.append(
        para(
            "Taux d'exécution par année : " + " ; ".join(f"{y} : {r}" for y, r in zip(data.detail.years, rates)) + ".",
            styles().note,
        )
    )
    story += fingerprint_note(fingerprint)
    return story, decor_for(meta, fingerprint=fingerprint[:SHORT_FINGERPRINT])


def build_evaluation_pdf(
    data: FollowupData, out_path: Path | str, *, fingerprint: str, app_version: str | None = None
) -> Path:
    meta = evaluation_meta(data, app_version)
    story, decor = evaluation_story(data, meta, fingerprint)
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor)
    return Path(out_path)
