"""Making backups: on demand, once a day at opening, and before a schema migration."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from pnae_desktop.errors import StoreError
from pnae_desktop.paths import make_private_dirs
from pnae_desktop.store.backup.files import (
    fsync_dir,
    publish,
    remove_quietly,
    sqlite_copy,
    store_size,
)
from pnae_desktop.store.backup.names import (
    REASON_DAILY,
    REASON_MIGRATION,
    backups_dir,
    backups_in,
    free_name,
    temp_name,
    utc,
)
from pnae_desktop.store.backup.rotation import rotate
from pnae_desktop.store.integrity import quick_check


def backup_now(store_path: Path | str, reason: str, *, now: datetime | None = None) -> Path:
    """Copy the store into `backups/` now; return the new backup's path.

    The copy is checked with quick_check before it gets its final name. Raises StoreError
    (French, naming the file) when the store is missing or the copy fails; the store itself
    is only ever read.
    """
    store = Path(store_path).expanduser()
    if store_size(store) <= 0:
        raise StoreError(f"« {store} » n'existe pas ou est vide : il n'y a rien à sauvegarder.")
    folder = backups_dir(store)
    try:
        make_private_dirs(folder)
    except OSError as exc:
        raise StoreError(
            f"Impossible de créer le dossier de sauvegardes « {folder} » : {exc.strerror or exc}."
        ) from None
    moment = utc(now)
    final = free_name(folder, store.stem, moment, reason)
    temp = temp_name(final)
    try:
        sqlite_copy(store, temp)
        problems = quick_check(temp)
        if problems:
            raise StoreError(
                f"La sauvegarde de « {store} » a échoué : la copie est endommagée, le fichier de "
                f"données l'est donc probablement aussi ({problems[0]})."
            )
        while not publish(temp, final):  # another instance took that name meanwhile
            final = free_name(folder, store.stem, moment, reason)
    except sqlite3.Error as exc:
        raise StoreError(f"La sauvegarde de « {store} » a échoué : {exc}. Le fichier n'a pas été modifié.") from None
    except OSError as exc:
        raise StoreError(
            f"La sauvegarde de « {store} » a échoué : impossible d'écrire « {final} » ({exc.strerror or exc})."
        ) from None
    finally:
        if temp.exists():
            remove_quietly(temp)
    fsync_dir(folder)
    return final


def last_backup_time(store_path: Path | str) -> datetime | None:
    store = Path(store_path).expanduser()
    for parsed in backups_in(backups_dir(store)):
        if parsed.stem == store.stem:
            return parsed.created_at
    return None


def daily_backup_if_due(store_path: Path | str, *, now: datetime | None = None) -> Path | None:
    """At most one backup per (UTC) day, reason "ouverture", then `rotate`.

    Returns the new backup, or None when one was already made today or the store is new
    (missing or empty). Raises StoreError when the backup fails.
    """
    store = Path(store_path).expanduser()
    moment = utc(now)
    if store_size(store) <= 0:
        return None
    folder = backups_dir(store)
    for parsed in backups_in(folder):
        if parsed.stem == store.stem and parsed.created_at.date() == moment.date():
            return None
    made = backup_now(store, REASON_DAILY, now=moment)
    rotate(folder, now=moment)
    return made


def backup_before_migration(store_path: Path | str, *, now: datetime | None = None) -> Path | None:
    """A backup taken just before a schema migration; None when the store is new.

    Raises StoreError when the copy fails: do not migrate then.
    """
    store = Path(store_path).expanduser()
    if store_size(store) <= 0:
        return None
    return backup_now(store, REASON_MIGRATION, now=now)
