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
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pnae_desktop.errors import StoreError
from pnae_desktop.store.integrity import connect_readonly, quick_check, sidecar

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

_TIME_FORMAT = "%Y-%m-%dT%H-%M-%SZ"
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<time>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)"
    r"-(?P<reason>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<seq>[0-9]+))?\.sqlite$"
)
_SIDECARS = ("-wal", "-shm", "-journal")
# Temporary copies: ".<backup name>[.<pid>].tmp", plus SQLite's sidecars of them.
_TEMP = re.compile(r"^\.(?P<name>.+?\.sqlite)(?:\.[0-9]+)?\.tmp(?:-wal|-shm|-journal)?$")
_STALE_TEMP = timedelta(hours=1)


# --- names -------------------------------------------------------------------------------


def backups_dir(store_path: Path | str) -> Path:
    """The folder holding the backups of `store_path` (created on first backup)."""
    return Path(store_path).expanduser().parent / BACKUP_DIR_NAME


def _utc(now: datetime | None) -> datetime:
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
    return f"{store_stem}-{_utc(when).strftime(_TIME_FORMAT)}-{_slug(reason)}.sqlite"


@dataclass(frozen=True)
class _Parsed:
    path: Path
    stem: str
    created_at: datetime
    reason: str


def _parse(path: Path) -> _Parsed | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    try:
        created = datetime.strptime(match["time"], _TIME_FORMAT).replace(tzinfo=timezone.utc)
    except ValueError:
        return None
    return _Parsed(path, match["stem"], created, match["reason"])


def _backups_in(folder: Path) -> list[_Parsed]:
    try:
        candidates = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for path in candidates:
        parsed = _parse(path)
        if parsed is not None and path.is_file():
            found.append(parsed)
    # Newest first; the name breaks ties (same second: ".2" after the plain name).
    found.sort(key=lambda p: (p.created_at, _seq(p.path)), reverse=True)
    return found


def _seq(path: Path) -> int:
    match = _NAME.match(path.name)
    return int(match["seq"]) if match and match["seq"] else 1


def _free_name(folder: Path, stem: str, when: datetime, reason: str) -> Path:
    base = backup_name(stem, when, reason)
    candidate = folder / base
    seq = 2
    while candidate.exists() or sidecar(candidate, "-wal").exists():
        candidate = folder / (base[: -len(".sqlite")] + f".{seq}.sqlite")
        seq += 1
    return candidate


# --- file helpers ------------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
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


def _remove_quietly(path: Path) -> None:
    for target in (path, *(sidecar(path, s) for s in _SIDECARS)):
        try:
            target.unlink(missing_ok=True)
        except OSError:
            pass


def _publish(temp: Path, final: Path) -> bool:
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


def _store_size(store: Path) -> int:
    try:
        return store.stat().st_size if store.is_file() else -1
    except OSError:
        return -1


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy the database `source` (with its WAL content) into a new self-contained file
    `target` (rollback-journal mode, so opening it later creates no -wal/-shm), fsynced."""
    _remove_quietly(target)
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
    _fsync_file(target)


def _fr_time(moment: datetime) -> str:
    local = moment.astimezone()
    return local.strftime("%d/%m/%Y à %H:%M")


# --- making backups ----------------------------------------------------------------------


def backup_now(store_path: Path | str, reason: str, *, now: datetime | None = None) -> Path:
    """Copy the store into `backups/` now; return the new backup's path.

    The copy is checked with quick_check before it gets its final name. Raises StoreError
    (French, naming the file) when the store is missing or the copy fails; the store itself
    is only ever read.
    """
    store = Path(store_path).expanduser()
    if _store_size(store) <= 0:
        raise StoreError(f"« {store} » n'existe pas ou est vide : il n'y a rien à sauvegarder.")
    folder = backups_dir(store)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Impossible de créer le dossier de sauvegardes « {folder} » : {exc.strerror or exc}."
        ) from None
    moment = _utc(now)
    final = _free_name(folder, store.stem, moment, reason)
    temp = folder / f".{final.name}.{os.getpid()}.tmp"
    try:
        _sqlite_copy(store, temp)
        problems = quick_check(temp)
        if problems:
            raise StoreError(
                f"La sauvegarde de « {store} » a échoué : la copie est endommagée, le fichier de "
                f"données l'est donc probablement aussi ({problems[0]})."
            )
        while not _publish(temp, final):  # another instance took that name meanwhile
            final = _free_name(folder, store.stem, moment, reason)
    except sqlite3.Error as exc:
        raise StoreError(f"La sauvegarde de « {store} » a échoué : {exc}. Le fichier n'a pas été modifié.") from None
    except OSError as exc:
        raise StoreError(
            f"La sauvegarde de « {store} » a échoué : impossible d'écrire « {final} » ({exc.strerror or exc})."
        ) from None
    finally:
        if temp.exists():
            _remove_quietly(temp)
    _fsync_dir(folder)
    return final


def last_backup_time(store_path: Path | str) -> datetime | None:
    store = Path(store_path).expanduser()
    for parsed in _backups_in(backups_dir(store)):
        if parsed.stem == store.stem:
            return parsed.created_at
    return None


def daily_backup_if_due(store_path: Path | str, *, now: datetime | None = None) -> Path | None:
    """At most one backup per (UTC) day, reason "ouverture", then `rotate`.

    Returns the new backup, or None when one was already made today or the store is new
    (missing or empty). Raises StoreError when the backup fails.
    """
    store = Path(store_path).expanduser()
    moment = _utc(now)
    if _store_size(store) <= 0:
        return None
    folder = backups_dir(store)
    for parsed in _backups_in(folder):
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
    if _store_size(store) <= 0:
        return None
    return backup_now(store, REASON_MIGRATION, now=now)


# --- rotation ----------------------------------------------------------------------------


def _keep_set(group: list[_Parsed], moment: datetime, keep_daily: int, keep_weekly: int) -> set[Path]:
    """Which backups of one store to keep; `group` is sorted newest first."""
    keep: set[Path] = set()
    # Future-dated backups (clock changed) are left alone and do not count.
    current = [p for p in group if p.created_at <= moment + timedelta(minutes=5)]
    keep.update(p.path for p in group if p not in current)
    if not current:
        return keep
    keep.add(current[0].path)  # never delete the newest backup
    days: list = []
    for parsed in current:
        day = parsed.created_at.date()
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(parsed.path)  # first seen = newest of that day
    oldest_kept_day = days[-1] if days else None
    weeks: list = []
    for parsed in current:
        if oldest_kept_day is not None and parsed.created_at.date() >= oldest_kept_day:
            continue
        week = parsed.created_at.isocalendar()[:2]
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(parsed.path)
    protected_since = moment - timedelta(days=PROTECTED_DAYS)
    keep.update(p.path for p in current if p.reason in PROTECTED_REASONS and p.created_at >= protected_since)
    return keep


def rotate(
    backups_folder: Path | str,
    keep_daily: int = 7,
    keep_weekly: int = 4,
    *,
    now: datetime | None = None,
) -> list[Path]:
    """Delete old backups; return the deleted paths.

    Per store (file-name stem), keeps: the newest backup of each of the `keep_daily` most
    recent days that have backups; beyond those days, the newest of each of the
    `keep_weekly` most recent ISO weeks that have backups; always the newest backup; copies
    made before a migration or a restoration during `PROTECTED_DAYS` days; backups dated in
    the future. Files not named like a backup are never touched. Deletion errors are ignored
    (the file is simply kept).
    """
    folder = Path(backups_folder)
    moment = _utc(now)
    groups: dict[str, list[_Parsed]] = {}
    for parsed in _backups_in(folder):
        groups.setdefault(parsed.stem, []).append(parsed)
    deleted: list[Path] = []
    for group in groups.values():
        keep = _keep_set(group, moment, keep_daily, keep_weekly)
        for parsed in group:
            if parsed.path in keep:
                continue
            try:
                parsed.path.unlink()
            except OSError:
                continue
            for suffix in _SIDECARS:
                try:
                    sidecar(parsed.path, suffix).unlink(missing_ok=True)
                except OSError:
                    pass
            deleted.append(parsed.path)
    _remove_stale_temps(folder, moment)
    return deleted


def _remove_stale_temps(folder: Path, moment: datetime) -> None:
    """Temporary copies left by an interrupted backup (`.<backup name>.<pid>.tmp`), if old."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for path in entries:
        name = path.name
        match = _TEMP.match(name)
        if not match or not _NAME.match(match["name"]):
            continue
        try:
            age = moment - datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
            if age > _STALE_TEMP:
                path.unlink()
        except OSError:
            pass


# --- listing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime  # UTC, from the file name
    size: int  # bytes
    reason: str  # as in the file name, e.g. "ouverture"
    prae_count: int | None  # None: content unknown (unreadable or another schema)
    action_count: int | None
    last_change: datetime | None  # UTC, latest praes.updated_at

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason.replace("-", " "))

    @property
    def summary(self) -> str:
        """French one-liner of the content, "inconnu" when it could not be read."""
        if self.prae_count is None:
            return "inconnu"
        if self.prae_count == 0:
            text = "aucun PRAE"
        else:
            actions = self.action_count or 0
            text = f"{self.prae_count} PRAE, {actions} action{'s' if actions > 1 else ''}"
        if self.last_change is not None:
            text += f", dernière modification le {_fr_time(self.last_change)}"
        return text

    @property
    def description(self) -> str:
        """French line for a list: date, reason, size, content."""
        size_kb = max(1, round(self.size / 1024))
        return f"{_fr_time(self.created_at)} – {self.reason_label} – {size_kb} Ko – {self.summary}"


def _tables(con: sqlite3.Connection) -> set[str]:
    return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _parse_timestamp(value) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _read_summary(path: Path) -> tuple[int | None, int | None, datetime | None]:
    try:
        con = connect_readonly(path, timeout=1.0)
        try:
            tables = _tables(con)
            if not {"praes", "prae_actions"} <= tables:
                return None, None, None
            praes = con.execute("SELECT count(*) FROM praes").fetchone()[0]
            actions = con.execute("SELECT count(*) FROM prae_actions").fetchone()[0]
            try:
                latest = con.execute("SELECT max(updated_at) FROM praes").fetchone()[0]
                last = _parse_timestamp(latest)
            except sqlite3.Error:
                last = None
            return praes, actions, last
        finally:
            con.close()
    except sqlite3.Error:
        return None, None, None


def list_backups(store_path: Path | str) -> list[BackupInfo]:
    """The backups of `store_path`, newest first, each summarised (read-only)."""
    store = Path(store_path).expanduser()
    infos = []
    for parsed in _backups_in(backups_dir(store)):
        if parsed.stem != store.stem:
            continue
        try:
            size = parsed.path.stat().st_size
        except OSError:
            continue
        praes, actions, last = _read_summary(parsed.path)
        infos.append(BackupInfo(parsed.path, parsed.created_at, size, parsed.reason, praes, actions, last))
    return infos


# --- restoring ---------------------------------------------------------------------------


def _backup_problem(backup: Path) -> str | None:
    """Why `backup` cannot replace a store, or None."""
    if not backup.is_file():
        return f"la sauvegarde « {backup} » est introuvable"
    if backup.stat().st_size == 0:
        return f"la sauvegarde « {backup} » est vide"
    problems = quick_check(backup)
    if problems:
        return f"la sauvegarde est endommagée : {problems[0]}"
    from pnae_desktop.store.schema import KNOWN_REVISIONS

    try:
        con = connect_readonly(backup, timeout=1.0)
        try:
            tables = _tables(con)
            if "alembic_version" not in tables:
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
    final = _free_name(folder, store.stem, now, REASON_RESTORE)
    temp = folder / f".{final.name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(store, temp)
        _fsync_file(temp)
        while not _publish(temp, final):
            final = _free_name(folder, store.stem, now, REASON_RESTORE)
        wal = sidecar(store, "-wal")
        if wal.exists():
            shutil.copyfile(wal, sidecar(final, "-wal"))
            _fsync_file(sidecar(final, "-wal"))
    except OSError as exc:
        _remove_quietly(temp)
        raise StoreError(
            f"Restauration annulée : impossible de mettre de côté « {store} » dans « {folder} » "
            f"({exc.strerror or exc}). Le fichier n'a pas été modifié."
        ) from None
    _fsync_dir(folder)
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
    moment = _utc(now)
    aside = _copy_aside(store, moment) if _store_size(store) > 0 else None
    temp = store.with_name(f".{store.name}.restauration.tmp")
    try:
        try:
            _sqlite_copy(backup, temp)
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
        _fsync_dir(store.parent)
    finally:
        if temp.exists():
            _remove_quietly(temp)
    return aside
