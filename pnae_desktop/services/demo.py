"""A complete, realistic demo PRAE a newcomer can explore."""

from __future__ import annotations

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain.entities import NewPrae, Organisation
from pnae_desktop.services import praes
from pnae_desktop.store.database import Store

DEFAULT_REGION = "11"  # Île-de-France: the region whose digital plan annexe 2 details

# Fictitious but well-formed SIRETs (Luhn-valid), one per demo region.
_DEMO_SIRET_BASE = "7845120000001"


def demo_siret(region_code: str) -> str:
    """A Luhn-valid 14-digit SIRET built from the region code (fictitious)."""
    from pnae_desktop.domain.rules import siret_is_valid

    stem = (_DEMO_SIRET_BASE[:9] + region_code.zfill(2) + "00")[:13]
    for check in range(10):
        candidate = stem + str(check)
        if siret_is_valid(candidate):
            return candidate
    raise AssertionError("unreachable: one Luhn digit always fits")


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
    """Create the demo PRAE for `region_code` over the edition's period; return its id."""
    region = catalogue.region(region_code)
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
    for title, fields in REGIONAL_ACTIONS:
        praes.add_regional_action(store, prae_id, title, **fields)
    org_id = praes.prae_organisation_id(store, prae_id)
    current = praes.organisation(store, org_id)
    praes.save_organisation(
        store,
        Organisation(
            id=org_id,
            name=current.name,
            acronym=current.acronym,
            address=f"12, rue de la République – {region.seat}",
            siret=demo_siret(region.insee_code),
            representative_name=current.representative_name,
            representative_title=current.representative_title,
            email="contact@arml-demo.fr",
            phone="01 23 45 67 89",
            region_code=region.insee_code,
        ),
    )
    return prae_id
