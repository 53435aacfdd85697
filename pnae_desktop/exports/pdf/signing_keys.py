"""Signing credentials: a PKCS#12 file (key + certificate + chain) or a PKCS#11 token, checked
before anything is signed (readable, holds a private key, certificate valid today, allowed to
sign), each problem a French sentence. Bytes in, pyHanko signer out; nothing is written.

pyHanko and python-pkcs11 are imported on use (start-up time; PKCS#11 is optional)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pnae_desktop.errors import ValidationError

if TYPE_CHECKING:
    from cryptography import x509 as pyca_x509
    from pyhanko.sign.signers import Signer


def _french_date(when: dt.datetime) -> str:
    return when.strftime("%d/%m/%Y")


def check_certificate(cert: pyca_x509.Certificate, *, now: dt.datetime | None = None, where: str = "") -> None:
    """Refuse a certificate that is expired, not yet valid, or not meant to sign."""
    from cryptography import x509  # start-up: on use only

    now = now or dt.datetime.now(dt.timezone.utc)
    name = certificate_name(cert)
    place = f" ({where})" if where else ""
    if cert.not_valid_after_utc < now:
        raise ValidationError(
            f"Le certificat de « {name} »{place} a expiré le {_french_date(cert.not_valid_after_utc)} : "
            "il ne peut plus signer. Utilisez un certificat en cours de validité.",
            field="certificat",
        )
    if cert.not_valid_before_utc > now:
        raise ValidationError(
            f"Le certificat de « {name} »{place} n'est valable qu'à partir du "
            f"{_french_date(cert.not_valid_before_utc)}.",
            field="certificat",
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return  # no restriction declared
    if not (usage.digital_signature or usage.content_commitment):
        raise ValidationError(
            f"Le certificat de « {name} »{place} n'est pas prévu pour signer (usage de clé sans "
            "« signature numérique » ni « non-répudiation ») : demandez un certificat de signature.",
            field="certificat",
        )


def certificate_name(cert: pyca_x509.Certificate) -> str:
    """The certificate's common name (else its whole subject)."""
    from cryptography.x509.oid import NameOID  # start-up: on use only

    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        value = names[0].value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return cert.subject.rfc4514_string()


def load_pkcs12_signer(
    pkcs12: bytes, passphrase: bytes | None, *, now: dt.datetime | None = None, where: str = "fichier PKCS#12"
) -> tuple[Signer, str]:
    """A pyHanko signer from PKCS#12 bytes, and the certificate's common name; a French
    ValidationError for unreadable data, a wrong passphrase, no key, or an unfit certificate."""
    from cryptography.hazmat.primitives.serialization import pkcs12 as pyca_pkcs12  # start-up

    if not pkcs12 or pkcs12[:1] != b"\x30":
        raise ValidationError(f"Le {where} n'est pas un certificat PKCS#12 (.p12 / .pfx) lisible.", field="certificat")
    try:
        key, cert, _chain = pyca_pkcs12.load_key_and_certificates(pkcs12, passphrase or None)
    except ValueError:
        if passphrase:
            # the same data opens without a passphrase: the file was not protected at all
            raise ValidationError(
                f"Mot de passe incorrect pour le {where}, ou fichier PKCS#12 illisible. "
                "Vérifiez le mot de passe du certificat.",
                field="mot de passe",
            ) from None
        raise ValidationError(
            f"Le {where} est protégé par un mot de passe : saisissez-le.", field="mot de passe"
        ) from None
    except Exception:  # noqa: BLE001 - any parser failure is an unreadable file
        raise ValidationError(
            f"Le {where} n'est pas un certificat PKCS#12 (.p12 / .pfx) lisible.", field="certificat"
        ) from None
    if key is None:
        raise ValidationError(
            f"Le {where} ne contient pas de clé privée (certificat seul) : il ne permet pas de "
            "signer. Exportez le certificat avec sa clé privée.",
            field="certificat",
        )
    if cert is None:
        raise ValidationError(f"Le {where} ne contient aucun certificat.", field="certificat")
    check_certificate(cert, now=now, where=where)
    try:
        signer = _loaded_key_signer(key, cert, _chain)
    except (ValueError, TypeError):
        raise ValidationError(f"Le {where} ne peut pas servir à signer.", field="certificat") from None
    return signer, certificate_name(cert)


def _loaded_key_signer(key: Any, cert: pyca_x509.Certificate, chain: list[pyca_x509.Certificate]) -> Signer:
    """pyHanko's SimpleSigner over a key already decrypted: SimpleSigner.load_pkcs12_data would
    decrypt the PKCS#12 a second time (~75 ms of key derivation) and sign_raw reloads and
    re-validates the RSA key on every call (~70 ms, twice: the size estimate and the signature)."""
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # start-up: on use only
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.sign.signers import SimpleSigner  # start-up: pyHanko on use only
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class LoadedKeySigner(SimpleSigner):
        async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
            if dry_run and isinstance(key, rsa.RSAPrivateKey):
                return bytes(key.key_size // 8)  # only its size matters for the estimate
            return self.sign_raw(data, digest_algorithm)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algo = mechanism.signature_algo
            except ValueError:
                algo = mechanism["algorithm"].native
            hash_algo = get_pyca_cryptography_hash(digest_algorithm)
            if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                return key.sign(data, padding.PKCS1v15(), hash_algo)
            if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                return key.sign(data, ec.ECDSA(hash_algo))
            return super().sign_raw(data, digest_algorithm)  # other mechanisms: pyHanko's own path

    registry = SimpleCertificateStore()
    registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
    return LoadedKeySigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=registry,
    )


def load_pkcs11_signer(
    library: str,
    *,
    token_label: str,
    key_label: str,
    pin: str | None,
    cert_label: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Any, Signer, str]:
    """Open a session on a PKCS#11 token and return (session, signer, common name); the caller
    closes the session (``session.close()``) once signed. French errors for an absent library,
    an unknown token, a wrong PIN or a missing key/certificate."""
    try:
        import pkcs11  # noqa: F401 - optional dependency (python-pkcs11)
        from pyhanko.sign import pkcs11 as ph11
    except ImportError:
        raise ValidationError(
            "La signature par carte ou jeton (PKCS#11) demande le module python-pkcs11, absent de cette installation.",
            field="pkcs11",
        ) from None
    from cryptography import x509  # start-up: on use only
    from pyhanko.config.pkcs11 import TokenCriteria

    try:
        session = ph11.open_pkcs11_session(library, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except Exception as exc:  # noqa: BLE001 - python-pkcs11 raises many unrelated types
        raise ValidationError(_pkcs11_message(exc, library, token_label), field="pkcs11") from None
    try:
        signer = ph11.PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=cert_label or key_label,
            other_certs_to_pull=None,  # every certificate on the token: the chain the card carries
        )
        asn1_cert = signer.signing_cert
    except Exception:  # noqa: BLE001
        session.close()
        raise ValidationError(
            f"Clé ou certificat « {key_label} » introuvable sur le jeton « {token_label} ».",
            field="pkcs11",
        ) from None
    cert = x509.load_der_x509_certificate(asn1_cert.dump())
    try:
        check_certificate(cert, now=now, where=f"jeton « {token_label} »")
    except ValidationError:
        session.close()
        raise
    return session, signer, certificate_name(cert)


def _pkcs11_message(exc: Exception, library: str, token_label: str) -> str:
    kind = type(exc).__name__
    if "PinIncorrect" in kind or "PinLen" in kind:
        return f"Code PIN incorrect pour le jeton « {token_label} »."
    if isinstance(exc, (OSError, RuntimeError)) and "token" not in str(exc).lower():
        return f"Bibliothèque PKCS#11 « {library} » impossible à charger."
    return f"Jeton PKCS#11 « {token_label} » introuvable ou inaccessible avec la bibliothèque « {library} »."
