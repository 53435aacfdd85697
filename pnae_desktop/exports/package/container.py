"""The zip around a package: written through a temporary file; read with every member name,
count, size and CRC checked before any JSON is parsed (no traversal, no zip bomb)."""

from __future__ import annotations

import os
import re
import struct
import zipfile
from datetime import datetime
from pathlib import Path

from pnae_desktop.errors import UserError
from pnae_desktop.exports.package.spec import (
    ALL_MEMBERS,
    FOLLOWUP_MEMBER,
    MAX_MEMBERS,
    MAX_PACKAGE_BYTES,
    MAX_TOTAL_BYTES,
    VERSION_PDF,
    VERSIONS_MEMBER,
    PackageError,
)

_DRIVE = re.compile(r"^[A-Za-z]:")


# -- writing ------------------------------------------------------------------------------------


def write_container(out: Path, members: dict[str, bytes], created: datetime) -> None:
    """Write `members` (in this order) as the zip `out`: a temp file, fsynced, then renamed."""
    folder = out.parent
    if not folder.is_dir():
        raise UserError(f"Export impossible : le dossier « {folder} » n'existe pas.")
    temp = folder / f".{out.name}.{os.getpid()}.tmp"
    stamp = created.timetuple()[:6]
    try:
        with open(temp, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
                for name, data in members.items():
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    info.external_attr = 0o644 << 16
                    zf.writestr(info, data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as exc:
        raise UserError(f"Export impossible : « {out} » n'a pas pu être écrit ({exc.strerror or exc}).") from None
    finally:
        if temp.exists():
            try:
                temp.unlink()
            except OSError:
                pass


# -- reading ------------------------------------------------------------------------------------


def _eocd_entry_count(path: Path, size: int) -> int | None:
    """Entries announced by the zip's end record (read before zipfile parses the directory)."""
    tail = min(size, 22 + 65535)
    with open(path, "rb") as handle:
        handle.seek(size - tail)
        data = handle.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        return None
    (count,) = struct.unpack("<H", data[at + 10 : at + 12])
    return int(count)


def _name_problem(name: str) -> str | None:
    if "\x00" in name or any(ord(c) < 32 for c in name):
        return "son nom contient des caractères de contrôle"
    if "\\" in name:
        return "son nom contient une barre oblique inverse (\\), interdite"
    if name.startswith("/"):
        return "c'est un chemin absolu"
    if _DRIVE.match(name):
        return "son nom commence par une lettre de lecteur"
    parts = name.split("/")
    if ".." in parts:
        return "son chemin sort du dossier du paquet (« .. »)"
    if "/" in name:
        return "le paquet ne contient pas de sous-dossier"
    return None


def read_container(path: Path) -> dict[str, bytes]:
    """Every member's bytes, after checking names, count, sizes and CRCs; PackageError else."""
    where = f"Paquet « {path.name} »"
    size = _file_size(path, where)
    try:
        if size < 22 or not zipfile.is_zipfile(path):
            raise PackageError(where, "ce n'est pas un paquet PNAE Desktop (le fichier n'est pas une archive zip)")
        count = _eocd_entry_count(path, size)
        if count is not None and count > MAX_MEMBERS:
            raise PackageError(where, f"trop de fichiers dans l'archive ({count}, {MAX_MEMBERS} au plus)")
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_entries(infos, where)
            left = MAX_TOTAL_BYTES
            members = {}
            for info in infos:
                data = _read_bounded(zf, info, left, where)
                left -= len(data)
                members[info.filename] = data
            return members
    except PackageError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever zipfile trips on, the archive is damaged
        raise PackageError(where, f"archive zip endommagée ou tronquée ({exc.__class__.__name__})") from None


def _file_size(path: Path, where: str) -> int:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PackageError(where, f"fichier introuvable ou illisible ({exc.strerror or exc})") from None
    if not path.is_file():
        raise PackageError(where, "ce n'est pas un fichier")
    if size > MAX_PACKAGE_BYTES:
        raise PackageError(
            where,
            f"fichier trop gros ({size // (1024 * 1024)} Mo, {MAX_PACKAGE_BYTES // (1024 * 1024)} Mo au plus)",
        )
    return size


def _check_entries(infos: list[zipfile.ZipInfo], where: str) -> None:
    """The zip's directory: the expected members, each once, plainly named and compressed."""
    if len(infos) > MAX_MEMBERS:
        raise PackageError(where, f"trop de fichiers dans l'archive ({len(infos)}, {MAX_MEMBERS} au plus)")
    seen: set[str] = set()
    for info in infos:
        problem = _name_problem(info.filename)
        if problem:
            raise PackageError(where, f"membre « {info.filename[:80]} » refusé : {problem}")
        if info.filename in seen:
            raise PackageError(where, f"membre « {info.filename} » présent deux fois")
        seen.add(info.filename)
        if info.filename not in ALL_MEMBERS and not _version_member(info.filename):
            raise PackageError(
                where,
                f"membre inattendu « {info.filename[:80]} » (attendus : {', '.join(ALL_MEMBERS)}, "
                f"et les versions signées : {VERSIONS_MEMBER}, version-N.pdf)",
            )
        if info.flag_bits & 0x1:
            raise PackageError(where, f"membre « {info.filename} » chiffré : non pris en charge")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageError(
                where,
                f"membre « {info.filename} » : méthode de compression non prise en charge",
            )
    missing = [m for m in ALL_MEMBERS if m not in seen and m != FOLLOWUP_MEMBER]  # format 1 has none
    if missing:
        raise PackageError(where, f"membre « {missing[0]} » absent")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_TOTAL_BYTES:
        raise PackageError(
            where,
            f"contenu trop volumineux une fois décompressé ({declared // (1024 * 1024)} Mo annoncés, "
            f"{MAX_TOTAL_BYTES // (1024 * 1024)} Mo au plus)",
        )


def _version_member(name: str) -> bool:
    """versions.json or a signed version's PDF (format 2; the reader checks they belong)."""
    return name == VERSIONS_MEMBER or VERSION_PDF.match(name) is not None


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, left: int, where: str) -> bytes:
    """Read a member without ever holding more than its announced size (a lying header or a
    zip bomb stops at the limit)."""
    limit = min(info.file_size, left)
    chunks, total = [], 0
    with zf.open(info) as handle:
        while True:
            chunk = handle.read(min(65536, limit - total + 1))
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise PackageError(
                    where,
                    f"membre « {info.filename} » plus volumineux qu'annoncé (archive piégée ou endommagée)",
                )
            chunks.append(chunk)
    if total != info.file_size:
        raise PackageError(where, f"membre « {info.filename} » tronqué")
    return b"".join(chunks)
