"""A local test PKI built with `cryptography`: a root CA, an intermediate CA and end-entity
certificates delivered as PKCS#12 files (key + certificate + chain), the way a signer receives
them from a certification authority. Nothing leaves the test's temporary directory.

    pki = make_pki(tmp_path)
    p12 = pki.issue("Marie Dupont")              # a PKCS#12 protected by b"secret"
    pki.issue("Ancien", expired=True)            # a certificate no longer valid
    pki.issue("Sans usage", signing_usage=False) # keyEncipherment only
    pki.root_pem / pki.root_path                 # the trust root to import
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSPHRASE = b"secret"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PNAE Test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _key() -> rsa.RSAPrivateKey:
    # 2048-bit RSA: what the qualified signature cards issue; generation ~50 ms
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _ca_cert(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name | None = None,
    issuer_key: rsa.RSAPrivateKey | None = None,
) -> x509.Certificate:
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer or _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=365))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return builder.sign(issuer_key or key, hashes.SHA256())


@dataclass
class TestPKI:
    """A root CA and an intermediate CA in `directory`; `issue` makes signers' PKCS#12 files."""

    __test__ = False  # not a pytest test class

    directory: Path
    root_key: rsa.RSAPrivateKey
    root_cert: x509.Certificate
    ca_key: rsa.RSAPrivateKey
    ca_cert: x509.Certificate
    issued: dict[str, Path] = field(default_factory=dict)

    @property
    def root_pem(self) -> bytes:
        return self.root_cert.public_bytes(serialization.Encoding.PEM)

    @property
    def root_path(self) -> Path:
        path = self.directory / "racine.pem"
        if not path.exists():
            path.write_bytes(self.root_pem)
        return path

    def certificate(
        self,
        common_name: str,
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        *,
        expired: bool = False,
        signing_usage: bool = True,
    ) -> x509.Certificate:
        """An end-entity certificate for `key`, issued by the intermediate CA."""
        now = _now()
        if expired:
            start, end = now - dt.timedelta(days=800), now - dt.timedelta(days=30)
        else:
            start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=730)
        usage = x509.KeyUsage(
            digital_signature=signing_usage,
            content_commitment=signing_usage,
            key_encipherment=not signing_usage,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=False,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                critical=False,
            )
        )
        return builder.sign(self.ca_key, hashes.SHA256())

    def issue(
        self,
        common_name: str,
        *,
        expired: bool = False,
        signing_usage: bool = True,
        passphrase: bytes = PASSPHRASE,
    ) -> Path:
        """A PKCS#12 file (private key, certificate, intermediate and root) for `common_name`."""
        key = _key()
        cert = self.certificate(common_name, key, expired=expired, signing_usage=signing_usage)
        data = pkcs12.serialize_key_and_certificates(
            common_name.encode("utf-8"),
            key,
            cert,
            [self.ca_cert, self.root_cert],
            serialization.BestAvailableEncryption(passphrase),
        )
        stem = "".join(c if c.isalnum() else "_" for c in common_name)
        path = self.directory / f"{stem}{'_expire' if expired else ''}{len(self.issued)}.p12"
        path.write_bytes(data)
        self.issued[common_name] = path
        return path

    def issue_without_key(self, common_name: str, *, passphrase: bytes = PASSPHRASE) -> Path:
        """A PKCS#12 file holding only certificates (no private key): cannot sign."""
        cert = self.certificate(common_name, _key())
        data = pkcs12.serialize_key_and_certificates(
            None, None, cert, [self.ca_cert], serialization.BestAvailableEncryption(passphrase)
        )
        path = self.directory / f"sans_cle_{len(self.issued)}.p12"
        path.write_bytes(data)
        self.issued[common_name] = path
        return path

    def timestamp_authority(self, common_name: str = "PNAE Test TSA") -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """A time-stamping authority's certificate (extended key usage timeStamping, critical)
        and key, issued by the intermediate CA."""
        key = _key()
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                critical=False,
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        return cert, key


def make_pki(tmp_path: Path) -> TestPKI:
    """A fresh root CA « PNAE Test Root » and intermediate « PNAE Test CA » in tmp_path/pki."""
    directory = Path(tmp_path) / "pki"
    directory.mkdir(parents=True, exist_ok=True)
    root_key = _key()
    root_cert = _ca_cert("PNAE Test Root", root_key)
    ca_key = _key()
    ca_cert = _ca_cert("PNAE Test CA", ca_key, issuer=root_cert.subject, issuer_key=root_key)
    return TestPKI(directory, root_key, root_cert, ca_key, ca_cert)


def make_pkcs12_without_key(pki: TestPKI, common_name: str = "Sans Clé") -> Path:
    """Module-level alias of :meth:`TestPKI.issue_without_key`."""
    return pki.issue_without_key(common_name)
