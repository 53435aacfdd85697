"""What a .prae package is made of: its members, its limits, and the error that refuses one."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pnae_desktop.errors import UserError

FORMAT = "pnae-desktop-package"
FORMAT_VERSION = 2  # 2: followup.json (the realised years and the FEC mapping); 1 is still read
READABLE_VERSIONS = (1, 2)
SUFFIX = ".prae"
MANIFEST = "manifest.json"
FOLLOWUP_MEMBER = "followup.json"
V1_MEMBERS = ("prae.json", "actions.json", "budget.json", "convention.json")
MEMBERS = (*V1_MEMBERS, FOLLOWUP_MEMBER)  # what this version writes
ALL_MEMBERS = (MANIFEST, *MEMBERS)


# Format 2 also carries the PRAE's signed versions when it has any: versions.json (listed in the
# manifest) and each version's signed PDF, byte for byte, as version-<number>.pdf (its SHA-256
# in versions.json, checked on import).
VERSIONS_MEMBER = "versions.json"
VERSION_PDF = re.compile(r"^version-([1-9][0-9]{0,2})\.pdf$")
MAX_VERSIONS = 100


def version_pdf_name(number: int) -> str:
    return f"version-{number}.pdf"


def members_of(version: int) -> tuple[str, ...]:
    """The members after the manifest of a package of that format version."""
    return V1_MEMBERS if version == 1 else MEMBERS


SCHEMA_FILE = "package.schema.json"

# Limits: a real package is a few hundred kilobytes.
MAX_PACKAGE_BYTES = 50 * 1024 * 1024  # the .prae file itself
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # all members, uncompressed
MAX_MEMBERS = 16 + MAX_VERSIONS  # zip entries: 6 or 7 and the versions' PDFs; more refused before reading

# An action in actions.json (format version 1): what serialize.action_to_dict gives, less ids.
ACTION_KEYS = (
    "pnae_action",
    "title",
    "theme_label",
    "fields",
    "pilot",
    "co_pilots",
    "partners",
    "regional_priority",
    "territorial_levels",
    "calendar_note",
    "notes",
    "calendar",
    "objectives",
    "indicators",
    "missions_locales",
)

# A payment schedule's funder inside a package: "state", "region" or "financeur#<position>".
FUNDER_REF = re.compile(r"^financeur#(\d+)$")


class PackageError(UserError):
    """A package refused: `member` (or None for the container) and `where` name the place."""

    def __init__(self, where: str, why: str | None = None, member: str | None = None):
        if why is None:  # rebuilt from its message (copy, pickle)
            super().__init__(where)
        else:
            super().__init__(f"{where} : {why.strip().rstrip('.')}. Rien n'a été importé.")
        self.where = where
        self.member = member


def dumps(document: Any) -> bytes:
    """A member's bytes: UTF-8 JSON, sorted keys, indented, one final newline."""
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
