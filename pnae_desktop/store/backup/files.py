"""File work for backups: fsync, atomic publishing under a final name, SQLite copies.

Backups hold personal data (names, e-mails, phones): on POSIX every file they make is created
0600 and every folder 0700, whatever the umask (the mode is set on creation, before any byte of
data is written; Windows ACLs are left as they are)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

from pnae_desktop.store.backup.names import SIDECARS
from pnae_desktop.store.integrity import connect_readonly, sidecar

PRIVATE_FILE = 0o600


def create_private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only (replacing any file of that name), so
    what is then written into it is never readable by others, not even for an instant."""
    path.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE)  # the umask may have removed bits, never added any
    finally:
        os.close(fd)


def copy_private(source: Path, target: Path) -> None:
    """Copy the bytes of `source` into a new private file `target`."""
    create_private_file(target)
    with source.open("rb") as src, target.open("r+b") as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return  # NTFS journals renames; directories cannot be opened for fsync
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(path: Path) -> None:
    """Remove `path` and its SQLite sidecars, ignoring errors."""
    for target in (path, *(sidecar(path, s) for s in SIDECARS)):
        try:
            target.unlink(missing_ok=True)
        except OSError:
            pass


def publish(temp: Path, final: Path) -> bool:
    """Give `temp` the name `final` atomically, never replacing an existing file; False if
    `final` exists."""
    if os.name == "nt":
        try:
            os.rename(temp, final)  # fails on Windows if `final` exists
        except FileExistsError:
            return False
        return True
    try:
        os.link(temp, final)  # fails if `final` exists
    except FileExistsError:
        return False
    except OSError:
        # No hard links here (FAT, some shares): rename, which could replace a file created
        # in the instant since this check, the best this file system allows.
        if final.exists():
            return False
        os.rename(temp, final)
        return True
    os.unlink(temp)
    return True


def store_size(store: Path) -> int:
    """The size of the store file; -1 when it is missing or unreadable."""
    try:
        return store.stat().st_size if store.is_file() else -1
    except OSError:
        return -1


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy the database `source` (with its WAL content) into a new self-contained file
    `target` (rollback-journal mode, so opening it later creates no -wal/-shm), fsynced."""
    remove_quietly(target)
    create_private_file(target)  # SQLite keeps the mode of the file, and gives it to its journals
    src = connect_readonly(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE").fetchall()
        finally:
            dst.close()
    finally:
        src.close()
    fsync_file(target)


def tables(con: sqlite3.Connection) -> set[str]:
    """The table names of the database behind `con`."""
    return {str(row[0]) for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
