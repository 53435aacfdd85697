"""Connecting to a team store on a real PostgreSQL: a French sentence for an unreachable server
(a closed local port), a wrong password (a role with a password), a missing database, another
application's database and a newer version's; the password kept in the credential store (an
in-memory keyring backend here: the Windows Credential Manager cannot be exercised on this
machine); an empty database initialised only by an explicit act; a migration preceded by a
backup (pg_dump, else a dump of every table)."""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys

import pytest
from alembic import command as alembic_command
from sqlalchemy import create_engine, make_url, text

from pnae_desktop.errors import StoreError
from pnae_desktop.services import demo, praes, team
from pnae_desktop.services.workspace import Workspace
from pnae_desktop.store import migrate
from pnae_desktop.store import team as store_team
from pnae_desktop.store.database import EmptyDatabaseError, Store
from pnae_desktop.store.opening import open_for_reading, open_for_writing
from pnae_desktop.store.schema import HEAD_REVISION


def connection_of(url: str, database: str | None = None, user: str | None = None) -> team.TeamConnection:
    parsed = make_url(url)
    return team.TeamConnection(
        parsed.host or "127.0.0.1", parsed.port or 5432, database or str(parsed.database), user or str(parsed.username)
    )


def admin(url: str, *statements: str) -> None:
    engine = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        for statement in statements:
            con.execute(text(statement))
    engine.dispose()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_password_lives_in_the_credential_store_only(memory_keyring, pg_url):
    conn = connection_of(pg_url)
    team.save_password(conn, "pnae")
    assert team.load_password(conn) == "pnae"
    assert memory_keyring.passwords == {(team.KEYRING_SERVICE, conn.label): "pnae"}
    assert "pnae:pnae" not in conn.label
    team.forget_password(conn)
    assert team.load_password(conn) is None


def test_unreachable_server(pg_url):
    conn = team.TeamConnection("127.0.0.1", closed_port(), "pnae", "pnae")
    with pytest.raises(StoreError, match="ne répond pas"):
        team.probe(conn, "pnae")


def test_wrong_password_for_a_role_with_a_password(pg_url):
    role = "pnae_teamlive_marie"
    admin(pg_url, f"DROP ROLE IF EXISTS {role}", f"CREATE ROLE {role} LOGIN PASSWORD 'juste'")
    conn = connection_of(pg_url, user=role)
    with pytest.raises(StoreError, match="mot de passe n'est pas le bon"):
        team.probe(conn, "faux")
    assert team.probe(conn, "juste").empty  # the right one reaches the (empty) database


def test_missing_database(pg_url):
    with pytest.raises(StoreError, match="n'existe pas sur ce serveur"):
        team.probe(connection_of(pg_url, database="pnae_teamlive_absente"), "pnae")


def test_another_applications_database_and_a_newer_one_are_refused_untouched(pg_url):
    engine = create_engine(pg_url)
    with engine.begin() as con:
        con.execute(text("CREATE TABLE clients (id integer primary key)"))
    with pytest.raises(StoreError, match="autre application"):
        team.probe(connection_of(pg_url), "pnae")
    with engine.begin() as con:
        con.execute(text("DROP TABLE clients"))
        con.execute(text("CREATE TABLE alembic_version (version_num varchar(32) primary key)"))
        con.execute(text("INSERT INTO alembic_version VALUES ('9999')"))
    with pytest.raises(StoreError, match="version plus récente"):
        team.probe(connection_of(pg_url), "pnae")
    with engine.connect() as con:
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_an_empty_database_is_initialised_only_on_request(pg_url):
    with pytest.raises(EmptyDatabaseError, match="est vide"):
        open_for_writing(url=pg_url)
    with pytest.raises(StoreError):
        open_for_reading(url=pg_url)
    with pytest.raises(EmptyDatabaseError):
        Workspace(url=pg_url).prepare()
    assert tables(pg_url) == set()
    team.initialise(connection_of(pg_url), "pnae")  # « Initialiser la base »
    assert "alembic_version" in tables(pg_url)
    with pytest.raises(StoreError, match="déjà initialisée"):
        team.initialise(connection_of(pg_url), "pnae")


def cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pnae_desktop", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "XDG_DATA_HOME": str(cwd / "xdg")},
        check=False,
    )


def test_read_commands_never_initialise_write_commands_say_they_did(pg_url, tmp_path):
    for command in (
        ["list"],
        ["show", "--prae", "1"],
        ["package", "export", "--prae", "1", "--out", str(tmp_path / "x.prae")],
    ):
        result = cli(*command, "--db-url", pg_url, cwd=tmp_path)
        assert result.returncode == 2 and "aucune donnée" in result.stderr, result.stderr
    assert tables(pg_url) == set()
    result = cli("init", "--db-url", pg_url, cwd=tmp_path)
    assert result.returncode == 0 and "Base initialisée pour PNAE Desktop" in result.stdout
    assert cli("init", "--db-url", pg_url, cwd=tmp_path).stdout.startswith("Déjà initialisée")
    assert cli("list", "--db-url", pg_url, cwd=tmp_path).returncode == 0


def test_demo_on_an_empty_database_says_it_initialised_it(pg_url, tmp_path):
    result = cli("demo", "--db-url", pg_url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Base initialisée pour PNAE Desktop")


@pytest.fixture
def old_database(pg_url, catalogue):
    """A database at revision 0001 holding the demo PRAE: written by today's services at the
    head revision, then taken down to 0001 by the migrations' own downgrades."""
    engine = create_engine(pg_url)
    with engine.begin() as con:
        migrate.upgrade(con, "head")
    raw = Store(engine, "old")
    prae_id = demo.create_demo(raw, catalogue)
    with engine.begin() as con:
        config = migrate.alembic_config()
        config.attributes["connection"] = con
        alembic_command.downgrade(config, "0001")
    raw.close()
    return prae_id


def test_migrating_saves_a_pg_dump_first(pg_url, old_database, tmp_path, monkeypatch):
    monkeypatch.setattr(store_team, "backups_folder", lambda: tmp_path / "sauvegardes")
    store = team.open_team_store(pg_url)
    try:
        assert store.migration_backup is not None and store.migration_backup.suffix == ".dump"
        assert store.migration_backup.stat().st_size > 10_000
        assert praes.list_praes(store)[0].id == old_database
    finally:
        store.close()
    with create_engine(pg_url).connect() as con:
        assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD_REVISION


def test_without_pg_dump_every_table_is_dumped_as_it_stands(pg_url, old_database, tmp_path, monkeypatch):
    monkeypatch.setattr(store_team.shutil, "which", lambda _name: None)
    monkeypatch.setattr(store_team, "backups_folder", lambda: tmp_path / "sauvegardes")
    with create_engine(pg_url).connect() as con:
        charges_before = con.execute(text("SELECT count(*) FROM charge_lines")).scalar()
    store = team.open_team_store(pg_url)
    try:
        saved = store.migration_backup
        assert saved is not None and saved.name.endswith(".json.gz")
        assert praes.list_praes(store)[0].id == old_database
    finally:
        store.close()
    with gzip.open(saved, "rt", encoding="utf-8") as file:
        dump = json.load(file)
    tables = dump["tables"]
    assert "version" not in tables["charge_lines"]["columns"]  # the 0001 schema, as it stood
    assert "presence" not in tables and tables["alembic_version"]["rows"] == [["0001"]]
    assert len(tables["charge_lines"]["rows"]) == charges_before > 0
    assert [row[tables["praes"]["columns"].index("id")] for row in tables["praes"]["rows"]] == [old_database]
