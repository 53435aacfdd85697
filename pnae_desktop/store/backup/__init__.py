"""Backups of a SQLite store: copies in a `backups/` folder beside the store, never lost.

Standard library only (no SQLAlchemy), so it can run on the start-up path before the store is
opened. Rules:

- a backup is made with SQLite's online backup API from a read-only connection (it includes
  the edits still in the `-wal`), written under a temporary name, checked with `quick_check`,
  then renamed atomically: a file named like a backup is always a complete, healthy copy;
- backups are named `<store stem>-<UTC time>-<reason>.sqlite`, for example
  `pnae-2026-11-26T16-30-00Z-ouverture.sqlite`; `rotate` only ever deletes files named so;
- `restore` puts the current store aside (as a backup) before replacing it, and replaces it
  only with a backup that passed `quick_check`.

Days and ISO weeks are UTC days and weeks (the time in the file names).

One module per job: `names` (naming and finding backups), `files` (atomic, fsynced file and
SQLite copies), `making`, `rotation`, `listing`, `restoring`. This package is their public face.
"""

from __future__ import annotations

from pnae_desktop.store.backup.listing import BackupInfo, list_backups
from pnae_desktop.store.backup.making import (
    backup_before_migration,
    backup_now,
    daily_backup_if_due,
    last_backup_time,
)
from pnae_desktop.store.backup.names import (
    BACKUP_DIR_NAME,
    PROTECTED_DAYS,
    PROTECTED_REASONS,
    REASON_DAILY,
    REASON_LABELS,
    REASON_MANUAL,
    REASON_MIGRATION,
    REASON_RESTORE,
    backup_name,
    backups_dir,
)
from pnae_desktop.store.backup.restoring import restore
from pnae_desktop.store.backup.rotation import rotate

__all__ = [
    "BACKUP_DIR_NAME",
    "PROTECTED_DAYS",
    "PROTECTED_REASONS",
    "REASON_DAILY",
    "REASON_LABELS",
    "REASON_MANUAL",
    "REASON_MIGRATION",
    "REASON_RESTORE",
    "BackupInfo",
    "backup_before_migration",
    "backup_name",
    "backup_now",
    "backups_dir",
    "daily_backup_if_due",
    "last_backup_time",
    "list_backups",
    "restore",
    "rotate",
]
