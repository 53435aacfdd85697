"""Optimistic concurrency: an edit based on a stale row is refused, never a silent overwrite.

Every row a user edits carries a `version` (store/models.py, migration 0002) that SQLAlchemy
checks in the UPDATE's / DELETE's WHERE clause and increments (`version_id_col`): a row
changed by someone else between our SELECT and our UPDATE raises `StaleDataError`.

That protects one transaction. A session protects what its user *saw*: a :class:`Baseline`
holds the version of every row of the PRAE as of the session's last snapshot (or opening),
updated by each of its own edits. While an edit runs, :func:`guard` checks every row it is
about to update, delete or re-create against that baseline:

- a row whose version moved since → changed by someone else;
- a row absent from the baseline → created by someone else since;
- a line re-created under a key the baseline knew → removed by someone else since.

Each refusal is a `ConflictError` carrying `theirs` (the row's values now, or None when it is
gone) and `mine` (the values the edit wanted), both as dicts of the fields concerned, amounts
as `Decimal` euros. Raw database errors of a concurrent commit (`StaleDataError`, a unique
key taken meanwhile, a PostgreSQL serialization failure) are retried by the session and, when
they persist, become a `ConflictError` too (:func:`is_retryable`, :func:`race_conflict`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from pnae_desktop.errors import ConflictError
from pnae_desktop.store.models import Base, IndicatorRow, PraeActionRow, PraeRow

Key = tuple[str, tuple[Any, ...]]

# Lines found by what they are rather than by id: the services look them up by these columns
# and create the row when it is not there.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "charge_lines": ("action_id", "year", "account", "label"),
    "financing_lines": ("action_id", "year", "funder_id"),
    "structural_costs": ("prae_id", "year", "label"),
}

PLACES = {
    "organisations": "l'association",
    "praes": "le PRAE",
    "funders": "un financeur",
    "charge_lines": "une ligne de charges",
    "financing_lines": "une ligne de financement",
    "structural_costs": "une charge de structure",
    "allocation_keys": "une clé de répartition",
    "allocation_shares": "une clé de répartition",
    "missions_locales": "l'annuaire des missions locales",
    "prae_actions": "une fiche action",
    "action_objectives": "les objectifs d'une action",
    "indicators": "les indicateurs d'une action",
    "indicator_targets": "les cibles d'un indicateur",
    "calendar_items": "le calendrier d'une action",
    "conventions": "la convention",
}

_SKIPPED = {"version", "id", "prae_id", "action_id", "updated_at", "created_at", "uid"}
_RETRY_SQLSTATES = {"40001", "40P01", "23505"}  # serialization failure, deadlock, unique violation


def _versioned_tables() -> dict[str, Table]:
    tables = [cast(Table, m.local_table) for m in Base.registry.mappers if m.version_id_col is not None]
    return {t.name: t for t in tables}


def _key_columns(table: Table) -> tuple[str, ...]:
    return NATURAL_KEYS.get(table.name) or tuple(c.name for c in table.primary_key.columns)


def _scope(table: Table, prae_id: int) -> Any:
    """The rows of `table` that belong to PRAE `prae_id`."""
    actions = select(PraeActionRow.id).where(PraeActionRow.prae_id == prae_id)
    c = table.c
    if table.name == "praes":
        return c.id == prae_id
    if table.name == "organisations":
        return c.id == select(PraeRow.organisation_id).where(PraeRow.id == prae_id).scalar_subquery()
    if "prae_id" in c:
        return c.prae_id == prae_id
    if "action_id" in c:
        return c.action_id.in_(actions)
    return c.indicator_id.in_(select(IndicatorRow.id).where(IndicatorRow.action_id.in_(actions)))


def read_versions(session: Session, prae_id: int) -> dict[Key, int]:
    """The version of every row of the PRAE, by table and key."""
    versions: dict[Key, int] = {}
    for name, table in _versioned_tables().items():
        cols = _key_columns(table)
        query = select(*(table.c[k] for k in cols), table.c.version).where(_scope(table, prae_id))
        for row in session.execute(query):
            versions[(name, tuple(row[:-1]))] = row[-1]
    return versions


@dataclass
class Baseline:
    """What a session's user has seen: each row's version (None = no baseline yet: the first
    edit of a session opened without a snapshot is checked by the database only)."""

    versions: dict[Key, int] | None = None

    def reset(self, versions: dict[Key, int]) -> None:
        self.versions = versions

    def record(self, written: dict[Key, int | None]) -> None:
        """After an edit commits: its rows as it left them (None: removed)."""
        if self.versions is None:
            return
        for key, version in written.items():
            if version is None:
                self.versions.pop(key, None)
            else:
                self.versions[key] = version


def _values(obj: Any, names: list[str], *, old: bool) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for name in names:
        if name in _SKIPPED:
            continue
        history = state.attrs[name].history
        if old:
            value = history.deleted[0] if history.deleted else getattr(obj, name)
        else:
            value = getattr(obj, name)
        if name.endswith("_cents"):
            name, value = name[: -len("_cents")], None if value is None else Decimal(value).scaleb(-2)
        out[name] = value
    return out


def _columns(obj: Any) -> list[str]:
    return [a.key for a in inspect(obj).mapper.column_attrs]


def _changed(obj: Any) -> list[str]:
    state = inspect(obj)
    return [a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()]


def _key(obj: Any, *, old: bool) -> Key:
    state = inspect(obj)
    table = state.mapper.local_table
    cols = _key_columns(table)
    if old and state.identity is not None and cols == tuple(c.name for c in table.primary_key.columns):
        return (table.name, tuple(state.identity))
    values = []
    for name in cols:
        history = state.attrs[name].history
        values.append(history.deleted[0] if old and history.deleted else getattr(obj, name))
    return (table.name, tuple(values))


def _place(obj: Any) -> str:
    name = inspect(obj).mapper.local_table.name
    if name == "charge_lines":
        return f"la ligne de charges « {obj.year} / {obj.account} / {obj.label} »"
    if name == "structural_costs":
        return f"la charge de structure « {obj.year} / {obj.label} »"
    if name == "financing_lines":
        return f"le financement {obj.year} d'une action"
    return PLACES.get(name, name)


def conflict(place: str, label: str, theirs: Any, mine: Any, what: str) -> ConflictError:
    return ConflictError(
        f"« {label} » : {place} {what} entre-temps (dans une autre fenêtre, sur un autre poste ou par un "
        "script). Rien n'a été enregistré : gardez sa valeur ou appliquez la vôtre.",
        theirs=theirs,
        mine=mine,
    )


@dataclass
class _Run:
    baseline: Baseline
    label: str
    written: dict[Key, int | None] = field(default_factory=dict)
    pending: list[tuple[Any, Key, Key | None]] = field(default_factory=list)
    deleted_any: bool = False

    def finish(self, session: Session, prae_id: int) -> dict[Key, int | None]:
        """The rows this edit wrote. A deletion also removes rows by ON DELETE CASCADE, which
        the ORM never sees: after one, the PRAE's rows that are gone are marked removed."""
        session.flush()
        if self.deleted_any and self.baseline.versions is not None:
            now = read_versions(session, prae_id)
            for key in self.baseline.versions:
                if key not in now and key not in self.written:
                    self.written[key] = None
        return self.written

    def expected(self, key: Key) -> int | None:
        if key in self.written:
            return self.written[key]
        assert self.baseline.versions is not None
        return self.baseline.versions.get(key)

    def before_flush(self, session: Session, _context: object, _instances: object) -> None:
        versioned = self.baseline.versions is not None
        deleted_now = {_key(obj, old=True) for obj in session.deleted}
        self.deleted_any = self.deleted_any or bool(deleted_now)
        for obj in list(session.dirty):
            if inspect(obj).mapper.version_id_col is None or not session.is_modified(obj):
                continue
            old_key, new_key = _key(obj, old=True), _key(obj, old=False)
            if versioned:
                changed = _changed(obj)
                expected = self.expected(old_key)
                if expected is None or expected != obj.version:
                    what = "a été créée" if expected is None else "a été modifiée"
                    raise conflict(
                        _place(obj), self.label, _values(obj, changed, old=True), _values(obj, changed, old=False), what
                    )
            self.pending.append((obj, old_key, new_key))
        for obj in list(session.deleted):
            if inspect(obj).mapper.version_id_col is None:
                continue
            key = _key(obj, old=True)
            if versioned and self.expected(key) != obj.version:
                what = "a été créée" if self.expected(key) is None else "a été modifiée"
                raise conflict(_place(obj), self.label, _values(obj, _columns(obj), old=True), None, what)
            self.pending.append((obj, key, None))
        for obj in list(session.new):
            if inspect(obj).mapper.version_id_col is None:
                continue
            key = _key(obj, old=False)
            table = key[0]
            if versioned and table in NATURAL_KEYS and key not in deleted_now and self.expected(key) is not None:
                raise conflict(_place(obj), self.label, None, _values(obj, _columns(obj), old=False), "a été supprimée")
            self.pending.append((obj, key, key))

    def deleted(self, _session: Session, _instance: object) -> None:
        self.deleted_any = True  # orphans too, which are no part of session.deleted before the flush

    def after_flush(self, _session: Session, _context: object) -> None:
        for obj, old_key, new_key in self.pending:
            if old_key != new_key or new_key is None:
                self.written[old_key] = None
            if new_key is not None:
                state = inspect(obj)
                if (
                    state.identity is not None
                    and new_key[1] != tuple(state.identity)
                    and new_key[0] not in NATURAL_KEYS
                ):
                    new_key = (new_key[0], tuple(state.identity))  # a new row: its id is known now
                self.written[new_key] = obj.version
        self.pending.clear()


@contextmanager
def guard(session: Session, baseline: Baseline, label: str) -> Iterator[_Run]:
    """Check every flush of `session` against `baseline` while the block runs; yields the run,
    whose `finish()` gives the rows written (their new version, None when removed), to record
    once the transaction commits."""
    run = _Run(baseline, label)
    event.listen(session, "before_flush", run.before_flush)
    event.listen(session, "after_flush_postexec", run.after_flush)
    event.listen(session, "persistent_to_deleted", run.deleted)
    try:
        yield run
    finally:
        event.remove(session, "before_flush", run.before_flush)
        event.remove(session, "after_flush_postexec", run.after_flush)
        event.remove(session, "persistent_to_deleted", run.deleted)


def is_retryable(exc: BaseException) -> bool:
    """A concurrent commit got in the way: a row changed under our UPDATE, a unique key taken
    meanwhile, a serialization failure or deadlock on PostgreSQL. Worth one more try."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in _RETRY_SQLSTATES:
            return True
        if isinstance(exc, IntegrityError) and "UNIQUE" in str(exc.orig).upper():
            return True
        return "database is locked" in str(exc.orig)
    return False


def race_conflict(label: str) -> ConflictError:
    return ConflictError(
        f"« {label} » : quelqu'un enregistre en même temps les mêmes données (dans une autre fenêtre, sur un "
        "autre poste ou par un script). Rien n'a été enregistré : réessayez dans un instant."
    )
