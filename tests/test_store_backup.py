"""Backups: making, daily schedule, rotation, listing, restoring — on real files."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pnae_desktop.errors import StoreError
from pnae_desktop.store import backup
from pnae_desktop.store.backup import (
    BackupInfo,
    backup_before_migration,
    backup_now,
    daily_backup_if_due,
    files,
    list_backups,
    names,
    restore,
    rotate,
)
from pnae_desktop.store.database import open_store
from pnae_desktop.store.integrity import quick_check

NOW = datetime(2026, 11, 26, 16, 30, 0, tzinfo=timezone.utc)  # a Thursday, ISO week 48


# --- helpers -----------------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _add_praes(path: Path, praes: int, actions_each: int, tag: str = "") -> None:
    """Add PRAEs with regional actions through the real app (SQLAlchemy store, services)."""
    from pnae_desktop.services import praes as service
    from pnae_desktop.store.models import OrganisationRow, PraeRow

    store = open_store(path)
    try:
        ids = []
        with store.transaction() as session:
            org = session.get(OrganisationRow, 1)
            if org is None:
                org = OrganisationRow(id=1, name="ARML", region_code="11")
            for i in range(praes):
                prae = PraeRow(
                    organisation=org,
                    region_code="11",
                    region_name="Île-de-France",
                    title=f"PRAE {tag}{i}",
                    start_year=2026,
                    end_year=2028,
                    catalogue_edition="test",
                )
                session.add(prae)
                session.flush()
                ids.append(prae.id)
        for prae_id in ids:
            for n in range(actions_each):
                service.add_regional_action(store, prae_id, f"Action {tag}{n}")
    finally:
        store.close()


def _counts(path: Path) -> tuple[int, int]:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return (
            con.execute("SELECT count(*) FROM praes").fetchone()[0],
            con.execute("SELECT count(*) FROM prae_actions").fetchone()[0],
        )
    finally:
        con.close()


@pytest.fixture
def store_path(tmp_path) -> Path:
    path = tmp_path / "pnae.sqlite"
    _add_praes(path, praes=2, actions_each=3)
    return path


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H-%M-%SZ")


# --- backup_now --------------------------------------------------------------------------


def test_backup_now_names_checks_and_leaves_the_store_untouched(store_path):
    before = _sha(store_path)
    made = backup_now(store_path, "ouverture", now=NOW)
    assert made == store_path.parent / "backups" / "pnae-2026-11-26T16-30-00Z-ouverture.sqlite"
    assert _sha(store_path) == before
    assert quick_check(made) == []
    assert _counts(made) == (2, 6)
    assert _files(made.parent) == {made.name}, "no temporary file left behind"
    # A self-contained file in rollback-journal mode: reading it creates no -wal/-shm.
    assert made.read_bytes()[18:20] == b"\x01\x01"


def test_backup_includes_edits_still_in_the_wal_of_an_open_store(sqlite_store, db_path):
    from pnae_desktop.services import praes
    from pnae_desktop.store.models import OrganisationRow, PraeRow

    with sqlite_store.transaction() as session:
        session.add(
            PraeRow(
                organisation=OrganisationRow(name="ARML", region_code="11"),
                region_code="11",
                region_name="Île-de-France",
                title="Ouvert",
                start_year=2026,
                end_year=2028,
                catalogue_edition="test",
            )
        )
    for n in range(5):
        praes.add_regional_action(sqlite_store, 1, f"Action {n}")
    assert db_path.with_name(db_path.name + "-wal").stat().st_size > 0
    made = backup_now(db_path, "manuelle")
    assert _counts(made) == (1, 5)
    praes.add_regional_action(sqlite_store, 1, "Encore une")  # the store is still writable
    assert _counts(backup_now(db_path, "manuelle")) == (1, 6)


def test_backup_reason_is_made_safe_for_a_file_name(store_path):
    made = backup_now(store_path, "Avant mise à jour (v2) !", now=NOW)
    assert made.name == "pnae-2026-11-26T16-30-00Z-avant-mise-a-jour-v2.sqlite"


def test_two_backups_in_the_same_second_both_kept(store_path):
    first = backup_now(store_path, "manuelle", now=NOW)
    second = backup_now(store_path, "manuelle", now=NOW)
    assert first != second and second.name == "pnae-2026-11-26T16-30-00Z-manuelle.2.sqlite"
    assert [b.path for b in list_backups(store_path)] == [second, first]


@pytest.mark.parametrize("content", [None, b""])
def test_nothing_to_back_up(tmp_path, content):
    store = tmp_path / "pnae.sqlite"
    if content is not None:
        store.write_bytes(content)
    with pytest.raises(StoreError, match="rien à sauvegarder") as err:
        backup_now(store, "manuelle")
    assert str(store) in str(err.value)
    assert daily_backup_if_due(store) is None
    assert backup_before_migration(store) is None
    assert not (tmp_path / "backups").exists()


def test_backup_of_a_damaged_store_fails_in_french_and_leaves_no_backup(store_path):
    data = bytearray(store_path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 300] = b"\xff" * 300
    store_path.write_bytes(bytes(data))
    before = _sha(store_path)
    with pytest.raises(StoreError, match="La sauvegarde de") as err:
        backup_now(store_path, "manuelle")
    assert str(store_path) in str(err.value)
    assert _sha(store_path) == before
    assert _files(store_path.parent / "backups") == set()


def test_backup_before_migration(store_path):
    made = backup_before_migration(store_path, now=NOW)
    assert made.name == "pnae-2026-11-26T16-30-00Z-avant-migration.sqlite"
    assert _counts(made) == (2, 6)


# --- daily backup ------------------------------------------------------------------------


def test_daily_backup_only_once_per_day(store_path):
    first = daily_backup_if_due(store_path, now=NOW)
    assert first is not None and first.name.endswith("-ouverture.sqlite")
    assert daily_backup_if_due(store_path, now=NOW + timedelta(hours=3)) is None
    assert daily_backup_if_due(store_path, now=NOW.replace(hour=23, minute=59)) is None
    next_day = daily_backup_if_due(store_path, now=NOW + timedelta(days=1))
    assert next_day is not None and next_day != first
    assert len(list_backups(store_path)) == 2


def test_daily_backup_counts_any_backup_made_today(store_path):
    backup_before_migration(store_path, now=NOW.replace(hour=8))
    assert daily_backup_if_due(store_path, now=NOW) is None


def test_daily_backup_with_the_real_clock(store_path):
    assert daily_backup_if_due(store_path) is not None
    assert daily_backup_if_due(store_path) is None


def test_daily_backup_rotates(store_path):
    folder = store_path.parent / "backups"
    folder.mkdir()
    for days in range(1, 30):
        (folder / f"pnae-{_stamp(NOW - timedelta(days=days))}-ouverture.sqlite").write_bytes(b"x")
    daily_backup_if_due(store_path, now=NOW)
    # Today's + 6 previous days, then the newest of each of 4 earlier ISO weeks.
    assert len(list(folder.iterdir())) == 11


# --- rotation ----------------------------------------------------------------------------

# 40 backups over 60 days: (days before NOW, time of day, reason).
SYNTHETIC = [
    (0, "08:00", "ouverture"),
    (0, "12:00", "manuelle"),
    (0, "16:00", "manuelle"),
    (1, "09:30", "ouverture"),
    (2, "09:00", "ouverture"),
    (2, "18:00", "manuelle"),
    (3, "09:30", "ouverture"),
    (5, "09:30", "ouverture"),
    (6, "09:30", "ouverture"),
    (8, "07:15", "ouverture"),
    (8, "19:45", "manuelle"),
    (9, "09:30", "ouverture"),
    (12, "09:30", "ouverture"),
    (14, "10:00", "avant-restauration"),
    (15, "09:30", "ouverture"),
    (17, "09:30", "ouverture"),
    (20, "09:30", "ouverture"),
    (21, "09:30", "ouverture"),
    (22, "09:30", "ouverture"),
    (24, "09:30", "ouverture"),
    (27, "09:30", "ouverture"),
    (29, "09:30", "ouverture"),
    (30, "09:30", "ouverture"),
    (31, "09:30", "ouverture"),
    (33, "09:30", "ouverture"),
    (35, "09:30", "ouverture"),
    (36, "09:30", "ouverture"),
    (38, "09:30", "ouverture"),
    (40, "09:30", "ouverture"),
    (41, "09:30", "ouverture"),
    (43, "09:30", "ouverture"),
    (45, "09:30", "avant-migration"),
    (47, "09:30", "ouverture"),
    (48, "09:30", "ouverture"),
    (50, "09:30", "ouverture"),
    (52, "09:30", "ouverture"),
    (54, "09:30", "ouverture"),
    (56, "09:30", "ouverture"),
    (58, "09:30", "ouverture"),
    (59, "09:30", "ouverture"),
]

# Not backups, or another store's: rotation must never touch them.
FOREIGN = [
    "notes.txt",
    "pnae.sqlite",
    "pnae-copie.sqlite",
    "pnae-2026-10-01.sqlite",
    "pnae-2026-10-01T09-30-00Z.sqlite",
    "pnae-2026-10-01T09-30-00Z-ouverture.sqlite.bak",
    "PNAE-2026-10-01T09-30-00Z-Ouverture.sqlite",
    "autre-2026-09-01T09-30-00Z-ouverture.sqlite",
    "autre-2026-09-02T09-30-00Z-ouverture.sqlite",
]


def _synthetic_name(days: int, hhmm: str, reason: str) -> str:
    hour, minute = map(int, hhmm.split(":"))
    moment = (NOW - timedelta(days=days)).replace(hour=hour, minute=minute)
    return f"pnae-{_stamp(moment)}-{reason}.sqlite"


def test_rotation_of_40_backups_over_60_days(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    assert len(SYNTHETIC) == 40
    for entry in SYNTHETIC:
        (folder / _synthetic_name(*entry)).write_bytes(b"sauvegarde")
    for name in FOREIGN:
        (folder / name).write_bytes(b"autre chose")
    (folder / "pnae-2026-10-02T09-30-00Z-ouverture.sqlite").mkdir()  # a folder named like one

    deleted = rotate(folder, now=NOW)

    kept = {
        # the newest backup of each of the 7 most recent days that have backups
        "pnae-2026-11-26T16-00-00Z-manuelle.sqlite",
        "pnae-2026-11-25T09-30-00Z-ouverture.sqlite",
        "pnae-2026-11-24T18-00-00Z-manuelle.sqlite",
        "pnae-2026-11-23T09-30-00Z-ouverture.sqlite",
        "pnae-2026-11-21T09-30-00Z-ouverture.sqlite",
        "pnae-2026-11-20T09-30-00Z-ouverture.sqlite",
        "pnae-2026-11-18T19-45-00Z-manuelle.sqlite",
        # beyond them, the newest of each of the 4 most recent ISO weeks
        "pnae-2026-11-17T09-30-00Z-ouverture.sqlite",  # week 47 (its Tuesday)
        "pnae-2026-11-14T09-30-00Z-ouverture.sqlite",  # week 46
        "pnae-2026-11-06T09-30-00Z-ouverture.sqlite",  # week 45
        "pnae-2026-10-30T09-30-00Z-ouverture.sqlite",  # week 44
        # a copy made before a restoration, 14 days ago: protected for 30 days
        "pnae-2026-11-12T10-00-00Z-avant-restauration.sqlite",
    }
    remaining = _files(folder)
    assert remaining == kept | set(FOREIGN) | {"pnae-2026-10-02T09-30-00Z-ouverture.sqlite"}
    assert len(deleted) == 40 - len(kept) == 28
    assert all(p.parent == folder for p in deleted)
    # The pre-migration copy is 45 days old: no longer protected, rotated like the others.
    assert "pnae-2026-10-12T09-30-00Z-avant-migration.sqlite" not in remaining
    # Stable: a second rotation deletes nothing more.
    assert rotate(folder, now=NOW) == []


def test_rotation_never_deletes_the_newest_backup(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [_synthetic_name(d, "09:30", "ouverture") for d in (3, 10, 40)]
    for name in names:
        (folder / name).write_bytes(b"x")
    rotate(folder, keep_daily=0, keep_weekly=0, now=NOW)
    assert _files(folder) == {names[0]}


def test_rotation_keeps_old_backups_when_the_app_was_not_used_for_months(tmp_path):
    """'Days that have backups', not calendar days: a long pause does not wipe the history."""
    folder = tmp_path / "backups"
    folder.mkdir()
    names = [_synthetic_name(d, "09:30", "ouverture") for d in (200, 201, 202, 203)]
    for name in names:
        (folder / name).write_bytes(b"x")
    assert rotate(folder, now=NOW) == []


def test_rotation_leaves_future_dated_backups_alone(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    future = f"pnae-{_stamp(NOW + timedelta(days=300))}-ouverture.sqlite"
    (folder / future).write_bytes(b"x")
    for d in range(20):
        (folder / _synthetic_name(d, "09:30", "ouverture")).write_bytes(b"x")
    rotate(folder, now=NOW)
    remaining = _files(folder)
    assert future in remaining
    assert _synthetic_name(0, "09:30", "ouverture") in remaining
    assert len(remaining) == 1 + 7 + 3  # future + 7 days + ISO weeks 47, 46 and 45


def test_rotation_removes_the_sidecars_of_what_it_deletes(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = _synthetic_name(100, "09:30", "ouverture")
    for name in (old, old + "-wal", old + "-shm"):
        (folder / name).write_bytes(b"x")
    for d in range(8):
        (folder / _synthetic_name(d, "09:30", "ouverture")).write_bytes(b"x")
    rotate(folder, keep_weekly=0, now=NOW)
    assert not {old, old + "-wal", old + "-shm"} & _files(folder)


def test_rotation_on_a_missing_folder_does_nothing(tmp_path):
    assert rotate(tmp_path / "absent", now=NOW) == []


# --- listing -----------------------------------------------------------------------------


def test_list_backups_summarises_each_backup_read_only(store_path):
    first = backup_now(store_path, "ouverture", now=NOW - timedelta(days=1))
    _add_praes(store_path, praes=1, actions_each=4, tag="b")
    second = backup_now(store_path, "manuelle", now=NOW)
    folder = first.parent
    # A backup from another schema version, and a damaged one: content "inconnu".
    other = folder / f"pnae-{_stamp(NOW - timedelta(days=2))}-ouverture.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE plans (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    damaged = folder / f"pnae-{_stamp(NOW - timedelta(days=3))}-ouverture.sqlite"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    # Another store's backup is not listed.
    (folder / f"autre-{_stamp(NOW)}-ouverture.sqlite").write_bytes(b"x")
    before = {p.name: _sha(p) for p in folder.iterdir()}

    infos = list_backups(store_path)

    assert {p.name: _sha(p) for p in folder.iterdir()} == before, "listing changed or created files"
    assert [i.path for i in infos] == [second, first, other, damaged]
    newest = infos[0]
    assert isinstance(newest, BackupInfo)
    assert (newest.prae_count, newest.action_count) == (3, 10)
    assert newest.created_at == NOW and newest.reason == "manuelle"
    assert newest.size == second.stat().st_size
    assert newest.summary.startswith("3 PRAE, 10 actions, dernière modification le ")
    assert newest.last_change is not None and newest.last_change.tzinfo is not None
    assert infos[1].summary.startswith("2 PRAE, 6 actions")
    assert infos[1].reason_label == "sauvegarde quotidienne (à l'ouverture)"
    assert infos[2].summary == "inconnu" and infos[2].prae_count is None
    assert infos[3].summary == "inconnu"
    assert "Ko" in newest.description
    assert all(not i.path.name.startswith("autre-") for i in infos)


def test_list_backups_without_backups(tmp_path):
    assert list_backups(tmp_path / "pnae.sqlite") == []


def test_summary_of_an_empty_store_backup(tmp_path):
    store = tmp_path / "pnae.sqlite"
    open_store(store).close()  # schema only
    made = backup_now(store, "manuelle", now=NOW)
    (info,) = list_backups(store)
    assert info.path == made and info.summary == "aucun PRAE"


# --- restore -----------------------------------------------------------------------------


def test_restore_round_trip_keeps_the_replaced_store_aside(store_path):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=2))
    _add_praes(store_path, praes=1, actions_each=2, tag="après")
    assert _counts(store_path) == (3, 8)

    aside = restore(store_path, saved, now=NOW)

    assert aside.parent == store_path.parent / "backups"
    assert aside.name == "pnae-2026-11-26T16-30-00Z-avant-restauration.sqlite"
    assert _counts(store_path) == (2, 6)
    assert _counts(aside) == (3, 8), "the replaced content is kept"
    assert saved.exists() and _counts(saved) == (2, 6)
    assert quick_check(store_path) == []
    assert not {n for n in _files(store_path.parent) if n.startswith(".")}, "temporary file left"
    # The app opens the restored store normally.
    from pnae_desktop.services import praes

    store = open_store(store_path)
    try:
        assert len(praes.list_praes(store)) == 2
    finally:
        store.close()
    # And the restoration can itself be undone with the aside copy.
    restore(store_path, aside, now=NOW + timedelta(minutes=1))
    assert _counts(store_path) == (3, 8)


def test_restore_folds_the_wal_of_a_crashed_session_into_the_aside_copy(store_path):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=2))
    code = (
        "import os, sys\n"
        "from pnae_desktop.store.database import open_store\n"
        "from pnae_desktop.services import praes\n"
        f"store = open_store({str(store_path)!r})\n"
        "for n in range(7):\n"
        "    praes.add_regional_action(store, 1, f'Perdue ? {n}')\n"
        "print('ok', flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "ok" in proc.stdout, proc.stderr
    wal = store_path.with_name(store_path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0

    aside = restore(store_path, saved, now=NOW)

    assert _counts(aside) == (2, 13), "edits that were only in the WAL are in the aside copy"
    assert not wal.exists() and not store_path.with_name(store_path.name + "-shm").exists()
    assert _counts(store_path) == (2, 6)
    store = open_store(store_path)  # no stale WAL applied to the restored file
    store.close()
    assert quick_check(store_path) == [] and _counts(store_path) == (2, 6)


def test_damaged_backup_is_refused_and_the_store_is_unchanged(store_path):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=2))
    data = bytearray(saved.read_bytes())
    data[4096 * 2 : 4096 * 2 + 300] = b"\xff" * 300
    saved.write_bytes(bytes(data))
    before_sha = _sha(store_path)
    before_files = _files(store_path.parent), _files(saved.parent)

    with pytest.raises(StoreError) as err:
        restore(store_path, saved, now=NOW)

    message = str(err.value)
    assert message.startswith("Restauration refusée : la sauvegarde est endommagée")
    assert str(saved) in message and f"« {store_path} » n'a pas été modifié" in message
    assert _sha(store_path) == before_sha
    after_files = _files(store_path.parent), _files(saved.parent)
    assert after_files == before_files, "no aside copy, no temporary file"


@pytest.mark.parametrize("kind", ["missing", "empty", "truncated", "not_sqlite", "newer_schema", "not_pnae"])
def test_unusable_backups_are_refused(store_path, tmp_path, kind):
    candidate = tmp_path / "candidate.sqlite"
    if kind == "empty":
        candidate.write_bytes(b"")
    elif kind == "truncated":
        data = backup_now(store_path, "manuelle").read_bytes()
        candidate.write_bytes(data[: len(data) // 2])
    elif kind == "not_sqlite":
        candidate.write_text("bonjour", encoding="utf-8")
    elif kind == "newer_schema":
        candidate.write_bytes(backup_now(store_path, "manuelle").read_bytes())
        con = sqlite3.connect(candidate)
        con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.commit()
        con.close()
    elif kind == "not_pnae":
        con = sqlite3.connect(candidate)
        con.execute("CREATE TABLE t (x)")
        con.commit()
        con.close()
    before = _sha(store_path)
    with pytest.raises(StoreError, match="Restauration refusée") as err:
        restore(store_path, candidate, now=NOW)
    assert str(store_path) in str(err.value)
    assert _sha(store_path) == before
    assert not any("avant-restauration" in n for n in _files(store_path.parent / "backups"))


def test_restore_refuses_the_store_itself(store_path):
    with pytest.raises(StoreError, match="le fichier de données lui-même"):
        restore(store_path, store_path)


def test_restore_when_the_store_is_missing(store_path, tmp_path):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=1))
    elsewhere = tmp_path / "nouveau" / "pnae.sqlite"
    elsewhere.parent.mkdir()
    assert restore(elsewhere, saved, now=NOW) is None
    assert _counts(elsewhere) == (2, 6)


def test_restore_over_a_damaged_store_keeps_its_raw_bytes(store_path):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=1))
    data = bytearray(store_path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 300] = b"\xff" * 300
    store_path.write_bytes(bytes(data))
    damaged_sha = _sha(store_path)

    aside = restore(store_path, saved, now=NOW)

    assert aside.name.endswith("-avant-restauration.sqlite")
    assert _sha(aside) == damaged_sha, "the damaged store is kept byte for byte"
    assert quick_check(store_path) == [] and _counts(store_path) == (2, 6)


def test_restore_refused_while_another_connection_reads_the_store(store_path):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=1))
    _add_praes(store_path, praes=1, actions_each=1, tag="x")
    reader = sqlite3.connect(store_path)
    writer = sqlite3.connect(store_path)
    try:
        reader.execute("PRAGMA journal_mode=WAL")
        writer.execute(
            "INSERT INTO organisations (name, acronym, address, legal_form, "
            "representative_name, representative_title, email, phone, region_code) "
            "VALUES ('B', '', '', '', '', '', '', '', '11')"
        )
        writer.commit()  # now the WAL has a frame the reader's snapshot predates
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM praes").fetchone()
        writer.execute("UPDATE organisations SET name = 'C' WHERE name = 'B'")
        writer.commit()
        with pytest.raises(StoreError, match="encore utilisé par un autre programme"):
            restore(store_path, saved, now=NOW)
        reader.rollback()
    finally:
        reader.close()
        writer.close()
    assert _counts(store_path) == (3, 7), "store content unchanged"


def test_restore_refused_while_the_app_still_has_the_store_open(store_path):
    """Replacing the file under an open Store would send its next edits to the old file."""
    from pnae_desktop.services import praes

    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=1))
    store = open_store(store_path)
    try:
        praes.add_regional_action(store, 1, "Pendant")  # the app's pool keeps a connection
        with pytest.raises(StoreError, match="encore utilisé") as err:
            restore(store_path, saved, now=NOW)
        assert str(store_path) in str(err.value)
        praes.add_regional_action(store, 1, "Après")  # the open store still works
    finally:
        store.close()
    assert _counts(store_path) == (2, 8)
    # Once closed, the restoration goes through, and the aside copy has both edits.
    aside = restore(store_path, saved, now=NOW + timedelta(minutes=1))
    assert _counts(store_path) == (2, 6) and _counts(aside) == (2, 8)


def test_rotation_removes_only_stale_temporary_files(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old_temp = folder / ".pnae-2026-11-20T09-30-00Z-ouverture.sqlite.4242.tmp"
    fresh_temp = folder / ".pnae-2026-11-26T16-29-00Z-ouverture.sqlite.tmp"
    foreign_temp = folder / ".notes.tmp"
    for path in (old_temp, fresh_temp, foreign_temp):
        path.write_bytes(b"x")
    two_hours_ago = (NOW - timedelta(hours=2)).timestamp()
    os.utime(old_temp, (two_hours_ago, two_hours_ago))
    os.utime(foreign_temp, (two_hours_ago, two_hours_ago))
    fresh = (NOW - timedelta(minutes=1)).timestamp()
    os.utime(fresh_temp, (fresh, fresh))
    rotate(folder, now=NOW)
    assert _files(folder) == {fresh_temp.name, foreign_temp.name}


def test_last_backup_time(store_path):
    assert backup.last_backup_time(store_path) is None
    backup_now(store_path, "manuelle", now=NOW - timedelta(days=2))
    backup_now(store_path, "manuelle", now=NOW)
    assert backup.last_backup_time(store_path) == NOW


def test_backup_module_names_match_the_rotation_pattern():
    name = backup.backup_name("pnae", NOW, "ouverture")
    assert name == "pnae-2026-11-26T16-30-00Z-ouverture.sqlite"
    assert names.parse(Path(name)).created_at == NOW


def test_publishing_a_backup_never_replaces_an_existing_file(tmp_path):
    temp, final = tmp_path / ".x.tmp", tmp_path / "pnae-2026-11-26T16-30-00Z-manuelle.sqlite"
    temp.write_bytes(b"nouveau")
    final.write_bytes(b"ancien")
    assert files.publish(temp, final) is False
    assert final.read_bytes() == b"ancien" and temp.exists()
    final.unlink()
    assert files.publish(temp, final) is True
    assert final.read_bytes() == b"nouveau" and not temp.exists()


# -- issue 13, finding 12: backups hold personal data, readable by their owner only ----------

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@POSIX
def test_backups_and_their_folder_are_private_under_umask_022(store_path, umask_022):
    made = backup_now(store_path, "manuelle", now=NOW)
    assert _mode(made) == 0o600
    assert _mode(made.parent) == 0o700


@POSIX
def test_an_existing_backup_folder_keeps_its_mode(store_path, umask_022):
    folder = backup.backups_dir(store_path)
    folder.mkdir(mode=0o755)
    made = backup_now(store_path, "manuelle", now=NOW)
    assert _mode(made) == 0o600 and _mode(folder) == 0o755


@POSIX
def test_restore_makes_only_private_files(store_path, umask_022):
    saved = backup_now(store_path, "manuelle", now=NOW - timedelta(hours=1))
    data = bytearray(store_path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 300] = b"\xff" * 300
    store_path.write_bytes(bytes(data))
    store_path.with_name(store_path.name + "-wal").write_bytes(b"wal left by a crash")

    aside = restore(store_path, saved, now=NOW)

    assert _mode(aside) == 0o600, "the raw copy of the damaged store"
    assert _mode(aside.with_name(aside.name + "-wal")) == 0o600
    assert _mode(store_path) == 0o600, "the restored store"
