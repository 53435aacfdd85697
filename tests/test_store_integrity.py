"""quick_check / integrity_check on real files: healthy, new, missing, truncated, garbage;
never writing to the checked file nor creating -wal/-shm beside it."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pnae_desktop.store import integrity
from pnae_desktop.store.integrity import integrity_check, quick_check

CHECKS = pytest.mark.parametrize("check", [quick_check, integrity_check], ids=["quick", "integrity"])
PAGE = 4096


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def _make_db(path: Path, rows: int = 1500, wal: bool = True) -> Path:
    con = sqlite3.connect(path)
    if wal:
        con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT)")
    con.execute("CREATE INDEX ix_t_label ON t (label)")
    labels = [(f"ligne {i} " + "x" * 150,) for i in range(rows)]
    con.executemany("INSERT INTO t (label) VALUES (?)", labels)
    con.commit()
    con.close()  # the last close checkpoints and removes -wal/-shm
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def healthy(tmp_path) -> Path:
    return _make_db(tmp_path / "pnae.sqlite")


def _assert_untouched(path: Path, check) -> list[str]:
    before_sha, before_files = _sha(path), _siblings(path)
    problems = check(path)
    assert _sha(path) == before_sha
    assert _siblings(path) == before_files, "the check created files beside the store"
    return problems


@CHECKS
def test_healthy_wal_store_is_ok_and_untouched(healthy, check):
    assert _assert_untouched(healthy, check) == []


@CHECKS
def test_real_app_store_is_ok(sqlite_store, db_path, check):
    from pnae_desktop.services import praes
    from pnae_desktop.store.models import OrganisationRow, PraeRow

    with sqlite_store.transaction() as session:
        org = OrganisationRow(name="ARML", region_code="11")
        session.add(
            PraeRow(
                organisation=org,
                region_code="11",
                region_name="Île-de-France",
                title="P",
                start_year=2026,
                end_year=2028,
                catalogue_edition="t",
            )
        )
    praes.add_regional_action(sqlite_store, 1, "Action régionale")
    # The store is open (live -wal): the check reads through the WAL, changes nothing.
    assert check(db_path) == []
    sqlite_store.close()
    assert _assert_untouched(db_path, check) == []


@CHECKS
def test_zero_length_file_is_a_healthy_new_store(tmp_path, check):
    path = tmp_path / "nouveau.sqlite"
    path.write_bytes(b"")
    assert _assert_untouched(path, check) == []


@CHECKS
def test_missing_file_is_a_problem_naming_it(tmp_path, check):
    path = tmp_path / "absent.sqlite"
    problems = check(path)
    assert len(problems) == 1 and "introuvable" in problems[0] and str(path) in problems[0]
    assert not path.exists() and not list(tmp_path.iterdir())


@CHECKS
def test_directory_is_a_problem(tmp_path, check):
    problems = check(tmp_path)
    assert problems and "dossier" in problems[0]


@CHECKS
@pytest.mark.parametrize("cut", ["header", "pages", "half", "last_page", "partial_page"])
def test_truncated_file(healthy, check, cut):
    data = healthy.read_bytes()
    keep = {
        "header": 60,
        "pages": 3 * PAGE,
        "half": (len(data) // PAGE // 2) * PAGE,
        "last_page": len(data) - PAGE,
        "partial_page": len(data) - 1000,
    }[cut]
    healthy.write_bytes(data[:keep])
    problems = _assert_untouched(healthy, check)
    assert problems and "tronqué" in problems[0] and str(healthy) in problems[0]


@CHECKS
def test_random_bytes_after_the_header(tmp_path, check):
    path = tmp_path / "pnae.sqlite"
    path.write_bytes(integrity.SQLITE_HEADER + random.Random(1).randbytes(20_000))
    problems = _assert_untouched(path, check)
    assert problems and str(path) in problems[0]


@CHECKS
def test_random_bytes_after_a_valid_header_and_first_page(healthy, check):
    data = healthy.read_bytes()
    healthy.write_bytes(data[:PAGE] + random.Random(2).randbytes(len(data) - PAGE))
    problems = _assert_untouched(healthy, check)
    assert problems and str(healthy) in problems[0]


@CHECKS
def test_damaged_btree_page(healthy, check):
    data = bytearray(healthy.read_bytes())
    for page in (3, 7):  # b-tree pages of the table and its index
        data[page * PAGE : page * PAGE + 200] = random.Random(page).randbytes(200)
    healthy.write_bytes(bytes(data))
    problems = _assert_untouched(healthy, check)
    assert problems and all(str(healthy) in p for p in problems)


@CHECKS
def test_not_a_sqlite_file(tmp_path, check):
    path = tmp_path / "notes.sqlite"
    path.write_text("Ceci n'est pas une base de données.\n" * 20, encoding="utf-8")
    problems = _assert_untouched(path, check)
    assert problems == [f"« {path} » n'est pas une base SQLite (en-tête absent ou illisible)."]


def test_store_left_by_a_killed_writer_is_checked_through_its_wal(tmp_path):
    """A killed process leaves -wal/-shm: the check sees the committed rows in the WAL."""
    path = _make_db(tmp_path / "pnae.sqlite", rows=10)
    code = (
        "import sqlite3, os, sys\n"
        f"con = sqlite3.connect({str(path)!r})\n"
        "con.execute('PRAGMA wal_autocheckpoint=0')\n"
        "for i in range(50):\n"
        "    con.execute('INSERT INTO t (label) VALUES (?)', (f'wal {i}',)); con.commit()\n"
        "print('done', flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "done" in proc.stdout
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    before = _sha(path)
    assert quick_check(path) == []
    assert integrity_check(path) == []
    assert _sha(path) == before
    con = integrity.connect_readonly(path)
    try:
        assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 60
    finally:
        con.close()


def test_check_is_fast_on_a_typical_store(healthy):
    started = time.perf_counter()
    assert quick_check(healthy) == []
    assert time.perf_counter() - started < 2.0


def test_module_does_not_import_sqlalchemy():
    code = (
        "import sys\n"
        "import pnae_desktop.store.integrity, pnae_desktop.store.backup, pnae_desktop.store.lock\n"
        "heavy = ('sqlalchemy', 'alembic', 'PySide6')\n"
        "print([m for m in sys.modules if m.split('.')[0] in heavy])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("folder", ["dossier avec espaces", "é#1 ?%20 & co", "données;x=1"])
def test_awkward_folder_names(tmp_path, folder):
    path = tmp_path / folder / "pnae.sqlite"
    path.parent.mkdir()
    _make_db(path, rows=20)
    assert _assert_untouched(path, quick_check) == []
    con = integrity.connect_readonly(path)
    try:
        assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 20
    finally:
        con.close()
    assert integrity.file_uri(path).startswith("file:///")
