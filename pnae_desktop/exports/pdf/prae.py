"""The PRAE as a PDF: cover, table of contents, synthesis, one fiche per action laid out like
the PNAE fiche model, budget summary, indicators and coverage of the CPO objectives.

The section builders (fiche.py, budget_summary.py, indicators.py, synthesis.py) also make the
annexes of the convention (convention.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Spacer, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.convention import french_date
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.rules import PRAE_STATUSES
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.pdf.budget_summary import budget_flowables
from pnae_desktop.exports.pdf.document import ExportDoc, Heading, write_pdf
from pnae_desktop.exports.pdf.fiche import fiche_flowables
from pnae_desktop.exports.pdf.indicators import indicator_flowables
from pnae_desktop.exports.pdf.page import PageDecor, PdfMeta, decor_for, default_creator
from pnae_desktop.exports.pdf.prae_data import ABSENT, PraeData, money
from pnae_desktop.exports.pdf.styles import FRAME_WIDTH, para, styles
from pnae_desktop.exports.pdf.synthesis import coverage_flowables, synthesis_table
from pnae_desktop.exports.pdf.tables import key_value_table
from pnae_desktop.exports.pdf.text import FONT

SHORT_FINGERPRINT = 12


# Fingerprint
# ------------------------------------------------------------------------------------------


def prae_fingerprint(detail: PraeDetail, totals: dom.BudgetTotals | None = None) -> str:
    """SHA-256 of the PRAE's content (fiches, missions locales, budget figures), timestamps and
    status excluded: the same content always gives the same fingerprint."""
    summary = asdict(detail.summary)
    for key in ("created_at", "updated_at", "status", "id"):
        summary.pop(key, None)
    content: dict[str, Any] = {
        "summary": summary,
        "organisation": asdict(detail.organisation),
        "actions": [asdict(a) for a in detail.actions],
        "missions_locales": [asdict(m) for m in detail.missions_locales],
    }
    if totals is not None:
        content["budget"] = {
            "full_by_action_year": sorted((str(k), v) for k, v in totals.full_by_action_year.items()),
            "financing_by_action_year_funder": sorted(
                (str(k), v) for k, v in totals.financing_by_action_year_funder.items()
            ),
            "direct_by_year_account": sorted((str(k), v) for k, v in totals.direct_by_year_account.items()),
        }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------
# The document
# ------------------------------------------------------------------------------------------


def _cover(data: PraeData, fingerprint: str) -> list[Flowable]:
    st = styles()
    d = data.detail
    org = d.organisation
    years = d.years
    out: list[Flowable] = [
        Spacer(1, 30 * mm),
        para(org.name, st.cover_org),
        Spacer(1, 14 * mm),
        para("Programme régional d'animation et d'évaluation", st.cover_kind),
        para(d.summary.title, st.cover_title),
        para(
            f"Région {d.summary.region_name} – du 1er janvier {years[0]} au 31 décembre {years[-1]}",
            st.cover_line,
        ),
        Spacer(1, 10 * mm),
    ]
    rows = [
        ("Association", org.name),
        ("Siège", org.address or ABSENT),
        ("SIRET", org.siret or ABSENT),
        (
            "Représentée par",
            ", ".join(p for p in (org.representative_name, org.representative_title) if p) or ABSENT,
        ),
        ("Socle commun", f"{data.catalogue.title} ({data.catalogue.edition_label})"),
        (
            "Fiches actions",
            f"{len(d.actions)} dont {sum(1 for a in d.actions if a.is_regional)} régionale(s)",
        ),
        ("Statut", PRAE_STATUSES.get(d.summary.status, d.summary.status)),
        ("Édité le", french_date(date.today())),
    ]
    if data.totals is not None:
        rows.insert(6, ("Coût complet prévisionnel", money(data.totals.full_total)))
    out.append(key_value_table(rows, width=FRAME_WIDTH * 0.8, label_width=42 * mm))
    out.append(Spacer(1, 12 * mm))
    out.append(para(f"Empreinte du contenu (SHA-256) : {fingerprint}", st.cover_small))
    return out


def build_prae_pdf(
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget | None,
    totals: dom.BudgetTotals | None,
    out_path: Path | str,
    *,
    meta: PdfMeta,
) -> Path:
    """Write the PRAE to `out_path` (A4, fonts embedded, page X / Y and the content's short
    fingerprint on every page, outline and table of contents); return the path."""
    story, decor = prae_story(detail, catalogue, budget, totals, meta)
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor, multi=True)
    return Path(out_path)


def prae_story(
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget | None,
    totals: dom.BudgetTotals | None,
    meta: PdfMeta,
) -> tuple[list[Flowable], PageDecor]:
    """The flowables of the PRAE document and what every page shows."""
    data = PraeData(detail, catalogue, budget if totals is not None else None, totals)
    st = styles()
    fingerprint = prae_fingerprint(detail, totals)
    toc = _table_of_contents()
    story: list[Flowable] = _cover(data, fingerprint)
    story += [PageBreak(), Heading("Sommaire", st.part, level=0), toc, PageBreak()]
    story += [
        Heading("Synthèse du programme", st.part, level=0, toc_level=0),
        synthesis_table(data),
    ]
    story += [
        Spacer(1, 10),
        Heading("Couverture des objectifs de la CPO", st.part, level=0, toc_level=0),
    ]
    story += coverage_flowables(data)
    for i, action in enumerate(detail.actions):
        story.append(PageBreak())
        if i == 0:
            story.append(Heading("Fiches actions", st.part, level=0, toc_level=0))
        story += fiche_flowables(data, action, level=1, toc_level=1)
    if totals is not None:
        story += [PageBreak(), Heading("Budget prévisionnel", st.part, level=0, toc_level=0)]
        story += budget_flowables(data, level=1, toc_level=1)
    story += [
        CondPageBreak(60 * mm),
        Spacer(1, 10),
        Heading("Indicateurs et cibles annuelles", st.part, level=0, toc_level=0),
    ]
    story += indicator_flowables(data)
    return story, decor_for(meta, fingerprint=fingerprint[:SHORT_FINGERPRINT])


def _table_of_contents() -> TableOfContents:
    """The table of contents, filled from the :class:`Heading` entries over the build's passes."""
    return TableOfContents(
        levelStyles=styles().toc_levels,
        dotsMinLevel=0,
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # reportlab's default would select Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )


def prae_meta(detail: PraeDetail, app_version: str | None = None) -> PdfMeta:
    """The usual document information of a PRAE: its title, the ARML as author."""
    s = detail.summary
    return PdfMeta(
        title=s.title,
        author=detail.organisation.name,
        subject=f"Programme régional d'animation et d'évaluation {s.start_year}-{s.end_year}",
        keywords=("PRAE", "PNAE", s.region_name),
        creator=f"PNAE Desktop {app_version}" if app_version else default_creator(),
    )


def export(
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget | None,
    totals: dom.BudgetTotals | None,
    out_path: Path | str,
    *,
    app_version: str | None = None,
) -> Path:
    """What services/exports.py calls: the PRAE with its usual metadata (:func:`prae_meta`)."""
    return build_prae_pdf(detail, catalogue, budget, totals, out_path, meta=prae_meta(detail, app_version))
