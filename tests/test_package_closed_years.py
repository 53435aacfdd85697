"""The .prae package (format 2) carries the closed years (closed_years table) in followup.json:
written, read back, the follow-up of a closed year still imported; a bad entry is refused in
French naming it, the store unchanged; « milestones done » marks name the right milestones
when a package lists a calendar out of year order (real SQLite files)."""

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
from pnae_desktop.exports.package.spec import dumps
from pnae_desktop.services import demo, package, praes
from pnae_desktop.services import next_year as ny
from pnae_desktop.services.followup import load_followup
from pnae_desktop.store.database import open_store


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("closed")
    store = open_store(folder / "source.sqlite")
    try:
        prae_id = demo.create_demo(store, shipped_catalogues().default)
        ny.set_year_closed(store, prae_id, 2018, True)  # the demo's realised year
        return package.export_package(store, prae_id, folder / "closed.prae", app_version="test")
    finally:
        store.close()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def rezip(folder: Path, content: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in content.items():
            zf.writestr(member, data)
    out = folder / "edited.prae"
    out.write_bytes(buffer.getvalue())
    return out


def with_closed(content: dict[str, bytes], years) -> dict[str, bytes]:
    doc = json.loads(content["followup.json"])
    doc["closed_years"] = years
    data = dumps(doc)
    manifest = json.loads(content["manifest.json"])
    manifest["members"]["followup.json"] = hashlib.sha256(data).hexdigest()
    return {**content, "followup.json": data, "manifest.json": dumps(manifest)}


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_closed_years_round_trip(exported, tmp_path):
    assert json.loads(members(exported)["followup.json"])["closed_years"] == [2018]
    source = open_store(exported.parent / "source.sqlite")
    store = open_store(tmp_path / "target.sqlite")
    try:
        prae_id = package.import_package(store, exported)
        assert ny.closed_years(store, prae_id) == (2018,)
        assert load_followup(store, prae_id) == load_followup(source, 1)  # the closed year's follow-up too
        again = package.export_package(store, prae_id, tmp_path / "again.prae", app_version="test")
        assert json.loads(members(again)["followup.json"])["closed_years"] == [2018]
    finally:
        source.close()
        store.close()


def test_two_closed_years_round_trip(exported, tmp_path):
    edited = rezip(tmp_path, with_closed(members(exported), [2019, 2018]))
    store = open_store(tmp_path / "target.sqlite")
    try:
        prae_id = package.import_package(store, edited)
        assert ny.closed_years(store, prae_id) == (2018, 2019)
    finally:
        store.close()


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ([2018, 2018], r"années clôturées, n° 2.*l'année 2018 figure deux fois"),
        ([2020], r"années clôturées, n° 1.*l'année 2020 ne peut pas être clôturée"),
        ([2018, 2015], r"années clôturées, n° 2.*l'année 2015 ne peut pas être clôturée"),
        ([1999], r"followup\.json"),
        (["2018"], r"followup\.json"),
    ],
)
def test_bad_closed_year_is_refused_and_the_store_unchanged(exported, tmp_path, years, message):
    bad = rezip(tmp_path, with_closed(members(exported), years))
    path = tmp_path / "target.sqlite"
    open_store(path).close()
    before = dump(path)
    store = open_store(path)
    try:
        with pytest.raises(UserError, match=message) as error:
            package.import_package(store, bad)
        assert "followup.json" in str(error.value)
    finally:
        store.close()
    assert dump(path) == before


def test_format_2_without_closed_years_is_refused(exported, tmp_path):
    content = members(exported)
    doc = json.loads(content["followup.json"])
    del doc["closed_years"]
    data = dumps(doc)
    manifest = json.loads(content["manifest.json"])
    manifest["members"]["followup.json"] = hashlib.sha256(data).hexdigest()
    bad = rezip(tmp_path, {**content, "followup.json": data, "manifest.json": dumps(manifest)})
    store = open_store(tmp_path / "target.sqlite")
    try:
        with pytest.raises(UserError, match="followup.json"):
            package.import_package(store, bad)
    finally:
        store.close()


def test_done_marks_follow_a_calendar_not_ordered_by_year(exported, tmp_path):
    """A hand-made package may list an action's calendar out of year order; its marks name
    positions in that list, and the store keeps calendars by year: each mark still names its
    milestone once imported."""
    content = members(exported)
    actions = json.loads(content["actions.json"])
    follow = json.loads(content["followup.json"])
    report = next(r for r in follow["reports"] if r["milestones_done"])
    calendar = actions["actions"][report["action"]]["calendar"]
    done_texts = {calendar[m["milestone"]]["text"] for m in report["milestones_done"]}
    order = sorted(range(len(calendar)), key=lambda i: -calendar[i]["year"])  # latest years first
    assert order != sorted(order)
    actions["actions"][report["action"]]["calendar"] = [calendar[i] for i in order]
    for m in report["milestones_done"]:
        m["milestone"] = order.index(m["milestone"])
    manifest = json.loads(content["manifest.json"])
    for name, doc in (("actions.json", actions), ("followup.json", follow)):
        content[name] = dumps(doc)
        manifest["members"][name] = hashlib.sha256(content[name]).hexdigest()
    content["manifest.json"] = dumps(manifest)
    store = open_store(tmp_path / "target.sqlite")
    try:
        prae_id = package.import_package(store, rezip(tmp_path, content))
        action = praes.get_prae(store, prae_id).actions[report["action"]]
        stored = load_followup(store, prae_id).report(action.id, report["year"])
        assert stored is not None
        assert {action.milestones[i].text for i, _ in stored.milestones_done} == done_texts
    finally:
        store.close()
