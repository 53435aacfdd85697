"""The `versions`, `mark-signed`, `verify` and `export avenant` commands, through main() on a
real store, with PDFs signed by the local test CA."""

from __future__ import annotations

import subprocess
import sys

import pytest
from versions_material import file_sha, make_material, pdf_text

from pnae_desktop.cli.main import main


@pytest.fixture(scope="module")
def material(tmp_path_factory, catalogue):
    return make_material(tmp_path_factory.mktemp("cli_versions"), catalogue)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_mark_signed_verify_and_avenant_from_the_command_line(material, tmp_path, capsys, catalogue):
    db = str(material.store_copy(tmp_path))
    prae = str(material.prae_id)
    signed = tmp_path / "signee.pdf"
    signed.write_bytes(material.sign(material.convention, "Signature_ARML"))
    root = material.pki.root_path

    assert run(capsys, "versions", "--db", db, "--prae", prae)[1].startswith("Aucune version signée")
    code, out, _ = run(capsys, "mark-signed", "--db", db, "--prae", prae, str(signed))
    assert code == 0 and "Version n° 1 enregistrée : convention signée partiellement (Signature_ARML)" in out
    code, out, _ = run(capsys, "versions", "--db", db, "--prae", prae)
    assert code == 0 and out.splitlines()[0].split("\t")[2] == "convention signée partiellement"
    assert "identique à la dernière version signée" in out

    # Returned with two more signatures: intact, version n° 1.
    returned = tmp_path / "retour.pdf"
    returned.write_bytes(material.sign(signed.read_bytes(), "Signature_Etat", "Signature_Region"))
    code, out, _ = run(capsys, "verify", "--db", db, "--prae", prae, str(returned), "--trust", str(root))
    assert code == 0 and "version signée n° 1" in out and out.count("certificat de confiance") == 3
    code, out, _ = run(capsys, "verify", "--db", db, "--prae", prae, str(returned), "--require-trusted")
    assert code == 1 and "n'est pas de confiance" in out
    # In its own process (pytest's log capture hides it here): pyHanko's English path-building
    # tracebacks for an untrusted certificate never reach the user's terminal.
    alone = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "verify", "--db", db, "--prae", prae, str(returned)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert alone.returncode == 0 and "non reconnu" in alone.stdout
    assert "Traceback" not in alone.stderr and "PathBuildingError" not in alone.stderr

    tampered = tmp_path / "altere.pdf"
    data = bytearray(returned.read_bytes())
    data[len(material.convention) // 2] ^= 1
    tampered.write_bytes(bytes(data))
    code, out, _ = run(capsys, "verify", "--db", db, "--prae", prae, str(tampered), "--trust", str(root))
    assert code == 1 and "Vérification ÉCHOUÉE." in out

    truncated = tmp_path / "tronque.pdf"
    truncated.write_bytes(returned.read_bytes()[:4000])
    code, _, err = run(capsys, "verify", "--db", db, "--prae", prae, str(truncated))
    assert code == 2 and "PDF illisible" in err
    assert run(capsys, "verify", "--db", db, "--prae", prae, str(tmp_path / "absent.pdf"))[0] == 2

    foreign = tmp_path / "autre.pdf"
    foreign.write_bytes(material.other_convention)
    before = file_sha(tmp_path / "store.sqlite")
    code, out, _ = run(capsys, "verify", "--db", db, "--prae", prae, str(foreign))
    assert code == 1 and "aucune des versions de ce PRAE" in out
    code, _, err = run(capsys, "mark-signed", "--db", db, "--prae", prae, str(foreign))
    assert code == 2 and "ne peut pas être marqué comme signé" in err
    assert file_sha(tmp_path / "store.sqlite") == before

    # Change the 2019 amounts through the same services, then avenant n° 1 and the annual one.
    from versions_material import raise_2019_amount

    from pnae_desktop.store.database import open_store

    store = open_store(db)
    try:
        raise_2019_amount(store, catalogue, material.prae_id)
    finally:
        store.close()
    code, out, _ = run(capsys, "versions", "--db", db, "--prae", prae)
    assert "modifié depuis la version signée du" in out and "Coût complet – axe 1 – 2019" in out
    avenant = tmp_path / "avenant.pdf"
    code, out, err = run(capsys, "export", "avenant", "--db", db, "--prae", prae, "--out", str(avenant))
    assert code == 0 and "un avenant est nécessaire" in out
    assert "Attention : la convention de travail n'est pas prête" in err  # 2019 charges no longer financed
    assert "Avenant n° 1" in pdf_text(avenant)
    yearly = tmp_path / "avenant-2019.pdf"
    code, _, _ = run(capsys, "export", "avenant", "--db", db, "--prae", prae, "--year", "2019", "--out", str(yearly))
    assert code == 0 and "Avenant financier annuel – année 2019" in " ".join(pdf_text(yearly).split())
    code, _, err = run(capsys, "export", "avenant", "--db", db, "--prae", prae, "--out", str(avenant))
    assert code == 2 and "existe déjà" in err  # never overwritten without --force


def test_the_whole_life_through_the_command_line(material, tmp_path, capsys, catalogue, monkeypatch):
    """Export, sign (the app's `sign`), mark signed, two more signatures, verify, change the
    2019 amounts, export avenant n° 1: every step a command."""
    db = str(material.store_copy(tmp_path))
    prae = str(material.prae_id)
    monkeypatch.setenv("PNAE_PKCS12_PASSPHRASE", "secret")
    p12 = {}
    for field, data in material.p12.items():
        p12[field] = tmp_path / f"{field}.p12"
        p12[field].write_bytes(data)
    conv = tmp_path / "convention.pdf"
    assert run(capsys, "export", "convention", "--db", db, "--prae", prae, "--out", str(conv))[0] == 0
    original = conv.read_bytes()
    code, _, err = run(
        capsys, "sign", "--db", db, "--prae", prae, "--pdf", str(conv), "--out", str(tmp_path / "s1.pdf"),
        "--pkcs12", str(p12["Signature_ARML"]), "--field", "Signature_ARML",
    )  # fmt: skip
    assert code == 0, err
    assert run(capsys, "mark-signed", "--db", db, "--prae", prae, str(tmp_path / "s1.pdf"))[0] == 0
    for i, field in enumerate(("Signature_Etat", "Signature_Region"), start=2):
        code, _, err = run(
            capsys, "sign", "--db", db, "--prae", prae, "--pdf", str(tmp_path / f"s{i - 1}.pdf"),
            "--out", str(tmp_path / f"s{i}.pdf"), "--pkcs12", str(p12[field]), "--field", field,
        )  # fmt: skip
        assert code == 0, err
    trust = str(material.pki.root_path)
    code, out, _ = run(capsys, "verify", "--db", db, "--prae", prae, str(tmp_path / "s3.pdf"), "--trust", trust)
    assert code == 0 and "version signée n° 1" in out and out.count("intacte") == 3, out
    assert conv.read_bytes() == original  # signing never modifies its input
    from versions_material import raise_2019_amount

    from pnae_desktop.store.database import open_store

    store = open_store(db)
    try:
        raise_2019_amount(store, catalogue, material.prae_id)
    finally:
        store.close()
    avenant = tmp_path / "avenant-1.pdf"
    code, out, _ = run(capsys, "export", "avenant", "--db", db, "--prae", prae, "--out", str(avenant))
    assert code == 0 and "Avenant n° 1" in pdf_text(avenant)

    # The avenant signed by the three parties in turn, marked signed: it becomes version n° 2.
    previous = avenant
    for i, field in enumerate(("Signature_ARML", "Signature_Etat", "Signature_Region"), start=1):
        signed = tmp_path / f"a{i}.pdf"
        code, _, err = run(
            capsys, "sign", "--db", db, "--prae", prae, "--pdf", str(previous), "--out", str(signed),
            "--pkcs12", str(p12[field]), "--field", field,
        )  # fmt: skip
        assert code == 0, err
        previous = signed
    code, out, err = run(capsys, "mark-signed", "--db", db, "--prae", prae, str(previous))
    assert code == 0 and "Version n° 2 enregistrée : avenant n° 1 signé (Signature_ARML" in out, err
    code, out, _ = run(capsys, "verify", "--db", db, "--prae", prae, str(previous), "--trust", trust)
    assert code == 0 and "version signée n° 2, avenant n° 1" in out, out
    code, out, _ = run(capsys, "versions", "--db", db, "--prae", prae)
    assert out.splitlines()[1].split("\t")[2] == "avenant n° 1 signé"
    assert "identique à la dernière version signée" in out
    store = open_store(db)
    try:
        raise_2019_amount(store, catalogue, material.prae_id, 100_000)
    finally:
        store.close()
    second = tmp_path / "avenant-2.pdf"
    assert run(capsys, "export", "avenant", "--db", db, "--prae", prae, "--out", str(second))[0] == 0
    assert "Avenant n° 2" in pdf_text(second)


def test_received_files_that_are_no_pdf_are_refused_before_reading(material, tmp_path, capsys):
    db = str(material.store_copy(tmp_path))
    before = file_sha(tmp_path / "store.sqlite")
    huge = tmp_path / "énorme.pdf"
    with huge.open("wb") as f:
        f.truncate(201 * 1024 * 1024)  # sparse: no disk used
    for target, message in ((huge, "trop pour une convention"), (tmp_path, "est un dossier")):
        for command in ("mark-signed", "verify"):
            code, _, err = run(capsys, command, "--db", db, "--prae", str(material.prae_id), str(target))
            assert code == 2 and message in err and "Traceback" not in err
    assert file_sha(tmp_path / "store.sqlite") == before
