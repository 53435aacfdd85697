"""Connecting to a team store: the password in the operating system's credential store (the
`keyring` library: Windows Credential Manager, macOS Keychain, Secret Service), never in a
settings file; checking what the database holds before opening it; initialising an empty one
only on request; and the backup before a migration (pg_dump, else a dump of every table)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from pnae_desktop.errors import StoreError
from pnae_desktop.store import team as store_team
from pnae_desktop.store.database import Store, open_url
from pnae_desktop.store.team import DatabaseState, TeamConnection

KEYRING_SERVICE = "PNAE Desktop — base d'équipe"

__all__ = ["DatabaseState", "TeamConnection"]


# -- the password, in the OS credential store -------------------------------------------------
def save_password(connection: TeamConnection, password: str) -> None:
    import keyring  # the credential store: only when connecting to a team store
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, connection.label, password)
    except KeyringError as exc:
        raise StoreError(
            f"Le mot de passe n'a pas pu être enregistré dans le coffre du système : {exc}. "
            "Il vous sera demandé à la prochaine connexion."
        ) from None


def load_password(connection: TeamConnection) -> str | None:
    import keyring  # the credential store: only when connecting to a team store
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, connection.label)
    except KeyringError:
        return None


def forget_password(connection: TeamConnection) -> None:
    import keyring  # the credential store: only when connecting to a team store
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, connection.label)
    except (PasswordDeleteError, KeyringError):
        pass


# -- what the database holds ------------------------------------------------------------------
def probe(connection: TeamConnection, password: str | None) -> DatabaseState:
    """Connect and look; raises StoreError (a French sentence) for an unreachable server, a wrong
    password, a missing database, another application's or a newer version's database."""
    engine = create_engine(connection.url(password))
    try:
        state = store_team.inspect_database(engine)
    finally:
        engine.dispose()
    refusal = store_team.state_message(state, connection.label)
    if refusal is not None:
        raise StoreError(refusal)
    return state


def initialise(connection: TeamConnection, password: str | None) -> None:
    """Give an empty database its tables (the explicit « Initialiser la base »)."""
    state = probe(connection, password)
    if not state.empty:
        raise StoreError(f"La base « {connection.label} » n'est pas vide : elle est déjà initialisée.")
    open_url(connection.url(password), initialise=True).close()


# -- the backup before a migration -------------------------------------------------------------
def migration_backup(engine: Engine, folder: Path | None = None) -> Path | None:
    """pg_dump when it is on PATH; otherwise every table's rows in one gzipped JSON file, read
    through the database's own (older) schema. Returns where the backup is."""
    dumped = store_team.pg_dump_backup(engine, folder)
    if dumped is not None:
        return dumped
    return store_team.table_dump_backup(engine, folder)


def open_team_store(url: str, *, initialise: bool = False) -> Store:
    """The team store at `url` for the app: an empty database only with `initialise`, a
    migration only after `migration_backup`."""
    return open_url(url, initialise=initialise, backup=migration_backup)
