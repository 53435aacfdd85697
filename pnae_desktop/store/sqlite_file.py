"""Read-only look at a SQLite store file with the standard library only (no SQLAlchemy), so it
can run before anything writes to the file, and on the start-up path."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import StoreError
from pnae_desktop.store.integrity import SQLITE_HEADER, connect_readonly
from pnae_desktop.store.schema import APPLICATION_ID, CORE_TABLES


def inspect_sqlite_file(path: Path) -> str | None:
    """Return the schema revision of an existing store file, None for a new/empty file.

    Reads only; raises StoreError (file untouched) when the file is not a usable store.
    """
    if path.is_dir():
        raise StoreError(f"« {path} » est un dossier, pas un fichier de données PNAE Desktop.")
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"Impossible de lire « {path} » : {exc.strerror}.") from None
    if header != SQLITE_HEADER:
        raise StoreError(
            f"« {path} » n'est pas un fichier de données PNAE Desktop (ce n'est pas une base SQLite). "
            "Le fichier n'a pas été modifié."
        )
    try:
        con = connect_readonly(path)
        try:
            application_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables and application_id in (0, APPLICATION_ID):
                return None
            if not _is_ours(application_id, tables):
                raise StoreError(
                    f"« {path} » est une base SQLite qui n'a pas été créée par PNAE Desktop. "
                    "Le fichier n'a pas été modifié."
                )
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"« {path} » est illisible ou endommagé ({exc}). Le fichier n'a pas été modifié.") from None
    if row is None:
        raise StoreError(f"« {path} » n'indique pas sa version de schéma. Le fichier n'a pas été modifié.")
    return str(row[0])


def _is_ours(application_id: int, tables: set[str]) -> bool:
    """A store of this app: it carries our application id, or (made before the id existed) it
    has no id and has our Alembic version table and core tables."""
    if application_id == APPLICATION_ID:
        return "alembic_version" in tables
    return application_id == 0 and CORE_TABLES <= tables


_SUMMARY_SQL = """
SELECT p.id, p.title, p.region_code, p.region_name, p.start_year, p.end_year, p.status,
       (SELECT count(*) FROM prae_actions a WHERE a.prae_id = p.id), o.name,
       p.catalogue_edition, p.created_at, p.updated_at
FROM praes p JOIN organisations o ON o.id = p.organisation_id
ORDER BY p.updated_at DESC, p.id DESC
"""


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


def list_praes(path: Path) -> list[PraeSummary]:
    """Same result as services.praes.list_praes, for a store at the head revision; used at
    start-up so the dashboard shows before SQLAlchemy is imported (a test keeps them equal)."""
    con = connect_readonly(path)
    try:
        rows = con.execute(_SUMMARY_SQL).fetchall()
    finally:
        con.close()
    return [
        PraeSummary(
            id=r[0],
            title=r[1],
            region_code=r[2],
            region_name=r[3],
            start_year=r[4],
            end_year=r[5],
            status=r[6],
            action_count=r[7],
            organisation_name=r[8],
            catalogue_edition=r[9],
            created_at=_utc(r[10]),
            updated_at=_utc(r[11]),
        )
        for r in rows
    ]
