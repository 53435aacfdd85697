"""Fuzzing the import of exchange packages: corrupted bytes, truncated zips, JSON values mutated
at random places (re-zipped with right checksums, so the checks behind the container are
reached), random member names. Every case imports cleanly or raises UserError — never another
exception — and a refused case leaves the store as it was (rows per table, last change).

1 000 cases in CI (CI=true), 150 locally, PNAE_FUZZ_EXAMPLES for a longer hunt."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import time
import warnings
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, NewPrae
from pnae_desktop.errors import UserError
from pnae_desktop.services import budget, convention, drafting, package, praes
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import Base

IN_CI = os.environ.get("CI", "").lower() == "true"
EXAMPLES = int(os.environ.get("PNAE_FUZZ_EXAMPLES") or (1000 if IN_CI else 150))  # the variable: a longer hunt
TABLES = tuple(sorted(Base.metadata.tables))


def small_rich_prae(store, catalogue) -> int:
    """A small PRAE that still has one of everything a package carries."""
    prae_id = praes.create_prae(store, catalogue, NewPrae("11", 2018, 2019, (12,), title="PRAE à fuzzer"))
    praes.add_regional_action(store, prae_id, "Observatoire régional", contexte="Contexte court.")
    a, b = praes.get_prae(store, prae_id).actions
    ml1 = drafting.save_mission_locale(
        store, prae_id, MissionLocale(None, "Mission locale A", "Ville A", "Mme A", "a@x.fr")
    )[0]
    ml2 = drafting.save_mission_locale(store, prae_id, MissionLocale(None, "Mission locale B", "Ville B"))[0]
    drafting.update_action(
        store,
        a.id,
        {
            "pilot": "Claire Dubois",
            "territorial_levels": ("regionale", "nationale"),
            "regional_priority": True,
        },
    )
    drafting.set_objectives(store, catalogue, a.id, {"1.1": None, "2": None})
    budget.set_objective_shares(store, a.id, {"1.1": Decimal(60), "2": Decimal(40)})
    drafting.set_objectives(store, catalogue, b.id, {"4.1": None})
    drafting.set_indicators(
        store,
        a.id,
        [
            Indicator(
                "Taux de jeunes suivis",
                "pourcentage",
                "imilo",
                Decimal(50),
                2017,
                ((2018, Decimal(55)), (2019, Decimal("60.5"))),
            ),
            Indicator(
                "Jours de formation",
                "jours",
                "arml",
                None,
                None,
                ((2018, Decimal(3)),),
                "À confirmer",
            ),
        ],
    )
    drafting.set_indicators(
        store,
        b.id,
        [Indicator("Tableaux de bord", "nombre", "arml", None, None, ((2019, Decimal(4)),))],
    )
    drafting.set_milestones(
        store,
        a.id,
        [
            Milestone(2018, "Lancement", quarter=1),
            Milestone(2019, "Bilan", day=date(2019, 12, 1)),
            Milestone(2019, "Toute l'année"),
        ],
    )
    drafting.set_milestones(store, b.id, [Milestone(2018, "Premier tableau", quarter=4)])
    drafting.set_action_missions_locales(store, a.id, [ml1, ml2])
    drafting.set_action_missions_locales(store, b.id, [ml2])
    cells = []
    for year in (2018, 2019):
        cells += [
            budget.ChargeCell(
                a.id,
                "64",
                "Chargée de mission",
                year,
                budget.ChargeValue(etp=Decimal("0.5"), annual_cost_cents=52_000_00),
            ),
            budget.ChargeCell(a.id, "62", "Déplacements", year, budget.ChargeValue(amount_cents=1_234_56)),
            budget.ChargeCell(b.id, "60", "Fournitures", year, budget.ChargeValue(amount_cents=500_00)),
        ]
    budget.set_charge_cells(store, cells)
    budget.set_structural_cells(
        store,
        prae_id,
        [
            budget.StructuralCell("Siège", 2018, 10_000_00),
            budget.StructuralCell("Siège", 2019, 12_000_00),
        ],
    )
    budget.set_allocation_key(store, prae_id, 2018, "manual", {a.id: Decimal(70), b.id: Decimal(30)})
    budget.set_allocation_key(store, prae_id, 2019, "etp")
    funders = {f.kind: f.id for f in budget.load_budget(store, prae_id).funders}
    budget.set_financing_cells(
        store,
        [
            budget.FinancingCell(a.id, funders["etat"], 2018, 30_000_00, "acquis"),
            budget.FinancingCell(a.id, funders["region"], 2019, 20_000_00),
            budget.FinancingCell(b.id, funders["fonds_europeens"], 2018, 5_000_00, "a_solliciter"),
        ],
    )
    convention.fill_demo(store, prae_id, catalogue)
    settings_ = convention.get_settings(store, prae_id, catalogue)
    convention.save_settings(
        store,
        prae_id,
        catalogue,
        replace(
            settings_,
            payments=(
                cv.PaymentSchedule(
                    "state",
                    2018,
                    (
                        cv.Instalment("Avance", 50, "à la notification"),
                        cv.Instalment("Solde", 50, "au bilan"),
                    ),
                ),
                cv.PaymentSchedule(
                    f"financeur_{funders['fonds_europeens']}",
                    2018,
                    (cv.Instalment("Unique", 100, "au bilan"),),
                ),
            ),
        ),
    )
    state = cv.add_article(convention.get_state(store, prae_id), "Clause régionale", "Voir {ref:objet}.", 2)
    convention.save_state(store, prae_id, catalogue, cv.remove_article(state, "autres_engagements"))
    return prae_id


def json_paths(node, path=()):
    """Every place in a JSON document (the root included)."""
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += json_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += json_paths(value, (*path, i))
    return out


def dumps(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def zip_bytes(items) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")
        for name, data in items:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


class World:
    def __init__(self, store, folder, members: dict[str, bytes]):
        self.store, self.folder = store, folder
        self.members = members
        self.documents = {name: json.loads(data) for name, data in members.items()}
        self.paths = {name: json_paths(doc) for name, doc in self.documents.items()}
        self.package = zip_bytes(members.items())
        self.file = folder / "case.prae"
        self.outcomes: dict[str, int] = {}
        self.started = time.perf_counter()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    catalogue = shipped_catalogues().default
    folder = tmp_path_factory.mktemp("fuzz")
    source = open_store(folder / "source.sqlite")
    prae_id = small_rich_prae(source, catalogue)
    out = package.export_package(source, prae_id, folder / "source.prae", app_version="fuzz")
    source.close()
    with zipfile.ZipFile(out) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    store = open_store(folder / "target.sqlite")  # one store for every case
    package.import_package(store, out)  # holds the PRAE: "new" meets an existing uid
    w = World(store, folder, members)
    yield w
    store.close()
    elapsed = time.perf_counter() - w.started
    print(f"\nfuzz: {sum(w.outcomes.values())} cases in {elapsed:.1f} s — {w.outcomes}")


def fingerprint(store) -> tuple:
    """Rows per table and the last change: cheap, and moves on any write."""
    counts = ", ".join(f"(SELECT count(*) FROM {t})" for t in TABLES)
    with store.engine.connect() as con:
        return tuple(con.execute(text(f"SELECT {counts}, (SELECT max(updated_at) FROM praes)")).one())


# -- the cases ----------------------------------------------------------------------------------

TRICKY = [
    "",
    "0",
    "-1",
    "1.5",
    "12.345",
    "2019",
    "2019-02-30",
    "2019-06-15",
    "1e5",
    "100",
    "100.00",
    "-5.00",
    "99999999999.99",
    "manual",
    "etat",
    "banque",
    "nombre",
    "pourcentage",
    "1.1",
    "9.9",
    "state",
    "region",
    "financeur#0",
    "financeur#99",
    "financeur_1",
    "perso_1",
    "{inconnu}",
    "{table:payment_schedule}",
    "brouillon",
    "64",
    "99",
    "cpo-arml-2018",
    "pnae-2018-2020",
    "11",
    "\x00",
    "\ud800",
    "x" * 600,
    " ",
    "00000000-0000-4000-8000-000000000000",
]
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.integers(1990, 2110),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(TRICKY),
)
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
MEMBER_NAMES = [
    *package.ALL_MEMBERS,
    "../prae.json",
    "/prae.json",
    "C:prae.json",
    "a\\b.json",
    "x/prae.json",
    "PRAE.JSON",
    "prae.json ",
    "manifest.json/",
    ".",
    "..",
    "notes.txt",
]

cases = st.one_of(
    st.tuples(st.just("intact"), st.none()),
    st.tuples(
        st.just("corrupt"),
        st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=8),
    ),
    st.tuples(st.just("truncate"), st.integers(0, 10**9)),
    st.tuples(
        st.just("mutate"),
        st.tuples(
            st.sampled_from(package.ALL_MEMBERS),
            st.integers(0, 10**9),
            st.sampled_from(["replace", "replace", "replace", "delete", "duplicate", "add_key"]),
            values,
        ),
    ),
    # A value of the same JSON type as the one it replaces: gets past the schema, into the domain checks.
    st.tuples(
        st.just("plausible"),
        st.tuples(
            st.sampled_from(package.MEMBERS),
            st.integers(0, 10**9),
            st.one_of(st.integers(-2, 5), st.integers(1995, 2105), st.sampled_from([99, 999, 10**12])),
            st.one_of(
                st.sampled_from(TRICKY),
                st.text(max_size=6),
                st.decimals(0, 10**6, places=2).map(str),
            ),
            st.booleans(),
        ),
    ),
    st.tuples(
        st.just("mutate_twice"),
        st.lists(
            st.tuples(st.sampled_from(package.MEMBERS), st.integers(0, 10**9), st.just("replace"), values),
            min_size=2,
            max_size=2,
        ),
    ),
    st.tuples(
        st.just("names"),
        st.lists(
            st.one_of(st.sampled_from(MEMBER_NAMES), st.text(min_size=1, max_size=12)),
            min_size=1,
            max_size=8,
        ),
    ),
)


def mutate(document, paths, index: int, op: str, value):
    path = paths[index % len(paths)]
    if not path:  # the root
        return value if op == "replace" else document
    parent = document
    try:  # a second edit may find the first one changed the way
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        parent[last]
    except (KeyError, IndexError, TypeError):
        return document
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif op == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    elif op == "add_key" and isinstance(parent[last], dict):
        parent[last]["champ_en_trop" if not isinstance(value, str) or not value else value] = value
    return document


def build(world: World, kind: str, data) -> bytes:
    if kind == "intact":
        return world.package
    if kind == "corrupt":
        out = bytearray(world.package)
        for at, byte in data:
            out[at % len(out)] = byte
        return bytes(out)
    if kind == "truncate":
        return world.package[: data % len(world.package)]
    if kind == "names":
        contents = list(world.members.values())
        return zip_bytes((name, contents[i % len(contents)]) for i, name in enumerate(data))
    if kind == "plausible":
        name, index, number, string, flag = data
        document = world.documents[name]
        path = world.paths[name][index % len(world.paths[name])]
        node = document
        for key in path:
            node = node[key]
        value = {bool: flag, int: number, str: string}.get(type(node), string if index % 2 else number)
        data = (name, index, "replace", value)
    edits = [data] if kind in ("mutate", "plausible") else data
    documents = {name: copy.deepcopy(doc) for name, doc in world.documents.items()}
    for name, index, op, value in edits:
        documents[name] = mutate(documents[name], world.paths[name], index, op, copy.deepcopy(value))
    members = {}
    for name, document in documents.items():
        try:
            members[name] = dumps(document)
        except UnicodeEncodeError:  # a lone surrogate: write it escaped, as another tool might
            members[name] = json.dumps(document, sort_keys=True).encode("ascii")
    if kind == "mutate" and data[0] == package.MANIFEST:
        return zip_bytes(members.items())
    manifest = json.loads(members[package.MANIFEST])
    manifest["members"] = {name: hashlib.sha256(members[name]).hexdigest() for name in package.MEMBERS}
    members[package.MANIFEST] = dumps(manifest)
    return zip_bytes(members.items())


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=IN_CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=cases, mode=st.sampled_from(["new", "copy", "replace"]))
def test_any_package_imports_cleanly_or_is_refused_leaving_the_store_unchanged(world, case, mode):
    kind, data = case
    world.file.write_bytes(build(world, kind, data))
    before = fingerprint(world.store)
    try:
        package.import_package(world.store, world.file, mode=mode)
    except UserError as exc:
        message = str(exc)
        assert message.strip(), "a refusal says why"
        # A refusal from the database itself would mean a check is missing before it.
        assert "base de données a refusé" not in message, message
        assert fingerprint(world.store) == before, message
        outcome = f"{kind}: refusé"
        if os.environ.get("FUZZ_DEBUG"):
            print(kind, mode, "->", message[:160])
    else:
        outcome = f"{kind}: importé"
    world.outcomes[outcome] = world.outcomes.get(outcome, 0) + 1


def test_the_intact_package_imports_in_every_mode(world):
    world.file.write_bytes(world.package)
    for mode in ("copy", "replace"):
        assert package.import_package(world.store, world.file, mode=mode) > 0
    with pytest.raises(UserError, match="copie"):
        package.import_package(world.store, world.file, mode="new")
