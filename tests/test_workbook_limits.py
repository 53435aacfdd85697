"""Bounded reading (issue 13, finding 10): a workbook whose members inflate past the documented
limits (20 MB a member, 100 MB in all) is refused while decompressing, before openpyxl parses
anything, in French naming the file; the store is left byte for byte; memory stays small."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.cli.main import main
from pnae_desktop.errors import UserError
from pnae_desktop.exports import budget_import
from pnae_desktop.exports.workbook import reading
from pnae_desktop.services.demo import create_demo
from pnae_desktop.services.exports import write_budget_workbook
from pnae_desktop.store.database import open_store

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("limits")
    store = open_store(folder / "pnae.sqlite")
    create_demo(store, shipped_catalogues().default)
    write_budget_workbook(store, 1, folder / "budget.xlsx", app_version="test")
    store.close()
    return folder


def _with_padded_sheet(source: Path, out: Path, padding: int) -> None:
    """`source` with its first sheet padded by `padding` bytes of spaces (highly compressible)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == SHEET:
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
            zout.writestr(info.filename, data)


def _lie_about_sizes(path: Path, member: str, declared: int) -> None:
    """Patch the uncompressed size of `member` in its local header and in the central directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:  # local headers: size at +22
        (name_len,) = struct.unpack("<H", data[at + 26 : at + 28])
        if data[at + 30 : at + 30 + name_len] == name:
            data[at + 22 : at + 26] = struct.pack("<I", declared)
        at += 4
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:  # central directory: size at +24
        (name_len,) = struct.unpack("<H", data[at + 28 : at + 30])
        if data[at + 46 : at + 46 + name_len] == name:
            data[at + 24 : at + 28] = struct.pack("<I", declared)
        at += 4
    path.write_bytes(bytes(data))


def test_a_member_inflating_past_20_mb_is_refused_naming_the_file(exported, tmp_path, capsys):
    db = tmp_path / "pnae.sqlite"
    shutil.copy(exported / "pnae.sqlite", db)
    bomb = tmp_path / "budget piégé.xlsx"
    _with_padded_sheet(exported / "budget.xlsx", bomb, 30 * 1024 * 1024)
    assert bomb.stat().st_size < 1024 * 1024  # small on disk, 30 MB once inflated
    with pytest.raises(UserError, match="budget piégé.xlsx.*20 Mo"):
        budget_import.open_edited(bomb, 1)
    before = db.read_bytes()
    assert main(["import-budget", "--db", str(db), "--prae", "1", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert "budget piégé.xlsx" in err and "20 Mo" in err
    assert db.read_bytes() == before


def test_a_member_declared_small_but_inflating_big_is_refused(exported, tmp_path):
    bomb = tmp_path / "menteur.xlsx"
    _with_padded_sheet(exported / "budget.xlsx", bomb, 30 * 1024 * 1024)
    _lie_about_sizes(bomb, SHEET, 4096)
    with zipfile.ZipFile(bomb) as zf:
        assert zf.getinfo(SHEET).file_size == 4096  # the directory lies
    with pytest.raises(UserError, match="menteur.xlsx"):
        budget_import.open_edited(bomb, 1)


def test_the_total_is_bounded_too(exported, tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", 100 * 1024)
    with pytest.raises(UserError, match="budget.xlsx.*une fois décompressé"):
        budget_import.open_edited(exported / "budget.xlsx", 1)


def test_the_export_itself_reads_within_the_limits(exported):
    assert budget_import.open_edited(exported / "budget.xlsx", 1) is not None
    assert budget_import.open_edited((exported / "budget.xlsx").read_bytes(), 1, name="b.xlsx") is not None


def test_memory_stays_bounded_on_a_bomb(exported, tmp_path):
    bomb = tmp_path / "bombe.xlsx"
    _with_padded_sheet(exported / "budget.xlsx", bomb, 300 * 1024 * 1024)
    code = textwrap.dedent(
        f"""
        import resource
        from pnae_desktop.errors import UserError
        from pnae_desktop.exports import budget_import
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            budget_import.open_edited({str(bomb)!r}, 1)
        except UserError as exc:
            print("refused:", exc)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("delta_kb:", after - before)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and "bombe.xlsx" in done.stdout
    delta_kb = int(done.stdout.split("delta_kb:")[1])
    assert delta_kb < 200 * 1024, done.stdout
