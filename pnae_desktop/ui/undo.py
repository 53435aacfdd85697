"""Undo/redo over service calls. An edit is applied through its service *before* it is pushed,
so an edit the service refuses never reaches the stack and nothing is half-saved."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from pnae_desktop.errors import UserError

MERGE_WINDOW_S = 2.0  # consecutive typing in one field within this delay is one undo step


class ServiceCommand(QUndoCommand):
    """`apply()` returns the state `revert(state)` needs. With `reapply`, redo after an undo calls
    `reapply(what revert returned)` instead — e.g. restore a deleted action under its old id, so
    later commands that name that id still find it."""

    def __init__(
        self,
        text: str,
        apply: Callable,
        revert: Callable,
        after: Callable,
        report: Callable,
        state,
        merge_key=None,
        reapply: Callable | None = None,
    ):
        super().__init__(text)
        self._apply, self._revert, self._after, self._report = apply, revert, after, report
        self._reapply = reapply
        self.state = state
        self.undo_state = None
        self.merge_key = merge_key
        self.stamp = time.monotonic()
        self._applied_once = True  # push() calls redo(): the edit is already done

    def id(self) -> int:
        return 1 if self.merge_key is not None else -1

    def mergeWith(self, other) -> bool:
        if other.merge_key != self.merge_key or other.stamp - self.stamp > MERGE_WINDOW_S:
            return False
        self._apply = other._apply  # redo goes to the newest value; undo still to the oldest
        self.stamp = other.stamp
        return True

    def redo(self) -> None:
        if self._applied_once:
            self._applied_once = False
            return
        if self._reapply is not None:
            self._run(lambda: setattr(self, "state", self._reapply(self.undo_state)))
        else:
            self._run(lambda: setattr(self, "state", self._apply()))

    def undo(self) -> None:
        self._run(lambda: setattr(self, "undo_state", self._revert(self.state)))

    def _run(self, work) -> None:
        try:
            work()
        except UserError as exc:
            self._report(str(exc))
        self._after()


def push_edit(
    stack: QUndoStack,
    text: str,
    apply: Callable,
    revert: Callable,
    after: Callable,
    report: Callable,
    merge_key=None,
    reapply: Callable | None = None,
) -> ServiceCommand | None:
    """Apply `apply()` now; on success push an undoable command whose undo is `revert(state)`.
    Returns the command (its `state` is what apply returned), or None if the edit was refused."""
    try:
        state = apply()
    except UserError as exc:
        report(str(exc))
        after()
        return None
    command = ServiceCommand(text, apply, revert, after, report, state, merge_key, reapply)
    stack.push(command)
    after()
    return command
