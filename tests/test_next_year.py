"""« Préparer le PRAE N+1 » through the real services on real stores: the demo's realised 2018
closed, its reported action's milestones carried to 2019 (and, when asked, its unspent
budget), undo back to the exact state, refusals leaving the store as it was, the closed
year's follow-up read-only, and the annual avenant of 2019 showing what was carried."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from versions_material import file_sha, make_material, pdf_text

from pnae_desktop.cli.main import main
from pnae_desktop.domain import followup as fu
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import avenants, budget, demo, followup, marking, next_year, praes, versions
from pnae_desktop.services.edits import DeleteAction
from pnae_desktop.services.edits_followup import SetActionReport, SetRealisedCharges
from pnae_desktop.services.edits_nextyear import prepare_next_year
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store

REPORTED = "Appuyer le déploiement du conseil en évolution professionnelle"
ABANDONED = "Construire et déployer le socle commun"


@pytest.fixture(scope="module")
def material(tmp_path_factory, catalogue):
    return make_material(tmp_path_factory.mktemp("next_year"), catalogue)


@pytest.fixture
def store(material, tmp_path):
    s = open_store(material.store_copy(tmp_path))
    yield s
    s.close()


def state(store, prae_id):
    """Everything preparing may touch, in comparable form."""
    detail = praes.get_prae(store, prae_id)
    return (
        replace(detail, summary=replace(detail.summary, updated_at=None)),
        budget.load_budget(store, prae_id),
        followup.load_followup(store, prae_id),
        next_year.closed_years(store, prae_id),
    )


def action(store, prae_id, title_start):
    return next(a for a in praes.get_prae(store, prae_id).actions if a.title.startswith(title_start))


def one_milestone_left(store, prae_id) -> str:
    """The reported action's first 2018 milestone not done (the demo's marks depend on the order
    its calendar was built in), another one marked done in 2019's place too; its text."""
    reported = action(store, prae_id, REPORTED)
    first = next(i for i, m in enumerate(reported.milestones) if m.year == 2018)
    report = followup.load_followup(store, prae_id).report(reported.id, 2018)
    marks = {i: d for i, d in report.milestones_done if i != first}
    marks.update({i: date(2018, 6, 15) for i, m in enumerate(reported.milestones) if m.year == 2018 and i != first})
    later = [i for i, m in enumerate(reported.milestones) if m.year > 2018]
    marks[later[-1]] = date(2018, 12, 15)  # a later milestone done early: its mark must follow it too
    followup.set_action_report(store, prae_id, replace(report, milestones_done=tuple(sorted(marks.items()))))
    return reported.milestones[first].text


def test_prepare_2019_closes_2018_carries_the_reported_milestones_and_undo_restores(store, material, catalogue):
    prae = material.prae_id
    left = one_milestone_left(store, prae)
    session = PraeSession(store, catalogue, prae)
    before = state(store, prae)
    reported = action(store, prae, REPORTED)
    report = followup.load_followup(store, prae).report(reported.id, 2018)
    assert report is not None and report.status == "reportee"
    done = {i for i, _ in report.milestones_done}
    not_done = [m.text for i, m in enumerate(reported.milestones) if m.year == 2018 and i not in done]
    assert not_done == [left]

    plan, _ = prepare_next_year(session, 2018)
    assert next_year.closed_years(store, prae) == (2018,)
    after = action(store, prae, REPORTED)
    assert [m.text for m in after.milestones if m.year == 2018] == [
        m.text for i, m in enumerate(reported.milestones) if m.year == 2018 and i in done
    ]
    assert [m.text for m in after.milestones if m.year == 2019][-len(not_done) :] == not_done
    # The done marks still point at the same milestones after the calendar was reordered.
    new_report = followup.load_followup(store, prae).report(reported.id, 2018)
    assert {after.milestones[i].text for i, _ in new_report.milestones_done} == {
        reported.milestones[i].text for i in done
    }
    moved = {i for i, m in enumerate(reported.milestones) if m.year == 2018 and i not in done}
    now_detail, now_follow = praes.get_prae(store, prae), followup.load_followup(store, prae)
    for old in before[2].reports:  # every year's done marks, of every action, still name the same milestones
        origin, new = before[0].action(old.action_id), now_detail.action(old.action_id)

        def key(m, year=None):
            return (m.text, year or m.year, m.quarter)

        expected = sorted(
            (key(origin.milestones[i], 2019 if old.action_id == reported.id and i in moved else None), d)
            for i, d in old.milestones_done
        )
        marks = now_follow.report(old.action_id, old.year).milestones_done
        assert sorted((key(new.milestones[i]), d) for i, d in marks) == expected
    assert any(title.startswith(ABANDONED) for _, title in plan.abandoned)
    assert any(f"jalons reportés en 2019 : « {not_done[0]} »" in line for line in plan.describe())
    assert budget.load_budget(store, prae) == before[1]  # budget not carried unless asked

    # The closed year's follow-up is read-only, with a French message; nothing written.
    closed = state(store, prae)
    with pytest.raises(ValidationError, match="l'année 2018 est clôturée"):
        session.apply(SetActionReport("Statut", replace(new_report, status="realisee")))
    with pytest.raises(ValidationError, match="l'année 2018 est clôturée"):
        session.apply(SetRealisedCharges("Charges", 2018, ()))
    with pytest.raises(ValidationError, match="année clôturée : elle ne peut plus être supprimée"):
        session.apply(DeleteAction("Supprimer", reported.id))  # its 2018 report would go with it
    assert state(store, prae) == closed
    # 2019 is still open.
    session.apply(SetActionReport("Statut", fu.ActionReport(reported.id, 2019, "en_cours")))
    session.undo()

    session.undo()  # one step
    assert state(store, prae) == before
    session.redo()
    assert state(store, prae) == closed


def test_the_unspent_budget_is_carried_only_when_asked(store, material, catalogue):
    prae = material.prae_id
    reported = action(store, prae, REPORTED)
    left: dict[str, int] = {}
    for c in budget.load_budget(store, prae).charges:
        if c.action_id == reported.id and c.year == 2018:
            left[c.account[:2]] = left.get(c.account[:2], 0) + c.cents
    for r in followup.load_followup(store, prae).charges:
        if r.action_id == reported.id and r.year == 2018:
            left[r.nature] = left.get(r.nature, 0) - r.amount_cents
    expected = {nature: cents for nature, cents in left.items() if cents > 0}
    assert expected  # the demo's reported action did not spend all of its 2018 budget

    plan, _ = prepare_next_year(PraeSession(store, catalogue, prae), 2018, carry_budget=True)
    new = [
        c for c in budget.load_budget(store, prae).charges if c.year == 2019 and c.label.startswith("Report 2018 : ")
    ]
    assert {c.account[:2]: c.amount_cents for c in new} == expected  # one line per nature: forecast − realised
    assert {c.action_id for c in new} == {reported.id}
    assert any("Budget non consommé proposé en 2019" in line for line in plan.describe())


def test_refusals_leave_the_store_unchanged(store, material, catalogue, tmp_path):
    prae = material.prae_id
    session = PraeSession(store, catalogue, prae)
    before = state(store, prae)
    for year, message in (
        (2017, "n'est pas une année du PRAE"),
        (2020, "dernière année du PRAE"),
    ):
        with pytest.raises(ValidationError, match=message):
            prepare_next_year(session, year)
        assert state(store, prae) == before and not session.can_undo
    prepare_next_year(session, 2018)
    again = state(store, prae)
    with pytest.raises(ValidationError, match="déjà clôturée"):
        prepare_next_year(session, 2018)
    assert state(store, prae) == again and session.depth == 1


def test_signed_version_then_prepare_2019_shows_in_the_banner_and_the_annual_avenant(
    store, material, catalogue, tmp_path
):
    prae = material.prae_id
    one_milestone_left(store, prae)
    marking.mark_signed(store, prae, material.sign(material.convention, "Signature_ARML"), catalogue=catalogue)
    assert not versions.working_status(store, prae, catalogue).modified
    signed_2019 = avenants.prepare_avenant(store, prae, tmp_path / "a0.pdf", year=2019, catalogue=catalogue)
    before_text = " ".join(pdf_text(signed_2019.path).split())

    plan, _ = prepare_next_year(PraeSession(store, catalogue, prae), 2018, carry_budget=True)
    status = versions.working_status(store, prae, catalogue)
    assert status.modified and status.banner().startswith("modifié depuis la version signée du ")
    assert status.diff.amount_years == (2019,)
    reported = action(store, prae, REPORTED)
    assert any(reported.title in c.place and c.place.endswith("– Étapes") for c in status.diff.changes)

    annual = avenants.prepare_avenant(store, prae, tmp_path / "a2019.pdf", year=2019, catalogue=catalogue)
    text = " ".join(pdf_text(annual.path).split())
    assert "Avenant financier annuel – année 2019" in text
    # The carried 1 200 € show as the new 2019 cost of the reported action's axis.
    changed = [c for c in status.diff.of_kind("montant") if c.key == "2019" and c.place.startswith("Coût complet")]
    assert changed
    for c in changed:  # the new 2019 amounts, the old ones gone
        assert c.after.replace("\u202f", " ").replace("\u00a0", " ") in text
        assert c.after.replace("\u202f", " ").replace("\u00a0", " ") not in before_text
    assert plan.carried


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prepare_next_year_and_show_json(material, tmp_path, capsys):
    import json

    db = str(material.store_copy(tmp_path))
    prae = str(material.prae_id)
    path = tmp_path / "store.sqlite"
    opened = open_store(path)
    try:
        left = one_milestone_left(opened, material.prae_id)
    finally:
        opened.close()
    sha = file_sha(path)
    code, _, err = run(capsys, "prepare-next-year", "--db", db, "--prae", prae, "--year", "2020")
    assert code == 2 and "dernière année du PRAE" in err and file_sha(path) == sha
    code, _, err = run(capsys, "prepare-next-year", "--db", db, "--prae", prae, "--year", "1999")
    assert code == 2 and "n'est pas une année du PRAE" in err and file_sha(path) == sha
    assert json.loads(run(capsys, "show", "--db", db, "--prae", prae, "--format", "json")[1])["closed_years"] == []

    code, out, _ = run(capsys, "prepare-next-year", "--db", db, "--prae", prae, "--year", "2018")
    assert code == 0 and "PRAE 2019 préparé" in out and f"jalons reportés en 2019 : « {left} »" in out
    assert "abandonnée" in out
    assert json.loads(run(capsys, "show", "--db", db, "--prae", prae, "--format", "json")[1])["closed_years"] == [2018]
    sha = file_sha(path)
    code, _, err = run(capsys, "prepare-next-year", "--db", db, "--prae", prae, "--year", "2018")
    assert code == 2 and "déjà clôturée" in err and file_sha(path) == sha


@pytest.mark.parametrize("any_store", ["sqlite", "postgresql"], indirect=True)
def test_prepare_and_undo_on_sqlite_and_postgresql(any_store, catalogue):
    prae = demo.create_demo(any_store, catalogue)
    session = PraeSession(any_store, catalogue, prae)
    before = state(any_store, prae)
    prepare_next_year(session, 2018, carry_budget=True)
    assert next_year.closed_years(any_store, prae) == (2018,)
    assert state(any_store, prae) != before
    session.undo()
    assert state(any_store, prae) == before


def test_cli_signed_then_prepared_then_annual_avenant_2019(material, tmp_path, capsys, catalogue):
    db = str(material.store_copy(tmp_path))
    prae = str(material.prae_id)
    signed = tmp_path / "signee.pdf"
    signed.write_bytes(material.sign(material.convention, "Signature_ARML"))
    assert run(capsys, "mark-signed", "--db", db, "--prae", prae, str(signed))[0] == 0
    code, out, _ = run(capsys, "prepare-next-year", "--db", db, "--prae", prae, "--year", "2018", "--carry-budget")
    assert code == 0 and "Budget non consommé proposé en 2019" in out
    yearly = tmp_path / "avenant-2019.pdf"
    code, _, _ = run(capsys, "export", "avenant", "--db", db, "--prae", prae, "--year", "2019", "--out", str(yearly))
    assert code == 0
    text = " ".join(pdf_text(yearly).split())
    store = open_store(tmp_path / "store.sqlite")
    try:
        status = versions.working_status(store, material.prae_id, catalogue)
    finally:
        store.close()
    changed = [c for c in status.diff.of_kind("montant") if c.key == "2019" and c.place.startswith("Coût complet")]
    assert changed and all(c.after.replace("\u202f", " ").replace("\u00a0", " ") in text for c in changed)
