"""« Préparer le PRAE N+1 »: the working version of the same PRAE moves on to the next year.

Preparing year N+1 from the realised year N (services/edits_nextyear.py makes it one undoable
edit) does, in one transaction:

- **closes year N**: a row in `closed_years`; the follow-up writers (services/followup.py)
  then refuse any change to that year's realised data, with a French message;
- **carries forward the actions reported « reportée »** in year N's report: the action's
  milestones of year N that the report does not mark done move to year N+1 (same text and
  quarter; a milestone dated to the day keeps the quarter of that day, since the day itself
  was in year N). The done-milestone marks of every year are renumbered so they still
  point at the same milestones (a calendar is ordered by year);
- **notes the actions « abandonnée »**: they are listed in the plan (the dialog, the CLI),
  nothing of theirs is carried;
- **only when asked (`carry_budget`)**, proposes for N+1 the year-N budget a reported action
  did not spend. The rule, per action and nature of charge (60 … 67): not spent = forecast of
  year N − realised of year N for that nature, when positive; it becomes ONE new charge line
  of year N+1 on the account of the nature's first year-N line, labelled « Report N : <that
  line's label> ». Financing is left as it is: the balance of N+1 then shows what to fund.

The working version is the PRAE's rows themselves (the versions of services/versions.py): when
a version is signed, these changes are its differences, and the annual avenant of N+1 shows
them. Nothing here knows Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import delete, select

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.budget_cells import ChargeCell, ChargeValue
from pnae_desktop.domain.entities import Milestone, PraeDetail
from pnae_desktop.domain.money import format_amount
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import budget, followup, praes
from pnae_desktop.services.rows import prae_row, touch
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import ClosedYearRow, ReportMilestoneRow


@dataclass(frozen=True)
class CarriedAction:
    """A reported action: its milestones moved to N+1 and the budget proposed there."""

    action_id: int
    title: str
    milestones: tuple[str, ...]  # texts of the milestones moved
    new_calendar: tuple[Milestone, ...]
    renumbering: tuple[tuple[int, int], ...]  # (old index, new index) of the milestones that move in the list
    budget: tuple[ChargeCell, ...] = ()


@dataclass(frozen=True)
class NextYearPlan:
    year: int  # the realised year closed
    carried: tuple[CarriedAction, ...]
    abandoned: tuple[tuple[int, str], ...]  # (action id, title)
    carry_budget: bool

    @property
    def next_year(self) -> int:
        return self.year + 1

    def describe(self) -> list[str]:
        """What preparing does, in French (the confirmation dialog, the CLI)."""
        n, m = self.year, self.next_year
        lines = [f"L'année {n} sera clôturée : son suivi (réalisé) ne pourra plus être modifié."]
        if not self.carried:
            lines.append(f"Aucune action « reportée » en {n} : rien n'est reporté en {m}.")
        for action in self.carried:
            moved = ", ".join(f"« {t} »" for t in action.milestones) or "aucun jalon"
            lines.append(f"Action « {action.title} » (reportée) : jalons reportés en {m} : {moved}.")
            for cell in action.budget:
                amount = format_amount(cell.value.amount_cents or 0) if cell.value else "0"
                lines.append(f"  Budget non consommé proposé en {m} : {cell.account} « {cell.label} » {amount}.")
        for _id, title in self.abandoned:
            lines.append(f"Action « {title} » abandonnée en {n} : rien n'est reporté.")
        return lines


# -- closed years ----------------------------------------------------------------------------


def closed_years(store: Store, prae_id: int) -> tuple[int, ...]:
    with store.transaction() as session:
        prae_row(session, prae_id)
        rows = session.scalars(select(ClosedYearRow.year).where(ClosedYearRow.prae_id == prae_id))
        return tuple(sorted(rows))


def set_year_closed(store: Store, prae_id: int, year: int, closed: bool) -> bool:
    """Close or reopen a realised year; return whether it was closed."""
    with store.transaction() as session:
        prae_row(session, prae_id)
        row = session.get(ClosedYearRow, (prae_id, year))
        if closed and row is None:
            session.add(ClosedYearRow(prae_id=prae_id, year=year))
        elif not closed and row is not None:
            session.delete(row)
        session.flush()
        touch(session, prae_id)
        return row is not None


def renumber_done_milestones(store: Store, action_id: int, pairs: tuple[tuple[int, int], ...]) -> None:
    """Move the done marks of an action's milestones from old to new indices (every year)."""
    if not pairs:
        return
    moves = dict(pairs)
    with store.transaction() as session:
        r = ReportMilestoneRow
        rows = [
            (m.year, m.milestone_index, m.done_on) for m in session.scalars(select(r).where(r.action_id == action_id))
        ]
        session.execute(delete(r).where(r.action_id == action_id))
        session.flush()
        for year, index, done_on in rows:
            session.add(r(action_id=action_id, year=year, milestone_index=moves.get(index, index), done_on=done_on))
        session.flush()


# -- planning --------------------------------------------------------------------------------


def plan_next_year(store: Store, prae_id: int, year: int, *, carry_budget: bool = False) -> NextYearPlan:
    """What preparing year+1 from `year` would do; refuses (ValidationError, in French) when
    `year` is not a year of the PRAE, is its last year, or is already closed."""
    detail = praes.get_prae(store, prae_id)
    start, end = detail.summary.start_year, detail.summary.end_year
    if not start <= year <= end:
        raise ValidationError(f"Préparer le PRAE N+1 : l'année {year} n'est pas une année du PRAE ({start}–{end}).")
    if year == end:
        raise ValidationError(
            f"Préparer le PRAE N+1 : {year} est la dernière année du PRAE ({start}–{end}) ; "
            "il n'y a pas d'année suivante à préparer."
        )
    if year in closed_years(store, prae_id):
        raise ValidationError(f"Préparer le PRAE N+1 : l'année {year} est déjà clôturée ({year + 1} déjà préparé).")
    follow = followup.load_followup(store, prae_id)
    carried, abandoned = [], []
    lines = budget.load_budget(store, prae_id).charges if carry_budget else ()
    for action in detail.actions:
        report = follow.report(action.id, year)
        if report is None:
            continue
        if report.status == "abandonnee":
            abandoned.append((action.id, action.title))
        elif report.status == "reportee":
            carried.append(_carry(detail, action.id, report, year, follow, lines))
    return NextYearPlan(year, tuple(carried), tuple(abandoned), carry_budget)


def _carry(
    detail: PraeDetail, action_id: int, report: fu.ActionReport, year: int, follow: fu.FollowUp, lines
) -> CarriedAction:
    action = detail.action(action_id)
    done = {index for index, _ in report.milestones_done}
    tagged = []  # (milestone, old index, moved)
    moved = []
    for index, m in enumerate(action.milestones):
        arrives = m.year == year and index not in done
        if arrives:
            quarter = m.quarter if m.day is None else (m.day.month - 1) // 3 + 1
            m = replace(m, year=year + 1, quarter=quarter, day=None)
            moved.append(m.text)
        tagged.append((m, index, arrives))
    # A calendar is ordered by year, then in the order given: the moved milestones go after N+1's own.
    new_list = sorted(tagged, key=lambda t: (t[0].year, t[2], t[1]))
    renumbering = tuple((old, new) for new, (_m, old, _a) in enumerate(new_list) if old != new)
    cells = _budget_cells(action_id, year, follow, lines) if lines else ()
    return CarriedAction(action_id, action.title, tuple(moved), tuple(t[0] for t in new_list), renumbering, cells)


def _budget_cells(action_id: int, year: int, follow: fu.FollowUp, lines) -> tuple[ChargeCell, ...]:
    forecast: dict[str, int] = {}
    first: dict[str, tuple[str, str]] = {}
    for line in sorted((x for x in lines if x.action_id == action_id and x.year == year), key=lambda x: x.account):
        nature = line.account[:2]
        forecast[nature] = forecast.get(nature, 0) + line.cents
        first.setdefault(nature, (line.account, line.label))
    realised: dict[str, int] = {}
    for charge in follow.charges:
        if charge.action_id == action_id and charge.year == year:
            realised[charge.nature] = realised.get(charge.nature, 0) + charge.amount_cents
    cells = []
    taken = {(x.account, x.label) for x in lines if x.action_id == action_id and x.year == year + 1}
    for nature in sorted(forecast):
        left = forecast[nature] - realised.get(nature, 0)
        if left <= 0:
            continue
        account, label = first[nature]
        new_label, suffix = f"Report {year} : {label}"[:290], 1
        while (account, new_label) in taken:  # never overwrite a line of N+1
            suffix += 1
            new_label = f"Report {year} ({suffix}) : {label}"[:290]
        cells.append(ChargeCell(action_id, account, new_label, year + 1, ChargeValue(amount_cents=left)))
    return tuple(cells)
