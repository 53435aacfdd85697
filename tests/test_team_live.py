"""Live refresh and presence on a team store, without Qt, on a real PostgreSQL: a committed edit
of one client reaches the other client's session as a `Changed` notice (never its own, never a
rolled-back one); heartbeats say who works where and are forgotten after 30 s. On SQLite
nothing is announced and nothing breaks."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

from pnae_desktop import faults
from pnae_desktop.services import demo, live, praes, presence
from pnae_desktop.services import edits as e
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store


def wait_for(predicate, seconds: float = 5.0) -> bool:
    """Poll `predicate` (dispatching on this thread is the caller's job), up to `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def two_clients(pg_url, catalogue):
    first = open_store(url=pg_url)
    prae_id = demo.create_demo(first, catalogue)
    second = open_store(url=pg_url)
    channels = [live.LiveChannel(first), live.LiveChannel(second)]
    assert all(c.wait_ready() for c in channels)
    yield first, second, prae_id, channels
    for channel in channels:
        channel.close()
    first.close()
    second.close()


def test_a_colleagues_edit_reaches_the_other_session_and_not_its_own(two_clients, catalogue):
    first, second, prae_id, (mine, theirs) = two_clients
    editing = PraeSession(first, catalogue, prae_id)
    watching = PraeSession(second, catalogue, prae_id)
    seen_here, seen_there = [], []
    editing.subscribe(seen_here.append)
    watching.subscribe(seen_there.append)
    action_id = praes.get_prae(first, prae_id).actions[1].id

    editing.apply(e.UpdateAction("Titre", action_id, {"title": "Titre changé par Marie"}))

    assert wait_for(lambda: bool(theirs.dispatch()) or bool(seen_there))
    assert [c.kind for c in seen_there] == ["remote"]
    assert seen_there[0].action_ids == frozenset({action_id})
    assert e.ACTIONS in seen_there[0].aspects
    assert praes.get_action(second, action_id).title == "Titre changé par Marie"
    time.sleep(0.3)
    assert mine.dispatch() == []  # its own announcement is ignored
    assert [c.kind for c in seen_here] == ["edit"]


def test_an_edit_by_a_command_or_a_script_is_announced_too(two_clients, catalogue, pg_url):
    _first, second, prae_id, (_mine, theirs) = two_clients
    script = open_store(url=pg_url)  # no channel: as `import-budget` or the scripting API
    try:
        watching = PraeSession(second, catalogue, prae_id)
        seen: list = []
        watching.subscribe(seen.append)
        action_id = praes.get_prae(script, prae_id).actions[0].id
        PraeSession(script, catalogue, prae_id).apply(e.UpdateAction("Pilote", action_id, {"pilot": "Script"}))
        assert wait_for(lambda: (theirs.dispatch(), bool(seen))[1])
        assert seen[0].kind == "remote" and seen[0].action_ids == frozenset({action_id})
    finally:
        script.close()


def test_a_rolled_back_edit_is_never_announced(two_clients, catalogue):
    first, second, prae_id, (_mine, theirs) = two_clients
    editing = PraeSession(first, catalogue, prae_id)
    action_id = praes.get_prae(first, prae_id).actions[0].id
    previous = faults.arm("session.before_commit")  # after the NOTIFY, before the commit
    try:
        with pytest.raises(faults.FaultInjected):
            editing.apply(e.UpdateAction("Titre", action_id, {"title": "Jamais écrit"}))
    finally:
        faults.arm_dict(previous)
    editing.apply(e.UpdateAction("Titre", action_id, {"title": "Écrit"}))
    notices: list = []
    assert wait_for(lambda: bool(notices.extend(theirs.dispatch()) or notices))
    time.sleep(0.3)
    notices.extend(theirs.dispatch())
    assert len(notices) == 1  # the rolled-back edit said nothing


def test_undo_is_announced_too(two_clients, catalogue):
    first, second, prae_id, (_mine, theirs) = two_clients
    editing = PraeSession(first, catalogue, prae_id)
    watching = PraeSession(second, catalogue, prae_id)
    seen: list = []
    watching.subscribe(seen.append)
    action_id = praes.get_prae(first, prae_id).actions[0].id
    editing.apply(e.UpdateAction("Titre", action_id, {"pilot": "Marie"}))
    editing.undo()
    assert wait_for(lambda: (theirs.dispatch(), len(seen) == 2)[1])
    assert [c.kind for c in seen] == ["remote", "remote"]


def test_payload_round_trip_and_malformed_payloads_are_ignored():
    payload = live.encode("abc", 3, frozenset({"budget"}), frozenset({4, 5}))
    assert live.decode(payload) == live.Notice("abc", 3, frozenset({"budget"}), frozenset({4, 5}))
    huge = live.encode("abc", 3, frozenset({"actions"}), frozenset(range(5000)))
    assert len(huge) < live.MAX_PAYLOAD and live.decode(huge).action_ids is None
    for bad in ("", "{", "[]", '{"c": 1}', '{"c":"x","p":"trois","a":[],"i":[]}'):
        assert live.decode(bad) is None


def test_presence_lists_colleagues_seen_in_the_last_30_seconds(pg_url, catalogue):
    store = open_store(url=pg_url)
    try:
        prae_id = demo.create_demo(store, catalogue)
        now = datetime.now(timezone.utc)
        presence.beat(store, "moi", "Moi", prae_id, "la fiche 1", now=now)
        presence.beat(store, "marie", "Marie", prae_id, "la fiche 5", now=now - timedelta(seconds=5))
        presence.beat(store, "paul", "Paul", prae_id, "le budget", now=now - timedelta(seconds=31))
        people = presence.others(store, "moi", prae_id, now=now)
        assert presence.status_line(people) == "Marie modifie la fiche 5"
        presence.beat(store, "marie", "Marie", prae_id, "la convention", now=now)  # the same row, refreshed
        assert presence.status_line(presence.others(store, "moi", now=now)) == "Marie modifie la convention"
        presence.leave(store, "marie")
        assert presence.others(store, "moi", now=now) == []
    finally:
        store.close()


def test_on_sqlite_nothing_is_announced_and_edits_work(tmp_path, catalogue):
    store = open_store(tmp_path / "pnae.sqlite")
    try:
        prae_id = demo.create_demo(store, catalogue)
        channel = live.LiveChannel(store)
        assert not channel.live
        session = PraeSession(store, catalogue, prae_id)
        action_id = praes.get_prae(store, prae_id).actions[0].id
        session.apply(e.UpdateAction("Titre", action_id, {"title": "Sans équipe"}))
        assert praes.get_action(store, action_id).title == "Sans équipe"
        assert channel.dispatch() == []
        channel.close()
    finally:
        store.close()


def test_a_colleagues_notice_neither_makes_a_false_conflict_nor_hides_a_real_one(two_clients, catalogue):
    """The notice only tells the views to read again; what the user saw (the session's baseline)
    moves when a page re-reads (rebase), never on the notice itself."""
    from decimal import Decimal

    from pnae_desktop.domain import followup as fu
    from pnae_desktop.errors import ConflictError
    from pnae_desktop.services import edits_followup as fe

    first, second, prae_id, (_mine, theirs) = two_clients
    marie = PraeSession(first, catalogue, prae_id)
    paul = PraeSession(second, catalogue, prae_id)
    received: list = []
    paul.subscribe(received.append)
    prae = praes.get_prae(first, prae_id)
    year, action_ids = prae.summary.start_year, [a.id for a in prae.actions]

    marie.apply(e.UpdateAction("Titre", action_ids[0], {"title": "Titre de Marie"}))
    marie.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(action_ids[0], 0, year, Decimal("7"))))
    assert wait_for(lambda: bool(theirs.dispatch()) and len(received) >= 2 or len(received) >= 2)
    assert {c.kind for c in received} == {"remote"}

    # Paul's pages were not read again: other cells are no conflict…
    paul.apply(e.UpdateAction("Pilote", action_ids[0], {"pilot": "Paul"}))
    paul.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(action_ids[1], 0, year, Decimal("9"))))
    # …and the very cells Marie changed are, with both values.
    with pytest.raises(ConflictError) as title:
        paul.apply(e.UpdateAction("Titre", action_ids[0], {"title": "Titre de Paul"}))
    assert (title.value.theirs, title.value.mine) == ({"title": "Titre de Marie"}, {"title": "Titre de Paul"})
    with pytest.raises(ConflictError) as value:
        paul.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(action_ids[0], 0, year, Decimal("8"))))
    assert value.value.theirs == {"value": Decimal("7")} and value.value.mine["value"] == Decimal("8")

    # Once the page re-reads (rebase of its aspects, as the pages do before reading), Paul's
    # edit is on top of Marie's value: no conflict.
    paul.rebase({e.ACTIONS, e.FOLLOWUP})
    paul.apply(e.UpdateAction("Titre", action_ids[0], {"title": "Titre de Paul"}))
    paul.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(action_ids[0], 0, year, Decimal("8"))))
    assert praes.get_action(first, action_ids[0]).title == "Titre de Paul"
