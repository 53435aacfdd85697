"""The CPO filled from the store: settings and overrides persist, amounts come from the budget."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from pnae_desktop.domain import convention as cv
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import budget, convention, demo
from pnae_desktop.store.database import open_store


@pytest.fixture
def demo_store(any_store, catalogue):
    prae_id = demo.create_demo(any_store, catalogue)
    return any_store, prae_id


def test_demo_convention_has_no_unresolved_placeholder_and_no_error(demo_store, catalogue):
    store, prae_id = demo_store
    rendered, checks = convention.render(store, prae_id, catalogue)
    assert rendered.unresolved == ()
    assert [c for c in checks if c.severity == "error"] == []
    parties = " ".join(s.party for s in rendered.signatures)
    assert "state" in parties and "region" in parties and "arml" in parties


def test_state_yearly_amounts_equal_the_budget(demo_store, catalogue):
    store, prae_id = demo_store
    plan, totals, _ = budget.totals(store, prae_id)
    state_funder = next(f for f in plan.funders if f.kind == "etat")
    context = convention.build_context(store, prae_id, catalogue)
    state = next(f for f in context.funders if f.key == "state")
    for year in plan.years:
        assert state.amounts[year] == totals.financing_by_funder_year[(state_funder.id, year)]
    axis_total = sum(sum(a.amounts.values()) for a in context.axis_costs)
    assert axis_total == totals.full_total


def test_overrides_and_settings_survive_reopening(tmp_path, catalogue):
    path = tmp_path / "cpo.sqlite"
    store = open_store(path)
    prae_id = demo.create_demo(store, catalogue)
    state = cv.override_article(convention.get_state(store, prae_id), "objet", "Objet adapté pour {region.name}.")
    state = cv.add_article(state, "Clause régionale", "Texte régional.", 3)
    convention.save_state(store, prae_id, catalogue, state)
    settings = replace(convention.get_settings(store, prae_id, catalogue), with_region=False)
    convention.save_settings(store, prae_id, catalogue, settings)
    store.close()

    reopened = open_store(path)
    assert convention.get_state(reopened, prae_id) == state
    assert convention.get_settings(reopened, prae_id, catalogue).with_region is False
    rendered, _ = convention.render(reopened, prae_id, catalogue)
    assert rendered.articles[0].text == "Objet adapté pour Île-de-France."
    assert rendered.articles[2].title == "Clause régionale" and rendered.articles[2].number == 3
    assert all(s.party != "region" for s in rendered.signatures)  # État seul now
    reopened.close()


def test_bad_settings_are_refused_and_nothing_saved(demo_store, catalogue):
    store, prae_id = demo_store
    before = convention.get_settings(store, prae_id, catalogue)
    bad_date = replace(before, signature=replace(before.signature, date=before.signature.date.replace(year=2030)))
    with pytest.raises(ValidationError, match="invraisemblable"):
        convention.save_settings(store, prae_id, catalogue, bad_date)
    schedule = cv.PaymentSchedule("state", 2018, (cv.Instalment("Avance", 70, "x"), cv.Instalment("Solde", 20, "y")))
    with pytest.raises(ValidationError, match="90 %"):
        convention.save_settings(store, prae_id, catalogue, replace(before, payments=(schedule,)))
    assert convention.get_settings(store, prae_id, catalogue) == before


def test_show_json_includes_the_filled_convention(tmp_path, catalogue):
    path = tmp_path / "show.sqlite"
    store = open_store(path)
    prae_id = demo.create_demo(store, catalogue)
    store.close()
    out = subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "show", "--db", str(path), "--prae", str(prae_id), "--format", "json"],
        capture_output=True,
        check=True,
    )
    data = json.loads(out.stdout.decode("utf-8"))["convention"]
    assert [a["number"] for a in data["articles"]] == list(range(1, len(data["articles"]) + 1))
    assert all(a["text"] and a["title"] for a in data["articles"])
    assert data["unresolved"] == [] and len(data["fingerprint"]) == 64
    contribution = next(a for a in data["articles"] if a["key"] == "contribution")
    assert "euros" in contribution["text"]  # amounts in words


def test_demo_convention_is_complete_in_every_region(tmp_path, catalogue):
    store = open_store(tmp_path / "regions.sqlite")
    for region in catalogue.regions:
        prae_id = demo.create_demo(store, catalogue, region.insee_code)
        rendered, checks = convention.render(store, prae_id, catalogue)
        assert rendered.unresolved == (), region.name
        assert [c.message for c in checks if c.severity == "error"] == [], region.name
        expected_service = "Dieccte" if region.overseas else "Direccte"
        assert expected_service in rendered.plain_text(), region.name
    store.close()
