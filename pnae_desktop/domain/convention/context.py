"""The context: every value a convention quotes (region, parties, period, budget, payments)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Signatory:
    name: str = ""  # "Mme Jeanne Martin"
    function: str = ""  # "présidente", "préfet de la région Île-de-France, préfet de Paris"


@dataclass(frozen=True)
class RegionInfo:
    code: str  # INSEE code, "11"
    name: str  # "Île-de-France"
    overseas: bool = False  # the État's service is then the Dieccte
    tribunal: str = ""  # empty: the model's court for the region's seat
    of: str = ""  # the name after « de »: "de La Réunion", "des Hauts-de-France"; empty: "de la région X"

    @property
    def of_name(self) -> str:
        return self.of or f"de la région {self.name}"


@dataclass(frozen=True)
class ArmlInfo:
    name: str = ""  # "Association régionale des missions locales d'Île-de-France"
    legal_form: str = "association régie par la loi du 1er juillet 1901"
    address: str = ""  # "3 rue X, 75010 Paris"
    siret: str = ""
    project: str = ""  # its statutory project, one sentence, quoted in the préambule
    signatory: Signatory = field(default_factory=Signatory)


@dataclass(frozen=True)
class StateInfo:
    prefect: Signatory = field(default_factory=Signatory)  # the préfet de région
    signatory: Signatory = field(default_factory=Signatory)  # signs by delegation (Direccte)
    service: str = ""  # "Direccte", "Dieccte", "DREETS"…; empty: Direccte / Dieccte


@dataclass(frozen=True)
class StateBudget:
    """Where the État's contribution is charged and who orders and pays it."""

    programme: str = ""  # "102 « Accès et retour à l'emploi »"
    bop: str = ""  # "budget opérationnel de programme régional"
    action: str = ""  # "01 « Amélioration de l'efficacité du service public de l'emploi »"
    ordonnateur: str = ""  # "préfet de la région Hauts-de-France"
    accountant: str = ""  # "directeur régional des finances publiques des Hauts-de-France et du …"


@dataclass(frozen=True)
class CouncilInfo:
    """The Région when it signs the convention with the État."""

    name: str = ""  # "Région Île-de-France", "Collectivité de Corse", "Département de Mayotte (…)"
    signatory: Signatory = field(default_factory=Signatory)
    deliberation: str = ""  # "n° CP 2018-123 de la commission permanente du 24 mai 2018"


_MASCULINE_AUTHORITIES = ("Département", "Conseil")
_SHORT_NAMES = {"Région": "la Région", "Collectivité": "la Collectivité", "Département": "le Département"}


def authority_feminine(name: str) -> bool:
    """ "la Région …", "la Collectivité …", but "le Département de Mayotte"."""
    return name.strip().split(" ", 1)[0] not in _MASCULINE_AUTHORITIES


def authority_short(name: str) -> str:
    """How the convention then calls the authority: "la Région", "la Collectivité", "le Département"."""
    return _SHORT_NAMES.get(name.strip().split(" ", 1)[0], "la Région")


@dataclass(frozen=True)
class Period:
    start_year: int
    end_year: int

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.start_year, self.end_year + 1))


@dataclass(frozen=True)
class Objective:
    """One of the État's objectives (instruction DGEFP/SDPAE/2017/331), from the catalogue."""

    code: str  # "1.2"
    axis: int
    axis_title: str
    text: str  # rich text: first line, then "- " sub-items, then paragraphs


@dataclass(frozen=True)
class AxisCost:
    axis: int
    label: str  # short label for the table, "Axe 1 – Politiques publiques"
    amounts: Mapping[int, int]  # year -> cents


@dataclass(frozen=True)
class Funder:
    key: str  # "state", "region", or any other key ("fse", "departement_75")
    name: str  # "État", "Région Île-de-France"
    party: bool  # signs the convention (its contribution is committed by it)
    amounts: Mapping[int, int]  # year -> cents, from the budget
    kind: str = ""  # the budget's funder kind ("etat", "cotisations_ml", "fonds_europeens"…), "" unknown


# Funder kinds that take no seat on the comité de pilotage: the association's own resources
# (cotisations), contributions in kind, « autres ».
NOT_STEERING = frozenset({"cotisations_ml", "contributions_nature", "autres"})
# Fund categories, represented on the comité by their managing authority.
MANAGED_FUNDS = frozenset({"fonds_europeens"})


@dataclass(frozen=True)
class Instalment:
    label: str  # "Avance", "Solde"
    percent: int  # of the funder's amount for the year
    trigger: str  # "à la notification de la convention"


@dataclass(frozen=True)
class PaymentSchedule:
    funder: str  # Funder.key
    year: int
    instalments: tuple[Instalment, ...]


@dataclass(frozen=True)
class Steering:
    members: tuple[str, ...] = ()
    meetings_per_year: int = 2


@dataclass(frozen=True)
class SignatureInfo:
    place: str = ""
    date: date | None = None
    date_by_hand: bool = False  # leave "le ……" to be dated by hand
    copies: int | None = None  # None: one original per party


@dataclass(frozen=True)
class ConventionContext:
    region: RegionInfo
    period: Period  # the convention's period
    prae_period: Period  # the PRAE's period (the convention must cover it exactly)
    arml: ArmlInfo = field(default_factory=ArmlInfo)
    state: StateInfo = field(default_factory=StateInfo)
    council: CouncilInfo | None = None  # None: signed by the État alone
    state_budget: StateBudget = field(default_factory=StateBudget)
    prae_title: str = ""
    objectives: tuple[Objective, ...] = ()
    axis_costs: tuple[AxisCost, ...] = ()
    funders: tuple[Funder, ...] = ()
    payments: tuple[PaymentSchedule, ...] = ()
    steering: Steering = field(default_factory=Steering)
    signature: SignatureInfo = field(default_factory=SignatureInfo)

    @property
    def joint(self) -> bool:
        return self.council is not None

    def funder(self, key: str) -> Funder | None:
        return next((f for f in self.funders if f.key == key), None)
