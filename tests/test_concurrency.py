"""Optimistic concurrency through the session core, on a SQLite file and on a real PostgreSQL:
the three fields the issue saw lost (an amount, a fiche title, a funder name) are refused as
conflicts with both values, undo refuses likewise, and a line created by a concurrent commit
between our SELECT and our INSERT (a unique key taken meanwhile) is retried, then refused —
never a raw database error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from pnae_desktop.errors import ConflictError
from pnae_desktop.services import budget, demo, praes
from pnae_desktop.services import edits as e
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store
from pnae_desktop.store.models import ChargeLineRow


@pytest.fixture
def two_posts(any_store, catalogue, tmp_path):
    """Two sessions on one PRAE, each on its own connection to the store (two posts)."""
    prae_id = demo.create_demo(any_store, catalogue, demo.DEFAULT_REGION)
    other = (
        open_store(any_store.path)
        if any_store.path
        else open_store(url=str(any_store.engine.url.render_as_string(hide_password=False)))
    )
    yield PraeSession(any_store, catalogue, prae_id), PraeSession(other, catalogue, prae_id)
    other.close()


def cell(action_id: int, cents: int | None, label: str = "Frais") -> budget.ChargeCell:
    return budget.ChargeCell(action_id, "62", label, 2019, None if cents is None else budget.ChargeValue(cents))


def first_action(session: PraeSession) -> int:
    action_id = praes.get_prae(session.store, session.prae_id).actions[0].id
    assert action_id is not None
    return action_id


def test_amount_title_and_funder_name_are_never_lost(two_posts):
    a, b = two_posts
    action = first_action(a)
    funder = budget.load_budget(a.store, a.prae_id).funders[0]
    a.snapshot(), b.snapshot()
    b.apply(e.SetChargeCells("Montant", (cell(action, 800_00),)))
    b.apply(e.UpdateAction("Titre", action, {"title": "Leur titre"}))
    b.apply(e.SaveFunder("Financeur", funder.id, "Leur financeur", funder.kind))
    with pytest.raises(ConflictError) as amount:
        a.apply(e.SetChargeCells("Montant", (cell(action, 900_00),)))
    with pytest.raises(ConflictError) as title:
        a.apply(e.UpdateAction("Titre", action, {"title": "Mon titre"}))
    with pytest.raises(ConflictError) as name:
        a.apply(e.SaveFunder("Financeur", funder.id, "Mon financeur", funder.kind))
    assert (amount.value.theirs, amount.value.mine) == ({"amount": Decimal("800.00")}, {"amount": Decimal("900.00")})
    assert (title.value.theirs, title.value.mine) == ({"title": "Leur titre"}, {"title": "Mon titre"})
    assert (name.value.theirs, name.value.mine) == ({"name": "Leur financeur"}, {"name": "Mon financeur"})
    assert "quelqu'un a modifié la fiche action n° 1 entre-temps" in str(title.value)
    snap = a.snapshot()
    assert snap.detail.actions[0].title == "Leur titre"
    assert not a.can_undo  # refused edits are no step of the history
    a.apply(e.UpdateAction("Titre", action, {"title": "Mon titre"}))  # after a snapshot: on top of theirs
    assert praes.get_prae(b.store, b.prae_id).actions[0].title == "Mon titre"


def test_different_cells_do_not_conflict(two_posts):
    a, b = two_posts
    action = first_action(a)
    a.snapshot(), b.snapshot()
    for i in range(5):
        a.apply(e.SetChargeCells("A", (cell(action, 100 + i, "Cellule A"),)))
        b.apply(e.SetChargeCells("B", (cell(action, 200 + i, "Cellule B"),)))
        b.apply(e.UpdateAction("Pilote", action, {"pilot": f"B {i}"}))
        a.apply(e.UpdateAction("Partenaires", action, {"partners": f"A {i}"}))
    lines = {c.label: c.amount_cents for c in budget.load_budget(a.store, a.prae_id).charges}
    assert (lines["Cellule A"], lines["Cellule B"]) == (104, 204)


def test_undo_refuses_when_someone_changed_it_and_force_applies_mine(two_posts):
    a, b = two_posts
    action = first_action(a)
    a.apply(e.SetChargeCells("Montant", (cell(action, 100_00),)))
    b.snapshot()
    b.apply(e.SetChargeCells("Montant", (cell(action, 250_00),)))
    with pytest.raises(ConflictError):
        a.undo()
    assert a.can_undo
    with pytest.raises(ConflictError):
        a.apply(e.SetChargeCells("Montant", (cell(action, 300_00),)))
    a.apply(e.SetChargeCells("Montant", (cell(action, 300_00),)), force=True)  # « Appliquer la mienne »
    assert {c.label: c.amount_cents for c in budget.load_budget(b.store, b.prae_id).charges}["Frais"] == 300_00
    with pytest.raises(ConflictError):
        b.apply(e.SetChargeCells("Montant", (cell(action, 1),)))  # b's turn to be told


def test_a_line_removed_since_is_a_conflict_not_a_resurrection(two_posts):
    a, b = two_posts
    action = first_action(a)
    a.apply(e.SetChargeCells("Montant", (cell(action, 100_00),)))
    b.snapshot()
    b.apply(e.SetChargeCells("Supprimer", (cell(action, None),)))
    with pytest.raises(ConflictError) as exc:
        a.apply(e.SetChargeCells("Montant", (cell(action, 120_00),)))
    assert exc.value.theirs is None and exc.value.mine["amount"] == Decimal("120.00")
    assert "supprimé" in str(exc.value)


def test_a_line_inserted_between_our_select_and_insert_is_retried_then_refused(two_posts):
    """The other post commits the same new line after our SELECT found none: the unique key
    (or SQLite's lock) fails our INSERT; the session retries, sees the line, and refuses."""
    a, b = two_posts
    action = first_action(a)
    a.snapshot()
    fired: list[bool] = []

    def competitor(session: Session, _ctx, _objs) -> None:
        if not fired and any(isinstance(o, ChargeLineRow) for o in session.new):
            fired.append(True)
            with b.store.engine.begin() as con:  # another connection, committed now
                con.execute(
                    insert(ChargeLineRow).values(
                        action_id=action, year=2019, account="62", label="Frais", amount_cents=7
                    )
                )

    event.listen(Session, "before_flush", competitor)
    try:
        with pytest.raises(ConflictError) as exc:
            a.apply(e.SetChargeCells("Montant", (cell(action, 900_00),)))
    finally:
        event.remove(Session, "before_flush", competitor)
    assert fired
    assert exc.value.theirs == {"amount": Decimal("0.07")}
    assert {c.label: c.amount_cents for c in budget.load_budget(b.store, b.prae_id).charges}["Frais"] == 7
