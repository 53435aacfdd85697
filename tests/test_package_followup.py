"""The .prae package, format 2: followup.json carries the realised years and the FEC mapping
(issue 17); a format 1 package (written by this code, less followup.json) still imports; a bad
followup.json is refused naming its place, the store unchanged."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.errors import UserError
from pnae_desktop.exports.package.followup_doc import followup_document
from pnae_desktop.exports.package.spec import FORMAT_VERSION, dumps
from pnae_desktop.services import budget, demo, package, praes
from pnae_desktop.services.followup import load_followup
from pnae_desktop.store.database import open_store


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("pkg")
    store = open_store(folder / "source.sqlite")
    try:
        prae_id = demo.create_demo(store, shipped_catalogues().default)
        return package.export_package(store, prae_id, folder / "demo.prae", app_version="test")
    finally:
        store.close()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(folder: Path, content: dict[str, bytes], name: str = "edited.prae") -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in content.items():
            zf.writestr(member, data)
    out = folder / name
    out.write_bytes(buffer.getvalue())
    return out


def as_format_1(content: dict[str, bytes]) -> dict[str, bytes]:
    content = {k: v for k, v in content.items() if k != "followup.json"}
    manifest = json.loads(content["manifest.json"])
    manifest["format_version"] = 1
    manifest["members"].pop("followup.json")
    return {**content, "manifest.json": dumps(manifest)}


def with_followup(content: dict[str, bytes], change) -> dict[str, bytes]:
    doc = json.loads(content["followup.json"])
    change(doc)
    data = dumps(doc)
    manifest = json.loads(content["manifest.json"])
    manifest["members"]["followup.json"] = hashlib.sha256(data).hexdigest()
    return {**content, "followup.json": data, "manifest.json": dumps(manifest)}


def view(store, prae_id: int) -> dict:
    detail = praes.get_prae(store, prae_id)
    return followup_document(detail, budget.load_budget(store, prae_id), load_followup(store, prae_id))


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_format_2_carries_the_realised_years_and_the_mapping(exported, tmp_path):
    manifest = json.loads(members(exported)["manifest.json"])
    assert FORMAT_VERSION == 2 and manifest["format_version"] == 2 and "followup.json" in manifest["members"]
    source = open_store(exported.parent / "source.sqlite")
    store = open_store(tmp_path / "target.sqlite")
    try:
        expected = view(source, 1)
        assert expected["charges"] and expected["mapping"] and expected["reports"] and expected["explanations"]
        prae_id = package.import_package(store, exported)
        assert view(store, prae_id) == expected
    finally:
        source.close()
        store.close()


def test_a_format_1_package_still_imports(exported, tmp_path):
    old = rezip(tmp_path, as_format_1(members(exported)), "v1.prae")
    store = open_store(tmp_path / "target.sqlite")
    try:
        info = package.inspect_package(old, store)
        assert info.format_version == 1
        prae_id = package.import_package(store, old)
        assert praes.get_prae(store, prae_id).actions
        followup = load_followup(store, prae_id)
        assert followup.charges == () and followup.mapping == ()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            lambda m: {**as_format_1(m), "followup.json": m["followup.json"]},
            "membre inattendu dans un paquet au format n° 1",
        ),
        (lambda m: with_followup(m, lambda d: d["charges"][0].update(action=999)), "action n° 999 inconnue"),
        (lambda m: with_followup(m, lambda d: d["charges"][0].update(account="70")), "60 à 67"),
        (lambda m: with_followup(m, lambda d: d["reports"][0].update(status="fini")), "followup.json"),
        (lambda m: with_followup(m, lambda d: d["mapping"][0].update(share="50")), "totalisent 50"),
        (lambda m: with_followup(m, lambda d: d["indicators"][0].update(indicator=40)), "indicateur inconnu"),
    ],
)
def test_bad_followup_is_refused_and_the_store_unchanged(exported, tmp_path, content, message):
    bad = rezip(tmp_path, content(members(exported)))
    path = tmp_path / "target.sqlite"
    store = open_store(path)
    store.close()
    before = dump(path)
    store = open_store(path)
    try:
        with pytest.raises(UserError, match=message) as error:
            package.import_package(store, bad)
        assert "followup.json" in str(error.value)
    finally:
        store.close()
    assert dump(path) == before
