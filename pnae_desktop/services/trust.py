"""The trust roots the user imported once (the certificates of the authorities whose
signatures are « de confiance »): PEM files in the settings folder, in
`<dossier des données>/racines-de-confiance/`, one file per root named by its SHA-256.

The CLI passes its own roots (`--trust ROOT.pem`) and does not need this folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pnae_desktop.errors import UserError
from pnae_desktop.paths import make_private_dirs, user_data_dir

FOLDER_NAME = "racines-de-confiance"
TRUST_DIR_ENV = "PNAE_TRUST_DIR"


def trust_dir() -> Path:
    override = os.environ.get(TRUST_DIR_ENV)
    return Path(override) if override else user_data_dir() / FOLDER_NAME


def read_root(path: Path | str) -> bytes:
    """A root certificate file's bytes (PEM or DER), checked; UserError in French otherwise."""
    from cryptography import x509  # start-up: on use only

    where = Path(path)
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise UserError(f"Certificat racine « {where} » illisible : {exc.strerror or exc}.") from None
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            cert = x509.load_pem_x509_certificate(data)
        else:
            cert = x509.load_der_x509_certificate(data)
    except ValueError:
        raise UserError(
            f"« {where} » n'est pas un certificat X.509 (PEM ou DER) : aucune racine de confiance importée."
        ) from None
    from cryptography.hazmat.primitives.serialization import Encoding  # start-up: on use only

    return cert.public_bytes(Encoding.PEM)


def import_root(path: Path | str, folder: Path | None = None) -> Path:
    """Copy a root certificate into the trust folder (once: the same root is kept once)."""
    pem = read_root(path)
    folder = folder or trust_dir()
    make_private_dirs(folder)
    target = folder / f"{hashlib.sha256(pem).hexdigest()[:16]}.pem"
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(pem)
        os.replace(tmp, target)
    return target


def trust_roots(folder: Path | None = None) -> list[bytes]:
    """The imported roots, as PEM bytes (none when nothing was imported)."""
    folder = folder or trust_dir()
    if not folder.is_dir():
        return []
    return [p.read_bytes() for p in sorted(folder.glob("*.pem"))]


def root_labels(folder: Path | None = None) -> list[str]:
    """The imported roots' subjects, for the settings dialog."""
    from cryptography import x509  # start-up: on use only

    return [x509.load_pem_x509_certificate(pem).subject.rfc4514_string() for pem in trust_roots(folder)]
