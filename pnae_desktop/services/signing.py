"""Sign a convention PDF file in the app (the CLI `sign` and the « Signer la convention… »
dialog both call :func:`sign_file`): read the input, sign one empty field with a PKCS#12 file or
a PKCS#11 token, write the output atomically beside its target. The input file is never
touched; on any refusal nothing is written. The passphrase/PIN goes through, never stored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports.pdf import signing
from pnae_desktop.services.outputs import check_output

PASSPHRASE_ENV = "PNAE_PKCS12_PASSPHRASE"


@dataclass(frozen=True)
class Pkcs11Token:
    library: str  # path of the PKCS#11 module (.so / .dll), « Bibliothèque PKCS#11 »
    token_label: str
    key_label: str


@dataclass(frozen=True)
class SignResult:
    out: Path
    field: str
    signer: str
    level: str  # "B-B" or "B-T"
    remaining_fields: list[str]  # empty fields left for the other parties


def _read(path: Path | str, what: str) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{what} « {path} » introuvable.") from None
    except IsADirectoryError:
        raise UserError(f"{what} « {path} » est un dossier, pas un fichier.") from None
    except OSError as exc:
        raise UserError(f"{what} « {path} » illisible : {exc.strerror or exc}.") from None


def empty_fields(pdf_path: Path | str) -> list[str]:
    """The signature fields of the PDF that nobody signed yet (what the dialog offers)."""
    data = _read(pdf_path, "Le PDF")
    return [name for name, signed in signing.signature_fields(data).items() if not signed]


def all_fields(pdf_path: Path | str) -> dict[str, bool]:
    return signing.signature_fields(_read(pdf_path, "Le PDF"))


def sign_file(
    pdf_path: Path | str,
    out_path: Path | str,
    *,
    field: str,
    pkcs12_path: Path | str | None = None,
    passphrase: bytes | None = None,
    token: Pkcs11Token | None = None,
    pin: str | None = None,
    timestamp_url: str | None = None,
    overwrite: bool = False,
    store_path: Path | str | None = None,
) -> SignResult:
    """Sign `field` of the PDF at `pdf_path` into `out_path` (never the input itself)."""
    from pnae_desktop.exports.files import atomic_output  # start-up: on use only

    pdf_path, out_path = Path(pdf_path), Path(out_path)
    if out_path.resolve() == pdf_path.resolve():
        raise UserError("Le PDF signé doit être enregistré sous un autre nom que le PDF d'origine, qui reste intact.")
    check_output(out_path, overwrite=overwrite, store_path=store_path)
    if (pkcs12_path is None) == (token is None):
        raise UserError("Indiquez un certificat : un fichier PKCS#12 (.p12) ou un jeton PKCS#11.")
    pdf = _read(pdf_path, "Le PDF")
    timestamp_url = (timestamp_url or "").strip() or None
    try:
        if token is not None:
            signed = signing.sign_pdf_pkcs11(
                pdf,
                field=field,
                library=token.library,
                token_label=token.token_label,
                key_label=token.key_label,
                pin=pin,
                timestamp_url=timestamp_url,
            )
        else:
            assert pkcs12_path is not None
            signed = signing.sign_pdf(
                pdf,
                field=field,
                pkcs12=_read(pkcs12_path, "Le certificat"),
                passphrase=passphrase or b"",
                timestamp_url=timestamp_url,
            )
    except ValidationError as exc:
        raise ValidationError(f"« {pdf_path.name} » : {exc}", field=exc.field) from None
    report = signing.read_signatures(signed)
    mine = next(s for s in report.signatures if s.field == field)
    try:
        with atomic_output(out_path) as tmp:
            tmp.write_bytes(signed)
    except OSError as exc:
        raise UserError(f"Écriture impossible de « {out_path} » : {exc.strerror or exc}.") from None
    return SignResult(out_path, field, mine.signer, mine.level, report.empty_fields)
