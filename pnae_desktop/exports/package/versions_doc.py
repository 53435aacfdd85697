"""The signed versions inside a package (format 2): versions.json describes each version (its
number, kind, when and by whom it was marked, the frozen snapshot, the SHA-256 of its PDF) and
each signed PDF travels byte for byte as its own member, version-<number>.pdf.

On reading, every PDF must be the one versions.json names, with that SHA-256: a PDF changed
in the package (or one too many, or missing) refuses the package, the message naming the
version and its file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from pnae_desktop.errors import UserError
from pnae_desktop.exports.package.spec import (
    MAX_VERSIONS,
    VERSION_PDF,
    VERSIONS_MEMBER,
    PackageError,
    dumps,
    sha256,
    version_pdf_name,
)


def versions_members(versions: Sequence[Mapping[str, Any]]) -> dict[str, bytes]:
    """versions.json then each version's PDF; `versions` as services.package reads them from
    the store: number, kind, marked_at (datetime), marked_by, pdf (bytes), fingerprint,
    first_revision_sha256, signed_fields (list), snapshot (dict) and avenant_number (None for the
    convention). Nothing when empty."""
    if not versions:
        return {}
    if len(versions) > MAX_VERSIONS or max(v["number"] for v in versions) > 999:  # what a reader accepts
        raise UserError(
            f"Export impossible : ce PRAE a {len(versions)} versions signées, un paquet en porte "
            f"{MAX_VERSIONS} au plus (numérotées jusqu'à 999)."
        )
    entries, pdfs = [], {}
    for v in sorted(versions, key=lambda v: v["number"]):
        name = version_pdf_name(v["number"])
        marked_at = v["marked_at"]
        if marked_at.tzinfo is None:  # the store keeps UTC
            marked_at = marked_at.replace(tzinfo=timezone.utc)
        entries.append(
            {
                "number": v["number"],
                "kind": v["kind"],
                "marked_at": marked_at.astimezone(timezone.utc).isoformat(),
                "marked_by": v["marked_by"],
                "pdf": name,
                "pdf_sha256": sha256(v["pdf"]),
                "fingerprint": v["fingerprint"],
                "first_revision_sha256": v["first_revision_sha256"],
                "signed_fields": list(v["signed_fields"]),
                "snapshot": v["snapshot"],
                # only on a signed avenant: a package without one stays readable by older versions
                **({"avenant_number": v["avenant_number"]} if v.get("avenant_number") else {}),
            }
        )
        pdfs[name] = bytes(v["pdf"])
    return {VERSIONS_MEMBER: dumps({"versions": entries}), **pdfs}


def _where(entry: Mapping[str, Any]) -> str:
    return f"{VERSIONS_MEMBER}, version n° {entry['number']} ({entry['pdf']})"


def version_pdfs(document: Mapping[str, Any] | None, raw: Mapping[str, bytes]) -> dict[int, bytes]:
    """Each version's PDF by number, after checking that the package's PDFs are exactly the ones
    `document` (versions.json, schema-checked, or None when absent) names, each with its SHA-256."""
    present = sorted(name for name in raw if VERSION_PDF.match(name))
    if document is None:
        if present:
            raise PackageError(present[0], f"PDF de version signée sans {VERSIONS_MEMBER} qui le décrive", present[0])
        return {}
    named: dict[str, Mapping[str, Any]] = {}
    numbers: set[int] = set()
    for entry in document["versions"]:
        if entry["number"] in numbers:
            raise PackageError(_where(entry), "numéro de version en double", VERSIONS_MEMBER)
        numbers.add(entry["number"])
        if entry["pdf"] != version_pdf_name(entry["number"]):
            raise PackageError(
                _where(entry),
                f"le PDF de cette version doit s'appeler {version_pdf_name(entry['number'])}",
                VERSIONS_MEMBER,
            )
        named[entry["pdf"]] = entry
    stray = [name for name in present if name not in named]
    if stray:
        raise PackageError(stray[0], f"PDF qu'aucune version de {VERSIONS_MEMBER} ne décrit", stray[0])
    pdfs: dict[int, bytes] = {}
    for name, entry in named.items():
        if name not in raw:
            raise PackageError(_where(entry), "le PDF signé de cette version est absent du paquet", VERSIONS_MEMBER)
        if sha256(raw[name]) != entry["pdf_sha256"]:
            raise PackageError(
                _where(entry),
                "le PDF signé ne correspond pas à l'empreinte SHA-256 inscrite pour cette version "
                "(PDF modifié ou endommagé)",
                name,
            )
        try:
            datetime.fromisoformat(entry["marked_at"].replace("Z", "+00:00"))
        except ValueError:
            raise PackageError(f"{_where(entry)}, marked_at", "date invalide", VERSIONS_MEMBER) from None
        pdfs[entry["number"]] = raw[name]
    return pdfs
