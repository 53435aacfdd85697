"""Restoring a backup: check it, put the current store aside, then replace it atomically."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from pnae_desktop.errors import StoreError
from pnae_desktop.paths import make_private_dirs
from pnae_desktop.store.backup.files import (
    copy_private,
    fsync_dir,
    fsync_file,
    publish,
    remove_quietly,
    sqlite_copy,
    store_size,
    tables,
)
from pnae_desktop.store.backup.making import backup_now
from pnae_desktop.store.backup.names import REASON_RESTORE, backups_dir, free_name, temp_name, utc
from pnae_desktop.store.integrity import connect_readonly, quick_check, sidecar
from pnae_desktop.store.schema import KNOWN_REVISIONS


def _backup_problem(backup: Path) -> str | None:
    """Why `backup` cannot replace a store, or None."""
    if not backup.is_file():
        return f"la sauvegarde « {backup} » est introuvable"
    if backup.stat().st_size == 0:
        return f"la sauvegarde « {backup} » est vide"
    problems = quick_check(backup)
    if problems:
        return f"la sauvegarde est endommagée : {problems[0]}"
    try:
        con = connect_readonly(backup, timeout=1.0)
        try:
            if "alembic_version" not in tables(con):
                return f"« {backup} » n'est pas une sauvegarde de PNAE Desktop"
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"la sauvegarde « {backup} » est illisible ({exc})"
    if row is None or row[0] not in KNOWN_REVISIONS:
        found = row[0] if row else "inconnu"
        return f"la sauvegarde « {backup} » vient d'une version plus récente de PNAE Desktop (schéma « {found} »)"
    return None


def _copy_aside(store: Path, now: datetime) -> Path:
    """Keep the current store in `backups/` before it is replaced."""
    try:
        return backup_now(store, REASON_RESTORE, now=now)
    except StoreError:
        pass
    # The store cannot be copied through SQLite (damaged, probably why it is being restored):
    # keep its raw bytes, and its WAL beside them, so nothing is lost.
    folder = backups_dir(store)
    final = free_name(folder, store.stem, now, REASON_RESTORE)
    temp = temp_name(final)
    try:
        make_private_dirs(folder)
        copy_private(store, temp)
        fsync_file(temp)
        while not publish(temp, final):
            final = free_name(folder, store.stem, now, REASON_RESTORE)
        wal = sidecar(store, "-wal")
        if wal.exists():
            copy_private(wal, sidecar(final, "-wal"))
            fsync_file(sidecar(final, "-wal"))
    except OSError as exc:
        remove_quietly(temp)
        raise StoreError(
            f"Restauration annulée : impossible de mettre de côté « {store} » dans « {folder} » "
            f"({exc.strerror or exc}). Le fichier n'a pas été modifié."
        ) from None
    fsync_dir(folder)
    return final


def _retire_wal(store: Path) -> None:
    """Fold the store's -wal into it and remove -wal/-shm, so they cannot be applied to the
    file that replaces it. Refuses (StoreError) while any other connection has the store open:
    replacing the file under it would send its later edits to the replaced file."""
    wal, shm = sidecar(store, "-wal"), sidecar(store, "-shm")
    if not (wal.exists() or shm.exists()):
        return
    still_open = StoreError(
        f"« {store} » est encore utilisé par un autre programme ou une autre fenêtre : "
        "fermez-le puis recommencez la restauration. Le fichier n'a pas été modifié."
    )
    damaged = False
    try:
        con = sqlite3.connect(store, timeout=2.0)
        try:
            row = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            con.close()  # as the last connection, this also deletes -wal and -shm
        if row and row[0]:
            raise still_open
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise still_open from None
        damaged = True
    except sqlite3.DatabaseError:
        damaged = True  # its bytes and WAL are in the aside copy
    if not damaged and (wal.exists() or shm.exists()):
        raise still_open  # SQLite keeps them while another connection is open
    for path in (wal, shm):
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise StoreError(
                f"« {store} » est encore ouvert par un autre programme ({exc.strerror or exc}) : "
                "fermez-le puis recommencez la restauration."
            ) from None


def _replace_with_copy(store: Path, backup: Path) -> None:
    """Copy `backup` beside the store, check the copy, then put it in the store's place."""
    temp = store.with_name(f".{store.name}.restauration.tmp")
    try:
        try:
            sqlite_copy(backup, temp)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(
                f"Restauration annulée : impossible de copier « {backup} » à côté de « {store} » "
                f"({exc}). Le fichier n'a pas été modifié."
            ) from None
        problems = quick_check(temp)
        if problems:
            raise StoreError(
                f"Restauration annulée : la copie de « {backup} » est endommagée ({problems[0]}). "
                f"« {store} » n'a pas été modifié."
            )
        _retire_wal(store)
        try:
            os.replace(temp, store)
        except OSError as exc:
            raise StoreError(
                f"Restauration impossible : « {store} » n'a pas pu être remplacé "
                f"({exc.strerror or exc}) ; fermez les autres programmes qui l'utilisent."
            ) from None
        fsync_dir(store.parent)
    finally:
        if temp.exists():
            remove_quietly(temp)


def restore(store_path: Path | str, backup_path: Path | str, *, now: datetime | None = None) -> Path | None:
    """Replace the store by `backup_path`; return the copy of the replaced store.

    Close every connection to the store first. Order: the backup is checked (quick_check, a
    PNAE Desktop schema this version knows) and refused with a StoreError, store untouched,
    if damaged; the current store (WAL content included) is copied into `backups/` as
    "...-avant-restauration.sqlite"; the backup is copied beside the store under a temporary
    name and checked; the old -wal/-shm are folded in and removed; the temporary file
    replaces the store atomically. Returns None only when there was no store to put aside.
    """
    store = Path(store_path).expanduser()
    backup = Path(backup_path).expanduser()
    if backup.exists() and store.exists() and backup.resolve() == store.resolve():
        raise StoreError(f"« {backup} » est le fichier de données lui-même, pas une sauvegarde.")
    problem = _backup_problem(backup)
    if problem:
        raise StoreError(f"Restauration refusée : {problem}. « {store} » n'a pas été modifié.")
    aside = _copy_aside(store, utc(now)) if store_size(store) > 0 else None
    _replace_with_copy(store, backup)
    return aside
