"""Exports: the checks to pass before a document leaves the app, and writing each document.

Errors block an export; warnings are shown and the user (or the CLI's --force) confirms.
The PDF and workbook writers live in pnae_desktop/exports/ and are imported only here, on use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pnae_desktop import __version__
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import drafting
from pnae_desktop.errors import UserError
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import convention as convention_service
from pnae_desktop.services import praes
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


def preflight(store: Store, prae_id: int, catalogue: Catalogue, document: str) -> Preflight:
    """What the drafting, budget and convention checks say about exporting `document`."""
    if document not in DOCUMENTS:
        raise UserError(f"Document inconnu : « {document} » (convention, prae ou budget).")
    result = Preflight()
    detail = praes.get_prae(store, prae_id)
    if not detail.actions:
        result.errors.append("Le PRAE ne contient aucune action.")
    coverage = drafting.coverage(detail, catalogue)
    titles = {a.id: a.title for a in detail.actions}
    for item in coverage.missing:
        result.warnings.append(f"Fiche « {titles[item.action_id]} » : {item.message}.")
    for code in coverage.uncovered_objectives:
        result.warnings.append(f"Objectif CPO {code} : servi par aucune action.")
    _, _, problems = budget_service.totals(store, prae_id)
    for problem in problems:
        # An unbalanced budget cannot go into a convention; a workbook of it is still useful.
        (result.errors if document == "convention" and problem.code == "gap" else result.warnings).append(
            f"Budget : {problem.message}")
    if document == "convention":
        _, checks = convention_service.render(store, prae_id, catalogue)
        for check in checks:
            (result.errors if check.severity == "error" else result.warnings).append(f"Convention : {check.message}")
    return result


def default_file_name(store: Store, prae_id: int, document: str) -> str:
    s = praes.get_prae(store, prae_id).summary
    stem = {"convention": "Convention CPO", "prae": "PRAE", "budget": "Budget PRAE"}[document]
    return f"{stem} {s.region_name} {s.start_year}-{s.end_year}{DOCUMENTS[document][1]}"


def export(store: Store, prae_id: int, catalogue: Catalogue, document: str, out: Path | str,
           *, force: bool = False, progress=None) -> Path:
    """Write `document` to `out` after the pre-flight; raise UserError listing what blocks."""
    out = Path(out)
    check = preflight(store, prae_id, catalogue, document)
    if check.errors:
        raise UserError("Export impossible :\n- " + "\n- ".join(check.errors))
    if check.warnings and not force:
        raise UserError("À confirmer avant d'exporter :\n- " + "\n- ".join(check.warnings))
    if out.suffix.lower() != DOCUMENTS[document][1]:
        out = out.with_suffix(DOCUMENTS[document][1])
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Dossier « {out.parent} » inaccessible : {exc.strerror}.") from None
    step = progress or (lambda _fraction, _label: None)
    step(0.1, "Lecture des données")
    writer = {"convention": _convention, "prae": _prae, "budget": _budget}[document]
    temporary = out.with_name(f".{out.name}.partiel")
    try:
        writer(store, prae_id, catalogue, temporary, step)
        temporary.replace(out)  # never leave a half-written document under the final name
    except OSError as exc:
        raise UserError(f"Écriture impossible de « {out} » : {exc.strerror}.") from None
    finally:
        temporary.unlink(missing_ok=True)
    step(1.0, "Terminé")
    return out


def _convention(store, prae_id, catalogue, out: Path, step) -> None:
    from pnae_desktop.exports import convention_pdf

    rendered, _ = convention_service.render(store, prae_id, catalogue)
    detail = praes.get_prae(store, prae_id)
    plan, totals, _ = budget_service.totals(store, prae_id)
    step(0.4, "Mise en page de la convention")
    convention_pdf.export(rendered, detail, catalogue, plan, totals, out, app_version=__version__)


def _prae(store, prae_id, catalogue, out: Path, step) -> None:
    from pnae_desktop.exports import prae_pdf

    detail = praes.get_prae(store, prae_id)
    plan, totals, _ = budget_service.totals(store, prae_id)
    step(0.4, "Mise en page des fiches actions")
    prae_pdf.export(detail, catalogue, plan, totals, out, app_version=__version__)


def _budget(store, prae_id, catalogue, out: Path, step) -> None:
    from pnae_desktop.exports import budget_workbook

    step(0.4, "Écriture du classeur")
    budget_workbook.write_budget_workbook(store, prae_id, out, app_version=__version__)
