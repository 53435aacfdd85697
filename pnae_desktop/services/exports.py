"""Exports: the checks to pass before a document leaves the app, and writing each document.

Errors block an export; warnings are shown and the user (or the CLI's --force) confirms.
The PDF and workbook writers live in pnae_desktop/exports/ and are imported on use (start-up speed).
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pnae_desktop import __version__
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import UserError
from pnae_desktop.paths import make_private_dirs
from pnae_desktop.services import praes
from pnae_desktop.services.checks import ALL_DOCUMENTS, Problem, blocking_for, document_checks, warnings_for
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
    problems: list[Problem] = field(default_factory=list)  # those concerning the document
    all_problems: list[Problem] = field(default_factory=list)  # of every document, in order

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


def _preflight(inputs: Snapshot, document: str, problems: list[Problem] | None = None) -> Preflight:
    """The one list of checks (services.checks), as seen by `document`: what blocks it, what
    it should be warned about."""
    if problems is None:
        problems = document_checks(inputs)
    return Preflight(
        errors=[p.message for p in blocking_for(problems, document)],
        warnings=[p.message for p in warnings_for(problems, document)],
        problems=[p for p in problems if document in p.documents],
        all_problems=problems,
    )


def preflight_all(store: Store, prae_id: int, catalogue: Catalogue, documents: Iterable[str]) -> dict[str, Preflight]:
    """:func:`preflight` for each of `documents` (in that order), the PRAE read once for all."""
    documents = list(documents)
    _check_documents(documents)
    if not documents:
        return {}
    inputs = _load(store, prae_id, catalogue, documents)
    problems = document_checks(inputs)
    return {document: _preflight(inputs, document, problems) for document in documents}


def problems(store: Store, prae_id: int, catalogue: Catalogue) -> list[Problem]:
    """Every problem of the three documents, each once (services.checks.document_checks)."""
    return document_checks(_load(store, prae_id, catalogue, ALL_DOCUMENTS))


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
    cancel: threading.Event | None = None,
) -> Path:
    """Write `document` to `out` after the pre-flight; raise UserError listing what blocks.
    `force`: the warnings are confirmed; `overwrite`: replacing an existing file is confirmed
    (the store and SQLite files are refused regardless, see services.outputs); `cancel`: once
    set, the export stops and raises ExportCancelled, leaving no file."""
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
        if isinstance(exc, FileExistsError) or out.parent.is_file():
            raise UserError(
                f"Écriture impossible de « {out} » : « {out.parent} » est un fichier, pas un dossier."
            ) from None
        raise UserError(f"Dossier « {out.parent} » inaccessible : {french_os_error(exc)}.") from None

    def step(fraction: float, label: str) -> None:
        if cancel is not None and cancel.is_set():
            raise ExportCancelled(out)
        if progress is not None:
            progress(fraction, label)

    step(0.1, "Lecture des données")
    writer = {"convention": _convention, "prae": _prae, "budget": _budget}[document]
    # Written complete under a temporary name beside `out` (each writer is atomic itself), then
    # renamed: a cancelled or failed export leaves neither a partial file nor a temporary one.
    from pnae_desktop.exports.files import temp_path  # start-up: on use only

    tmp = temp_path(out)
    try:
        writer(inputs, tmp, step)
        step(0.95, "Enregistrement du fichier")
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"Écriture impossible de « {out} » : {french_os_error(exc)}.") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    if progress is not None:
        progress(1.0, "Terminé")
    return out


class ExportCancelled(UserError):
    """The user stopped the export: nothing was written under the target's name."""

    def __init__(self, path: Path):
        super().__init__(f"Export annulé : « {path} » n'a pas été écrit.")
        self.path = path


_OS_ERRORS = {
    errno.EEXIST: "le fichier existe déjà",
    errno.EACCES: "accès refusé (droits insuffisants ou fichier ouvert dans un autre programme)",
    errno.EPERM: "opération non permise (droits insuffisants)",
    errno.ENOENT: "dossier ou fichier introuvable",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "support en lecture seule",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EBUSY: "fichier occupé par un autre programme",
    errno.EINVAL: "nom de fichier invalide",
    errno.EXDEV: "déplacement impossible entre deux disques",
}


def french_os_error(exc: OSError) -> str:
    """An operating system error in French words (never Python's English "File exists")."""
    if exc.errno in _OS_ERRORS:
        return _OS_ERRORS[exc.errno]
    if isinstance(exc, PermissionError):
        return _OS_ERRORS[errno.EACCES]
    if isinstance(exc, FileExistsError):
        return _OS_ERRORS[errno.EEXIST]
    if isinstance(exc, FileNotFoundError):
        return _OS_ERRORS[errno.ENOENT]
    return f"erreur du système (code {exc.errno})" if exc.errno else "erreur du système"


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
