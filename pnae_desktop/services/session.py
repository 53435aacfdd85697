"""A working session on one PRAE of one store: edits, their undo/redo history, snapshots.

The GUI, the CLI and the scripting API all go through it. Each edit, undo and redo is one
transaction; when it fails (a refused value, a vanished row, a database error) nothing is
written and the history is left as it was. After each change, subscribers get a
:class:`Changed` notice saying which aspects of the PRAE changed, so a view refreshes only
what it shows. Nothing here knows Qt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass

from pnae_desktop import faults
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.errors import ConflictError
from pnae_desktop.services import concurrency, live
from pnae_desktop.services.edits import (
    EVERYTHING,
    Composite,
    Context,
    Edit,
    aspects_of,
)
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import Store

MERGE_WINDOW_S = 2.0  # consecutive typing in one field within this delay is one undo step
HISTORY_LIMIT = 500  # undo steps kept per PRAE
REMOTE_LABEL = "Modification faite par un collègue"
ATTEMPTS = 3  # an edit whose transaction a colleague's concurrent commit got in the way of


@dataclass(frozen=True)
class Changed:
    """What an edit, an undo or a redo changed."""

    prae_id: int
    aspects: frozenset[str]
    action_ids: frozenset[int]
    label: str
    kind: str  # "edit", "undo", "redo", "refresh" (someone else's changes, taken on) or "remote" (a colleague's, on a team store)


@dataclass
class _Step:
    label: str
    edit: Edit  # what to apply to move along the history (an inverse on the undo side)
    based_on: Edit  # the edit whose result `edit` overwrites: what it expects to find there
    merge_key: object = None
    stamp: float = 0.0


Listener = Callable[[Changed], None]


def take_baseline(store: Store, prae_id: int) -> concurrency.Baseline:
    """The PRAE's rows as they are now: what a session created later is based on (a command
    that reads a file against the store takes it before reading, then makes its session)."""
    with store.transaction() as session:
        return concurrency.Baseline(concurrency.read_versions(session, prae_id))


class PraeSession:
    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        prae_id: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        baseline: concurrency.Baseline | None = None,
    ):
        self.store = store
        self.catalogue = catalogue
        self.prae_id = prae_id
        self._clock = clock
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._listeners: list[Listener] = []
        live.track(self)  # on a team store, a colleague's change of this PRAE reaches the subscribers
        # The rows' versions as this session last saw them: an edit based on an older one is
        # refused (services/concurrency.py). Taken now (or given: see take_baseline), then at
        # each snapshot() and rebase().
        self.baseline = baseline if baseline is not None else take_baseline(store, prae_id)

    @property
    def context(self) -> Context:
        return Context(self.store, self.catalogue, self.prae_id)

    # -- notices ---------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every change; returns the function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, edit: Edit, inverse: Edit, label: str, kind: str) -> Changed:
        # The inverse names what the edit made (an added action's id is known only then).
        changed = Changed(self.prae_id, aspects_of(edit), edit.action_ids | inverse.action_ids, label, kind)
        self.receive(changed)
        return changed

    def receive(self, changed: Changed) -> None:
        """Hand `changed` to the subscribers (also a colleague's change, from services.live)."""
        for listener in list(self._listeners):
            listener(changed)

    def receive_remote(self, aspects: frozenset[str], action_ids: frozenset[int] | None) -> None:
        """A colleague's committed change of this PRAE (services.live); None: too many actions
        to name, so every view reads everything back. The baseline stays as it is: a page
        takes the rows as seen when it reads them again (rebase), so a cell of a page not read
        again is still checked against what its user saw."""
        if action_ids is None:
            aspects, action_ids = aspects | EVERYTHING, frozenset()
        self.receive(Changed(self.prae_id, aspects, action_ids, REMOTE_LABEL, "remote"))

    # -- history ---------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    @property
    def undo_labels(self) -> list[str]:
        """The steps that can be undone, the most recent first."""
        return [step.label for step in reversed(self._undo)]

    @property
    def redo_labels(self) -> list[str]:
        """The steps that can be redone, the next one first."""
        return [step.label for step in reversed(self._redo)]

    @property
    def depth(self) -> int:
        """How many steps can be undone."""
        return len(self._undo)

    def clear_history(self) -> None:
        self._undo.clear()
        self._redo.clear()

    def _run(self, edit: Edit, based_on: Edit | None = None, *, check: bool = True) -> Edit:
        """Apply `edit` in one transaction and return its inverse; on failure nothing is written.
        With `based_on`, the values `edit` overwrites must be those `based_on` wrote: else
        someone changed them since, and the step is refused (ConflictError). With `check`, so
        must every row it writes be as this session last saw it (its baseline). A concurrent
        commit that gets in the way (a row changed under the UPDATE, a line created meanwhile,
        a serialization failure) is retried, then refused as a ConflictError: never a raw
        database error."""
        attempts = 1 if self.store.in_transaction else ATTEMPTS  # a joined transaction cannot retry
        for attempt in range(1, attempts + 1):
            try:
                with self.store.transaction() as session:
                    baseline = self.baseline if check else concurrency.Baseline()
                    with concurrency.guard(session, baseline, edit.label) as run:
                        inverse = edit.apply(self.context)
                        if based_on is not None:
                            mine, theirs = based_on.state_key(), inverse.state_key()
                            if mine is not None and theirs is not None and mine != theirs:
                                raise ConflictError(
                                    f"« {edit.label} » : la valeur a été modifiée entre-temps (dans une autre "
                                    "fenêtre, sur un autre poste ou par un script). Rien n'a été changé.",
                                    theirs=theirs,
                                    mine=mine,
                                )
                        written = run.finish(session, self.prae_id)
                    # Colleagues are told in the same transaction: PostgreSQL delivers it only on commit.
                    live.announce(self.store, self.prae_id, aspects_of(edit), edit.action_ids | inverse.action_ids)
                    faults.checkpoint("session.before_commit")
            except Exception as exc:
                if not concurrency.is_retryable(exc):
                    raise
                if attempt == attempts:
                    raise concurrency.race_conflict(edit.label) from None
                continue
            self.baseline.record(written)
            return inverse
        raise AssertionError("unreachable")

    def apply(self, edit: Edit, *, merge_key: object = None, force: bool = False) -> Changed:
        """Apply a new edit and record its inverse. Edits with the same `merge_key` made within
        MERGE_WINDOW_S of each other are one undo step (typing in one field). An edit of a row
        someone changed since this session last saw it is refused (ConflictError); `force`
        applies it on the fresh value (« Appliquer la mienne »)."""
        inverse = self._run(edit, check=not force)
        now = self._clock()
        top = self._undo[-1] if self._undo else None
        if (
            merge_key is not None
            and top is not None
            and top.merge_key == merge_key
            and now - top.stamp <= MERGE_WINDOW_S
        ):
            top.stamp = now  # undo still goes back to the value before the first keystroke…
            top.based_on = edit  # …from the value of the last one
        else:
            self._undo.append(_Step(edit.label, inverse, edit, merge_key, now))
            del self._undo[:-HISTORY_LIMIT]
        self._redo.clear()
        return self._notify(edit, inverse, edit.label, "edit")

    def apply_all(self, label: str, edits: list[Edit]) -> Changed:
        """Several edits as one user action: one transaction, one undo step."""
        return self.apply(Composite(label, tuple(edits)))

    def undo(self) -> Changed | None:
        """Undo the last step; when it fails the step stays where it was (and the error rises)."""
        if not self._undo:
            return None
        step = self._undo[-1]
        redo = self._run(step.edit, step.based_on)
        self._undo.pop()
        self._redo.append(_Step(step.label, redo, step.edit))
        return self._notify(step.edit, redo, step.label, "undo")

    def redo(self) -> Changed | None:
        if not self._redo:
            return None
        step = self._redo[-1]
        undo = self._run(step.edit, step.based_on)
        self._redo.pop()
        self._undo.append(_Step(step.label, undo, step.edit))  # no merge_key: never merged with what follows
        return self._notify(step.edit, undo, step.label, "redo")

    # -- reading ---------------------------------------------------------------------------
    def snapshot(self, *, convention: bool = True) -> Snapshot:
        """The PRAE, its budget with totals and (unless `convention` is False) its rendered
        convention, read in one transaction; the rows' versions read with it become the
        session's baseline: later edits are checked against what this snapshot showed."""
        outermost = not self.store.in_transaction
        with self.store.transaction() as session:
            if outermost and self.store.dialect == "postgresql":  # one instant, as load_snapshot
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            versions = concurrency.read_versions(session, self.prae_id)
            snap = load_snapshot(self.store, self.prae_id, self.catalogue, convention=convention)
        self.baseline.reset(versions)
        return snap

    def rebase(self, aspects: Collection[str] | None = None) -> None:
        """Take the rows as they are now as the baseline (after the user saw someone else's
        values: « Garder la leur », a view reading its `aspects` again — call it before
        reading, so a commit in between makes a conflict, never a lost update)."""
        tables = None if aspects is None else frozenset().union(*(concurrency.ASPECT_TABLES[a] for a in aspects))
        self.baseline.reset(take_baseline(self.store, self.prae_id).versions or {}, tables)

    def refresh(self) -> Changed:
        """Someone else's changes are taken on: rebase, and tell every view to read again."""
        self.rebase()
        changed = Changed(self.prae_id, EVERYTHING, frozenset(), "Actualiser", "refresh")
        for listener in list(self._listeners):
            listener(changed)
        return changed
