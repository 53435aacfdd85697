"""Team store benchmark on the local PostgreSQL: the edit round trip a colleague sees.

Run by hand:  PNAE_TEST_PG_URL=postgresql+psycopg://… .venv/bin/python bench/team.py [RUNS]
(the database named there is emptied first). Measures, median and p95 over RUNS edits:
- round trip: one fiche title edit through PraeSession.apply (one transaction: the update, the
  undo record's read, the NOTIFY) on one store, until the other store's listening thread has
  received the notice (a second connection, as on a colleague's post);
- floor: a bare psycopg UPDATE of the same row (autocommit) on its own connection;
- also shown: a bare UPDATE + NOTIFY received by a bare LISTEN connection.
Goal: round trip ≤ 3× the floor and under 20 ms. The three are measured in alternating chunks
of 25 (a machine shared with other work changes speed between phases).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time

from sqlalchemy import create_engine, text

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.services import demo, live, praes
from pnae_desktop.services import edits as e
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import Store, open_store


def reset(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("DROP SCHEMA public CASCADE"))
        con.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def round_trips(first: Store, second: Store, prae_id: int, action_id: int, runs: int) -> list[float]:
    catalogue = shipped_catalogues().default
    received = threading.Event()
    watcher = live.LiveChannel(second, on_notice=received.set)
    editor = live.LiveChannel(first, listen=False)
    assert watcher.wait_ready()
    session = PraeSession(first, catalogue, prae_id)
    samples = []
    for i in range(runs + 10):
        received.clear()
        start = time.perf_counter()
        session.apply(e.UpdateAction("Titre", action_id, {"title": f"Titre {i}"}))
        if not received.wait(5):
            raise SystemExit("no notice received within 5 s")
        if i >= 10:  # warm-up
            samples.append(time.perf_counter() - start)
        watcher.dispatch()
    watcher.close()
    editor.close()
    return samples


def bare_updates(conninfo: str, action_id: int, runs: int, notify: bool) -> list[float]:
    import psycopg

    received = threading.Event()
    ready = threading.Event()
    stop = threading.Event()

    def listen() -> None:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute("LISTEN bench_floor")
            ready.set()
            while not stop.is_set():
                for _ in conn.notifies(timeout=0.2):
                    received.set()

    listener = threading.Thread(target=listen, daemon=True)
    if notify:
        listener.start()
        ready.wait(5)
    samples = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for i in range(runs + 10):
            received.clear()
            start = time.perf_counter()
            if notify:
                with conn.transaction():
                    conn.execute("UPDATE prae_actions SET title = %s WHERE id = %s", (f"Plancher {i}", action_id))
                    conn.execute("SELECT pg_notify('bench_floor', %s)", (str(i),))
                received.wait(5)
            else:
                conn.execute("UPDATE prae_actions SET title = %s WHERE id = %s", (f"Plancher {i}", action_id))
            if i >= 10:
                samples.append(time.perf_counter() - start)
    stop.set()
    return samples


def main() -> int:
    url = os.environ.get("PNAE_TEST_PG_URL")
    if not url:
        print("PNAE_TEST_PG_URL must name a PostgreSQL database (it is emptied)", file=sys.stderr)
        return 2
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    reset(url)
    first, second = open_store(url=url), open_store(url=url)
    prae_id = demo.create_demo(first, shipped_catalogues().default)
    action_id = praes.get_prae(first, prae_id).actions[0].id
    conninfo = live.psycopg_conninfo(first)

    # In alternating chunks: on a shared machine the load moves, and the ratio should compare
    # the round trip with a floor measured under the same load.
    floor: list[float] = []
    notify_floor: list[float] = []
    trips: list[float] = []
    chunk = 25
    for _ in range(max(1, runs // chunk)):
        floor += bare_updates(conninfo, action_id, chunk, notify=False)
        notify_floor += bare_updates(conninfo, action_id, chunk, notify=True)
        trips += round_trips(first, second, prae_id, action_id, chunk)
    first.close()
    second.close()

    (f_med, f_p95), (n_med, n_p95), (t_med, t_p95) = stats(floor), stats(notify_floor), stats(trips)
    print(f"runs: {runs}")
    print(f"floor, bare psycopg UPDATE:                  median {f_med:.2f} ms, p95 {f_p95:.2f} ms")
    print(f"bare UPDATE + NOTIFY received (reference):   median {n_med:.2f} ms, p95 {n_p95:.2f} ms")
    print(f"edit round trip (apply+commit+notify seen):  median {t_med:.2f} ms, p95 {t_p95:.2f} ms")
    ratio = t_med / f_med
    ok = ratio <= 3 and t_med < 20
    print(f"ratio to the floor: {ratio:.1f}× (goal ≤ 3× and < 20 ms): {'OK' if ok else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
