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
Seen = tuple[int, dict[str, Any]]  # a row's version and its values, as a session last saw it

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
    "funders": "le financeur",
    "charge_lines": "la ligne de charges",
    "financing_lines": "la ligne de financement",
    "structural_costs": "la charge de structure",
    "allocation_keys": "la clé de répartition",
    "allocation_shares": "la clé de répartition",
    "missions_locales": "l'annuaire des missions locales",
    "prae_actions": "la fiche action",
    "action_objectives": "les objectifs de l'action",
    "indicators": "les indicateurs de l'action",
    "indicator_targets": "les cibles de l'indicateur",
    "calendar_items": "le calendrier de l'action",
    "conventions": "la convention",
    "followup_settings": "le seuil d'écart",
    "action_reports": "le compte rendu de l'action",
    "report_milestones": "les jalons réalisés de l'action",
    "indicator_results": "la valeur réalisée de l'indicateur",
    "realised_charges": "les charges réalisées",
    "realised_financing": "les financements reçus",
    "realised_others": "les lignes réalisées hors actions",
    "gap_explanations": "l'explication de l'écart",
    "mapping_rules": "la table de correspondance",
}

# Rows found by a key that says what they are (their primary key is no counter): one created
# again under a key the baseline knew was removed by someone else since.
KEYED_TABLES = frozenset(
    {"followup_settings", "action_reports", "report_milestones", "indicator_results", "gap_explanations"}
)

# The tables behind each aspect a view shows (services/edits.py): a view that reads its aspect
# again takes those rows as seen (PraeSession.rebase(aspects)), and only those.
ASPECT_TABLES = {
    "title": frozenset({"praes"}),
    "actions": frozenset(
        {"prae_actions", "action_objectives", "indicators", "indicator_targets", "calendar_items", "missions_locales"}
    ),
    "budget": frozenset(
        {
            "funders",
            "charge_lines",
            "financing_lines",
            "structural_costs",
            "allocation_keys",
            "allocation_shares",
            "action_objectives",
        }
    ),
    "convention": frozenset({"conventions", "organisations"}),
    "followup": frozenset(
        {
            "followup_settings",
            "action_reports",
            "report_milestones",
            "indicator_results",
            "realised_charges",
            "realised_financing",
            "realised_others",
            "gap_explanations",
            "mapping_rules",
        }
    ),
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


def read_versions(session: Session, prae_id: int) -> dict[Key, Seen]:
    """Every row of the PRAE, by table and key: its version and its values."""
    seen: dict[Key, Seen] = {}
    for name, table in _versioned_tables().items():
        cols = _key_columns(table)
        for row in session.execute(select(table).where(_scope(table, prae_id))).mappings():
            seen[(name, tuple(row[k] for k in cols))] = (row["version"], dict(row))
    return seen


@dataclass
class Baseline:
    """What a session's user has seen: each row's version and values (None = no baseline:
    edits are checked by the database only, `apply(force=True)`)."""

    versions: dict[Key, Seen] | None = None

    def reset(self, versions: dict[Key, Seen], tables: frozenset[str] | None = None) -> None:
        """Take `versions` as seen: all of them, or only the rows of `tables`."""
        if tables is None or self.versions is None:
            self.versions = versions
            return
        kept = {k: v for k, v in self.versions.items() if k[0] not in tables}
        kept.update({k: v for k, v in versions.items() if k[0] in tables})
        self.versions = kept

    def record(self, written: dict[Key, Seen | None]) -> None:
        """After an edit commits: its rows as it left them (None: removed)."""
        if self.versions is None:
            return
        for key, seen in written.items():
            if seen is None:
                self.versions.pop(key, None)
            else:
                self.versions[key] = seen


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
        return f"le financement {obj.year} de l'action"
    if name == "prae_actions":
        return f"la fiche action n° {obj.position + 1}"
    if name == "funders":
        return f"le financeur « {obj.name} »"
    return PLACES.get(name, name)


def _twin(session: Session, obj: Any, theirs: dict[str, Any]) -> dict[str, Any] | None:
    """What a replacing edit writes in place of the deleted row `obj` (the values it wants):
    a new row of the same table that differs from it in its amount / value / text only."""
    table = inspect(obj).mapper.local_table
    loose = {"amount", "value", "text", "label"}
    for new in session.new:
        if inspect(new).mapper.local_table is table:
            mine = _values(new, _columns(new), old=False)
            if all(mine.get(k) == v for k, v in theirs.items() if k not in loose):
                return mine
    return None


def conflict(place: str, label: str, theirs: Any, mine: Any, what: str) -> ConflictError:
    """`what`: "modifié", "créé" or "supprimé" (quelqu'un a … `place`)."""
    return ConflictError(
        f"« {label} » : quelqu'un a {what} {place} entre-temps (dans une autre fenêtre, sur un autre poste "
        "ou par un script). Rien n'a été enregistré : gardez sa valeur ou appliquez la vôtre.",
        theirs=theirs,
        mine=mine,
    )


def _loaded(obj: Any, name: str) -> Any:
    """The value the transaction read (before this edit set it)."""
    history = inspect(obj).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(obj, name)


UNSEEN = -1  # the version recorded for a row written on top of a change this session never saw


@dataclass
class _Run:
    baseline: Baseline
    label: str
    written: dict[Key, Seen | None] = field(default_factory=dict)
    # (row, its key before, after (None: deleted), fields written, version it had when read)
    pending: list[tuple[Any, Key, Key | None, list[str], int | None]] = field(default_factory=list)
    deleted_any: bool = False
    bulk_deleted: set[str] = field(default_factory=set)  # tables a DELETE statement emptied rows of

    def finish(self, session: Session, prae_id: int) -> dict[Key, Seen | None]:
        """The rows this edit wrote. A deletion also removes rows by ON DELETE CASCADE, which
        the ORM never sees: after one, the PRAE's rows that are gone are marked removed."""
        session.flush()
        if self.deleted_any and self.baseline.versions is not None:
            now = read_versions(session, prae_id)
            for key in self.baseline.versions:
                if key not in now and key not in self.written:
                    self.written[key] = None
        return self.written

    def expected(self, key: Key) -> Seen | None:
        if key in self.written:
            return self.written[key]
        assert self.baseline.versions is not None
        return self.baseline.versions.get(key)

    def _stale(self, obj: Any, key: Key, names: list[str]) -> tuple[str, list[str]] | None:
        """Why writing `names` of `obj` would overwrite someone's change, if it would: the row
        is not the one seen ("créé"), or one of these fields changed since ("modifié").
        Another field of the same row changed by someone else is no conflict: the UPDATE
        writes only the fields this edit changes."""
        seen = self.expected(key)
        if seen is None:
            return "créé", names
        version, values = seen
        if version == obj.version:
            return None
        changed = [n for n in names if n in values and _loaded(obj, n) != values[n]]
        return ("modifié", changed) if changed else None

    def before_flush(self, session: Session, _context: object, _instances: object) -> None:
        versioned = self.baseline.versions is not None
        deleted_now = {_key(obj, old=True) for obj in session.deleted}
        self.deleted_any = self.deleted_any or bool(deleted_now)
        for obj in list(session.dirty):
            if inspect(obj).mapper.version_id_col is None or not session.is_modified(obj):
                continue
            old_key, new_key = _key(obj, old=True), _key(obj, old=False)
            changed = [n for n in _changed(obj) if n != "version"]
            stale = self._stale(obj, old_key, changed) if versioned else None
            if stale is not None:
                what, names = stale
                raise conflict(
                    _place(obj), self.label, _values(obj, names, old=True), _values(obj, names, old=False), what
                )
            self.pending.append((obj, old_key, new_key, changed, obj.version))
        for obj in list(session.deleted):
            if inspect(obj).mapper.version_id_col is None:
                continue
            key = _key(obj, old=True)
            stale = self._stale(obj, key, _columns(obj)) if versioned else None
            if stale is not None:
                theirs = _values(obj, _columns(obj), old=True)
                raise conflict(_place(obj), self.label, theirs, _twin(session, obj, theirs), stale[0])
            self.pending.append((obj, key, None, [], None))
        for obj in list(session.new):
            if inspect(obj).mapper.version_id_col is None:
                continue
            key = _key(obj, old=False)
            table = key[0]
            recreated = table in NATURAL_KEYS or table in KEYED_TABLES
            if (
                versioned
                and recreated
                and key not in deleted_now
                and table not in self.bulk_deleted
                and self.expected(key) is not None
            ):
                raise conflict(_place(obj), self.label, None, _values(obj, _columns(obj), old=False), "supprimé")
            self.pending.append((obj, key, key, _columns(obj), None))

    def executed(self, state: Any) -> None:
        """A bulk DELETE (no ORM object): the rows it removes may be written again by this edit."""
        if state.is_delete:
            self.deleted_any = True
            self.bulk_deleted.add(state.statement.table.name)

    def deleted(self, _session: Session, _instance: object) -> None:
        self.deleted_any = True  # orphans too, which are no part of session.deleted before the flush

    def after_flush(self, _session: Session, _context: object) -> None:
        for obj, old_key, new_key, names, read in self.pending:
            before = self.expected(old_key) if self.baseline.versions is not None else None
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
                # What this session has seen of the row: the fields it wrote, and for the others
                # what it saw before (a colleague's change to another field stays unseen).
                values = dict(before[1]) if before is not None else {}
                values.update({n: getattr(obj, n) for n in (names if before is not None else _columns(obj))})
                version = obj.version
                if before is not None and read is not None and read != before[0]:
                    # Someone else changed the row since (another field): its version now
                    # covers their change, unseen. The next edit of the row compares fields.
                    version = UNSEEN
                self.written[new_key] = (version, values)
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
    event.listen(session, "do_orm_execute", run.executed)
    try:
        yield run
    finally:
        event.remove(session, "before_flush", run.before_flush)
        event.remove(session, "after_flush_postexec", run.after_flush)
        event.remove(session, "persistent_to_deleted", run.deleted)
        event.remove(session, "do_orm_execute", run.executed)


def is_retryable(exc: BaseException) -> bool:
    """A concurrent commit got in the way: a row changed under our UPDATE, a unique key taken
    meanwhile, a serialization failure or deadlock on PostgreSQL; or the server dropped the
    connection (nothing was committed). Worth one more try."""
    if isinstance(exc, StaleDataError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True  # the server dropped the connection (restarted): a new one is taken
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
