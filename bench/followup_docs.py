"""Follow-up documents benchmark: the bilan annuel PDF of the demo's realised 2018 year.

Run by hand:  .venv/bin/python bench/followup_docs.py [--runs 5] [--keep FOLDER]
Measures (median of --runs, after one warm-up run that loads fonts):
- the bilan annuel PDF, snapshot read included, as `export bilan` writes it (goal: < 1 s);
- the compte rendu financier PDF (with its signature field, pyHanko) and the évaluation finale;
- the floors, in the same run: the PRAE PDF export of the same store, and raw reportlab
  platypus (SimpleDocTemplate, no page furniture) writing as many pages as the bilan, each a
  heading, a paragraph and a table, in the same font;
and prints each export's ratio to the floors.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table
from timing import median_s  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.exports.pdf import text as pdf_text
from pnae_desktop.services import exports, followup_exports
from pnae_desktop.store.database import open_store

# The realised 2018 year the tests write through the follow-up edits (tests/followup_docs_data.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from followup_docs_data import YEAR, realised_demo  # noqa: E402


def page_count(path: Path) -> int:
    from pypdf import PdfReader  # test extra: only to count pages

    return len(PdfReader(path).pages)


def bare_reportlab(path: Path, pages: int) -> None:
    pdf_text.register_fonts()
    style = ParagraphStyle("b", fontName=pdf_text.FONT, fontSize=10, leading=13)
    story = []
    for p in range(pages):
        story.append(Paragraph(f"Page {p + 1} – axe, objectif et actions", style))
        story.append(Paragraph("Statut, compte rendu et indicateurs de l'action au regard des cibles. " * 6, style))
        rows = [["Indicateur", "Référence", "Cible", "Réalisé", "Écart"]]
        rows += [[f"Indicateur {i}", "30", "40", "32", "−8"] for i in range(12)]
        story.append(Table(rows))
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DOSSIER")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="pnae-bench-suivi-"))
    folder.mkdir(parents=True, exist_ok=True)
    catalogue = shipped_catalogues().default
    path, prae_id = realised_demo(folder, catalogue)
    store = open_store(path)
    out = {name: folder / name for name in ("bilan.pdf", "cr.pdf", "evaluation.pdf", "prae.pdf", "bare.pdf")}

    def bilan() -> None:
        followup_exports.export_followup(
            store, prae_id, catalogue, "bilan", out["bilan.pdf"], year=YEAR, overwrite=True
        )

    def cr() -> None:
        followup_exports.export_followup(
            store, prae_id, catalogue, "compte-rendu", out["cr.pdf"], year=YEAR, overwrite=True
        )

    def evaluation() -> None:
        followup_exports.export_followup(store, prae_id, catalogue, "evaluation", out["evaluation.pdf"], overwrite=True)

    def prae() -> None:
        exports.export(store, prae_id, catalogue, "prae", out["prae.pdf"], force=True, overwrite=True)

    for fn in (bilan, cr, evaluation, prae):  # warm-up: fonts, pyHanko, caches
        fn()
    pages = page_count(out["bilan.pdf"])

    def bare() -> None:
        bare_reportlab(out["bare.pdf"], pages)

    bare()
    results = {
        name: median_s(fn, args.runs)
        for name, fn in (
            ("bilan", bilan),
            ("compte-rendu", cr),
            ("evaluation", evaluation),
            ("prae (plancher)", prae),
            ("reportlab nu (plancher)", bare),
        )
    }
    store.close()
    floor_bare, floor_prae = results["reportlab nu (plancher)"], results["prae (plancher)"]
    print(
        f"Bilan annuel {YEAR} : {pages} pages ; PRAE : {page_count(out['prae.pdf'])} pages ; médiane de {args.runs} exécutions"
    )
    for name, seconds in results.items():
        print(
            f"{name:26s} {seconds * 1000:8.0f} ms   × {seconds / floor_bare:5.2f} reportlab nu"
            f"   × {seconds / floor_prae:5.2f} PRAE"
        )
    goal = results["bilan"] < 1.0
    print(f"Objectif bilan PDF < 1 s : {'atteint' if goal else 'MANQUÉ'}")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
