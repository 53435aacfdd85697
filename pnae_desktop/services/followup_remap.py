"""The follow-up rows that name a fiche's indicators and milestones by position follow them
when the fiche's lists change (services/edits.py SetIndicators / SetMilestones).

Indicator results are stored by (action, indicator index, year) and « milestones done » marks
by (action, year, milestone index), the index being the place in the list as stored (the
calendar is stored ordered by year, then in the order given). When an edit replaces a list,
the old and the new list are matched item by item (`match`):

1. the same item (every field equal), first come first served;
2. then the same label and unit (indicators) / year and text (milestones), when exactly one
   unmatched old item and one unmatched new item share it (an item edited and moved);
3. then, when as many old items as new ones are left unmatched, they pair in order (items
   edited in place).

The rows of a matched item move to its new index in the same transaction. The rows of an old
item left unmatched (it was removed) are taken out and handed back to the caller, which keeps
them with the inverse edit: undo puts the list back and those rows at their place, so undo and
redo are exact. This was chosen over refusing the removal, since a removal is undoable like
any edit and the data is never lost while it is in the history — except in a closed year: its
follow-up is read-only (services/next_year.py), so removing an item that has realised data in
a closed year is refused with a French message naming the item and the year, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pnae_desktop.domain.entities import Indicator, Milestone
from pnae_desktop.errors import ValidationError
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import ClosedYearRow, IndicatorResultRow, PraeActionRow, ReportMilestoneRow

T = TypeVar("T")

# A follow-up row taken out with its item: (index in the list it belongs to, year, value or day).
IndicatorRowKept = tuple[int, int, Decimal]
MilestoneRowKept = tuple[int, int, date | None]


def match(old: Sequence[T], new: Sequence[T], key: Callable[[T], Hashable]) -> dict[int, int]:
    """Old index → new index of the items that are kept (see the module's docstring)."""
    mapping: dict[int, int] = {}
    free = list(range(len(new)))
    for i, item in enumerate(old):
        j = next((j for j in free if new[j] == item), None)
        if j is not None:
            mapping[i] = j
            free.remove(j)
    left = [i for i in range(len(old)) if i not in mapping]
    for i in left:
        olds = [x for x in left if x not in mapping and key(old[x]) == key(old[i])]
        news = [j for j in free if key(new[j]) == key(old[i])]
        if len(olds) == 1 and len(news) == 1:
            mapping[i] = news[0]
            free.remove(news[0])
    left = [i for i in range(len(old)) if i not in mapping]
    if len(left) == len(free):
        mapping.update(zip(left, free, strict=True))
    return mapping


def stored_order(milestones: Sequence[Milestone]) -> list[Milestone]:
    """A calendar in the order it is stored and numbered: by year, then in the order given."""
    return sorted(milestones, key=lambda m: m.year)


def _closed(session: Session, action_id: int) -> set[int]:
    action = session.get(PraeActionRow, action_id)
    prae_id = action.prae_id if action is not None else -1
    return set(session.scalars(select(ClosedYearRow.year).where(ClosedYearRow.prae_id == prae_id)))


def indicators_changed(
    store: Store,
    action_id: int,
    old: Sequence[Indicator],
    new: Sequence[Indicator],
    kept: Sequence[IndicatorRowKept] = (),
) -> tuple[IndicatorRowKept, ...]:
    """Move the action's indicator results from `old` to `new` and put back `kept` (rows of
    `new`'s items taken out by an earlier edit); return the rows of the items removed."""
    mapping = match(old, new, lambda i: (i.label.strip(), i.unit))
    return _move_rows(
        store,
        action_id,
        IndicatorResultRow,
        ("indicator_index", "value"),
        mapping,
        kept,
        lambda index, year: (
            f"Indicateur « {old[index].label} » : il a une valeur réalisée en {year}, année "
            "clôturée ; il ne peut pas être retiré. Rien n'a été changé."
        ),
    )


def milestones_changed(
    store: Store,
    action_id: int,
    old: Sequence[Milestone],
    new: Sequence[Milestone],
    kept: Sequence[MilestoneRowKept] = (),
) -> tuple[MilestoneRowKept, ...]:
    """Move the action's « milestones done » marks from `old` to `new` (both as given to or
    returned by drafting.set_milestones) and put back `kept`; return the marks of the
    milestones removed, as (milestone index, year of the report, day)."""
    before, after = stored_order(old), stored_order(new)
    mapping = match(before, after, lambda m: (m.year, m.text.strip()))
    return _move_rows(
        store,
        action_id,
        ReportMilestoneRow,
        ("milestone_index", "done_on"),
        mapping,
        kept,
        lambda index, year: (
            f"Jalon « {before[index].text} » : il est marqué réalisé dans le suivi {year}, année "
            "clôturée ; il ne peut pas être retiré. Rien n'a été changé."
        ),
    )


def _move_rows(
    store: Store,
    action_id: int,
    row_type: Any,
    names: tuple[str, str],
    mapping: dict[int, int],
    kept: Sequence[tuple[int, int, Any]],
    refusal: Callable[[int, int], str],
) -> tuple[Any, ...]:
    """Rewrite the action's rows of `row_type` (read as (index, year, value) through the
    column `names`) at their items' new indexes, with `kept` put back; return the rows of the
    items removed. Refused (`refusal(index, year)`) when one of those is in a closed year."""
    index_name, value_name = names
    with store.transaction() as session:
        found = session.scalars(select(row_type).where(row_type.action_id == action_id))
        rows = [(getattr(x, index_name), x.year, getattr(x, value_name)) for x in found]
        dropped = tuple(sorted((row for row in rows if row[0] not in mapping), key=lambda row: (row[0], row[1])))
        closed = _closed(session, action_id)
        for index, year, _value in dropped:
            if year in closed:
                raise ValidationError(refusal(index, year))
        if not dropped and not kept and all(i == j for i, j in mapping.items()):
            return ()
        values = {(mapping[i], year): value for i, year, value in rows if i in mapping}
        values.update({(i, year): value for i, year, value in kept})
        session.execute(delete(row_type).where(row_type.action_id == action_id))
        session.flush()
        for (index, year), value in sorted(values.items()):
            session.add(row_type(action_id=action_id, year=year, **{index_name: index, value_name: value}))
        session.flush()
        return dropped
