"""The .prae package (format 2) carries the PRAE's signed versions: versions.json (number, kind,
marked_at/by, the frozen snapshot, the PDF's SHA-256) and each signed PDF byte for byte as
version-<n>.pdf. Between two real SQLite stores the versions come back identical; a PDF changed
in the package refuses the whole import (French message naming the version and its file, the
store file byte-identical); a format 1 package still imports (and may not hold versions)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from versions_material import file_sha, make_material

from pnae_desktop.exports.package.spec import dumps
from pnae_desktop.services import marking, package, versions
from pnae_desktop.store.database import open_store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def material(tmp_path_factory, catalogue):
    return make_material(tmp_path_factory.mktemp("pkgversions"), catalogue)


@pytest.fixture(scope="module")
def signed(material, tmp_path_factory, catalogue):
    """A store whose PRAE has two signed versions (partial, then all three), and its package."""
    folder = tmp_path_factory.mktemp("signed")
    store = open_store(material.store_copy(folder))
    try:
        arml = material.sign(material.convention, "Signature_ARML")
        marking.mark_signed(store, material.prae_id, arml, catalogue=catalogue, marked_by="Marie Dupont")
        everyone = material.sign(arml, "Signature_Etat", "Signature_Region")
        marking.mark_signed(store, material.prae_id, everyone, catalogue=catalogue, marked_by="Paul")
        listed = versions.list_versions(store, material.prae_id)
        pdfs = [versions.version_pdf(store, v.id) for v in listed]
        snapshots = [versions.version_snapshot(store, v.id) for v in listed]
        out = package.export_package(store, material.prae_id, folder / "signed.prae", app_version="test")
    finally:
        store.close()
    return listed, pdfs, snapshots, out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(folder: Path, content: dict[str, bytes], name: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in content.items():
            zf.writestr(member, data)
    out = folder / name
    out.write_bytes(buffer.getvalue())
    return out


def empty_store(tmp_path: Path):
    return open_store(tmp_path / "target.sqlite")


def essentials(v: versions.VersionInfo) -> tuple:
    return (v.number, v.kind, v.pdf_sha256, v.fingerprint, v.first_revision_sha256, v.signed_fields, v.marked_by)


def test_the_package_holds_the_versions_and_their_exact_pdfs(signed):
    listed, pdfs, snapshots, out = signed
    content = members(out)
    assert sorted(n for n in content if n.endswith(".pdf")) == ["version-1.pdf", "version-2.pdf"]
    assert [content["version-1.pdf"], content["version-2.pdf"]] == pdfs
    manifest = json.loads(content["manifest.json"])
    assert manifest["format_version"] == 2
    assert manifest["members"]["versions.json"] == hashlib.sha256(content["versions.json"]).hexdigest()
    doc = json.loads(content["versions.json"])
    assert [(e["number"], e["kind"], e["marked_by"], e["pdf"]) for e in doc["versions"]] == [
        (1, "signee_partiellement", "Marie Dupont", "version-1.pdf"),
        (2, "signee", "Paul", "version-2.pdf"),
    ]
    assert [e["pdf_sha256"] for e in doc["versions"]] == [hashlib.sha256(p).hexdigest() for p in pdfs]
    assert [e["snapshot"] for e in doc["versions"]] == snapshots
    # the JSON members validate against the documented schema (versions.json included)
    import jsonschema

    schema = json.loads((REPO / "docs" / "package.schema.json").read_text(encoding="utf-8"))
    document = {name: json.loads(data) for name, data in content.items() if name.endswith(".json")}
    jsonschema.Draft202012Validator(schema).validate(document)


def test_round_trip_between_two_stores_keeps_the_versions_byte_identical(signed, tmp_path, catalogue):
    listed, pdfs, snapshots, out = signed
    store = empty_store(tmp_path)
    try:
        prae_id = package.import_package(store, out)
        again = versions.list_versions(store, prae_id)
        assert [essentials(v) for v in again] == [essentials(v) for v in listed]
        assert [v.marked_at for v in again] == [v.marked_at for v in listed]
        assert [versions.version_pdf(store, v.id) for v in again] == pdfs  # the exact bytes
        assert [versions.version_snapshot(store, v.id) for v in again] == snapshots
        # the imported working version is the one last signed: nothing modified since
        assert not versions.working_status(store, prae_id, catalogue).modified
        # exported again from the second store: the same versions.json and PDFs
        second = package.export_package(store, prae_id, tmp_path / "again.prae", app_version="test")
    finally:
        store.close()
    first, then = members(out), members(second)
    for name in ("versions.json", "version-1.pdf", "version-2.pdf"):
        assert then[name] == first[name], name


def test_a_copy_also_gets_the_versions_and_a_replace_does_not_duplicate_them(signed, material, tmp_path):
    listed, pdfs, _snapshots, out = signed
    store = open_store(material.store_copy(tmp_path))  # the same PRAE, never signed here
    try:
        assert versions.list_versions(store, material.prae_id) == []
        replaced = package.import_package(store, out, mode="replace", store_path=store.path)
        assert [v.number for v in versions.list_versions(store, replaced)] == [1, 2]
        replaced = package.import_package(store, out, mode="replace", store_path=store.path)  # again
        assert [versions.version_pdf(store, v.id) for v in versions.list_versions(store, replaced)] == pdfs
        copy = package.import_package(store, out, mode="copy")
        assert [essentials(v) for v in versions.list_versions(store, copy)] == [essentials(v) for v in listed]
    finally:
        store.close()


def _tampered_pdf(content: dict[str, bytes]) -> dict[str, bytes]:
    pdf = content["version-2.pdf"]
    at = pdf.index(b"/Type")
    return {**content, "version-2.pdf": pdf[:at] + b"/Type " + pdf[at + 6 :].replace(b"Paris", b"Lyon!", 1) + b"\n"}


def _versions_edit(change):
    def edit(content: dict[str, bytes]) -> dict[str, bytes]:
        doc = json.loads(content["versions.json"])
        change(doc)
        data = dumps(doc)
        manifest = json.loads(content["manifest.json"])
        manifest["members"]["versions.json"] = hashlib.sha256(data).hexdigest()
        return {**content, "versions.json": data, "manifest.json": dumps(manifest)}

    return edit


BAD = {
    "tampered pdf": (
        _tampered_pdf,
        "versions.json, version n° 2 (version-2.pdf) : le PDF signé ne correspond pas à l'empreinte SHA-256",
    ),
    "pdf swapped with the other version's": (
        lambda c: {**c, "version-1.pdf": c["version-2.pdf"], "version-2.pdf": c["version-1.pdf"]},
        "version n° 1 (version-1.pdf) : le PDF signé ne correspond pas",
    ),
    "pdf missing": (
        lambda c: {k: v for k, v in c.items() if k != "version-2.pdf"},
        "version n° 2 (version-2.pdf) : le PDF signé de cette version est absent",
    ),
    "a pdf no version names": (
        lambda c: {**c, "version-3.pdf": c["version-1.pdf"]},
        "version-3.pdf : PDF qu'aucune version de versions.json ne décrit",
    ),
    "versions.json edited, manifest not": (
        lambda c: {**c, "versions.json": c["versions.json"].replace(b"Paul", b"Pierre")},
        "versions.json : son contenu ne correspond pas à l'empreinte SHA-256 inscrite dans manifest.json",
    ),
    "a number twice": (
        _versions_edit(lambda d: d["versions"][1].update(number=1, pdf="version-1.pdf")),
        "version n° 1 (version-1.pdf) : numéro de version en double",
    ),
    "an unknown kind": (
        _versions_edit(lambda d: d["versions"][0].update(kind="brouillon")),
        "versions.json",
    ),
    "an avenant number of thousands of digits": (
        _versions_edit(lambda d: d["versions"][1].update(avenant_number=int("9" * 4000))),
        "versions.json",
    ),
    "an avenant number as text": (
        _versions_edit(lambda d: d["versions"][1].update(avenant_number="1=1")),
        "versions.json",
    ),
    "an avenant number of 0": (
        _versions_edit(lambda d: d["versions"][1].update(avenant_number=0)),
        "versions.json",
    ),
    "versions.json without the manifest listing it": (
        lambda c: {
            **c,
            "manifest.json": dumps(
                {
                    **json.loads(c["manifest.json"]),
                    "members": {
                        k: v for k, v in json.loads(c["manifest.json"])["members"].items() if k != "versions.json"
                    },
                }
            ),
        },
        "manifest.json",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_tampered_version_refuses_the_whole_import(signed, material, tmp_path, case):
    _listed, _pdfs, _snapshots, out = signed
    change, expected = BAD[case]
    bad = rezip(tmp_path, change(members(out)), "bad.prae")
    path = material.store_copy(tmp_path)
    before = file_sha(path)
    store = open_store(path)
    try:
        for mode in ("new", "copy", "replace"):
            with pytest.raises(package.PackageError) as caught:
                package.import_package(store, bad, mode=mode, store_path=path)
            message = str(caught.value)
            assert expected in message, message
            assert message.endswith("Rien n'a été importé.")
        with pytest.raises(package.PackageError):
            package.inspect_package(bad, store)
    finally:
        store.close()
    assert file_sha(path) == before  # the store file, byte for byte


def as_format_1(content: dict[str, bytes], keep: tuple[str, ...] = ()) -> dict[str, bytes]:
    dropped = {"followup.json", "versions.json", "version-1.pdf", "version-2.pdf"} - set(keep)
    content = {k: v for k, v in content.items() if k not in dropped}
    manifest = json.loads(content["manifest.json"])
    manifest["format_version"] = 1
    for name in ("followup.json", "versions.json"):
        manifest["members"].pop(name, None)
    return {**content, "manifest.json": dumps(manifest)}


def test_a_format_1_package_still_imports_without_versions(signed, tmp_path):
    _listed, _pdfs, _snapshots, out = signed
    old = rezip(tmp_path, as_format_1(members(out)), "v1.prae")
    store = empty_store(tmp_path)
    try:
        assert package.inspect_package(old, store).format_version == 1
        prae_id = package.import_package(store, old)
        assert versions.list_versions(store, prae_id) == []
    finally:
        store.close()


@pytest.mark.parametrize("kept", [("version-1.pdf",), ("versions.json",)])
def test_a_format_1_package_holding_versions_is_refused(signed, tmp_path, kept):
    _listed, _pdfs, _snapshots, out = signed
    odd = rezip(tmp_path, as_format_1(members(out), keep=kept), "odd.prae")
    path = tmp_path / "target.sqlite"
    store = open_store(path)
    before = file_sha(path)
    try:
        with pytest.raises(package.PackageError, match=f"{kept[0]} : membre inattendu dans un paquet au format n° 1"):
            package.import_package(store, odd)
    finally:
        store.close()
    assert file_sha(path) == before


def test_a_prae_without_versions_writes_no_versions_member(material, tmp_path):
    store = open_store(material.store_copy(tmp_path))
    try:
        out = package.export_package(store, material.prae_id, tmp_path / "plain.prae", app_version="test")
    finally:
        store.close()
    content = members(out)
    assert "versions.json" not in content and not [n for n in content if n.endswith(".pdf")]
    assert "versions.json" not in json.loads(content["manifest.json"])["members"]


def test_the_versions_come_back_byte_identical_on_sqlite_and_postgresql(signed, any_store):
    listed, pdfs, _snapshots, out = signed
    prae_id = package.import_package(any_store, out)
    again = versions.list_versions(any_store, prae_id)
    assert [essentials(v) for v in again] == [essentials(v) for v in listed]
    assert [versions.version_pdf(any_store, v.id) for v in again] == pdfs
