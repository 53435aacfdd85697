"""Drafting services (pnae_desktop.services.drafting) through a real store — a SQLite file and a
real PostgreSQL via `any_store` —, the demo PRAE, and `pnae-desktop show` run as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from pnae_desktop.domain import drafting
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, NewPrae
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports import serialize
from pnae_desktop.services import demo, praes
from pnae_desktop.services import drafting as ds
from pnae_desktop.store.database import open_store

D = Decimal
DECLINED = (1, 5, 13)


def new_prae(store, catalogue, start=2018, end=2020, actions=DECLINED, region="11") -> int:
    return praes.create_prae(store, catalogue, NewPrae(region, start, end, actions))


def as_dict(store, prae_id) -> dict:
    return serialize.prae_to_dict(praes.get_prae(store, prae_id))


def without_stamp(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "updated_at"}


def same_but_updated_at(detail_a, detail_b) -> bool:
    return replace(detail_a, summary=replace(detail_a.summary, updated_at=None)) == replace(
        detail_b, summary=replace(detail_b.summary, updated_at=None)
    )


def ids(store, prae_id) -> list[int]:
    return [a.id for a in praes.get_prae(store, prae_id).actions]


def positions(store, prae_id) -> list[int]:
    return [a.position for a in praes.get_prae(store, prae_id).actions]


@pytest.fixture
def prae(any_store, catalogue):
    """A 2018–2020 Île-de-France PRAE declining three PNAE actions."""
    return any_store, new_prae(any_store, catalogue)


def fill(store, catalogue, action_id: int, ml_ids=()) -> None:
    """Give an action a value in every kind of data: fields, objectives, indicators, milestones, links."""
    ds.update_action(
        store,
        action_id,
        {
            "pilot": "Claire Dubois",
            "co_pilots": "Karim Benali",
            "partners": "Direccte, Conseil régional",
            "livrables": "- Note de cadrage",
            "regional_priority": True,
            "territorial_levels": ("nationale", "regionale"),
        },
    )
    ds.set_objectives(store, catalogue, action_id, {"3.1": D("25.00"), "1.2": D("75.00")})
    ds.set_indicators(
        store,
        action_id,
        [
            Indicator(
                "Jeunes accompagnés",
                "nombre",
                "imilo",
                D("1200.50"),
                2017,
                ((2018, D("1300.25")), (2020, D("1500"))),
            ),
            Indicator(
                "Taux de sorties positives",
                "pourcentage",
                "enquete",
                None,
                None,
                ((2019, D("55.5")),),
                "estimé",
            ),
        ],
    )
    ds.set_milestones(
        store,
        action_id,
        [
            Milestone(2018, "Lancement", quarter=1),
            Milestone(2018, "Séminaire", day=date(2018, 11, 22)),
            Milestone(2020, "Bilan"),
        ],
    )
    if ml_ids:
        ds.set_action_missions_locales(store, action_id, list(ml_ids))


# --------------------------------------------------------------------------- update_action


def test_update_action_returns_previous_values_that_restore_the_exact_state(prae, catalogue):
    store, prae_id = prae
    before = praes.get_prae(store, prae_id)
    action = before.actions[1]
    changes = {
        "title": "  Déploiement régional du PACEA  ",
        "pilot": " Nadia Haddad ",
        "contexte": "Contexte propre à l'Île-de-France.",
        "livrables": "- Bilan annuel",
        "regional_priority": True,
        "territorial_levels": ["nationale", "regionale"],
    }
    previous = ds.update_action(store, action.id, changes)

    assert previous == {
        "title": action.title,
        "pilot": action.pilot,
        "contexte": action.fields["contexte"],
        "livrables": action.fields["livrables"],
        "regional_priority": action.regional_priority,
        "territorial_levels": action.territorial_levels,
    }
    changed = praes.get_prae(store, prae_id)
    after = changed.action(action.id)
    assert after.title == "Déploiement régional du PACEA"
    assert after.pilot == "Nadia Haddad"
    assert after.fields["contexte"] == "Contexte propre à l'Île-de-France."
    assert after.regional_priority is True
    assert after.territorial_levels == ("regionale", "nationale")
    assert drafting.adapted_fields(after, catalogue) == ("title", "contexte")
    assert changed.summary.updated_at > before.summary.updated_at
    assert [a for a in changed.actions if a.id != action.id] == [a for a in before.actions if a.id != action.id]

    ds.update_action(store, action.id, previous)
    restored = praes.get_prae(store, prae_id)
    assert same_but_updated_at(restored, before)
    assert restored.summary.updated_at > changed.summary.updated_at


def test_declined_actions_follow_the_pnae_text_until_adapted(prae, catalogue):
    store, prae_id = prae
    detail = praes.get_prae(store, prae_id)
    assert [a.pnae_action for a in detail.actions] == list(DECLINED)
    for action in detail.actions:
        assert drafting.adapted_fields(action, catalogue) == ()
    action = detail.actions[0]
    respaced = "  " + action.fields["contexte"].replace(" ", "\n ") + "\n"
    ds.update_action(store, action.id, {"contexte": respaced})
    assert praes.get_prae(store, prae_id).action(action.id).fields["contexte"] == respaced  # kept as typed
    assert drafting.adapted_fields(praes.get_prae(store, prae_id).action(action.id), catalogue) == ()
    ds.update_action(store, action.id, {"contexte": "Un contexte régional."})
    assert drafting.adapted_fields(praes.get_prae(store, prae_id).action(action.id), catalogue) == ("contexte",)


INVALID_CHANGES = [
    ({"pilot": "Claire Dubois", "title": "   "}, "Intitulé"),
    ({"pilot": "Claire Dubois", "title": None}, "Intitulé"),
    ({"pilot": "Claire Dubois", "couleur": "bleu"}, "Champ inconnu"),
    (
        {"pilot": "Claire Dubois", "territorial_levels": ("regionale", "departementale")},
        "departementale",
    ),
    ({"contexte": "Nouveau", "id": 999}, "Champ inconnu"),
    ({"contexte": "Nouveau", "prae_id": 2}, "Champ inconnu"),
]


def test_update_action_invalid_change_changes_nothing(prae):
    store, prae_id = prae
    action_id = ids(store, prae_id)[0]
    before = as_dict(store, prae_id)  # updated_at included: it must not move either
    for changes, fragment in INVALID_CHANGES:
        with pytest.raises(ValidationError) as info:
            ds.update_action(store, action_id, changes)
        assert fragment in str(info.value), changes
        assert as_dict(store, prae_id) == before, changes

    ds.delete_action(store, action_id)
    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError, match="introuvable"):
        ds.update_action(store, action_id, {"pilot": "X"})
    assert as_dict(store, prae_id) == before


def test_update_action_too_long_title_is_refused_in_french(prae):
    store, prae_id = prae
    action_id = ids(store, prae_id)[0]
    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError):
        ds.update_action(store, action_id, {"title": "Intitulé très long " * 40})
    assert as_dict(store, prae_id) == before


# --------------------------------------------------------------------------- objectives, milestones, indicators


def test_set_objectives_round_trip(prae, catalogue):
    store, prae_id = prae
    action_id = ids(store, prae_id)[0]
    assert ds.set_objectives(store, catalogue, action_id, {"4.2": D("12.50"), "1.1": None, "2": D("87.50")}) == {}
    stored = praes.get_prae(store, prae_id).action(action_id).objectives
    assert stored == (("1.1", None), ("2", D("87.50")), ("4.2", D("12.50")))
    assert all(share is None or isinstance(share, Decimal) for _, share in stored)
    exported = serialize.action_to_dict(praes.get_prae(store, prae_id).action(action_id))["objectives"]
    assert [o["share"] for o in exported] == [None, "87.50", "12.50"]

    previous = ds.set_objectives(store, catalogue, action_id, {"3.3": None})
    assert previous == {"1.1": None, "2": D("87.50"), "4.2": D("12.50")}
    assert praes.get_prae(store, prae_id).action(action_id).objectives == (("3.3", None),)
    ds.set_objectives(store, catalogue, action_id, previous)
    assert praes.get_prae(store, prae_id).action(action_id).objectives == stored

    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError, match="9.9"):
        ds.set_objectives(store, catalogue, action_id, {"1.2": None, "9.9": None})
    assert as_dict(store, prae_id) == before


def test_set_objectives_refuses_an_impossible_share(sqlite_store, catalogue):
    store, prae_id = sqlite_store, new_prae(sqlite_store, catalogue)
    action_id = ids(store, prae_id)[0]
    before = as_dict(store, prae_id)
    accepted = []
    for share in (D("-5"), D("150"), 0.1):
        try:
            ds.set_objectives(store, catalogue, action_id, {"1.1": share})
        except UserError:
            pass
        else:
            accepted.append(share)
    assert accepted == []
    assert as_dict(store, prae_id) == before


MILESTONES = [
    Milestone(2018, "Lancement du groupe de travail", quarter=1),
    Milestone(2018, "Séminaire régional", day=date(2018, 11, 22)),
    Milestone(2018, "Comité de pilotage"),
    Milestone(2019, "Point d'étape", quarter=3),
    Milestone(2020, "Bilan final", day=date(2020, 12, 31)),
]


def test_set_milestones_round_trip(prae):
    store, prae_id = prae
    action = praes.get_prae(store, prae_id).actions[0]
    previous = ds.set_milestones(store, action.id, MILESTONES)
    assert previous == list(action.milestones)
    assert praes.get_prae(store, prae_id).action(action.id).milestones == tuple(MILESTONES)

    assert ds.set_milestones(store, action.id, previous) == MILESTONES
    assert praes.get_prae(store, prae_id).action(action.id).milestones == action.milestones

    action_id = action.id
    ds.set_milestones(
        store,
        action_id,
        [
            Milestone(2020, "  Bilan  "),
            Milestone(2018, "B"),
            Milestone(2019, "C"),
            Milestone(2018, "A"),
        ],
    )
    stored = praes.get_prae(store, prae_id).action(action_id).milestones
    assert [(m.year, m.text) for m in stored] == [
        (2018, "B"),
        (2018, "A"),
        (2019, "C"),
        (2020, "Bilan"),
    ]

    before = as_dict(store, prae_id)
    for bad, fragment in BAD_MILESTONES:
        with pytest.raises(ValidationError, match=fragment):
            ds.set_milestones(store, action_id, [*MILESTONES[:2], bad])
        assert as_dict(store, prae_id) == before, bad


BAD_MILESTONES = [
    (Milestone(2019, "Trimestre impossible", quarter=5), "trimestre"),
    (Milestone(2021, "Après la fin"), "hors de la période"),
    (Milestone(2019, "Mauvaise année", day=date(2020, 1, 10)), "n'est pas en 2019"),
    (Milestone(2019, "Deux précisions", quarter=1, day=date(2019, 1, 10)), "pas les deux"),
    (Milestone(2019, "   "), "libellé"),
]


INDICATORS = [
    Indicator(
        "Jeunes accompagnés",
        "nombre",
        "imilo",
        baseline=D("1234567.89"),
        baseline_year=2016,
        targets=((2018, D("0.01")), (2019, D("999999999999.99")), (2020, D("1500.50"))),
        comment="Données I-milo au 31/12",
    ),
    Indicator(
        "Taux de sorties positives",
        "pourcentage",
        "enquete",
        None,
        None,
        ((2018, D("100.00")), (2020, D("33.33"))),
    ),
    Indicator("Budget mobilisé", "euros", "arml", D("0.00"), 2018, ()),
]


def test_set_indicators_round_trip(prae):
    store, prae_id = prae
    action_id = ids(store, prae_id)[0]
    assert ds.set_indicators(store, action_id, INDICATORS) == []
    stored = praes.get_prae(store, prae_id).action(action_id).indicators
    assert stored == tuple(INDICATORS)
    for ind in stored:
        assert ind.baseline is None or isinstance(ind.baseline, Decimal)
        assert all(isinstance(v, Decimal) for _, v in ind.targets)
    exported = serialize.action_to_dict(praes.get_prae(store, prae_id).action(action_id))["indicators"][0]
    assert exported["baseline"] == "1234567.89"
    assert [t["value"] for t in exported["targets"]] == ["0.01", "999999999999.99", "1500.50"]

    assert ds.set_indicators(store, action_id, INDICATORS[2:]) == INDICATORS
    ds.set_indicators(store, action_id, INDICATORS)
    assert praes.get_prae(store, prae_id).action(action_id).indicators == tuple(INDICATORS)

    typed = Indicator(" Jeunes ", "nombre", "imilo", "1 200,5", 2017, ((2020, "2\u00a0000"), (2019, "1 500,25")))
    ds.set_indicators(store, action_id, [typed])
    (stored,) = praes.get_prae(store, prae_id).action(action_id).indicators
    assert stored == Indicator(
        "Jeunes", "nombre", "imilo", D("1200.5"), 2017, ((2019, D("1500.25")), (2020, D("2000")))
    )

    # A list whose third indicator is wrong saves nothing (updated_at included).
    ds.set_indicators(store, action_id, INDICATORS[2:])
    before = as_dict(store, prae_id)
    for bad, fragment in BAD_INDICATORS:
        with pytest.raises(ValidationError) as info:
            ds.set_indicators(store, action_id, [INDICATORS[0], INDICATORS[1], bad])
        assert fragment in str(info.value)
        assert bad.label in str(info.value)
        assert as_dict(store, prae_id) == before, bad.label


BAD_INDICATORS = [
    (replace(INDICATORS[0], label="Cible négative", targets=((2019, D("-1")),)), "négative"),
    (replace(INDICATORS[1], label="Plus que tout", targets=((2019, D("100.01")),)), "pourcentage"),
    (replace(INDICATORS[0], label="Trop tard", targets=((2021, D("1")),)), "hors de la période"),
    (replace(INDICATORS[0], label="Unité", unit="kg"), "unité inconnue"),
    (replace(INDICATORS[0], label="Source", source="rumeur"), "source inconnue"),
    (replace(INDICATORS[0], label="Trois décimales", targets=((2019, "1,234"),)), "deux décimales"),
]


def test_set_indicators_two_targets_same_year_refused_in_french(sqlite_store, catalogue):
    store, prae_id = sqlite_store, new_prae(sqlite_store, catalogue)
    action_id = ids(store, prae_id)[0]
    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError):
        ds.set_indicators(
            store,
            action_id,
            [Indicator("Jeunes", "nombre", "imilo", targets=((2019, D(1)), (2019, D(2))))],
        )
    assert as_dict(store, prae_id) == before


# --------------------------------------------------------------------------- order, additions, copies, deletions


def test_reorder_actions(prae):
    store, prae_id = prae
    current = ids(store, prae_id)
    wanted = [current[2], current[0], current[1]]
    assert ds.reorder_actions(store, prae_id, wanted) == current
    assert ids(store, prae_id) == wanted
    assert positions(store, prae_id) == [0, 1, 2]
    ds.reorder_actions(store, prae_id, current)
    assert ids(store, prae_id) == current

    before = as_dict(store, prae_id)
    cur = current
    for stale in (cur[:-1], [*cur, max(cur) + 1000], [cur[0], cur[0], cur[1]], []):
        with pytest.raises(ValidationError, match="Réorganisation impossible"):
            ds.reorder_actions(store, prae_id, stale)
        assert as_dict(store, prae_id) == before, stale


def test_add_pnae_and_blank_actions_at_a_position_shift_the_others(prae, catalogue):
    store, prae_id = prae
    current = ids(store, prae_id)
    new_id = ds.add_pnae_action(store, catalogue, prae_id, 3, position=1)
    assert ids(store, prae_id) == [current[0], new_id, current[1], current[2]]
    assert positions(store, prae_id) == [0, 1, 2, 3]
    added = praes.get_prae(store, prae_id).action(new_id)
    assert added.pnae_action == 3
    assert added.title == catalogue.action(3).title
    assert drafting.adapted_fields(added, catalogue) == ()

    last = ds.add_pnae_action(store, catalogue, prae_id, 8)
    assert ids(store, prae_id)[-1] == last
    first = ds.add_pnae_action(store, catalogue, prae_id, 9, position=0)
    assert ids(store, prae_id) == [first, current[0], new_id, current[1], current[2], last]
    assert positions(store, prae_id) == list(range(6))

    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError, match="Action 99 inconnue"):
        ds.add_pnae_action(store, catalogue, prae_id, 99)
    assert as_dict(store, prae_id) == before

    current = ids(store, prae_id)
    at_end = ds.add_blank_action(store, prae_id, "  Observatoire régional  ")
    at_start = ds.add_blank_action(store, prae_id, "Forum de l'alternance", position=0)
    at_two = ds.add_blank_action(store, prae_id, "Rencontres régionales", position=2)
    assert ids(store, prae_id) == [at_start, current[0], at_two, *current[1:], at_end]
    assert positions(store, prae_id) == list(range(len(current) + 3))
    blank = praes.get_prae(store, prae_id).action(at_end)
    assert blank.title == "Observatoire régional"
    assert blank.is_regional and blank.regional_priority
    assert drafting.adapted_fields(blank, catalogue) == ()
    assert {m.field for m in drafting.missing_items(blank)} >= {
        "pilot",
        "objectives",
        "indicators",
        "calendar",
    }

    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError, match="Intitulé"):
        ds.add_blank_action(store, prae_id, "   ")
    assert as_dict(store, prae_id) == before


def _copyable(action_dict: dict) -> dict:
    return {k: v for k, v in action_dict.items() if k not in ("id", "position", "title")}


def test_duplicate_action_copies_everything_right_after(prae, catalogue):
    store, prae_id = prae
    ml_a, _ = ds.save_mission_locale(store, prae_id, MissionLocale(None, "Mission locale de Paris", "Paris"))
    ml_b, _ = ds.save_mission_locale(store, prae_id, MissionLocale(None, "Mission locale de Créteil", "Créteil"))
    current = ids(store, prae_id)
    fill(store, catalogue, current[1], (ml_a, ml_b))
    original = praes.get_prae(store, prae_id).action(current[1])

    copy_id = ds.duplicate_action(store, current[1])

    assert copy_id not in current
    assert ids(store, prae_id) == [current[0], current[1], copy_id, current[2]]
    assert positions(store, prae_id) == [0, 1, 2, 3]
    detail = praes.get_prae(store, prae_id)
    copy = detail.action(copy_id)
    assert original.title in copy.title and "copie" in copy.title
    assert _copyable(serialize.action_to_dict(copy)) == _copyable(serialize.action_to_dict(original))
    assert copy.mission_locale_ids == tuple(sorted((ml_a, ml_b)))
    assert len(copy.indicators) == 2 and len(copy.milestones) == 3 and len(copy.objectives) == 2
    assert detail.action(current[1]) == original


def test_delete_then_restore_brings_back_the_same_action(prae, catalogue):
    store, prae_id = prae
    ml_id, _ = ds.save_mission_locale(store, prae_id, MissionLocale(None, "Mission locale de Paris"))
    current = ids(store, prae_id)
    fill(store, catalogue, current[1], (ml_id,))
    before = praes.get_prae(store, prae_id)

    snapshot = ds.delete_action(store, current[1])

    assert snapshot == before.action(current[1])
    assert ids(store, prae_id) == [current[0], current[2]]
    assert positions(store, prae_id) == [0, 1]

    assert ds.restore_action(store, prae_id, snapshot) == current[1]
    after = praes.get_prae(store, prae_id)
    assert ids(store, prae_id) == current
    assert serialize.action_to_dict(after.action(current[1])) == serialize.action_to_dict(before.action(current[1]))
    assert same_but_updated_at(after, before)

    before = as_dict(store, prae_id)
    first = ds.delete_action(store, current[0])
    last = ds.delete_action(store, current[2])
    assert ids(store, prae_id) == [current[1]]
    ds.restore_action(store, prae_id, last)
    ds.restore_action(store, prae_id, first)
    assert without_stamp(as_dict(store, prae_id)) == without_stamp(before)


# --------------------------------------------------------------------------- missions locales


def test_missions_locales_save_link_delete_restore(prae, catalogue):
    store, prae_id = prae
    created, previous = ds.save_mission_locale(
        store,
        prae_id,
        MissionLocale(None, "  Mission locale de Paris ", " Paris ", " Mme Roux ", " accueil@ml.fr "),
    )
    assert previous is None
    entry = MissionLocale(created, "Mission locale de Paris", "Paris", "Mme Roux", "accueil@ml.fr")
    assert praes.get_prae(store, prae_id).missions_locales == (entry,)

    same_id, previous = ds.save_mission_locale(store, prae_id, replace(entry, director="M. Garnier"))
    assert (same_id, previous) == (created, entry)
    assert praes.get_prae(store, prae_id).missions_locales == (replace(entry, director="M. Garnier"),)
    ds.save_mission_locale(store, prae_id, previous)  # undo of the update
    assert praes.get_prae(store, prae_id).missions_locales == (entry,)

    other, _ = ds.save_mission_locale(store, prae_id, MissionLocale(None, "Mission locale d'Argenteuil"))
    a1, _, a3 = ids(store, prae_id)
    assert ds.set_action_missions_locales(store, a1, [created, other]) == []
    assert ds.set_action_missions_locales(store, a3, [created]) == []
    before = praes.get_prae(store, prae_id)
    assert before.action(a1).mission_locale_ids == tuple(sorted((created, other)))

    snapshot, linked = ds.delete_mission_locale(store, created)
    assert snapshot == entry
    assert sorted(linked) == [a1, a3]
    gone = praes.get_prae(store, prae_id)
    assert [m.id for m in gone.missions_locales] == [other]
    assert gone.action(a1).mission_locale_ids == (other,)
    assert gone.action(a3).mission_locale_ids == ()

    assert ds.restore_mission_locale(store, prae_id, snapshot, linked) == created
    assert same_but_updated_at(praes.get_prae(store, prae_id), before)

    action_id = a1
    before = as_dict(store, prae_id)
    with pytest.raises(ValidationError, match="Nom de la mission locale"):
        ds.save_mission_locale(store, prae_id, MissionLocale(None, "   "))
    with pytest.raises(ValidationError, match="Mission locale inconnue"):
        ds.set_action_missions_locales(store, action_id, [123456])
    with pytest.raises(ValidationError, match="introuvable"):
        ds.delete_mission_locale(store, 123456)
    assert as_dict(store, prae_id) == before

    # An action may only name an entry of its own PRAE's directory.
    other_prae = new_prae(store, catalogue, region="84")
    foreign, _ = ds.save_mission_locale(store, other_prae, MissionLocale(None, "Mission locale de Lyon"))
    with pytest.raises(ValidationError, match="Mission locale inconnue"):
        ds.set_action_missions_locales(store, action_id, [foreign])
    assert as_dict(store, prae_id) == before


def test_restore_mission_locale_after_its_id_was_reused_elsewhere(sqlite_store, catalogue):
    store = sqlite_store
    first, second = new_prae(store, catalogue), new_prae(store, catalogue, region="84")
    ml_id, _ = ds.save_mission_locale(store, first, MissionLocale(None, "Mission locale de Paris"))
    action_id = ids(store, first)[0]
    ds.set_action_missions_locales(store, action_id, [ml_id])
    snapshot, linked = ds.delete_mission_locale(store, ml_id)
    # Meanwhile, in the other PRAE (its own undo history), a new entry takes the freed id.
    reused, _ = ds.save_mission_locale(store, second, MissionLocale(None, "Mission locale de Lyon"))
    assert reused == ml_id
    other_before = as_dict(store, second)

    restored = ds.restore_mission_locale(store, first, snapshot, linked)

    assert [m.name for m in praes.get_prae(store, first).missions_locales] == ["Mission locale de Paris"]
    assert praes.get_prae(store, first).action(action_id).mission_locale_ids == (restored,)
    assert as_dict(store, second) == other_before


# --------------------------------------------------------------------------- period


def test_prae_of_2019_2021_declines_actions_without_their_2018_calendar(any_store, catalogue):
    with_2018 = [a.number for a in catalogue.actions if any(y.year == 2018 and y.items for y in a.calendar)]
    chosen = tuple(with_2018[:4])
    assert chosen
    prae_id = new_prae(any_store, catalogue, 2019, 2021, chosen)
    late = ds.add_pnae_action(any_store, catalogue, prae_id, with_2018[4])
    detail = praes.get_prae(any_store, prae_id)
    for action in detail.actions:
        source = catalogue.action(action.pnae_action)
        kept = [(y.year, item) for y in source.calendar if y.year >= 2019 for item in y.items]
        assert [(m.year, m.text) for m in action.milestones] == kept, action.pnae_action
        assert all(2019 <= m.year <= 2021 for m in action.milestones)
    assert detail.action(late).pnae_action == with_2018[4]
    with pytest.raises(ValidationError, match="hors de la période"):
        ds.set_milestones(any_store, late, [Milestone(2018, "Trop tôt")])


# --------------------------------------------------------------------------- demo


def test_demo_prae_is_complete(any_store, catalogue):
    prae_id = demo.create_demo(any_store, catalogue)
    detail = praes.get_prae(any_store, prae_id)
    years = set(detail.years)
    assert detail.actions
    assert any(a.is_regional for a in detail.actions)
    for action in detail.actions:
        assert action.pilot.strip(), action.title
        assert action.objectives, action.title
        assert action.indicators, action.title
        assert any(set(dict(i.targets)) == years for i in action.indicators), action.title
        assert action.milestones, action.title
        for ind in action.indicators:  # what the demo stored passes the rules the editor applies
            assert drafting.check_indicator(ind, detail.summary.start_year, detail.summary.end_year) == ind
        for m in action.milestones:
            assert drafting.check_milestone(m, detail.summary.start_year, detail.summary.end_year) == m
    result = drafting.coverage(detail, catalogue)
    assert result.missing == ()
    assert result.uncovered_objectives == ()
    assert {code for code, served in result.objectives if served} == {o.code for o in catalogue.cpo_objectives}
    assert all(missing == () for _, _, missing in result.priority_themes)


# --------------------------------------------------------------------------- `pnae-desktop show`


def _start_cli(*args: str, cwd) -> subprocess.Popen:
    env = dict(os.environ)
    env["XDG_DATA_HOME"] = str(cwd / "xdg-data")  # any use of the default store stays here
    return subprocess.Popen(
        [sys.executable, "-m", "pnae_desktop", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


class CliRun:
    def __init__(self, process: subprocess.Popen):
        self.stdout, self.stderr = process.communicate(timeout=60)
        self.returncode = process.returncode
        self.out = self.stdout.decode("utf-8")  # raises unless valid UTF-8
        self.err = self.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def show(tmp_path_factory, catalogue):
    """The demo PRAE in a SQLite file, and `pnae-desktop show` run on it (runs in parallel)."""
    folder = tmp_path_factory.mktemp("drafting-show")
    path = folder / "demo.sqlite"
    store = open_store(path)
    try:
        prae_id = demo.create_demo(store, catalogue)
        detail = praes.get_prae(store, prae_id)
    finally:
        store.close()
    base = ("show", "--db", str(path), "--prae")
    started = {
        "json": _start_cli(*base, str(prae_id), "--format", "json", cwd=folder),
        "json again": _start_cli(*base, str(prae_id), "--format", "json", cwd=folder),
        "text": _start_cli(*base, str(prae_id), "--format", "text", cwd=folder),
        "unknown": _start_cli(*base, str(prae_id + 4242), "--format", "json", cwd=folder),
    }
    runs = {name: CliRun(process) for name, process in started.items()}
    return detail, runs


def _no_float(value, where="racine"):
    assert not isinstance(value, float), where
    if isinstance(value, dict):
        for k, v in value.items():
            _no_float(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _no_float(v, f"{where}[{i}]")


def _refuse_float(text):
    raise AssertionError(f"nombre flottant dans le JSON : {text}")


def test_show_json(show):
    detail, runs = show
    first, second = runs["json"], runs["json again"]
    assert first.returncode == 0, first.err
    assert first.stdout == second.stdout
    data = json.loads(first.out, parse_float=_refuse_float)
    _no_float(data)
    expected = json.loads(json.dumps(serialize.prae_to_dict(detail)))
    assert {key: data.get(key) for key in expected} == expected
    assert detail.summary.region_name in first.out  # "Île-de-France" written as is

    assert [a["id"] for a in data["actions"]] == [a.id for a in detail.actions]
    for entry, action in zip(data["actions"], detail.actions):
        assert entry["fields"] and entry["indicators"] and entry["calendar"] and entry["objectives"], action.title
        for exported, ind in zip(entry["indicators"], action.indicators):
            assert all(isinstance(t["value"], str) for t in exported["targets"])
            assert [(t["year"], Decimal(t["value"])) for t in exported["targets"]] == list(ind.targets)
            assert exported["baseline"] is None or Decimal(exported["baseline"]) == ind.baseline
        for exported, (code, share) in zip(entry["objectives"], action.objectives):
            assert exported["code"] == code
            assert exported["share"] is None or Decimal(exported["share"]) == share


def test_show_text_names_every_action(show):
    detail, runs = show
    result = runs["text"]
    assert result.returncode == 0, result.err
    assert detail.summary.title in result.out
    for action in detail.actions:
        assert action.title in result.out
        assert action.pilot in result.out


def test_show_unknown_prae(show):
    detail, runs = show
    result = runs["unknown"]
    assert result.returncode != 0
    assert result.out == ""
    assert "Aucun PRAE" in result.err and str(detail.summary.id + 4242) in result.err
    assert "Traceback" not in result.err


def test_update_prae_refuses_bad_title_or_status_and_saves_nothing(sqlite_store, catalogue):
    from pnae_desktop.domain.entities import NewPrae as _NewPrae

    prae_id = praes.create_prae(sqlite_store, catalogue, _NewPrae("53", 2018, 2020, (2,)))
    before = praes.get_prae(sqlite_store, prae_id).summary
    for bad in ({"title": "   "}, {"status": "archive"}, {"title": "x" * 301}):
        with pytest.raises(ValidationError):
            praes.update_prae(sqlite_store, prae_id, **bad)
    assert praes.get_prae(sqlite_store, prae_id).summary == before
    previous = praes.update_prae(sqlite_store, prae_id, title="PRAE Bretagne 2018-2020", status="valide")
    assert previous == {"title": before.title, "status": "brouillon"}
    praes.update_prae(sqlite_store, prae_id, **previous)
    restored = praes.get_prae(sqlite_store, prae_id).summary
    assert (restored.title, restored.status) == (before.title, before.status)
