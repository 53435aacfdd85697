"""PDF export benchmark: the demo convention with its annexes, and the demo PRAE.

Run by hand:  .venv/bin/python bench/pdf.py [--runs 5] [--keep FOLDER]
Measures (median of --runs, after one warm-up run that loads fonts and pyHanko):
- the convention PDF with annexes I–III and its empty signature fields (goal: < 1 s);
- the PRAE PDF (cover, table of contents built in several passes, fiches, budget);
- the floor: raw reportlab platypus (SimpleDocTemplate, no page template, no header or
  footer, one pass) writing the same paragraphs and tables in the same font;
and prints each export's ratio to its floor.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from timing import median_s  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain import convention as cv
from pnae_desktop.exports.pdf import styles as pdf_styles
from pnae_desktop.exports.pdf import text as pdf_text
from pnae_desktop.exports.pdf.convention import AnnexData, build_convention_pdf, convention_story
from pnae_desktop.exports.pdf.page import PdfMeta
from pnae_desktop.exports.pdf.prae import build_prae_pdf, prae_story
from pnae_desktop.services import budget, demo, praes
from pnae_desktop.store.database import open_store

AXIS_LABELS = {
    "1": "Axe 1 – Politiques publiques",
    "2": "Axe 2 – Projet territorial",
    "3": "Axe 3 – Professionnalisation",
    "4": "Axe 4 – Expertise",
}


def demo_context(detail, catalogue, bud, totals) -> cv.ConventionContext:
    """The demo's convention context (as tests/test_export_pdf.py builds it, until
    services/convention.py builds it from the store)."""
    years = detail.years
    period = cv.Period(years[0], years[-1])
    region = catalogue.region(detail.summary.region_code)
    council = f"Région {region.name}"
    funders = []
    for f in bud.funders:
        amounts = {y: totals.financing_by_funder_year.get((f.id, y), 0) for y in years}
        if any(amounts.values()):
            key = "state" if f.kind == "etat" else f.kind
            name = {"state": "État", "region": council}.get(key, f.name)
            funders.append(cv.Funder(key, name, key in ("state", "region"), amounts))
    ctx = cv.ConventionContext(
        region=cv.RegionInfo(region.insee_code, region.name, region.overseas),
        period=period,
        prae_period=period,
        arml=cv.ArmlInfo(
            name=detail.organisation.name,
            address=detail.organisation.address,
            siret=detail.organisation.siret or "",
            project="représenter, coordonner et animer le réseau des missions locales de la région",
            signatory=cv.Signatory("M. Jacques Crosnier", "président"),
        ),
        state=cv.StateInfo(
            cv.Signatory("M. Jean Exemple", f"préfet de la région {region.name}"),
            cv.Signatory("Mme Claire Modèle", "directrice régionale de l'économie, de l'emploi, du travail"),
        ),
        council=cv.CouncilInfo(
            council,
            cv.Signatory("Mme Anne Témoin", "présidente du conseil régional"),
            "n° CP 2018-123 du 24 mai 2018",
        ),
        prae_title=detail.summary.title,
        objectives=tuple(
            cv.Objective(o.code, a.number, a.title, o.text) for a in catalogue.cpo_axes for o in a.objectives
        ),
        axis_costs=tuple(
            cv.AxisCost(int(a), label, {y: totals.full_by_axis_year.get((a, y), 0) for y in years})
            for a, label in AXIS_LABELS.items()
        ),
        funders=tuple(funders),
        steering=cv.Steering(
            (
                "le préfet de région (Direccte)",
                "la présidente du conseil régional",
                "un représentant des missions locales",
                "un représentant des fonds européens",
                "le président de l'association",
            ),
            2,
        ),
        signature=cv.SignatureInfo("Paris", date(2018, 3, 28)),
    )
    return replace(ctx, payments=cv.default_payment_schedules(ctx))


# ------------------------------------------------------------------------------ the floor


def _flat(story):
    for f in story:
        if isinstance(f, KeepTogether):
            yield from _flat(f._content)
        else:
            yield f


def floor_spec(story) -> tuple[list, int, int]:
    """The paragraphs and tables of an export (same texts, same cell contents, same column
    widths) as plain data, to rebuild as raw platypus flowables on each run."""
    spec, paragraphs, tables = [], 0, 0
    for f in _flat(story):
        if isinstance(f, Paragraph):
            spec.append(("p", f.text))
            paragraphs += 1
        elif isinstance(f, Table):
            rows = [
                [("p", c.text) if isinstance(c, Paragraph) else ("s", "" if isinstance(c, list) else c) for c in row]
                for row in f._cellvalues
            ]
            spec.append(("t", rows, list(f._colWidths)))
            tables += 1
        elif isinstance(f, PageBreak):
            spec.append(("br",))
        elif type(f) is Spacer:
            spec.append(("sp", f.width, f.height))
    return spec, paragraphs, tables


def floor_flowables(spec) -> list:
    """Raw platypus: Paragraph, Table (header repeated), Spacer, PageBreak; one font."""
    body = ParagraphStyle("b", fontName=pdf_text.FONT, fontSize=10, leading=13.5)
    cell = ParagraphStyle("c", fontName=pdf_text.FONT, fontSize=8.5, leading=10.5)
    style = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), pdf_text.FONT),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("GRID", (0, 0), (-1, -1), 0.25, "#999999"),
        ]
    )
    out = []
    for item in spec:
        if item[0] == "p":
            out.append(Paragraph(item[1], body))
        elif item[0] == "t":
            data = [[Paragraph(v, cell) if k == "p" else v for k, v in row] for row in item[1]]
            out.append(Table(data, colWidths=item[2], repeatRows=1, style=style))
        elif item[0] == "br":
            out.append(PageBreak())
        else:
            out.append(Spacer(item[1], item[2]))
    return out


def write_floor(spec, path: Path) -> None:
    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=pdf_styles.LEFT_MARGIN,
        rightMargin=pdf_styles.RIGHT_MARGIN,
        topMargin=pdf_styles.TOP_MARGIN,
        bottomMargin=pdf_styles.BOTTOM_MARGIN,
        initialFontName=pdf_text.FONT,
    )
    doc.build(floor_flowables(spec))


def pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="folder where to leave the PDFs")
    args = parser.parse_args()
    catalogue = shipped_catalogues().default
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        store = open_store(Path(tmp) / "bench.sqlite")
        prae_id = demo.create_demo(store, catalogue)
        detail = praes.get_prae(store, prae_id)
        bud, totals, _ = budget.totals(store, prae_id)
        store.close()
        rendered = cv.render(cv.initial_state(), demo_context(detail, catalogue, bud, totals))
        annexes = AnnexData(detail, catalogue, bud, totals)
        meta = PdfMeta(title="Convention pluriannuelle d'objectifs 2018-2020", author=detail.organisation.name)
        prae_meta = PdfMeta(title=detail.summary.title, author=detail.organisation.name)

        def convention():
            build_convention_pdf(rendered, annexes, out / "convention.pdf", meta=meta)

        def prae():
            build_prae_pdf(detail, catalogue, bud, totals, out / "prae.pdf", meta=prae_meta)

        conv_spec, conv_par, conv_tab = floor_spec(convention_story(rendered, annexes, meta, {})[0])
        prae_spec, prae_par, prae_tab = floor_spec(prae_story(detail, catalogue, bud, totals, prae_meta)[0])

        def conv_raw():
            write_floor(conv_spec, out / "convention-floor.pdf")

        def prae_raw():
            write_floor(prae_spec, out / "prae-floor.pdf")

        for fn in (convention, prae, conv_raw, prae_raw):  # warm-up: fonts, pyHanko, caches
            fn()
        results = [
            (
                "convention + annexes + signature fields",
                convention,
                conv_raw,
                out / "convention.pdf",
                conv_par,
                conv_tab,
            ),
            (
                "PRAE (multi-pass, table of contents)",
                prae,
                prae_raw,
                out / "prae.pdf",
                prae_par,
                prae_tab,
            ),
        ]
        print(f"median of {args.runs} runs; floor: raw platypus, same paragraphs and tables, same font")
        for label, fn, raw, path, n_par, n_tab in results:
            t = median_s(fn, args.runs)
            f = median_s(raw, args.runs)
            print(
                f"{label}: {t * 1000:.0f} ms, {pages(path)} pages "
                f"({n_par} paragraphs, {n_tab} tables); floor {f * 1000:.0f} ms; ratio {t / f:.2f}"
            )
        if args.keep:
            print(f"PDFs left in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
