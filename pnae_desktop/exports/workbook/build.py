"""Putting the workbook together: the sheets in order, input validations, the very hidden
keys sheet (format marker and snapshot of the exported inputs), document properties,
structure protection; and writing it to a file atomically."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.domain.money import MAX_LINE_CENTS, format_amount
from pnae_desktop.exports.files import atomic_output
from pnae_desktop.exports.workbook.book import Book
from pnae_desktop.exports.workbook.by_action import write_by_action
from pnae_desktop.exports.workbook.by_nature import write_by_nature
from pnae_desktop.exports.workbook.checks import write_checks
from pnae_desktop.exports.workbook.financing import write_financing
from pnae_desktop.exports.workbook.layout import (
    BY_ACTION,
    BY_NATURE,
    CHECKS,
    FINANCING,
    FORMAT_MARKER,
    FORMAT_VERSION,
    KEYS,
    MAX_LABEL,
    STATUS_LABELS,
    SYNTHESIS,
)
from pnae_desktop.exports.workbook.sheet import Sheet
from pnae_desktop.exports.workbook.synthesis import write_synthesis
from pnae_desktop.paths import make_private_dirs
from pnae_desktop.text import printable_data


def _validation_specs() -> list[tuple[str, DataValidation]]:
    """What each kind of input cell accepts (« euro », « etp », « status », « account »,
    « label »). Each message is whole (Excel shows at most 255 characters of it) and its
    words are separated by single spaces; French numbers group digits with a no-break space."""
    max_euros = MAX_LINE_CENTS // 100
    return [
        (
            "euro",
            DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2=str(max_euros),
                allow_blank=True,
                error=f"Montant en euros, positif, au plus {_money(MAX_LINE_CENTS)}, deux décimales au plus.",
            ),
        ),
        (
            "etp",
            DataValidation(
                type="decimal",
                operator="between",
                formula1="0",
                formula2="100",
                allow_blank=True,
                error="Nombre d'ETP entre 0 et 100, deux décimales au plus.",
            ),
        ),
        (
            "status",
            DataValidation(
                type="list",
                formula1='"' + ",".join(STATUS_LABELS.values()) + '"',
                allow_blank=True,
                error="Statut : Acquis, Sollicité ou À solliciter.",
            ),
        ),
        (
            "account",
            DataValidation(
                type="list",
                formula1='"' + ",".join(dom.chart().charge_codes) + '"',
                allow_blank=True,
                error="Compte de charges : 60 à 68 ou 86.",
            ),
        ),
        (
            "label",
            DataValidation(
                type="textLength",
                operator="lessThanOrEqual",
                formula1=str(MAX_LABEL),
                allow_blank=True,
                error=f"Libellé de la ligne : {MAX_LABEL} caractères au plus.",
            ),
        ),
    ]


def _money(cents: int) -> str:
    """« 10 000 000,00 € » with no-break spaces every spreadsheet font draws (U+00A0)."""
    return format_amount(cents).replace("\u202f", "\u00a0")


def _validations(book: Book, sheet: Sheet) -> None:
    for kind, dv in _validation_specs():
        if not book.inputs[kind]:
            continue
        dv.errorTitle = "Saisie refusée"
        dv.showErrorMessage = True
        dv.promptTitle = "Saisie"  # the same rule, shown when the cell is selected
        dv.prompt = dv.error
        dv.showInputMessage = True
        dv.sqref = " ".join(book.inputs[kind])  # MultiCellRange from a space-separated list
        sheet.ws.add_data_validation(dv)


def _keys_sheet(book: Book) -> None:
    ws = book.wb.create_sheet(KEYS)
    ws.sheet_state = "veryHidden"
    s = book.detail.summary
    meta = [
        ("format", FORMAT_MARKER),
        ("format_version", FORMAT_VERSION),
        ("prae_id", s.id),
        ("prae_title", s.title),
        ("years", ",".join(map(str, book.years))),
        ("app_version", book.app_version),
        ("exported_at", book.exported_at.isoformat()),
    ]
    ws.append(["clé", "valeur"])
    for key, value in meta:
        ws.append([key, value])
    blob = json.dumps(book.snapshot, ensure_ascii=False, separators=(",", ":"))
    chunks = [blob[i : i + 30000] for i in range(0, len(blob), 30000)] or [""]
    for i, chunk in enumerate(chunks):
        ws.append([f"snapshot|{i}", chunk])
    ws.protection.sheet = True


def _properties(book: Book) -> None:
    s, org = book.detail.summary, book.detail.organisation
    p = book.wb.properties
    p.title = f"Budget — {s.title}"
    p.subject = "Budget prévisionnel et plan de financement du PRAE (annexe budgétaire de la CPO)"
    p.creator = p.lastModifiedBy = f"PNAE Desktop {book.app_version}".strip()
    p.keywords = f"PRAE; CPO; budget; {org.name}; {s.region_name}; {s.start_year}-{s.end_year}"
    p.description = (
        f"{org.name} ({s.region_name}) — {s.title}. Classeur produit par PNAE Desktop : "
        "les totaux sont des formules, les cellules jaunes sont à saisir."
    )
    p.category = "Budget"
    p.language = "fr-FR"
    p.created = book.exported_at.replace(tzinfo=None)


def build_workbook(
    detail: PraeDetail,
    budget: dom.Budget,
    totals: dom.BudgetTotals,
    *,
    app_version: str = "",
    catalogue: Catalogue | None = None,
    exported_at: datetime | None = None,
) -> Workbook:
    """The budget workbook of a PRAE, in memory (see the package doc for its layout)."""
    # openpyxl refuses control characters: a store written before the input checks may hold
    # some, replaced here by U+FFFD (shown, never silently dropped). The totals hold no typed
    # text (their keys are ids, years and the chart's codes): walking their maps cost ~25 ms.
    detail, budget = printable_data((detail, budget))
    book = Book(detail, budget, totals, catalogue=catalogue, app_version=app_version, exported_at=exported_at)
    syn = book.sheet(SYNTHESIS, 0)
    pa = book.sheet(BY_ACTION)
    nat = book.sheet(BY_NATURE)
    fin = book.sheet(FINANCING)
    chk = book.sheet(CHECKS)
    write_by_action(book, pa)  # first: the other sheets refer to its rows
    book.define_names()
    write_synthesis(book, syn)
    write_by_nature(book, nat)
    write_financing(book, fin)
    write_checks(book, chk)
    _validations(book, pa)
    _keys_sheet(book)
    _properties(book)
    book.wb.security = WorkbookProtection(lockStructure=True)  # no password: sheets stay put
    book.wb.active = 0
    return book.wb


def write_workbook(
    detail: PraeDetail,
    budget: dom.Budget,
    totals: dom.BudgetTotals,
    path: Path | str,
    *,
    app_version: str,
    catalogue: Catalogue | None = None,
) -> Path:
    """Write the budget workbook of already-loaded data to `path` (.xlsx), atomically (a
    failure leaves neither a partial file nor a clobbered previous one)."""
    wb = build_workbook(detail, budget, totals, app_version=app_version, catalogue=catalogue)
    path = Path(path)
    make_private_dirs(path.parent)
    with atomic_output(path) as tmp:
        wb.save(tmp)
    return path
