"""Reading a package into plain documents: the container, the manifest (format, versions,
checksums), every member's JSON and schema. What the documents mean is checked by the caller."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pnae_desktop.exports.package.container import read_container
from pnae_desktop.exports.package.places import place
from pnae_desktop.exports.package.spec import (
    FOLLOWUP_MEMBER,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    READABLE_VERSIONS,
    VERSION_PDF,
    VERSIONS_MEMBER,
    PackageError,
    members_of,
    sha256,
)
from pnae_desktop.exports.package.validation import check_schema, parse_json
from pnae_desktop.exports.package.versions_doc import version_pdfs
from pnae_desktop.schema_messages import kind, short


@dataclass(frozen=True)
class Documents:
    """A package's members, each parsed and valid against the schema."""

    manifest: dict
    prae: dict
    actions: dict
    budget: dict
    convention: dict
    followup: dict | None = None  # format 2 on; None in a format 1 package
    versions: dict | None = None  # versions.json (format 2, a PRAE with signed versions), else None
    version_pdfs: dict[int, bytes] = field(default_factory=dict)  # each version's PDF, SHA-256 checked


def read_documents(path: Path, known_revisions: Collection[str]) -> Documents:
    """Read and check the package at `path` (PackageError else). `known_revisions`: the store
    schema versions this application knows (a package from a newer one is refused)."""
    raw = read_container(path)
    manifest = _read_manifest(raw[MANIFEST], known_revisions)
    members = members_of(manifest["format_version"])
    if FOLLOWUP_MEMBER in raw and FOLLOWUP_MEMBER not in members:
        raise PackageError(FOLLOWUP_MEMBER, "membre inattendu dans un paquet au format n° 1", FOLLOWUP_MEMBER)
    if manifest["format_version"] == 1:
        extra = next((n for n in raw if n == VERSIONS_MEMBER or VERSION_PDF.match(n)), None)
        if extra is not None:
            raise PackageError(extra, "membre inattendu dans un paquet au format n° 1", extra)
    elif VERSIONS_MEMBER in manifest["members"] or VERSIONS_MEMBER in raw:
        members = (*members, VERSIONS_MEMBER)  # a PRAE with signed versions
    if sorted(manifest["members"]) != sorted(members):
        raise PackageError(
            place(MANIFEST, ["members"], manifest),
            f"liste des membres inattendue pour le format n° {manifest['format_version']} "
            f"(attendus : {', '.join(members)})",
            MANIFEST,
        )
    for member in members:
        if member not in raw:
            raise PackageError(member, "membre absent", member)
        if sha256(raw[member]) != manifest["members"][member]:
            raise PackageError(
                member,
                "son contenu ne correspond pas à l'empreinte SHA-256 inscrite dans manifest.json "
                "(fichier modifié ou endommagé)",
                member,
            )
    docs = {}
    for member in members:
        document = parse_json(member, raw[member])
        check_schema(member, document)
        docs[member] = document
    prae = docs["prae.json"]
    if prae["uid"] != manifest["prae_uid"]:
        raise PackageError(place("prae.json", ["uid"], prae), "ne correspond pas à celui de manifest.json", "prae.json")
    if prae["catalogue_edition"] != manifest["catalogue_edition"]:
        raise PackageError(
            place("prae.json", ["catalogue_edition"], prae),
            "ne correspond pas à celle de manifest.json",
            "prae.json",
        )
    versions = docs.get(VERSIONS_MEMBER)
    pdfs = version_pdfs(versions, raw)
    return Documents(
        manifest,
        prae,
        docs["actions.json"],
        docs["budget.json"],
        docs["convention.json"],
        docs.get(FOLLOWUP_MEMBER),
        versions,
        pdfs,
    )


def _read_manifest(data: bytes, known_revisions: Collection[str]) -> dict[str, Any]:
    manifest = parse_json(MANIFEST, data)
    if not isinstance(manifest, dict):
        raise PackageError(MANIFEST, f"un objet JSON est attendu (trouvé : {kind(manifest)})", MANIFEST)
    fmt = manifest.get("format")
    if fmt != FORMAT:
        raise PackageError(
            MANIFEST,
            f"format « {short(fmt)} » inconnu : ce fichier n'est pas un paquet PNAE Desktop",
            MANIFEST,
        )
    version = manifest.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise PackageError(
            MANIFEST,
            f"paquet au format n° {version}, créé par une version plus récente de PNAE Desktop "
            f"(cette version lit le format n° {FORMAT_VERSION}) : mettez l'application à jour",
            MANIFEST,
        )
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        raise PackageError(MANIFEST, f"version de format « {short(version)} » inconnue", MANIFEST)
    check_schema(MANIFEST, manifest)
    schema_version = manifest["schema_version"]
    if schema_version not in known_revisions:
        raise PackageError(
            place(MANIFEST, ["schema_version"], manifest),
            f"paquet créé par une version plus récente de PNAE Desktop (schéma « {schema_version} ») : "
            "mettez l'application à jour pour l'importer",
            MANIFEST,
        )
    try:
        datetime.fromisoformat(manifest["created_at"].replace("Z", "+00:00"))
    except ValueError:
        raise PackageError(place(MANIFEST, ["created_at"], manifest), "date invalide", MANIFEST) from None
    return manifest
