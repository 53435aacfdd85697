"""The follow-up model (issue 17): gaps and indicator rows computed in the domain, and every
follow-up edit applied, undone and redone through the real session on a real SQLite file and
a real PostgreSQL; refused values leave the store as it was."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import Indicator, Milestone, NewPrae
from pnae_desktop.domain.fec_mapping import Resolver, check_rules, mapping_csv, parse_mapping_csv
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import budget as b
from pnae_desktop.services import edits as e
from pnae_desktop.services import edits_followup as ef
from pnae_desktop.services import followup as service
from pnae_desktop.services import praes
from pnae_desktop.services.session import PraeSession

D = Decimal


# -- domain ------------------------------------------------------------------------------------


def _budget() -> dom.Budget:
    return dom.Budget(
        years=(2018, 2019),
        actions=(dom.ActionBudgetInfo(10, "Animer"), dom.ActionBudgetInfo(20, "Outiller")),
        charges=(
            dom.ChargeLine(1, 10, 2018, "62", "Déplacements", 100000),
            dom.ChargeLine(2, 10, 2018, "64", "Chargé de mission", 400000),
            dom.ChargeLine(3, 20, 2018, "61", "Location", 50000),
            dom.ChargeLine(4, 20, 2019, "61", "Location", 70000),
        ),
        funders=(dom.Funder(1, "État", "etat"), dom.Funder(2, "Région", "region")),
        financing=(
            dom.FinancingLine(1, 10, 2018, 1, 300000, "acquis"),
            dom.FinancingLine(2, 20, 2018, 2, 250000, "acquis"),
        ),
    )


def test_year_gaps_compare_realised_to_forecast_and_ask_for_explanations():
    followup = fu.FollowUp(
        charges=(
            fu.RealisedCharge(10, 2018, "6251", "Voyages", 80000),  # −20 %: over 15 %
            fu.RealisedCharge(10, 2018, "641", "Salaires", 410000),  # +2.5 %
            fu.RealisedCharge(20, 2018, "606", "Fournitures", 12345),  # no forecast
            fu.RealisedCharge(20, 2019, "613", "Location", 1),  # another year
        ),
        financing=(fu.RealisedFinancing(2018, 1, 300000), fu.RealisedFinancing(2018, 2, 200000)),
        explanations=(fu.Explanation(2018, fu.financing_key(2), "Subvention régionale réduite."),),
    )
    gaps = fu.year_gaps(_budget(), followup, 2018)
    by_key = {line.key: line for line in gaps.charges}
    travel = by_key["charge:10:62"]
    assert (travel.forecast_cents, travel.realised_cents, travel.gap_cents, travel.gap_pct) == (
        100000,
        80000,
        -20000,
        D("-20.00"),
    )
    assert travel.needs_explanation and travel.label.startswith("Fiche 1 – Animer : 62 ")
    assert not by_key["charge:10:64"].needs_explanation
    supplies = by_key["charge:20:60"]
    assert supplies.gap_pct is None and supplies.needs_explanation
    rent = by_key["charge:20:61"]
    assert rent.realised_cents == 0 and rent.gap_pct == D("-100.00") and rent.needs_explanation
    region = {line.key: line for line in gaps.financing}["financing:2"]
    assert region.gap_pct == D("-20.00") and not region.needs_explanation
    assert region.explanation == "Subvention régionale réduite."
    assert gaps.forecast_total_cents == 550000
    assert gaps.realised_total_cents == 80000 + 410000 + 12345
    assert gaps.execution_rate == D("91.34")
    assert gaps.unexplained == 3
    assert [line.key for line in gaps.charges] == ["charge:10:62", "charge:10:64", "charge:20:60", "charge:20:61"]


def test_threshold_is_strict_and_editable():
    followup = fu.FollowUp(threshold_pct=D(20), charges=(fu.RealisedCharge(10, 2018, "62", "Voyages", 80000),))
    line = next(x for x in fu.year_gaps(_budget(), followup, 2018).charges if x.key == "charge:10:62")
    assert line.gap_pct == D("-20.00") and not line.needs_explanation


def test_indicator_rows_show_target_realised_and_gap(catalogue):
    from pnae_desktop.domain.entities import Organisation, PraeAction, PraeDetail
    from pnae_desktop.domain.summary import PraeSummary

    indicator = Indicator("Participants", "nombre", "imilo", D(10), 2017, ((2018, D(20)), (2019, D(30))))
    action = PraeAction(5, 0, None, "Animer", "", {}, indicators=(indicator,))
    now = datetime.now(timezone.utc)
    summary = PraeSummary(1, "PRAE", "32", "Hauts-de-France", 2018, 2020, "brouillon", 1, "ARML", "2018", now, now)
    detail = PraeDetail(summary, Organisation(1, "ARML"), (action,), ())
    rows = fu.indicator_rows(detail, fu.FollowUp(indicators=(fu.IndicatorResult(5, 0, 2018, D(17)),)), 2018)
    assert [(r.target, r.realised, r.gap, r.baseline) for r in rows] == [(D(20), D(17), D(-3), D(10))]
    assert rows[0].action_label == "Fiche 1 – Animer"
    assert fu.indicator_rows(detail, fu.FollowUp(), 2019)[0].gap is None


def test_mapping_csv_round_trip_and_priorities():
    text = (
        "match,pattern,action,share,funder\n"
        "account,6,1,100,\n"
        "account,625,2,60,\n"
        "account,625,3,40,\n"
        "label,séminaire,3,100,\n"
        "analytic,AX1,2,100,\n"
        "account,74,,100,État\n"
    )
    rules = parse_mapping_csv(text, 3)
    assert parse_mapping_csv(mapping_csv(rules), 3) == rules
    resolver = Resolver(rules)
    assert [r.action for r in resolver.rules_for("action", "", "Frais", "606100")] == [1]
    assert [r.action for r in resolver.rules_for("action", "", "Frais", "625100")] == [2, 3]
    assert [r.action for r in resolver.rules_for("action", "", "SÉMINAIRE Lille", "625100")] == [3]
    assert [r.action for r in resolver.rules_for("action", "AX1", "Séminaire", "625100")] == [2]
    assert resolver.rules_for("action", "", "Subvention", "741") is None
    assert [r.funder for r in resolver.rules_for("funder", "", "Subvention", "741")] == ["État"]
    parts = Resolver.split(resolver.rules_for("action", "", "x", "6251"), 1001)  # type: ignore[arg-type]
    assert [p.cents for p in parts] == [601, 400] and sum(p.cents for p in parts) == 1001


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("match,pattern,action\n", "ligne 1"),
        ("match,pattern,action,share\nregex,6,1,100\n", "ligne 2 : type « regex » inconnu"),
        ("match,pattern,action,share\naccount,6,9,100\n", "ligne 2 : action n° 9 inconnue"),
        ("match,pattern,action,share\naccount,6,1,abc\n", "ligne 2 : part « abc » invalide"),
        ("match,pattern,action,share\naccount,6x,1,100\n", "ligne 2 : un motif de compte"),
        ("match,pattern,action,share\naccount,6,1,60\naccount,6,2,30\n", "totalisent 90"),
    ],
)
def test_bad_mapping_is_refused_with_its_line(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_mapping_csv(text, 3)


def test_check_rules_refuses_rule_without_target():
    with pytest.raises(ValidationError, match="ni action ni financeur"):
        check_rules([fu.MappingRule("account", "6", None)], 2)


# -- services and edits --------------------------------------------------------------------------


@pytest.fixture
def session(any_store, catalogue):
    prae_id = praes.create_prae(any_store, catalogue, NewPrae("32", 2018, 2020, (1, 2, 5)))
    return PraeSession(any_store, catalogue, prae_id)


def state(session) -> str:
    followup = service.load_followup(session.store, session.prae_id)
    return json.dumps(asdict(followup), sort_keys=True, default=str)


def edits_of_every_kind(session):
    a1, a2, a3 = (a.id for a in praes.get_prae(session.store, session.prae_id).actions)
    funders = {f.kind: f.id for f in b.load_budget(session.store, session.prae_id).funders}
    session.apply(e.SetMilestones("Calendrier", a1, (Milestone(2018, "Séminaire"), Milestone(2018, "Bilan"))))
    session.apply(e.SetIndicators("Indicateurs", a1, (Indicator("Participants", "nombre", "imilo"),)))
    report = fu.ActionReport(a1, 2018, "realisee", "Fait.", "Aucune.", "Un guide.", ((1, date(2018, 6, 1)),))
    yield ef.SetActionReport("Compte rendu", report)
    yield ef.SetIndicatorResult("Indicateur réalisé", fu.IndicatorResult(a1, 0, 2018, D("17.5")))
    yield ef.SetRealisedCharges(
        "Charges réalisées",
        2018,
        (fu.RealisedCharge(a1, 2018, "6251", "Voyages", 123456), fu.RealisedCharge(a2, 2018, "641", "Salaires", 9)),
    )
    yield ef.SetRealisedFinancing(
        "Financements réalisés", 2018, (fu.RealisedFinancing(2018, funders["etat"], 5000, a3),)
    )
    yield ef.SetContributions("Contributions", 2018, (fu.ContributionInKind(2018, "864", "Bénévolat", 70000),))
    yield ef.SetOtherRealised("Dotations", 2018, (fu.OtherRealised(2018, "6811", "Dotations", 1500),))
    yield ef.SetExplanation("Expliquer", 2018, fu.charge_key(a1, "62"), "Séminaire annulé.")
    yield ef.SetGapThreshold("Seuil", D("12.5"))
    yield ef.SetMapping(
        "Correspondances", (fu.MappingRule("account", "62", 1, D(50)), fu.MappingRule("account", "62", 2, D(50)))
    )
    yield ef.ApplyRealisedImport(
        "Import FEC",
        2018,
        "fec",
        charges=(fu.RealisedCharge(a2, 2018, "606", "Fournitures", 777, "fec"),),
        financing=(fu.RealisedFinancing(2018, funders["region"], 888, None, "fec"),),
        mapping=(fu.MappingRule("account", "6", 2),),
    )


def test_every_followup_edit_undoes_and_redoes_exactly(session):
    kinds = set()
    for edit in edits_of_every_kind(session):
        before = state(session)
        changed = session.apply(edit)
        assert changed.aspects == frozenset({e.FOLLOWUP})
        after = state(session)
        assert after != before, edit.label
        session.undo()
        assert state(session) == before, edit.label
        session.redo()
        assert state(session) == after, edit.label
        kinds.add(type(edit).__name__)
    assert len(kinds) == 10
    snapshot = session.snapshot(convention=False)
    assert snapshot.followup == service.load_followup(session.store, session.prae_id)
    assert snapshot.followup.threshold_pct == D("12.5")
    assert {c.source for c in snapshot.followup.charges} == {"saisie", "fec"}


def test_import_replaces_only_its_source(session):
    a1 = praes.get_prae(session.store, session.prae_id).actions[0].id
    session.apply(ef.SetRealisedCharges("Saisie", 2018, (fu.RealisedCharge(a1, 2018, "62", "Saisi", 100),)))
    imported = (fu.RealisedCharge(a1, 2018, "6251", "FEC", 200, "fec"),)
    session.apply(ef.ApplyRealisedImport("Import", 2018, "fec", charges=imported))
    session.apply(ef.ApplyRealisedImport("Import", 2018, "fec", charges=imported))
    charges = service.load_followup(session.store, session.prae_id).charges
    assert sorted((c.label, c.amount_cents) for c in charges) == [("FEC", 200), ("Saisi", 100)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda a, f: ef.SetActionReport("x", fu.ActionReport(a, 2018, "fini")), "statut « fini » inconnu"),
        (lambda a, f: ef.SetActionReport("x", fu.ActionReport(a, 2025, "realisee")), "hors de la période"),
        (lambda a, f: ef.SetActionReport("x", fu.ActionReport(a, 2018, None, milestones_done=((99, None),))), "jalon"),
        (lambda a, f: ef.SetIndicatorResult("x", fu.IndicatorResult(a, 3, 2018, D(1))), "indicateur inconnu"),
        (lambda a, f: ef.SetIndicatorResult("x", fu.IndicatorResult(a, 0, 2018, D("1.234"))), "deux décimales"),
        (
            lambda a, f: ef.SetRealisedCharges("x", 2018, (fu.RealisedCharge(a, 2018, "70", "Ventes", 1),)),
            "60 à 67",
        ),
        (
            lambda a, f: ef.SetRealisedCharges("x", 2018, (fu.RealisedCharge(a, 2018, "62", "X", 10**14),)),
            "montant absurde",
        ),
        (lambda a, f: ef.SetRealisedFinancing("x", 2018, (fu.RealisedFinancing(2018, 99999, 1),)), "introuvable"),
        (lambda a, f: ef.SetContributions("x", 2018, (fu.ContributionInKind(2018, "62", "X", 1),)), "86 ou 87"),
        (lambda a, f: ef.SetExplanation("x", 2018, "autre:1", "Texte"), "ligne « autre:1 » inconnue"),
        (lambda a, f: ef.SetGapThreshold("x", D(150)), "entre 0 et 100"),
        (lambda a, f: ef.SetMapping("x", (fu.MappingRule("account", "6", 1, D(50)),)), "totalisent 50"),
    ],
)
def test_refused_followup_edit_writes_nothing(session, make, message):
    a1 = praes.get_prae(session.store, session.prae_id).actions[0].id
    session.apply(e.SetIndicators("Indicateurs", a1, (Indicator("Participants", "nombre", "imilo"),)))
    session.apply(ef.SetRealisedCharges("Saisie", 2018, (fu.RealisedCharge(a1, 2018, "62", "Saisi", 100),)))
    before, depth = state(session), session.depth
    funder = b.load_budget(session.store, session.prae_id).funders[0].id
    with pytest.raises(ValidationError, match=message):
        session.apply(make(a1, funder))
    assert state(session) == before and session.depth == depth


def test_followup_rows_go_with_their_action(session):
    a1 = praes.get_prae(session.store, session.prae_id).actions[0].id
    session.apply(ef.SetRealisedCharges("Saisie", 2018, (fu.RealisedCharge(a1, 2018, "62", "Saisi", 100),)))
    session.apply(ef.SetActionReport("Compte rendu", fu.ActionReport(a1, 2018, "en_cours")))
    before = state(session)
    session.apply(e.DeleteAction("Supprimer", a1))
    followup = service.load_followup(session.store, session.prae_id)
    assert followup.charges == () and followup.reports == ()
    session.undo()  # the action comes back with its realised rows
    assert state(session) == before
