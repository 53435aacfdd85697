"""A team store on a PostgreSQL server: its URL from the connection form's fields, a French
sentence for each way a connection fails, what the database holds (nothing, ours, another
application's, a newer version's), and the backup taken before a migration (pg_dump)."""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import URL, MetaData, inspect, make_url, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from pnae_desktop import paths
from pnae_desktop.errors import StoreError
from pnae_desktop.store.schema import HEAD_REVISION, KNOWN_REVISIONS

DRIVER = "postgresql+psycopg"
CONNECT_TIMEOUT_S = 5


@dataclass(frozen=True)
class TeamConnection:
    """The connection form's fields; the password is never stored here (see services.team)."""

    host: str
    port: int
    database: str
    user: str

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> str:
        return URL.create(
            DRIVER,
            username=self.user,
            password=password or None,
            host=self.host,
            port=self.port,
            database=self.database,
            query={"connect_timeout": str(CONNECT_TIMEOUT_S)},
        ).render_as_string(hide_password=False)


def connection_message(exc: BaseException, label: str) -> str:
    """What went wrong, in French, from the driver's (English) error."""
    raw = str(getattr(exc, "orig", None) or exc)
    low = raw.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"Connexion refusée à « {label} » : le nom d'utilisateur ou le mot de passe n'est pas le bon. "
            "Vérifiez-les auprès de votre service informatique."
        )
    if "does not exist" in low and "database" in low:
        return f"La base « {label} » n'existe pas sur ce serveur : vérifiez son nom (champ « Base »)."
    if "failed to resolve host" in low or "could not translate host name" in low:
        return f"Le serveur de « {label} » est introuvable : vérifiez son nom (champ « Serveur »)."
    if "no pg_hba.conf entry" in low:
        return (
            f"Le serveur de « {label} » n'accepte pas ce poste : votre service informatique doit "
            "l'autoriser (fichier pg_hba.conf)."
        )
    if "connection refused" in low or "timeout" in low or "timed out" in low or "could not connect" in low:
        return (
            f"Le serveur de « {label} » ne répond pas : vérifiez le nom du serveur et le port, et que "
            "ce poste est bien sur le réseau de l'association (ou son VPN)."
        )
    return f"Connexion impossible à « {label} » : {raw.splitlines()[0] if raw else exc.__class__.__name__}."


@dataclass(frozen=True)
class DatabaseState:
    revision: str | None  # None: an empty database
    foreign: bool = False  # tables that are not PNAE Desktop's

    @property
    def empty(self) -> bool:
        return self.revision is None and not self.foreign

    @property
    def newer(self) -> bool:
        return self.revision is not None and self.revision not in KNOWN_REVISIONS

    @property
    def needs_upgrade(self) -> bool:
        return self.revision is not None and not self.newer and self.revision != HEAD_REVISION


def inspect_database(engine: Engine) -> DatabaseState:
    """What the database holds; raises StoreError with a French sentence if it cannot be reached."""
    label = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" in tables:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                return DatabaseState(revision)
            return DatabaseState(None, foreign=bool(tables))
    except SQLAlchemyError as exc:
        raise StoreError(connection_message(exc, label)) from None


def state_message(state: DatabaseState, label: str) -> str | None:
    """The French refusal for a database the app cannot open as it is, None when it can."""
    if state.foreign:
        return (
            f"La base « {label} » contient les tables d'une autre application : ce n'est pas une base "
            "PNAE Desktop. Elle n'a pas été modifiée ; demandez une base vide à votre service informatique."
        )
    if state.newer:
        return (
            f"La base « {label} » a été mise à niveau par une version plus récente de PNAE Desktop "
            f"(schéma « {state.revision} »). Mettez l'application à jour sur ce poste ; la base n'a pas été modifiée."
        )
    return None


def backups_folder() -> Path:
    return paths.user_data_dir() / "sauvegardes-equipe"


def pg_dump_backup(engine: Engine, folder: Path | None = None) -> Path | None:
    """A full copy of the database by pg_dump before a migration; None when pg_dump is not on
    PATH (the caller then dumps the tables: table_dump_backup). Raises StoreError if pg_dump fails."""
    program = shutil.which("pg_dump")
    if program is None:
        return None
    url = make_url(engine.url)
    folder = folder or backups_folder()
    paths.make_private_dirs(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = folder / f"{url.database}-avant-mise-a-niveau-{stamp}.dump"
    env = {**os.environ, "PGPASSWORD": url.password or "", "PGCONNECT_TIMEOUT": str(CONNECT_TIMEOUT_S)}
    args = [program, "--format=custom", f"--file={out}", f"--host={url.host or 'localhost'}"]
    args += [f"--port={url.port or 5432}", f"--username={url.username or ''}", str(url.database)]
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        out.unlink(missing_ok=True)
        raise StoreError(
            "La sauvegarde avant mise à niveau a échoué (pg_dump) ; la base n'a pas été modifiée : "
            + (result.stderr.strip().splitlines() or ["erreur inconnue"])[-1]
        )
    return out


def table_dump_backup(engine: Engine, folder: Path | None = None) -> Path:
    """Without pg_dump: every table's rows as they are, read through the database's own schema
    (reflected, so an older revision is read as it stands, which today's models could not do),
    into one gzipped JSON file: {"tables": {name: {"columns": [...], "rows": [[...], ...]}}}.
    Decimals, dates and bytes are written as strings (bytes in base64)."""

    def plain(value: object) -> object:
        if isinstance(value, (bytes, memoryview)):
            return base64.b64encode(bytes(value)).decode("ascii")
        if isinstance(value, (str, int, float, bool)) or value is None:
            return value
        return str(value)  # Decimal, date, datetime

    metadata = MetaData()
    metadata.reflect(engine)
    tables: dict[str, object] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(select(table)).all()
            tables[table.name] = {"columns": list(table.columns.keys()), "rows": [[plain(v) for v in r] for r in rows]}
    folder = folder or backups_folder()
    paths.make_private_dirs(folder)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = folder / f"{make_url(engine.url).database}-avant-mise-a-niveau-{stamp}.json.gz"
    with gzip.open(out, "wt", encoding="utf-8") as file:
        json.dump({"format": "pnae-desktop-table-dump", "tables": tables}, file, ensure_ascii=False)
    return out
