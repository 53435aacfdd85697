"""Verifying a convention PDF received back: each signature (signer, date, certificate against
the trust roots, modified after it, covers the whole document) and whether its content is
exactly one of the PRAE's versions — a signed version (same printed fingerprint and same
SHA-256 of the first signed revision) or the current working version (same printed
fingerprints of the text and of the annexes). Reads only: the store is never written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.errors import UserError
from pnae_desktop.services import versions
from pnae_desktop.store.database import Store

EXIT_OK, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2


class UnreadableInput(UserError):
    """The PDF cannot be read at all (CLI exit 2)."""


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    signed_at: datetime | None
    intact: bool
    trusted: bool
    covers_whole_document: bool
    modified_after: bool

    def lines(self) -> list[str]:
        when = self.signed_at.astimezone().strftime("%d/%m/%Y à %H:%M") if self.signed_at else "date inconnue"
        return [
            f"Signature « {self.field} » de {self.signer or 'signataire inconnu'}, le {when}",
            "  intacte" if self.intact else "  NON INTACTE : le contenu signé a été altéré",
            "  certificat de confiance (racine importée)"
            if self.trusted
            else "  certificat non reconnu : aucune racine de confiance importée ne l'a émis",
            "  couvre tout le document"
            if self.covers_whole_document
            else "  ne couvre pas tout le document (ajouts après cette signature)",
            "  document modifié après cette signature"
            if self.modified_after
            else "  aucune modification après cette signature",
            "  révocation non vérifiée (niveau B-B/B-T)",
        ]


@dataclass(frozen=True)
class VerifyReport:
    signatures: tuple[SignatureCheck, ...]
    matched: str  # "" (foreign / not a version) | "version n° N" | "version de travail"
    version_number: int | None
    problems: tuple[str, ...] = field(default=())
    require_trusted: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.ok else EXIT_REFUSED

    def lines(self) -> list[str]:
        out: list[str] = []
        if not self.signatures:
            out.append("Aucune signature dans ce PDF.")
        for s in self.signatures:
            out += s.lines()
        if self.matched:
            out.append(f"Contenu : exactement la {self.matched} de ce PRAE.")
        out += [f"Problème : {p}" for p in self.problems]
        out.append("Vérification réussie." if self.ok else "Vérification ÉCHOUÉE.")
        return out


def _check(sig: Any) -> SignatureCheck:
    return SignatureCheck(
        field=sig.field,
        signer=sig.signer,
        signed_at=sig.signing_time,
        intact=bool(sig.intact),
        trusted=bool(sig.trusted),
        covers_whole_document=bool(sig.covers_whole_document),
        modified_after=bool(sig.modified_after),
    )


def verify(
    store: Store,
    prae_id: int,
    pdf: bytes,
    trust_roots: Sequence[bytes] = (),
    require_trusted: bool = False,
    *,
    catalogue: Catalogue | None = None,
) -> VerifyReport:
    """The report on `pdf`; UnreadableInput when it cannot be read at all."""
    from pnae_desktop.exports.pdf import convention_marks as marks_mod  # start-up: pypdf on use only
    from pnae_desktop.exports.pdf.signing import read_signatures  # start-up: pyHanko on use only

    try:
        report = read_signatures(pdf, trust_roots=tuple(trust_roots))
    except UserError as exc:
        raise UnreadableInput(f"PDF illisible : {exc}") from None
    first = report.first_signed_revision_sha256
    found = versions.list_versions(store, prae_id)
    known = next(
        (v for v in reversed(found) if first and v.first_revision_sha256 == first),
        None,
    )
    if known is not None:
        # The first signed revision is byte for byte the one marked as this version, whose
        # printed fingerprints were read then: the text need not be read again (~2.5 s).
        marks = marks_mod.ConventionMarks(known.fingerprint, None, 1, 1, None)
    else:
        try:
            marks = marks_mod.read_marks(pdf)
        except marks_mod.UnreadablePdf as exc:
            if not report.signatures:
                raise UnreadableInput(f"PDF illisible : {exc}.") from None
            marks = marks_mod.ConventionMarks(None, None, 0, 0, None)  # signed, but its text is damaged
    checks = tuple(_check(s) for s in report.signatures)
    problems: list[str] = []
    for s in checks:
        if not s.intact:
            problems.append(f"la signature « {s.field} » n'est pas intacte : le document a été modifié")
        elif s.modified_after:
            problems.append(f"le document a été modifié après la signature « {s.field} »")
        if require_trusted and not s.trusted:
            problems.append(f"le certificat de la signature « {s.field} » n'est pas de confiance (--require-trusted)")
    matched, number = "", None
    if known is not None:
        if not marks.on_every_page:
            problems.append("l'empreinte ne figure pas au pied de chaque page")
        matched, number = f"version signée {known.number_label} (du {known.date_label})", known.number
    elif marks.avenant_number is not None:
        problems += _avenant_problems(store, prae_id, marks, found, catalogue)
        if not problems:
            matched = f"avenant n° {marks.avenant_number} de la version de travail"
    elif marks.fingerprint is None:
        problems.append("ce PDF n'est pas une convention exportée par PNAE Desktop (aucune empreinte imprimée)")
    else:
        if not marks.on_every_page:
            problems.append("l'empreinte de la convention ne figure pas au pied de chaque page")
        data = versions.snapshot_dict(store, prae_id, catalogue)
        working = data["convention"]["fingerprint"]
        if marks.fingerprint == working and marks.annex_fingerprint in (None, _annex_fp(store, prae_id, catalogue)):
            matched = "version de travail"
        elif any(v.fingerprint == marks.fingerprint for v in found):
            problems.append(
                "son texte a l'empreinte d'une version signée, mais sa première révision signée "
                "n'est pas celle de cette version : document modifié ou signé à nouveau"
            )
        else:
            problems.append(
                "ce n'est aucune des versions de ce PRAE (empreinte "
                f"{marks.fingerprint[:12]}… inconnue) : document étranger ou modifié"
            )
    return VerifyReport(checks, matched, number, tuple(problems), require_trusted)


def _avenant_problems(
    store: Store, prae_id: int, marks: Any, found: list[versions.VersionInfo], catalogue: Catalogue | None
) -> list[str]:
    """What keeps an avenant PDF from being one of this PRAE's: a recorded avenant (its first
    signed revision then differs), or the one the working version gives now."""
    from pnae_desktop.services import avenants  # start-up: reportlab on use only

    number, printed = marks.avenant_number, marks.avenant_fingerprint
    if printed is None:
        return [f"l'empreinte de l'avenant n° {number} est illisible sur sa première page"]
    problems = [] if marks.on_every_page else ["l'empreinte de l'avenant ne figure pas au pied de chaque page"]
    if versions.recorded_avenant(found, number, printed) is not None:
        return [
            *problems,
            f"son texte est celui de l'avenant n° {number} enregistré, mais sa première révision signée "
            "n'est pas celle de cette version : document modifié ou signé à nouveau",
        ]
    if avenants.working_avenant(store, prae_id, printed, catalogue) != number:
        return [
            *problems,
            f"c'est un avenant n° {number}, mais ni un avenant enregistré de ce PRAE ni celui que donne "
            f"sa version de travail (empreinte {printed[:12]}… inconnue) : document étranger ou modifié",
        ]
    return problems


def _annex_fp(store: Store, prae_id: int, catalogue: Catalogue | None) -> str:
    from pnae_desktop.exports.pdf.prae import prae_fingerprint  # start-up: reportlab on use only
    from pnae_desktop.services.snapshot import load_snapshot

    snap = load_snapshot(store, prae_id, catalogue or versions.catalogue_of(store, prae_id), convention=False)
    return prae_fingerprint(snap.detail, snap.totals)
