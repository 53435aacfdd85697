"""Exports: the checks to pass before a document leaves the app, and writing each document.

Errors block an export; warnings are shown and the user (or the CLI's --force) confirms.
The PDF and workbook writers live in pnae_desktop/exports/ and are imported on use (start-up speed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pnae_desktop import __version__
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import drafting
from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import UserError
from pnae_desktop.paths import make_private_dirs
from pnae_desktop.services import praes
from pnae_desktop.services.outputs import check_output
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import Store

DOCUMENTS = {
    "convention": ("Convention CPO (PDF prêt à signer)", ".pdf"),
    "prae": ("PRAE complet (PDF)", ".pdf"),
    "budget": ("Budget prévisionnel (classeur Excel/LibreOffice)", ".xlsx"),
}


@dataclass
class Preflight:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_documents(documents: Iterable[str]) -> None:
    for document in documents:
        if document not in DOCUMENTS:
            raise UserError(f"Document inconnu : « {document} » (convention, prae ou budget).")


def _load(store: Store, prae_id: int, catalogue: Catalogue, documents: Iterable[str]) -> Snapshot:
    """One snapshot for the checks and the writers: the documents all show the same instant."""
    return load_snapshot(store, prae_id, catalogue, convention="convention" in documents)


def _convention_of(snap: Snapshot) -> tuple[Any, Any]:
    assert snap.convention is not None, "the snapshot was read without the convention"
    return snap.convention


def _preflight(inputs: Snapshot, document: str) -> Preflight:
    result = Preflight()
    detail = inputs.detail
    if not detail.actions:
        result.errors.append("Le PRAE ne contient aucune action.")
    coverage = drafting.coverage(detail, inputs.catalogue)
    titles = {a.id: a.title for a in detail.actions}
    for item in coverage.missing:
        result.warnings.append(f"Fiche « {titles[item.action_id]} » : {item.message}.")
    for code in coverage.uncovered_objectives:
        result.warnings.append(f"Objectif CPO {code} : servi par aucune action.")
    for problem in inputs.problems:
        # An unbalanced budget cannot go into a convention; a workbook of it is still useful.
        (result.errors if document == "convention" and problem.code == "gap" else result.warnings).append(
            f"Budget : {problem.message}"
        )
    if document == "convention":
        _, checks = _convention_of(inputs)
        for check in checks:
            (result.errors if check.severity == "error" else result.warnings).append(f"Convention : {check.message}")
    return result


def preflight_all(store: Store, prae_id: int, catalogue: Catalogue, documents: Iterable[str]) -> dict[str, Preflight]:
    """:func:`preflight` for each of `documents` (in that order), the PRAE read once for all."""
    documents = list(documents)
    _check_documents(documents)
    if not documents:
        return {}
    inputs = _load(store, prae_id, catalogue, documents)
    return {document: _preflight(inputs, document) for document in documents}


def preflight(store: Store, prae_id: int, catalogue: Catalogue, document: str) -> Preflight:
    """What the drafting, budget and convention checks say about exporting `document`."""
    return preflight_all(store, prae_id, catalogue, [document])[document]


def default_file_names(summary: PraeSummary) -> dict[str, str]:
    """Each document's usual file name, from the PRAE's summary (region and period)."""
    stems = {"convention": "Convention CPO", "prae": "PRAE", "budget": "Budget PRAE"}
    return {
        document: f"{stem} {summary.region_name} {summary.start_year}-{summary.end_year}{DOCUMENTS[document][1]}"
        for document, stem in stems.items()
    }


def default_file_name(store: Store, prae_id: int, document: str) -> str:
    return default_file_names(praes.get_prae(store, prae_id).summary)[document]


def output_path(document: str, out: Path | str) -> Path:
    """The file `export` writes for `out`: its suffix set to the document's (.pdf, .xlsx)."""
    _check_documents([document])
    out = Path(out)
    return out if out.suffix.lower() == DOCUMENTS[document][1] else out.with_suffix(DOCUMENTS[document][1])


def export(
    store: Store,
    prae_id: int,
    catalogue: Catalogue,
    document: str,
    out: Path | str,
    *,
    force: bool = False,
    overwrite: bool = False,
    progress=None,
) -> Path:
    """Write `document` to `out` after the pre-flight; raise UserError listing what blocks.
    `force`: the warnings are confirmed; `overwrite`: replacing an existing file is confirmed
    (the store and SQLite files are refused regardless, see services.outputs)."""
    check_output(out, overwrite=True, store_path=store.path)  # the path as given: never the store, even renamed
    out = check_output(output_path(document, out), overwrite=overwrite, store_path=store.path)
    inputs = _load(store, prae_id, catalogue, [document])
    check = _preflight(inputs, document)
    if check.errors:
        raise UserError("Export impossible :\n- " + "\n- ".join(check.errors))
    if check.warnings and not force:
        raise UserError("À confirmer avant d'exporter :\n- " + "\n- ".join(check.warnings))
    try:
        make_private_dirs(out.parent)
    except OSError as exc:
        raise UserError(f"Dossier « {out.parent} » inaccessible : {exc.strerror}.") from None
    step = progress or (lambda _fraction, _label: None)
    step(0.1, "Lecture des données")
    writer = {"convention": _convention, "prae": _prae, "budget": _budget}[document]
    try:
        # Each writer goes through exports.files.atomic_output: a failure leaves no partial or
        # temporary file, and never a half-written document under the final name.
        writer(inputs, out, step)
    except OSError as exc:
        raise UserError(f"Écriture impossible de « {out} » : {exc.strerror}.") from None
    step(1.0, "Terminé")
    return out


def _convention(inputs: Snapshot, out: Path, step) -> None:
    # start-up: reportlab/openpyxl only when a document is written
    from pnae_desktop.exports.pdf import convention as convention_pdf

    rendered, _ = _convention_of(inputs)
    step(0.4, "Mise en page de la convention")
    convention_pdf.export(
        rendered, inputs.detail, inputs.catalogue, inputs.budget, inputs.totals, out, app_version=__version__
    )


def _prae(inputs: Snapshot, out: Path, step) -> None:
    # start-up: reportlab/openpyxl only when a document is written
    from pnae_desktop.exports.pdf import prae as prae_pdf

    step(0.4, "Mise en page des fiches actions")
    prae_pdf.export(inputs.detail, inputs.catalogue, inputs.budget, inputs.totals, out, app_version=__version__)


def _budget(inputs: Snapshot, out: Path, step) -> None:
    # start-up: reportlab/openpyxl only when a document is written
    from pnae_desktop.exports import workbook

    step(0.4, "Écriture du classeur")
    workbook.write_workbook(
        inputs.detail, inputs.budget, inputs.totals, out, app_version=__version__, catalogue=inputs.catalogue
    )


def write_budget_workbook(
    store: Store, prae_id: int, path: Path | str, *, app_version: str = __version__, catalogue: Catalogue | None = None
) -> Path:
    """The budget workbook alone, without the pre-flight checks (tests, benchmark): the PRAE
    read in one transaction, then written to `path` (.xlsx) atomically (a crash leaves the old
    file). `catalogue` None: the PRAE's edition, as shipped."""
    # start-up: reportlab/openpyxl only when a document is written
    from pnae_desktop.exports import workbook

    check_output(path, overwrite=True, store_path=store.path)  # replaced freely, but never the store or SQLite
    snap = load_snapshot(
        store, prae_id, catalogue or _shipped(praes.catalogue_edition(store, prae_id)), convention=False
    )
    return workbook.write_workbook(
        snap.detail, snap.budget, snap.totals, path, app_version=app_version, catalogue=snap.catalogue
    )


def _shipped(edition: str) -> Catalogue:
    from pnae_desktop.catalogue.loader import shipped_catalogues  # start-up: jsonschema, on use only

    return shipped_catalogues().get(edition)
