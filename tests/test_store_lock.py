"""One writer per store: the OS-level lock, with real second processes."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from pnae_desktop.errors import StoreError
from pnae_desktop.store.lock import (
    WriterLock,
    acquire_writer_lock,
    lock_holder,
    lock_holder_description,
    lock_path,
    read_only_message,
)

HOLDER = """
import sys
from pnae_desktop.store.lock import acquire_writer_lock
lock = acquire_writer_lock(sys.argv[1])
print("held" if lock else "refused", flush=True)
sys.stdin.read()  # hold until the parent closes our stdin (or kills us)
"""


def _holder(store: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline().strip()
    assert line == "held", proc.stderr.read() if proc.poll() is not None else line
    return proc


def _acquire_within(store: Path, seconds: float = 10.0) -> WriterLock | None:
    """The OS releases a dead process's locks at once on Linux, "soon" on Windows."""
    deadline = time.monotonic() + seconds
    while True:
        lock = acquire_writer_lock(store)
        if lock is not None or time.monotonic() > deadline:
            return lock
        time.sleep(0.05)


@pytest.fixture
def store(tmp_path) -> Path:
    return tmp_path / "pnae.sqlite"


def test_lock_file_beside_the_store_records_the_holder(store):
    lock = acquire_writer_lock(store)
    try:
        assert lock is not None and lock.held
        assert lock_path(store) == store.with_name("pnae.sqlite.lock") == lock.path
        info = json.loads(lock_path(store).read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()
        assert info["host"] == socket.gethostname()
        assert info["user"] == getpass.getuser()
        assert info["started_at"].endswith("+00:00")
        assert not store.exists(), "taking the lock does not create the store"
    finally:
        lock.release()
    assert not lock.held
    lock.release()  # idempotent


def test_one_writer_per_store_within_a_process(store):
    first = acquire_writer_lock(store)
    assert acquire_writer_lock(store) is None
    first.release()
    with acquire_writer_lock(store) as again:
        assert again is not None
    last = acquire_writer_lock(store)  # the with block released it
    assert last is not None
    last.release()


def test_other_stores_are_independent(tmp_path):
    a = acquire_writer_lock(tmp_path / "a.sqlite")
    b = acquire_writer_lock(tmp_path / "b.sqlite")
    try:
        assert a is not None and b is not None
    finally:
        a.release()
        b.release()


def test_second_process_is_refused_and_told_who_holds_the_lock(store):
    proc = _holder(store)
    try:
        assert acquire_writer_lock(store) is None
        holder = lock_holder(store)
        assert holder.pid == proc.pid
        description = lock_holder_description(store)
        expected = f"ouvert par {getpass.getuser()} sur {socket.gethostname()} depuis le "
        assert description.startswith(expected)
        assert " à " in description
        message = read_only_message(store)
        assert str(store) in message and "lecture seule" in message
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    # The holder ended normally: the store is free again.
    lock = acquire_writer_lock(store)
    assert lock is not None
    lock.release()


def test_a_second_process_sees_our_lock(store):
    with acquire_writer_lock(store):
        proc = subprocess.run(
            [sys.executable, "-c", HOLDER, str(store)],
            input="",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.stdout.strip() == "refused", proc.stderr


def test_a_killed_holder_leaves_a_stale_file_that_does_not_block(store):
    proc = _holder(store)
    assert acquire_writer_lock(store) is None
    proc.kill()  # SIGKILL / TerminateProcess: no clean-up code runs
    proc.wait(timeout=30)
    proc.stdin.close()
    assert lock_path(store).exists()
    assert lock_holder(store).pid == proc.pid, "the stale file still names the dead process"
    lock = _acquire_within(store)
    try:
        assert lock is not None
        assert lock_holder(store).pid == os.getpid()
        assert json.loads(lock_path(store).read_text(encoding="utf-8"))["pid"] == os.getpid()
    finally:
        lock.release()


def test_the_lock_is_not_inherited_by_child_processes(store):
    lock = acquire_writer_lock(store)
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE,
        close_fds=False,
    )
    try:
        lock.release()
        # Were the handle inherited, the sleeping child would still hold the lock.
        other = _holder(store)
        other.stdin.close()
        other.wait(timeout=30)
    finally:
        child.stdin.close()
        child.wait(timeout=30)


def test_holder_description_with_an_unreadable_lock_file(store):
    lock_path(store).write_bytes(b"\x00garbage")
    assert lock_holder(store) is None
    assert lock_holder_description(store) == "ouvert dans une autre fenêtre de PNAE Desktop"
    lock = acquire_writer_lock(store)
    try:
        assert lock is not None, "a garbage lock file does not block either"
        assert lock_holder(store).pid == os.getpid()
    finally:
        lock.release()


def test_a_longer_previous_holder_record_is_fully_replaced(store):
    lock_path(store).write_text(json.dumps({"pid": 1, "user": "x" * 5000}), encoding="utf-8")
    with acquire_writer_lock(store):
        info = json.loads(lock_path(store).read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_read_only_folder_is_reported_in_french(tmp_path):
    if os.geteuid() == 0:  # root ignores permissions: the same check as an unprivileged user
        from test_store_opening import run_python_unprivileged

        shared = Path(tempfile.mkdtemp(prefix="pnae-lock-"))
        shared.chmod(0o755)
        folder = shared / "lecture-seule"
        folder.mkdir(mode=0o555)
        folder.chmod(0o555)
        try:
            code = (
                "from pathlib import Path\n"
                "from pnae_desktop.errors import StoreError\n"
                "from pnae_desktop.store.lock import acquire_writer_lock\n"
                f"try:\n    acquire_writer_lock(Path({str(folder / 'pnae.sqlite')!r}))\n"
                "except StoreError as exc:\n    print(exc)\n"
            )
            message = run_python_unprivileged(code, shared).stdout
        finally:
            folder.chmod(0o755)
            shutil.rmtree(shared, ignore_errors=True)
        assert "Impossible de créer le verrou" in message
        assert str(folder / "pnae.sqlite") in message
        return
    folder = tmp_path / "lecture-seule"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(StoreError, match="Impossible de créer le verrou") as err:
            acquire_writer_lock(folder / "pnae.sqlite")
        assert str(folder / "pnae.sqlite") in str(err.value)
    finally:
        folder.chmod(0o755)


def test_lock_file_that_cannot_be_created_is_reported_in_french(tmp_path):
    not_a_folder = tmp_path / "fichier"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="Impossible de créer le verrou") as err:
        acquire_writer_lock(not_a_folder / "pnae.sqlite")
    assert str(not_a_folder / "pnae.sqlite") in str(err.value)


# -- finding 9 (issue 13): the lock never follows a link; finding 12: it is private -----------

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks, hard links and modes")


@POSIX
def test_a_symlink_in_the_locks_place_is_refused_and_its_target_untouched(store, tmp_path):
    target = tmp_path / "precieux.txt"
    target.write_text("données à garder\n", encoding="utf-8")
    lock_path(store).symlink_to(target)
    with pytest.raises(StoreError, match="est un lien symbolique : PNAE Desktop refuse de le suivre"):
        acquire_writer_lock(store)
    assert target.read_text(encoding="utf-8") == "données à garder\n"


@POSIX
def test_a_dangling_symlink_is_refused_and_creates_nothing(store, tmp_path):
    target = tmp_path / "ailleurs.txt"
    lock_path(store).symlink_to(target)
    with pytest.raises(StoreError, match="lien symbolique"):
        acquire_writer_lock(store)
    assert not target.exists()


@POSIX
def test_a_hard_link_in_the_locks_place_is_refused(store, tmp_path):
    target = tmp_path / "precieux.txt"
    target.write_text("données à garder\n", encoding="utf-8")
    os.link(target, lock_path(store))
    with pytest.raises(StoreError, match="n'est pas un fichier ordinaire"):
        acquire_writer_lock(store)
    assert target.read_text(encoding="utf-8") == "données à garder\n"


@POSIX
def test_lock_holder_does_not_read_through_a_symlink(store, tmp_path):
    target = tmp_path / "autre.lock"
    target.write_text('{"pid": 1, "host": "h", "user": "u"}', encoding="utf-8")
    lock_path(store).symlink_to(target)
    assert lock_holder(store) is None


@POSIX
def test_lock_file_is_private_whatever_the_umask(store):
    previous = os.umask(0o022)
    try:
        lock = acquire_writer_lock(store)
        assert lock is not None
        lock.release()
        assert lock_path(store).stat().st_mode & 0o777 == 0o600
        lock_path(store).chmod(0o644)  # left by an older version
        again = acquire_writer_lock(store)
        assert again is not None
        again.release()
        assert lock_path(store).stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(previous)
