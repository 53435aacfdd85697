"""`pnae-desktop check` finds real damage (issue 13, finding 3): an index out of step with its
table, undecodable text, broken references, an empty file, a foreign SQLite database, a newer
schema, a missing version row; it says whether a backup can replace the file; exit 0 healthy,
1 damage found, 2 cannot be checked; and it never writes."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from pathlib import Path

import pytest

from pnae_desktop.cli.main import main
from pnae_desktop.services import demo
from pnae_desktop.store import backup, health
from pnae_desktop.store.database import open_store
from pnae_desktop.store.integrity import quick_check


@pytest.fixture
def demo_file(tmp_path, catalogue) -> Path:
    path = tmp_path / "pnae.sqlite"
    store = open_store(path)
    demo.create_demo(store, catalogue)
    store.close()
    return path


def _state(path: Path) -> tuple[str, set[str]]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), {p.name for p in path.parent.iterdir()}


def _check(path: Path, capsys) -> tuple[int, str, str]:
    """`pnae-desktop check --db path`, asserting it changed nothing."""
    before = _state(path) if path.is_file() else None
    code = main(["check", "--db", str(path)])
    out = capsys.readouterr()
    if before is not None:
        assert _state(path) == before, "check wrote to the store or beside it"
    return code, out.out, out.err


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    for statement in statements:
        con.execute(statement)
    con.commit()
    con.close()


def _duplicate_behind_the_index(path: Path) -> None:
    """Insert a duplicate financing line the UNIQUE index does not know of: the index is
    detached (its pages kept), the row inserted, then the index put back as it was."""
    con = sqlite3.connect(path)
    (table_sql,) = con.execute("SELECT sql FROM sqlite_master WHERE name = 'financing_lines'").fetchone()
    index = con.execute(
        "SELECT name, rootpage FROM sqlite_master WHERE tbl_name = 'financing_lines' AND name LIKE 'sqlite_autoindex%'"
    ).fetchone()
    plain = re.sub(r",\s*(?:CONSTRAINT\s+\w+\s+)?UNIQUE\s*\([^)]*\)", "", table_sql)
    assert plain != table_sql
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'financing_lines'", (plain,))
    con.execute("DELETE FROM sqlite_master WHERE name = ?", (index[0],))
    con.commit()
    con.close()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO financing_lines (action_id, year, funder_id, amount_cents, status) "
        "SELECT action_id, year, funder_id, amount_cents, status FROM financing_lines ORDER BY id LIMIT 1"
    )
    con.commit()
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'financing_lines'", (table_sql,))
    con.execute(
        "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('index', ?, 'financing_lines', ?, NULL)",
        index,
    )
    con.commit()
    con.close()


def test_healthy_store_is_sain_and_untouched(demo_file, capsys):
    assert _check(demo_file, capsys)[:2] == (0, f"« {demo_file} » est sain.\n")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_read_only_store_in_read_only_folder_is_checked(demo_file, capsys):
    demo_file.chmod(0o444)
    demo_file.parent.chmod(0o555)
    try:
        assert _check(demo_file, capsys)[0] == 0
    finally:
        demo_file.parent.chmod(0o755)
        demo_file.chmod(0o644)


def test_index_out_of_step_and_the_duplicate_it_hides_are_found(demo_file, capsys):
    _duplicate_behind_the_index(demo_file)
    assert quick_check(demo_file) == []  # what `check` looked at before: "sain"
    code, out, err = _check(demo_file, capsys)
    assert code == 1 and "est sain" not in out
    assert "missing from index sqlite_autoindex_financing_lines_1" in err
    assert "ligne de financement en double dans « financing_lines »" in err


def test_undecodable_text_is_named_by_table_row_and_column(demo_file, capsys):
    _sql(demo_file, "UPDATE prae_actions SET title = CAST(x'ff' AS TEXT) WHERE id = (SELECT min(id) FROM prae_actions)")
    connection = sqlite3.connect(demo_file)  # closed now: left to the garbage collector, its WAL
    (row,) = connection.execute("SELECT min(id) FROM prae_actions").fetchone()  # would vanish mid-check
    connection.close()
    code, _out, err = _check(demo_file, capsys)
    assert code == 1
    assert f"table « prae_actions », ligne n° {row}, colonne « title » : texte illisible" in err


def test_broken_reference_is_found(demo_file, capsys):
    _sql(demo_file, "PRAGMA foreign_keys = OFF", "UPDATE financing_lines SET funder_id = 9999 WHERE id = 1")
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "table « financing_lines », ligne n° 1 : référence vers « funders » introuvable" in err


def test_link_across_two_praes_is_found(demo_file, capsys):
    _sql(
        demo_file,
        "INSERT INTO praes (uid, organisation_id, region_code, region_name, title, start_year, end_year, status,"
        " catalogue_edition, created_at, updated_at) SELECT 'autre-prae', organisation_id, region_code, region_name,"
        " 'Autre', start_year, end_year, status, catalogue_edition, created_at, updated_at FROM praes LIMIT 1",
        "UPDATE funders SET prae_id = (SELECT id FROM praes WHERE uid = 'autre-prae')"
        " WHERE id = (SELECT funder_id FROM financing_lines WHERE id = 1)",
    )
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "ligne n° 1 : ligne de financement dont le financeur appartient à un autre PRAE" in err


def test_empty_file_is_reported(tmp_path, capsys):
    empty = tmp_path / "vide.sqlite"
    empty.touch()
    code, out, err = _check(empty, capsys)
    assert code == 1 and "est vide (0 octet)" in err and "est sain" not in out


def test_foreign_sqlite_database_is_reported_as_such(tmp_path, capsys):
    other = tmp_path / "autre.sqlite"
    _sql(other, "CREATE TABLE contacts (id INTEGER PRIMARY KEY, nom TEXT)", "INSERT INTO contacts (nom) VALUES ('x')")
    code, _out, err = _check(other, capsys)
    assert code == 1 and "base SQLite d'une autre application (contacts)" in err


def test_foreign_application_id_is_reported(demo_file, capsys):
    _sql(demo_file, "PRAGMA application_id = 1234")
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "d'une autre application" in err


def test_newer_schema_is_reported(demo_file, capsys):
    _sql(demo_file, "UPDATE alembic_version SET version_num = '9999'")
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "version plus récente de PNAE Desktop (schéma « 9999 »)" in err


def test_missing_version_row_is_reported(demo_file, capsys):
    _sql(demo_file, "DELETE FROM alembic_version")
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "n'indique pas sa version de schéma" in err


def test_missing_version_table_is_reported(demo_file, capsys):
    _sql(demo_file, "DROP TABLE alembic_version")
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "table « alembic_version » absente" in err


@pytest.mark.parametrize("kind", ["missing", "folder", "garbage"])
def test_what_cannot_be_checked_exits_2(tmp_path, capsys, kind):
    path = tmp_path / "pnae.sqlite"
    if kind == "folder":
        path.mkdir()
    elif kind == "garbage":
        path.write_bytes(b"PK\x03\x04 not a database at all" * 100)
    code, out, err = _check(path, capsys)
    assert code == 2 and out == "" and str(path) in err


def test_says_which_backup_can_replace_a_damaged_store(demo_file, capsys):
    made = backup.backup_now(demo_file, backup.REASON_MANUAL)
    _sql(demo_file, "DELETE FROM alembic_version")
    code, _out, err = _check(demo_file, capsys)
    assert code == 1 and "Une sauvegarde peut le remplacer" in err and made.name in err
    report = health.check_store(demo_file)
    assert [info.path for info in report.usable_backups] == [made]


def test_says_when_no_backup_can_replace_it(demo_file, capsys):
    _sql(demo_file, "DELETE FROM alembic_version")
    assert "Aucune sauvegarde lisible" in _check(demo_file, capsys)[2]


def test_healthy_report_has_no_advice(demo_file):
    report = health.check_store(demo_file)
    assert report.exit_code == 0 and report.problems == [] and report.advice() == []
