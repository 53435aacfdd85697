"""Signed versions of a PRAE's convention: recording one (services/marking decides what a
returned PDF is), listing the versions, giving back their PDFs byte for byte, and comparing
the working version with the last signed one.

A version is only ever inserted: this module has no function that changes or deletes one
(a PRAE's deletion takes its versions with it). The PRAE rows stay the working version.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import versions as dv
from pnae_desktop.domain.rules import SIGNED_STATUS
from pnae_desktop.errors import UserError
from pnae_desktop.services import praes
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import PraeRow, PraeVersionRow

MARKED_BY_ENV = "PNAE_USER_NAME"
MAX_PDF_BYTES = 200 * 1024 * 1024  # a convention with its annexes weighs a few megabytes


def read_pdf_file(path: Path | str) -> bytes:
    """A received PDF's bytes; a French UserError naming the file when it is missing,
    unreadable, a folder or bigger than any convention (checked before reading it)."""
    from pnae_desktop.services.exports import french_os_error  # start-up: on use only

    where = Path(path)
    try:
        size = where.stat().st_size
        if where.is_dir():
            raise UserError(f"« {where} » est un dossier, pas un PDF.")
        if size > MAX_PDF_BYTES:
            raise UserError(
                f"« {where} » pèse {size // (1024 * 1024)} Mo : trop pour une convention "
                f"(au plus {MAX_PDF_BYTES // (1024 * 1024)} Mo) ; il n'a pas été lu."
            )
        return where.read_bytes()
    except OSError as exc:
        raise UserError(f"Impossible de lire « {where} » : {french_os_error(exc)}.") from None


@dataclass(frozen=True)
class VersionInfo:
    id: int
    prae_id: int
    number: int
    kind: str
    pdf_sha256: str
    fingerprint: str
    first_revision_sha256: str
    signed_fields: tuple[str, ...]
    marked_at: datetime
    marked_by: str
    avenant_number: int | None = None  # a signed « Avenant n° N » rather than the convention

    @property
    def kind_label(self) -> str:
        return dv.kind_label(self.kind, self.avenant_number)

    @property
    def described(self) -> str:
        """« convention signée », « avenant n° 1 signé partiellement »."""
        return self.kind_label if self.avenant_number else f"convention {self.kind_label}"

    @property
    def file_name(self) -> str:
        """A default name for its PDF: « convention-signee-v2.pdf », « avenant-1-signe-v3.pdf »."""
        if self.avenant_number:
            return f"avenant-{self.avenant_number}-signe-v{self.number}.pdf"
        return f"convention-signee-v{self.number}.pdf"

    @property
    def number_label(self) -> str:
        """« n° 3 », or « n° 3, avenant n° 1 » for a signed avenant."""
        return f"n° {self.number}" + (f", avenant n° {self.avenant_number}" if self.avenant_number else "")

    @property
    def date_label(self) -> str:
        return self.marked_at.astimezone().strftime("%d/%m/%Y")


@dataclass(frozen=True)
class WorkingStatus:
    """The working version against the last signed one (None: never signed)."""

    signed: VersionInfo | None
    diff: dv.VersionDiff
    article4: dv.Article4 | None

    @property
    def modified(self) -> bool:
        return self.signed is not None and not self.diff.empty

    def banner(self) -> str:
        if self.signed is None:
            return ""
        if self.diff.empty:
            return f"Identique à la version signée du {self.signed.date_label} ({self.signed.number_label})."
        return f"modifié depuis la version signée du {self.signed.date_label} ({self.signed.number_label})"


def catalogue_of(store: Store, prae_id: int) -> Catalogue:
    from pnae_desktop.catalogue.loader import shipped_catalogues  # start-up: jsonschema, on use only

    return shipped_catalogues().get(praes.catalogue_edition(store, prae_id))


def snapshot_dict(store: Store, prae_id: int, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The PRAE, its budget and its convention as `show --format json` prints them, plus the
    convention's signature date: what a version freezes."""
    from pnae_desktop.exports import serialize  # start-up: on use only
    from pnae_desktop.services import convention

    catalogue = catalogue or catalogue_of(store, prae_id)
    with store.transaction():
        snap = load_snapshot(store, prae_id, catalogue)
        settings = convention.get_settings(store, prae_id, catalogue, detail=snap.detail)
    assert snap.convention is not None
    data: dict[str, Any] = {"prae": serialize.prae_to_dict(snap.detail)}
    data["budget"] = serialize.budget_to_dict(snap.budget, snap.totals)
    data["convention"] = convention.convention_to_dict(*snap.convention)
    data["convention"]["signature_date"] = settings.signature.date.isoformat() if settings.signature.date else None
    data["convention"]["signature_place"] = settings.signature.place
    return data


def _info(row: PraeVersionRow) -> VersionInfo:
    return VersionInfo(
        row.id,
        row.prae_id,
        row.number,
        row.kind,
        row.pdf_sha256,
        row.fingerprint,
        row.first_revision_sha256,
        tuple(json.loads(row.signed_fields)),
        row.marked_at,
        row.marked_by,
        row.avenant_number,
    )


def recorded_avenant(found: list[VersionInfo], number: int, fingerprint: str) -> VersionInfo | None:
    """The latest version recording « Avenant n° `number` » with this printed fingerprint."""
    return next((v for v in reversed(found) if (v.avenant_number, v.fingerprint) == (number, fingerprint)), None)


def list_versions(store: Store, prae_id: int) -> list[VersionInfo]:
    """The PRAE's signed versions, oldest first."""
    with store.transaction() as session:
        v = PraeVersionRow
        rows = session.scalars(  # without the PDFs and snapshots: a list is read on every banner refresh
            select(v).options(defer(v.pdf), defer(v.snapshot_json)).where(v.prae_id == prae_id).order_by(v.number)
        )
        return [_info(r) for r in rows]


def latest(store: Store, prae_id: int) -> VersionInfo | None:
    found = list_versions(store, prae_id)
    return found[-1] if found else None


def _row(session: Any, version_id: int) -> PraeVersionRow:
    row = session.get(PraeVersionRow, version_id)
    if row is None:
        raise UserError(f"Version introuvable : n° {version_id}.")
    return row


def version_pdf(store: Store, version_id: int) -> bytes:
    """The signed PDF exactly as it was marked (same bytes, same SHA-256)."""
    with store.transaction() as session:
        return bytes(_row(session, version_id).pdf)


def save_version_pdf(store: Store, version_id: int, out: Path | str, *, overwrite: bool = False) -> Path:
    """Write a version's signed PDF to `out`, the stored bytes exactly, atomically; refused
    (French UserError, nothing written) for the store itself, a SQLite file, or an existing
    file without `overwrite`."""
    from pnae_desktop.exports.files import atomic_output  # start-up: on use only
    from pnae_desktop.services.exports import french_os_error
    from pnae_desktop.services.outputs import check_output

    target = check_output(out, overwrite=overwrite, store_path=store.path)
    data = version_pdf(store, version_id)
    try:
        with atomic_output(target) as tmp:
            tmp.write_bytes(data)
    except OSError as exc:
        raise UserError(f"Impossible d'écrire « {target} » : {french_os_error(exc)}. Rien n'a été écrit.") from None
    return target


def version_snapshot(store: Store, version_id: int) -> dict[str, Any]:
    with store.transaction() as session:
        return json.loads(_row(session, version_id).snapshot_json)


def marked_by_default() -> str:
    import os  # start-up: on use only

    name = os.environ.get(MARKED_BY_ENV, "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in this environment
        return "inconnu"


def refusal(reason: str) -> UserError:
    return UserError(f"Ce PDF ne peut pas être marqué comme signé : {reason}. Rien n'a été enregistré.")


def record(
    store: Store,
    prae_id: int,
    kind: str,
    data: dict[str, Any],
    pdf: bytes,
    fingerprint: str,
    report: Any,
    fields: list[str],
    marked_by: str | None,
    avenant_number: int | None = None,
) -> VersionInfo:
    """Insert the next version (the only way a version is written); refused when another
    version of the PRAE was recorded at the same time. A version every party signed makes the
    PRAE « Signé » (what the dashboard says) in the same transaction, in the store and in the
    frozen copy alike, so the two still agree; the fingerprints leave the status out."""
    try:
        return _insert(store, prae_id, kind, data, pdf, fingerprint, report, fields, marked_by, avenant_number)
    except IntegrityError:
        raise refusal("une autre version de ce PRAE vient d'être enregistrée en même temps ; réessayez") from None


def _insert(
    store: Store,
    prae_id: int,
    kind: str,
    data: dict[str, Any],
    pdf: bytes,
    fingerprint: str,
    report: Any,
    fields: list[str],
    marked_by: str | None,
    avenant_number: int | None,
) -> VersionInfo:
    from pnae_desktop.exports.pdf import convention_marks as marks_mod  # start-up: pypdf on use only

    with store.transaction() as session:
        number = (
            session.scalar(select(func.max(PraeVersionRow.number)).where(PraeVersionRow.prae_id == prae_id)) or 0
        ) + 1
        prae = session.get(PraeRow, prae_id)
        if kind == dv.KIND_SIGNED and prae is not None:
            data = {**data, "prae": {**data["prae"], "status": SIGNED_STATUS}}
            if prae.status != SIGNED_STATUS:
                prae.status = SIGNED_STATUS
        row = PraeVersionRow(
            prae_id=prae_id,
            number=number,
            kind=kind,
            snapshot_json=json.dumps(data, ensure_ascii=False, sort_keys=True),
            pdf=bytes(pdf),
            pdf_sha256=marks_mod.sha256(pdf),
            fingerprint=fingerprint,
            first_revision_sha256=report.first_signed_revision_sha256,
            signed_fields=json.dumps(fields),
            marked_by=(marked_by or marked_by_default())[:200],
            avenant_number=avenant_number,
        )
        session.add(row)
        session.flush()
        return _info(row)


def working_status(store: Store, prae_id: int, catalogue: Catalogue | None = None) -> WorkingStatus:
    """The working version against the last signed one: the diff and article 4's rule."""
    signed = latest(store, prae_id)
    if signed is None:
        return WorkingStatus(None, dv.VersionDiff(()), None)
    old = version_snapshot(store, signed.id)
    new = snapshot_dict(store, prae_id, catalogue)
    return WorkingStatus(signed, dv.diff_snapshots(old, new), dv.article4(old, new))


def detach_versions(session: Any, prae_id: int) -> list[dict[str, Any]]:
    """The PRAE's versions as plain column values, read before a package replaces the PRAE
    (deleting its row takes its versions with it): see :func:`reattach_versions`."""
    table = PraeVersionRow.__table__
    return [dict(r) for r in session.execute(select(table).where(table.c.prae_id == prae_id)).mappings()]


def reattach_versions(session: Any, prae_id: int, kept: list[dict[str, Any]]) -> None:
    """Put the versions kept by :func:`detach_versions` back, unchanged, on the replacing PRAE:
    a signed version outlives a replace (the working version is what a package brings)."""
    if kept:
        session.execute(insert(PraeVersionRow), [{**row, "prae_id": prae_id} for row in kept])
