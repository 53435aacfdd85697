"""Exchange packages (".prae"), the use cases: export a PRAE from the store to a file, tell what
a file holds, import one into the store. The format itself (container, JSON documents, schema,
French refusals) is exports.package; docs/package-format.md documents it.

- `exporting`: read the PRAE through the services in one transaction, call the writer;
- `checks`, `budget_checks`: every domain rule, on the documents read, gives a `plan.Plan`;
- `importing`: the plan written in one transaction, or nothing.
"""

from pnae_desktop.exports.package import (
    ALL_MEMBERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MAX_MEMBERS,
    MAX_PACKAGE_BYTES,
    MAX_TOTAL_BYTES,
    MEMBERS,
    SUFFIX,
    PackageError,
    package_schema,
)
from pnae_desktop.services.package.exporting import export_package
from pnae_desktop.services.package.importing import (
    BACKUP_REASON,
    COPY_SUFFIX,
    MODES,
    Mode,
    PackageInfo,
    import_package,
    inspect_package,
)

__all__ = [
    "ALL_MEMBERS",
    "BACKUP_REASON",
    "COPY_SUFFIX",
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "MAX_MEMBERS",
    "MAX_PACKAGE_BYTES",
    "MAX_TOTAL_BYTES",
    "MEMBERS",
    "MODES",
    "SUFFIX",
    "Mode",
    "PackageError",
    "PackageInfo",
    "export_package",
    "import_package",
    "inspect_package",
    "package_schema",
]
