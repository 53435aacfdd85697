"""The one way to open a store, for the GUI, every CLI command and any future API.

- A file path is never parsed as a URL: the engine connects to the path itself (see
  `database.sqlite_engine`); only an explicit `--db-url` is a URL.
- **Reading** (`open_for_reading`) changes nothing: no folder, file, schema, journal mode or
  side file is created; a missing store, an empty PostgreSQL database, a damaged, foreign or
  newer store is refused with a French `StoreError`.
- **Writing** (`open_for_writing`, `prepare_writing`) checks the file read-only first (so a
  refused store keeps every byte and gets no lock file beside it), then takes the writer lock
  (also for a store that does not exist yet: two processes creating the same store, one wins),
  checks again under the lock, and only then creates or upgrades anything. A new store is
  created 0600 in folders created 0700 (POSIX) and carries `APPLICATION_ID`.

This module uses the standard library only (it runs on the GUI's start-up path); SQLAlchemy is
imported when a store is actually opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from pnae_desktop import paths
from pnae_desktop.errors import StoreError
from pnae_desktop.store import integrity
from pnae_desktop.store.schema import HEAD_REVISION, check_revision
from pnae_desktop.store.sqlite_file import inspect_sqlite_file

if TYPE_CHECKING:
    from pnae_desktop.store.database import BackupFn, Store
    from pnae_desktop.store.lock import WriterLock


class MissingStoreError(StoreError):
    """A read asked for a store file that does not exist (nothing is created)."""


class DamagedStoreError(StoreError):
    """The file fails SQLite's quick_check: kept untouched; a backup may be restored."""

    def __init__(self, path: Path, problems: list[str]):
        super().__init__(
            f"Le fichier de données « {path} » est endommagé :\n- "
            + "\n- ".join(problems[:5])
            + "\nLe fichier n'a pas été modifié ; vous pouvez restaurer une sauvegarde."
        )
        self.path = path


def store_file(db: Path | str | None) -> Path:
    """The SQLite file `db` as the user named it (messages show it so), the user's default
    store when None. The engine connects to its absolute path, never to a URL made of it."""
    return Path(db).expanduser() if db is not None else paths.default_store_path()


# --------------------------------------------------------------------------- checks (read-only)


def _check_file(path: Path) -> str | None:
    """The revision of the store at `path` (None: missing or empty, a new store); raises
    StoreError for a folder, a foreign, newer, version-less or damaged file. Reads only."""
    revision = inspect_sqlite_file(path)
    check_revision(revision, str(path))
    if revision is not None:
        problems = integrity.quick_check(path)
        if problems:
            raise DamagedStoreError(path, problems)
    return revision


def check_for_reading(path: Path) -> str:
    """The revision of the existing, healthy store at `path`; raises StoreError otherwise."""
    if not path.exists() and not path.is_symlink():
        raise MissingStoreError(f"« {path} » n'existe pas : aucun fichier de données à lire.")
    revision = _check_file(path)
    if revision is None:
        raise MissingStoreError(f"« {path} » est vide : il ne contient encore aucune donnée PNAE Desktop.")
    if revision != HEAD_REVISION:
        raise StoreError(
            f"« {path} » doit être mis à niveau avant d'être lu : ouvrez-le dans l'application "
            "(ou avec une commande qui le modifie). Le fichier n'a pas été modifié."
        )
    return revision


def _check_writable(path: Path) -> None:
    """Refuse, before anything is written, a store SQLite could not write: a read-only file, or
    a read-only folder (SQLite writes its journal beside the file)."""
    if path.exists() and not os.access(path, os.W_OK):
        raise StoreError(
            f"« {path} » est en lecture seule : il ne peut pas être modifié. Le fichier n'a pas été modifié."
        )
    folder = _existing_parent(path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreError(
            f"Le dossier « {folder} » est en lecture seule : « {path.name} » ne peut pas y être "
            "créé ou modifié. Rien n'a été modifié."
        )


def _existing_parent(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


# --------------------------------------------------------------------------- writing


def busy_message(path: Path, holder: str) -> str:
    return (
        f"« {path} » est déjà {holder}. Un seul poste à la fois peut modifier un fichier de "
        "données : fermez-le d'abord, puis réessayez."
    )


def prepare_writing(path: Path) -> tuple[str | None, WriterLock]:
    """Check `path` can be written, then take its writer lock; return (revision, lock).

    Raises StoreError (the file untouched, no lock file created) for a folder, a damaged,
    foreign, newer or read-only store, and when another process holds the lock."""
    from pnae_desktop.store import lock  # ~5 ms of imports, needed by file stores only

    if path.is_dir():
        raise StoreError(f"« {path} » est un dossier, pas un fichier de données PNAE Desktop.")
    if path.exists() and path.stat().st_size == 0:
        # Maybe a store lost by a failed copy: writing a new one there would hide the loss.
        raise StoreError(
            f"« {path} » est vide (0 octet) : ce n'est pas un fichier de données PNAE Desktop. "
            "Restaurez une sauvegarde, ou supprimez ce fichier pour en créer un nouveau. "
            "Le fichier n'a pas été modifié."
        )
    _check_file(path)
    _check_writable(path)
    try:  # first launch: the user's data folder does not exist yet
        paths.make_private_dirs(path.parent)
    except OSError as exc:
        raise StoreError(f"Impossible de créer le dossier « {path.parent} » : {exc.strerror}.") from None
    writer = lock.acquire_writer_lock(path)
    if writer is None:
        raise StoreError(busy_message(path, lock.lock_holder_description(path)))
    try:
        # Under the lock: the file may have been created or changed before we got it.
        revision = inspect_sqlite_file(path)
        check_revision(revision, str(path))
    except BaseException:
        writer.release()
        raise
    return revision, writer


def open_for_writing(
    db: Path | str | None = None, url: str | None = None, *, initialise: bool = False, backup: BackupFn | None = None
) -> Store:
    """The store at `url`, or the SQLite file `db` (default store when None), open for writing,
    created or upgraded if need be; a file store holds its writer lock until `close()`. An empty
    database is initialised only with `initialise` (an explicit act: `init`, or a command that
    creates data); otherwise it is refused with EmptyDatabaseError, untouched. A database to
    migrate is first saved by `backup` (pg_dump by default)."""
    from pnae_desktop.store import database  # SQLAlchemy: only once a store is really opened

    if url:
        db = database.sqlite_url_path(url)
        if db is None:
            return database.open_url(url, initialise=initialise, backup=backup)
    path = store_file(db)
    _revision, writer = prepare_writing(path)
    try:
        store = database.open_sqlite(path)
    except BaseException:
        writer.release()
        raise
    store.writer_lock = writer
    return store


# --------------------------------------------------------------------------- reading


def open_for_reading(db: Path | str | None = None, url: str | None = None) -> Store:
    """The existing store at `url` or `db`, open read-only: nothing is created or changed."""
    from pnae_desktop.store import database  # SQLAlchemy: only once a store is really opened

    if url:
        db = database.sqlite_url_path(url)
        if db is None:
            return database.open_url(url, read_only=True)
    path = store_file(db)
    check_for_reading(path)
    return database.open_sqlite(path, read_only=True)
