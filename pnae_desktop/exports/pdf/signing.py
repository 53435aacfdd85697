"""Sign a convention's empty signature field (PAdES baseline B-B, B-T with a timestamp server)
and read back the signatures a PDF holds. Bytes in, bytes out: no file, no store.

- :func:`sign_pdf` fills one existing empty field (Signature_ARML, Signature_Etat,
  Signature_Region) as an incremental update, `/SubFilter /ETSI.CAdES.detached`, with a visible
  appearance in the field's box (signer's name and date). Earlier signatures stay valid.
- :func:`read_signatures` lists each signature (field, signer, date, intact, trusted against the
  given roots, whole-document coverage, modified after, revision) and the empty fields.
  Revocation is never checked (B-LT/B-LTA are out of scope); the report says so.

Every refusal is a French :class:`ValidationError` raised before any byte is produced.
pyHanko is imported on use (start-up time)."""

from __future__ import annotations

import hashlib
import io
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pnae_desktop.errors import ValidationError
from pnae_desktop.exports.pdf.signing_keys import load_pkcs11_signer, load_pkcs12_signer

# pyHanko logs an untrusted certificate's path-building failure as a warning with an English
# traceback; the report says it in French. Without this, Python's last-resort handler printed
# those tracebacks on the command line's standard error.
for _name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers import Signer
    from pyhanko.sign.timestamps.api import TimeStamper

REVOCATION_NOT_CHECKED = (
    "La révocation des certificats n'a pas été vérifiée (niveaux PAdES B-LT/B-LTA hors du champ de l'application)."
)


@dataclass(frozen=True)
class SignatureInfo:
    field: str  # "Signature_ARML"
    signer: str  # the signing certificate's common name
    signing_time: datetime | None  # the timestamp's when B-T, else the time the signer declared
    intact: bool  # the signed bytes are unchanged and the signature matches them
    trusted: bool  # the certificate chains up to one of the trust roots given
    covers_whole_document: bool  # nothing was appended after this signature
    modified_after: bool  # content changed after it (more than filling other signature fields)
    revision: int  # 0-based revision of the file that this signature closes
    level: str  # "B-B" or "B-T" (signature timestamp present and valid)
    signed_sha256: str  # SHA-256 of the bytes its /ByteRange covers
    notes: tuple[str, ...] = ()  # French remarks (why not intact / not trusted…)


@dataclass(frozen=True)
class SignatureReport:
    signatures: list[SignatureInfo]
    empty_fields: list[str]  # signature fields with no signature yet, in document order
    first_signed_revision_sha256: str | None  # SHA-256 of what the first signature covers
    unsigned_sha256: str | None = None  # SHA-256 of the document before its first signature
    revocation_checked: bool = False
    notes: tuple[str, ...] = field(default=(REVOCATION_NOT_CHECKED,))

    @property
    def all_intact(self) -> bool:
        return bool(self.signatures) and all(s.intact for s in self.signatures)

    @property
    def signed_fields(self) -> list[str]:
        return [s.field for s in self.signatures]


# ------------------------------------------------------------------------------------- reading


def _open(pdf: bytes, what: str = "Le document") -> PdfFileReader:
    from pyhanko.pdf_utils.reader import PdfFileReader  # start-up: pyHanko on use only

    if not pdf.lstrip()[:5] == b"%PDF-":
        raise ValidationError(f"{what} n'est pas un PDF.", field="pdf")
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        reader.root  # noqa: B018 - forces the catalogue (and the xref) to be read
        return reader
    except Exception:  # noqa: BLE001 - any parser failure means unreadable/truncated
        raise ValidationError(f"{what} est illisible ou tronqué (PDF incomplet ou endommagé).", field="pdf") from None


def signature_fields(pdf: bytes) -> dict[str, bool]:
    """Every signature field of the PDF → whether it is already signed, in document order."""
    from pyhanko.sign.fields import enumerate_sig_fields  # start-up: on use only

    reader = _open(pdf)
    try:
        return {str(name): value is not None for name, value, _ref in enumerate_sig_fields(reader)}
    except Exception:  # noqa: BLE001
        raise ValidationError("Les champs de signature du document sont illisibles.", field="pdf") from None


def _covered(pdf: bytes, byte_range: Iterable[Any]) -> bytes:
    values = [int(v) for v in byte_range]
    parts = [pdf[values[i] : values[i] + values[i + 1]] for i in range(0, len(values) - 1, 2)]
    return b"".join(parts)


def _unsigned_prefix(pdf: bytes, byte_range: Iterable[Any]) -> bytes | None:
    """The document as it was before the revision holding this signature: the bytes up to the
    last %%EOF (and its end of line) before the signature's /Contents."""
    values = [int(v) for v in byte_range]
    end = pdf.rfind(b"%%EOF", 0, values[1])
    if end < 0:
        return None
    end += len(b"%%EOF")
    while end < len(pdf) and pdf[end : end + 1] in (b"\r", b"\n"):
        end += 1
    return pdf[:end]


def read_signatures(pdf: bytes, trust_roots: Iterable[bytes] = ()) -> SignatureReport:
    """Every signature of `pdf`, checked (integrity, coverage, later changes, trust against
    `trust_roots`: PEM or DER certificates); revocation is not checked."""
    from pyhanko.sign.fields import enumerate_sig_fields  # start-up: pyHanko on use only

    reader = _open(pdf)
    vc = _validation_context(trust_roots)
    try:
        embedded = list(reader.embedded_regular_signatures)
        empty = [str(n) for n, value, _ref in enumerate_sig_fields(reader, filled_status=False)]
    except Exception:  # noqa: BLE001
        raise ValidationError(
            "Les signatures du document sont illisibles (PDF endommagé ou modifié).", field="pdf"
        ) from None
    from pnae_desktop.exports.pdf.signature_changes import modified_revisions  # start-up: pyHanko

    modified = modified_revisions(reader) if embedded else set()
    infos = [_signature_info(pdf, sig, vc, modified) for sig in embedded]
    infos.sort(key=lambda s: s.revision)
    first = min(embedded, key=lambda s: s.signed_revision, default=None)
    first_sha = unsigned_sha = None
    if first is not None:
        first_sha = hashlib.sha256(_covered(pdf, first.byte_range)).hexdigest()
        prefix = _unsigned_prefix(pdf, first.byte_range)
        unsigned_sha = hashlib.sha256(prefix).hexdigest() if prefix is not None else None
    return SignatureReport(infos, empty, first_sha, unsigned_sha)


def _load_cert(data: bytes) -> Any:
    from asn1crypto import pem, x509  # start-up: on use only

    try:
        if pem.detect(data):
            return [x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True)]
        return [x509.Certificate.load(data)]
    except Exception:  # noqa: BLE001
        raise ValidationError("Certificat racine illisible (attendu : PEM ou DER).", field="racine") from None


def _validation_context(trust_roots: Iterable[bytes]) -> Any:
    from pyhanko_certvalidator import ValidationContext  # start-up: on use only

    roots = [c for data in trust_roots for c in _load_cert(data)]
    # Offline: no fetching, no revocation checking (out of scope, and stated in the report).
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


def _signature_info(pdf: bytes, sig: Any, vc: Any, modified_revisions: set[int]) -> SignatureInfo:
    from pyhanko.sign.validation import validate_pdf_signature  # start-up: on use only
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    notes: list[str] = []
    name = str(sig.field_name)
    try:
        signer = _cn(sig.signer_cert)
    except Exception:  # noqa: BLE001
        signer = "(inconnu)"
    signed_sha = hashlib.sha256(_covered(pdf, sig.byte_range)).hexdigest()
    try:
        # skip_diff: later revisions are judged by signature_changes (pyHanko's analysis maps
        # every object of the document first, ~0.4 s on the convention)
        status = validate_pdf_signature(sig, signer_validation_context=vc, skip_diff=True)
    except Exception as exc:  # noqa: BLE001 - a broken signature is reported, not raised
        return SignatureInfo(
            name,
            signer,
            None,
            False,
            False,
            False,
            True,
            int(sig.signed_revision),
            "B-B",
            signed_sha,
            (f"Signature illisible ou invalide ({type(exc).__name__}).",),
        )
    intact = bool(status.intact and status.valid)
    if not intact:
        notes.append("Le contenu signé a été modifié ou la signature ne lui correspond pas.")
    trusted = bool(status.trusted)
    if not trusted:
        notes.append("Certificat non reconnu : il ne remonte à aucune autorité de confiance importée.")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    revision = int(sig.signed_revision)
    modified = not whole and any(r > revision for r in modified_revisions)
    if modified:
        notes.append("Le document a été modifié après cette signature.")
    when = status.signer_reported_dt
    tsv = status.timestamp_validity
    bt = tsv is not None and bool(tsv.intact and tsv.valid)
    if tsv is not None and bt:
        when = tsv.timestamp
    return SignatureInfo(
        name, signer, when, intact, trusted, whole, modified, revision,
        "B-T" if bt else "B-B", signed_sha, tuple(notes),
    )  # fmt: skip


def _cn(asn1_cert: Any) -> str:
    cn = asn1_cert.subject.native.get("common_name")
    if isinstance(cn, list):
        cn = cn[0]
    return str(cn) if cn else asn1_cert.subject.human_friendly


# ------------------------------------------------------------------------------------- signing


def sign_pdf(
    pdf: bytes,
    *,
    field: str,
    pkcs12: bytes,
    passphrase: bytes,
    signer_name: str | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """The PDF with `field` signed by the PKCS#12 certificate (PAdES B-B; B-T with
    `timestamp_url`), as an incremental update of `pdf`."""
    check_field(pdf, field)  # before asking anything of the certificate
    signer, cn = load_pkcs12_signer(pkcs12, passphrase)
    return sign_with(pdf, signer, field=field, signer_name=signer_name or cn, timestamp_url=timestamp_url)


def sign_pdf_pkcs11(
    pdf: bytes,
    *,
    field: str,
    library: str,
    token_label: str,
    key_label: str,
    pin: str | None,
    signer_name: str | None = None,
    timestamp_url: str | None = None,
) -> bytes:
    """As :func:`sign_pdf`, the key held on a PKCS#11 token (smart card, USB key, SoftHSM)."""
    check_field(pdf, field)
    session, signer, cn = load_pkcs11_signer(library, token_label=token_label, key_label=key_label, pin=pin)
    try:
        return sign_with(pdf, signer, field=field, signer_name=signer_name or cn, timestamp_url=timestamp_url)
    finally:
        session.close()


def check_field(pdf: bytes, field: str) -> None:
    """Refuse a field the PDF does not have, or one already signed (French message listing the
    fields still available)."""
    fields = signature_fields(pdf)
    free = [n for n, signed in fields.items() if not signed]
    available = ", ".join(free) if free else "aucun (tous les champs sont signés)"
    if field not in fields:
        raise ValidationError(
            f"Le document n'a pas de champ de signature « {field} ». Champs disponibles : {available}.",
            field="champ",
        )
    if fields[field]:
        raise ValidationError(
            f"Le champ « {field} » est déjà signé : une signature ne se remplace pas. "
            f"Champs encore à signer : {available}.",
            field="champ",
        )


# Characters with no decomposition to fold (« Œ » would otherwise print as « ? »).
_FOLDS = {"Œ": "OE", "€": "EUR", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "-"}


def _stamp_text(value: str) -> str:
    """Text the appearance's standard font can show. pyHanko writes it in PDFDocEncoding and the
    font reads it as WinAnsi: a character is kept when both give the same byte (every Latin-1
    accent, « œ »), otherwise folded (« Œ » → « OE », « ā » → « a »), and « ? » as a last resort."""
    from pyhanko.pdf_utils.generic import encode_pdfdocencoding  # start-up: pyHanko on use only

    out = []
    for ch in value:
        try:
            same = encode_pdfdocencoding(ch) == ch.encode("cp1252")
        except UnicodeEncodeError:
            same = False
        if same:
            out.append(ch)
        else:
            folded = _FOLDS.get(ch) or unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(_stamp_text(folded) if folded and folded != ch else "?")
    return "".join(out)


def sign_with(pdf: bytes, signer: Signer, *, field: str, signer_name: str, timestamp_url: str | None = None) -> bytes:
    """Sign `field` of `pdf` with a ready pyHanko signer (the shared path of PKCS#12/PKCS#11)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # start-up: on use only
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
    from pyhanko.stamp import TextStampStyle

    check_field(pdf, field)
    meta = PdfSignatureMetadata(
        field_name=field,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=signer_name,
        reason="Signature de la convention pluriannuelle d'objectifs",
    )
    style = TextStampStyle(
        stamp_text="Signé par : %(signer)s\nLe %(ts)s",
        timestamp_format="%d/%m/%Y à %H:%M (%Z)",
        border_width=1,
    )
    timestamper = make_timestamper(timestamp_url) if timestamp_url else None
    pdf_signer = PdfSigner(meta, signer, timestamper=timestamper, stamp_style=style)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = pdf_signer.sign_pdf(
            writer, existing_fields_only=True, appearance_text_params={"signer": _stamp_text(signer_name)}
        )
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyHanko/TSA failures become one French message
        if timestamp_url and (isinstance(exc, OSError) or "imestamp" in f"{type(exc).__name__} {exc}"):
            raise ValidationError(
                f"Horodatage impossible auprès de « {timestamp_url} » : serveur injoignable ou "
                "réponse invalide. Rien n'a été signé.",
                field="horodatage",
            ) from None
        raise ValidationError(f"Signature impossible : {type(exc).__name__}. Rien n'a été écrit.") from None
    return bytes(out.getbuffer())


def make_timestamper(url: str, timeout: float = 10.0) -> TimeStamper:
    """An RFC 3161 client over the standard library (pyHanko's own HTTP client needs
    `requests`): the one network access the app may make, and only when the user set a URL."""
    import asyncio  # start-up: on use only
    import urllib.request

    from asn1crypto import tsp  # start-up: on use only
    from pyhanko.sign.timestamps.api import TimeStamper

    if not url.lower().startswith(("http://", "https://")):
        raise ValidationError(
            f"Adresse du serveur d'horodatage invalide : « {url} » (attendu : http:// ou https://).",
            field="horodatage",
        )

    class UrllibTimeStamper(TimeStamper):
        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            def task() -> tsp.TimeStampResp:
                request = urllib.request.Request(
                    url,
                    data=req.dump(),
                    headers={
                        "Content-Type": "application/timestamp-query",
                        "Accept": "application/timestamp-reply",
                    },
                    method="POST",
                )
                with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's TSA
                    if response.headers.get("Content-Type") != "application/timestamp-reply":
                        raise OSError("Timestamp server response is malformed")
                    return tsp.TimeStampResp.load(response.read())

            return await asyncio.to_thread(task)

    return UrllibTimeStamper()
