"""Suggestions the UI can pre-fill: payment schedules, steering committee, State functions."""

from __future__ import annotations

from pnae_desktop.domain.convention.context import ConventionContext, Instalment, PaymentSchedule, Signatory, StateInfo
from pnae_desktop.domain.convention.render import state_service


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
    """The comité's usual composition: every funder, then the association."""
    service = state_service(context.region.overseas)
    members = [f"le préfet de la région {context.region.name} ou son représentant ({service})"]
    if context.council is not None:
        members.append(f"le président ou la présidente de la {context.council.name} ou son représentant")
    members += [f"un représentant de {f.name}" for f in context.funders if f.key not in ("state", "region")]
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
