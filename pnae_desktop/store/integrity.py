"""Health checks of a SQLite store file, read-only, with the standard library only.

`quick_check` / `integrity_check` never write to the checked file and never create files beside
it: a file without a `-wal` is opened `immutable` (SQLite would otherwise create `-wal`/`-shm`
beside a WAL-mode file even in `mode=ro`); a file with a `-wal` (a store open elsewhere, or left
by a crash) is opened `mode=ro` so the committed edits in the WAL are checked too.

Problems are French sentences naming the file; an empty list means healthy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100
MAX_PROBLEMS = 20


def sidecar(path: Path, suffix: str) -> Path:
    """`path` + "-wal", "-shm" or "-journal" (SQLite's names for its companion files)."""
    return path.with_name(path.name + suffix)


def has_live_wal(path: Path) -> bool:
    wal = sidecar(path, "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def file_uri(path: Path | str) -> str:
    """SQLite `file:` URI of `path` (spaces, "#", "?", "%" and accents escaped); unlike
    Path.as_uri it keeps a Windows UNC share in the path, since SQLite refuses a host name."""
    posix = Path(path).resolve().as_posix()  # "/home/x", "C:/Users/x" or "//server/share/x"
    if not posix.startswith("/"):
        posix = "/" + posix
    return "file://" + quote(posix, safe="/:")


def connect_readonly(path: Path | str, timeout: float = 5.0) -> sqlite3.Connection:
    """A read-only connection that never writes to `path` nor creates files beside it.

    Meant for short looks (checks, backups, summaries), not for a long-lived read-only session
    (an `immutable` connection would not see later changes made by a writer).
    """
    path = Path(path)
    uri = file_uri(path)
    if sidecar(path, "-wal").exists():
        # Committed edits may still be in the WAL only: read through it (this may create a
        # missing -shm, which SQLite would do on any open anyway).
        uri += "?mode=ro"
    else:
        # No WAL: the main file is the whole store.
        uri += "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, timeout=timeout)


def header_problem(path: Path, header: bytes, size: int) -> str | None:
    if len(header) < len(SQLITE_HEADER) or header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
        return f"« {path} » n'est pas une base SQLite (en-tête absent ou illisible)."
    if size < HEADER_SIZE:
        return f"« {path} » est tronqué : {size} octets seulement, l'en-tête SQLite est incomplet."
    raw = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw == 1 else raw
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return f"« {path} » a un en-tête SQLite endommagé (taille de page invalide : {raw})."
    if has_live_wal(path):
        # While a WAL is in use the main file may legitimately lag behind its header.
        return None
    if size % page_size:
        return (
            f"« {path} » est tronqué ou incomplet : sa taille ({size} octets) n'est pas un "
            f"multiple de la taille de page ({page_size} octets)."
        )
    change_counter = header[24:28]
    valid_for = header[92:96]
    page_count = int.from_bytes(header[28:32], "big")
    if change_counter == valid_for and page_count and page_count * page_size > size:
        return f"« {path} » est tronqué : {page_count} pages attendues, {size // page_size} présentes."
    return None


def sqlite_error(path: Path, exc: sqlite3.Error) -> str:
    detail = str(exc)
    lowered = detail.lower()
    if "not a database" in lowered:
        return f"« {path} » n'est pas une base SQLite lisible (fichier endommagé ou d'un autre type)."
    if "malformed" in lowered or "corrupt" in lowered:
        return f"« {path} » est endommagé : SQLite signale une image de base corrompue ({detail})."
    if "locked" in lowered or "busy" in lowered:
        return (
            f"« {path} » est verrouillé par un autre programme : la vérification n'a pas pu "
            "se faire, réessayez après l'avoir fermé."
        )
    if "unable to open" in lowered:
        return f"« {path} » ne peut pas être ouvert en lecture ({detail})."
    return f"« {path} » n'a pas pu être vérifié : {detail}."


def _check(path: Path | str, pragma: str) -> list[str]:
    path = Path(path).expanduser()
    try:
        if not path.exists():
            return [f"« {path} » est introuvable."]
        if path.is_dir():
            return [f"« {path} » est un dossier, pas un fichier de données PNAE Desktop."]
        size = path.stat().st_size
        if size == 0:
            return []  # a new store, not yet written
        with path.open("rb") as fh:
            header = fh.read(HEADER_SIZE)
    except OSError as exc:
        return [f"« {path} » ne peut pas être lu : {exc.strerror or exc}."]
    problem = header_problem(path, header, size)
    if problem:
        return [problem]
    try:
        con = connect_readonly(path)
        try:
            rows = con.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:
        return [sqlite_error(path, exc)]
    messages = [str(row[0]) for row in rows]
    if messages == ["ok"]:
        return []
    return [f"« {path} » est endommagé : {message}" for message in messages]


def quick_check(path: Path | str) -> list[str]:
    """SQLite's `PRAGMA quick_check` (fast: structure, not index contents), read-only.

    [] when healthy or when the file is empty (a new store); otherwise French problems naming
    the file, including for a missing file.
    """
    return _check(path, "quick_check")


def integrity_check(path: Path | str) -> list[str]:
    """Same as `quick_check` with the thorough `PRAGMA integrity_check` (also checks indexes)."""
    return _check(path, "integrity_check")
