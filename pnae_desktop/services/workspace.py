"""What the app has open: one store (opened lazily) and the shipped catalogues (loaded lazily).

Start-up only inspects the file and lists PRAEs with the standard library; SQLAlchemy, Alembic
and the catalogue's schema validation load on first real use, or in the background after the
window is shown.
"""

from __future__ import annotations

import threading
from pathlib import Path

from pnae_desktop.domain.entities import PraeSummary
from pnae_desktop.store import sqlite_file
from pnae_desktop.store.schema import HEAD_REVISION, check_revision


class Workspace:
    def __init__(self, db: str | Path | None = None, url: str | None = None):
        if url is None and db is None:
            from pnae_desktop import paths

            db = paths.default_store_path()
        self.url = url
        self.path = Path(db).expanduser() if url is None else None
        self._store = None
        self._catalogues = None
        self._lock = threading.RLock()

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else self.url

    def prepare(self) -> None:
        """Check the store can be opened; raise StoreError (file untouched) if not. A store
        that is new or needs a migration is opened for real now; an up-to-date one later."""
        if self.path is not None:
            revision = sqlite_file.inspect_sqlite_file(self.path)
            check_revision(revision, str(self.path))
            if revision == HEAD_REVISION:
                return
        self.store  # noqa: B018 - opening creates or upgrades the schema

    @property
    def store(self):
        with self._lock:
            if self._store is None:
                from pnae_desktop.store.database import open_store

                self._store = open_store(db=self.path, url=self.url)
            return self._store

    @property
    def catalogues(self):
        with self._lock:
            if self._catalogues is None:
                from pnae_desktop.catalogue.loader import shipped_catalogues

                self._catalogues = shipped_catalogues()
            return self._catalogues

    def warm_up(self) -> None:
        """Load what start-up skipped; safe to call from a background thread."""
        self.catalogues  # noqa: B018
        self.store  # noqa: B018
        import pnae_desktop.services.praes  # noqa: F401

    def prae_summaries(self) -> list[PraeSummary]:
        with self._lock:
            opened = self._store is not None
        if not opened and self.path is not None:
            return sqlite_file.list_praes(self.path)
        from pnae_desktop.services import praes

        return praes.list_praes(self.store)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
