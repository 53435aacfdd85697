"""Suggestions the UI can pre-fill: payment schedules, steering committee, State functions."""

from __future__ import annotations

from pnae_desktop.domain.convention.context import (
    MANAGED_FUNDS,
    NOT_STEERING,
    ConventionContext,
    Instalment,
    PaymentSchedule,
    Signatory,
    StateInfo,
    authority_feminine,
)
from pnae_desktop.domain.convention.render import state_service
from pnae_desktop.domain.regional_names import agree, civility_of


def default_payment_schedules(context: ConventionContext) -> tuple[PaymentSchedule, ...]:
    """An advance of 50 % and a balance of 50 % per year for each signing funder."""
    out = []
    for f in context.funders:
        if not f.party:
            continue
        for i, y in enumerate(context.period.years):
            advance = (
                "à la notification de la convention"
                if i == 0
                else f"avant le 31 mars {y}, sous réserve de la disponibilité des crédits"
            )
            balance = (
                f"après production d'un bilan intermédiaire d'exécution du programme {y}"
                if i == 0
                else f"après production des justificatifs de l'année {y - 1} et d'un bilan intermédiaire {y}"
            )
            out.append(PaymentSchedule(f.key, y, (Instalment("Avance", 50, advance), Instalment("Solde", 50, balance))))
    return tuple(out)


def suggested_steering_members(context: ConventionContext) -> tuple[str, ...]:
    """The comité's usual composition: the signing funders and the funders with a share of the
    cost (never own resources, contributions in kind or « autres »; a fund by its managing
    authority), then the association. Functions agree with the civility of the persons named."""
    service = context.state.service or state_service(context.region.overseas)
    prefect = context.state.prefect
    title = prefect.function.split(",")[0].strip() or "préfet de région"
    members = [f"{agree('le ' + title, civility_of(prefect.name))} ou son représentant ({service})"]
    council = context.council
    if council is not None:
        the_name = f"{'la' if authority_feminine(council.name) else 'le'} {council.name}"
        civility = civility_of(council.signatory.name)
        if civility and council.signatory.function.strip():
            function = agree("le " + council.signatory.function.strip(), civility)
            members.append(f"{function} ou son représentant ({council.name})")
        else:
            members.append(f"le président ou la présidente de {the_name} ou son représentant")
    for f in context.funders:
        if f.key == "state" or (f.key == "region" and council is not None) or f.kind in NOT_STEERING:
            continue
        if not f.party and not any(f.amounts.values()):
            continue
        if f.kind in MANAGED_FUNDS:
            members.append(f"un représentant de l'autorité de gestion de « {f.name} »")
        else:
            members.append(f"un représentant de « {f.name} »")
    members.append("le président ou la présidente de l'association ou son représentant")
    return tuple(members)


def suggested_state_functions(region_name: str, overseas: bool) -> StateInfo:
    """The usual functions for the État's party, names left to fill."""
    if overseas:
        director = "directeur des entreprises, de la concurrence, de la consommation, du travail et de l'emploi"
    else:
        director = (
            "directeur régional des entreprises, de la concurrence, de la consommation, du travail et de l'emploi"
        )
    return StateInfo(Signatory("", f"préfet de la région {region_name}"), Signatory("", director))
