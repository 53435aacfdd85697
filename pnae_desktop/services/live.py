"""Live refresh on a team store (PostgreSQL): each committed change is announced with NOTIFY in
its own transaction, and a listener turns a colleague's announcement into the same `Changed`
notice the local sessions send, so every open view refreshes. Nothing here knows Qt.

- `LiveChannel(store, user_name)` attaches to an open store: it names this client (`client_id`,
  so a client ignores its own announcements), starts a listening thread (psycopg 3's
  `Connection.notifies()` generator on its own autocommit connection) and keeps the sessions
  opened on the store, to hand them the colleagues' notices (`dispatch()`, on the caller's thread).
- `announce()` is called by `PraeSession` inside the edit's transaction: PostgreSQL delivers a
  NOTIFY only when its transaction commits, so a rolled-back edit is never announced.
- SQLite has no NOTIFY: a channel on a SQLite store listens to nothing and announces nothing.
"""

from __future__ import annotations

import json
import queue
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import text

from pnae_desktop.store.database import Store

CHANNEL = "pnae_changes"
MAX_PAYLOAD = 7000  # PostgreSQL refuses NOTIFY payloads of 8000 bytes and more


class Receiver(Protocol):
    """A session (services.session.PraeSession, which imports this module)."""

    store: Store
    prae_id: int

    def receive_remote(self, aspects: frozenset[str], action_ids: frozenset[int] | None) -> None: ...


_PROCESS_ID = uuid.uuid4().hex  # the sender of a store with no channel (a command, a script)
_channels: weakref.WeakKeyDictionary[Store, LiveChannel] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Notice:
    """A colleague's committed change, as announced."""

    client_id: str
    prae_id: int
    aspects: frozenset[str]
    action_ids: frozenset[int] | None  # None: too many to announce, read everything back


def encode(client_id: str, prae_id: int, aspects: frozenset[str], action_ids: frozenset[int]) -> str:
    payload = {"c": client_id, "p": prae_id, "a": sorted(aspects), "i": sorted(action_ids)}
    encoded = json.dumps(payload, separators=(",", ":"))
    if len(encoded) > MAX_PAYLOAD:
        encoded = json.dumps({**payload, "i": None}, separators=(",", ":"))
    return encoded


def decode(payload: str) -> Notice | None:
    """The notice in `payload`, None for anything malformed (never an error in the listener)."""
    try:
        data = json.loads(payload)
        ids = data["i"]
        return Notice(
            str(data["c"]),
            int(data["p"]),
            frozenset(str(a) for a in data["a"]),
            None if ids is None else frozenset(int(i) for i in ids),
        )
    except (ValueError, TypeError, KeyError):
        return None


def announce(store: Store, prae_id: int, aspects: frozenset[str], action_ids: frozenset[int]) -> None:
    """NOTIFY the colleagues, in the current transaction (so only once it commits)."""
    if store.dialect != "postgresql":
        return
    channel = _channels.get(store)  # none for a command or a script: they are announced too
    with store.transaction() as session:
        payload = encode(channel.client_id if channel else _PROCESS_ID, prae_id, aspects, action_ids)
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})


def track(session: Receiver) -> None:
    """Remember a new session, so a colleague's change of its PRAE reaches its subscribers."""
    channel = _channels.get(session.store)
    if channel is not None:
        channel.sessions.add(session)


def channel_of(store: Store) -> LiveChannel | None:
    return _channels.get(store)


def psycopg_conninfo(store: Store) -> str:
    """A psycopg connection string for the store's own URL (its own connection, not the pool's)."""
    from psycopg.conninfo import make_conninfo  # the PostgreSQL driver: only for a team store

    args: dict[str, str | int | None] = store.engine.url.translate_connect_args(database="dbname", username="user")
    args.update({key: str(value) for key, value in store.engine.url.query.items()})
    return make_conninfo("", **args)


class LiveChannel:
    def __init__(self, store: Store, on_notice: Callable[[], None] | None = None, *, listen: bool = True):
        """`on_notice` is called from the listening thread after each colleague's notice is
        queued (the GUI wakes its own thread with it); `dispatch()` then hands them out."""
        self.store = store
        self.client_id = uuid.uuid4().hex
        self.live = store.dialect == "postgresql"
        self.sessions: weakref.WeakSet[Receiver] = weakref.WeakSet()
        self.notices: queue.SimpleQueue[Notice] = queue.SimpleQueue()
        self._on_notice = on_notice
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        _channels[store] = self
        if self.live and listen:
            self._thread = threading.Thread(target=self._listen, name="pnae-live", daemon=True)
            self._thread.start()

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """True once the listener has run LISTEN (tests and the bench wait for it)."""
        return self._ready.wait(timeout)

    def _listen(self) -> None:
        import psycopg  # the PostgreSQL driver: only for a team store

        while not self._stop.is_set():
            try:
                with psycopg.connect(psycopg_conninfo(self.store), autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._ready.set()
                    while not self._stop.is_set():
                        for raw in conn.notifies(timeout=0.5):
                            self._received(raw.payload)
            except psycopg.Error:
                self._stop.wait(2.0)  # the server went away: try again, quietly

    def _received(self, payload: str) -> None:
        notice = decode(payload)
        if notice is None or notice.client_id == self.client_id:
            return
        self.notices.put(notice)
        if self._on_notice is not None:
            self._on_notice()

    def dispatch(self) -> list[Notice]:
        """Hand every queued colleague's notice to the sessions of its PRAE (on this thread)."""
        handed: list[Notice] = []
        while True:
            try:
                notice = self.notices.get_nowait()
            except queue.Empty:
                return handed
            handed.append(notice)
            for session in list(self.sessions):
                if session.prae_id == notice.prae_id:
                    session.receive_remote(notice.aspects, notice.action_ids)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3.0)
            self._thread = None
        if _channels.get(self.store) is self:
            del _channels[self.store]
