"""Every released schema upgrades to the current one with its data intact (one store per
released revision in tests/fixtures/stores/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.services import budget, convention, praes
from pnae_desktop.store import backup, integrity
from pnae_desktop.store.database import open_store
from pnae_desktop.store.schema import HEAD_REVISION, KNOWN_REVISIONS
from pnae_desktop.store.sqlite_file import inspect_sqlite_file

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "stores").glob("pnae-*.sqlite"))


def test_there_is_a_fixture_for_the_released_head():
    revisions = {path.stem.removeprefix("pnae-") for path in FIXTURES}
    assert HEAD_REVISION in revisions
    assert revisions <= set(KNOWN_REVISIONS)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_released_store_upgrades_with_its_data(fixture, tmp_path):
    path = tmp_path / "store.sqlite"
    shutil.copyfile(fixture, path)
    old_revision = inspect_sqlite_file(path)
    store = open_store(path)
    try:
        assert inspect_sqlite_file(path) == HEAD_REVISION
        summaries = praes.list_praes(store)
        assert summaries, "the fixture holds the demo PRAE"
        catalogue = shipped_catalogues().get(summaries[0].catalogue_edition)
        for summary in summaries:
            detail = praes.get_prae(store, summary.id)
            assert detail.actions
            _, totals, problems = budget.totals(store, summary.id)
            assert totals.balance_total == 0 and not problems
            rendered, _ = convention.render(store, summary.id, catalogue)
            assert rendered.unresolved == ()
    finally:
        store.close()
    assert integrity.integrity_check(path) == []
    if old_revision != HEAD_REVISION:  # an upgrade is always preceded by a backup
        assert any(b.reason == backup.REASON_MIGRATION for b in backup.list_backups(path))
