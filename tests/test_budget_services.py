"""Budget services (pnae_desktop.services.budget) through a real store — a SQLite file and a
real PostgreSQL via `any_store` —: typed cells, charges, financing, funders, structural costs
and their allocation, objective shares, the Île-de-France digital plan of the PNAE, the demo
PRAE's budget, and `pnae-desktop show --format json` run as a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.domain.money import MAX_LINE_CENTS, cents_from_decimal_str, format_amount
from pnae_desktop.errors import ValidationError
from pnae_desktop.exports import serialize
from pnae_desktop.services import budget as b
from pnae_desktop.services import demo, drafting, praes
from pnae_desktop.store.database import open_store

D = Decimal
YEARS = (2018, 2019, 2020)
WHERE = "Cellule « 2019 / 64 Charges de personnel / Chargée de mission »"
NNBSP, NBSP = "\u202f", "\u00a0"


# --------------------------------------------------------------------------- helpers


def new_prae(store, catalogue, actions=(1, 2, 5), start=2018, end=2020) -> tuple[int, list[int]]:
    prae_id = praes.create_prae(store, catalogue, NewPrae("11", start, end, actions))
    return prae_id, [a.id for a in praes.get_prae(store, prae_id).actions]


def state(store, prae_id, *, line_ids: bool = True) -> dict:
    """The budget and every total as exported (JSON-normalised); line ids optionally left out.
    Structural costs are sorted: their stored order among a year's labels is not what is tested."""
    plan = b.load_budget(store, prae_id)
    data = json.loads(json.dumps(serialize.budget_to_dict(plan, dom.compute(plan))))
    data["structural_costs"].sort(key=lambda s: (s["year"], s["label"]))
    if not line_ids:
        for row in data["charges"] + data["financing"]:
            del row["id"]
    return data


def updated_at(store, prae_id):
    return praes.get_prae(store, prae_id).summary.updated_at


def funder_ids(store, prae_id) -> dict[str, int]:
    return {f.kind: f.id for f in b.load_budget(store, prae_id).funders}


def charge(action_id, account, label, year, text) -> b.ChargeCell:
    """A cell as the grid writes it: the typed text parsed first."""
    return b.ChargeCell(action_id, account, label, year, b.parse_charge_cell(text, "Cellule", account))


def lines_of(store, prae_id) -> dict[tuple, tuple]:
    return {
        (c.action_id, c.year, c.account, c.label): (
            c.cents,
            c.amount_cents,
            c.etp,
            c.annual_cost_cents,
        )
        for c in b.load_budget(store, prae_id).charges
    }


@pytest.fixture
def prae(any_store, catalogue):
    """A 2018–2020 Île-de-France PRAE declining PNAE actions 1, 2 and 5, with the default funders."""
    prae_id, actions = new_prae(any_store, catalogue)
    return any_store, prae_id, actions


@pytest.fixture
def sqlite_prae(sqlite_store, catalogue):
    """The same PRAE on a SQLite file only: for the known bugs that do not depend on the backend."""
    prae_id, actions = new_prae(sqlite_store, catalogue)
    return sqlite_store, prae_id, actions


# --------------------------------------------------------------------------- 1. typed cells


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1 234,56", b.ChargeValue(amount_cents=123456)),
        ("1\u202f234,56 €", b.ChargeValue(amount_cents=123456)),
        ("0", b.ChargeValue(amount_cents=0)),
        ("0,5 × 52 000", b.ChargeValue(etp=D("0.50"), annual_cost_cents=5_200_000)),
        ("0,5 x 52000", b.ChargeValue(etp=D("0.50"), annual_cost_cents=5_200_000)),
        ("0.5*52000", b.ChargeValue(etp=D("0.50"), annual_cost_cents=5_200_000)),
        ("0,33 ETP × 45 678,91 €", b.ChargeValue(etp=D("0.33"), annual_cost_cents=4_567_891)),
    ],
)
def test_parse_charge_cell_values(text, expected):
    value = b.parse_charge_cell(text, WHERE, "64")
    assert value == expected
    if expected.etp is not None:
        assert str(value.etp) == str(expected.etp)  # two decimals, exactly
        assert value.amount_cents is None


@pytest.mark.parametrize("text", ["", "   ", "\u00a0"])
def test_parse_charge_cell_empty_is_no_line(text):
    assert b.parse_charge_cell(text, WHERE, "64") is None
    assert b.parse_charge_cell(text, WHERE, "62") is None


@pytest.mark.parametrize("text", ["0,5 × 52 000", "0,5 x 52000", "0.5*52000"])
@pytest.mark.parametrize("account", ["62", "60", "61"])
def test_parse_charge_cell_etp_only_for_personnel(text, account):
    with pytest.raises(ValidationError) as caught:
        b.parse_charge_cell(text, WHERE, account)
    message = str(caught.value)
    assert message.startswith(WHERE)
    assert "réservée aux charges de personnel (64)" in message


@pytest.mark.parametrize(
    "text, why",
    [
        ("abc", "n'est pas un montant reconnu"),
        ("-5", "montant négatif refusé"),
        ("1,234", "plus de deux chiffres après la virgule"),
        ("100 000 000,01", "montant absurde"),
        ("0,333 × 52 000", "nombre d'ETP : « 0,333 » a plus de deux chiffres après la virgule"),
        ("0,5 × -52 000", "coût annuel chargé : montant négatif refusé"),
    ],
)
def test_parse_charge_cell_refusals_name_the_place(text, why):
    with pytest.raises(ValidationError) as caught:
        b.parse_charge_cell(text, WHERE, "64")
    message = str(caught.value)
    assert message.startswith(WHERE)
    assert why in message


# --------------------------------------------------------------------------- 2. charges


def test_charge_cells_round_trip(prae):
    store, p, (a1, a2, _a3) = prae
    stamp = updated_at(store, p)
    previous = b.set_charge_cells(
        store,
        [
            charge(a1, "62", "Déplacements", 2018, "1 234,56"),
            charge(a1, "64", "Chargée de mission", 2019, "0,33 × 45 678,91"),
            charge(a1, "64", "Chargée de mission", 2020, "0,5 × 45 678,91"),
            charge(a2, "64", "Assistante", 2018, "12 000"),  # personnel may be typed as an amount
            charge(a2, "60", "Achats", 2018, ""),  # empty cell: no line
        ],
    )
    assert all(cell.value is None for cell in previous)  # every cell was empty before
    assert updated_at(store, p) > stamp  # the dashboard shows the PRAE changed

    lines = lines_of(store, p)
    assert lines == {
        (a1, 2018, "62", "Déplacements"): (123456, 123456, None, None),
        # 0,33 × 45 678,91 € = 15 074,0403 € → 15 074,04 €
        (a1, 2019, "64", "Chargée de mission"): (1_507_404, None, D("0.33"), 4_567_891),
        # 0,5 × 45 678,91 € = 22 839,455 € → half-up 22 839,46 €
        (a1, 2020, "64", "Chargée de mission"): (2_283_946, None, D("0.50"), 4_567_891),
        (a2, 2018, "64", "Assistante"): (1_200_000, 1_200_000, None, None),
    }
    plan = b.load_budget(store, p)
    assert all(type(c.cents) is int for c in plan.charges)
    _, totals, _ = b.totals(store, p)
    assert totals.direct_by_action_year[(a1, 2018)] == 123456
    assert totals.direct_by_year == {2018: 123456 + 1_200_000, 2019: 1_507_404, 2020: 2_283_946}
    assert totals.etp_by_year == {2018: D("0.00"), 2019: D("0.33"), 2020: D("0.50")}
    assert totals.direct_total == 123456 + 1_200_000 + 1_507_404 + 2_283_946


def test_previous_charge_cells_restore_the_exact_prior_state(prae):
    store, p, (a1, a2, _a3) = prae
    b.set_charge_cells(
        store,
        [
            charge(a1, "62", "Déplacements", 2018, "2 400"),
            charge(a1, "64", "Chargée de mission", 2018, "0,4 × 52 000"),
            charge(a2, "61", "Salles", 2019, "1 200,10"),
        ],
    )
    before = state(store, p)

    previous = b.set_charge_cells(
        store,
        [
            charge(a1, "62", "Déplacements", 2018, "3 000"),  # amount changed
            charge(a1, "64", "Chargée de mission", 2018, "45 000"),  # ETP form → amount form
            charge(a2, "61", "Salles", 2019, "999,99"),
            charge(a2, "61", "Salles", 2019, "1,01"),  # the same cell twice in one batch
            charge(a2, "64", "Nouveau poste", 2020, "0,25 × 40 000"),  # new line
        ],
    )
    changed = state(store, p)
    assert changed != before
    assert lines_of(store, p)[(a2, 2019, "61", "Salles")][0] == 101  # the last write wins
    assert lines_of(store, p)[(a1, 2018, "64", "Chargée de mission")] == (
        4_500_000,
        4_500_000,
        None,
        None,
    )

    b.set_charge_cells(store, previous)
    assert state(store, p) == before  # same lines, same ids, same totals

    # Undoing the undo redoes.
    b.set_charge_cells(store, b.set_charge_cells(store, previous))
    assert state(store, p) == before

    # An emptied cell deletes its line; undo brings it back (as a new row: ids left out).
    b.set_charge_cells(store, [charge(a1, "64", "Chargée de mission", 2019, "0,4 × 52 000")])
    before = state(store, p, line_ids=False)
    previous = b.set_charge_cells(store, [charge(a1, "64", "Chargée de mission", 2019, "")])
    assert (a1, 2019, "64", "Chargée de mission") not in lines_of(store, p)
    assert b.totals(store, p)[1].direct_by_year[2019] == 120_010
    assert previous == [b.ChargeCell(a1, "64", "Chargée de mission", 2019, b.ChargeValue(None, D("0.40"), 5_200_000))]
    b.set_charge_cells(store, previous)
    assert state(store, p, line_ids=False) == before


BAD_CELLS = [
    (
        "année hors période",
        lambda a: b.ChargeCell(a, "62", "Déplacements", 2021, b.ChargeValue(100)),
        "l'année 2021 est hors de la période du PRAE (2018–2020)",
    ),
    (
        "montant absurde",
        lambda a: b.ChargeCell(a, "60", "Achats", 2019, b.ChargeValue(MAX_LINE_CENTS + 1)),
        "montant absurde",
    ),
    (
        "compte inconnu",
        lambda a: b.ChargeCell(a, "69", "Impôt", 2019, b.ChargeValue(100)),
        "compte de charges « 69 » inconnu",
    ),
    (
        "ETP hors personnel",
        lambda a: b.ChargeCell(a, "62", "Déplacements", 2019, b.ChargeValue(None, D("0.5"), 5_200_000)),
        "la saisie en ETP est réservée aux charges de personnel (64)",
    ),
    (
        "libellé vide",
        lambda a: b.ChargeCell(a, "62", "  ", 2019, b.ChargeValue(100)),
        "le libellé de la ligne ne peut pas être vide",
    ),
]


def test_a_batch_with_one_bad_cell_writes_nothing(prae):
    store, p, (a1, a2, _a3) = prae
    b.set_charge_cells(
        store,
        [charge(a1, "62", "Déplacements", 2018, "2 400"), charge(a2, "61", "Salles", 2019, "800")],
    )
    before, stamp = state(store, p), updated_at(store, p)
    for name, bad, why in BAD_CELLS:
        good = [
            charge(a1, "62", "Déplacements", 2018, "9 999"),  # modifies a line
            charge(a2, "61", "Salles", 2019, ""),  # deletes a line
            charge(a2, "64", "Poste", 2020, "0,5 × 40 000"),  # adds a line
        ]
        for batch in (good + [bad(a1)], [bad(a1)] + good):  # bad cell last (after flushes) or first
            with pytest.raises(ValidationError) as caught:
                b.set_charge_cells(store, batch)
            assert why in str(caught.value), name
            assert state(store, p) == before, name
            assert updated_at(store, p) == stamp, name


# --------------------------------------------------------------------------- 3. rows of the grid


def test_charge_row_cells_and_rename(prae):
    store, p, (a1, a2, _a3) = prae
    b.set_charge_cells(
        store,
        [
            charge(a1, "64", "Chargée de mission", 2018, "0,5 × 52 000"),
            charge(a1, "64", "Chargée de mission", 2020, "30 000"),
            charge(a1, "64", "Assistante", 2019, "10 000"),
            charge(a1, "62", "Chargée de mission", 2019, "500"),  # same label, other account
            charge(a2, "64", "Chargée de mission", 2019, "7 000"),  # same label, other action
        ],
    )
    assert b.charge_row_cells(store, a1, "64", "Chargée de mission") == [
        b.ChargeCell(a1, "64", "Chargée de mission", 2018, b.ChargeValue(None, D("0.50"), 5_200_000)),
        b.ChargeCell(a1, "64", "Chargée de mission", 2019, None),
        b.ChargeCell(a1, "64", "Chargée de mission", 2020, b.ChargeValue(3_000_000, None, None)),
    ]
    before = state(store, p)
    # Writing a row's cells back as read changes nothing.
    b.set_charge_cells(store, b.charge_row_cells(store, a1, "64", "Chargée de mission"))
    assert state(store, p) == before

    assert b.rename_charge_row(store, a1, "64", "Chargée de mission", "  Cheffe de projet ") == (
        "Cheffe de projet",
        "Chargée de mission",
    )
    assert [c.value for c in b.charge_row_cells(store, a1, "64", "Cheffe de projet")] == [
        b.ChargeValue(None, D("0.50"), 5_200_000),
        None,
        b.ChargeValue(3_000_000, None, None),
    ]
    assert all(c.value is None for c in b.charge_row_cells(store, a1, "64", "Chargée de mission"))
    # Only that action's row on that account was renamed.
    assert b.charge_row_cells(store, a1, "62", "Chargée de mission")[1].value == b.ChargeValue(50_000)
    assert b.charge_row_cells(store, a2, "64", "Chargée de mission")[1].value == b.ChargeValue(700_000)
    renamed = state(store, p)
    assert renamed["totals"] == before["totals"]

    b.rename_charge_row(store, a1, "64", "Cheffe de projet", "Chargée de mission")  # undo
    assert state(store, p) == before

    # A label already used on that account (in another year: rows span years) is refused.
    stamp = updated_at(store, p)
    with pytest.raises(ValidationError, match="Une ligne « Assistante » existe déjà au compte 64"):
        b.rename_charge_row(store, a1, "64", "Chargée de mission", "Assistante")
    with pytest.raises(ValidationError, match="ne peut pas être vide"):
        b.rename_charge_row(store, a1, "64", "Chargée de mission", "   ")
    assert state(store, p) == before
    assert updated_at(store, p) == stamp
    # Renaming a row to its own label is allowed and changes nothing.
    b.rename_charge_row(store, a1, "64", "Chargée de mission", "Chargée de mission")
    assert state(store, p) == before


# --------------------------------------------------------------------------- 4. financing


def test_financing_cells_round_trip_statuses_and_refusals(prae, catalogue):
    store, p, (a1, a2, _a3) = prae
    f = funder_ids(store, p)
    b.set_financing_cells(store, [b.FinancingCell(a1, f["etat"], 2018, 1_000_00, "acquis")])
    before = state(store, p)
    previous = b.set_financing_cells(
        store,
        [
            b.FinancingCell(a1, f["etat"], 2018, 2_000_00, "sollicite"),
            b.FinancingCell(a1, f["region"], 2018, 1_500_01, "a_solliciter"),
            b.FinancingCell(a2, f["fonds_europeens"], 2019, 333_33, "acquis"),
            b.FinancingCell(a2, f["commune_epci"], 2020, None),  # empty: no line
        ],
    )
    assert previous == [
        b.FinancingCell(a2, f["commune_epci"], 2020, None, "sollicite"),
        b.FinancingCell(a2, f["fonds_europeens"], 2019, None, "acquis"),
        b.FinancingCell(a1, f["region"], 2018, None, "a_solliciter"),
        b.FinancingCell(a1, f["etat"], 2018, 1_000_00, "acquis"),
    ]
    lines = {(x.action_id, x.year, x.funder_id): (x.amount_cents, x.status) for x in b.load_budget(store, p).financing}
    assert lines == {
        (a1, 2018, f["etat"]): (2_000_00, "sollicite"),
        (a1, 2018, f["region"]): (1_500_01, "a_solliciter"),
        (a2, 2019, f["fonds_europeens"]): (333_33, "acquis"),
    }
    _, totals, _ = b.totals(store, p)
    assert totals.financing_by_status_year[("sollicite", 2018)] == 2_000_00
    assert totals.financing_by_status_year[("a_solliciter", 2018)] == 1_500_01
    assert totals.financing_by_status_year[("acquis", 2019)] == 333_33
    assert totals.financing_by_action_year[(a1, 2018)] == 3_500_01
    assert totals.financing_total == 3_833_34

    b.set_financing_cells(store, previous)
    assert state(store, p) == before

    # A batch with one bad cell writes nothing.
    other, _ = new_prae(store, catalogue, actions=(3,))
    f, foreign = funder_ids(store, p), funder_ids(store, other)
    b.set_financing_cells(store, [b.FinancingCell(a1, f["etat"], 2018, 1_000_00, "acquis")])
    before, stamp = state(store, p), updated_at(store, p)
    good = [
        b.FinancingCell(a1, f["etat"], 2018, 5_000_00, "sollicite"),
        b.FinancingCell(a1, f["region"], 2019, 1_000_00, "sollicite"),
    ]
    bad_cells = [
        (
            b.FinancingCell(a1, foreign["etat"], 2019, 100),
            "Financeur inconnu pour ce PRAE",
        ),  # another PRAE's
        (b.FinancingCell(a1, 987_654, 2019, 100), "Financeur inconnu pour ce PRAE"),
        (b.FinancingCell(a1, f["etat"], 2017, 100), "l'année 2017 est hors de la période du PRAE"),
        (b.FinancingCell(a1, f["etat"], 2019, 100, "promis"), "statut « promis » inconnu"),
        (b.FinancingCell(a1, f["etat"], 2019, MAX_LINE_CENTS + 1), "montant absurde"),
    ]
    for bad, why in bad_cells:
        with pytest.raises(ValidationError, match=why):
            b.set_financing_cells(store, good + [bad])
        assert state(store, p) == before, why
        assert updated_at(store, p) == stamp, why
    assert b.load_budget(store, other).financing == ()


def test_funders_save_delete_and_restore(prae):
    store, p, (a1, a2, _a3) = prae
    default_names = [f.name for f in b.load_budget(store, p).funders]
    assert [f.kind for f in b.load_budget(store, p).funders] == [f.kind for f in dom.default_funders()]

    new_id, previous = b.save_funder(store, p, None, "  Fondation Orange  ", "fondations_entreprises")
    assert previous is None
    funders = b.load_budget(store, p).funders
    assert funders[-1] == dom.Funder(new_id, "Fondation Orange", "fondations_entreprises")
    assert [f.name for f in funders[:-1]] == default_names

    before = state(store, p)
    same_id, previous = b.save_funder(store, p, new_id, "Fondation de France", "autres")
    assert same_id == new_id
    assert previous == ("Fondation Orange", "fondations_entreprises")
    assert b.load_budget(store, p).funders[-1] == dom.Funder(new_id, "Fondation de France", "autres")
    b.save_funder(store, p, new_id, *previous)  # undo
    assert state(store, p) == before

    stamp = updated_at(store, p)
    with pytest.raises(ValidationError, match="Le nom du financeur ne peut pas être vide"):
        b.save_funder(store, p, new_id, "  ", "autres")
    with pytest.raises(ValidationError, match="type « mecene » inconnu"):
        b.save_funder(store, p, new_id, "Mécène", "mecene")
    assert state(store, p) == before
    assert updated_at(store, p) == stamp

    # Deleting a funder removes its lines; the snapshot restores both.
    f = funder_ids(store, p)
    b.set_financing_cells(
        store,
        [
            b.FinancingCell(a1, f["etat"], 2018, 5_500_00, "acquis"),
            b.FinancingCell(a1, f["region"], 2018, 4_500_00, "sollicite"),
            b.FinancingCell(a2, f["region"], 2019, 1_234_56, "a_solliciter"),
        ],
    )
    before = state(store, p, line_ids=False)

    snapshot = b.delete_funder(store, f["region"])
    funder, prae_id, lines = snapshot[:3]  # what restore_funder needs (it may need more)
    assert funder == dom.Funder(f["region"], "Région Île-de-France", "region")
    assert prae_id == p
    assert sorted(lines, key=lambda c: (c.action_id, c.year)) == [
        b.FinancingCell(a1, f["region"], 2018, 4_500_00, "sollicite"),
        b.FinancingCell(a2, f["region"], 2019, 1_234_56, "a_solliciter"),
    ]
    plan = b.load_budget(store, p)
    assert "region" not in {x.kind for x in plan.funders}
    assert [(x.funder_id, x.amount_cents) for x in plan.financing] == [(f["etat"], 5_500_00)]
    assert b.totals(store, p)[1].financing_total == 5_500_00

    assert b.restore_funder(store, snapshot) == f["region"]  # the same id
    after = state(store, p, line_ids=False)
    assert after["financing"] == before["financing"]
    assert sorted(after["funders"], key=lambda x: x["id"]) == sorted(before["funders"], key=lambda x: x["id"])
    assert after["totals"]["financing_total"] == before["totals"]["financing_total"] == "11234.56"
    assert sorted(map(json.dumps, after["totals"]["funder_share"])) == sorted(
        map(json.dumps, before["totals"]["funder_share"])
    )

    with pytest.raises(ValidationError, match="Financeur introuvable"):
        b.delete_funder(store, 987_654)


def test_restored_funder_keeps_its_place(sqlite_prae):
    store, p, _ = sqlite_prae
    f = funder_ids(store, p)
    before = [x.id for x in b.load_budget(store, p).funders]
    b.restore_funder(store, b.delete_funder(store, f["region"]))
    assert [x.id for x in b.load_budget(store, p).funders] == before


def test_save_funder_refuses_another_praes_funder(sqlite_prae, catalogue):
    store, p, _ = sqlite_prae
    other, _ = new_prae(store, catalogue, actions=(3,))
    foreign = funder_ids(store, other)["etat"]
    try:
        b.save_funder(store, p, foreign, "Renommé par erreur", "etat")
    except ValidationError:
        pass
    assert b.load_budget(store, other).funders[0].name == "État (Direccte Île-de-France)"
    assert foreign not in {x.id for x in b.load_budget(store, p).funders}


# --------------------------------------------------------------------------- 5. structural costs


def test_structural_cells_round_trip(prae):
    store, p, _ = prae
    b.set_structural_cells(store, p, [b.StructuralCell("Siège", y, 38_000_00) for y in YEARS])
    before = state(store, p)
    previous = b.set_structural_cells(
        store,
        p,
        [
            b.StructuralCell(" Siège ", 2018, 40_000_01),
            b.StructuralCell("Direction", 2018, 24_000_00),
            b.StructuralCell("Siège", 2020, None),  # emptied
        ],
    )
    assert previous == [
        b.StructuralCell("Siège", 2020, 38_000_00),
        b.StructuralCell("Direction", 2018, None),
        b.StructuralCell("Siège", 2018, 38_000_00),
    ]
    costs = {(s.year, s.label): s.amount_cents for s in b.load_budget(store, p).structural_costs}
    assert costs == {
        (2018, "Siège"): 40_000_01,
        (2018, "Direction"): 24_000_00,
        (2019, "Siège"): 38_000_00,
    }
    totals = b.totals(store, p)[1]
    assert totals.structural_by_year == {2018: 64_000_01, 2019: 38_000_00, 2020: 0}
    assert totals.structural_total == 102_000_01

    b.set_structural_cells(store, p, previous)
    assert state(store, p) == before

    stamp = updated_at(store, p)
    for bad, why in [
        (b.StructuralCell("Siège", 2021, 1), "l'année 2021 est hors de la période du PRAE"),
        (b.StructuralCell(" ", 2019, 1), "le libellé ne peut pas être vide"),
        (b.StructuralCell("Siège", 2019, -1), "montant négatif refusé"),
        (b.StructuralCell("Siège", 2019, MAX_LINE_CENTS + 1), "montant absurde"),
    ]:
        with pytest.raises(ValidationError, match=why):
            b.set_structural_cells(store, p, [b.StructuralCell("Siège", 2018, 1), bad])
        assert state(store, p) == before
        assert updated_at(store, p) == stamp


def _allocation_budget(store, p, actions):
    """Direct charges and ETP on every action and year, awkward structural amounts."""
    a1, a2, a3 = actions
    cells = []
    for k, y in enumerate(YEARS):
        cells += [
            charge(a1, "64", "Poste", y, f"0,{33 + k} × 45 678,91"),
            charge(a2, "64", "Poste", y, "0,2 × 52 000"),
            charge(a2, "62", "Déplacements", y, f"{1_234 + k},57"),
            charge(a3, "64", "Poste", y, "1,17 × 38 000,03"),
            charge(a3, "60", "Achats", y, "7"),
        ]
    b.set_charge_cells(store, cells)
    b.set_structural_cells(
        store,
        p,
        [b.StructuralCell("Siège", y, 62_000_01 + 7 * k) for k, y in enumerate(YEARS)]
        + [b.StructuralCell("Direction", 2019, 1)],
    )


def test_allocation_keys_fully_allocate_structural_costs(prae):
    store, p, actions = prae
    _allocation_budget(store, p, actions)
    manual = {actions[0]: D("33.33"), actions[1]: D("33.33"), actions[2]: D("33.34")}
    for method in ("direct", "etp", "manual", "direct"):
        for y in YEARS:
            b.set_allocation_key(store, p, y, method, manual if method == "manual" else None)
        plan, totals, problems = b.totals(store, p)
        assert {k.method for k in plan.allocation_keys} == {method}
        assert not [x for x in problems if x.code in ("unallocated_structural", "allocation_sum")], method
        for y in YEARS:
            total = totals.structural_by_year[y]
            assert total > 0
            parts = {a: totals.structural_by_action_year[(a, y)] for a in actions}
            assert sum(parts.values()) == total, (method, y)
            assert totals.structural_by_action_year.get((dom.UNASSIGNED, y), 0) == 0
            if method == "manual":
                weights = manual
            elif method == "direct":
                weights = {a: D(totals.direct_by_action_year[(a, y)]) for a in actions}
            else:
                weights = totals.etp_by_action_year
                weights = {a: weights[(a, y)] for a in actions}
            weight_sum = sum(weights.values())
            for a in actions:  # each part within one cent of its exact share
                assert abs(parts[a] - D(total) * weights[a] / weight_sum) <= 1, (method, y, a)
            assert totals.full_by_year[y] == totals.direct_by_year[y] + total
        assert sum(totals.full_by_action_year[(a, y)] for a in actions for y in YEARS) == totals.full_total


def test_manual_allocation_key_must_sum_to_100_and_previous_restores(prae):
    store, p, actions = prae
    _allocation_budget(store, p, actions)
    a1, a2, a3 = actions
    initial = state(store, p)

    assert b.set_allocation_key(store, p, 2019, "etp") == (2019, "direct", None)
    after_etp = state(store, p)
    shares = {a1: D("50.00"), a2: D("25.50"), a3: D("24.50")}
    assert b.set_allocation_key(store, p, 2019, "manual", shares) == (2019, "etp", None)
    after_manual = state(store, p)
    key = next(k for k in b.load_budget(store, p).allocation_keys if k.year == 2019)
    assert key.method == "manual" and dict(key.manual_shares) == shares

    stamp = updated_at(store, p)
    with pytest.raises(ValidationError) as caught:
        b.set_allocation_key(store, p, 2019, "manual", {a1: D("50.00"), a2: D("25.50"), a3: D("24.49")})
    message = str(caught.value)
    assert message.startswith("Clé de répartition des frais de structure 2019 : ")
    assert f"les pourcentages totalisent 99,99{NBSP}% au lieu de 100 %" in message
    with pytest.raises(ValidationError, match="méthode « moitié » inconnue"):
        b.set_allocation_key(store, p, 2019, "moitié")
    with pytest.raises(ValidationError, match="pourcentages par action manquants"):
        b.set_allocation_key(store, p, 2019, "manual")
    with pytest.raises(ValidationError, match="pourcentage avec plus de deux décimales"):
        b.set_allocation_key(store, p, 2019, "manual", {a1: D("50.001"), a2: D("49.999")})
    with pytest.raises(ValidationError, match="hors de la période du PRAE"):
        b.set_allocation_key(store, p, 2021, "etp")
    assert state(store, p) == after_manual
    assert updated_at(store, p) == stamp

    previous = b.set_allocation_key(store, p, 2019, "direct")
    assert previous == (2019, "manual", shares)
    b.set_allocation_key(store, p, *previous)
    assert state(store, p) == after_manual
    b.set_allocation_key(store, p, 2019, "etp")
    assert state(store, p) == after_etp
    b.set_allocation_key(store, p, 2019, "direct")
    assert state(store, p)["totals"] == initial["totals"]


def test_manual_key_refuses_another_praes_action(sqlite_prae, catalogue):
    store, p, (a1, _a2, _a3) = sqlite_prae
    _other, (foreign,) = new_prae(store, catalogue, actions=(3,))
    b.set_charge_cells(store, [charge(a1, "62", "Déplacements", 2018, "100")])
    b.set_structural_cells(store, p, [b.StructuralCell("Siège", 2018, 1_000_00)])
    with pytest.raises(ValidationError):
        b.set_allocation_key(store, p, 2018, "manual", {a1: D(50), foreign: D(50)})


# --------------------------------------------------------------------------- 6. objective shares


def test_objective_shares(prae, catalogue):
    store, p, (a1, _a2, _a3) = prae
    drafting.set_objectives(store, catalogue, a1, {"4.2": None, "1.2": None, "3.1": None})
    b.set_charge_cells(
        store,
        [
            charge(a1, "62", "Déplacements", 2018, "80 000"),
            charge(a1, "62", "Déplacements", 2019, "1 000,01"),
        ],
    )

    def split(year):
        t = b.totals(store, p)[1]
        return {c: t.full_by_objective_year[(c, year)] for c in ("1.2", "3.1", "4.2")}

    equal = {"1.2": 2_667_200, "3.1": 2_666_400, "4.2": 2_666_400}  # 33,34 / 33,33 / 33,33 %
    assert split(2018) == equal
    assert b.load_budget(store, p).actions[0].shares == (D("33.34"), D("33.33"), D("33.33"))

    shares = {"1.2": D("12.50"), "3.1": D("37.50"), "4.2": D("50.00")}
    assert b.set_objective_shares(store, a1, shares) is None  # equal shares before
    info = b.load_budget(store, p).actions[0]
    assert info.objective_codes == ("1.2", "3.1", "4.2")
    assert dict(info.objective_shares) == shares
    assert split(2018) == {"1.2": 1_000_000, "3.1": 3_000_000, "4.2": 4_000_000}
    assert sum(split(2019).values()) == 100_001
    totals = b.totals(store, p)[1]
    assert totals.full_by_axis_year[("1", 2018)] == 1_000_000
    assert totals.full_by_axis_year[("3", 2018)] == 3_000_000
    assert totals.full_by_axis_year[("4", 2018)] == 4_000_000
    with_shares, stamp = state(store, p), updated_at(store, p)

    with pytest.raises(ValidationError) as caught:
        b.set_objective_shares(store, a1, {"1.2": D("12.50"), "3.1": D("37.50"), "4.2": D("49.00")})
    assert f"les pourcentages totalisent 99,00{NBSP}% au lieu de 100 %" in str(caught.value)
    assert "répartition entre objectifs CPO" in str(caught.value)
    with pytest.raises(ValidationError, match="L'action ne sert pas l'objectif 2"):
        b.set_objective_shares(store, a1, {"1.2": D(50), "2": D(50)})
    assert state(store, p) == with_shares
    assert updated_at(store, p) == stamp

    assert b.set_objective_shares(store, a1, None) == shares  # back to equal shares
    assert b.load_budget(store, p).actions[0].objective_shares is None
    assert split(2018) == equal
    b.set_objective_shares(store, a1, shares)  # redo
    assert state(store, p) == with_shares


def test_objective_shares_out_of_range_are_refused(sqlite_prae, catalogue):
    store, p, (a1, _a2, _a3) = sqlite_prae
    drafting.set_objectives(store, catalogue, a1, {"1.2": None, "4.2": None})
    try:
        b.set_objective_shares(store, a1, {"1.2": D(150), "4.2": D(-50)})
    except ValidationError:
        pass
    b.load_budget(store, p)  # the PRAE's budget must stay readable


def test_overlong_charge_label_is_refused_in_french(prae):
    store, _, (a1, _a2, _a3) = prae
    with pytest.raises(ValidationError):
        b.set_charge_cells(store, [charge(a1, "62", "x" * 301, 2018, "100")])


# --------------------------------------------------------------------------- 7. Île-de-France


def test_ile_de_france_digital_plan(any_store, catalogue):
    """Annexe 2 of the PNAE: 366 800 € (60) + 5 500 € (61) + 12 400 € (62) in 2018 = 384 700 €."""
    store = any_store
    p, (action,) = new_prae(store, catalogue, actions=(2,))
    b.set_charge_cells(
        store,
        [
            charge(action, "60", "Équipement numérique des missions locales", 2018, "366 800"),
            charge(action, "61", "Hébergement et maintenance des outils", 2018, "5 500"),
            charge(action, "62", "Formation des professionnels au numérique", 2018, "12 400"),
        ],
    )
    totals = b.totals(store, p)[1]
    assert totals.direct_by_action_year[(action, 2018)] == 384_700_00
    assert totals.direct_by_year == {2018: 384_700_00, 2019: 0, 2020: 0}
    assert format_amount(totals.direct_by_year[2018]) == f"384{NNBSP}700,00{NBSP}€"
    assert totals.direct_by_year_account == {
        (2018, "60"): 366_800_00,
        (2018, "61"): 5_500_00,
        (2018, "62"): 12_400_00,
    }

    drafting.set_objectives(store, catalogue, action, {"1.2": None, "4.2": None})
    totals = b.totals(store, p)[1]
    assert totals.full_by_axis_year[("1", 2018)] == 192_350_00
    assert totals.full_by_axis_year[("4", 2018)] == 192_350_00
    assert totals.full_by_axis_year[("2", 2018)] == totals.full_by_axis_year[("3", 2018)] == 0
    assert totals.full_by_objective_year[("1.2", 2018)] == totals.full_by_objective_year[("4.2", 2018)] == 192_350_00

    f = funder_ids(store, p)
    b.set_financing_cells(
        store,
        [
            b.FinancingCell(action, f["etat"], 2018, 211_585_00, "acquis"),  # 55 %
            b.FinancingCell(action, f["region"], 2018, 173_115_00, "sollicite"),  # 45 %
        ],
    )
    plan, totals, problems = b.totals(store, p)
    assert problems == []
    assert totals.balance_by_action_year[(action, 2018)] == 0
    assert totals.balance_total == 0
    assert totals.funder_share[f["etat"]] == D("55.00")
    assert totals.funder_share[f["region"]] == D("45.00")
    assert str(totals.funder_share[f["etat"]]) == "55.00"
    assert sum(totals.funder_share.values()) == D("100.00")
    assert all(v == 0 for k, v in totals.funder_share.items() if k not in (f["etat"], f["region"]))
    exported = serialize.budget_to_dict(plan, totals)["totals"]
    assert exported["full_total"] == exported["financing_total"] == "384700.00"
    assert exported["balance_total"] == "0.00"


# --------------------------------------------------------------------------- 8. demo PRAE


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_store(request, catalogue):
    """The demo PRAE in a SQLite file (the one `show` reads below) and on a real PostgreSQL."""
    if request.param == "sqlite":
        store = open_store(request.getfixturevalue("demo_file")[1])
        prae_id = request.getfixturevalue("demo_file")[2]
    else:
        store = open_store(url=request.getfixturevalue("pg_url"))
        prae_id = demo.create_demo(store, catalogue)
    yield store, prae_id
    store.close()


def test_demo_budget_is_balanced_and_adds_up(demo_store):
    any_store, prae_id = demo_store
    plan, totals, problems = b.totals(any_store, prae_id)
    assert problems == [], [x.message for x in problems]
    assert dom.validate(plan) == []
    actions = [a.action_id for a in plan.actions]
    years = plan.years
    assert totals.years == years

    assert totals.balance_total == 0
    assert totals.full_total == totals.financing_total > 0
    assert set(totals.balance_by_action_year) == {(a, y) for a in actions for y in years}
    assert set(totals.balance_by_action_year.values()) == {0}
    assert all(totals.balance_by_year[y] == 0 for y in years)
    assert all(totals.full_by_action_year[(a, y)] > 0 for a in actions for y in years)

    per_axis = sum(totals.full_by_axis_year.values())
    per_objective = sum(totals.full_by_objective_year.values())
    per_funder = sum(totals.financing_by_funder.values())
    per_year = sum(totals.full_by_year.values())
    per_action = sum(totals.full_by_action_year.values())
    assert per_axis == per_objective == per_funder == per_year == per_action == totals.full_total
    assert all(k[0] is not dom.UNASSIGNED for k in totals.full_by_axis_year if totals.full_by_axis_year[k])
    assert all(
        k[0] is not dom.UNASSIGNED for k in totals.structural_by_action_year if totals.structural_by_action_year[k]
    )
    for y in years:
        assert sum(totals.full_by_axis_year[(ax, y)] for ax in dom.AXES) == totals.full_by_year[y]
        assert sum(totals.financing_by_funder_year.get((f.id, y), 0) for f in plan.funders) == totals.full_by_year[y]
        assert sum(totals.structural_by_action_year[(a, y)] for a in actions) == totals.structural_by_year[y]
    assert sum(totals.funder_share.values()) == D("100.00")

    # The Île-de-France digital plan sits on PNAE action 2 in 2018.
    action2 = next(a.id for a in praes.get_prae(any_store, prae_id).actions if a.pnae_action == 2)
    for account, _label, cents in demo.DIGITAL_PLAN_2018:
        assert totals.direct_by_action_year_account[(action2, 2018, account)] >= cents
    assert totals.direct_by_action_year_account[(action2, 2018, "60")] == 366_800_00


# --------------------------------------------------------------------------- 9. `pnae-desktop show`


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory, catalogue):
    folder = tmp_path_factory.mktemp("budget-show")
    path = folder / "demo.sqlite"
    store = open_store(path)
    try:
        prae_id = demo.create_demo(store, catalogue)
        plan, totals, problems = b.totals(store, prae_id)
    finally:
        store.close()
    return folder, path, prae_id, plan, totals, problems


def _refuse_float(text):
    raise AssertionError(f"nombre flottant dans le JSON : {text}")


AMOUNT = re.compile(r"^\d+\.\d{2}$")
AMOUNT_KEYS = {
    "amount",
    "annual_cost",
    "direct_total",
    "structural_total",
    "full_total",
    "financing_total",
    "balance_total",
}


def _amounts(value, where="budget"):
    """Every (place, value) under an amount key; fails on any float."""
    assert not isinstance(value, float), where
    if isinstance(value, dict):
        for k, v in value.items():
            if k in AMOUNT_KEYS:
                yield f"{where}.{k}", v
            else:
                yield from _amounts(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _amounts(v, f"{where}[{i}]")


def test_show_json_budget(demo_file):
    folder, path, prae_id, plan, totals, problems = demo_file
    env = dict(os.environ, XDG_DATA_HOME=str(folder / "xdg-data"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pnae_desktop",
            "show",
            "--db",
            str(path),
            "--prae",
            str(prae_id),
            "--format",
            "json",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8")
    data = json.loads(result.stdout.decode("utf-8"), parse_float=_refuse_float)
    budget = data["budget"]
    assert budget["problems"] == [] == problems

    amounts = list(_amounts(budget))
    assert len(amounts) > 500
    for where, value in amounts:
        if where.endswith(".annual_cost") and value is None:
            continue
        assert isinstance(value, str) and AMOUNT.match(value), (where, value)

    expected = json.loads(json.dumps(serialize.budget_to_dict(plan, totals)))
    assert {k: v for k, v in budget.items() if k != "problems"} == expected
    t = budget["totals"]
    assert cents_from_decimal_str(t["direct_total"]) == totals.direct_total
    assert cents_from_decimal_str(t["structural_total"]) == totals.structural_total
    assert cents_from_decimal_str(t["full_total"]) == totals.full_total == totals.financing_total
    assert cents_from_decimal_str(t["financing_total"]) == totals.financing_total
    assert t["balance_total"] == "0.00"
    assert {(r["action_id"], r["year"]): cents_from_decimal_str(r["amount"]) for r in t["full_by_action_year"]} == dict(
        totals.full_by_action_year
    )
    assert sum(cents_from_decimal_str(r["amount"]) for r in t["full_by_axis_year"]) == totals.full_total
    assert sum(cents_from_decimal_str(c["amount"]) for c in budget["charges"]) == totals.direct_total
    assert sum(cents_from_decimal_str(f["amount"]) for f in budget["financing"]) == totals.financing_total
    shares = [D(s["percent"]) for s in t["funder_share"]]
    assert all(isinstance(s["percent"], str) for s in t["funder_share"]) and sum(shares) == D("100.00")
