"""The backups use cases the UI calls (services.backups), on real files."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from pnae_desktop.errors import StoreError
from pnae_desktop.services import backups, praes
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import OrganisationRow, PraeRow

NOW = datetime(2026, 11, 26, 16, 30, 0, tzinfo=timezone.utc)


def _add_prae(path: Path, title: str) -> int:
    store = open_store(path)
    try:
        with store.transaction() as session:
            org = session.get(OrganisationRow, 1) or OrganisationRow(id=1, name="ARML", region_code="11")
            prae = PraeRow(
                organisation=org,
                region_code="11",
                region_name="Île-de-France",
                title=title,
                start_year=2026,
                end_year=2028,
                catalogue_edition="test",
            )
            session.add(prae)
            session.flush()
            return prae.id
    finally:
        store.close()


def _titles(path: Path) -> list[str]:
    store = open_store(path)
    try:
        return sorted(s.title for s in praes.list_praes(store))
    finally:
        store.close()


@pytest.fixture
def store_path(tmp_path) -> Path:
    path = tmp_path / "pnae.sqlite"
    _add_prae(path, "PRAE A")
    return path


def test_manual_backup_listed_newest_first_then_restored(store_path):
    assert backups.list_backups(store_path) == []
    made = backups.backup_now(store_path)
    assert made.parent == backups.backups_dir(store_path)
    assert made.name.endswith(f"-{backups.REASON_MANUAL}.sqlite")
    listed = backups.list_backups(store_path)
    assert [b.path for b in listed] == [made]
    assert isinstance(listed[0], backups.BackupInfo)
    assert listed[0].prae_count == 1 and "sauvegarde manuelle" in listed[0].description

    _add_prae(store_path, "PRAE B")
    assert _titles(store_path) == ["PRAE A", "PRAE B"]
    aside = backups.restore(store_path, made)
    assert _titles(store_path) == ["PRAE A"]
    assert aside is not None and aside.parent == backups.backups_dir(store_path)
    assert _titles(aside) == ["PRAE A", "PRAE B"]


def test_daily_backup_once_a_day(store_path):
    first = backups.daily_backup_if_due(store_path, now=NOW)
    assert first is not None and first.exists()
    assert backups.daily_backup_if_due(store_path, now=NOW) is None


def test_errors_are_french_store_errors(tmp_path):
    with pytest.raises(StoreError, match="rien à sauvegarder"):
        backups.backup_now(tmp_path / "absent.sqlite")
    with pytest.raises(StoreError, match="Restauration refusée"):
        backups.restore(tmp_path / "absent.sqlite", tmp_path / "nope.sqlite")


def test_ui_reaches_backups_through_services_only():
    ui = Path(__file__).resolve().parents[1] / "pnae_desktop" / "ui"
    offenders = [p.name for p in ui.glob("*.py") if "pnae_desktop.store" in p.read_text(encoding="utf-8")]
    assert offenders == []
