"""The FEC mapping's rules name an action by its number as printed (its rank in the PRAE):
they follow their action when the list of actions changes (services/edits.py: reorder, add,
duplicate, delete, restore).

Each of those edits runs its change through `following`, which notes the action ids in their
order before (`action_order`) and then calls `follow_actions`: a rule keeps naming the same
action under its new number. A rule
whose action was deleted is taken out and handed back with its place in the mapping; undo puts
the action back, then the rule (`put_back`), so undo and redo are exact. Until then the rules
of its pattern no longer add up to 100 %, and an FEC import says so by name instead of sending
the entries to whichever action took the number.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select

from pnae_desktop.domain import followup as fu
from pnae_desktop.services.rows import touch
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import MappingRuleRow, PraeActionRow

# A rule taken out with its deleted action: (its place in the mapping, the rule as it was).
RuleKept = tuple[int, fu.MappingRule]


T = TypeVar("T")


def following(store: Store, prae_id: int, change: Callable[[], T]) -> tuple[T, tuple[RuleKept, ...]]:
    """Run `change` (it changes the PRAE's list of actions) and have the rules follow their
    actions; return what `change` returned and the rules of the actions it removed."""
    before = action_order(store, prae_id)
    result = change()
    return result, follow_actions(store, prae_id, before)


def action_order(store: Store, prae_id: int) -> list[int]:
    """The PRAE's action ids, in their printed order."""
    with store.transaction() as session:
        a = PraeActionRow
        return list(session.scalars(select(a.id).where(a.prae_id == prae_id).order_by(a.position)))


def follow_actions(store: Store, prae_id: int, before: list[int]) -> tuple[RuleKept, ...]:
    """Renumber the rules after the actions moved from the order `before`; return the rules
    of actions no longer there, taken out."""
    after = action_order(store, prae_id)
    if after == before:
        return ()
    number = {action_id: i + 1 for i, action_id in enumerate(after)}
    taken: list[RuleKept] = []
    changed = False
    with store.transaction() as session:
        m = MappingRuleRow
        rows = session.scalars(select(m).where(m.prae_id == prae_id).order_by(m.position)).all()
        for place, row in enumerate(rows):
            if row.action is None or not 1 <= row.action <= len(before):
                continue
            new = number.get(before[row.action - 1])
            if new is None:
                taken.append((place, fu.MappingRule(row.match, row.pattern, row.action, row.share, row.funder)))
                session.delete(row)
                changed = True
            elif new != row.action:
                row.action = new
                changed = True
        if changed:
            session.flush()
            touch(session, prae_id)
    return tuple(taken)


def put_back(store: Store, prae_id: int, kept: tuple[RuleKept, ...]) -> None:
    """Insert the rules `kept` back at their places (their action is back under its number)."""
    if not kept:
        return
    with store.transaction() as session:
        m = MappingRuleRow
        rows = list(session.scalars(select(m).where(m.prae_id == prae_id).order_by(m.position)))
        for place, rule in sorted(kept, key=lambda k: k[0]):
            row = MappingRuleRow(prae_id=prae_id, position=0, **_fields(rule))
            session.add(row)
            rows.insert(min(place, len(rows)), row)
        for position, row in enumerate(rows):
            row.position = position
        session.flush()
        touch(session, prae_id)


def _fields(rule: fu.MappingRule) -> dict[str, object]:
    return {
        "match": rule.match,
        "pattern": rule.pattern,
        "action": rule.action,
        "share": rule.share,
        "funder": rule.funder,
    }
