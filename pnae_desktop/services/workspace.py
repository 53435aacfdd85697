"""What the app has open: one store (opened lazily) and the shipped catalogues (loaded lazily).

Start-up only inspects the file and lists PRAEs with the standard library; SQLAlchemy, Alembic
and the catalogue's schema validation load on first real use, or in the background after the
window is shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pnae_desktop.domain.summary import PraeSummary
from pnae_desktop.errors import StoreError
from pnae_desktop.store import opening, sqlite_file
from pnae_desktop.store.opening import DamagedStoreError
from pnae_desktop.store.schema import HEAD_REVISION

if TYPE_CHECKING:
    from pnae_desktop.catalogue.loader import CatalogueSet
    from pnae_desktop.store.database import Store
    from pnae_desktop.store.lock import WriterLock


class Workspace:
    def __init__(self, db: str | Path | None = None, url: str | None = None):
        self.url = url
        self.path: Path | None = None
        if url is None:
            self.path = opening.store_file(db)
        self._store: Store | None = None
        self._catalogues: CatalogueSet | None = None
        self._lock = threading.RLock()
        self.writer_lock: WriterLock | None = None
        self.backup_problem: str | None = None
        self._migration_told = False

    @property
    def label(self) -> str:
        if self.path is not None:
            return str(self.path)
        from sqlalchemy import make_url  # a database URL: SQLAlchemy is loaded to open it anyway

        return make_url(str(self.url)).render_as_string(hide_password=True)  # never the password on screen

    @property
    def place(self) -> str:
        """Where the data is, for the status bar: the file, or the team base as « serveur/base »
        (never the user name nor the password)."""
        if self.path is not None:
            return f"Fichier de données : {self.path}"
        from sqlalchemy import make_url  # a database URL: SQLAlchemy is loaded to open it anyway

        url = make_url(str(self.url))
        server = url.host or "localhost"
        if url.port:
            server = f"{server}:{url.port}"
        return f"Base d'équipe : {server}/{url.database or ''}"

    def migration_notice(self) -> str | None:
        """Once, after the store was upgraded on opening: where the backup taken before was saved."""
        store = self._store
        saved = None if store is None else store.migration_backup
        if saved is None or self._migration_told:
            return None
        self._migration_told = True
        return f"Base mise à niveau ; sauvegarde faite avant : {saved}"

    def prepare(self, announce: Callable[[str], None] | None = None) -> None:
        """Check the store can be opened; raise StoreError (file untouched) if not: damaged,
        foreign, newer, or already open for writing elsewhere (one writer per store). A store
        that is new or needs a migration is opened for real now (about a second: `announce`
        gets a French sentence for the user first); an up-to-date one later."""
        revision: str | None = None
        if self.path is not None:
            # The one opener's checks: damaged, foreign, newer, read-only; then the writer lock.
            revision, self.writer_lock = opening.prepare_writing(self.path)
            if revision == HEAD_REVISION:
                return
        if announce is not None:
            if self.path is None:
                announce("Connexion à la base de données…")
            elif revision is None:
                announce("Création du fichier de données…")
            else:
                announce("Mise à niveau du fichier de données (une sauvegarde est faite avant)…")
        self.store  # noqa: B018 - opening creates or upgrades the schema

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                from pnae_desktop.store.database import open_store  # SQLAlchemy: kept off the start-up path

                # prepare() has checked the file and holds its lock; this creates or upgrades it.
                if self.url is not None:
                    from pnae_desktop.services.team import open_team_store  # team stores only

                    self._store = open_team_store(self.url)  # an empty database: only on request
                else:
                    self._store = open_store(db=self.path, url=self.url)
            return self._store

    @property
    def catalogues(self) -> CatalogueSet:
        with self._lock:
            if self._catalogues is None:
                from pnae_desktop.catalogue.loader import shipped_catalogues  # jsonschema: off the start-up path

                self._catalogues = shipped_catalogues()
            return self._catalogues

    def warm_up(self) -> None:
        """Load what start-up skipped, and take the day's backup; safe in a background thread."""
        self.catalogues  # noqa: B018
        self.store  # noqa: B018
        import pnae_desktop.services.praes  # noqa: F401 - SQLAlchemy models: loaded here, not at start-up

        if self.path is not None and self.writer_lock is not None:
            from pnae_desktop.services import backups  # ~15 ms: in the background, not at start-up

            try:
                backups.daily_backup_if_due(self.path)
            except StoreError as exc:
                self.backup_problem = str(exc)

    def prae_summaries(self) -> list[PraeSummary]:
        with self._lock:
            opened = self._store is not None
        if not opened and self.path is not None:
            return sqlite_file.list_praes(self.path)
        from pnae_desktop.services import praes  # SQLAlchemy: kept off the start-up path

        return praes.list_praes(self.store)

    def network_warning(self) -> str | None:
        """A file store on a network folder: the French warning with the team steps (store.network)."""
        from pnae_desktop.store import network  # reads /proc/mounts: once the window is shown

        return network.network_warning(self.path) if self.path is not None else None

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            if self.writer_lock is not None:
                self.writer_lock.release()
                self.writer_lock = None


__all__ = ["DamagedStoreError", "Workspace"]  # DamagedStoreError: re-exported for the UI
