"""Outputs never clobber data (issue 13, finding 4): an existing file is replaced only with
--force (CLI) or a confirmation (GUI); the open store and any SQLite file never are."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile

import pytest

from pnae_desktop.cli.main import main
from pnae_desktop.errors import UserError
from pnae_desktop.services import demo, outputs
from pnae_desktop.store.database import open_store

COMMANDS = {
    "convention": ("export", "convention", ".pdf"),
    "prae": ("export", "prae", ".pdf"),
    "budget": ("export", "budget", ".xlsx"),
    "package": ("package", "export", ".prae"),
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("outputs")
    path = folder / "pnae.sqlite"
    store = open_store(path)
    prae_id = demo.create_demo(store, catalogue)
    store.close()
    return path, prae_id


@pytest.fixture
def store_copy(demo_store, tmp_path):
    path, prae_id = demo_store
    copy = tmp_path / "pnae.sqlite"
    shutil.copy2(path, copy)
    return copy, prae_id


def _run(command: str, db, prae_id: int, out, *extra: str) -> int:
    return main([*COMMANDS[command][:2], "--db", str(db), "--prae", str(prae_id), "--out", str(out), *extra])


def _valid(command: str, out) -> bool:
    if command in ("budget", "package"):
        return zipfile.is_zipfile(out)
    return out.read_bytes().startswith(b"%PDF")


def _sqlite_file(path) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute("CREATE TABLE t (x)")
    con.close()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_existing_file_needs_force(command, store_copy, tmp_path, capsys):
    db, prae_id = store_copy
    out = tmp_path / f"document{COMMANDS[command][2]}"
    out.write_bytes(b"previous content")
    assert _run(command, db, prae_id, out) == 2
    assert out.read_bytes() == b"previous content"
    err = capsys.readouterr().err
    assert "existe déjà" in err and "--force" in err
    assert _run(command, db, prae_id, out, "--force") == 0
    assert _valid(command, out)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_open_store_is_refused_even_with_force(command, store_copy, capsys):
    db, prae_id = store_copy
    before = db.read_bytes()
    for extra in ((), ("--force",)):
        assert _run(command, db, prae_id, db, *extra) == 2
        assert "fichier de données ouvert" in capsys.readouterr().err
        assert db.read_bytes() == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_any_sqlite_file_is_refused_even_with_force(command, store_copy, tmp_path, capsys):
    db, prae_id = store_copy
    other = tmp_path / f"autre{COMMANDS[command][2]}"  # named like the document, SQLite inside
    _sqlite_file(other)
    before = other.read_bytes()
    for extra in ((), ("--force",)):
        assert _run(command, db, prae_id, other, *extra) == 2
        assert "SQLite" in capsys.readouterr().err
        assert other.read_bytes() == before


def test_check_output_rules(tmp_path):
    store = tmp_path / "pnae.sqlite"
    _sqlite_file(store)
    fresh = tmp_path / "new.pdf"
    assert outputs.check_output(fresh, store_path=store) == fresh
    assert not outputs.needs_confirmation(fresh, store_path=store)
    fresh.write_bytes(b"x")
    assert outputs.needs_confirmation(fresh, store_path=store)
    with pytest.raises(outputs.OutputExistsError):
        outputs.check_output(fresh, store_path=store)
    assert outputs.check_output(fresh, overwrite=True, store_path=store) == fresh
    link = tmp_path / "link.pdf"
    link.symlink_to(store)
    for target in (store, link, tmp_path / "pnae.sqlite-wal", tmp_path / "pnae.sqlite.lock"):
        with pytest.raises(UserError, match="fichier de données ouvert"):
            outputs.check_output(target, overwrite=True, store_path=store)
    with pytest.raises(UserError, match="dossier"):
        outputs.check_output(tmp_path, overwrite=True)
    assert outputs.is_sqlite_file(store) and not outputs.is_sqlite_file(fresh)
    assert not outputs.is_sqlite_file(tmp_path / "absent")
