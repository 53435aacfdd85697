"""The FEC mapping names actions by their printed number: reordering, inserting, duplicating
or deleting actions must not send an account's entries to another action. Real demo store, the
shipped demo FEC read with the stored mapping before and after each edit, undo and redo."""

from __future__ import annotations

from pathlib import Path

import pytest

from pnae_desktop.services import demo_followup, praes
from pnae_desktop.services import edits as e
from pnae_desktop.services import followup as service
from pnae_desktop.services.edits_followup import SetMapping
from pnae_desktop.services.realised_import import prepare_fec
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store

FEC = Path(demo_followup.resource(demo_followup.FEC_NAME)).read_bytes()


@pytest.fixture
def session(demo_file, tmp_path, catalogue):
    path = tmp_path / "pnae.sqlite"
    path.write_bytes(demo_file.read_bytes())
    store = open_store(path)
    yield PraeSession(store, catalogue, 1)
    store.close()


def charges_by_action(store) -> dict[int, int]:
    """Action id → cents the demo FEC sends it with the stored mapping."""
    prepared = prepare_fec(store, 1, 2018, FEC)
    assert prepared.ok, prepared.errors
    out: dict[int, int] = {}
    for c in prepared.result.charges:
        out[c.action_id] = out.get(c.action_id, 0) + c.amount_cents
    return out


def ids(store) -> list[int]:
    return [a.id for a in praes.get_prae(store, 1).actions]


def test_reordering_and_inserting_actions_keep_each_account_on_its_action(session):
    store = session.store
    original, mapping = charges_by_action(store), service.load_mapping(store, 1)
    order = ids(store)
    session.apply(e.ReorderActions("Réorganiser", (*order[1:], order[0])))  # action 1 goes last
    assert charges_by_action(store) == original
    moved = {r.pattern: r.action for r in service.load_mapping(store, 1)}
    assert moved["FICHE01"] == len(order) and moved["FICHE02"] == 1
    session.apply(e.AddBlankAction("Nouvelle action", "Action régionale", 0))
    session.apply(e.DuplicateAction("Dupliquer", order[3]))
    assert charges_by_action(store) == original
    for _ in range(3):
        session.undo()
    assert service.load_mapping(store, 1) == mapping
    for _ in range(3):
        session.redo()
    assert charges_by_action(store) == original


def test_deleting_an_action_takes_its_rules_out_and_undo_puts_them_back(session):
    store = session.store
    original, mapping = charges_by_action(store), service.load_mapping(store, 1)
    second = ids(store)[1]
    session.apply(e.DeleteAction("Supprimer", second))
    after = service.load_mapping(store, 1)
    assert [r.pattern for r in after] == [r.pattern for r in mapping if r.pattern != "FICHE02"]
    assert {r.pattern: r.action for r in after}["FICHE03"] == 2  # renumbered with its action
    # Its entries are not sent to the action that took n° 2: the import names them and stops.
    refused = prepare_fec(store, 1, 2018, FEC)
    assert refused.errors and all("« FICHE02 »" in error for error in refused.errors)
    session.undo()
    assert service.load_mapping(store, 1) == mapping and charges_by_action(store) == original


def test_a_pattern_split_with_a_deleted_action_stops_the_import_with_its_name(session):
    store = session.store
    rules = list(service.load_mapping(store, 1))
    first = rules[0]  # FICHE01 → action 1, 100 %: split it 50/50 with action 2
    rules[0] = first.__class__(first.match, first.pattern, 1, first.share / 2, first.funder)
    rules.insert(1, first.__class__(first.match, first.pattern, 2, first.share / 2, first.funder))
    session.apply(SetMapping("Table de correspondance", tuple(rules)))
    session.apply(e.DeleteAction("Supprimer", ids(store)[1]))
    prepared = prepare_fec(store, 1, 2018, FEC)
    assert not prepared.ok
    assert "les parts du motif « FICHE01 » (analytic) totalisent 50.00 % au lieu de 100 %" in prepared.errors[0]
    assert "« Table de correspondance… »" in prepared.errors[0]
