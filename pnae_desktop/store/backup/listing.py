"""Listing backups, each summarised in French from its content (read-only)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pnae_desktop.store.backup.files import tables
from pnae_desktop.store.backup.names import REASON_LABELS, backups_dir, backups_in
from pnae_desktop.store.integrity import connect_readonly


def _fr_time(moment: datetime) -> str:
    local = moment.astimezone()
    return local.strftime("%d/%m/%Y à %H:%M")


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


def _parse_timestamp(value: object) -> datetime | None:
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
            if not {"praes", "prae_actions"} <= tables(con):
                return None, None, None
            praes = int(con.execute("SELECT count(*) FROM praes").fetchone()[0])
            actions = int(con.execute("SELECT count(*) FROM prae_actions").fetchone()[0])
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
    for parsed in backups_in(backups_dir(store)):
        if parsed.stem != store.stem:
            continue
        try:
            size = parsed.path.stat().st_size
        except OSError:
            continue
        praes, actions, last = _read_summary(parsed.path)
        infos.append(BackupInfo(parsed.path, parsed.created_at, size, parsed.reason, praes, actions, last))
    return infos
