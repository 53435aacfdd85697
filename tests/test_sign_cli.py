"""`pnae-desktop sign` run for real (subprocess) on the demo convention exported by the CLI,
with certificates from the local test CA; every refusal exits 2 in French, OUT never written
and IN untouched."""

from __future__ import annotations

import hashlib

import pytest
from pki import make_pkcs12_without_key, make_pki
from test_cli_commands import run_cli
from test_signing import pyhanko_statuses

from pnae_desktop.exports.pdf.signing import read_signatures


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sign_cli")
    db = folder / "demo.sqlite"
    demo = run_cli("demo", "--db", str(db), cwd=folder)
    assert demo.returncode == 0, demo.err
    prae_id = demo.out.splitlines()[-1]
    export = run_cli("export", "convention", "--db", str(db), "--prae", prae_id, "--out", "convention.pdf", cwd=folder)
    assert export.returncode == 0, export.err
    pki = make_pki(folder)
    return folder, db, prae_id, pki


def sign(setup, *extra: str, passphrase: str | None = "secret", pdf: str = "convention.pdf", out: str = "signee.pdf"):
    folder, db, prae_id, _pki = setup
    env = {"PNAE_PKCS12_PASSPHRASE": passphrase} if passphrase is not None else {}
    args = ["sign", "--db", str(db), "--prae", prae_id, "--pdf", pdf, "--out", out, *extra]
    return run_cli(*args, cwd=folder, extra_env=env)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_sign_then_a_second_party_signs_the_output(setup):
    folder, _db, _prae, pki = setup
    original = digest(folder / "convention.pdf")
    arml = pki.issue("Jacques Crosnier")
    first = sign(setup, "--pkcs12", str(arml), out="arml.pdf")
    assert first.returncode == 0, first.err
    assert "Champ « Signature_ARML » signé par Jacques Crosnier (PAdES B-B)." in first.out
    assert "Champs restant à signer : Signature_Etat, Signature_Region" in first.out
    assert digest(folder / "convention.pdf") == original
    etat = pki.issue("Claire Modèle")
    second = sign(setup, "--pkcs12", str(etat), "--field", "Signature_Etat", pdf="arml.pdf", out="deux.pdf")
    assert second.returncode == 0, second.err
    report = read_signatures((folder / "deux.pdf").read_bytes(), [pki.root_pem])
    assert [(s.field, s.signer, s.intact, s.trusted) for s in report.signatures] == [
        ("Signature_ARML", "Jacques Crosnier", True, True),
        ("Signature_Etat", "Claire Modèle", True, True),
    ]
    assert all(s.bottom_line for s in pyhanko_statuses((folder / "deux.pdf").read_bytes(), pki.root_pem).values())


REFUSALS = {
    "mauvais mot de passe": (lambda pki: ["--pkcs12", str(pki.issue("A"))], "mauvais", "Mot de passe incorrect"),
    "certificat expiré": (lambda pki: ["--pkcs12", str(pki.issue("B", expired=True))], "secret", "a expiré le"),
    "sans clé privée": (lambda pki: ["--pkcs12", str(make_pkcs12_without_key(pki))], "secret", "pas de clé privée"),
    "usage de clé": (
        lambda pki: ["--pkcs12", str(pki.issue("C", signing_usage=False))],
        "secret",
        "pas prévu pour signer",
    ),
    "champ inconnu": (
        lambda pki: ["--pkcs12", str(pki.issue("D")), "--field", "Signature_Maire"],
        "secret",
        "Champs disponibles : Signature_Etat, Signature_Region, Signature_ARML",
    ),
    "certificat absent": (lambda pki: [], "secret", "Indiquez le certificat"),
    "fichier certificat manquant": (lambda pki: ["--pkcs12", "absent.p12"], "secret", "introuvable"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_bad_input_exits_2_in_french_and_writes_nothing(setup, case):
    folder, _db, _prae, pki = setup
    make_args, passphrase, expected = REFUSALS[case]
    before = digest(folder / "convention.pdf")
    result = sign(setup, *make_args(pki), passphrase=passphrase, out=f"refus-{case}.pdf")
    assert result.returncode == 2, (result.out, result.err)
    assert result.err.startswith("Erreur : ") and expected in result.err
    assert not (folder / f"refus-{case}.pdf").exists()
    assert digest(folder / "convention.pdf") == before
    assert not [p for p in folder.iterdir() if p.name.startswith(".refus")]  # no temporary file left


def test_a_field_already_signed_and_out_equal_to_in_are_refused(setup):
    folder, _db, _prae, pki = setup
    p12 = pki.issue("Jacques Crosnier")
    assert sign(setup, "--pkcs12", str(p12), out="une.pdf").returncode == 0
    before = digest(folder / "une.pdf")
    again = sign(setup, "--pkcs12", str(p12), pdf="une.pdf", out="encore.pdf")
    assert again.returncode == 2 and "« Signature_ARML » est déjà signé" in again.err
    same = sign(setup, "--pkcs12", str(p12), "--field", "Signature_Etat", pdf="une.pdf", out="une.pdf")
    assert same.returncode == 2 and "autre nom que le PDF d'origine" in same.err
    assert digest(folder / "une.pdf") == before and not (folder / "encore.pdf").exists()


def test_without_the_environment_variable_and_no_terminal_the_passphrase_is_asked_for(setup):
    folder, _db, _prae, pki = setup
    result = sign(setup, "--pkcs12", str(pki.issue("E")), passphrase=None, out="sans-mdp.pdf")
    assert result.returncode == 2 and "PNAE_PKCS12_PASSPHRASE" in result.err
    assert not (folder / "sans-mdp.pdf").exists()


def test_an_unknown_prae_is_refused(setup):
    folder, db, _prae, pki = setup
    result = run_cli(
        "sign", "--db", str(db), "--prae", "999", "--pdf", "convention.pdf", "--out", "x.pdf",
        "--pkcs12", str(pki.issue("F")), cwd=folder, extra_env={"PNAE_PKCS12_PASSPHRASE": "secret"},
    )  # fmt: skip
    assert result.returncode == 2 and "Aucun PRAE n° 999" in result.err
    assert not (folder / "x.pdf").exists()
