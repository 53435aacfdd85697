"""Shared fixtures: real SQLite files in temp folders, a real PostgreSQL when one is reachable."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def catalogue():
    return shipped_catalogues().default


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "pnae.sqlite"


@pytest.fixture
def sqlite_store(db_path):
    store = open_store(db_path)
    yield store
    store.close()


def _pg_url() -> str | None:
    return os.environ.get("PNAE_TEST_PG_URL")


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as con:
        con.execute(text("DROP SCHEMA public CASCADE"))
        con.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def pg_url():
    """An empty PostgreSQL database; skipped locally when none is reachable, never in CI."""
    url = _pg_url()
    reason = None
    if not url:
        reason = "PostgreSQL absent : définir PNAE_TEST_PG_URL (voir .ci/start-postgres)"
    else:
        try:
            _reset_pg(url)
        except Exception as exc:  # noqa: BLE001 - any failure to reach the server means skip/fail
            reason = f"PostgreSQL injoignable à {url} : {exc.__class__.__name__}"
    if reason:
        if IN_CI:
            pytest.fail(reason + " (jamais ignoré en CI)")
        pytest.skip(reason)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    """The same test on a SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        store = open_store(tmp_path / "pnae.sqlite")
    else:
        store = open_store(url=request.getfixturevalue("pg_url"))
    yield store
    store.close()
