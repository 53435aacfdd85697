"""Backup file names: `<store stem>-<UTC time>-<reason>[.<n>].sqlite`, and finding them.

Only files named so are ever treated as backups (and so ever deleted by the rotation).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pnae_desktop.store.integrity import sidecar

BACKUP_DIR_NAME = "backups"
REASON_DAILY = "ouverture"
REASON_MIGRATION = "avant-migration"
REASON_RESTORE = "avant-restauration"
REASON_MANUAL = "manuelle"

# Copies made before an irreversible step are kept at least this long, whatever the rotation.
PROTECTED_REASONS = (REASON_MIGRATION, REASON_RESTORE)
PROTECTED_DAYS = 30

REASON_LABELS = {
    REASON_DAILY: "sauvegarde quotidienne (à l'ouverture)",
    REASON_MIGRATION: "avant la mise à jour du fichier",
    REASON_RESTORE: "avant une restauration",
    REASON_MANUAL: "sauvegarde manuelle",
}

TIME_FORMAT = "%Y-%m-%dT%H-%M-%SZ"
NAME = re.compile(
    r"^(?P<stem>.+)-(?P<time>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)"
    r"-(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<seq>[0-9]+))?\.sqlite$"
)
SIDECARS = ("-wal", "-shm", "-journal")
# Temporary copies: ".<backup name>[.<pid>].tmp", plus SQLite's sidecars of them.
TEMP = re.compile(r"^\.(?P<name>.+?\.sqlite)(?:\.[0-9]+)?\.tmp(?:-wal|-shm|-journal)?$")
STALE_TEMP = timedelta(hours=1)


def backups_dir(store_path: Path | str) -> Path:
    """The folder holding the backups of `store_path` (created on first backup)."""
    return Path(store_path).expanduser().parent / BACKUP_DIR_NAME


def utc(now: datetime | None) -> datetime:
    """`now` (or the current time) as an aware UTC time; a naive time is taken as UTC."""
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        return now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc)


def _slug(reason: str) -> str:
    text = unicodedata.normalize("NFKD", reason).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text or REASON_MANUAL


def backup_name(store_stem: str, when: datetime, reason: str) -> str:
    """`<stem>-<UTC time>-<reason>.sqlite`, the only names `rotate` will ever delete."""
    return f"{store_stem}-{utc(when).strftime(TIME_FORMAT)}-{_slug(reason)}.sqlite"


@dataclass(frozen=True)
class ParsedName:
    path: Path
    stem: str
    created_at: datetime
    reason: str


def parse(path: Path) -> ParsedName | None:
    """What the name of `path` says, or None when it is not named like a backup."""
    match = NAME.match(path.name)
    if not match:
        return None
    try:
        created = datetime.strptime(match["time"], TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return ParsedName(path, match["stem"], created, match["reason"])


def backups_in(folder: Path) -> list[ParsedName]:
    """The files of `folder` named like a backup (of any store), newest first."""
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for path in candidates:
        parsed = parse(path)
        if parsed is not None and path.is_file():
            found.append(parsed)
    # Newest first; the name breaks ties (same second: ".2" after the plain name).
    found.sort(key=lambda p: (p.created_at, _seq(p.path)), reverse=True)
    return found


def _seq(path: Path) -> int:
    match = NAME.match(path.name)
    return int(match["seq"]) if match and match["seq"] else 1


def free_name(folder: Path, stem: str, when: datetime, reason: str) -> Path:
    """A backup path in `folder` that no file (nor a left-over -wal) holds yet."""
    base = backup_name(stem, when, reason)
    candidate = folder / base
    seq = 2
    while candidate.exists() or sidecar(candidate, "-wal").exists():
        candidate = folder / (base[: -len(".sqlite")] + f".{seq}.sqlite")
        seq += 1
    return candidate


def temp_name(final: Path) -> Path:
    """The temporary name a copy has until it is published as `final` (per process)."""
    return final.parent / f".{final.name}.{os.getpid()}.tmp"
