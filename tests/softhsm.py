"""A SoftHSM2 token holding a signer's key and certificate from tests/pki.py, for the PKCS#11
signing tests. Skipped locally when softhsm2-util is missing, never in CI (as PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from pki import TestPKI

IN_CI = os.environ.get("CI", "").lower() == "true"
LIBRARIES = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
             "/usr/local/lib/softhsm/libsofthsm2.so", "/opt/homebrew/lib/softhsm/libsofthsm2.so")  # fmt: skip
TOKEN, KEY, PIN, SO_PIN = "PNAE Jeton", "signature", "1234", "123456"


@dataclass(frozen=True)
class Token:
    library: str
    label: str
    key_label: str
    pin: str
    conf: Path  # SOFTHSM2_CONF to set in the environment of whoever opens the token
    signer: str  # the certificate's common name


def _require() -> str:
    util = shutil.which("softhsm2-util")
    library = next((p for p in LIBRARIES if Path(p).exists()), None)
    reason = "SoftHSM2 absent : installer softhsm2 (voir .ci/system-packages)"
    if util is None or library is None:
        if IN_CI:
            pytest.fail(reason + " (jamais ignoré en CI)")
        pytest.skip(reason)
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("python-pkcs11 absent (jamais ignoré en CI)")
        pytest.skip("python-pkcs11 absent")
    return library


def make_token(folder: Path, pki: TestPKI, common_name: str = "Jeton Crosnier") -> Token:
    """A fresh SoftHSM2 token in `folder` with one RSA key and its certificate, both labelled
    KEY; the process environment gets SOFTHSM2_CONF (SoftHSM reads it when first loaded)."""
    library = _require()
    tokens = folder / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = lambda *a: subprocess.run(["softhsm2-util", *a], env=env, check=True, capture_output=True)  # noqa: E731
    run("--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", SO_PIN)
    from pki import _key  # the same RSA keys as the PKCS#12 signers

    pki_key = _key()
    cert = pki.certificate(common_name, pki_key)
    key = folder / "cle.pem"
    key.write_bytes(
        pki_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    run("--import", str(key), "--token", TOKEN, "--label", KEY, "--id", "01", "--pin", PIN)
    key.unlink()
    # softhsm2-util imports keys only: the certificate goes in through PKCS#11 itself.
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(library)
    token = lib.get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=PIN) as session:
        # the signer's certificate, and the intermediate CA as a card carries its chain
        for label, ident, c in ((KEY, b"\x01", cert), ("Autorité", b"\x02", pki.ca_cert)):
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: ident,
                    Attribute.SUBJECT: c.subject.public_bytes(),
                    Attribute.VALUE: c.public_bytes(serialization.Encoding.DER),
                }
            )
    return Token(library, TOKEN, KEY, PIN, conf, common_name)
