"""The atomic writer of exports (issue 13): documents private under the usual umask (finding
12); temporary files with a recognisable name, swept once abandoned (finding 11)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pnae_desktop.exports.files import atomic_output, process_alive, sweep_stale_temp_files, temp_path

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def live_pid():
    """A running process other than this one."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield proc.pid
    proc.stdin.close()
    proc.wait()


@pytest.fixture
def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def _touch(path: Path, age_seconds: float = 0.0) -> Path:
    path.write_bytes(b"x" * 1000)
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


@POSIX
def test_the_exported_document_is_private_under_umask_022(tmp_path, umask_022):
    out = tmp_path / "prae.pdf"
    with atomic_output(out) as tmp:
        assert _mode(tmp) == 0o600  # from its creation, before any byte is written
        with open(tmp, "wb") as fh:  # the writers open the path again, as reportlab does
            fh.write(b"%PDF-1.7")
    assert out.read_bytes() == b"%PDF-1.7" and _mode(out) == 0o600


@POSIX
def test_replacing_a_readable_document_makes_it_private(tmp_path, umask_022):
    out = tmp_path / "budget.xlsx"
    out.write_bytes(b"old")
    out.chmod(0o644)
    from openpyxl import Workbook

    with atomic_output(out) as tmp:
        Workbook().save(tmp)
    assert _mode(out) == 0o600 and out.read_bytes()[:2] == b"PK"


def test_temp_file_is_beside_the_target_with_a_recognisable_name(tmp_path):
    out = tmp_path / "doc.pdf"
    with atomic_output(out) as tmp:
        assert tmp.parent == tmp_path
        assert tmp.name.startswith(f".doc.pdf.pnae-tmp-{os.getpid()}-")
        tmp.write_bytes(b"data")
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]
    assert temp_path(out) != temp_path(out)  # two exports of one process never share a name


def test_a_failed_export_leaves_no_temp_file_and_the_previous_document(tmp_path):
    out = tmp_path / "doc.pdf"
    out.write_bytes(b"previous")
    with pytest.raises(RuntimeError):
        with atomic_output(out) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("writer failed")
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"] and out.read_bytes() == b"previous"


def test_process_alive(live_pid, dead_pid):
    assert process_alive(os.getpid()) and process_alive(live_pid)
    assert not process_alive(dead_pid)


def test_sweep_removes_only_abandoned_temp_files(tmp_path, live_pid, dead_pid):
    dead = _touch(tmp_path / f".doc.pdf.pnae-tmp-{dead_pid}-0a1b2c3d")
    live = _touch(tmp_path / f".doc.pdf.pnae-tmp-{live_pid}-0a1b2c3d")
    mine = _touch(tmp_path / f".budget.xlsx.pnae-tmp-{os.getpid()}-0a1b2c3d")
    old = _touch(tmp_path / f".vieux.pdf.pnae-tmp-{live_pid}-0a1b2c3d", age_seconds=2 * 3600)
    legacy_old_dead = _touch(tmp_path / f".doc.pdf.{dead_pid}.tmp", age_seconds=2 * 3600)
    legacy_fresh_dead = _touch(tmp_path / f".doc2.pdf.{dead_pid}.tmp")
    others = [
        _touch(tmp_path / "doc.pdf", age_seconds=5 * 3600),
        _touch(tmp_path / ".notes.tmp", age_seconds=5 * 3600),
        _touch(tmp_path / ".x.pnae-tmp-abc", age_seconds=5 * 3600),
    ]
    (tmp_path / f".dossier.pnae-tmp-{dead_pid}-0a1b2c3d").mkdir()

    removed = sweep_stale_temp_files(tmp_path)

    assert sorted(removed) == sorted([dead, old, legacy_old_dead])
    for kept in [live, mine, legacy_fresh_dead, *others]:
        assert kept.exists(), kept.name
    assert (tmp_path / f".dossier.pnae-tmp-{dead_pid}-0a1b2c3d").is_dir()


def test_sweep_of_a_missing_folder_does_nothing(tmp_path):
    assert sweep_stale_temp_files(tmp_path / "absent") == []


def test_each_write_sweeps_its_folder_first(tmp_path, dead_pid):
    killed = _touch(tmp_path / f".prae.pdf.pnae-tmp-{dead_pid}-deadbeef")
    with atomic_output(tmp_path / "autre.pdf") as tmp:
        assert not killed.exists()
        tmp.write_bytes(b"ok")


def test_a_killed_export_leaves_a_temp_file_the_next_export_removes(tmp_path):
    script = (
        "import os, sys\n"
        "from pnae_desktop.exports.files import atomic_output\n"
        "with atomic_output(sys.argv[1]) as tmp:\n"
        "    tmp.write_bytes(b'x' * 100000)\n"
        "    os._exit(9)  # killed mid-export\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "doc.pdf")], check=False)
    left = [p for p in tmp_path.iterdir() if ".pnae-tmp-" in p.name]
    assert len(left) == 1 and not (tmp_path / "doc.pdf").exists()
    with atomic_output(tmp_path / "doc.pdf") as tmp:
        tmp.write_bytes(b"complete")
    assert [p.name for p in tmp_path.iterdir()] == ["doc.pdf"]


@POSIX
def test_folders_made_for_an_export_are_private(tmp_path, umask_022):
    from pnae_desktop.paths import make_private_dirs as make_private_dir

    existing = tmp_path / "existant"
    existing.mkdir(mode=0o755)
    target = existing / "exports" / "2026"
    make_private_dir(target)
    make_private_dir(target)  # already there: nothing to do
    assert _mode(existing) == 0o755
    assert _mode(existing / "exports") == 0o700 and _mode(target) == 0o700
    with pytest.raises(NotADirectoryError):
        make_private_dir(_touch(tmp_path / "fichier"))
