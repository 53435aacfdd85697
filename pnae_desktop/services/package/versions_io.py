"""A PRAE's signed versions through a package: read from the store for the writer
(exports/package/versions_doc.py), and re-created on import from versions.json and the PDFs
the reader has already checked against their SHA-256.

On import the versions are inserted as they were (number, kind, snapshot, the exact PDF bytes,
marked_at/by). When a PRAE is replaced, the store's own versions are kept (services.versions
detach/reattach); a package version already there (same PDF SHA-256) is not added twice, and
one whose number is taken by another PDF takes the next free number."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pnae_desktop.exports.package import Documents
from pnae_desktop.exports.package.spec import sha256
from pnae_desktop.store.models import PraeVersionRow


def read_versions(session: Session, prae_id: int) -> tuple[dict[str, Any], ...]:
    """The PRAE's versions as the package writer takes them, oldest first."""
    rows = session.scalars(
        select(PraeVersionRow).where(PraeVersionRow.prae_id == prae_id).order_by(PraeVersionRow.number)
    )
    return tuple(
        {
            "number": r.number,
            "kind": r.kind,
            "marked_at": r.marked_at,
            "marked_by": r.marked_by,
            "pdf": bytes(r.pdf),
            "fingerprint": r.fingerprint,
            "first_revision_sha256": r.first_revision_sha256,
            "signed_fields": json.loads(r.signed_fields),
            "snapshot": json.loads(r.snapshot_json),
            "avenant_number": r.avenant_number,
        }
        for r in rows
    )


def plan_versions(docs: Documents) -> list[dict[str, Any]]:
    """The versions to re-create (their PDFs checked by the reader), oldest first."""
    if docs.versions is None:
        return []
    planned = []
    for entry in sorted(docs.versions["versions"], key=lambda e: e["number"]):
        planned.append(
            {
                "number": entry["number"],
                "kind": entry["kind"],
                "marked_at": datetime.fromisoformat(entry["marked_at"].replace("Z", "+00:00")),
                "marked_by": entry["marked_by"],
                "pdf": docs.version_pdfs[entry["number"]],
                "pdf_sha256": entry["pdf_sha256"],
                "fingerprint": entry["fingerprint"],
                "first_revision_sha256": entry["first_revision_sha256"],
                "signed_fields": json.dumps(entry["signed_fields"]),
                "snapshot_json": json.dumps(entry["snapshot"], ensure_ascii=False, sort_keys=True),
                "avenant_number": entry.get("avenant_number"),
            }
        )
    return planned


def write_versions(session: Session, prae_id: int, planned: list[dict[str, Any]]) -> None:
    """Insert the planned versions on the PRAE just written (in the import's transaction)."""
    if not planned:
        return
    existing = session.execute(
        select(PraeVersionRow.number, PraeVersionRow.pdf_sha256).where(PraeVersionRow.prae_id == prae_id)
    ).all()
    numbers = {n for n, _ in existing}
    shas = {s for _, s in existing}
    for v in planned:
        if v["pdf_sha256"] in shas:
            continue  # the same signed PDF is already one of this PRAE's versions
        number = v["number"]
        if number in numbers:
            number = max(numbers) + 1
        numbers.add(number)
        shas.add(v["pdf_sha256"])
        assert sha256(v["pdf"]) == v["pdf_sha256"]  # checked by the reader
        session.add(PraeVersionRow(prae_id=prae_id, **{**v, "number": number}))
    session.flush()
