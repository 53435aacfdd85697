"""Writing an exported file safely: the one atomic-write helper every export uses.

Exports hold personal data (names, e-mails, phones, SIRET): on POSIX the document is created
0600 whatever the umask, and the folders exports create 0700 (`paths.make_private_dirs`). It is written under a recognisable temporary name beside the target,
`.<name>.pnae-tmp-<pid>-<random>`, and moved over the target only when complete; a temporary
file left by a killed export is removed before the next write into that folder, once its
process is gone or it is over an hour old (`sweep_stale_temp_files`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE = 0o600
TEMP_MARK = ".pnae-tmp-"
STALE_AFTER = 3600.0  # seconds: a temporary file this old is abandoned, whatever its process
_TEMP = re.compile(r"^\..+\.pnae-tmp-(?P<pid>[0-9]+)-[0-9a-f]+$")
# The names earlier versions used (".<name>.<pid>.tmp"): removed only when both abandoned by
# their process and over an hour old, since another program might use the same shape.
_LEGACY_TEMP = re.compile(r"^\..+\.(?P<pid>[0-9]+)\.tmp$")


def temp_path(out: Path) -> Path:
    """A new temporary name beside `out`, recognisable by `sweep_stale_temp_files`."""
    return out.with_name(f".{out.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


if sys.platform == "win32":  # not os.name: mypy knows sys.platform branches
    import ctypes

    def process_alive(pid: int) -> bool:
        """Whether process `pid` is running (os.kill would terminate it on Windows)."""
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)

else:

    def process_alive(pid: int) -> bool:
        """Whether process `pid` is running (signal 0 only checks)."""
        if pid <= 0:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # another user's process
        except OSError:
            return True
        return True


def sweep_stale_temp_files(folder: Path | str, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files of exports in `folder` whose process is gone or that are
    over an hour old; return them. Anything else, including a live export's file, is kept."""
    moment = time.time() if now is None else now
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        ours, legacy = _TEMP.match(entry.name), _LEGACY_TEMP.match(entry.name)
        match = ours or legacy
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            old = moment - info.st_mtime > STALE_AFTER
            gone = int(match["pid"]) != os.getpid() and not process_alive(int(match["pid"]))
            stale = (old or gone) if ours else (old and gone)
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except (OSError, ValueError, OverflowError):
            continue  # removed meanwhile, or an absurd pid: leave it
    return removed


def _create_private(path: Path) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        if os.name == "posix":
            os.fchmod(fd, PRIVATE_FILE)  # the umask may have removed bits, never added any
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_output(out_path: Path | str) -> Iterator[Path]:
    """A temporary path beside `out_path`, moved over it only when the block succeeds: a failed
    export never leaves a truncated file, nor clobbers the previous one.

    The temporary file exists (empty, 0600 on POSIX) when the block starts; the writer opens
    it again by name, which keeps that mode, so the document is private whatever it replaces.
    Stale temporary files of killed exports in the folder are swept first."""
    out = Path(out_path)
    sweep_stale_temp_files(out.parent)
    tmp = temp_path(out)
    _create_private(tmp)
    try:
        yield tmp
        if os.name == "posix":
            os.chmod(tmp, PRIVATE_FILE)  # in case a writer replaced the file rather than reopened it
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
