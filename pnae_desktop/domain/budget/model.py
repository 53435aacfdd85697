"""The budget's input model: lines, funders, structural costs, allocation keys, actions."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from pnae_desktop.domain.budget.chart import PERSONNEL_ACCOUNT, _charge_codes, _kind_map, chart, funder_kinds
from pnae_desktop.domain.money import LOCALE, MAX_LINE_CENTS, cell, format_amount, split_cents
from pnae_desktop.errors import UserError, ValidationError

if TYPE_CHECKING:
    from pnae_desktop.catalogue.model import Catalogue

Id = Hashable  # store ids are ints, default funders use their kind as id
UNASSIGNED = None  # bucket key for money with no action, objective, axis or funder line

# The shipped edition's (PNAE 2018-2020) CPO objectives and axes: only the defaults of a budget
# built without a catalogue (tests, tools). A PRAE's budget takes them from its catalogue edition
# (`objective_codes_of`, `axes_of`); a test checks these match the shipped catalogue.
OBJECTIVE_CODES = ("1.1", "1.2", "1.3", "2", "3.1", "3.2", "3.3", "4.1", "4.2")
AXES = ("1", "2", "3", "4")


MAX_ETP = Decimal(100)
FINANCING_STATUSES = {"acquis": "Acquis", "sollicite": "Sollicité", "a_solliciter": "À solliciter"}
ALLOCATION_METHODS = {
    "direct": "au prorata des charges directes",
    "etp": "au prorata des ETP",
    "manual": "selon une clé manuelle",
}


def axis_of(objective_code: str) -> str:
    """CPO axis of an objective: "3.2" → "3", "2" → "2"."""
    return objective_code.split(".", 1)[0]


def objective_codes_of(catalogue: Catalogue) -> tuple[str, ...]:
    """The CPO objective codes of a catalogue edition, in its order. An objective's code starts
    with its axis number ("3.2" in axis 3, "2" alone in axis 2): totals by axis rely on it."""
    for o in catalogue.cpo_objectives:
        if axis_of(o.code) != str(o.axis):
            raise UserError(
                f"Édition « {catalogue.key} » : l'objectif CPO « {o.code} » n'est pas numéroté dans l'axe {o.axis}."
            )
    return tuple(o.code for o in catalogue.cpo_objectives)


def axes_of(catalogue: Catalogue) -> tuple[str, ...]:
    """The CPO axes of a catalogue edition ("1", "2", …), in its order."""
    return tuple(str(a.number) for a in catalogue.cpo_axes)


class _Placed:
    """Input rows name their place in French messages; built only when refusing (speed)."""

    __slots__ = ()

    @property
    def place(self) -> str:
        raise NotImplementedError

    def refuse(self, why: str) -> ValidationError:
        place = self.place
        return ValidationError(f"{place} : {why}.", place)


def _check_cents(value: object, row: _Placed) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"amount must be int cents, not {type(value).__name__}")
    if value < 0:
        raise row.refuse("montant négatif refusé")
    if value > MAX_LINE_CENTS:
        raise row.refuse(f"montant absurde (plus de {format_amount(MAX_LINE_CENTS)} sur une ligne)")
    return value


def _check_hundredths(value: object, row: _Placed, what: str, maximum: Decimal) -> int:
    """A Decimal with ≤ 2 decimals in 0..maximum, returned as an int of hundredths."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{what} must be Decimal, not {type(value).__name__}")
    scaled = Decimal(value) * 100
    if scaled != scaled.to_integral_value():
        raise row.refuse(f"{what} avec plus de deux décimales")
    if not 0 <= value <= maximum:
        raise row.refuse(f"{what} hors de 0 à {maximum}")
    return int(scaled)


def etp_amount_cents(etp_hundredths: int, annual_cost_cents: int) -> int:
    """ETP × coût annuel chargé in cents, rounded half-up (both are ≥ 0): 0.5 ETP at
    52 000,01 € → 26 000,01 € (50 × 5 200 001 = 260 000 050 hundredths of cents)."""
    return (etp_hundredths * annual_cost_cents + 50) // 100


def format_etp(etp: Decimal) -> str:
    return format_decimal(etp, format="#,##0.##", locale=LOCALE)


@dataclass(frozen=True, slots=True)  # slots: faster attribute reads in compute()
class ChargeLine(_Placed):
    """A direct charge of an action; personnel (64) may be typed as ETP × coût annuel chargé."""

    id: Id
    action_id: Id
    year: int
    account: str
    label: str
    amount_cents: int | None = None
    etp: Decimal | None = None
    annual_cost_cents: int | None = None
    # Derived once here so compute() adds plain ints.
    cents: int = field(init=False, repr=False, compare=False)
    etp_hundredths: int = field(init=False, repr=False, compare=False)

    @property
    def place(self) -> str:
        acc = chart().by_code.get(self.account)
        return cell(self.year, acc.title if acc else self.account, self.label or "—")

    def __post_init__(self) -> None:
        if self.account not in _charge_codes():
            raise self.refuse(f"compte de charges « {self.account} » inconnu")
        by_etp = self.etp is not None or self.annual_cost_cents is not None
        if self.amount_cents is not None and by_etp:
            raise self.refuse("saisir soit un montant, soit des ETP et un coût annuel chargé, pas les deux")
        etp_hundredths = 0
        if not by_etp:
            if self.amount_cents is None:
                raise self.refuse("montant manquant")
            cents = _check_cents(self.amount_cents, self)
        else:
            if self.account != PERSONNEL_ACCOUNT:
                raise self.refuse("la saisie en ETP est réservée aux charges de personnel (64)")
            if self.etp is None:
                raise self.refuse("nombre d'ETP manquant")
            if self.annual_cost_cents is None:
                raise self.refuse("coût annuel chargé manquant")
            etp_hundredths = _check_hundredths(self.etp, self, "nombre d'ETP", MAX_ETP)
            cost = _check_cents(self.annual_cost_cents, self)
            cents = etp_amount_cents(etp_hundredths, cost)
            if cents > MAX_LINE_CENTS:
                raise self.refuse(f"montant absurde ({format_amount(cents)})")
        object.__setattr__(self, "cents", cents)
        object.__setattr__(self, "etp_hundredths", etp_hundredths)


@dataclass(frozen=True)
class Funder(_Placed):
    id: Id
    name: str
    kind: str

    @property
    def place(self) -> str:
        return f"Financeur « {self.name} »"

    def __post_init__(self) -> None:
        if self.kind not in _kind_map():
            raise self.refuse(f"type « {self.kind} » inconnu")

    @property
    def resource_line(self) -> str:
        return _kind_map()[self.kind].resource_line


def default_funders() -> list[Funder]:
    """The CPO's usual funders, in order; their kind doubles as id until the store gives one."""
    return [Funder(k.kind, k.name, k.kind) for k in funder_kinds()]


@dataclass(frozen=True, slots=True)  # slots: faster attribute reads in compute()
class FinancingLine(_Placed):
    id: Id
    action_id: Id
    year: int
    funder_id: Id
    amount_cents: int
    status: str  # "acquis" | "sollicite" | "a_solliciter"

    @property
    def place(self) -> str:
        return f"Financement {self.year} (financeur « {self.funder_id} »)"

    def __post_init__(self) -> None:
        _check_cents(self.amount_cents, self)
        if self.status not in FINANCING_STATUSES:
            raise self.refuse(f"statut « {self.status} » inconnu")


@dataclass(frozen=True)
class StructuralCost(_Placed):
    """Fonctionnement / siège cost of a year, shared among actions by the year's key."""

    year: int
    label: str
    amount_cents: int

    @property
    def place(self) -> str:
        return cell(self.year, "Frais de structure", self.label or "—")

    def __post_init__(self) -> None:
        _check_cents(self.amount_cents, self)


@dataclass(frozen=True)
class AllocationKey(_Placed):
    """How a year's structural costs are shared: "direct", "etp" or "manual" percentages."""

    year: int
    method: str = "direct"
    manual_shares: Mapping[Id, Decimal] | None = None  # kept when switching method

    @property
    def place(self) -> str:
        return f"Clé de répartition des frais de structure {self.year}"

    def __post_init__(self) -> None:
        if self.method not in ALLOCATION_METHODS:
            raise self.refuse(f"méthode « {self.method} » inconnue")
        if self.method == "manual" and self.manual_shares is None:
            raise self.refuse("pourcentages par action manquants")
        for value in (self.manual_shares or {}).values():
            _check_hundredths(value, self, "pourcentage", Decimal(100))


def default_objective_shares(codes: tuple[str, ...]) -> dict[str, Decimal]:
    """Equal shares summing to exactly 100: 3 objectives → 33.34 / 33.33 / 33.33."""
    if not codes:
        return {}
    return dict(zip(codes, _percent_shares([1] * len(codes))))


@dataclass(frozen=True)
class ActionBudgetInfo(_Placed):
    """What the budget needs of a PRAE action: its title and the CPO objectives it serves."""

    action_id: Id
    title: str
    objective_codes: tuple[str, ...] = ()
    objective_shares: Mapping[str, Decimal] | None = None  # None → equal shares
    # The edition's objective codes, to refuse an unknown one; None when the caller has already
    # checked the codes against its catalogue. The Budget checks them again against its own.
    known_codes: tuple[str, ...] | None = field(default=OBJECTIVE_CODES, kw_only=True, repr=False, compare=False)

    @property
    def place(self) -> str:
        return f"Action « {self.title} »"

    def __post_init__(self) -> None:
        codes = self.objective_codes
        if self.known_codes is not None:
            self.check_codes(self.known_codes)
        if len(set(codes)) != len(codes):
            raise self.refuse("objectif CPO en double")
        for code, value in (self.objective_shares or {}).items():
            if code not in codes:
                raise self.refuse(f"part pour l'objectif « {code} » que l'action ne sert pas")
            _check_hundredths(value, self, "pourcentage", Decimal(100))

    def check_codes(self, known: tuple[str, ...]) -> None:
        for code in self.objective_codes:
            if code not in known:
                raise self.refuse(f"objectif CPO « {code} » inconnu")

    @property
    def shares(self) -> tuple[Decimal, ...]:
        """Percentages in objective_codes order (missing ones count as 0)."""
        if self.objective_shares is None:
            return tuple(default_objective_shares(self.objective_codes).values())
        return tuple(self.objective_shares.get(c, Decimal(0)) for c in self.objective_codes)


@dataclass(frozen=True)
class Budget:
    """One PRAE's budget: what compute() and validate() read. Lines may be in any order."""

    years: tuple[int, ...]
    actions: tuple[ActionBudgetInfo, ...] = ()
    charges: tuple[ChargeLine, ...] = ()
    funders: tuple[Funder, ...] = ()
    financing: tuple[FinancingLine, ...] = ()
    structural_costs: tuple[StructuralCost, ...] = ()
    allocation_keys: tuple[AllocationKey, ...] = ()
    # The catalogue edition's CPO objectives and axes (`objective_codes_of`, `axes_of`); the
    # shipped edition's when built without a catalogue.
    objective_codes: tuple[str, ...] = OBJECTIVE_CODES
    axes: tuple[str, ...] = AXES

    def __post_init__(self) -> None:
        for action in self.actions:
            action.check_codes(self.objective_codes)
        if len({k.year for k in self.allocation_keys}) != len(self.allocation_keys):
            raise ValidationError("Une seule clé de répartition par année.", "allocation_keys")
        if len({a.action_id for a in self.actions}) != len(self.actions):
            raise ValidationError("Action en double dans le budget.", "actions")


def _percent_shares(amounts: list[int]) -> list[Decimal]:
    """Shares in % (2 decimals) of the amounts, summing to exactly 100.00."""
    return [Decimal(p).scaleb(-2) for p in split_cents(10000, amounts)]
