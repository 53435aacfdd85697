"""The budget workbook on paper and in full: column headings repeated on every printed page
of every sheet, a year of financing never split across pages, and every label — axis,
objective, organisation, budget line, funder — stored whole in its cells, wrapped in rows
tall enough (never cut, never an ellipsis), even for the longest names.

Read back with openpyxl, and printed to PDF by a real LibreOffice (fr-FR profile) whose
pages are read one by one with pdftotext. Skips locally without LibreOffice, fails in CI.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess

import openpyxl
import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.exports import libreoffice
from pnae_desktop.exports import workbook as bw
from pnae_desktop.exports.workbook import page
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import praes
from pnae_desktop.services.demo import create_demo
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"
LONG_ORG = (
    "Association régionale des missions locales et des espaces jeunes de la région "
    "Provence-Alpes-Côte d'Azur, de la Corse & des territoires d'outre-mer associés « ARML-PACA » "
) * 2  # 342 characters: more than an xlsx print header holds
LONG_LINE = ("Prestations d'ingénierie pédagogique & d'évaluation externe <pilote> des ateliers « CV » " * 4)[:300]
HEADINGS = {
    bw.SYNTHESIS: ("Libellé", "Total", "Part"),
    bw.BY_ACTION: ("Compte", "Libellé", "Montant"),
    bw.BY_NATURE: ("Compte", "Libellé", "Total"),
    bw.FINANCING: ("Financeur", "Acquis", "Sollicité"),
    bw.CHECKS: ("Contrôle", "Résultat"),
}


def require(program: str) -> None:
    found = libreoffice.find_soffice() if program == "soffice" else shutil.which(program)
    if found is None:
        reason = f"{program} absent : installer LibreOffice (libreoffice-calc-nogui) et poppler-utils"
        if IN_CI:
            pytest.fail(reason + " — jamais ignoré en CI")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def long_book(tmp_path_factory):
    """The demo PRAE with a 342-character organisation name and a 300-character line label,
    its workbook built and saved; (path, detail, budget)."""
    folder = tmp_path_factory.mktemp("print")
    store = open_store(folder / "pnae.sqlite")
    prae_id = create_demo(store, shipped_catalogues().default)
    first = budget_service.load_budget(store, prae_id).actions[0].action_id
    cell = budget_service.ChargeCell(first, "62", LONG_LINE, 2019, budget_service.ChargeValue(amount_cents=135_050))
    budget_service.set_charge_cells(store, [cell])
    detail = praes.get_prae(store, prae_id)
    detail = dataclasses.replace(detail, organisation=dataclasses.replace(detail.organisation, name=LONG_ORG))
    budget, totals, _ = budget_service.totals(store, prae_id)
    store.close()
    path = folder / "budget.xlsx"
    bw.build_workbook(detail, budget, totals, app_version="test").save(path)
    return path, detail, budget


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_every_sheet_repeats_its_column_headings_on_every_printed_page(long_book):
    path, _, _ = long_book
    wb = openpyxl.load_workbook(path)
    for title, words in HEADINGS.items():
        ws = wb[title]
        rows = ws.print_title_rows
        assert rows, title
        first, last = (int(part) for part in rows.replace("$", "").split(":"))
        headed = [c.value for r in range(first, last + 1) for c in ws[r] if isinstance(c.value, str)]
        assert set(words) <= set(headed), (title, headed)
        assert ws.freeze_panes and int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) == last + 1


def test_every_label_is_stored_whole(long_book):
    path, detail, budget = long_book
    catalogue = shipped_catalogues().default
    wb = openpyxl.load_workbook(path)
    every = [t for title in bw.SHEETS for t in texts(wb[title])]
    assert not [t for t in every if "…" in t]
    synthesis = "\n".join(texts(wb[bw.SYNTHESIS]))
    for axis in catalogue.cpo_axes:
        assert axis.title in synthesis, axis.title
    for objective in catalogue.cpo_objectives:
        assert objective.text in synthesis, objective.code
    for title in bw.SHEETS:  # the organisation is named in every sheet, whole
        assert any(LONG_ORG in t for t in texts(wb[title])), title
    by_action = set(texts(wb[bw.BY_ACTION]))
    assert LONG_LINE in by_action
    assert {c.label for c in budget.charges} <= by_action
    assert {f.name for f in budget.funders} <= by_action
    assert all(any(a.title in t for t in by_action) for a in budget.actions)


def test_headers_and_footers_fit_excel_and_long_names_stay_in_the_sheet(long_book):
    path, detail, _ = long_book
    wb = openpyxl.load_workbook(path)
    for title in bw.SHEETS:
        ws = wb[title]
        header, footer = str(ws.oddHeader), str(ws.oddFooter)
        assert len(header) <= 255 and len(footer) <= 255, title
        assert LONG_ORG not in header and "&A" in header and "Page &P / &N" in footer
        assert detail.summary.title in footer  # a title that fits stays in the footer


def test_long_texts_wrap_in_rows_tall_enough(long_book):
    """A text wider than its column wraps, and its row is as tall as its lines need."""
    path, _, _ = long_book
    wb = openpyxl.load_workbook(path)
    checked = 0
    for title in bw.SHEETS:
        ws = wb[title]
        spans = {}
        for merged in ws.merged_cells.ranges:
            spans[(merged.min_row, merged.min_col)] = sum(
                ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width or page.DEFAULT_WIDTH
                for c in range(merged.min_col, merged.max_col + 1)
            )
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                letter = openpyxl.utils.get_column_letter(cell.column)
                if not isinstance(cell.value, str) or cell.data_type == "f" or ws.column_dimensions[letter].hidden:
                    continue
                if type(cell).__name__ == "MergedCell":
                    continue
                width = spans.get((cell.row, cell.column)) or ws.column_dimensions[letter].width
                if len(cell.value) <= width * 1.2:  # fits on one line even in Calibri
                    continue
                checked += 1
                assert cell.alignment.wrap_text, f"{title}!{cell.coordinate}"
                size = cell.font.sz or 11
                lines = page.text_lines(cell.value, int(width * 1.2))
                height = ws.row_dimensions[cell.row].height
                assert height and height >= lines * size * 1.15, f"{title}!{cell.coordinate}: {height} < {lines} lignes"
    assert checked > 20


@pytest.fixture(scope="module")
def pdf_pages(long_book, tmp_path_factory):
    require("soffice")
    require("pdftotext")
    path, _, _ = long_book
    pdf = libreoffice.convert(path, tmp_path_factory.mktemp("pdf"), "pdf", locale="fr-FR").output
    pages = []
    number = 1
    while True:
        done = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not done.stdout.strip():
            break
        pages.append(done.stdout)
        number += 1
    return pages


def _sheet_of(text: str) -> str:
    """The sheet a printed page belongs to: its name, printed at the right of the header."""
    first = text.strip().splitlines()[0].strip()
    return next(title for title in sorted(HEADINGS, key=len, reverse=True) if first.endswith(title))


def test_every_printed_page_shows_its_sheets_column_headings(pdf_pages):
    assert len(pdf_pages) >= 5
    seen = set()
    for number, text in enumerate(pdf_pages, start=1):
        title = _sheet_of(text)
        seen.add(title)
        for word in HEADINGS[title]:
            assert word in text, f"page {number} ({title}) sans l'en-tête « {word} »"
        assert f"Page {number} / {len(pdf_pages)}" in text
    assert seen == set(HEADINGS)


def test_a_year_of_financing_is_printed_on_one_page(long_book, pdf_pages):
    _, _, budget = long_book
    financing = [t for t in pdf_pages if _sheet_of(t) == bw.FINANCING]
    for year in (*budget.years, None):
        band = f"Année {year}" if year else "Toutes années"
        total = f"Total {year}" if year else "Total toutes années"
        [page_text] = [t for t in financing if band in t]
        assert total in page_text, band
        assert all(f.name in page_text for f in budget.funders), band


@pytest.mark.parametrize("region", ["11", "32", "94", "04", "06"])
def test_every_region_s_demo_workbook_holds_every_label_whole(region, tmp_path):
    catalogue = shipped_catalogues().default
    store = open_store(tmp_path / "pnae.sqlite")
    try:
        prae_id = create_demo(store, catalogue, region)
        detail = praes.get_prae(store, prae_id)
        budget, totals, _ = budget_service.totals(store, prae_id)
    finally:
        store.close()
    wb = bw.build_workbook(detail, budget, totals, app_version="test")
    cells = {title: texts(wb[title]) for title in bw.SHEETS}
    joined = {title: "\n".join(values) for title, values in cells.items()}
    assert not [t for values in cells.values() for t in values if "…" in t]
    for axis in catalogue.cpo_axes:
        assert axis.title in joined[bw.SYNTHESIS]
    for objective in catalogue.cpo_objectives:
        assert objective.text in joined[bw.SYNTHESIS]
    for title in bw.SHEETS:
        assert detail.organisation.name in joined[title], title
    assert {c.label for c in budget.charges} | {f.name for f in budget.funders} <= set(cells[bw.BY_ACTION])
    assert {f.name for f in budget.funders} <= set(cells[bw.SYNTHESIS]) & set(cells[bw.FINANCING])
