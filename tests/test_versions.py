"""Signed versions through the real services: mark a signed convention, edit the working
version (the 2019 amounts), prepare avenant n° 1 and read it back, verify PDFs that come back
(two signatures, tampered, foreign, truncated). Real SQLite stores, real PDFs signed with the
local test CA and read back with pdftotext / pypdf."""

from __future__ import annotations

import hashlib
import re

import pytest
from versions_material import file_sha, make_material, pdf_text, raise_2019_amount

from pnae_desktop.domain.convention import french_date
from pnae_desktop.errors import UserError
from pnae_desktop.exports.pdf.signing import read_signatures
from pnae_desktop.services import avenants, marking, praes, verify, versions
from pnae_desktop.store.database import open_store


@pytest.fixture(scope="module")
def material(tmp_path_factory, catalogue):
    return make_material(tmp_path_factory.mktemp("versions"), catalogue)


@pytest.fixture
def store(material, tmp_path):
    s = open_store(material.store_copy(tmp_path))
    yield s
    s.close()


def test_mark_signed_freezes_the_working_version_and_gives_back_the_same_bytes(material, store, catalogue):
    arml = material.sign(material.convention, "Signature_ARML")
    first = marking.mark_signed(store, material.prae_id, arml, catalogue=catalogue, marked_by="Marie")
    assert (first.number, first.kind_label, first.signed_fields, first.marked_by) == (
        1,
        "signée partiellement",
        ("Signature_ARML",),
        "Marie",
    )
    assert praes.get_prae(store, material.prae_id).summary.status == "brouillon"  # one signature of three
    assert versions.version_pdf(store, first.id) == arml
    assert first.pdf_sha256 == hashlib.sha256(arml).hexdigest()
    assert first.first_revision_sha256 == read_signatures(arml).first_signed_revision_sha256
    # The two other parties sign in turn: a second version, « signée ».
    all_three = material.sign(arml, "Signature_Etat", "Signature_Region")
    second = marking.mark_signed(store, material.prae_id, all_three, catalogue=catalogue)
    assert (second.number, second.kind_label) == (2, "signée")
    assert [v.number for v in versions.list_versions(store, material.prae_id)] == [1, 2]
    frozen = versions.version_snapshot(store, second.id)
    assert (
        frozen["convention"]["fingerprint"]
        == versions.snapshot_dict(store, material.prae_id)["convention"]["fingerprint"]
    )
    assert not versions.working_status(store, material.prae_id, catalogue).modified
    # Signed by every party: the PRAE says so, in the frozen copy as in the working version.
    assert praes.get_prae(store, material.prae_id).summary.status == frozen["prae"]["status"] == "signe"
    listed = next(p for p in praes.list_praes(store) if p.id == material.prae_id)
    assert listed.status_label == "Signé"  # on the dashboard
    # Nothing in the service changes a version: only inserting and reading.
    assert not [n for n in dir(versions) if n.startswith(("update", "set_", "delete", "remove", "edit"))]


@pytest.mark.parametrize(
    "case, expected",
    [
        ("unsigned", "aucune signature intacte"),
        ("foreign", "n'est pas celle de la version de travail"),
        ("truncated", "tronqué"),
        ("tampered", "intacte"),
        ("not_pdf", "n'est pas un PDF"),
    ],
)
def test_bad_pdfs_are_refused_in_french_and_the_store_is_unchanged(material, tmp_path, catalogue, case, expected):
    path = material.store_copy(tmp_path)
    before = file_sha(path)
    signed = material.sign(material.convention, "Signature_ARML")
    pdf = {
        "unsigned": material.convention,
        "foreign": material.sign(material.other_convention, "Signature_ARML"),
        "truncated": signed[: len(signed) // 2],
        "tampered": bytes(b ^ 1 if i == len(material.convention) // 2 else b for i, b in enumerate(signed)),
        "not_pdf": b"PK\x03\x04 not a pdf",
    }[case]
    store = open_store(path)
    try:
        with pytest.raises(UserError) as error:
            marking.mark_signed(store, material.prae_id, pdf, catalogue=catalogue)
        assert versions.list_versions(store, material.prae_id) == []
    finally:
        store.close()
    message = str(error.value)
    assert message.startswith("Ce PDF ne peut pas être marqué comme signé") and "Rien n'a été enregistré" in message
    assert expected in message
    assert file_sha(path) == before


def test_edit_2019_then_avenant_1_prints_the_new_amounts_and_articles(material, store, catalogue, tmp_path):
    marking.mark_signed(
        store, material.prae_id, material.sign(material.convention, "Signature_ARML"), catalogue=catalogue
    )
    raise_2019_amount(store, catalogue, material.prae_id)
    status = versions.working_status(store, material.prae_id, catalogue)
    assert status.modified and status.banner().startswith("modifié depuis la version signée du ")
    assert status.diff.amount_years == (2019,)
    assert set(status.diff.article_keys) == {"cout", "contribution"}
    assert status.article4 is not None and status.article4.avenant_required  # +50 000 € on 279 609 €
    axis1 = next(c for c in status.diff.of_kind("montant") if c.place == "Coût complet – axe 1 – 2019")

    out = avenants.prepare_avenant(store, material.prae_id, tmp_path / "avenant.pdf", catalogue=catalogue)
    raw = pdf_text(out.path)
    text = " ".join(raw.split())  # lines joined: sentences and amounts are whole
    assert "Avenant n° 1" in text and "à la convention pluriannuelle d'objectifs du 15 juin 2018" in text
    assert "Vu la convention pluriannuelle d'objectifs du 15 juin 2018" in text
    assert "un avenant est nécessaire" in text
    assert axis1.after.replace("\u202f", " ").replace("\u00a0", " ") in text  # « 217 041,33 € »
    new_total = status.diff.of_kind("article")[0].after.split("évalué à ")[1].split(" (")[0]
    assert new_total.replace("\u202f", " ").replace("\u00a0", " ") in text  # the new total, in full
    cout = next(c for c in status.diff.of_kind("article") if c.key == "cout")
    assert (
        "L'article 4 « Conditions de détermination du coût du programme d'actions » de la convention est ainsi rédigé :"
        in text
    )
    for sentence in ("Les coûts éligibles sont l'ensemble des coûts", "dans la limite de 15 % du coût annuel"):
        assert sentence in cout.after and sentence in text
    pages = raw.count("\f")
    assert all(f"page {n} / {pages}" in text for n in range(1, pages + 1))
    fingerprint = re.search(r"Empreinte du texte de l'avenant \(SHA-256\) :\s*([0-9a-f]{64})", text).group(1)
    assert text.count(fingerprint[:12]) >= pages  # the footer of every page, and in full
    assert read_signatures(out.path.read_bytes()).empty_fields == [
        "Signature_Etat",
        "Signature_Region",
        "Signature_ARML",
    ]

    annual = avenants.prepare_avenant(store, material.prae_id, tmp_path / "a2019.pdf", year=2019, catalogue=catalogue)
    yearly = " ".join(pdf_text(annual.path).split())
    assert "confirment les montants de l'année 2019" in yearly and "Avenant financier annuel – année 2019" in yearly
    assert axis1.after.replace("\u202f", " ").replace("\u00a0", " ") in yearly
    assert "346 995,39" not in yearly  # axis 1's 2018 amount: other years are left out


def test_no_avenant_before_a_signed_version_and_nothing_written(material, store, catalogue, tmp_path):
    with pytest.raises(UserError, match="Aucune version signée"):
        avenants.prepare_avenant(store, material.prae_id, tmp_path / "a.pdf", catalogue=catalogue)
    assert not (tmp_path / "a.pdf").exists()


def test_verify_two_signatures_and_what_is_not_a_version(material, store, catalogue):
    root = material.pki.root_pem
    arml = material.sign(material.convention, "Signature_ARML")
    # Before marking: the working version, signed.
    report = verify.verify(store, material.prae_id, arml, [root], catalogue=catalogue)
    assert report.ok and report.matched == "version de travail"
    marking.mark_signed(store, material.prae_id, arml, catalogue=catalogue)
    raise_2019_amount(store, catalogue, material.prae_id)  # the working version moves on
    two_more = material.sign(arml, "Signature_Etat", "Signature_Region")
    report = verify.verify(store, material.prae_id, two_more, [root], catalogue=catalogue)
    assert report.ok and report.exit_code == 0 and report.version_number == 1
    assert [s.field for s in report.signatures] == ["Signature_ARML", "Signature_Etat", "Signature_Region"]
    assert all(s.intact and s.trusted and not s.modified_after for s in report.signatures)
    assert report.signatures[-1].covers_whole_document and report.signatures[-1].signer == "Catherine Roussel"
    lines = "\n".join(report.lines())
    assert "version signée n° 1" in lines and "Vérification réussie." in lines
    # Untrusted: reported, fails only when asked.
    untrusted = verify.verify(store, material.prae_id, two_more, [], catalogue=catalogue)
    assert untrusted.ok and "certificat non reconnu" in "\n".join(untrusted.lines())
    assert verify.verify(store, material.prae_id, two_more, [], True, catalogue=catalogue).exit_code == 1
    # One flipped byte in the signed content.
    tampered = bytearray(two_more)
    tampered[len(material.convention) // 2] ^= 1
    bad = verify.verify(store, material.prae_id, bytes(tampered), [root], catalogue=catalogue)
    assert not bad.ok and bad.exit_code == 1 and "n'est pas intacte" in "\n".join(bad.lines())
    # Another PRAE's convention, and this PRAE's unsigned convention of before the edit.
    foreign = verify.verify(store, material.prae_id, material.other_convention, [root], catalogue=catalogue)
    assert not foreign.ok and "aucune des versions de ce PRAE" in "\n".join(foreign.lines())
    with pytest.raises(verify.UnreadableInput, match="PDF illisible"):
        verify.verify(store, material.prae_id, two_more[:5000], [root], catalogue=catalogue)


def test_versions_keep_the_exact_bytes_on_sqlite_and_postgresql(material, any_store, catalogue):
    from pnae_desktop.services import demo
    from pnae_desktop.services import exports as export_services

    prae_id = demo.create_demo(any_store, catalogue)
    out = export_services.export(
        any_store, prae_id, catalogue, "convention", material.folder / f"pg-{any_store.dialect}.pdf", force=True
    )
    signed = material.sign(out.read_bytes(), "Signature_ARML", "Signature_Etat", "Signature_Region")
    version = marking.mark_signed(any_store, prae_id, signed, catalogue=catalogue)
    assert version.kind_label == "signée" and versions.version_pdf(any_store, version.id) == signed
    assert versions.list_versions(any_store, prae_id)[0].marked_at == version.marked_at
    assert praes.get_prae(any_store, prae_id).summary.status == "signe"  # set with the version (row version bumped)
    praes.update_prae(any_store, prae_id, title="Après signature")  # the next write checks the new row version


def test_saving_a_version_never_targets_the_store_nor_replaces_silently(material, store, catalogue, tmp_path):
    arml = material.sign(material.convention, "Signature_ARML")
    version = marking.mark_signed(store, material.prae_id, arml, catalogue=catalogue)
    before = file_sha(store.path)
    with pytest.raises(UserError, match="données"):
        versions.save_version_pdf(store, version.id, store.path, overwrite=True)
    assert file_sha(store.path) == before
    out = versions.save_version_pdf(store, version.id, tmp_path / "copie.pdf")
    assert out.read_bytes() == arml
    with pytest.raises(UserError, match="existe déjà"):
        versions.save_version_pdf(store, version.id, out)
    with pytest.raises(UserError):
        avenants.prepare_avenant(store, material.prae_id, store.path, year=2019, overwrite=True, catalogue=catalogue)
    assert file_sha(store.path) == before


def test_replacing_the_prae_from_a_package_keeps_its_signed_versions(material, store, catalogue, tmp_path):
    from pnae_desktop.services import package

    arml = material.sign(material.convention, "Signature_ARML")
    version = marking.mark_signed(store, material.prae_id, arml, catalogue=catalogue)
    out = package.export_package(store, material.prae_id, tmp_path / "p.prae", app_version="0.1.0")
    raise_2019_amount(store, catalogue, material.prae_id)
    assert versions.working_status(store, material.prae_id, catalogue).modified
    prae_id = package.import_package(store, out, mode="replace", store_path=store.path)
    assert prae_id == material.prae_id
    (kept,) = versions.list_versions(store, prae_id)
    assert kept == version and versions.version_pdf(store, kept.id) == arml
    status = versions.working_status(store, prae_id, catalogue)
    assert not status.modified, status.diff.changes[:3]  # the package's working version


def avenant_number_printed(path) -> int:
    return int(re.search(r"Avenant n° (\d+)", " ".join(pdf_text(path).split())).group(1))


def test_a_signed_avenant_becomes_a_version_and_the_next_avenant_is_n_2(material, store, catalogue, tmp_path):
    """Convention signed by all three; 2019 changed; avenant n° 1 signed by the ARML, then by the
    État and the Région: two versions « avenant n° 1 … »; the next avenant is n° 2; a package
    carries the avenant numbers to another store."""
    from pnae_desktop.services import package

    everyone = ("Signature_ARML", "Signature_Etat", "Signature_Region")
    marking.mark_signed(store, material.prae_id, material.sign(material.convention, *everyone), catalogue=catalogue)
    raise_2019_amount(store, catalogue, material.prae_id)
    first = avenants.prepare_avenant(store, material.prae_id, tmp_path / "avenant-1.pdf", catalogue=catalogue)
    unsigned_check = verify.verify(store, material.prae_id, first.path.read_bytes(), catalogue=catalogue)
    assert unsigned_check.matched == "avenant n° 1 de la version de travail" and not unsigned_check.problems

    arml = material.sign(first.path.read_bytes(), "Signature_ARML")
    partial = marking.mark_signed(store, material.prae_id, arml, catalogue=catalogue)
    assert (partial.number, partial.avenant_number, partial.kind_label) == (2, 1, "avenant n° 1 signé partiellement")
    assert versions.version_pdf(store, partial.id) == arml
    status = versions.working_status(store, material.prae_id, catalogue)
    assert not status.modified and "(n° 2, avenant n° 1)" in status.banner()

    raise_2019_amount(store, catalogue, material.prae_id, 100_000)  # edited meanwhile: the avenant still completes
    whole = material.sign(arml, "Signature_Etat", "Signature_Region")
    full = marking.mark_signed(store, material.prae_id, whole, catalogue=catalogue, marked_by="Paul")
    assert (full.number, full.avenant_number, full.kind_label) == (3, 1, "avenant n° 1 signé")
    assert versions.version_snapshot(store, full.id) == versions.version_snapshot(store, partial.id)
    report = verify.verify(store, material.prae_id, whole, catalogue=catalogue)
    assert report.ok and report.matched.startswith("version signée n° 3, avenant n° 1 (du ")

    second = avenants.prepare_avenant(store, material.prae_id, tmp_path / "avenant-2.pdf", catalogue=catalogue)
    assert second.plan.number == 2 and avenant_number_printed(second.path) == 2
    day = full.marked_at.astimezone().date()
    assert f"Vu l'avenant n° 1 à cette convention, signé le {french_date(day)} ;" in " ".join(
        pdf_text(second.path).split()
    )
    assert second.plan.diff.amount_years == (2019,)  # against avenant n° 1's content, not the convention's

    out = package.export_package(store, material.prae_id, tmp_path / "avec-avenant.prae", app_version="test")
    other = open_store(tmp_path / "other.sqlite")
    try:
        copied = package.import_package(other, out)
        assert [(v.number, v.avenant_number, v.kind_label) for v in versions.list_versions(other, copied)] == [
            (1, None, "signée"),
            (2, 1, "avenant n° 1 signé partiellement"),
            (3, 1, "avenant n° 1 signé"),
        ]
    finally:
        other.close()


def test_an_annual_avenant_signed_counts_even_when_nothing_else_changed(material, store, catalogue, tmp_path):
    everyone = ("Signature_ARML", "Signature_Etat", "Signature_Region")
    marking.mark_signed(store, material.prae_id, material.sign(material.convention, *everyone), catalogue=catalogue)
    annual = avenants.prepare_avenant(store, material.prae_id, tmp_path / "a2019.pdf", year=2019, catalogue=catalogue)
    marked = marking.mark_signed(store, material.prae_id, material.sign(annual.path.read_bytes(), *everyone))
    assert (marked.avenant_number, marked.kind_label) == (1, "avenant n° 1 signé")
    assert avenants.plan(store, material.prae_id, catalogue).number == 2


@pytest.mark.parametrize("case", ["stale", "foreign", "unsigned", "truncated", "tampered"])
def test_an_avenant_that_is_not_the_working_versions_is_refused_and_nothing_written(
    material, tmp_path, catalogue, case
):
    path = material.store_copy(tmp_path)
    store = open_store(path)
    try:
        everyone = ("Signature_ARML", "Signature_Etat", "Signature_Region")
        marking.mark_signed(store, material.prae_id, material.sign(material.convention, *everyone), catalogue=catalogue)
        raise_2019_amount(store, catalogue, material.prae_id)
        prepared = avenants.prepare_avenant(store, material.prae_id, tmp_path / "a.pdf", catalogue=catalogue)
        pdf = material.sign(prepared.path.read_bytes(), "Signature_ARML")
        if case == "stale":  # prepared, then the budget changed again: it no longer says what the PRAE is
            raise_2019_amount(store, catalogue, material.prae_id, 100_000)
            expected = "préparé avant d'autres modifications"
        elif case == "foreign":  # the other region's avenant n° 1, marked on this PRAE
            other = material.other_prae_id
            marking.mark_signed(store, other, material.sign(material.other_convention, *everyone), catalogue=catalogue)
            raise_2019_amount(store, catalogue, other)
            foreign = avenants.prepare_avenant(store, other, tmp_path / "o.pdf", catalogue=catalogue)
            pdf = material.sign(foreign.path.read_bytes(), "Signature_ARML")
            expected = "avenant d'un autre PRAE"
        elif case == "truncated":
            pdf, expected = pdf[: len(pdf) // 2], "tronqué"
        elif case == "tampered":  # one byte of the signed avenant's text changed
            at = len(prepared.path.read_bytes()) // 2
            pdf, expected = bytes(b ^ 1 if i == at else b for i, b in enumerate(pdf)), "intacte"
        else:
            pdf = prepared.path.read_bytes()
            expected = "aucune signature intacte"
        before = versions.list_versions(store, material.prae_id)
    finally:
        store.close()
    sha = file_sha(path)
    store = open_store(path)
    try:
        with pytest.raises(UserError) as error:
            marking.mark_signed(store, material.prae_id, pdf, catalogue=catalogue)
        assert versions.list_versions(store, material.prae_id) == before
        if case in ("stale", "foreign"):
            problems = verify.verify(store, material.prae_id, pdf, catalogue=catalogue).problems
            assert any("ni un avenant enregistré" in p for p in problems), problems
    finally:
        store.close()
    assert expected in str(error.value) and "Rien n'a été enregistré" in str(error.value)
    assert file_sha(path) == sha
