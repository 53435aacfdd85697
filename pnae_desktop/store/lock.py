"""One writer per store: an OS-level lock on "<store name>.lock" beside the store.

The lock is held through an open file handle (`flock` on POSIX, `msvcrt.locking` on Windows),
so the operating system releases it when the process ends, however it ends: a lock file left
behind by a killed process never blocks anyone. The file also records who holds the lock
(pid, host, user, start time) for the message shown to the other instance, which then opens
the store read-only.

Standard library only. The handle is not inherited by child processes.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pnae_desktop.errors import StoreError

# Windows locks byte ranges and refuses reads of a locked range: lock one byte far beyond the
# holder's details so other processes can still read them. (POSIX `flock` locks the whole file
# without blocking reads.)
_WINDOWS_LOCK_OFFSET = 1 << 30

_held: dict[Path, WriterLock] = {}
_held_guard = threading.Lock()


def lock_path(store_path: Path | str) -> Path:
    store = Path(store_path).expanduser()
    return store.with_name(store.name + ".lock")


@dataclass(frozen=True)
class LockHolder:
    pid: int | None
    host: str
    user: str
    started_at: datetime | None  # UTC

    def describe(self) -> str:
        """ "ouvert par <user> sur <host> depuis <time>" (local time)."""
        user = self.user or "un utilisateur inconnu"
        host = self.host or "un poste inconnu"
        text = f"ouvert par {user} sur {host}"
        if self.started_at is not None:
            local = self.started_at.astimezone()
            text += f" depuis le {local.strftime('%d/%m/%Y')} à {local.strftime('%H:%M')}"
        return text


def _current_user() -> str:
    # getpass.getuser() reads these first; importing getpass (termios…) is left to the rare case.
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(name):
            return os.environ[name]
    # start-up: only when the lock is taken
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - getuser raises various errors without a login name
        return ""


def _host_name() -> str:
    """This computer's name, for the message only (not `socket`: its import slows start-up)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    return os.environ.get("COMPUTERNAME", "")


def _me() -> LockHolder:
    return LockHolder(
        pid=os.getpid(),
        host=_host_name(),
        user=_current_user(),
        started_at=datetime.now(timezone.utc).replace(microsecond=0),
    )


def _encode(holder: LockHolder) -> bytes:
    return (
        json.dumps(
            {
                "app": "PNAE Desktop",
                "pid": holder.pid,
                "host": holder.host,
                "user": holder.user,
                "started_at": holder.started_at.isoformat() if holder.started_at else None,
            },
            ensure_ascii=False,
        )
        + "\n"
    ).encode("utf-8")


def _decode(data: bytes) -> LockHolder | None:
    try:
        raw = json.loads(data.decode("utf-8"))
        started = raw.get("started_at")
        started_at = datetime.fromisoformat(started) if started else None
        if started_at is not None and started_at.tzinfo is None:
            started_at = started_at.replace(tzinfo=timezone.utc)
        pid = raw.get("pid")
        return LockHolder(
            pid=pid if isinstance(pid, int) else None,
            host=str(raw.get("host") or ""),
            user=str(raw.get("user") or ""),
            started_at=started_at,
        )
    except (ValueError, AttributeError, TypeError):
        return None


if sys.platform == "win32":  # not os.name: mypy knows sys.platform branches
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class WriterLock:
    """The right to write a store, held until `release()` or the end of the process."""

    def __init__(self, store_path: Path, path: Path, fd: int, holder: LockHolder):
        self.store_path = store_path
        self.path = path
        self.holder = holder
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Give up the lock (the lock file stays; it is harmless once unlocked)."""
        with _held_guard:
            fd, self._fd = self._fd, None
            if _held.get(self.path) is self:
                del _held[self.path]
        if fd is None:
            return
        try:
            _unlock(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"WriterLock({str(self.path)!r}, held={self.held})"


# No symlink following (POSIX): a link in the lock's place is refused, never written through.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# The errno of an open(O_NOFOLLOW) on a symlink: ELOOP (Linux, macOS), EMLINK (FreeBSD).
_SYMLINK_ERRNOS = (errno.ELOOP, errno.EMLINK)


def _symlink_refusal(store: Path, path: Path) -> StoreError:
    return StoreError(
        f"Le verrou « {path} » de « {store} » est un lien symbolique : PNAE Desktop refuse de le "
        "suivre (il écraserait le fichier visé). Supprimez ce lien ; le fichier ne pourra être ouvert "
        "qu'en lecture seule d'ici là."
    )


def _open_lock_file(store: Path, path: Path) -> int:
    """Open (creating it 0600 if needed) the lock file itself, never what a link points to;
    refuse anything but a plain file with a single name. Raises StoreError in French."""
    if path.is_symlink():  # also checked by O_NOFOLLOW below, atomically, where it exists
        raise _symlink_refusal(store, path)
    flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno in _SYMLINK_ERRNOS and path.is_symlink():
            raise _symlink_refusal(store, path) from None
        raise StoreError(
            f"Impossible de créer le verrou « {path} » pour « {store} » : {exc.strerror or exc}. "
            "Le fichier ne pourra être ouvert qu'en lecture seule."
        ) from None
    if os.name == "posix":
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            os.close(fd)
            raise StoreError(
                f"Le verrou « {path} » de « {store} » n'est pas un fichier ordinaire (lien ou fichier "
                "spécial) : PNAE Desktop refuse d'y écrire. Supprimez-le ; le fichier ne pourra être "
                "ouvert qu'en lecture seule d'ici là."
            )
        try:
            os.fchmod(fd, 0o600)  # private whatever the umask, also for a lock file left by an older version
        except OSError:
            pass  # another user's file: still usable for the lock itself
    return fd


def acquire_writer_lock(store_path: Path | str) -> WriterLock | None:
    """Take the writer lock of `store_path`, or return None if another holder has it (another
    process, or another WriterLock of this process).

    Raises StoreError when the lock file cannot be created (e.g. a read-only folder): the store
    cannot be written there either, so open it read-only.
    """
    store = Path(store_path).expanduser()
    path = lock_path(store)
    key = path.resolve()
    fd = _open_lock_file(store, path)
    try:
        if not _try_lock(fd):
            os.close(fd)
            return None
        holder = _me()
        data = _encode(holder)
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        # No fsync: the holder's details only word the other instance's message, and a crash
        # loses the lock with them; a sync waits for the disk (or the share) at every start.
        os.write(fd, data)
    except OSError as exc:
        os.close(fd)
        raise StoreError(
            f"Impossible de poser le verrou « {path} » pour « {store} » : {exc.strerror or exc}."
        ) from None
    lock = WriterLock(store, key, fd, holder)
    with _held_guard:
        _held[key] = lock
    return lock


def lock_holder(store_path: Path | str) -> LockHolder | None:
    """Who holds (or last held) the writer lock, from the lock file; None if unknown."""
    path = lock_path(store_path)
    with _held_guard:
        mine = _held.get(path.resolve())
    if mine is not None:
        # Our own lock: do not reopen the file (on some network file systems closing any
        # handle of a file drops the process's locks on it).
        return mine.holder
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        data = os.read(fd, 64 * 1024)
    except OSError:
        return None
    finally:
        os.close(fd)
    return _decode(data)


def lock_holder_description(store_path: Path | str) -> str:
    """French: "ouvert par <user> sur <host> depuis <time>"."""
    holder = lock_holder(store_path)
    if holder is None:
        return "ouvert dans une autre fenêtre de PNAE Desktop"
    return holder.describe()


def read_only_message(store_path: Path | str) -> str:
    """The sentence to show when the store is opened read-only because of the lock."""
    store = Path(store_path).expanduser()
    return (
        f"« {store} » est déjà {lock_holder_description(store)} : il est ouvert en lecture seule. "
        "Fermez-le là-bas pour pouvoir le modifier ici."
    )
