"""The one list of problems before a document leaves the app: what the Convention page, the
Exports page and the command line (`export`, `show --format json`) all show.

Each problem is listed once, in French, with the documents it affects, the documents it
blocks (none for a warning) and the place where it is fixed (a page and a target there).
`check` (the command) stays the store's integrity check: this is about the documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pnae_desktop.domain import drafting
from pnae_desktop.domain.snapshot import Snapshot

BLOCKING = "blocking"
WARNING = "warning"
DOCUMENT_NAMES = {"convention": "Convention", "prae": "PRAE", "budget": "Budget"}
ALL_DOCUMENTS = ("convention", "prae", "budget")


@dataclass(frozen=True)
class Place:
    """Where a problem is fixed: `page` (prae, budget, convention), and there an action, a
    field of the fiche or of the convention (`target`), an article key or a year."""

    page: str
    target: str = ""
    action_id: int | None = None
    article: str | None = None
    year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "target": self.target,
            "action_id": self.action_id,
            "article": self.article,
            "year": self.year,
        }


@dataclass(frozen=True)
class Problem:
    message: str  # French, never an internal key
    documents: tuple[str, ...]  # the documents it concerns, in ALL_DOCUMENTS order
    blocks: tuple[str, ...]  # those it prevents from being exported (empty: a warning)
    place: Place
    code: str = ""

    @property
    def severity(self) -> str:
        return BLOCKING if self.blocks else WARNING

    @property
    def documents_label(self) -> str:
        return ", ".join(DOCUMENT_NAMES[d] for d in self.documents)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "message": self.message,
            "documents": list(self.documents),
            "blocks": list(self.blocks),
            "place": self.place.to_dict(),
            "code": self.code,
            # as before this list was shared: the convention field or article, else the page
            "location": self.place.target if self.place.page == "convention" else self.place.page,
        }


def _ordered(documents) -> tuple[str, ...]:
    return tuple(d for d in ALL_DOCUMENTS if d in set(documents))


class _Collector:
    def __init__(self) -> None:
        self.out: list[Problem] = []
        self.seen: dict[str, int] = {}

    def add(self, code: str, message: str, documents, blocks, place: Place) -> None:
        """One entry per message: the same message from two sources merges its documents."""
        documents, blocks = _ordered(documents), _ordered(blocks)
        if message in self.seen:
            i = self.seen[message]
            old = self.out[i]
            self.out[i] = Problem(
                message,
                _ordered((*old.documents, *documents)),
                _ordered((*old.blocks, *blocks)),
                old.place,
                old.code,
            )
            return
        self.seen[message] = len(self.out)
        self.out.append(Problem(message, documents, blocks, place, code))


def document_checks(snapshot: Snapshot) -> list[Problem]:
    """Every problem of the PRAE's documents, blocking ones first. The convention's own checks
    are included when the snapshot holds the rendered convention."""
    detail, catalogue, totals = snapshot.detail, snapshot.catalogue, snapshot.totals
    c = _Collector()
    if not detail.actions:
        c.add("no_action", "Le PRAE ne contient aucune action.", ALL_DOCUMENTS, ALL_DOCUMENTS, Place("prae"))
    titles = {a.id: a.title for a in detail.actions}
    years = tuple(range(detail.summary.start_year, detail.summary.end_year + 1))
    period = f"{years[0]}-{years[-1]}" if years else ""

    # The programme's actions: a cost over the period and at least one CPO objective each.
    for action in detail.actions:
        cost = sum(totals.full_by_action_year.get((action.id, y), 0) for y in years)
        if not cost:
            c.add(
                "action_without_cost",
                f"Action « {action.title} » : aucun coût prévu sur {period} (0,00 €) ; "
                "saisissez son budget ou retirez-la du programme.",
                ("convention", "budget"),
                ("convention",),
                Place("budget", action_id=action.id),
            )
        if not action.objective_codes:
            c.add(
                "action_without_objective",
                f"Action « {action.title} » : reliée à aucun objectif de la CPO ; cochez au moins un objectif "
                "dans sa fiche.",
                ("convention", "prae"),
                ("convention",),
                Place("prae", "objectives", action_id=action.id),
            )
    cov = drafting.coverage(detail, catalogue)
    for item in cov.missing:
        if item.field == "objectives":  # reported above, as blocking
            continue
        c.add(
            "fiche_incomplete",
            f"Fiche « {titles[item.action_id]} » : {item.message}.",
            ("prae",),
            (),
            Place("prae", item.field, action_id=item.action_id),
        )
    for code in cov.uncovered_objectives:
        c.add(
            "objective_uncovered",
            f"Objectif CPO {code} : servi par aucune action.",
            ("convention", "prae"),
            (),
            Place("prae", "objectives"),
        )

    for problem in snapshot.problems:
        if problem.code == "no_objective":  # reported above for the action, as blocking
            continue
        # An unbalanced budget cannot go into a convention; a workbook of it is still useful.
        c.add(
            f"budget_{problem.code}",
            f"Budget : {problem.message}",
            ("convention", "budget"),
            ("convention",) if problem.code == "gap" else (),
            Place("budget", action_id=_int_or_none(problem.action_id), year=problem.year),
        )

    if snapshot.convention is not None:
        _, checks = snapshot.convention
        for check in checks:
            c.add(
                f"convention_{check.code}",
                check.message,
                ("convention",),
                ("convention",) if check.severity == "error" else (),
                _convention_place(check.location, check.article),
            )
    return sorted(c.out, key=lambda p: p.severity != BLOCKING)


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _convention_place(location: str, article: str | None) -> Place:
    if location.startswith("budget"):
        year = location.rsplit(".", 1)[-1]
        return Place("budget", year=int(year) if year.isdigit() else None)
    return Place("convention", location, article=article)


def blocking_for(problems: list[Problem], document: str) -> list[Problem]:
    return [p for p in problems if document in p.blocks]


def warnings_for(problems: list[Problem], document: str) -> list[Problem]:
    return [p for p in problems if document in p.documents and document not in p.blocks]
