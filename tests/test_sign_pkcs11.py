"""Signing with a key that never leaves a PKCS#11 token (SoftHSM2 standing in for a smart
card): the same PAdES signature as with a PKCS#12 file, checked by the app and by pyHanko."""

from __future__ import annotations

import pytest
from pki import make_pki
from softhsm import make_token
from test_signing import convention, pyhanko_statuses  # noqa: F401 - the module fixture

from pnae_desktop.errors import ValidationError
from pnae_desktop.exports.pdf.signing import read_signatures, sign_pdf_pkcs11


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki11"))


@pytest.fixture(scope="module")
def token(tmp_path_factory, pki):
    return make_token(tmp_path_factory.mktemp("softhsm"), pki)


def test_sign_with_a_pkcs11_token(convention, pki, token):  # noqa: F811
    signed = sign_pdf_pkcs11(
        convention, field="Signature_Region", library=token.library, token_label=token.label,
        key_label=token.key_label, pin=token.pin,
    )  # fmt: skip
    assert signed.startswith(convention)
    (sig,) = read_signatures(signed, [pki.root_pem]).signatures
    assert (sig.field, sig.signer, sig.intact, sig.trusted, sig.level) == (
        "Signature_Region", token.signer, True, True, "B-B",
    )  # fmt: skip
    assert pyhanko_statuses(signed, pki.root_pem)["Signature_Region"].bottom_line


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"pin": "0000"}, "Code PIN incorrect"),
        ({"token_label": "Autre jeton"}, "« Autre jeton » introuvable"),
        ({"key_label": "inconnue"}, "« inconnue » introuvable"),
        ({"library": "/nulle/part/libp11.so"}, "impossible à charger"),
    ],
)
def test_pkcs11_refusals_are_french(convention, token, change, expected):  # noqa: F811
    args = {"library": token.library, "token_label": token.label, "key_label": token.key_label, "pin": token.pin}
    args.update(change)
    with pytest.raises(ValidationError) as caught:
        sign_pdf_pkcs11(convention, field="Signature_Region", **args)
    assert expected in str(caught.value)


def test_cli_signs_with_the_token(tmp_path, convention, pki, token):  # noqa: F811
    from test_cli_commands import run_cli

    db = tmp_path / "demo.sqlite"
    demo = run_cli("demo", "--db", str(db), cwd=tmp_path)
    assert demo.returncode == 0, demo.err
    (tmp_path / "convention.pdf").write_bytes(convention)
    prae = demo.out.splitlines()[-1]

    def sign(out: str, pin: str):
        args = ["sign", "--db", str(db), "--prae", prae, "--pdf", "convention.pdf", "--out", out]
        args += ["--field", "Signature_Etat", "--pkcs11-lib", token.library]
        args += ["--pkcs11-token", token.label, "--pkcs11-key", token.key_label]
        return run_cli(*args, cwd=tmp_path, extra_env={"SOFTHSM2_CONF": str(token.conf), "PNAE_PKCS11_PIN": pin})

    result = sign("jeton.pdf", token.pin)
    assert result.returncode == 0, result.err
    assert f"signé par {token.signer}" in result.out
    (sig,) = read_signatures((tmp_path / "jeton.pdf").read_bytes(), [pki.root_pem]).signatures
    assert sig.intact and sig.trusted and sig.field == "Signature_Etat"
    wrong = sign("non.pdf", "9999")
    assert wrong.returncode == 2 and "Code PIN incorrect" in wrong.err
    assert not (tmp_path / "non.pdf").exists()
