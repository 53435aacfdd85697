"""Where an output may be written: the one check every export (convention, PRAE, budget,
package) passes through, from the CLI and the GUI alike, before a byte is written.

An existing file is replaced only when the caller says so (`--force`, or the user confirmed);
the open store, its side files and any SQLite file are never replaced, whatever is said."""

from __future__ import annotations

import os
from pathlib import Path

from pnae_desktop.errors import UserError

SQLITE_HEADER = b"SQLite format 3\x00"
_STORE_SIDE_FILES = ("-wal", "-shm", "-journal", ".lock")


class OutputExistsError(UserError):
    """The target exists and replacing it was not confirmed (the GUI asks, the CLI wants --force)."""

    def __init__(self, path: Path):
        super().__init__(
            f"Le fichier « {path} » existe déjà : il n'est remplacé qu'après confirmation "
            "(en ligne de commande : ajoutez --force)."
        )
        self.path = path


def is_sqlite_file(path: Path | str) -> bool:
    """Whether `path` is a file that starts with SQLite's 16-byte header (a store, a backup…)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _is_store(target: Path, store_path: Path | None) -> bool:
    if store_path is None:
        return False
    if _same_file(target, store_path):
        return True
    return any(_same_file(target, store_path.with_name(store_path.name + side)) for side in _STORE_SIDE_FILES)


def check_output(path: Path | str, *, overwrite: bool = False, store_path: Path | str | None = None) -> Path:
    """`path` if an export may write it; else a French UserError (OutputExistsError when only
    the confirmation is missing). `store_path`: the open store's file, never a target."""
    target = Path(path)
    store = Path(store_path) if store_path is not None else None
    if _is_store(target, store):
        raise UserError(
            f"« {target} » est le fichier de données ouvert : un export ne le remplace jamais. Choisissez un autre fichier."
        )
    if target.is_dir():
        raise UserError(f"« {target} » est un dossier : indiquez un nom de fichier.")
    if is_sqlite_file(target):
        raise UserError(
            f"« {target} » est un fichier de données (SQLite) : un export ne le remplace jamais, "
            "même avec --force. Choisissez un autre fichier."
        )
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise OutputExistsError(target)
    return target


def needs_confirmation(path: Path | str, *, store_path: Path | str | None = None) -> bool:
    """True when `path` exists and may be replaced once the user confirms; raises UserError
    when it may not be written at all (the store, a SQLite file, a folder)."""
    try:
        check_output(path, overwrite=False, store_path=store_path)
    except OutputExistsError:
        return True
    return False
