"""Exporting the follow-up documents: the compte rendu financier of a year (PDF or xlsx), the
bilan annuel for the comité de pilotage (PDF) and the évaluation finale of the convention (PDF).

Each export reads one snapshot (the same instant for every figure), refuses in French what it
cannot write — a year outside the PRAE, a year with nothing realised, a wrong file type, the
store itself — before writing anything, and writes the file atomically (a failure leaves no
file). The writers live in exports/ and are imported on use (start-up speed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pnae_desktop import __version__
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain.followup_report import has_realised
from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import UserError
from pnae_desktop.paths import make_private_dirs
from pnae_desktop.services.outputs import check_output
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import Store

# document → (French name, accepted suffixes, needs a year)
FOLLOWUP_DOCUMENTS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "compte-rendu": ("Compte rendu financier", (".pdf", ".xlsx"), True),
    "bilan": ("Bilan annuel", (".pdf",), True),
    "evaluation": ("Évaluation finale", (".pdf",), False),
}


def default_file_name(summary: PraeSummary, document: str, year: int | None = None, suffix: str = ".pdf") -> str:
    """The usual file name of a follow-up document (for the GUI's save dialog):
    « Compte rendu financier Île-de-France 2018.pdf », « Évaluation finale Île-de-France 2018-2020.pdf »."""
    name = FOLLOWUP_DOCUMENTS[document][0]
    when = str(year) if year is not None else f"{summary.start_year}-{summary.end_year}"
    return f"{name} {summary.region_name} {when}{suffix}"


@dataclass(frozen=True)
class FollowupRequest:
    document: str
    year: int | None
    out: Path


def check_request(snap: Snapshot, document: str, year: int | None, out: Path | str) -> FollowupRequest:
    """The request, or a UserError in French saying why it cannot be written."""
    if document not in FOLLOWUP_DOCUMENTS:
        raise UserError(f"Document de suivi inconnu : « {document} » (compte-rendu, bilan ou evaluation).")
    name, suffixes, needs_year = FOLLOWUP_DOCUMENTS[document]
    out = Path(out)
    if out.suffix.lower() not in suffixes:
        wanted = " ou ".join(suffixes)
        raise UserError(f"{name} : le fichier « {out.name} » doit se terminer par {wanted}.")
    s = snap.detail.summary
    followup = snap.followup
    if needs_year:
        if year is None:
            raise UserError(f"{name} : indiquez l'année (--year), entre {s.start_year} et {s.end_year}.")
        if year not in snap.detail.years:
            raise UserError(f"{name} : l'année {year} est hors de la période du PRAE ({s.start_year}-{s.end_year}).")
        if not has_realised(followup, year):
            raise UserError(
                f"{name} {year} : aucune donnée réalisée n'est enregistrée pour {year} (statuts, "
                "indicateurs ou montants) ; saisissez-les dans la page Suivi ou importez le FEC."
            )
        return FollowupRequest(document, year, out)
    if not any(y in snap.detail.years for y in followup.years):
        raise UserError(
            f"{name} : aucune donnée réalisée n'est enregistrée pour les années du PRAE ({s.start_year}-{s.end_year})."
        )
    return FollowupRequest(document, None, out)


def followup_data(snap: Snapshot):  # -> FollowupData (exports are imported on use)
    from pnae_desktop.exports.pdf.followup_common import FollowupData  # start-up: reportlab on use

    return FollowupData(snap.detail, snap.catalogue, snap.budget, snap.totals, snap.followup)


def fingerprint(snap: Snapshot, year: int | None) -> str:
    """The document's fingerprint: the PRAE's content and the realised data of its year(s)."""
    from pnae_desktop.exports.pdf.followup_common import followup_fingerprint  # start-up: on use

    years = [year] if year is not None else list(snap.detail.years)
    return followup_fingerprint(followup_data(snap), years)


def write_document(snap: Snapshot, request: FollowupRequest, *, app_version: str = __version__) -> Path:
    """Write the checked `request` from `snap` (atomically); return the file's path."""
    data = followup_data(snap)
    fp = fingerprint(snap, request.year)
    out = request.out
    if request.document == "compte-rendu":
        assert request.year is not None
        if out.suffix.lower() == ".xlsx":
            from pnae_desktop.exports.followup_workbook import write_compte_rendu_workbook  # start-up

            return write_compte_rendu_workbook(data, request.year, out, fingerprint=fp, app_version=app_version)
        from pnae_desktop.exports.pdf.compte_rendu import build_compte_rendu_pdf  # start-up: reportlab

        return build_compte_rendu_pdf(data, request.year, out, fingerprint=fp, app_version=app_version)
    if request.document == "bilan":
        assert request.year is not None
        from pnae_desktop.exports.pdf.bilan import build_bilan_pdf  # start-up: reportlab

        return build_bilan_pdf(data, request.year, out, fingerprint=fp, app_version=app_version)
    from pnae_desktop.exports.pdf.evaluation import build_evaluation_pdf  # start-up: reportlab

    return build_evaluation_pdf(data, out, fingerprint=fp, app_version=app_version)


def export_followup(
    store: Store,
    prae_id: int,
    catalogue: Catalogue,
    document: str,
    out: Path | str,
    *,
    year: int | None = None,
    overwrite: bool = False,
    app_version: str = __version__,
) -> Path:
    """Check, then write `document` of `prae_id` (for `year`) to `out`. Refusals raise a
    UserError in French and write nothing; an existing file is replaced only with `overwrite`
    (never the store, nor a SQLite file)."""
    check_output(out, overwrite=True, store_path=store.path)  # never the store, even renamed
    snap = load_snapshot(store, prae_id, catalogue, convention=False)
    request = check_request(snap, document, year, out)
    target = check_output(request.out, overwrite=overwrite, store_path=store.path)
    try:
        make_private_dirs(target.parent)
    except OSError:
        raise UserError(f"Dossier « {target.parent} » inaccessible.") from None
    try:
        return write_document(snap, FollowupRequest(request.document, request.year, target), app_version=app_version)
    except OSError as exc:
        from pnae_desktop.services.exports import french_os_error  # the one French wording of OS errors

        raise UserError(f"Écriture impossible de « {target} » : {french_os_error(exc)}.") from None


def refusals(
    store: Store, prae_id: int, catalogue: Catalogue, requests: dict[str, tuple[str, int | None, str]]
) -> dict[str, str | None]:
    """For each key → (document, year, suffix): None when it can be written, else the French
    reason it cannot (the same checks as `export_followup`, nothing written; the PRAE read once).
    A PRAE that cannot be read gives its reason for every key."""
    try:
        snap = load_snapshot(store, prae_id, catalogue, convention=False)
    except UserError as exc:
        return dict.fromkeys(requests, str(exc))
    answers: dict[str, str | None] = {}
    for key, (document, year, suffix) in requests.items():
        try:
            check_request(snap, document, year, f"document{suffix}")
        except UserError as exc:
            answers[key] = str(exc)
        else:
            answers[key] = None
    return answers
