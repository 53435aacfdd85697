"""Exchange packages (.prae): a PRAE goes out whole and comes back identical, on SQLite and on
PostgreSQL; importing twice is refused, then copied or replaced (after a backup); and every bad
package is refused in French, naming the member and the place, the store left byte for byte."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import struct
import warnings
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pnae_desktop import paths
from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import drafting as drafting_rules
from pnae_desktop.domain.entities import Milestone, NewPrae
from pnae_desktop.domain.rules import PRAE_STATUSES
from pnae_desktop.errors import UserError
from pnae_desktop.exports import serialize
from pnae_desktop.services import budget, convention, demo, drafting, package, praes
from pnae_desktop.store.backup import backups_dir
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import PraeRow
from pnae_desktop.store.schema import HEAD_REVISION

REPO = Path(__file__).resolve().parent.parent


# -- a rich PRAE: the demo plus what the demo leaves out --------------------------------------


def enrich(store, prae_id: int, catalogue) -> None:
    """Manual and ETP allocation keys, objective shares, a dated milestone, payment schedules
    (one for a non-party funder, whose key carries a store id), articles added, removed, adapted."""
    detail = praes.get_prae(store, prae_id)
    a0, a1, a2 = detail.actions[0], detail.actions[1], detail.actions[2]
    budget.set_allocation_key(
        store,
        prae_id,
        2019,
        "manual",
        {a0.id: Decimal(60), a1.id: Decimal("25.5"), a2.id: Decimal("14.5")},
    )
    budget.set_allocation_key(store, prae_id, 2020, "etp")
    drafting.set_objectives(store, catalogue, a1.id, {"1.2": None, "4.2": None})
    budget.set_objective_shares(store, a1.id, {"1.2": Decimal(70), "4.2": Decimal(30)})
    drafting.set_milestones(
        store, a2.id, [*a2.milestones, Milestone(2019, "Séminaire régional", day=date(2019, 10, 3))]
    )
    funders = {f.kind: f.id for f in budget.load_budget(store, prae_id).funders}
    settings = convention.get_settings(store, prae_id, catalogue)
    settings = replace(
        settings,
        payments=(
            cv.PaymentSchedule(
                "state",
                2018,
                (
                    cv.Instalment("Avance", 30, "à la notification"),
                    cv.Instalment("Solde", 70, "au bilan"),
                ),
            ),
            cv.PaymentSchedule(
                f"financeur_{funders['fonds_europeens']}",
                2019,
                (cv.Instalment("Versement unique", 100, "au bilan final"),),
            ),
        ),
    )
    convention.save_settings(store, prae_id, catalogue, settings)
    state = convention.get_state(store, prae_id)
    state = cv.override_article(state, "objet", "Objet adapté pour {region.name}.")
    state = cv.add_article(state, "Clause régionale", "Texte régional, voir {ref:objet}.", 3)
    state = cv.remove_article(state, "renouvellement")
    convention.save_state(store, prae_id, catalogue, state)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A SQLite store holding the demo PRAE (1) and a rich PRAE (2), and their packages."""
    catalogue = shipped_catalogues().default
    folder = tmp_path_factory.mktemp("source")
    store = open_store(folder / "source.sqlite")
    demo_id = demo.create_demo(store, catalogue)
    rich_id = demo.create_demo(store, catalogue, region_code="84")
    enrich(store, rich_id, catalogue)
    demo_pkg = package.export_package(store, demo_id, folder / "demo.prae", app_version="test")
    rich_pkg = package.export_package(store, rich_id, folder / "rich.prae", app_version="test")
    yield Source(store, folder, demo_id, rich_id, demo_pkg, rich_pkg)
    store.close()


class Source:
    def __init__(self, store, folder, demo_id, rich_id, demo_pkg, rich_pkg):
        self.store, self.folder = store, folder
        self.demo_id, self.rich_id = demo_id, rich_id
        self.demo_pkg, self.rich_pkg = demo_pkg, rich_pkg

    def members(self, which: str = "demo") -> dict[str, bytes]:
        with zipfile.ZipFile(self.demo_pkg if which == "demo" else self.rich_pkg) as zf:
            return {name: zf.read(name) for name in zf.namelist()}


# -- comparing two stores' PRAEs (ids differ, the rest must not) -------------------------------


def prae_view(store, prae_id: int) -> dict:
    d = serialize.prae_to_dict(praes.get_prae(store, prae_id))
    for key in ("id", "created_at", "updated_at"):
        d.pop(key)
    d["organisation"].pop("id")
    names = {m.pop("id"): m["name"] for m in d["missions_locales"]}
    for a in d["actions"]:
        a.pop("id")
        a["missions_locales"] = sorted(names[i] for i in a["missions_locales"])
    return d


def budget_view(store, prae_id: int) -> dict:
    plan, totals, problems = budget.totals(store, prae_id)
    actions = {a.action_id: i for i, a in enumerate(plan.actions)}
    funders = {f.id: i for i, f in enumerate(plan.funders)}

    def norm(node, key=None):
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                if k == "id":
                    continue
                if k == "action_id":
                    v = actions.get(v, v)
                elif k == "funder_id":
                    v = funders.get(v, v)
                elif k == "shares" and isinstance(v, dict):
                    v = {str(actions[int(a)]): s for a, s in v.items()}
                out[k] = norm(v, k)
            return out
        if isinstance(node, list):
            return sorted((norm(v) for v in node), key=lambda v: json.dumps(v, sort_keys=True))
        return node

    return {
        "budget": norm(serialize.budget_to_dict(plan, totals)),
        "problems": [(p.code, p.message) for p in problems],
    }


def convention_view(store, prae_id: int, catalogue) -> tuple:
    rendered, checks = convention.render(store, prae_id, catalogue)
    settings = convention.get_settings(store, prae_id, catalogue)
    funders = {f"financeur_{f.id}": i for i, f in enumerate(budget.load_budget(store, prae_id).funders)}
    payments = (
        None
        if settings.payments is None
        else tuple(replace(p, funder=funders.get(p.funder, p.funder)) for p in settings.payments)
    )

    def keyed(text: str) -> str:  # check messages quote the store's funder keys
        return re.sub(r"financeur_\d+", lambda m: f"financeur#{funders.get(m.group(0), '?')}", text)

    return (
        rendered.plain_text(),
        [(c.code, keyed(c.message)) for c in checks],
        replace(settings, payments=payments),
        convention.get_state(store, prae_id),
    )


def uids(store) -> list[str]:
    with store.transaction() as session:
        return sorted(session.scalars(select(PraeRow.uid)))


def assert_same_prae(source_store, source_id, store, prae_id, catalogue):
    assert prae_view(store, prae_id) == prae_view(source_store, source_id)
    mine, theirs = budget_view(store, prae_id), budget_view(source_store, source_id)
    assert mine["budget"]["totals"] == theirs["budget"]["totals"]  # every total, to the cent
    assert mine == theirs
    assert convention_view(store, prae_id, catalogue) == convention_view(source_store, source_id, catalogue)


# -- round trips ----------------------------------------------------------------------------------


def test_round_trip_then_refused_then_copy_then_replace(source, any_store, catalogue, tmp_path):
    store = any_store
    prae_id = package.import_package(store, source.demo_pkg, mode="new")
    assert_same_prae(source.store, source.demo_id, store, prae_id, catalogue)
    _, plain_totals, _ = budget.totals(store, prae_id)
    _, source_totals, _ = budget.totals(source.store, source.demo_id)
    assert plain_totals.full_total == source_totals.full_total == plain_totals.financing_total
    assert (
        convention.render(store, prae_id, catalogue)[0].plain_text()
        == convention.render(source.store, source.demo_id, catalogue)[0].plain_text()
    )
    uid = uids(store)[0]

    with pytest.raises(UserError) as refused:
        package.import_package(store, source.demo_pkg, mode="new")
    message = str(refused.value)
    assert "contient déjà ce PRAE" in message and "copie" in message and "remplacer" in message
    assert uids(store) == [uid]

    copy_id = package.import_package(store, source.demo_pkg, mode="copy")
    assert copy_id != prae_id
    assert len(set(uids(store))) == 2 and uid in uids(store)
    copy = praes.get_prae(store, copy_id).summary
    assert copy.title == praes.get_prae(source.store, source.demo_id).summary.title + " (copie)"

    drafting.update_action(store, praes.get_prae(store, prae_id).actions[0].id, {"pilot": "Modifié localement"})
    store_path = store.path if store.dialect == "sqlite" else None
    replaced_id = package.import_package(store, source.demo_pkg, mode="replace", store_path=store_path)
    assert replaced_id == prae_id  # the same PRAE, replaced in place
    assert uids(store).count(uid) == 1 and len(uids(store)) == 2
    assert_same_prae(source.store, source.demo_id, store, replaced_id, catalogue)
    assert praes.get_prae(store, copy_id).summary.title == copy.title  # the copy is untouched
    if store_path is not None:
        backups = list(backups_dir(store_path).glob("*-avant-import.sqlite"))
        assert len(backups) == 1


def test_rich_prae_round_trip(source, any_store, catalogue):
    prae_id = package.import_package(any_store, source.rich_pkg)
    assert_same_prae(source.store, source.rich_id, any_store, prae_id, catalogue)
    settings = convention.get_settings(any_store, prae_id, catalogue)
    funder_ids = {f.id for f in budget.load_budget(any_store, prae_id).funders}
    keys = [p.funder for p in settings.payments]
    assert keys[0] == "state" and int(keys[1].removeprefix("financeur_")) in funder_ids


def test_a_prae_just_created_from_the_catalogue_round_trips(source, tmp_path, catalogue):
    """Every PNAE action as the catalogue gives it (texts, calendars, levels), nothing edited."""
    numbers = tuple(a.number for a in catalogue.actions)
    prae_id = praes.create_prae(source.store, catalogue, NewPrae("84", 2018, 2020, numbers))
    out = package.export_package(source.store, prae_id, tmp_path / "fresh.prae", app_version="t")
    store = open_store(tmp_path / "b.sqlite")
    try:
        imported = package.import_package(store, out)
        assert_same_prae(source.store, prae_id, store, imported, catalogue)
    finally:
        store.close()


def test_export_of_an_import_is_the_same_package(source, tmp_path):
    store = open_store(tmp_path / "b.sqlite")
    try:
        prae_id = package.import_package(store, source.rich_pkg)
        again = package.export_package(store, prae_id, tmp_path / "again.prae", app_version="test")
        with zipfile.ZipFile(again) as zf:
            members = {name: zf.read(name) for name in zf.namelist()}
    finally:
        store.close()
    original = source.members("rich")
    for name in package.MEMBERS:
        assert members[name] == original[name], name
    assert list(members) == list(package.ALL_MEMBERS)


def test_the_organisation_of_the_region_is_reused_when_it_has_the_same_name(source, tmp_path, catalogue):
    store = open_store(tmp_path / "b.sqlite")
    try:
        local = demo.create_demo(store, catalogue)  # same region, same ARML name
        org = praes.prae_organisation_id(store, local)
        imported = package.import_package(store, source.demo_pkg, mode="copy")
        assert praes.prae_organisation_id(store, imported) == org
    finally:
        store.close()


def test_inspect_tells_what_the_package_holds(source, tmp_path):
    store = open_store(tmp_path / "b.sqlite")
    try:
        info = package.inspect_package(source.demo_pkg, store)
        assert not info.exists
        assert info.title.endswith("(démonstration)") and info.region_code == "11"
        assert (info.start_year, info.end_year, info.action_count) == (2018, 2020, 10)
        assert (
            info.schema_version == HEAD_REVISION
            and info.format_version == package.FORMAT_VERSION == 2
            and info.app_version == "test"
        )
        prae_id = package.import_package(store, source.demo_pkg)
        info = package.inspect_package(source.demo_pkg, store)
        assert info.exists and info.existing_prae_id == prae_id
    finally:
        store.close()


def test_manifest_checksums_cover_every_member(source):
    for which in ("demo", "rich"):
        members = source.members(which)
        assert sorted(members) == sorted(package.ALL_MEMBERS)
        manifest = json.loads(members["manifest.json"])
        assert manifest["format"] == "pnae-desktop-package" and manifest["format_version"] == 2
        assert manifest["schema_version"] == HEAD_REVISION
        assert sorted(manifest["members"]) == sorted(package.MEMBERS)
        for name in package.MEMBERS:
            assert manifest["members"][name] == hashlib.sha256(members[name]).hexdigest()
        for name, data in members.items():  # UTF-8 JSON, sorted keys
            document = json.loads(data.decode("utf-8"))
            assert data.decode("utf-8") == json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def test_export_writes_through_a_temp_file_and_replaces(source, tmp_path):
    out = tmp_path / "x.prae"
    out.write_bytes(b"old")
    package.export_package(source.store, source.demo_id, out, app_version="test", overwrite=True)
    assert zipfile.is_zipfile(out)
    assert [p.name for p in tmp_path.iterdir()] == ["x.prae"]
    with pytest.raises(UserError, match="n'existe pas"):
        package.export_package(source.store, source.demo_id, tmp_path / "absent" / "x.prae", app_version="test")
    with pytest.raises(UserError, match="Aucun PRAE"):
        package.export_package(source.store, 999, out, app_version="test")


def test_schema_in_docs_is_the_shipped_one_and_matches_the_domain():
    shipped = paths.resources().joinpath("package.schema.json").read_text(encoding="utf-8")
    assert (REPO / "docs" / "package.schema.json").read_text(encoding="utf-8") == shipped
    schema = json.loads(shipped)
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)
    defs = schema["$defs"]
    indicator = defs["action"]["properties"]["indicators"]["items"]["properties"]
    assert indicator["unit"]["enum"] == list(drafting_rules.INDICATOR_UNITS)
    assert indicator["source"]["enum"] == list(drafting_rules.INDICATOR_SOURCES)
    levels = defs["action"]["properties"]["territorial_levels"]["items"]["enum"]
    assert levels == list(drafting_rules.TERRITORIAL_LEVELS)
    assert defs["prae"]["properties"]["status"]["enum"] == list(PRAE_STATUSES)
    assert defs["budget"]["properties"]["financing"]["items"]["properties"]["status"]["enum"] == list(
        dom.FINANCING_STATUSES
    )
    assert defs["budget"]["properties"]["allocation_keys"]["items"]["properties"]["method"]["enum"] == list(
        dom.ALLOCATION_METHODS
    )
    assert sorted(defs["action"]["properties"]["fields"]["properties"]) == sorted(
        __import__("pnae_desktop.store.models", fromlist=["FICHE_TEXT_FIELDS"]).FICHE_TEXT_FIELDS
    )
    assert schema["required"] == list(package.ALL_MEMBERS)


def test_the_whole_package_validates_against_the_schema(source):
    import jsonschema

    schema = json.loads((REPO / "docs" / "package.schema.json").read_text(encoding="utf-8"))
    for which in ("demo", "rich"):
        document = {name: json.loads(data) for name, data in source.members(which).items()}
        jsonschema.Draft202012Validator(schema).validate(document)


# -- bad packages: refused in French, the store byte for byte unchanged ----------------------------


def zip_bytes(members: dict[str, bytes] | list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")  # "Duplicate name": on purpose
        for name, data in members.items() if isinstance(members, dict) else members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def dumps(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def edited(members: dict[str, bytes], name: str, change) -> dict[str, bytes]:
    """`members` with `change(document)` applied to one member, the checksums made right again."""
    out = dict(members)
    document = json.loads(out[name])
    result = change(document)
    out[name] = dumps(document if result is None else result) if not isinstance(result, bytes) else result
    if name != "manifest.json":
        manifest = json.loads(out["manifest.json"])
        manifest["members"][name] = hashlib.sha256(out[name]).hexdigest()
        out["manifest.json"] = dumps(manifest)
    return out


def store_fingerprint(db: Path) -> tuple:
    files = (db, db.with_name(db.name + "-wal"))
    return tuple(hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else None for f in files)


@pytest.fixture(scope="module")
def target_template(source, tmp_path_factory):
    """A store that already holds the demo PRAE (imported from its package)."""
    path = tmp_path_factory.mktemp("target") / "pnae.sqlite"
    store = open_store(path)
    package.import_package(store, source.demo_pkg)
    store.close()
    return path


@pytest.fixture
def target(target_template, tmp_path):
    db = tmp_path / "pnae.sqlite"
    shutil.copy(target_template, db)
    store = open_store(db)
    uids(store)  # a first connection creates the (empty) -wal: that is opening, not importing
    yield store, db
    store.close()


def set_path(document, path, value):
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _pkg(members):
    return zip_bytes(members)


def _big_member(members):
    """An actions.json of 51 Mo of spaces (compresses to almost nothing)."""
    data = members["actions.json"] + b" " * (51 * 1024 * 1024)
    return zip_bytes({**members, "actions.json": data})


def _lying_header(members):
    """A member that inflates to 20 Mo while its headers announce 200 bytes (a zip bomb)."""
    data = zip_bytes({**members, "actions.json": b"\x00" * (20 * 1024 * 1024)})
    name = b"actions.json"
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := out.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", out, at + offset, 200)
            at += 4
    return bytes(out)


def _bzip2(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _encrypted(members):
    """The "encrypted" flag set on a member (in both headers)."""
    out = bytearray(zip_bytes(members))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(signature)
        struct.pack_into("<H", out, at + offset, struct.unpack_from("<H", out, at + offset)[0] | 1)
    return bytes(out)


def _manifest_edit(change):
    return lambda m: _pkg(edited(m, "manifest.json", change))


def _edit(name, change):
    return lambda m: _pkg(edited(m, name, change))


def _set(name, path, value):
    return _edit(name, lambda d: set_path(d, path, value))


def _first_charge_negative(d):
    d["charges"][0]["amount"] = "-5.00"
    d["charges"][0]["etp"] = d["charges"][0]["annual_cost"] = None


BAD = {
    # the container
    "not a zip": (lambda m: b"Ceci n'est pas un paquet.", "pas une archive zip"),
    "empty file": (lambda m: b"", "pas une archive zip"),
    "truncated zip": (lambda m: _pkg(m)[:-40], "Paquet « "),
    "parent path": (lambda m: zip_bytes({**m, "../prae2.json": b"{}"}), "sort du dossier"),
    "absolute path": (lambda m: zip_bytes({**m, "/etc/prae.json": b"{}"}), "chemin absolu"),
    "backslash": (lambda m: zip_bytes({**m, "..\\prae.json": b"{}"}), "barre oblique inverse"),
    "drive letter": (lambda m: zip_bytes({**m, "C:prae.json": b"{}"}), "lettre de lecteur"),
    "subfolder": (lambda m: zip_bytes({**m, "dossier/prae.json": b"{}"}), "sous-dossier"),
    "unexpected member": (
        lambda m: zip_bytes({**m, "notes.txt": b"x"}),
        "membre inattendu « notes.txt »",
    ),
    "missing member": (
        lambda m: zip_bytes({k: v for k, v in m.items() if k != "budget.json"}),
        "membre « budget.json » absent",
    ),
    "duplicate member": (
        lambda m: zip_bytes([*m.items(), ("prae.json", m["prae.json"])]),
        "présent deux fois",
    ),
    "too many members": (
        lambda m: zip_bytes([*m.items(), *((f"x{i}.json", b"{}") for i in range(package.MAX_MEMBERS))]),
        "trop de fichiers",
    ),
    "too big once inflated": (_big_member, "trop volumineux"),
    "lying header (zip bomb)": (_lying_header, "Paquet « "),
    "bzip2 member": (_bzip2, "méthode de compression non prise en charge"),
    "encrypted member": (_encrypted, "chiffré"),
    # the manifest
    "checksum mismatch": (
        lambda m: _pkg({**m, "budget.json": m["budget.json"].replace(b'"acquis"', b'"sollicite"', 1)}),
        "budget.json : son contenu ne correspond pas",
    ),
    "unknown format": (
        _manifest_edit(lambda d: set_path(d, ["format"], "autre-logiciel")),
        "format « autre-logiciel » inconnu",
    ),
    "newer format version": (
        _manifest_edit(lambda d: set_path(d, ["format_version"], 3)),
        "version plus récente",
    ),
    "unknown format version": (
        _manifest_edit(lambda d: set_path(d, ["format_version"], "1")),
        "version de format",
    ),
    "newer schema version": (
        _manifest_edit(lambda d: set_path(d, ["schema_version"], "9999")),
        "manifest.json, version du schéma : paquet créé par une version plus récente",
    ),
    "manifest not an object": (
        _manifest_edit(lambda d: [1, 2]),
        "manifest.json : un objet JSON est attendu",
    ),
    "manifest uid differs": (
        _manifest_edit(lambda d: set_path(d, ["prae_uid"], "00000000-0000-4000-8000-000000000000")),
        "prae.json, identifiant (uid) : ne correspond pas",
    ),
    # JSON
    "malformed JSON": (
        _edit("actions.json", lambda d: b'{"actions": [}'),
        "actions.json : JSON illisible ligne 1",
    ),
    "not UTF-8": (
        _edit("prae.json", lambda d: '{"title": "é"}'.encode("latin-1")),
        "prae.json : le fichier n'est pas en UTF-8",
    ),
    "duplicate key": (
        _edit("prae.json", lambda d: b'{"title": "a", "title": "b"}'),
        "clé « title » en double",
    ),
    "NaN": (_edit("budget.json", lambda d: b'{"funders": NaN}'), "budget.json : JSON refusé"),
    "deep nesting": (
        _edit("budget.json", lambda d: b"[" * 100000 + b"]" * 100000),
        "budget.json : JSON",
    ),
    # the schema
    "wrong type deep": (
        _set("actions.json", ["actions", 2, "indicators", 1, "targets", 1, "value"], 12),
        "actions.json, action 3, indicateur 2, cible 2019, valeur : type attendu : texte",
    ),
    "float year": (
        _set("actions.json", ["actions", 0, "calendar", 0, "year"], 2018.0),
        "actions.json, action 1, jalon 1, année : type attendu : nombre entier",
    ),
    "year out of range": (
        _set("actions.json", ["actions", 0, "calendar", 0, "year"], 1999),
        "actions.json, action 1, jalon 1, année : valeur 1999 trop petite",
    ),
    "missing field": (
        _edit("prae.json", lambda d: d.pop("status") and None),
        "prae.json : champ « status » absent",
    ),
    "extra field": (
        _set("budget.json", ["funders", 0, "remarque"], "x"),
        "budget.json, financeur 1 : champ « remarque » non prévu",
    ),
    "negative amount": (
        _edit("budget.json", _first_charge_negative),
        "budget.json, charge 1, montant : montant attendu sous la forme « 1234.56 »",
    ),
    "too long title": (
        _set("prae.json", ["title"], "x" * 301),
        "prae.json, intitulé : texte trop long (301 caractères",
    ),
    "bad status": (
        _set("prae.json", ["status"], "archivé"),
        "prae.json, statut : valeur « archivé » non autorisée",
    ),
    "NUL character": (
        _set("prae.json", ["organisation", "address"], "12 rue\x00"),
        "prae.json, organisation, adresse : caractère interdit",
    ),
    # the domain
    "unknown catalogue edition": (
        lambda m: _pkg(
            edited(
                edited(m, "prae.json", lambda d: set_path(d, ["catalogue_edition"], "pnae-2030")),
                "manifest.json",
                lambda d: set_path(d, ["catalogue_edition"], "pnae-2030"),
            )
        ),
        "prae.json, édition du socle commun : l'édition « pnae-2030 » n'est pas connue",
    ),
    "unknown region": (
        _set("prae.json", ["region", "insee_code"], "99"),
        "prae.json, région, code INSEE : région « 99 » inconnue",
    ),
    "period too long": (
        _set("prae.json", ["period", "end"], 2030),
        "prae.json, période : Un PRAE couvre",
    ),
    "bad SIRET": (
        _set("prae.json", ["organisation", "siret"], "12345678901234"),
        "prae.json, organisation : SIRET",
    ),
    "unknown PNAE action": (
        _set("actions.json", ["actions", 1, "pnae_action"], 999),
        "actions.json, action 2 : action n° 999 du PNAE inconnue",
    ),
    "unknown CPO objective": (
        _set("actions.json", ["actions", 1, "objectives", 0, "code"], "9.9"),
        "actions.json, action 2, objectif CPO 1 : Objectif CPO inconnu : « 9.9 »",
    ),
    "duplicate objective": (
        _edit(
            "actions.json",
            lambda d: d["actions"][1]["objectives"].append(d["actions"][1]["objectives"][0]),
        ),
        "actions.json, action 2, objectif CPO 3 : objectif « 1.2 » en double",
    ),
    "share above 100": (
        _set("actions.json", ["actions", 1, "objectives", 0, "share"], "150"),
        "actions.json, action 2, objectif CPO 1 : Part de l'objectif 1.2 : une part ne dépasse pas 100",
    ),
    "target outside the period": (
        _set("actions.json", ["actions", 2, "indicators", 1, "targets", 1, "year"], 2025),
        "actions.json, action 3, indicateur 2 : Indicateur « ",
    ),
    "percentage above 100": (
        _set("actions.json", ["actions", 0, "indicators", 0, "targets", 0, "value"], "120"),
        "un pourcentage ne dépasse pas 100",
    ),
    "quarter and date": (
        _edit(
            "actions.json",
            lambda d: d["actions"][0]["calendar"][0].update(
                quarter=2, date=f"{d['actions'][0]['calendar'][0]['year']}-05-01"
            ),
        ),
        "actions.json, action 1, jalon 1 : Calendrier, jalon « ",
    ),
    "impossible date": (
        _edit(
            "actions.json",
            lambda d: d["actions"][0]["calendar"][0].update(
                quarter=None, date=f"{d['actions'][0]['calendar'][0]['year']}-02-30"
            ),
        ),
        "actions.json, action 1, jalon 1 : date « ",
    ),
    "unknown mission locale": (
        _set("actions.json", ["actions", 0, "missions_locales"], [7]),
        "actions.json, action 1, mission locale 1 : la mission locale n° 7 n'existe pas",
    ),
    "unknown account": (
        _set("budget.json", ["charges", 1, "account"], "99"),
        "budget.json, charge 2 : Cellule « ",
    ),
    "ETP above 100": (
        _edit(
            "budget.json",
            lambda d: d["charges"].__setitem__(
                0,
                {
                    **d["charges"][0],
                    "account": "64",
                    "amount": None,
                    "etp": "150",
                    "annual_cost": "1000.00",
                },
            ),
        ),
        "budget.json, charge 1 : Cellule « ",
    ),
    "absurd amount": (
        _edit(
            "budget.json",
            lambda d: d["charges"].__setitem__(
                0,
                {**d["charges"][0], "amount": "999999999999.00", "etp": None, "annual_cost": None},
            ),
        ),
        "montant absurde",
    ),
    "charge of an unknown action": (
        _set("budget.json", ["charges", 0, "action"], 10),
        "budget.json, charge 1, action : l'action n° 10 n'existe pas",
    ),
    "charge outside the period": (
        _set("budget.json", ["charges", 0, "year"], 2021),
        "budget.json, charge 1, année : l'année 2021 est hors de la période",
    ),
    "duplicate charge": (
        _edit("budget.json", lambda d: d["charges"].append(d["charges"][0])),
        "en double",
    ),
    "unknown funder": (
        _set("budget.json", ["financing", 0, "funder"], 40),
        "budget.json, financement 1, financeur : le financeur n° 40 n'existe pas",
    ),
    "unknown funder kind": (
        _set("budget.json", ["funders", 0, "kind"], "banque"),
        "budget.json, financeur 1 : Financeur",
    ),
    "duplicate allocation year": (
        _edit(
            "budget.json",
            lambda d: d["allocation_keys"].extend([{"year": 2019, "method": "direct", "shares": []}] * 2),
        ),
        "une seule clé de répartition par année",
    ),
    "manual key without action": (
        _edit(
            "budget.json",
            lambda d: d["allocation_keys"].append(
                {"year": 2019, "method": "manual", "shares": [{"action": 42, "share": "100"}]}
            ),
        ),
        "budget.json, clé de répartition 2019, part 1, action : l'action n° 42 n'existe pas",
    ),
    "payments not summing to 100": (
        _edit(
            "convention.json",
            lambda d: d["settings"].update(
                payments=[
                    {
                        "funder": "state",
                        "year": 2018,
                        "instalments": [{"label": "Avance", "percent": 40, "trigger": "x"}],
                    }
                ]
            ),
        ),
        "convention.json, paramètres : Modalités de versement 2018 (state) : les versements totalisent 40 %",
    ),
    "payment of an unknown funder": (
        _edit(
            "convention.json",
            lambda d: d["settings"].update(
                payments=[
                    {
                        "funder": "financeur#30",
                        "year": 2018,
                        "instalments": [{"label": "Unique", "percent": 100, "trigger": "x"}],
                    }
                ]
            ),
        ),
        "le financeur n° 30 n'existe pas",
    ),
    "signature date far away": (
        _set("convention.json", ["settings", "signature", "date"], "2030-01-01"),
        "convention.json, paramètres : Date de signature",
    ),
    "unknown convention model": (
        _set("convention.json", ["articles", "template"], "cpo-inconnue"),
        "convention.json, articles, modèle : Le modèle de convention « cpo-inconnue »",
    ),
    "mandatory article removed": (
        _edit("convention.json", lambda d: d["articles"]["articles"][0].update(removed=True)),
        "convention.json, articles, article 1 (« objet ») : cet article du modèle est obligatoire",
    ),
    "unknown placeholder": (
        _edit("convention.json", lambda d: d["articles"]["articles"][0].update(text="Voir {inconnu}.")),
        "convention.json, articles, article 1 (« objet ») : variable(s) inconnue(s)",
    ),
    "model article missing": (
        _edit("convention.json", lambda d: d["articles"]["articles"].pop() and None),
        "convention.json, articles : article « recours » du modèle absent",
    ),
    "settings without articles": (_set("convention.json", ["articles"], None), "vont ensemble"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_package_is_refused_in_french_and_the_store_is_unchanged(case, source, target, tmp_path):
    store, db = target
    build, expected = BAD[case]
    path = tmp_path / "bad.prae"
    path.write_bytes(build(source.members("demo")))
    before = store_fingerprint(db)
    counts = uids(store)
    # "replace" is the mode that would back up, delete and write: it must stop before all that.
    with pytest.raises(UserError) as refused:
        package.import_package(store, path, mode="replace", store_path=db)
    message = str(refused.value)
    assert expected in message, message
    assert message.endswith("Rien n'a été importé.")
    for english in (
        "is not",
        "required property",
        "Additional properties",
        "Expecting",
        "does not match",
        "Error",
    ):
        assert english not in message, message  # nothing leaks from jsonschema, json or zipfile
    assert store_fingerprint(db) == before
    assert uids(store) == counts
    assert not backups_dir(db).exists()


@pytest.mark.parametrize("mode", ["new", "copy"])
def test_other_modes_refuse_the_same_way(mode, source, target, tmp_path):
    store, db = target
    for case in ("unknown PNAE action", "checksum mismatch", "payments not summing to 100"):
        build, expected = BAD[case]
        path = tmp_path / "bad.prae"
        path.write_bytes(build(source.members("demo")))
        before = store_fingerprint(db)
        with pytest.raises(UserError, match=re.escape(expected)):
            package.import_package(store, path, mode=mode)
        with pytest.raises(UserError):
            package.inspect_package(path, store)
        assert store_fingerprint(db) == before


def test_a_new_import_of_a_prae_already_there_leaves_the_store_unchanged(source, target):
    store, db = target
    before = store_fingerprint(db)
    with pytest.raises(UserError, match="importer comme copie"):
        package.import_package(store, source.demo_pkg, mode="new", store_path=db)
    assert store_fingerprint(db) == before


def test_a_package_file_above_the_cap_is_refused_unread(target, tmp_path):
    store, db = target
    path = tmp_path / "big.prae"
    with open(path, "wb") as handle:
        handle.truncate(package.MAX_PACKAGE_BYTES + 1)  # sparse: nothing to write
    before = store_fingerprint(db)
    with pytest.raises(UserError, match="fichier trop gros"):
        package.import_package(store, path)
    assert store_fingerprint(db) == before


def test_a_missing_package_file_is_named(target, tmp_path):
    store, _ = target
    with pytest.raises(UserError, match="absent.prae"):
        package.import_package(store, tmp_path / "absent.prae")


def test_counts_of_rows_do_not_move_on_a_late_refusal(source, target, tmp_path):
    """A refusal found while checking the convention (the last member) writes nothing either."""
    store, _ = target
    path = tmp_path / "late.prae"
    members = edited(
        source.members("demo"),
        "convention.json",
        lambda d: d["articles"]["articles"][-1].update(removed=True),
    )
    path.write_bytes(zip_bytes(members))
    with store.transaction() as session:
        before = session.scalar(select(func.count()).select_from(PraeRow))
    with pytest.raises(UserError, match="obligatoire"):
        package.import_package(store, path, mode="copy")
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PraeRow)) == before
