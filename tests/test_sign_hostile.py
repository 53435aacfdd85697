"""Hostile input for signing (GUIDE §7), through services.signing as the CLI and the dialog call
it: odd paths, outputs aimed at the store, empty or foreign files, signer names with markup and
emoji. A French message naming the place, nothing written, the input untouched."""

from __future__ import annotations

import hashlib

import pytest
from pki import make_pki
from test_signing import convention  # noqa: F401 - the module fixture

from pnae_desktop.errors import UserError
from pnae_desktop.exports.pdf.signing import read_signatures
from pnae_desktop.services.signing import sign_file
from pnae_desktop.store.database import open_store


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki_hostile"))


@pytest.fixture
def pdf(tmp_path, convention):  # noqa: F811
    path = tmp_path / "convention.pdf"
    path.write_bytes(convention)
    return path


def refused(pdf_path, out, p12, **kwargs) -> str:
    with pytest.raises(UserError) as caught:
        sign_file(pdf_path, out, field="Signature_ARML", pkcs12_path=p12, passphrase=b"secret", **kwargs)
    return str(caught.value)


def test_paths_with_percent_question_hash_spaces_and_accents(tmp_path, pdf, pki):
    folder = tmp_path / "dossier %20 ?# été"
    folder.mkdir()
    source = folder / "convention #1 ?.pdf"
    source.write_bytes(pdf.read_bytes())
    out = folder / "signée %s #2 ?.pdf"
    result = sign_file(source, out, field="Signature_ARML", pkcs12_path=pki.issue("A"), passphrase=b"secret")
    assert result.out == out and read_signatures(out.read_bytes()).signatures[0].intact


def test_the_output_is_never_the_store_nor_a_sqlite_file(tmp_path, pdf, pki):
    store = open_store(tmp_path / "pnae.sqlite")
    store.close()
    db = tmp_path / "pnae.sqlite"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    p12 = pki.issue("B")
    assert "fichier de données" in refused(pdf, db, p12, store_path=db, overwrite=True)
    assert "SQLite" in refused(pdf, db, p12, overwrite=True)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_an_existing_output_is_replaced_only_when_confirmed(tmp_path, pdf, pki):
    out = tmp_path / "deja.pdf"
    out.write_bytes(b"ancien")
    p12 = pki.issue("C")
    assert "existe déjà" in refused(pdf, out, p12)
    assert out.read_bytes() == b"ancien"
    sign_file(pdf, out, field="Signature_ARML", pkcs12_path=p12, passphrase=b"secret", overwrite=True)
    assert read_signatures(out.read_bytes()).signatures[0].intact


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "n'est pas un PDF"), (b"PK\x03\x04zip", "n'est pas un PDF"), (b"%PDF-1.7\n%%EOF", "illisible")],
    ids=["vide", "zip", "pdf-vide"],
)
def test_empty_or_foreign_inputs_are_refused_naming_the_file(tmp_path, pki, content, expected):
    source = tmp_path / "recu.pdf"
    source.write_bytes(content)
    message = refused(source, tmp_path / "out.pdf", pki.issue("D"))
    assert "« recu.pdf »" in message and expected in message
    assert not (tmp_path / "out.pdf").exists() and source.read_bytes() == content


def test_missing_input_or_a_folder_is_refused(tmp_path, pki):
    p12 = pki.issue("E")
    assert "introuvable" in refused(tmp_path / "absent.pdf", tmp_path / "o.pdf", p12)
    assert "dossier" in refused(tmp_path, tmp_path / "o.pdf", p12)
    assert not (tmp_path / "o.pdf").exists()


@pytest.mark.parametrize("name", ["Zoé <b>&amp; </para> =SOMME(A1)", "Zoé 😀 <i>"], ids=["markup", "emoji"])
def test_a_signer_name_with_markup_or_emoji_signs_and_reads_back(tmp_path, pdf, pki, name):
    out = tmp_path / "o.pdf"
    result = sign_file(pdf, out, field="Signature_ARML", pkcs12_path=pki.issue(name), passphrase=b"secret")
    assert result.signer == name
    (sig,) = read_signatures(out.read_bytes(), [pki.root_pem]).signatures
    assert sig.signer == name and sig.intact
    if "😀" in name:
        # asn1crypto's name comparison refuses code points its tables do not know (emoji), so
        # the chain cannot be built: reported as not trusted, never a traceback
        assert not sig.trusted and any("non reconnu" in n for n in sig.notes)
    else:
        assert sig.trusted
