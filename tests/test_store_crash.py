"""Kill test: a process editing a store through the real app is killed (SIGKILL / TerminateProcess)
at a random moment; the store must stay healthy and keep every acknowledged edit.

Rounds: PNAE_KILL_ROUNDS, else 200 when CI=true, else 20. One store is reused across rounds.
On POSIX a fork server (tests/crash_child.py serve) imports the app once and forks one child
per round, so a round costs the random delay plus the checks, not a Python start-up. Elsewhere,
or with PNAE_KILL_MODE=spawn, each round starts a new interpreter (about 1 s per round).
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pnae_desktop.store import integrity
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import OrganisationRow

CHILD = Path(__file__).with_name("crash_child.py")
IN_CI = os.environ.get("CI", "").lower() == "true"
ROUNDS = int(os.environ.get("PNAE_KILL_ROUNDS") or (200 if IN_CI else 20))
DELAY_MS = (5, 80)
LINE_TIMEOUT = 60.0
# PNAE_KILL_MODE=spawn: every round in a freshly started interpreter (as on Windows).
CAN_FORK = (
    hasattr(os, "fork") and hasattr(signal, "SIGKILL") and os.environ.get("PNAE_KILL_MODE", "").lower() != "spawn"
)


class Lines:
    """Lines of a child's stdout, read by a thread so the test never blocks on a dead pipe."""

    def __init__(self, stream):
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next(self, timeout: float = LINE_TIMEOUT) -> str | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output from the child within {timeout} s") from None


def _popen(stderr_path: Path, *args: str) -> subprocess.Popen:
    with stderr_path.open("a", encoding="utf-8") as stderr:  # a file: never fills up, kept
        return subprocess.Popen(
            [sys.executable, str(CHILD), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )


def _seed() -> int:
    """PNAE_KILL_SEED replays a failed run's delays (the seed is in every failure message)."""
    return int(os.environ.get("PNAE_KILL_SEED") or time.time_ns() % 1_000_000_007)


def _context(stderr_path: Path, seed: int, round_no: int) -> str:
    tail = stderr_path.read_text(encoding="utf-8")[-3000:] if stderr_path.exists() else ""
    return f"round {round_no}, PNAE_KILL_SEED={seed}; child stderr:\n{tail}"


def _prepare(db: Path) -> None:
    store = open_store(db)
    try:
        with store.transaction() as session:
            session.add(OrganisationRow(id=1, name="ARML de test", region_code="11"))
    finally:
        store.close()


def _check_round(db: Path, prae_id: int, acked: list[int], recover: bool, context: str) -> None:
    """The store is healthy and holds every acknowledged edit, and nothing torn or invented."""
    # First as `pnae-desktop check` would see it, read-only, before anything recovers the WAL.
    problems = integrity.integrity_check(db)
    assert problems == [], f"{problems} ({context})"
    if recover:
        con = sqlite3.connect(db)  # like the app reopening (its close checkpoints the WAL)
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)], context
    else:
        con = integrity.connect_readonly(db)  # leave the WAL for the next child to recover
    try:
        rows = con.execute(
            "SELECT title, position FROM prae_actions WHERE prae_id = ? ORDER BY position",
            (prae_id,),
        ).fetchall()
    finally:
        con.close()
    present = [int(title.rsplit("-", 1)[1]) for title, _ in rows]
    missing = sorted(set(acked) - set(present))
    assert not missing, f"acknowledged edits lost: {missing} ({context})"
    assert present == list(range(1, len(present) + 1)), f"torn or invented: {present} ({context})"
    assert [position for _, position in rows] == list(range(len(rows))), context
    last_ack = max(acked, default=0)
    # At most one edit committed whose "ack" the kill prevented from being printed.
    assert last_ack <= len(present) <= last_ack + 1, f"{acked=} {present=} ({context})"


def _final_check(db: Path, expected_praes: int) -> None:
    assert integrity.integrity_check(db) == []
    from pnae_desktop.services import praes

    store = open_store(db)
    try:
        summaries = praes.list_praes(store)
        assert len(summaries) == expected_praes
    finally:
        store.close()
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


def _report(label: str, durations: list[float], acks: list[int], seed: int) -> None:
    total = sum(durations)
    print(
        f"\n{label} (PNAE_KILL_SEED={seed}): {len(durations)} rounds in {total:.2f} s "
        f"({1000 * total / max(1, len(durations)):.0f} ms/round), "
        f"{sum(acks)} acknowledged edits ({min(acks, default=0)}-{max(acks, default=0)} per round)"
    )


@pytest.mark.skipif(not CAN_FORK, reason="fork server: POSIX only, not with PNAE_KILL_MODE=spawn")
def test_kill_forked_children(tmp_path):
    db = tmp_path / "pnae.sqlite"
    _prepare(db)
    seed = _seed()
    rng = random.Random(seed)
    stderr_path = tmp_path / "child-stderr.txt"
    server = _popen(stderr_path, "serve", str(db))
    lines = Lines(server.stdout)
    durations, ack_counts = [], []
    try:
        first = lines.next()
        assert first == "server ready", _context(stderr_path, seed, 0)
        for round_no in range(1, ROUNDS + 1):
            started = time.perf_counter()
            server.stdin.write(f"round {round_no}\n")
            server.stdin.flush()
            pid = prae_id = None
            while pid is None or prae_id is None:
                line = lines.next()
                assert line is not None, "server died: " + _context(stderr_path, seed, round_no)
                kind, _, rest = line.partition(" ")
                if kind == "pid":
                    pid = int(rest.split()[1])
                elif kind == "start":
                    prae_id = int(rest.split()[1])
                elif kind == "dead":
                    raise AssertionError("child ended before the kill: " + _context(stderr_path, seed, round_no))
            time.sleep(rng.uniform(*DELAY_MS) / 1000)
            os.kill(pid, signal.SIGKILL)
            acked = []
            while True:
                line = lines.next()
                assert line is not None, "server died: " + _context(stderr_path, seed, round_no)
                kind, _, rest = line.partition(" ")
                if kind == "ack":
                    acked.append(int(rest.split()[1]))
                elif kind == "dead":
                    status = int(rest.split()[1])
                    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                        f"child not killed (status {status}): " + _context(stderr_path, seed, round_no)
                    )
                    break
            context = _context(stderr_path, seed, round_no)
            _check_round(db, prae_id, acked, round_no % 2 == 0, context)
            durations.append(time.perf_counter() - started)
            ack_counts.append(len(acked))
        server.stdin.write("quit\n")
        server.stdin.flush()
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    _report("kill test (fork server)", durations, ack_counts, seed)
    assert sum(ack_counts) > 0, "no edit was ever acknowledged: the kills came too early"
    _final_check(db, ROUNDS)


def test_kill_spawned_child(tmp_path):
    """Same check with a freshly started interpreter per round (how Windows runs it)."""
    db = tmp_path / "pnae.sqlite"
    _prepare(db)
    rounds = ROUNDS if not CAN_FORK else 2
    seed = _seed()
    rng = random.Random(seed)
    stderr_path = tmp_path / "child-stderr.txt"
    durations, ack_counts = [], []
    for round_no in range(1, rounds + 1):
        started = time.perf_counter()
        child = _popen(stderr_path, "run", str(db), str(round_no))
        try:
            lines = Lines(child.stdout)
            line = lines.next()
            assert line is not None and line.startswith("start "), f"{line!r}: " + _context(stderr_path, seed, round_no)
            prae_id = int(line.split()[2])
            time.sleep(rng.uniform(*DELAY_MS) / 1000)
            child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
            child.wait(timeout=30)
            acked = []
            while (line := lines.next()) is not None:
                kind, _, rest = line.partition(" ")
                if kind == "ack":
                    acked.append(int(rest.split()[1]))
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        context = _context(stderr_path, seed, round_no)
        assert child.returncode != 0, "child ended on its own: " + context
        _check_round(db, prae_id, acked, round_no % 2 == 0, context)
        durations.append(time.perf_counter() - started)
        ack_counts.append(len(acked))
    _report("kill test (spawned)", durations, ack_counts, seed)
    _final_check(db, rounds)
