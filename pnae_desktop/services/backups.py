"""Backups of the open SQLite store, for the UI and the CLI: list them, back up now, restore one,
take the day's backup. The UI goes through here, never to the store package itself (layer rule:
`ui` does not import `store`).

The work is done by `pnae_desktop.store.backup` (standard library only, so this module is cheap
to import at start-up); the names and signatures are the same.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pnae_desktop.store import backup as _backup
from pnae_desktop.store.backup import REASON_MANUAL, BackupInfo

__all__ = [
    "REASON_MANUAL",
    "BackupInfo",
    "backup_now",
    "backups_dir",
    "daily_backup_if_due",
    "list_backups",
    "restore",
]


def backups_dir(store_path: Path | str) -> Path:
    """The folder holding the backups of the store (created on first backup)."""
    return _backup.backups_dir(store_path)


def list_backups(store_path: Path | str) -> list[BackupInfo]:
    """The store's backups, newest first, each with a French description of its content."""
    return _backup.list_backups(store_path)


def backup_now(store_path: Path | str, reason: str = REASON_MANUAL) -> Path:
    """Copy the store into its backups folder now; StoreError (French) when that fails."""
    return _backup.backup_now(store_path, reason)


def daily_backup_if_due(store_path: Path | str, *, now: datetime | None = None) -> Path | None:
    """The day's backup at opening (at most one a day), then the rotation of old ones."""
    return _backup.daily_backup_if_due(store_path, now=now)


def restore(store_path: Path | str, backup_path: Path | str) -> Path | None:
    """Replace the (closed) store by a backup, after putting it aside; return the aside copy."""
    return _backup.restore(store_path, backup_path)
