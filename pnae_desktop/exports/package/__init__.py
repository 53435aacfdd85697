"""Exchange packages (".prae"), the format: one PRAE, whole, in a zip a colleague can import offline.

A package is a zip of five JSON members (UTF-8, sorted keys, decimals as strings, ISO dates):
``manifest.json`` (format, versions, the PRAE's uid, the SHA-256 of every other member),
``prae.json``, ``actions.json``, ``budget.json`` and ``convention.json``. Inside the package
things refer to each other by position (an action's missions locales, a financing line's
funder, a manual allocation share's action), never by store ids. docs/package-format.md
documents the format; resources/package.schema.json is its JSON Schema (docs/ has a copy).

This package knows bytes and documents only (it never touches a store):
- `spec`: members, limits, `PackageError`;
- `container`: the zip, read with every hardening (names, counts, sizes, CRCs) and written atomically;
- `validation`: strict JSON and the JSON Schema, refusals in French (`places` says where);
- `reader`: a file to checked plain `Documents`;
- `writer`: a PRAE read as domain values (`PackageContent`) to a file.
- `versions_doc`: the signed versions (format 2): versions.json and each PDF, SHA-256 checked.
Reading a package into a store, and exporting one from it, are use cases: services.package.
"""

from pnae_desktop.exports.package.reader import Documents, read_documents
from pnae_desktop.exports.package.spec import (
    ALL_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    FUNDER_REF,
    MANIFEST,
    MAX_MEMBERS,
    MAX_PACKAGE_BYTES,
    MAX_TOTAL_BYTES,
    MEMBERS,
    SUFFIX,
    PackageError,
)
from pnae_desktop.exports.package.validation import package_schema
from pnae_desktop.exports.package.writer import PackageContent, write_package

__all__ = [
    "ALL_MEMBERS",
    "FORMAT",
    "FORMAT_VERSION",
    "FUNDER_REF",
    "MANIFEST",
    "MAX_MEMBERS",
    "MAX_PACKAGE_BYTES",
    "MAX_TOTAL_BYTES",
    "MEMBERS",
    "SUFFIX",
    "Documents",
    "PackageContent",
    "PackageError",
    "package_schema",
    "read_documents",
    "write_package",
]
