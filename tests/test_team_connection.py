"""A team store's pooled connection is not pinged before every edit (one round trip less per
edit, bench/team.py), yet a connection the server dropped never surfaces as an error: an edit
on it is retried on a new connection, and a connection back from a long idle is checked first."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from pnae_desktop.services import demo, praes
from pnae_desktop.services import edits as e
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store import database
from pnae_desktop.store.database import open_store


def drop_connections(url: str) -> int:
    """What a server restart does to the clients' connections."""
    engine = create_engine(url)
    with engine.connect() as con:
        dropped = con.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    engine.dispose()
    return int(dropped or 0)


def test_no_ping_before_an_edit_on_a_live_connection(pg_url, catalogue):
    store = open_store(url=pg_url)
    prae_id = demo.create_demo(store, catalogue)
    session = PraeSession(store, catalogue, prae_id)
    action_id = praes.get_prae(store, prae_id).actions[0].id
    session.apply(e.UpdateAction("Titre", action_id, {"title": "Un"}))
    pings: list[object] = []
    original = store.engine.dialect.do_ping
    store.engine.dialect.do_ping = lambda con: pings.append(con) or original(con)  # type: ignore[method-assign]
    session.apply(e.UpdateAction("Titre", action_id, {"title": "Deux"}))
    assert pings == []
    store.close()


def test_an_edit_after_the_server_dropped_the_connection_is_retried(pg_url, catalogue):
    store = open_store(url=pg_url)
    prae_id = demo.create_demo(store, catalogue)
    session = PraeSession(store, catalogue, prae_id)
    action_id = praes.get_prae(store, prae_id).actions[0].id
    session.apply(e.UpdateAction("Titre", action_id, {"title": "Avant"}))
    assert drop_connections(pg_url) >= 1
    session.apply(e.UpdateAction("Titre", action_id, {"title": "Après"}))  # no error
    assert praes.get_action(store, action_id).title == "Après"
    store.close()


def test_a_connection_back_from_idle_is_checked_before_a_read(pg_url, catalogue, monkeypatch):
    store = open_store(url=pg_url)
    prae_id = demo.create_demo(store, catalogue)
    assert drop_connections(pg_url) >= 1
    monkeypatch.setattr(database, "IDLE_PING_S", 0.0)
    assert praes.get_prae(store, prae_id).summary.id == prae_id  # a read: no retry, the ping saves it
    store.close()
