"""The open store (`Store`) and its engines: a SQLite file by default, or any SQLAlchemy URL.

A file is inspected read-only before anything writes to it, so a file that is not a store,
or a store from a newer version of the app, is refused and left byte-for-byte untouched.
The app and the CLI open stores through `store.opening` (checks, writer lock, read-only
opening); this module is its SQLAlchemy half.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from pnae_desktop import paths
from pnae_desktop.errors import StoreError
from pnae_desktop.store.backup import backup_before_migration
from pnae_desktop.store.integrity import file_uri, sidecar
from pnae_desktop.store.schema import APPLICATION_ID, HEAD_REVISION, check_revision
from pnae_desktop.store.sqlite_file import inspect_sqlite_file
from pnae_desktop.store.team import connection_message, pg_dump_backup

if TYPE_CHECKING:
    from pnae_desktop.store.lock import WriterLock


class Store:
    """An open store. Each `transaction()` is one unit of work: all of it commits, or none.

    Transactions nest by joining: a service called inside another's transaction (a composite
    edit, a workbook import, a snapshot read) works in the outer one, so one user action is
    one commit whatever services it calls. Each thread has its own unit of work."""

    def __init__(self, engine: Engine, label: str, path: Path | None = None, read_only: bool = False):
        self.engine = engine
        self.label = label
        self.path = path
        self.read_only = read_only
        self.writer_lock: WriterLock | None = None  # set by store.opening; released by close()
        self.initialised = False  # an empty database given its tables by this opening
        self.migration_backup: Path | None = None  # the backup taken before this opening's migration
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
        if self.writer_lock is not None:
            self.writer_lock.release()
            self.writer_lock = None


def _set_sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed edit survives a killed process and a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _set_read_only_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    # No journal_mode switch: a read leaves a rollback-journal file as it is.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection that creates nothing beside `path`. Without a `-wal` (no writer
    has the store open) it is opened `immutable`: a WAL writer starting meanwhile only appends
    to its own `-wal`, so the main file read here stays consistent for a command's short read."""
    uri = file_uri(path)
    uri += "?mode=ro" if sidecar(path, "-wal").exists() else "?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def sqlite_engine(path: Path, read_only: bool = False) -> Engine:
    """An engine on the SQLite file `path` itself: the path is never parsed as a URL (so "%41",
    "?", "#", spaces and accents name this very file)."""
    path_str = os.path.abspath(path)
    if read_only:
        engine = create_engine("sqlite://", creator=lambda: _connect_read_only(Path(path_str)), poolclass=QueuePool)
        event.listen(engine, "connect", _set_read_only_pragmas)
    else:
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(path_str, check_same_thread=False),
            poolclass=QueuePool,
        )
        event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def sqlite_url_path(url: str) -> Path | None:
    """The file of a `sqlite:///…` URL given on purpose (`--db-url`), None for other URLs and
    for an in-memory database."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _upgrade(engine: Engine) -> None:
    from pnae_desktop.store import migrate  # Alembic is imported only when a migration is due

    with engine.begin() as connection:
        migrate.upgrade(connection)
        if connection.dialect.name == "sqlite":  # in the same commit as the schema
            connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def _create_store_file(path: Path) -> None:
    """A new store is built whole beside its place, then moved in: SQLite commits each CREATE
    TABLE on its own, so a crash while building leaves only a hidden temporary file (swept like
    the exports' ones), never a store without its schema version at `path`."""
    tmp = path.with_name(f".{path.name}.pnae-tmp-{os.getpid()}-{secrets.token_hex(4)}")
    _create_private_file(tmp)
    engine = sqlite_engine(tmp)
    try:
        _upgrade(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        tmp.unlink(missing_ok=True)
        raise StoreError(f"Impossible de préparer « {path} » : {exc}.") from None
    engine.dispose()  # the last connection checkpoints the WAL into the file
    with open(tmp, "rb") as built:
        os.fsync(built.fileno())
    try:
        if path.exists() and path.stat().st_size == 0:
            os.replace(tmp, path)  # an empty file left there (by hand or an older crash)
        else:
            os.link(tmp, path)  # never over a store someone else made meanwhile
            tmp.unlink()
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"« {path} » vient d'être créé par un autre programme : réessayez.") from None
    except OSError as exc:
        if path.exists():
            tmp.unlink(missing_ok=True)
            raise StoreError(f"Impossible de créer « {path} » : {exc.strerror or exc}.") from None
        os.replace(tmp, path)  # no hard links on this file system: the writer lock keeps others out


def _create_private_file(path: Path) -> None:
    """Create the new store's file 0600 (POSIX; SQLite gives its -wal/-shm the same mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"Impossible de créer « {path} » : {exc.strerror or exc}.") from None
    os.close(fd)


def open_sqlite(path: Path | str, read_only: bool = False) -> Store:
    """The SQLite store at `path`. Prefer `store.opening`, which also checks health, takes the
    writer lock and never creates a file for a read; this is its last step."""
    path = Path(path).expanduser()
    revision = inspect_sqlite_file(path)
    check_revision(revision, str(path))
    if read_only:
        if revision is None:
            raise StoreError(f"« {path} » ne contient encore aucune donnée PNAE Desktop.")
        return Store(sqlite_engine(path, read_only=True), str(path), path, read_only=True)
    try:
        paths.make_private_dirs(path.parent)
    except OSError as exc:
        raise StoreError(f"Impossible de créer le dossier « {path.parent} » : {exc.strerror}.") from None
    if revision is not None and revision != HEAD_REVISION:
        backup_before_migration(path)  # a StoreError here stops the migration: nothing changes
    if revision is None:
        _create_store_file(path)
        revision = HEAD_REVISION
    engine = sqlite_engine(path)
    store = Store(engine, str(path), path)
    try:
        if revision != HEAD_REVISION:
            _upgrade(engine)
        else:
            _mark_as_ours(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise StoreError(f"Impossible de préparer « {path} » : {exc}.") from None
    return store


def _mark_as_ours(engine: Engine) -> None:
    """A store made before stores carried the application id gets it on its first write open."""
    with engine.connect() as connection:
        if connection.exec_driver_sql("PRAGMA application_id").scalar() == 0:
            connection.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            connection.commit()


def _inspect_url(engine: Engine, read_only: bool) -> str | None:
    label = engine.url.render_as_string(hide_password=True)
    with engine.connect() as connection:
        insp = inspect(connection)
        tables = set(insp.get_table_names())
        if "alembic_version" in tables:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        if tables:
            raise StoreError(
                f"La base « {label} » contient des tables qui ne viennent pas de PNAE Desktop ; "
                "elle n'a pas été modifiée."
            )
    if read_only:
        raise StoreError(
            f"La base « {label} » ne contient encore aucune donnée PNAE Desktop ; elle n'a pas été "
            "modifiée (une commande de lecture ne crée pas les tables)."
        )
    return None


class EmptyDatabaseError(StoreError):
    """An empty database opened without the explicit act that initialises it."""


BackupFn = Callable[[Engine], "Path | None"]


IDLE_PING_S = 10.0  # a pooled connection unused this long is checked before use


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection (one round trip) only when it comes back after IDLE_PING_S
    unused: the server may have restarted meanwhile. A connection in steady use is not pinged
    before every edit (`pool_pre_ping` did, one more round trip each time); one the server
    dropped anyway fails its statement, is invalidated, and the session retries the edit
    (services/concurrency.is_retryable)."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: object, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: object) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure: the pool opens a new connection
            raise DisconnectionError() from exc
        if not alive:
            raise DisconnectionError()


def open_url(url: str, read_only: bool = False, initialise: bool = True, backup: BackupFn | None = None) -> Store:
    """Any SQLAlchemy URL (PostgreSQL in practice). An empty database gets its tables only with
    `initialise`; a database at an older schema is first saved by `backup` (pg_dump by default;
    None from it: no backup could be made, and the migration is refused)."""
    path = sqlite_url_path(url)
    if path is not None:
        return open_sqlite(path, read_only=read_only)
    try:
        engine = create_engine(url)
        _ping_when_idle(engine)
        revision = _inspect_url(engine, read_only)
    except SQLAlchemyError as exc:
        raise StoreError(connection_message(exc, _safe_label(url))) from None
    except ModuleNotFoundError as exc:
        raise StoreError(f"Pilote de base de données absent : {exc.name}.") from None
    label = engine.url.render_as_string(hide_password=True)
    check_revision(revision, label)
    saved: Path | None = None
    if revision is None and not initialise:
        engine.dispose()
        raise EmptyDatabaseError(
            f"La base « {label} » est vide : elle n'a pas encore été initialisée pour PNAE Desktop. "
            "Initialisez-la d'abord (bouton « Initialiser la base » de Fichier › Se connecter à une base "
            "d'équipe…, ou `pnae-desktop init --db-url URL`). Elle n'a pas été modifiée."
        )
    if revision != HEAD_REVISION:
        if read_only:
            engine.dispose()
            raise StoreError(
                f"La base « {label} » doit être mise à niveau avant d'être lue ; elle n'a pas été modifiée."
            )
        if revision is not None:  # a database with data: saved before its migration
            saved = (backup or pg_dump_backup)(engine)
            if saved is None:
                engine.dispose()
                raise StoreError(
                    f"La base « {label} » doit être mise à niveau, mais aucune sauvegarde n'a pu être faite "
                    "avant (pg_dump introuvable). Elle n'a pas été modifiée."
                )
        _upgrade(engine)
    store = Store(engine, label, read_only=read_only)
    store.initialised, store.migration_backup = revision is None, saved
    return store


def _safe_label(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "la base de données"


def open_store(db: Path | str | None = None, url: str | None = None) -> Store:
    """Open `url` if given, else the SQLite file `db`, else the user's default store, for
    writing (created or upgraded if need be), without the writer lock: the app and the CLI go
    through `store.opening`, which takes it."""
    if url:
        return open_url(url)
    if db is None:
        db = paths.default_store_path()
    return open_sqlite(db)
