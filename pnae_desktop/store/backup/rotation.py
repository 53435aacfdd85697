"""Rotation: which old backups to delete (days, then ISO weeks; protected copies kept)."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pnae_desktop.store.backup.names import (
    NAME,
    PROTECTED_DAYS,
    PROTECTED_REASONS,
    SIDECARS,
    STALE_TEMP,
    TEMP,
    ParsedName,
    backups_in,
    utc,
)
from pnae_desktop.store.integrity import sidecar


def _keep_set(group: list[ParsedName], moment: datetime, keep_daily: int, keep_weekly: int) -> set[Path]:
    """Which backups of one store to keep; `group` is sorted newest first."""
    keep: set[Path] = set()
    # Future-dated backups (clock changed) are left alone and do not count.
    current = [p for p in group if p.created_at <= moment + timedelta(minutes=5)]
    keep.update(p.path for p in group if p not in current)
    if not current:
        return keep
    keep.add(current[0].path)  # never delete the newest backup
    days: list[dt.date] = []
    for parsed in current:
        day = parsed.created_at.date()
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(parsed.path)  # first seen = newest of that day
    oldest_kept_day = days[-1] if days else None
    weeks: list[tuple[int, int]] = []
    for parsed in current:
        if oldest_kept_day is not None and parsed.created_at.date() >= oldest_kept_day:
            continue
        iso = parsed.created_at.isocalendar()
        week = (iso[0], iso[1])
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
    moment = utc(now)
    groups: dict[str, list[ParsedName]] = {}
    for parsed in backups_in(folder):
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
            for suffix in SIDECARS:
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
        match = TEMP.match(name)
        if not match or not NAME.match(match["name"]):
            continue
        try:
            age = moment - datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
            if age > STALE_TEMP:
                path.unlink()
        except OSError:
            pass
