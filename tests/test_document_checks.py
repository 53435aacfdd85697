"""One list of checks for the documents: the same problems for the Convention page, the Exports
page and the command line, each once, in French words, blocking what it must block."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace

import pytest

from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.services import budget, convention, demo, exports, praes
from pnae_desktop.services.checks import BLOCKING, document_checks
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import open_store

INTERNAL_KEY = re.compile(r"\(\w+\.\w+\)|\{[a-z_]+[:.][a-z_.0-9]+\}")


def hauts_de_france(store, catalogue) -> int:
    """A Hauts-de-France PRAE of 4 fiches, only the first budgeted, its convention filled as
    the demo's: what the issue exported as « prête »."""
    prae_id = praes.create_prae(store, catalogue, NewPrae("32", 2018, 2020, (1, 2, 3, 4)))
    detail = praes.get_prae(store, prae_id)
    first = detail.actions[0]
    cells = [
        budget.ChargeCell(first.id, "62", "Déplacements", y, budget.ChargeValue(amount_cents=10_000_00))
        for y in detail.years
    ]
    budget.set_charge_cells(store, cells)
    state = next(f for f in budget.load_budget(store, prae_id).funders if f.kind == "etat")
    budget.set_financing_cells(
        store, [budget.FinancingCell(first.id, int(state.id), y, 10_000_00, "acquis") for y in detail.years]
    )
    convention.fill_demo(store, prae_id, catalogue)
    return prae_id


def run_cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "pnae_desktop", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_hauts_de_france_with_unbudgeted_fiches_is_not_ready(tmp_path, catalogue):
    store = open_store(tmp_path / "hdf.sqlite")
    prae_id = hauts_de_france(store, catalogue)
    problems = document_checks(load_snapshot(store, prae_id, catalogue))
    blocking = [p for p in problems if p.severity == BLOCKING]
    titles = [a.title for a in praes.get_prae(store, prae_id).actions]
    no_cost = [p for p in blocking if p.code == "action_without_cost"]
    assert sorted(t for t in titles[1:] if any(t in p.message for p in no_cost)) == sorted(titles[1:])
    assert all("convention" in p.blocks for p in no_cost)
    assert not exports.preflight(store, prae_id, catalogue, "convention").ok
    # the budget workbook of an unfinished PRAE is still useful: not blocked by the convention
    assert exports.preflight(store, prae_id, catalogue, "budget").ok
    with pytest.raises(Exception, match="Export impossible"):
        exports.export(store, prae_id, catalogue, "convention", tmp_path / "c.pdf", force=True)
    assert not (tmp_path / "c.pdf").exists()
    store.close()


def test_an_action_serving_no_objective_blocks_the_convention(tmp_path, catalogue):
    store = open_store(tmp_path / "d.sqlite")
    prae_id = demo.create_demo(store, catalogue)
    assert not [p for p in document_checks(load_snapshot(store, prae_id, catalogue)) if p.severity == BLOCKING]
    action = praes.get_prae(store, prae_id).actions[0]
    from pnae_desktop.services import drafting

    drafting.set_objectives(store, catalogue, action.id, {})
    problems = document_checks(load_snapshot(store, prae_id, catalogue))
    found = [p for p in problems if p.code == "action_without_objective"]
    assert len(found) == 1 and found[0].blocks == ("convention",)
    assert found[0].place.page == "prae" and found[0].place.action_id == action.id
    store.close()


def test_a_second_state_funder_makes_the_state_total_differ(tmp_path, catalogue):
    store = open_store(tmp_path / "d.sqlite")
    prae_id = demo.create_demo(store, catalogue)
    detail = praes.get_prae(store, prae_id)
    funder_id, _ = budget.save_funder(store, prae_id, None, "DGEFP (crédits nationaux)", "etat")
    budget.set_financing_cells(store, [budget.FinancingCell(detail.actions[0].id, funder_id, 2018, 1_000_00)])
    problems = document_checks(load_snapshot(store, prae_id, catalogue))
    state = [p for p in problems if p.code == "convention_state_total"]
    assert len(state) == 1 and state[0].severity == BLOCKING, [p.message for p in problems]
    store.close()


def test_each_problem_once_in_french_words(tmp_path, catalogue):
    store = open_store(tmp_path / "hdf.sqlite")
    prae_id = hauts_de_france(store, catalogue)
    settings = convention.get_settings(store, prae_id, catalogue)
    council = replace(settings.council, deliberation="")
    signature = replace(settings.signature, date=None, date_by_hand=False)
    convention.save_settings(store, prae_id, catalogue, replace(settings, council=council, signature=signature))
    problems = document_checks(load_snapshot(store, prae_id, catalogue))
    messages = [p.message for p in problems]
    assert len(messages) == len(set(messages))
    assert not [m for m in messages if INTERNAL_KEY.search(m)], messages
    assert any("délibération" in m for m in messages)
    date = [p for p in problems if p.place.target == "signature.date"]
    assert len(date) == 1 and date[0].severity == BLOCKING and "À dater à la main" in date[0].message
    # by hand: an explicit choice, no longer a problem
    settings = convention.get_settings(store, prae_id, catalogue)
    convention.save_settings(
        store, prae_id, catalogue, replace(settings, signature=replace(settings.signature, date_by_hand=True))
    )
    rendered, _ = convention.render(store, prae_id, catalogue)
    assert "le ____________" in rendered.signature_closing
    problems = document_checks(load_snapshot(store, prae_id, catalogue))
    assert not [p for p in problems if p.place.target == "signature.date"]
    store.close()


def test_cli_show_and_export_give_the_same_list(tmp_path, catalogue):
    db = tmp_path / "hdf.sqlite"
    store = open_store(db)
    prae_id = hauts_de_france(store, catalogue)
    expected = document_checks(load_snapshot(store, prae_id, catalogue))
    store.close()
    shown = run_cli("show", "--db", str(db), "--prae", str(prae_id), "--format", "json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    checks = data["convention"]["checks"]
    assert [c["message"] for c in checks] == [p.message for p in expected]
    assert {"severity", "message", "documents", "place"} <= set(checks[0])
    assert "fingerprint" in data["convention"] and "problems" in data["budget"]
    out = run_cli("export", "convention", "--db", str(db), "--prae", str(prae_id), "--out", "c.pdf", cwd=tmp_path)
    assert out.returncode == 3
    for p in expected:
        if "convention" in p.documents:
            assert p.message in out.stderr
    assert not (tmp_path / "c.pdf").exists()
