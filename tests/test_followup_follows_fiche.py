"""Indicator results and « milestones done » marks follow the fiche's indicators and milestones
when the fiche's lists are edited (reorder, removal, addition), undo and redo exact; removing
one with realised data in a closed year is refused; the demo's marks name the right milestones
(real SQLite file, and real PostgreSQL when PNAE_TEST_PG_URL is set)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest

from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import Indicator, Milestone, NewPrae
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import edits as e
from pnae_desktop.services import edits_followup as ef
from pnae_desktop.services import followup as service
from pnae_desktop.services import next_year as ny
from pnae_desktop.services import praes
from pnae_desktop.services.demo import create_demo
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store

D = Decimal
A = Indicator("Jeunes accompagnés", "nombre", "imilo")
B = Indicator("Taux de sortie", "pourcentage", "imilo")
C = Indicator("Partenaires", "nombre", "autre")


@pytest.fixture
def session(any_store, catalogue):
    prae_id = praes.create_prae(any_store, catalogue, NewPrae("32", 2018, 2020, (1, 2)))
    return PraeSession(any_store, catalogue, prae_id)


def state(session) -> str:
    return json.dumps(asdict(service.load_followup(session.store, session.prae_id)), sort_keys=True, default=str)


def results(session, action_id) -> dict[tuple[str, int], Decimal]:
    """Realised values by (indicator label, year), read through the stored fiche."""
    indicators = praes.get_action(session.store, action_id).indicators
    follow = service.load_followup(session.store, session.prae_id)
    return {
        (indicators[r.indicator_index].label, r.year): r.value for r in follow.indicators if r.action_id == action_id
    }


def marks(session, action_id) -> dict[tuple[str, int], date | None]:
    """Milestones done by (milestone text, year of the report), read through the stored calendar."""
    calendar = praes.get_action(session.store, action_id).milestones
    follow = service.load_followup(session.store, session.prae_id)
    return {
        (calendar[i].text, r.year): day
        for r in follow.reports
        if r.action_id == action_id
        for i, day in r.milestones_done
    }


def _with_results(session):
    a1 = praes.get_prae(session.store, session.prae_id).actions[0].id
    session.apply(e.SetIndicators("Indicateurs", a1, (A, B, C)))
    session.apply(ef.SetIndicatorResult("r", fu.IndicatorResult(a1, 0, 2018, D("12"))))
    session.apply(ef.SetIndicatorResult("r", fu.IndicatorResult(a1, 1, 2018, D("55.5"))))
    session.apply(ef.SetIndicatorResult("r", fu.IndicatorResult(a1, 2, 2019, D("3"))))
    return a1


EXPECTED = {("Jeunes accompagnés", 2018): D("12"), ("Taux de sortie", 2018): D("55.5"), ("Partenaires", 2019): D("3")}


@pytest.mark.parametrize(
    "new_list",
    [(C, A, B), (B, C, A), (A, C, B)],
    ids=["reorder", "rotate", "swap"],
)
def test_indicator_results_follow_a_reordered_list(session, new_list):
    a1 = _with_results(session)
    before = state(session)
    session.apply(e.SetIndicators("Réordonner", a1, new_list))
    assert results(session, a1) == EXPECTED
    after = state(session)
    session.undo()
    assert state(session) == before
    session.redo()
    assert state(session) == after and results(session, a1) == EXPECTED


def test_removed_indicator_takes_its_results_and_undo_brings_them_back(session):
    a1 = _with_results(session)
    before = state(session)
    session.apply(e.SetIndicators("Retirer", a1, (A, C)))  # « Taux de sortie » removed
    assert results(session, a1) == {k: v for k, v in EXPECTED.items() if k[0] != "Taux de sortie"}
    after = state(session)
    session.undo()
    assert state(session) == before and results(session, a1) == EXPECTED
    session.redo()
    assert state(session) == after
    session.apply(e.SetIndicators("Ajouter", a1, (A, C, Indicator("Nouveau", "nombre", "imilo"))))
    assert results(session, a1) == {k: v for k, v in EXPECTED.items() if k[0] != "Taux de sortie"}


def test_indicator_edited_in_place_keeps_its_results(session):
    a1 = _with_results(session)
    renamed = Indicator("Taux de sortie positive", "pourcentage", "imilo")
    session.apply(e.SetIndicators("Renommer", a1, (A, renamed, C)))
    assert results(session, a1)[("Taux de sortie positive", 2018)] == D("55.5")
    edited = Indicator("Partenaires", "nombre", "autre", comment="Conventions signées")
    session.apply(e.SetIndicators("Modifier et déplacer", a1, (edited, A, renamed)))
    assert results(session, a1)[("Partenaires", 2019)] == D("3")
    assert results(session, a1)[("Jeunes accompagnés", 2018)] == D("12")


def test_removing_an_indicator_realised_in_a_closed_year_is_refused(session):
    a1 = _with_results(session)
    ny.set_year_closed(session.store, session.prae_id, 2018, True)
    before, depth = state(session), session.depth
    with pytest.raises(ValidationError, match="« Taux de sortie ».*2018, année clôturée"):
        session.apply(e.SetIndicators("Retirer", a1, (A, C)))
    assert state(session) == before and session.depth == depth
    assert len(praes.get_action(session.store, a1).indicators) == 3
    session.apply(e.SetIndicators("Réordonner", a1, (C, B, A)))  # moving is allowed: nothing is lost
    assert results(session, a1) == EXPECTED


M1, M2, M3 = Milestone(2018, "Lancement", 1), Milestone(2018, "Séminaire", 2), Milestone(2018, "Bilan", 4)
M9 = Milestone(2019, "Diffusion", 2)


def _with_marks(session):
    a1 = praes.get_prae(session.store, session.prae_id).actions[0].id
    session.apply(e.SetMilestones("Calendrier", a1, (M1, M2, M3, M9)))
    done = ((1, date(2018, 6, 1)), (2, date(2018, 12, 1)))
    session.apply(ef.SetActionReport("cr", fu.ActionReport(a1, 2018, "en_cours", milestones_done=done)))
    session.apply(ef.SetActionReport("cr", fu.ActionReport(a1, 2019, None, milestones_done=((3, None),))))
    return a1


MARKS = {("Séminaire", 2018): date(2018, 6, 1), ("Bilan", 2018): date(2018, 12, 1), ("Diffusion", 2019): None}


def test_milestone_marks_follow_reorder_add_and_remove_with_exact_undo(session):
    a1 = _with_marks(session)
    steps = [
        ("Réordonner", (M3, M1, M2, M9), MARKS),
        ("Ajouter en tête", (M9, Milestone(2018, "Nouveau", 1), M3, M1, M2), MARKS),  # 2019 given first
        ("Retirer", (M1, M2, M9), {k: v for k, v in MARKS.items() if k[0] != "Bilan"}),
    ]
    for label, milestones, expected in steps:
        before = state(session)
        session.apply(e.SetMilestones(label, a1, milestones))
        assert marks(session, a1) == expected, label
        after = state(session)
        session.undo()
        assert state(session) == before, label
        session.redo()
        assert state(session) == after, label
    for _ in steps:
        session.undo()
    assert marks(session, a1) == MARKS


def test_removing_a_milestone_done_in_a_closed_year_is_refused(session):
    a1 = _with_marks(session)
    ny.set_year_closed(session.store, session.prae_id, 2018, True)
    before = state(session)
    with pytest.raises(ValidationError, match="« Bilan ».*2018, année clôturée"):
        session.apply(e.SetMilestones("Retirer", a1, (M1, M2, M9)))
    assert state(session) == before and marks(session, a1) == MARKS


def test_demo_marks_name_milestones_of_the_report_year(tmp_path, catalogue):
    store = open_store(tmp_path / "demo.sqlite")
    prae_id = create_demo(store, catalogue)
    store.close()
    store = open_store(tmp_path / "demo.sqlite")  # read back from the file, in the stored order
    try:
        detail = praes.get_prae(store, prae_id)
        year = detail.years[0]
        follow = service.load_followup(store, prae_id)
        checked = 0
        for rank, action in enumerate(detail.actions):
            report = follow.report(action.id, year)
            assert report is not None
            expected = tuple(
                (i, date(year, 3 * (m.quarter or 2), 15))
                for i, m in enumerate(action.milestones)
                if m.year == year and rank % 4 != 2
            )
            assert report.milestones_done == expected, action.title
            checked += len(expected)
        assert checked > 0
    finally:
        store.close()
