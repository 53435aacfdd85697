"""Run LibreOffice headless: find it, convert a document, and force formulas to be recalculated.

Used by the tests (recalculate an exported workbook and compare its totals with the app's)
and by the app's « vérifier le calcul » check. Each run gets a private, throw-away user
profile (`-env:UserInstallation`) so it neither collides with a LibreOffice the user has
open nor depends on their settings; that profile tells Calc to recalculate every formula on
load, whatever program saved the file, so the values read back are LibreOffice's own.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pnae_desktop.errors import UserError

ENV_VARIABLE = "PNAE_SOFFICE"  # explicit path to soffice, wins over the search
DEFAULT_TIMEOUT = 120.0  # seconds; a first start on a slow office PC takes ~10 s

_CANDIDATES_WINDOWS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
_CANDIDATES_MAC = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)
_CANDIDATES_UNIX = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)

# Calc settings of the private profile: recalculate on load ("0" = always) for Excel 2007+
# and ODF files, so cached values written by another program are never trusted.
_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
{locale}</oor:items>
"""
# Number and date formats of a locale (« 1 234,56 € » for fr-FR) and its interface language,
# as on the user's PC.
_LOCALE_ITEM = (
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">'
    "<value>{tag}</value></prop></item>\n"
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse">'
    "<value>{tag}</value></prop></item>\n"
)

# Output filters by target extension (what `--convert-to` needs to be unambiguous).
FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "ods": "ods:calc8",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1",  # comma, quote, UTF-8, first sheet
    # every sheet, one file each (« stem-Sheet.csv »), each cell's text as displayed
    "csv-sheets": "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
    "pdf": "pdf:calc_pdf_Export",
}

NOT_FOUND = (
    "LibreOffice est introuvable sur ce poste : installez LibreOffice (paquet "
    "« libreoffice-calc » sous Linux) ou indiquez le chemin de « soffice » dans la "
    f"variable d'environnement {ENV_VARIABLE}."
)


def find_soffice() -> str | None:
    """Path of LibreOffice's `soffice` (or `libreoffice`) program, or None if absent."""
    explicit = os.environ.get(ENV_VARIABLE)
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    if sys.platform == "win32":
        candidates = _CANDIDATES_WINDOWS
    elif sys.platform == "darwin":
        candidates = _CANDIDATES_MAC
    else:
        candidates = _CANDIDATES_UNIX
    return next((c for c in candidates if Path(c).is_file()), None)


def require_soffice() -> str:
    found = find_soffice()
    if found is None:
        raise UserError(NOT_FOUND)
    return found


@cache
def version() -> str:
    """« LibreOffice 7.4.7.2 … » as the program prints it ("" when absent or silent)."""
    soffice = find_soffice()
    if soffice is None:
        return ""
    with tempfile.TemporaryDirectory(prefix="pnae-lo-") as tmp:
        try:
            done = subprocess.run(
                [soffice, _profile_arg(Path(tmp)), "--headless", "--version"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return done.stdout.strip()


@dataclass(frozen=True)
class Conversion:
    output: Path
    seconds: float


def _profile_arg(profile: Path, locale: str | None = None) -> str:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    item = _LOCALE_ITEM.format(tag=locale) if locale else ""
    (user / "registrymodifications.xcu").write_text(_REGISTRY.format(locale=item), encoding="utf-8")
    return f"-env:UserInstallation={profile.resolve().as_uri()}"


def convert(
    source: Path | str,
    out_dir: Path | str,
    fmt: str = "xlsx",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    locale: str | None = None,
) -> Conversion:
    """Open `source` in headless LibreOffice, recalculate every formula, save it as `fmt`
    in `out_dir` (same stem); `locale` (e.g. "fr-FR") sets the number formats used for
    text output (PDF, CSV) instead of the system's. Raises UserError (French) when LibreOffice is absent, fails,
    or takes longer than `timeout` seconds (it is then stopped)."""
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    output = out_dir / f"{source.stem}.{fmt.split(':', 1)[0]}"
    output.unlink(missing_ok=True)
    seconds = _convert(source, out_dir, FILTERS.get(fmt, fmt), fmt, timeout, locale, (output,))
    return Conversion(output, seconds)


def displayed_sheets(
    source: Path | str,
    out_dir: Path | str,
    *,
    locale: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> dict[str, list[list[str]]]:
    """Every sheet of the workbook `source`, recalculated, as LibreOffice displays it in
    `locale`: per sheet title, its rows of cell texts as shown (« 1 350,50 € »)."""
    source, out_dir = Path(source).resolve(), Path(out_dir).resolve()
    titles = _sheet_titles(source)
    outputs = tuple(out_dir / f"{source.stem}-{title}.csv" for title in titles)
    for output in outputs:
        output.unlink(missing_ok=True)
    _convert(source, out_dir, FILTERS["csv-sheets"], "csv", timeout, locale, outputs)
    with_text = {}
    for title, output in zip(titles, outputs):
        with open(output, encoding="utf-8", newline="") as handle:
            with_text[title] = list(csv.reader(handle))
    return with_text


def _sheet_titles(source: Path) -> list[str]:
    """The titles of the visible sheets (what a CSV export of all sheets writes)."""
    from openpyxl import load_workbook  # a test and check helper: kept off the start-up path

    wb = load_workbook(source, read_only=True)
    try:
        return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    finally:
        wb.close()


def _convert(
    source: Path,
    out_dir: Path,
    target: str,
    fmt: str,
    timeout: float,
    locale: str | None,
    outputs: tuple[Path, ...],
) -> float:
    """One `--convert-to` run; its duration in seconds, or UserError if an output is missing."""
    if not source.is_file():
        raise UserError(f"Fichier introuvable : {source}.")
    if out_dir == source.parent:
        raise ValueError("out_dir must differ from the source's folder (same file name)")
    soffice = require_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pnae-lo-") as tmp:
        command = [
            soffice,
            _profile_arg(Path(tmp) / "profile", locale),
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(source),
        ]
        returncode, out, err, seconds = _run(command, soffice, source, timeout)
    if returncode != 0 or not all(output.is_file() for output in outputs):
        detail = (err or out or "").strip().splitlines()
        why = f" ({detail[-1][:200]})" if detail else ""
        raise UserError(f"LibreOffice n'a pas pu convertir « {source.name} » en {fmt}{why}.")
    return seconds


def _run(command: list[str], soffice: str, source: Path, timeout: float) -> tuple[int, str, str, float]:
    """Run one conversion in its own process group: (exit code, stdout, stderr, seconds)."""
    start = time.perf_counter()
    popen_options = (
        {"start_new_session": True}
        if os.name == "posix"
        else {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    )
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen_options,
        )
    except OSError as exc:
        raise UserError(f"LibreOffice n'a pas pu être lancé ({soffice}) : {exc.strerror or exc}.") from exc
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise UserError(
            f"LibreOffice n'a pas terminé la conversion de « {source.name} » en "
            f"{timeout:.0f} secondes : conversion abandonnée."
        ) from None
    seconds = time.perf_counter() - start
    return process.returncode, out, err, seconds


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop a conversion that hangs, with the children it started (its own process group)."""
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()


def recalculate(source: Path | str, out_dir: Path | str, *, timeout: float = DEFAULT_TIMEOUT) -> Conversion:
    """A copy of the workbook `source` recalculated and saved by LibreOffice (.xlsx), whose
    cached values can then be read (openpyxl `data_only=True`)."""
    return convert(source, out_dir, "xlsx", timeout=timeout)
