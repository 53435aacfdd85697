"""Budget prévisionnel and plan de financement: model rules, exact totals, French problems."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pnae_desktop.domain.budget import (
    AXES,
    OBJECTIVE_CODES,
    UNASSIGNED,
    ActionBudgetInfo,
    AllocationKey,
    Budget,
    ChargeLine,
    FinancingLine,
    Funder,
    StructuralCost,
    axis_of,
    chart,
    compute,
    default_funders,
    default_objective_shares,
    load_chart,
    validate,
)
from pnae_desktop.domain.money import format_amount, parse_amount
from pnae_desktop.errors import UserError, ValidationError

D = Decimal
YEARS = (2018, 2019, 2020)
FUNDERS = tuple(default_funders())
CHARGE_ACCOUNTS = ("60", "61", "62", "63", "64", "65", "66", "67", "68", "86")


def synthetic_budget(n_actions: int = 40, years: tuple[int, ...] = YEARS, lines: int = 20) -> Budget:
    """A deterministic budget of the given size (bench-friendly): every action×year gets
    `lines` charge lines (a quarter of them personnel typed in ETP), 3 financing lines,
    and every year a structural cost shared pro rata of direct costs."""
    actions = []
    for a in range(1, n_actions + 1):
        codes = tuple(OBJECTIVE_CODES[i % 9] for i in range(a, a + 1 + a % 3))  # 1 to 3
        actions.append(ActionBudgetInfo(a, f"Action {a}", codes))
    charges, financing = [], []
    for a in range(1, n_actions + 1):
        for y in years:
            for i in range(lines):
                n = len(charges) + 1
                if i % 4 == 0:
                    cost = 4_512_345 + a
                    line = ChargeLine(n, a, y, "64", "Poste", etp=D("0.35"), annual_cost_cents=cost)
                else:
                    cents = (a * 7919 + i * 104_729 + y) % 5_000_000
                    line = ChargeLine(n, a, y, CHARGE_ACCOUNTS[i % 10], "Ligne", cents)
                charges.append(line)
            for k, funder in enumerate(FUNDERS[:3]):
                cents = 1_000_000 * (k + 1) + a
                financing.append(FinancingLine(len(financing) + 1, a, y, funder.id, cents, "acquis"))
    return Budget(
        years=years,
        actions=tuple(actions),
        charges=tuple(charges),
        funders=FUNDERS,
        financing=tuple(financing),
        structural_costs=tuple(StructuralCost(y, "Siège", 12_345_679) for y in years),
        allocation_keys=(AllocationKey(years[0], "direct"),),
    )


# --- chart of accounts and funders --------------------------------------------------------


def test_chart_is_the_cerfa_associations_chart():
    c = chart()
    assert c.charge_codes == CHARGE_ACCOUNTS
    assert c.by_code["64"].label == "Charges de personnel"
    assert c.by_code["86"].label == "Emplois des contributions volontaires en nature"
    assert [a.code for a in c.accounts if a.side == "produit"] == [
        "70",
        "74",
        "75",
        "76",
        "77",
        "78",
        "87",
    ]
    assert [s.label for s in c.by_code["74"].sublines] == [
        "État",
        "Région(s)",
        "Département(s)",
        "Intercommunalité(s) – EPCI",
        "Commune(s)",
        "Organismes sociaux",
        "Fonds européens",
        "Agence de services et de paiement (ASP)",
        "Autres établissements publics",
        "Aides privées",
    ]
    assert c.by_code["75"].label == "Autres produits de gestion courante (dont cotisations)"
    assert "74" not in c.resource_lines and "74.etat" in c.resource_lines


@pytest.mark.parametrize(
    "data",
    [
        {
            "accounts": [
                {"code": "64", "label": "P", "side": "charge"},
                {"code": "64", "label": "Q", "side": "charge"},
            ]
        },
        {"accounts": [{"code": "64", "label": "P", "side": "dépense"}]},
        {
            "accounts": [
                {"code": "60", "label": "A", "side": "charge"},
                {"code": "70", "label": "V", "side": "produit"},
            ]
        },
        {"accounts": [{"code": "64", "side": "charge"}]},
    ],
)
def test_a_broken_chart_is_refused_in_french(data):
    with pytest.raises(UserError, match="Plan comptable du budget inutilisable"):
        load_chart(data)


def test_default_funders_in_the_issue_order():
    assert [f.name for f in FUNDERS] == [
        "État",
        "Conseil régional",
        "Conseils départementaux",
        "Communes / EPCI",
        "Cotisations des missions locales",
        "Fonds européens (FSE/IEJ)",
        "Fondations et entreprises",
        "Autres",
        "Contributions volontaires en nature (87)",
    ]
    assert [f.kind for f in FUNDERS][-1] == "contributions_nature"
    assert FUNDERS[-1].resource_line == "87"
    assert FUNDERS[4].resource_line == "75"
    with pytest.raises(ValidationError, match="Financeur « X » : type « banque » inconnu"):
        Funder(99, "X", "banque")


# --- lines ----------------------------------------------------------------------------------


def test_personnel_line_in_etp_times_annual_cost_rounds_half_up():
    line = ChargeLine(1, 1, 2019, "64", "ATR", etp=D("2.45"), annual_cost_cents=4_500_000)
    assert line.cents == 11_025_000 and line.etp_hundredths == 245
    assert ChargeLine(1, 1, 2019, "64", "x", etp=D("0.5"), annual_cost_cents=1).cents == 1
    assert ChargeLine(1, 1, 2019, "64", "x", etp=D("0.33"), annual_cost_cents=10_001).cents == 3300
    assert ChargeLine(1, 1, 2019, "64", "x", etp=1, annual_cost_cents=10_001).cents == 10_001


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"amount_cents": 100, "etp": D(1), "annual_cost_cents": 1}, "pas les deux"),
        ({}, "montant manquant"),
        ({"etp": D(1)}, "coût annuel chargé manquant"),
        ({"annual_cost_cents": 100}, "nombre d'ETP manquant"),
        ({"etp": D("1.234"), "annual_cost_cents": 100}, "plus de deux décimales"),
        ({"etp": D("100.01"), "annual_cost_cents": 100}, "hors de 0 à 100"),
        ({"etp": D("-1"), "annual_cost_cents": 100}, "hors de 0 à 100"),
        ({"amount_cents": -1}, "montant négatif refusé"),
        ({"amount_cents": 10_000_000_001}, "montant absurde"),
        ({"etp": D(100), "annual_cost_cents": 10_000_000_000}, "montant absurde"),
    ],
)
def test_charge_line_refusals_name_the_cell(kwargs, fragment):
    with pytest.raises(ValidationError) as info:
        ChargeLine(1, 1, 2019, "64", "Salaires", **kwargs)
    assert str(info.value).startswith("Cellule « 2019 / 64 Charges de personnel / Salaires » : ")
    assert fragment in str(info.value)


def test_etp_only_on_personnel_and_unknown_accounts_refused():
    with pytest.raises(ValidationError, match="réservée aux charges de personnel"):
        ChargeLine(1, 1, 2019, "60", "x", etp=D(1), annual_cost_cents=100)
    with pytest.raises(ValidationError, match="compte de charges « 74 » inconnu"):
        ChargeLine(1, 1, 2019, "74", "x", 100)


def test_floats_never_enter_the_model():
    with pytest.raises(TypeError):
        ChargeLine(1, 1, 2019, "60", "x", 100.0)
    with pytest.raises(TypeError):
        ChargeLine(1, 1, 2019, "64", "x", etp=0.5, annual_cost_cents=100)
    with pytest.raises(TypeError):
        FinancingLine(1, 1, 2019, "etat", 1.0, "acquis")
    with pytest.raises(TypeError):
        StructuralCost(2019, "Siège", 10.5)
    with pytest.raises(TypeError):
        AllocationKey(2019, "manual", {1: 50.0, 2: 50.0})


def test_other_line_refusals():
    with pytest.raises(ValidationError, match="statut « payé » inconnu"):
        FinancingLine(1, 1, 2019, "etat", 100, "payé")
    with pytest.raises(ValidationError, match="méthode « au pif » inconnue"):
        AllocationKey(2019, "au pif")
    with pytest.raises(ValidationError, match="pourcentages par action manquants"):
        AllocationKey(2019, "manual")
    with pytest.raises(ValidationError, match="objectif CPO « 5 » inconnu"):
        ActionBudgetInfo(1, "A", ("5",))
    with pytest.raises(ValidationError, match="que l'action ne sert pas"):
        ActionBudgetInfo(1, "A", ("1.1",), {"2": D(100)})
    with pytest.raises(ValidationError, match="Une seule clé de répartition par année"):
        Budget(YEARS, allocation_keys=(AllocationKey(2019), AllocationKey(2019, "etp")))


# --- the real Île-de-France 2018 digital plan (annexe 2 of the PNAE) ------------------------


def idf_budget(*extra: ChargeLine) -> Budget:
    # "384 700 € pour 2018 réparti sur 3 postes de charges 366 800 € sur le compte 60,
    #  5 500 € sur le compte 61 et 12 400 € sur le compte 62."
    where = "Île-de-France 2018"
    lines = (
        ChargeLine(1, 1, 2018, "60", "Prestation numérique", parse_amount("366 800", where)),
        ChargeLine(2, 1, 2018, "61", "Services extérieurs", parse_amount("5 500 €", where)),
        ChargeLine(3, 1, 2018, "62", "Autres services extérieurs", parse_amount("12400", where)),
    )
    action = ActionBudgetInfo(1, "Stratégie numérique", ("3.2",))
    return Budget((2018,), (action,), lines + extra, FUNDERS)


def test_ile_de_france_2018_digital_plan():
    totals = compute(idf_budget())
    assert totals.direct_by_action_year_account == {
        (1, 2018, "60"): 36_680_000,
        (1, 2018, "61"): 550_000,
        (1, 2018, "62"): 1_240_000,
    }
    assert totals.direct_by_action_year[(1, 2018)] == 38_470_000
    assert totals.direct_total == totals.full_total == 38_470_000
    assert format_amount(totals.full_total) == "384\u202f700,00\u00a0€"
    assert totals.full_by_axis_year[("3", 2018)] == 38_470_000
    assert totals.full_by_objective_year[("3.2", 2018)] == 38_470_000
    [problem] = validate(idf_budget())
    assert problem.code == "gap"
    assert "il manque 384\u202f700,00\u00a0€ de ressources" in problem.message


def test_ile_de_france_staff_count_in_etp():
    # "2 ETP travaillent sur le sujet (ATR + webmestre) + 30% d'un responsable de pôle et
    #  15 % d'un DG": the source gives no salary, so the annual costs here are illustrative.
    staff = (
        ChargeLine(4, 1, 2018, "64", "ATR et webmestre", etp=D(2), annual_cost_cents=4_000_000),
        ChargeLine(5, 1, 2018, "64", "Responsable de pôle", etp=D("0.30"), annual_cost_cents=6_000_000),
        ChargeLine(6, 1, 2018, "64", "Directeur général", etp=D("0.15"), annual_cost_cents=9_000_000),
    )
    totals = compute(idf_budget(*staff))
    assert totals.etp_by_year[2018] == D("2.45")
    assert totals.etp_by_action_year[(1, 2018)] == D("2.45")
    assert totals.direct_by_action_year_account[(1, 2018, "64")] == 8_000_000 + 1_800_000 + 1_350_000
    assert totals.direct_total == 38_470_000 + 11_150_000


# --- objectives, axes, structural costs, shares ---------------------------------------------


def test_equal_objective_shares_sum_to_100_and_split_the_cost_exactly():
    assert default_objective_shares(("1.1", "1.2", "2")) == {
        "1.1": D("33.34"),
        "1.2": D("33.33"),
        "2": D("33.33"),
    }
    action = ActionBudgetInfo(1, "A", ("1.1", "1.2", "2"))
    totals = compute(Budget((2019,), (action,), (ChargeLine(1, 1, 2019, "60", "x", 10_000),)))
    assert totals.direct_by_objective_year[("1.1", 2019)] == 3334
    assert totals.direct_by_objective_year[("1.2", 2019)] == 3333
    assert totals.direct_by_objective_year[("2", 2019)] == 3333
    assert totals.direct_by_axis_year[("1", 2019)] == 6667
    assert totals.direct_by_axis_year[("2", 2019)] == 3333
    assert axis_of("3.2") == "3" and axis_of("2") == "2"


def test_user_set_objective_shares():
    action = ActionBudgetInfo(1, "A", ("1.1", "4.2"), {"1.1": D("75"), "4.2": D("25")})
    totals = compute(Budget((2019,), (action,), (ChargeLine(1, 1, 2019, "60", "x", 10_001),)))
    assert totals.direct_by_objective_year[("1.1", 2019)] == 7501
    assert totals.direct_by_objective_year[("4.2", 2019)] == 2500


def test_action_without_objective_goes_to_the_unassigned_bucket_and_is_reported():
    budget = Budget((2019,), (ActionBudgetInfo(1, "Sans objectif"),), (ChargeLine(1, 1, 2019, "60", "x", 500),))
    totals = compute(budget)
    assert totals.direct_by_axis_year[(UNASSIGNED, 2019)] == 500
    assert totals.full_by_objective_year[(UNASSIGNED, 2019)] == 500
    codes = [p.code for p in validate(budget)]
    assert codes == ["no_objective", "gap"]


def _two_actions(key: AllocationKey | None, structural: int = 10_000) -> Budget:
    actions = (ActionBudgetInfo(1, "A", ("1.1",)), ActionBudgetInfo(2, "B", ("2",)))
    charges = (
        ChargeLine(1, 1, 2019, "60", "x", 30_000),
        ChargeLine(2, 2, 2019, "60", "y", 10_000),
        ChargeLine(3, 2, 2019, "64", "z", etp=D(1), annual_cost_cents=0),
    )
    return Budget(
        (2019,),
        actions,
        charges,
        FUNDERS,
        structural_costs=(StructuralCost(2019, "Siège", structural),),
        allocation_keys=(key,) if key else (),
    )


@pytest.mark.parametrize(
    "key, expected",
    [
        (None, {1: 7500, 2: 2500}),  # default: pro rata of direct costs
        (AllocationKey(2019, "direct"), {1: 7500, 2: 2500}),
        (AllocationKey(2019, "etp"), {1: 0, 2: 10_000}),
        (AllocationKey(2019, "manual", {1: D("33.33"), 2: D("66.67")}), {1: 3333, 2: 6667}),
    ],
)
def test_structural_allocation_methods(key, expected):
    totals = compute(_two_actions(key))
    for action_id, cents in expected.items():
        assert totals.structural_by_action_year[(action_id, 2019)] == cents
    assert totals.full_by_action_year[(1, 2019)] == 30_000 + expected[1]
    assert totals.full_total == 50_000


def test_unallocatable_structural_cost_is_kept_and_reported():
    budget = Budget(
        (2019,),
        (ActionBudgetInfo(1, "A", ("1.1",)),),
        structural_costs=(StructuralCost(2019, "Siège", 1_000_000),),
        allocation_keys=(AllocationKey(2019, "etp"),),
    )
    totals = compute(budget)
    assert totals.structural_by_action_year[(UNASSIGNED, 2019)] == 1_000_000
    assert totals.full_by_axis_year[(UNASSIGNED, 2019)] == 1_000_000
    assert totals.full_total == 1_000_000 and totals.balance_total == -1_000_000
    [problem] = validate(budget)
    assert problem.message == (
        "Frais de structure 2019 : 10\u202f000,00\u00a0€ non répartis, la clé "
        "« au prorata des ETP » ne donne aucune base cette année-là."
    )


def test_funder_shares_sum_to_exactly_100():
    budget = Budget(
        (2019,),
        (ActionBudgetInfo(1, "A", ("1.1",)),),
        funders=FUNDERS,
        financing=(
            FinancingLine(1, 1, 2019, "etat", 100, "acquis"),
            FinancingLine(2, 1, 2019, "region", 100, "sollicite"),
            FinancingLine(3, 1, 2019, "departement", 100, "a_solliciter"),
        ),
    )
    totals = compute(budget)
    assert [totals.funder_share[f] for f in ("etat", "region", "departement")] == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert sum(totals.funder_share.values()) == D(100)
    assert totals.resources_by_line_year[("74.etat", 2019)] == 100
    assert totals.financing_by_status_year[("a_solliciter", 2019)] == 100


# --- validation ------------------------------------------------------------------------------


def test_validate_reports_every_kind_of_problem_in_french():
    actions = (ActionBudgetInfo(1, "Numérique", ("1.1", "2"), {"1.1": D(50), "2": D(40)}),)
    budget = Budget(
        YEARS,
        actions,
        charges=(
            ChargeLine(1, 1, 2021, "62", "Hébergement", 1000),
            ChargeLine(2, 9, 2019, "60", "Matériel", 200),
        ),
        funders=FUNDERS,
        financing=(FinancingLine(1, 1, 2019, "banque", 500, "acquis"),),
        allocation_keys=(AllocationKey(2019, "manual", {1: D(60), 2: D(30)}),),
    )
    messages = {p.code: p.message for p in reversed(validate(budget))}  # first one per code
    assert messages["outside_years"] == (
        "Cellule « 2021 / 62 Autres services extérieurs / Hébergement » : l'année 2021 est hors "
        "de la période du PRAE (2018–2020)."
    )
    assert messages["unknown_action"] == ("Cellule « 2019 / 60 Achats / Matériel » : action « 9 » inconnue.")
    assert "Clé de répartition des frais de structure 2019 : action « 2 » inconnue." in [
        p.message for p in validate(budget)
    ]
    assert messages["unknown_funder"] == (
        "Financement 2019 (financeur « banque ») : financeur inconnu (5,00\u00a0€ non attribués)."
    )
    assert messages["allocation_sum"] == (
        "Clé de répartition des frais de structure 2019 : les pourcentages totalisent 90,00\u00a0% au lieu de 100 %."
    )
    assert messages["objective_sum"].startswith(
        "Action « Numérique », répartition entre objectifs CPO : les pourcentages totalisent 90,00"
    )
    gaps = [p for p in validate(budget) if p.code == "gap"]
    # 2019: the unknown funder's 5 € still finance action 1, an unbalanced surplus.
    assert {(p.action_id, p.year) for p in gaps} == {(1, 2019), (1, 2021), (9, 2019)}
    # An unknown funder's money still counts, under the unassigned resource line.
    assert compute(budget).resources_by_line_year == {(UNASSIGNED, 2019): 500}


def test_a_balanced_budget_has_no_problem_and_surplus_is_reported():
    charges = (ChargeLine(1, 1, 2019, "60", "x", 10_000),)
    action = (ActionBudgetInfo(1, "A", ("1.1",)),)
    ok = Budget((2019,), action, charges, FUNDERS, (FinancingLine(1, 1, 2019, "etat", 10_000, "acquis"),))
    assert validate(ok) == []
    over = Budget((2019,), action, charges, FUNDERS, (FinancingLine(1, 1, 2019, "etat", 10_001, "acquis"),))
    [p] = validate(over)
    assert "les ressources dépassent les charges de 0,01\u00a0€" in p.message


# --- every total adds up, for random budgets -----------------------------------------------

ids = st.integers(min_value=1, max_value=6)
years_st = st.sampled_from((2017, 2018, 2019, 2020))
pct = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
amount = st.integers(min_value=0, max_value=10**9)
etp = st.decimals(min_value=0, max_value=10, places=2, allow_nan=False, allow_infinity=False)
annual_cost = st.integers(min_value=0, max_value=10**8)


@st.composite
def budgets(draw) -> Budget:
    actions = []
    for action_id in draw(st.lists(ids, unique=True, max_size=5)):
        codes = tuple(draw(st.lists(st.sampled_from(OBJECTIVE_CODES), unique=True, max_size=4)))
        shares = draw(st.none() | st.fixed_dictionaries(dict.fromkeys(codes, pct)))
        actions.append(ActionBudgetInfo(action_id, f"Action {action_id}", codes, shares))
    charges = []
    for i in range(draw(st.integers(0, 25))):
        action_id, year = draw(ids), draw(years_st)
        if draw(st.booleans()):
            charges.append(
                ChargeLine(
                    i,
                    action_id,
                    year,
                    "64",
                    "p",
                    etp=draw(etp),
                    annual_cost_cents=draw(annual_cost),
                )
            )
        else:
            charges.append(ChargeLine(i, action_id, year, draw(st.sampled_from(CHARGE_ACCOUNTS)), "c", draw(amount)))
    funder_ids = [f.id for f in FUNDERS] + ["inconnu"]
    financing = [
        FinancingLine(
            i,
            draw(ids),
            draw(years_st),
            draw(st.sampled_from(funder_ids)),
            draw(amount),
            draw(st.sampled_from(("acquis", "sollicite", "a_solliciter"))),
        )
        for i in range(draw(st.integers(0, 12)))
    ]
    structural = [StructuralCost(draw(years_st), "s", draw(amount)) for _ in range(draw(st.integers(0, 4)))]
    keys = []
    for year in draw(st.lists(years_st, unique=True, max_size=3)):
        method = draw(st.sampled_from(("direct", "etp", "manual")))
        shares = draw(st.dictionaries(ids, pct, max_size=4)) if method == "manual" else None
        keys.append(AllocationKey(year, method, shares))
    return Budget(
        (2018, 2019, 2020),
        tuple(actions),
        tuple(charges),
        FUNDERS,
        tuple(financing),
        tuple(structural),
        tuple(keys),
    )


def _sum_by(mapping: dict, position: int) -> dict:
    out: dict = defaultdict(int)
    for key, cents in mapping.items():
        out[key[position]] += cents
    return dict(out)


@settings(max_examples=120, deadline=None)
@given(budgets())
def test_every_total_adds_up_exactly(budget):
    t = compute(budget)
    direct = sum(c.cents for c in budget.charges)
    structural = sum(s.amount_cents for s in budget.structural_costs)
    financing = sum(f.amount_cents for f in budget.financing)

    assert t.direct_total == direct
    for m in (
        t.direct_by_action_year_account,
        t.direct_by_year_account,
        t.direct_by_action_year,
        t.direct_by_year,
        t.direct_by_axis_year,
        t.direct_by_objective_year,
    ):
        assert sum(m.values()) == direct
    # The structural allocation never loses nor creates a cent, year by year.
    assert t.structural_total == structural == sum(t.structural_by_action_year.values())
    allocated = _sum_by(t.structural_by_action_year, 1)
    assert all(allocated.get(y, 0) == c for y, c in t.structural_by_year.items())
    assert t.full_total == direct + structural
    for m in (t.full_by_action_year, t.full_by_year, t.full_by_axis_year, t.full_by_objective_year):
        assert sum(m.values()) == t.full_total
    for m in (t.direct_by_axis_year, t.full_by_axis_year):
        assert all(axis in AXES or axis is UNASSIGNED for axis, _ in m)
    # Axes are exactly the sum of their objectives, year by year.
    for by_obj, by_axis in (
        (t.direct_by_objective_year, t.direct_by_axis_year),
        (t.full_by_objective_year, t.full_by_axis_year),
    ):
        rolled: dict = defaultdict(int)
        for (code, y), cents in by_obj.items():
            rolled[(axis_of(code) if code else UNASSIGNED, y)] += cents
        assert {k: v for k, v in rolled.items() if v} == {k: v for k, v in by_axis.items() if v}
    # Per year, the action rows add up to the year's column.
    assert {y: c for y, c in _sum_by(t.full_by_action_year, 1).items() if c} == {
        y: c for y, c in t.full_by_year.items() if c
    }

    assert t.financing_total == financing
    for m in (
        t.financing_by_action_year_funder,
        t.financing_by_funder_year,
        t.financing_by_action_year,
        t.financing_by_year,
        t.financing_by_funder,
        t.financing_by_status_year,
        t.resources_by_line_year,
    ):
        assert sum(m.values()) == financing
    if financing:
        assert sum(t.funder_share.values()) == D(100)
        for f, share in t.funder_share.items():
            assert abs(share - D(t.financing_by_funder[f]) * 100 / financing) < D("0.01")
    for y in t.years:
        year_shares = [s for (_, yy), s in t.funder_share_by_year.items() if yy == y]
        assert sum(year_shares) == (D(100) if t.financing_by_year[y] else 0)

    assert t.balance_total == financing - t.full_total
    assert sum(t.balance_by_action_year.values()) == t.balance_total
    assert sum(t.balance_by_year.values()) == t.balance_total
    assert all(isinstance(v, int) for v in t.full_by_action_year.values())
    for problem in validate(budget, t):
        assert problem.message and problem.message[0].isupper()


def test_synthetic_budget_totals():
    budget = synthetic_budget(40, YEARS, 20)
    assert len(budget.charges) == 2400
    t = compute(budget)
    assert t.direct_total == sum(c.cents for c in budget.charges)
    assert t.full_total == t.direct_total + 3 * 12_345_679
    assert sum(t.full_by_axis_year.values()) == t.full_total
    assert (UNASSIGNED, 2018) not in t.full_by_axis_year
    assert t.etp_by_year[2019] == D("0.35") * 5 * 40


def test_pro_rata_shares_sum_to_100_and_follow_direct_costs():
    from decimal import Decimal as D

    from pnae_desktop.domain.budget import (
        ActionBudgetInfo,
        Budget,
        ChargeLine,
        compute,
        pro_rata_shares,
    )

    budget = Budget(
        years=(2018,),
        actions=(ActionBudgetInfo(1, "A"), ActionBudgetInfo(2, "B"), ActionBudgetInfo(3, "C")),
        charges=(ChargeLine(1, 1, 2018, "62", "x", 100_00), ChargeLine(2, 2, 2018, "62", "y", 200_00)),
    )
    shares = pro_rata_shares(budget, compute(budget), 2018)
    assert sum(shares.values()) == D(100)
    assert shares[3] == 0 and shares[2] == D("66.67") and shares[1] == D("33.33")
    empty = Budget(years=(2019,), actions=budget.actions)
    assert sorted(pro_rata_shares(empty, compute(empty), 2019).values()) == [D("33.33"), D("33.33"), D("33.34")]
