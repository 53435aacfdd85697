"""Optimistic concurrency of the follow-up (Suivi page) on a SQLite file and on a real
PostgreSQL: two posts editing the same realised amount, indicator value, explanation or action
report — the second is refused with both values, never a silent overwrite; different values
do not conflict."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from pnae_desktop.domain import followup as fu
from pnae_desktop.errors import ConflictError
from pnae_desktop.services import demo, followup, praes
from pnae_desktop.services import edits_followup as fe
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store


@pytest.fixture
def two_posts(any_store, catalogue):
    prae_id = demo.create_demo(any_store, catalogue, demo.DEFAULT_REGION)
    other = (
        open_store(any_store.path)
        if any_store.path
        else open_store(url=str(any_store.engine.url.render_as_string(hide_password=False)))
    )
    a, b = PraeSession(any_store, catalogue, prae_id), PraeSession(other, catalogue, prae_id)
    a.snapshot(), b.snapshot()
    yield a, b
    other.close()


def year_and_actions(session: PraeSession) -> tuple[int, list[int]]:
    prae = praes.get_prae(session.store, session.prae_id)
    return prae.summary.start_year, [a.id for a in prae.actions if a.id is not None]


def set_charge(session: PraeSession, year: int, action_id: int, nature: str, cents: int) -> None:
    """What the Suivi page does for a typed realised amount: one line « saisie » replaces the
    action's lines of that nature, the action's other natures kept as this post saw them."""
    current = followup.load_followup(session.store, session.prae_id).charges
    kept = [c for c in current if c.year == year and c.action_id == action_id and c.nature != nature]
    kept.append(fu.RealisedCharge(action_id, year, nature, "Saisi", cents))
    session.apply(fe.SetRealisedCharges("Saisir une charge réalisée", year, tuple(kept), action_id))


def test_same_indicator_value_is_refused_with_both_values(two_posts):
    a, b = two_posts
    year, actions = year_and_actions(a)
    b.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(actions[0], 0, year, Decimal("12"))))
    with pytest.raises(ConflictError) as exc:
        a.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(actions[0], 0, year, Decimal("15"))))
    assert (exc.value.theirs, exc.value.mine) == ({"value": Decimal("12")}, {"value": Decimal("15")})
    values = {(r.action_id, r.indicator_index): r.value for r in followup.load_followup(a.store, a.prae_id).indicators}
    assert values[(actions[0], 0)] == Decimal("12")  # theirs kept, nothing written


def test_same_explanation_is_refused_with_both_values(two_posts):
    a, b = two_posts
    year, actions = year_and_actions(a)
    key = fu.charge_key(actions[1], "62")
    b.apply(fe.SetExplanation("Expliquer", year, key, "Leur explication"))
    with pytest.raises(ConflictError) as exc:
        a.apply(fe.SetExplanation("Expliquer", year, key, "Mon explication"))
    assert (exc.value.theirs, exc.value.mine) == ({"text": "Leur explication"}, {"text": "Mon explication"})


def test_same_realised_amount_is_refused_with_both_values(two_posts):
    a, b = two_posts
    year, actions = year_and_actions(a)
    b_before = followup.load_followup(b.store, b.prae_id)  # what both posts see
    set_charge(b, year, actions[0], "62", 1_234_00)
    # a still works from what it saw before b's change (its page was not re-read)
    kept = [c for c in b_before.charges if c.year == year and c.action_id == actions[0] and c.nature != "62"]
    kept.append(fu.RealisedCharge(actions[0], year, "62", "Saisi", 999_00))
    with pytest.raises(ConflictError) as exc:
        a.apply(fe.SetRealisedCharges("Saisir une charge réalisée", year, tuple(kept), actions[0]))
    assert exc.value.theirs["amount"] == Decimal("1234.00")
    assert exc.value.mine is not None and exc.value.mine["amount"] == Decimal("999.00")
    assert "quelqu'un a créé les charges réalisées" in str(exc.value)
    charges = followup.load_followup(a.store, a.prae_id).charges
    assert [c.amount_cents for c in charges if c.action_id == actions[0] and c.nature == "62"] == [1_234_00]


def test_same_action_report_field_is_refused_and_milestones_are_checked(two_posts):
    a, b = two_posts
    year, actions = year_and_actions(a)
    seen = next(r for r in followup.load_followup(a.store, a.prae_id).reports if r.year == year)
    b.apply(fe.SetActionReport("Compte rendu", replace(seen, account="Leur compte rendu")))
    with pytest.raises(ConflictError) as exc:
        a.apply(fe.SetActionReport("Compte rendu", replace(seen, account="Mon compte rendu")))
    assert (exc.value.theirs, exc.value.mine) == ({"account": "Leur compte rendu"}, {"account": "Mon compte rendu"})
    a.rebase({"followup"})  # a reads again (« Garder la leur »)…
    seen = next(
        r
        for r in followup.load_followup(a.store, a.prae_id).reports
        if r.year == year and r.action_id == seen.action_id
    )
    a.apply(fe.SetActionReport("Jalons", replace(seen, milestones_done=((0, None),))))
    with pytest.raises(ConflictError):  # …b has not: its milestone marks are stale
        b.apply(fe.SetActionReport("Jalons", replace(seen, milestones_done=((0, None), (1, None)))))


def test_a_removed_indicator_value_is_not_silently_written_again(two_posts):
    a, b = two_posts
    year, actions = year_and_actions(a)
    a.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(actions[2], 0, year, Decimal("3"))))
    b.rebase({"followup"})
    b.apply(fe.SetIndicatorResult("Effacer", fu.IndicatorResult(actions[2], 0, year, None)))
    with pytest.raises(ConflictError) as exc:
        a.apply(fe.SetIndicatorResult("Indicateur", fu.IndicatorResult(actions[2], 0, year, Decimal("4"))))
    assert exc.value.theirs is None and exc.value.mine is not None and exc.value.mine["value"] == Decimal("4")


def test_different_follow_up_values_do_not_conflict(two_posts):
    a, b = two_posts
    year, actions = year_and_actions(a)
    for i in range(3):
        a.apply(fe.SetIndicatorResult("I", fu.IndicatorResult(actions[0], 0, year, Decimal(10 + i))))
        b.apply(fe.SetIndicatorResult("I", fu.IndicatorResult(actions[1], 0, year, Decimal(20 + i))))
        a.apply(fe.SetExplanation("E", year, fu.charge_key(actions[0], "62"), f"A {i}"))
        b.apply(fe.SetExplanation("E", year, fu.charge_key(actions[1], "60"), f"B {i}"))
        set_charge(a, year, actions[0], "62", 100_00 + i)
        set_charge(b, year, actions[1], "60", 200_00 + i)
    got = followup.load_followup(a.store, a.prae_id)
    values = {(r.action_id, r.indicator_index): r.value for r in got.indicators if r.year == year}
    assert (values[(actions[0], 0)], values[(actions[1], 0)]) == (Decimal(12), Decimal(22))
    texts = {x.key: x.text for x in got.explanations if x.year == year}
    assert (texts[fu.charge_key(actions[0], "62")], texts[fu.charge_key(actions[1], "60")]) == ("A 2", "B 2")
    amounts = {(c.action_id, c.nature): c.amount_cents for c in got.charges if c.year == year and c.source == "saisie"}
    assert (amounts[(actions[0], "62")], amounts[(actions[1], "60")]) == (100_02, 200_02)
