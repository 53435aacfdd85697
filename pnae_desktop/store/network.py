"""Is a SQLite file on a network folder? SQLite's locking is not reliable on a Windows share or
an NFS mount, so a team sharing one file there may lose edits: the app says so, once, with the
steps to use a team store instead. Standard library only; the system queries are injectable
(tests give their own mount tables and drive types)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

NETWORK_FILESYSTEMS = frozenset({"cifs", "smb3", "smbfs", "smb2", "nfs", "nfs4", "afs", "ncpfs", "davfs", "fuse.sshfs"})
DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a network drive

NETWORK_MESSAGE = (
    "« {path} » est dans un dossier réseau (partage Windows ou NFS). À plusieurs, un fichier de "
    "données n'y est pas fiable : les verrous d'un partage réseau ne protègent pas des écritures "
    "simultanées, et une modification peut être perdue.\n\n"
    "Pour travailler en équipe :\n"
    "1. demandez à votre service informatique une base d'équipe PostgreSQL (le README explique "
    "comment l'installer, section « Installer une base d'équipe ») ;\n"
    "2. dans PNAE Desktop : Fichier › Se connecter à une base d'équipe… ;\n"
    "3. reprenez-y vos PRAE : Fichier › Envoyer le PRAE (fichier .prae) ici, puis Recevoir un PRAE "
    "une fois connecté à la base d'équipe.\n\n"
    "D'ici là, qu'une seule personne à la fois ouvre ce fichier."
)


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as \\040, a tab as \\011, a backslash as \\134."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_type(path: Path, mounts: str) -> str | None:
    """The file system type of the mount holding `path` (absolute), from a /proc/mounts text."""
    best: tuple[int, str] | None = None
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1]).rstrip("/") or "/"
        if target == point or target.startswith(point.rstrip("/") + "/"):
            if best is None or len(point) > best[0]:
                best = (len(point), fields[2])
    return best[1] if best else None


def _read_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _windows_drive_type(root: str) -> int:
    import ctypes  # Windows only

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]


def is_network_path(
    path: Path | str,
    *,
    platform: str = sys.platform,
    read_mounts: Callable[[], str] | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> bool:
    """True when `path` is on a network folder: a UNC path or a network drive (Windows), a
    cifs/smb/nfs mount (Linux). An unknown answer is False: the app never refuses a file for it."""
    text = str(path)
    if platform == "win32":
        win = PureWindowsPath(text)
        if text.startswith(("\\\\", "//")) or win.drive.startswith("\\\\"):
            return True
        if not win.drive:
            return False
        try:
            return (drive_type or _windows_drive_type)(win.drive + "\\") == DRIVE_REMOTE
        except (OSError, AttributeError, ValueError):
            return False
    if platform.startswith("linux"):
        kind = mount_type(Path(os.path.abspath(text)), (read_mounts or _read_mounts)())
        return kind in NETWORK_FILESYSTEMS
    return False


def network_warning(path: Path | str, **probes: object) -> str | None:
    """The French warning for a store file on a network folder, None elsewhere."""
    return NETWORK_MESSAGE.format(path=path) if is_network_path(path, **probes) else None  # type: ignore[arg-type]
