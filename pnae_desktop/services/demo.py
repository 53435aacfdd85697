"""A complete, realistic demo PRAE a newcomer can explore."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from pnae_desktop import faults
from pnae_desktop.catalogue import suggestions
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import regional_names
from pnae_desktop.domain.entities import Indicator, Milestone, MissionLocale, NewPrae, Organisation, PraeDetail
from pnae_desktop.domain.money import split_cents
from pnae_desktop.domain.rules import siret_is_valid
from pnae_desktop.services import budget, convention, drafting, praes
from pnae_desktop.store.database import Store

DEFAULT_REGION = "11"  # Île-de-France: the region whose digital plan annexe 2 details

# Fictitious but well-formed SIRETs (Luhn-valid), one per demo region.
_DEMO_SIRET_BASE = "7845120000001"


def demo_siret(region_code: str) -> str:
    """A Luhn-valid 14-digit SIRET built from the region code (fictitious)."""
    stem = (_DEMO_SIRET_BASE[:9] + region_code.zfill(2) + "00")[:13]
    for check in range(10):
        candidate = stem + str(check)
        if siret_is_valid(candidate):
            return candidate
    raise AssertionError("unreachable: one Luhn digit always fits")


STAFF = ("Claire Dubois", "Karim Benali", "Sophie Lefèvre", "Thomas Nguyen", "Nadia Haddad", "Julien Moreau")
MISSIONS_LOCALES = (
    ("Mission locale de la ville", "{seat}", "Mme Anne Roux", "accueil@ml-ville.example.fr"),
    ("Mission locale du bassin nord", "Nord du département", "M. Paul Garnier", "direction@ml-nord.example.fr"),
    ("Mission locale rurale sud", "Sud du département", "Mme Inès Mercier", "contact@ml-sud.example.fr"),
)
QUARTER_STEPS = (
    "Lancement du groupe de travail régional",
    "Point d'étape en comité de pilotage",
    "Bilan annuel et capitalisation",
)

REGIONAL_ACTIONS = (
    (
        "Observatoire régional des parcours des jeunes",
        {
            "contexte": "Les missions locales de la région disposent de données riches dans I-milo, "
            "mais peu d'analyses partagées à l'échelle régionale.",
            "enjeux": "- Produire chaque trimestre un tableau de bord régional partagé avec l'État et la Région ;\n"
            "- outiller les directeurs pour le dialogue de gestion.",
            "description": "1. Définir avec les financeurs les indicateurs suivis.\n"
            "2. Produire et diffuser le tableau de bord trimestriel.\n"
            "3. Présenter une analyse annuelle au comité de pilotage régional.",
            "animation": "ARML – chargée de mission observatoire.",
            "dimension_territoriale": "Régionale.",
        },
    ),
)


def create_demo(store: Store, catalogue: Catalogue, region_code: str = DEFAULT_REGION) -> int:
    """Create the demo PRAE for `region_code` over the edition's period; return its id.
    One transaction: every service called joins it, so a failure or a kill at any step leaves
    no half-created PRAE (the `demo.*` checkpoints of pnae_desktop/faults.py prove it)."""
    region = catalogue.region(region_code)
    with store.transaction():
        prae_id = praes.create_prae(
            store,
            catalogue,
            NewPrae(
                region_code=region.insee_code,
                start_year=catalogue.start_year,
                end_year=catalogue.end_year,
                pnae_actions=tuple(sorted(set(catalogue.priority_action_numbers) | {12, 13})),
                title=f"PRAE {region.name} {catalogue.start_year}-{catalogue.end_year} (démonstration)",
            ),
        )
        faults.checkpoint("demo.after_prae")
        for title, fields in REGIONAL_ACTIONS:
            praes.add_regional_action(store, prae_id, title, **fields)
        faults.checkpoint("demo.after_actions")
        _fill_drafting(store, catalogue, prae_id)
        faults.checkpoint("demo.after_drafting")
        _fill_budget(store, prae_id)
        faults.checkpoint("demo.after_budget")
        convention.fill_demo(store, prae_id, catalogue)
        faults.checkpoint("demo.after_convention")
        from pnae_desktop.services import demo_followup  # imports the FEC reader: the demo only

        demo_followup.fill_followup(store, catalogue, prae_id)
        _fill_organisation(store, prae_id, region.insee_code, region.seat)
        faults.checkpoint("demo.before_commit")
    return prae_id


def _fill_organisation(store: Store, prae_id: int, region_code: str, seat: str) -> None:
    """The regional association's address, SIRET and contacts (fictitious)."""
    org_id = praes.prae_organisation_id(store, prae_id)
    current = praes.organisation(store, org_id)
    praes.save_organisation(
        store,
        Organisation(
            id=org_id,
            name=current.name,
            acronym=current.acronym,
            address=f"12, rue de la République – {seat}",
            siret=demo_siret(region_code),
            representative_name=current.representative_name,
            representative_title=current.representative_title,
            email="contact@arml-demo.fr",
            phone="01 23 45 67 89",
            region_code=region_code,
        ),
    )


def demo_partners(region_code: str, region_name: str, start_year: int) -> str:
    """The fiches' partners in the region's own names: "Dieccte La Réunion, Région Réunion, …"."""
    if not regional_names.known(region_code):
        return f"Services de l'État, Région {region_name}, missions locales de la région"
    found = regional_names.regional_names(region_code, region_name, date(start_year, 1, 1))
    return f"{found.state_service_label}, {found.authority}, missions locales {found.of}"


def _fill_drafting(store: Store, catalogue: Catalogue, prae_id: int) -> None:
    """Give every action a pilot, CPO objectives, indicators with targets and a calendar."""
    detail = praes.get_prae(store, prae_id)
    region = catalogue.region(detail.summary.region_code)
    ml_ids = [
        drafting.save_mission_locale(
            store, prae_id, MissionLocale(None, name, city.format(seat=region.seat), director, contact)
        )[0]
        for name, city, director, contact in MISSIONS_LOCALES
    ]
    years = detail.years
    partners = demo_partners(region.insee_code, region.name, years[0])
    for i, action in enumerate(detail.actions):
        hints = suggestions.for_action(catalogue.key, action.pnae_action)
        drafting.update_action(
            store,
            action.id,
            {
                "pilot": STAFF[i % len(STAFF)],
                "partners": partners,
                "livrables": "- Note de cadrage\n- Bilan annuel présenté au comité de pilotage",
                "territorial_levels": action.territorial_levels or ("regionale",),
                "regional_priority": action.pnae_action is None or i % 3 == 0,
            },
        )
        objectives = hints.objectives or ("1.3", "4.1")
        drafting.set_objectives(store, catalogue, action.id, {code: None for code in objectives})
        indicator_hints = hints.indicators or (
            suggestions.IndicatorSuggestion("Nombre de tableaux de bord régionaux diffusés", "nombre", "arml"),
        )
        indicators = []
        for k, hint in enumerate(indicator_hints[:2]):
            base = Decimal(60 if hint.unit == "pourcentage" else 20 * (k + 1) + 5 * i)
            step = Decimal(5 if hint.unit == "pourcentage" else 10)
            indicators.append(
                Indicator(
                    label=hint.label,
                    unit=hint.unit,
                    source=hint.source,
                    baseline=base,
                    baseline_year=years[0] - 1,
                    targets=tuple((y, base + step * (n + 1)) for n, y in enumerate(years)),
                )
            )
        drafting.set_indicators(store, action.id, indicators)
        milestones = list(action.milestones) + [
            Milestone(year, f"{QUARTER_STEPS[q]} ({region.name})", quarter=q + 2)
            for year in years
            for q in range(len(QUARTER_STEPS))
            if (year + q + i) % 2 == 0
        ]
        drafting.set_milestones(store, action.id, milestones)
        drafting.set_action_missions_locales(store, action.id, ml_ids[: 1 + i % len(ml_ids)])


# Annexe 2 of the PNAE: the Île-de-France digital plan, 2018 (accounts 60, 61, 62 = 384 700 €).
DIGITAL_PLAN_2018 = (
    ("60", "Équipement numérique des missions locales", 366_800_00),
    ("61", "Hébergement et maintenance des outils", 5_500_00),
    ("62", "Formation des professionnels au numérique", 12_400_00),
)
# Share of each action's full cost by funder kind, in percent (sums to 100).
FUNDING_MIX = (("etat", 55), ("region", 25), ("cotisations_ml", 12), ("fonds_europeens", 8))


def _fill_budget(store: Store, prae_id: int) -> None:
    """Charges on every action and year, structural costs shared pro rata, financing that
    balances each action and year to the cent."""
    detail = praes.get_prae(store, prae_id)
    years = detail.years
    cells = []
    for i, action in enumerate(detail.actions):
        for k, year in enumerate(years):
            growth = 100 + 3 * k  # +3 % a year
            etp = Decimal(20 + 10 * (i % 4)) / 100  # 0,2 to 0,5 ETP
            cells += [
                budget.ChargeCell(
                    action.id,
                    "64",
                    "Chargé·e de mission régional·e",
                    year,
                    budget.ChargeValue(etp=etp, annual_cost_cents=52_000_00 * growth // 100),
                ),
                budget.ChargeCell(
                    action.id,
                    "62",
                    "Déplacements, missions et réceptions",
                    year,
                    budget.ChargeValue(amount_cents=(2_400_00 + 300_00 * (i % 3)) * growth // 100),
                ),
                budget.ChargeCell(
                    action.id,
                    "61",
                    "Location de salles pour les groupes de travail",
                    year,
                    budget.ChargeValue(amount_cents=1_200_00 * growth // 100),
                ),
            ]
            if action.pnae_action == 2 and year == 2018:
                cells += [
                    budget.ChargeCell(action.id, acc, label, year, budget.ChargeValue(amount_cents=cents))
                    for acc, label, cents in DIGITAL_PLAN_2018
                ]
    budget.set_charge_cells(store, cells)
    faults.checkpoint("demo.after_charges")
    budget.set_structural_cells(
        store,
        prae_id,
        [
            budget.StructuralCell(
                "Fonctionnement du siège (loyer, fluides, assurances)", year, 38_000_00 + 1_000_00 * n
            )
            for n, year in enumerate(years)
        ]
        + [budget.StructuralCell("Direction et fonctions support", year, 24_000_00) for year in years],
    )
    _fill_financing(store, prae_id, detail)


def _fill_financing(store: Store, prae_id: int, detail: PraeDetail) -> None:
    """Financing that balances each action and year to the cent, split by FUNDING_MIX."""
    years = detail.years
    loaded = budget.load_budget(store, prae_id)
    funders = {f.kind: cast(int, f.id) for f in loaded.funders}  # store ids are ints
    computed = dom.compute(loaded)
    financing = []
    for action in detail.actions:
        for year in years:
            full = computed.full_by_action_year[(action.id, year)]
            parts = split_cents(full, [weight for _, weight in FUNDING_MIX])
            for (kind, _), cents in zip(FUNDING_MIX, parts):
                status = "acquis" if kind in ("etat", "cotisations_ml") else "sollicite"
                financing.append(budget.FinancingCell(action.id, funders[kind], year, cents, status))
    budget.set_financing_cells(store, financing)
