"""Marking a PRAE as signed: a signed PDF that comes back (the convention, or an avenant the
working version gives) is frozen as the next version with its exact bytes, or refused in
French with nothing written."""

from __future__ import annotations

from typing import Any

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import versions as dv
from pnae_desktop.errors import UserError
from pnae_desktop.services import avenants, versions
from pnae_desktop.store.database import Store


def mark_signed(
    store: Store,
    prae_id: int,
    pdf: bytes,
    *,
    catalogue: Catalogue | None = None,
    marked_by: str | None = None,
) -> versions.VersionInfo:
    """Freeze the working version as signed version n° N+1 with `pdf`'s exact bytes: a signed
    convention, or a signed avenant the working version gives (services/avenants).

    Refused (UserError, nothing written) unless the PDF holds at least one signature, all
    intact, and is the working version's convention (its printed fingerprint, on every page) or
    the next avenant it gives."""
    from pnae_desktop.exports.pdf import convention_marks as marks_mod  # start-up: pypdf on use only
    from pnae_desktop.exports.pdf import signing  # start-up: pyHanko on use only

    catalogue = catalogue or versions.catalogue_of(store, prae_id)
    try:
        report = signing.read_signatures(pdf)
    except UserError as exc:
        raise versions.refusal(str(exc).rstrip(".")) from None
    if any(not s.intact for s in report.signatures):
        raise versions.refusal("une de ses signatures n'est pas intacte (document modifié après signature)")
    if not any(s.intact for s in report.signatures):
        raise versions.refusal("il ne contient aucune signature intacte")
    if not report.first_signed_revision_sha256:
        raise versions.refusal("sa première révision signée est introuvable")
    try:
        marks = marks_mod.read_marks(pdf)
    except marks_mod.UnreadablePdf as exc:
        raise versions.refusal(str(exc)) from None
    if marks.avenant_number is not None:
        return _mark_avenant(store, prae_id, pdf, report, marks, catalogue, marked_by)
    if marks.fingerprint is None:
        raise versions.refusal("ce n'est pas une convention exportée par PNAE Desktop (aucune empreinte imprimée)")
    data = versions.snapshot_dict(store, prae_id, catalogue)
    working = data["convention"]["fingerprint"]
    if marks.fingerprint != working:
        raise versions.refusal(
            f"son empreinte ({marks.fingerprint[:12]}…) n'est pas celle de la version de travail "
            f"de ce PRAE ({working[:12]}…) : c'est une autre convention ou une version antérieure"
        )
    if not marks.on_every_page:
        raise versions.refusal("l'empreinte n'apparaît pas au pied de chaque page")
    fields = sorted({s.field for s in report.signatures})
    return versions.record(store, prae_id, _kind(data, fields), data, pdf, marks.fingerprint, report, fields, marked_by)


def _kind(data: dict[str, Any], fields: list[str]) -> str:
    """« signée » once every party of the convention has signed, « signée partiellement » before."""
    from pnae_desktop.exports.pdf.signature_fields import field_name_for  # start-up: pyHanko on use only

    parties = {field_name_for(s["party"]) for s in data["convention"]["signatures"]}
    return dv.KIND_SIGNED if parties <= set(fields) else dv.KIND_PARTIAL


def _mark_avenant(
    store: Store,
    prae_id: int,
    pdf: bytes,
    report: Any,
    marks: Any,
    catalogue: Catalogue,
    marked_by: str | None,
) -> versions.VersionInfo:
    """Record a signed « Avenant n° N » (its signatures already checked intact) as the next
    version: the working version it was prepared from, frozen, with the avenant's exact bytes.
    The same avenant with more signatures is recorded again with the content it had."""

    number, printed = marks.avenant_number, marks.avenant_fingerprint
    if printed is None:
        raise versions.refusal(f"l'empreinte de l'avenant n° {number} est illisible sur sa première page")
    if not marks.on_every_page:
        raise versions.refusal("l'empreinte de l'avenant n'apparaît pas au pied de chaque page")
    same = versions.recorded_avenant(versions.list_versions(store, prae_id), number, printed)
    if same is not None:
        data = versions.version_snapshot(store, same.id)
    else:
        expected = avenants.working_avenant(store, prae_id, printed, catalogue)
        if expected is None:
            raise versions.refusal(
                f"c'est un avenant n° {number}, mais pas celui que donne la version de travail de ce PRAE "
                f"(empreinte {printed[:12]}… inconnue) : avenant d'un autre PRAE, ou préparé avant "
                "d'autres modifications (préparez-le à nouveau)"
            )
        if expected != number:
            raise versions.refusal(
                f"c'est l'avenant n° {number}, or le prochain avenant de ce PRAE est le n° {expected}"
            )
        data = versions.snapshot_dict(store, prae_id, catalogue)
    fields = sorted({s.field for s in report.signatures})
    return versions.record(store, prae_id, _kind(data, fields), data, pdf, printed, report, fields, marked_by, number)
