"""The PRAE session below the UI (pnae_desktop.services.session), without Qt, on a real SQLite
file and a real PostgreSQL: every kind of edit applies in one transaction, undoes to exactly
the state before, redoes to exactly the state after; a refused edit or undo leaves the store
and the history as they were; notices say what changed; a snapshot reads one instant."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal

import pytest

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, NewPrae
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports import serialize
from pnae_desktop.services import budget as b
from pnae_desktop.services import convention as convention_service
from pnae_desktop.services import edits as e
from pnae_desktop.services import edits_followup as ef
from pnae_desktop.services import followup as followup_service
from pnae_desktop.services import praes
from pnae_desktop.services.session import MERGE_WINDOW_S, PraeSession

D = Decimal


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def whole(store, prae_id: int, catalogue) -> str:
    """Everything the user can change in a PRAE, as one comparable text (change dates aside)."""
    detail = praes.get_prae(store, prae_id)
    prae = serialize.prae_to_dict(detail)
    prae.pop("updated_at")
    plan = b.load_budget(store, prae_id)
    money = serialize.budget_to_dict(plan, dom.compute(plan))
    for kind in ("charges", "financing"):  # a line's row id is the store's business, not the user's
        money[kind] = sorted(
            (
                json.dumps({k: v for k, v in row.items() if k != "id"}, sort_keys=True, default=str)
                for row in money[kind]
            )
        )
    data = {
        "prae": prae,
        "budget": money,
        "settings": convention_service.settings_to_dict(convention_service.get_settings(store, prae_id, catalogue)),
        "articles": cv.state_to_dict(convention_service.get_state(store, prae_id)),
        "followup": asdict(followup_service.load_followup(store, prae_id)),
    }
    return json.dumps(data, sort_keys=True, default=str)


@pytest.fixture
def session(any_store, catalogue):
    prae_id = praes.create_prae(any_store, catalogue, NewPrae("32", 2018, 2020, (1, 2, 5)))
    return PraeSession(any_store, catalogue, prae_id, clock=Clock())


def ids(session) -> list[int]:
    return [a.id for a in praes.get_prae(session.store, session.prae_id).actions]


def funders(session) -> dict[str, int]:
    return {f.kind: f.id for f in b.load_budget(session.store, session.prae_id).funders}


def round_trip(session, edit):
    """Apply, undo, redo, undo again: each step lands exactly on the state it should."""
    before = whole(session.store, session.prae_id, session.catalogue)
    session.apply(edit)
    after = whole(session.store, session.prae_id, session.catalogue)
    assert after != before, f"{edit.label}: nothing changed"
    session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == before
    session.redo()
    assert whole(session.store, session.prae_id, session.catalogue) == after
    session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == before
    session.redo()
    return after


def charge(action_id, year, text, account="62", label="Déplacements"):
    return b.ChargeCell(action_id, account, label, year, b.parse_charge_cell(text, "test", account))


def edits_of_every_kind(session):
    """One edit of each kind, in an order where each one's targets exist."""
    a1, a2, _a3 = ids(session)
    f = funders(session)
    yield e.SetChargeCells("Modifier des charges", (charge(a1, 2018, "1 500"), charge(a1, 2019, "0,5 × 52 000", "64")))
    yield e.RenameChargeRow("Renommer une ligne", a1, "62", "Déplacements", "Déplacements régionaux")
    yield e.SetFinancingCells("Financer", (b.FinancingCell(a1, f["etat"], 2018, 150000, "acquis"),))
    yield e.SaveFunder("Ajouter un financeur", None, "Fonds social européen", "fonds_europeens")
    yield e.SaveFunder("Renommer un financeur", f["etat"], "État (Dreets)", "etat")
    yield e.DeleteFunder("Retirer un financeur", f["etat"])
    yield e.SetStructuralCells("Frais de structure", (b.StructuralCell("Loyer", 2019, 1200000),))
    yield e.SetAllocationKey("Clé", 2019, "manual", {a1: D("60"), a2: D("40"), _a3: D("0")})
    yield e.UpdatePrae("Renommer le PRAE", {"title": "PRAE Hauts-de-France — version 2"})
    yield e.UpdateAction("Modifier « Contexte »", a1, {"contexte": "Un contexte régional <b>&</b> précis."})
    yield e.SetObjectives("Objectifs", a2, {"1.1": None, "2": None})
    yield e.SetMilestones("Calendrier", a1, (Milestone(2019, "Séminaire", day=date(2019, 3, 14)),))
    yield e.SetIndicators(
        "Indicateurs", a1, (Indicator("Participants", "nombre", "imilo", D("10"), 2017, ((2018, D("20")),)),)
    )
    yield e.ReorderActions("Réordonner", (a2, a1, _a3))
    yield e.AddPnaeAction("Ajouter l'action 7", 7, 1)
    yield e.AddBlankAction("Ajouter une action régionale", "Action régionale « numérique »", None)
    yield e.DuplicateAction("Dupliquer", a1)
    yield e.DeleteAction("Supprimer", a2)
    yield e.SaveMissionLocale("Ajouter une mission locale", MissionLocale(None, "Mission locale de Lens", "Lens"))
    settings = convention_service.get_settings(session.store, session.prae_id, session.catalogue)
    yield e.SaveConventionSettings("Parties", replace(settings, tribunal="Tribunal administratif de Lille"))
    state = convention_service.get_state(session.store, session.prae_id)
    adapted = cv.override_article(state, "recours", "Tout litige est porté devant le tribunal administratif de Lille.")
    yield e.SaveConventionState("Adapter un article", adapted)
    organisation = praes.get_prae(session.store, session.prae_id).organisation
    yield e.SaveOrganisation("Modifier l'association", replace(organisation, email="contact@arml.example"))
    # The follow-up (issue 17): a1 has one indicator and one milestone by now.
    yield ef.SetActionReport("Compte rendu", fu.ActionReport(a1, 2019, "realisee", "Fait.", "", "", ((0, None),)))
    yield ef.SetIndicatorResult("Indicateur réalisé", fu.IndicatorResult(a1, 0, 2018, D("18")))
    yield ef.SetRealisedCharges("Charges réalisées", 2018, (fu.RealisedCharge(a1, 2018, "6251", "Voyages", 1234),))
    yield ef.SetRealisedFinancing("Financements réalisés", 2018, (fu.RealisedFinancing(2018, f["region"], 999),))
    yield ef.SetContributions("Contributions", 2018, (fu.ContributionInKind(2018, "864", "Bénévolat", 500),))
    yield ef.SetOtherRealised("Dotations", 2018, (fu.OtherRealised(2018, "6811", "Dotations", 150),))
    yield ef.SetExplanation("Expliquer", 2018, fu.charge_key(a1, "62"), "Séminaire annulé.")
    yield ef.SetGapThreshold("Seuil", D("10"))
    yield ef.SetMapping("Correspondances", (fu.MappingRule("account", "6", 1),))
    yield ef.ApplyRealisedImport(
        "Import FEC", 2018, "fec", charges=(fu.RealisedCharge(a1, 2018, "606", "Fournitures", 77, "fec"),)
    )


def test_every_kind_of_edit_undoes_and_redoes_exactly(session):
    kinds = set()
    for edit in edits_of_every_kind(session):
        round_trip(session, edit)
        kinds.add(type(edit).__name__)
    assert len(kinds) == 31


def test_every_edit_undone_in_a_row_gives_back_the_first_state(session):
    first = whole(session.store, session.prae_id, session.catalogue)
    count = 0
    for edit in edits_of_every_kind(session):
        session.apply(edit)
        count += 1
    last = whole(session.store, session.prae_id, session.catalogue)
    assert session.depth == count
    while session.can_undo:
        session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == first
    while session.can_redo:
        session.redo()
    assert whole(session.store, session.prae_id, session.catalogue) == last


def test_delete_then_undo_brings_the_action_back_under_its_id(session):
    a1 = ids(session)[0]
    session.apply(e.DeleteAction("Supprimer", a1))
    session.apply(e.AddBlankAction("Ajouter", "Autre", None))
    session.undo()
    session.undo()
    assert a1 in ids(session)
    session.apply(e.UpdateAction("Titre", a1, {"title": "Toujours là"}))  # later edits still find it
    assert praes.get_action(session.store, a1).title == "Toujours là"


def test_refused_edit_writes_nothing_and_leaves_history(session):
    a1 = ids(session)[0]
    session.apply(e.SetChargeCells("Charge", (charge(a1, 2018, "100"),)))
    before = whole(session.store, session.prae_id, session.catalogue)
    # The second cell is refused (year out of the period): the first is not written either.
    bad = e.SetChargeCells("Deux charges", (charge(a1, 2019, "200"), charge(a1, 2030, "300")))
    with pytest.raises(ValidationError, match="2030"):
        session.apply(bad)
    assert whole(session.store, session.prae_id, session.catalogue) == before
    assert session.depth == 1 and session.undo_label == "Charge"


def test_composite_is_one_transaction_and_one_undo_step(session):
    a1, a2, _ = ids(session)
    before = whole(session.store, session.prae_id, session.catalogue)
    good = e.SetChargeCells("Coller", (charge(a1, 2018, "100"),))
    bad = e.SetFinancingCells("Coller", (b.FinancingCell(a2, 999_999, 2018, 100, "acquis"),))
    with pytest.raises(UserError):
        session.apply_all("Coller un bloc", [good, bad])
    assert whole(session.store, session.prae_id, session.catalogue) == before
    assert session.depth == 0
    f = funders(session)
    session.apply_all(
        "Coller un bloc", [good, e.SetFinancingCells("Coller", (b.FinancingCell(a2, f["etat"], 2018, 100, "acquis"),))]
    )
    assert session.depth == 1
    session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == before


def test_failed_undo_leaves_store_and_history(session):
    a1 = ids(session)[0]
    session.apply(e.SetObjectiveShares("Parts", a1, None))
    session.apply(e.SetObjectives("Objectifs", a1, {"1.1": None, "1.2": None}))
    session.apply(e.SetObjectiveShares("Parts", a1, {"1.1": D("70"), "1.2": D("30")}))
    # Someone (another window, a script) removes the action behind the session's back.
    from pnae_desktop.services import drafting

    drafting.delete_action(session.store, a1)
    before = whole(session.store, session.prae_id, session.catalogue)
    with pytest.raises(UserError):
        session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == before
    assert session.depth == 3 and session.undo_label == "Parts" and not session.can_redo


def test_typing_in_one_field_merges_into_one_step(session):
    a1 = ids(session)[0]
    original = praes.get_action(session.store, a1).fields.get("contexte")
    clock = session._clock
    for text in ("U", "Un", "Un c", "Un contexte"):
        session.apply(e.UpdateAction("Modifier « Contexte »", a1, {"contexte": text}), merge_key=(a1, "contexte"))
        clock.now += 0.5
    assert session.depth == 1
    clock.now += MERGE_WINDOW_S + 1
    session.apply(e.UpdateAction("Modifier « Contexte »", a1, {"contexte": "Plus tard"}), merge_key=(a1, "contexte"))
    assert session.depth == 2
    session.undo()
    assert praes.get_action(session.store, a1).fields.get("contexte") == "Un contexte"
    session.undo()
    assert praes.get_action(session.store, a1).fields.get("contexte") == original
    session.redo()
    session.redo()
    assert praes.get_action(session.store, a1).fields.get("contexte") == "Plus tard"


def test_notices_say_what_changed(session):
    seen = []
    unsubscribe = session.subscribe(seen.append)
    a1 = ids(session)[0]
    session.apply(e.SetChargeCells("Charge", (charge(a1, 2018, "100"),)))
    session.apply(e.UpdateAction("Pilote", a1, {"pilot": "ARML"}))
    session.apply(e.SaveConventionState("Articles", convention_service.get_state(session.store, session.prae_id)))
    session.undo()
    assert [(c.kind, c.label) for c in seen] == [
        ("edit", "Charge"),
        ("edit", "Pilote"),
        ("edit", "Articles"),
        ("undo", "Articles"),
    ]
    assert seen[0].aspects == {e.BUDGET}
    assert seen[1].action_ids == {a1} and e.ACTIONS in seen[1].aspects
    assert seen[2].aspects == {e.CONVENTION}
    unsubscribe()
    session.redo()
    assert len(seen) == 4


def test_workbook_changes_apply_as_one_edit(session, tmp_path):
    from openpyxl import load_workbook

    from pnae_desktop import __version__
    from pnae_desktop.exports import workbook
    from pnae_desktop.services import exports, workbook_import

    a1 = ids(session)[0]
    session.apply(e.SetChargeCells("Charge", (charge(a1, 2018, "100"),)))
    path = exports.write_budget_workbook(session.store, session.prae_id, tmp_path / "b.xlsx", app_version=__version__)
    wb = load_workbook(path)
    sheet = wb[workbook.BY_ACTION]
    typed = [c for row in sheet.iter_rows() for c in row if c.value == 100 and not c.protection.locked]
    assert len(typed) == 1
    typed[0].value = 250
    wb.save(path)
    changes = workbook_import.read_budget_workbook(path, session.store, session.prae_id)
    assert changes
    before = whole(session.store, session.prae_id, session.catalogue)
    session.apply(e.ApplyWorkbook("Reprendre un classeur budgétaire", tuple(changes)))
    assert whole(session.store, session.prae_id, session.catalogue) != before
    session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == before


def test_snapshot_reads_detail_budget_and_convention_together(session):
    a1 = ids(session)[0]
    session.apply(e.SetChargeCells("Charge", (charge(a1, 2018, "1 234,56"),)))
    snap = session.snapshot()
    assert snap.prae_id == session.prae_id
    assert snap.totals.direct_total == 123456
    assert [a.id for a in snap.detail.actions] == ids(session)
    rendered, checks = snap.convention
    assert rendered.articles and isinstance(checks, (list, tuple))
    assert session.snapshot(convention=False).convention is None


def test_undo_refuses_when_someone_changed_the_value_since(session):
    """Another window, post or script changed the cell after this session's edit: undoing would
    silently overwrite their value, so it is refused, with both values, and nothing moves."""
    from pnae_desktop.errors import ConflictError

    a1 = ids(session)[0]
    session.apply(e.SetChargeCells("Modifier une charge", (charge(a1, 2018, "100"),)))
    b.set_charge_cells(session.store, [charge(a1, 2018, "999")])  # their edit, outside the session
    before = whole(session.store, session.prae_id, session.catalogue)
    with pytest.raises(ConflictError, match="entre-temps") as caught:
        session.undo()
    assert whole(session.store, session.prae_id, session.catalogue) == before
    assert session.depth == 1 and not session.can_redo
    assert caught.value.theirs != caught.value.mine


def test_redo_refuses_when_someone_changed_the_value_since(session):
    from pnae_desktop.errors import ConflictError

    a1 = ids(session)[0]
    session.apply(e.UpdateAction("Pilote", a1, {"pilot": "ARML"}))
    session.undo()
    from pnae_desktop.services import drafting

    drafting.update_action(session.store, a1, {"pilot": "Mission locale de Lille"})
    with pytest.raises(ConflictError):
        session.redo()
    assert praes.get_action(session.store, a1).pilot == "Mission locale de Lille"
    assert session.can_redo and session.depth == 0


def test_merged_typing_is_checked_against_the_last_keystroke(session):
    a1 = ids(session)[0]
    for text in ("Un", "Un texte"):
        session.apply(e.UpdateAction("Contexte", a1, {"contexte": text}), merge_key=(a1, "contexte"))
    session.undo()  # the stored value is the last one typed: no conflict
    session.redo()
    assert praes.get_action(session.store, a1).fields.get("contexte") == "Un texte"
