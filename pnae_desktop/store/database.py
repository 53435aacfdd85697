"""Opening a store: a SQLite file by default, or any SQLAlchemy URL.

A file is inspected read-only before anything writes to it, so a file that is not a store,
or a store from a newer version of the app, is refused and left byte-for-byte untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from pnae_desktop import paths
from pnae_desktop.errors import StoreError
from pnae_desktop.store.backup import backup_before_migration
from pnae_desktop.store.schema import HEAD_REVISION, check_revision
from pnae_desktop.store.sqlite_file import inspect_sqlite_file


class Store:
    """An open store. Each `transaction()` is one unit of work: all of it commits, or none.

    Transactions nest by joining: a service called inside another's transaction (a composite
    edit, a workbook import, a snapshot read) works in the outer one, so one user action is
    one commit whatever services it calls. Each thread has its own unit of work."""

    def __init__(self, engine: Engine, label: str, path: Path | None = None):
        self.engine = engine
        self.label = label
        self.path = path
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._current: ContextVar[Session | None] = ContextVar(f"pnae-store-{id(self)}", default=None)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        joined = self._current.get()
        if joined is not None:
            yield joined  # an exception here propagates to the outer transaction, which rolls back
            return
        with self._sessions.begin() as session:
            token = self._current.set(session)
            try:
                yield session
            finally:
                self._current.reset(token)

    @property
    def in_transaction(self) -> bool:
        return self._current.get() is not None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


def _set_sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed edit survives a killed process and a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _upgrade(engine: Engine) -> None:
    from pnae_desktop.store import migrate  # Alembic is imported only when a migration is due

    with engine.begin() as connection:
        migrate.upgrade(connection)


def open_sqlite(path: Path | str) -> Store:
    path = Path(path).expanduser()
    revision = inspect_sqlite_file(path)
    check_revision(revision, str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Impossible de créer le dossier « {path.parent} » : {exc.strerror}.") from None
    if revision is not None and revision != HEAD_REVISION:
        backup_before_migration(path)  # a StoreError here stops the migration: nothing changes
    engine = create_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _set_sqlite_pragmas)
    store = Store(engine, str(path), path)
    if revision != HEAD_REVISION:
        try:
            _upgrade(engine)
        except (SQLAlchemyError, OSError) as exc:
            engine.dispose()
            raise StoreError(f"Impossible de préparer « {path} » : {exc}.") from None
    return store


def open_url(url: str) -> Store:
    """Any SQLAlchemy URL (PostgreSQL in practice)."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return open_sqlite(url[len("sqlite:///") :])
    try:
        engine = create_engine(url, pool_pre_ping=True)
        with engine.connect() as connection:
            insp = inspect(connection)
            tables = set(insp.get_table_names())
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            elif tables:
                raise StoreError(
                    f"La base « {engine.url.render_as_string(hide_password=True)} » contient des tables "
                    "qui ne viennent pas de PNAE Desktop ; elle n'a pas été modifiée."
                )
    except SQLAlchemyError as exc:
        raise StoreError(f"Connexion impossible à la base de données : {exc.__class__.__name__}.") from None
    except ModuleNotFoundError as exc:
        raise StoreError(f"Pilote de base de données absent : {exc.name}.") from None
    label = engine.url.render_as_string(hide_password=True)
    check_revision(revision, label)
    if revision != HEAD_REVISION:
        _upgrade(engine)
    return Store(engine, label)


def open_store(db: Path | str | None = None, url: str | None = None) -> Store:
    """Open `url` if given, else the SQLite file `db`, else the user's default store."""
    if url:
        return open_url(url)
    if db is None:
        db = paths.default_store_path()
    return open_sqlite(db)
