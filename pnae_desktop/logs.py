"""The app's log: a small rotating file in the data folder (beside the default store), and the
hooks that write every uncaught exception there, so no failure vanishes — the Windows
executable has no console.

Only what the app logs goes there: tracebacks, refused operations, backup problems; no
personal data beyond what the user typed (a traceback may quote a value being handled)."""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from pnae_desktop import __version__, paths

LOG_NAME = "pnae-desktop.log"
MAX_BYTES = 1024 * 1024
BACKUP_COUNT = 3
LOGGER = "pnae_desktop"

log = logging.getLogger(LOGGER)


class LogFile(logging.Handler):
    """The rotating log file (1 MB × 3), created 0600 (POSIX) whatever the umask, and opened at
    the first record: most sessions log nothing, and logging.handlers costs start-up ~4 ms."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.file is None:
                self.file = _rotating_file(self.path)
                self.file.setFormatter(self.formatter)
            self.file.emit(record)
        except Exception:  # noqa: BLE001 - logging's own rule: a failed record never raises
            self.handleError(record)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        super().close()


def _rotating_file(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler  # start-up: at the first record (see LogFile)

    class PrivateRotatingFileHandler(RotatingFileHandler):
        def _open(self):
            fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115

    return PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")


def log_path(folder: Path | str | None = None) -> Path:
    """The log file: in `folder`, else the data folder of the default store."""
    return Path(folder) / LOG_NAME if folder is not None else paths.default_store_path().parent / LOG_NAME


def install_log_file(folder: Path | str | None = None) -> Path | None:
    """Send the app's log records to the rotating file (1 MB × 3); None when the folder cannot
    be written (the app runs on, logging to stderr only). Installing twice replaces the file."""
    path = log_path(folder)
    for handler in list(log.handlers):
        if isinstance(handler, LogFile):
            log.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK):
            raise PermissionError(13, "Permission non accordée")
    except OSError as exc:
        print(f"Journal impossible à écrire dans « {path} » : {exc.strerror or exc}.", file=sys.stderr)
        return None
    handler = LogFile(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def report_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The report a user can copy: version, platform and the traceback."""
    return f"PNAE Desktop {__version__} — Python {sys.version.split()[0]} — {sys.platform}\n" + "".join(
        traceback.format_exception(exc_type, exc, tb)
    )


def install_excepthook(show: Callable[[str], None] | None = None) -> None:
    """Log every uncaught exception (main thread and other threads) with its traceback, then
    hand the report to `show` (the GUI's dialog); the process is not ended by the hook."""

    def handle(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        report = report_text(exc_type, exc, tb)
        log.error("Erreur inattendue\n%s", report)
        if show is not None:
            try:
                show(report)
            except Exception:  # noqa: BLE001 - the hook itself must never fail
                log.exception("Affichage de l'erreur impossible")
        else:
            sys.__excepthook__(exc_type, exc, tb)

    def handle_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        handle(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = handle
    threading.excepthook = handle_thread
