"""Budget prévisionnel and plan de financement of a PRAE: the model and every derived total.

Pure functions over frozen dataclasses. Amounts are int cents, ETP and percentages are
Decimal with at most two decimals. Totals are accumulated in dicts in one pass per kind
of line, and every split goes through `split_cents`, so all totals add up to the cent.
Money that cannot be placed (no objective, no allocation base, unknown funder) lands in
the UNASSIGNED bucket (key None) instead of being dropped.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from babel.numbers import format_decimal

from pnae_desktop import paths
from pnae_desktop.domain.money import (
    LOCALE,
    MAX_LINE_CENTS,
    cell,
    check_percentages_sum,
    format_amount,
    split_cents,
)
from pnae_desktop.errors import UserError, ValidationError

Id = Hashable  # store ids are ints, default funders use their kind as id
UNASSIGNED = None  # bucket key for money with no action, objective, axis or funder line

OBJECTIVE_CODES = ("1.1", "1.2", "1.3", "2", "3.1", "3.2", "3.3", "4.1", "4.2")
AXES = ("1", "2", "3", "4")
PERSONNEL_ACCOUNT = "64"
MAX_ETP = Decimal(100)
FINANCING_STATUSES = {"acquis": "Acquis", "sollicite": "Sollicité", "a_solliciter": "À solliciter"}
ALLOCATION_METHODS = {
    "direct": "au prorata des charges directes",
    "etp": "au prorata des ETP",
    "manual": "selon une clé manuelle",
}
SIDES = ("charge", "produit")


def axis_of(objective_code: str) -> str:
    """CPO axis of an objective: "3.2" → "3", "2" → "2"."""
    return objective_code.split(".", 1)[0]


# --- Chart of accounts and funder kinds (shipped data, validated on load) -----------------


@dataclass(frozen=True)
class Account:
    code: str  # "64", or "74.etat" for a sub-line of 74
    label: str
    side: str  # "charge" | "produit"
    sublines: tuple[Account, ...] = ()

    @property
    def title(self) -> str:
        return self.label if "." in self.code else f"{self.code} {self.label}"


@dataclass(frozen=True)
class Chart:
    accounts: tuple[Account, ...]
    by_code: Mapping[str, Account]  # accounts and sub-lines

    @property
    def charge_codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.accounts if a.side == "charge")

    @property
    def resource_lines(self) -> tuple[str, ...]:
        """Leaf resource lines (74 is replaced by its sub-lines), in chart order."""
        out: list[str] = []
        for a in self.accounts:
            if a.side == "produit":
                out.extend([s.code for s in a.sublines] or [a.code])
        return tuple(out)


@dataclass(frozen=True)
class FunderKind:
    kind: str
    name: str  # default French name
    resource_line: str  # leaf resource line of the chart, e.g. "74.etat"


def _read_json(name: str) -> Any:
    return json.loads((paths.resources() / "budget" / name).read_text(encoding="utf-8"))


def load_chart(data: Mapping[str, Any]) -> Chart:
    """Build and check a chart of accounts; UserError (French) if the file is unusable."""

    def bad(why: str) -> UserError:
        return UserError(f"Plan comptable du budget inutilisable : {why}.")

    def account(raw: Mapping[str, Any], side: str | None) -> Account:
        code, label = raw.get("code"), raw.get("label")
        side = side or raw.get("side")
        if not isinstance(code, str) or not code or not isinstance(label, str) or not label:
            raise bad(f"compte sans code ou sans libellé ({raw!r})")
        if side not in SIDES:
            raise bad(f"compte {code} : côté « {side} » inconnu")
        subs = tuple(account(s, side) for s in raw.get("sublines", ()))
        return Account(code, label, side, subs)

    accounts = tuple(account(a, None) for a in data.get("accounts", ()))
    by_code: dict[str, Account] = {}
    for a in accounts:
        for item in (a, *a.sublines):
            if item.code in by_code:
                raise bad(f"code {item.code} en double")
            by_code[item.code] = item
    chart = Chart(accounts, by_code)
    if PERSONNEL_ACCOUNT not in chart.charge_codes or not chart.resource_lines:
        raise bad("il faut des comptes de charges (dont 64) et de produits")
    return chart


@cache
def chart() -> Chart:
    """The shipped associations' chart (CERFA « budget prévisionnel »)."""
    return load_chart(_read_json("chart_of_accounts.json"))


@cache
def funder_kinds() -> tuple[FunderKind, ...]:
    """Funder kinds in the CPO's order, each tied to a resource line of the chart."""
    leaves = chart().resource_lines
    kinds = tuple(FunderKind(**k) for k in _read_json("funder_kinds.json")["kinds"])
    for k in kinds:
        if k.resource_line not in leaves:
            raise UserError(f"Type de financeur « {k.kind} » : ligne de ressources inconnue.")
    return kinds


@cache
def _kind_map() -> dict[str, FunderKind]:
    return {k.kind: k for k in funder_kinds()}


# --- Input model ------------------------------------------------------------------------


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


@cache
def _charge_codes() -> frozenset[str]:
    return frozenset(chart().charge_codes)


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

    @property
    def place(self) -> str:
        return f"Action « {self.title} »"

    def __post_init__(self) -> None:
        codes = self.objective_codes
        for code in codes:
            if code not in OBJECTIVE_CODES:
                raise self.refuse(f"objectif CPO « {code} » inconnu")
        if len(set(codes)) != len(codes):
            raise self.refuse("objectif CPO en double")
        for code, value in (self.objective_shares or {}).items():
            if code not in codes:
                raise self.refuse(f"part pour l'objectif « {code} » que l'action ne sert pas")
            _check_hundredths(value, self, "pourcentage", Decimal(100))

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

    def __post_init__(self) -> None:
        if len({k.year for k in self.allocation_keys}) != len(self.allocation_keys):
            raise ValidationError("Une seule clé de répartition par année.", "allocation_keys")
        if len({a.action_id for a in self.actions}) != len(self.actions):
            raise ValidationError("Action en double dans le budget.", "actions")


# --- Totals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetTotals:
    """Every derived total, in int cents unless said otherwise.

    Maps by action×year, year, axis×year and objective×year are dense over the actions,
    years, axes and objectives (zeros included), maps by funder over the funders; the
    others hold only the keys found in the lines. Years outside the PRAE and unknown ids
    keep their own keys, and UNASSIGNED (None) collects what has no action, objective or
    resource line, so every map adds up to its grand total.
    """

    years: tuple[int, ...]  # PRAE years plus any year found on a line, sorted
    direct_by_action_year_account: dict[tuple[Id, int, str], int]
    direct_by_year_account: dict[tuple[int, str], int]
    direct_by_action_year: dict[tuple[Id, int], int]
    direct_by_year: dict[int, int]
    etp_by_action_year: dict[tuple[Id, int], Decimal]
    etp_by_year: dict[int, Decimal]
    structural_by_year: dict[int, int]
    structural_by_action_year: dict[tuple[Id | None, int], int]  # None: not allocatable
    full_by_action_year: dict[tuple[Id | None, int], int]
    full_by_year: dict[int, int]
    direct_by_axis_year: dict[tuple[str | None, int], int]
    full_by_axis_year: dict[tuple[str | None, int], int]
    direct_by_objective_year: dict[tuple[str | None, int], int]
    full_by_objective_year: dict[tuple[str | None, int], int]
    financing_by_action_year_funder: dict[tuple[Id, int, Id], int]
    financing_by_funder_year: dict[tuple[Id, int], int]
    financing_by_action_year: dict[tuple[Id, int], int]
    financing_by_year: dict[int, int]
    financing_by_funder: dict[Id, int]
    financing_by_status_year: dict[tuple[str, int], int]
    resources_by_line_year: dict[tuple[str | None, int], int]  # None: unknown funder
    funder_share: dict[Id, Decimal]  # % of all financing, sums to 100.00 exactly
    funder_share_by_year: dict[tuple[Id, int], Decimal]  # per year, each sums to 100.00
    balance_by_action_year: dict[tuple[Id | None, int], int]  # resources − full charges
    balance_by_year: dict[int, int]
    direct_total: int
    structural_total: int
    full_total: int
    financing_total: int
    balance_total: int


def _ordered(known: list[Id], *extra_sources: Any) -> list[Id]:
    """Known ids first, then ids only found in the data, in first-seen order."""
    out = dict.fromkeys(known)
    for source in extra_sources:
        out.update(dict.fromkeys(source))
    return list(out)


def _allocation_weights(
    key: AllocationKey, year: int, action_ids: list[Id], direct_ay: dict, etp_ay: dict
) -> tuple[list[Id], list[int | Decimal]]:
    if key.method == "manual":
        shares = key.manual_shares or {}
        return list(shares), list(shares.values())
    base = direct_ay if key.method == "direct" else etp_ay
    return action_ids, [base.get((a, year), 0) for a in action_ids]


def _percent_shares(amounts: list[int]) -> list[Decimal]:
    """Shares in % (2 decimals) of the amounts, summing to exactly 100.00."""
    return [Decimal(p).scaleb(-2) for p in split_cents(10000, amounts)]


def _by_objective(
    actions: Mapping[Id, ActionBudgetInfo], direct_ay: dict, full_ay: dict, years: tuple[int, ...]
) -> tuple[dict, dict, dict, dict]:
    """Split each action's direct and full cost over its objectives, and sum them per axis.

    Returns (direct by objective, direct by axis, full by objective, full by axis), keyed
    (code or axis, year); actions without objective go to (UNASSIGNED, year).
    """
    d_obj = {(c, y): 0 for c in OBJECTIVE_CODES for y in years}
    d_axis = {(a, y): 0 for a in AXES for y in years}
    f_obj, f_axis = dict(d_obj), dict(d_axis)
    # Per action: objective and axis of each share, and int-hundredth weights.
    plans = {}
    for a_id, info in actions.items():
        weights = [int(s * 100) for s in info.shares]
        if any(weights):
            plans[a_id] = ([(c, axis_of(c)) for c in info.objective_codes], weights)
    for (action_id, year), full in full_ay.items():  # full_ay's keys include direct_ay's
        direct = direct_ay.get((action_id, year), 0)
        plan = plans.get(action_id)
        if plan is None:  # no objective: kept, reported as unassigned
            for target, cents in ((d_obj, direct), (d_axis, direct), (f_obj, full), (f_axis, full)):
                if cents:  # the bucket only appears when it holds money
                    target[(UNASSIGNED, year)] = target.get((UNASSIGNED, year), 0) + cents
            continue
        targets, weights = plan
        if len(weights) == 1:
            d_parts, f_parts = (direct,), (full,)
        else:
            d_parts, f_parts = split_cents(direct, weights), split_cents(full, weights)
        for (code, axis), d, f in zip(targets, d_parts, f_parts):
            d_obj[(code, year)] += d
            d_axis[(axis, year)] += d
            f_obj[(code, year)] += f
            f_axis[(axis, year)] += f
    return d_obj, d_axis, f_obj, f_axis


def compute(budget: Budget) -> BudgetTotals:
    """All totals of a budget, exact to the cent, in time linear in the number of lines."""
    # Direct charges and ETP: the one pass over the (many) charge lines, kept tight.
    by_aya: dict[tuple[Id, int, str], int] = {}
    etp_h: dict[tuple[Id, int], int] = {}
    get = by_aya.get
    for line in budget.charges:
        key = (line.action_id, line.year, line.account)
        by_aya[key] = get(key, 0) + line.cents
        if line.etp_hundredths:
            ay = (line.action_id, line.year)
            etp_h[ay] = etp_h.get(ay, 0) + line.etp_hundredths

    line_years = {y for _, y, _ in by_aya} | {f.year for f in budget.financing}
    line_years |= {s.year for s in budget.structural_costs}
    years = tuple(sorted(set(budget.years) | line_years))
    action_ids = _ordered(
        [a.action_id for a in budget.actions],
        (a for a, _, _ in by_aya),
        (f.action_id for f in budget.financing),
    )
    dense = {(a, y): 0 for a in action_ids for y in years}

    direct_ay, direct_y = dict(dense), dict.fromkeys(years, 0)
    direct_ya: dict[tuple[int, str], int] = {}
    for (a, y, acc), cents in by_aya.items():
        direct_ay[(a, y)] += cents
        direct_ya[(y, acc)] = direct_ya.get((y, acc), 0) + cents
        direct_y[y] += cents

    # Structural costs: split per year by that year's key; unsplittable → None action.
    structural_y = dict.fromkeys(years, 0)
    for s in budget.structural_costs:
        structural_y[s.year] += s.amount_cents
    keys = {k.year: k for k in budget.allocation_keys}
    structural_ay, full_ay = dict(dense), dict(direct_ay)
    for y, total in structural_y.items():
        if not total:
            continue
        key = keys.get(y) or AllocationKey(y)
        ids, weights = _allocation_weights(key, y, action_ids, direct_ay, etp_h)
        if not any(weights):
            ids, parts = [UNASSIGNED], [total]
        else:
            parts = split_cents(total, weights)
        for a, part in zip(ids, parts):
            structural_ay[(a, y)] = structural_ay.get((a, y), 0) + part
            full_ay[(a, y)] = full_ay.get((a, y), 0) + part

    actions = {a.action_id: a for a in budget.actions}
    direct_obj, direct_axis, full_obj, full_axis = _by_objective(actions, direct_ay, full_ay, years)

    # Financing: one pass, then roll-ups of the (small) action×year×funder map.
    by_ayf: dict[tuple[Id, int, Id], int] = {}
    by_status: dict[tuple[str, int], int] = {}
    for f in budget.financing:
        key, cents = (f.action_id, f.year, f.funder_id), f.amount_cents
        by_ayf[key] = by_ayf.get(key, 0) + cents
        by_status[(f.status, f.year)] = by_status.get((f.status, f.year), 0) + cents
    funder_ids = _ordered([f.id for f in budget.funders], (f for _, _, f in by_ayf))
    lines = {f.id: f.resource_line for f in budget.funders}
    fin_fy: dict[tuple[Id, int], int] = {}
    fin_ay, fin_y = dict(dense), dict.fromkeys(years, 0)
    fin_f = dict.fromkeys(funder_ids, 0)
    resources: dict[tuple[str | None, int], int] = {}
    for (a, y, f), cents in by_ayf.items():
        fin_fy[(f, y)] = fin_fy.get((f, y), 0) + cents
        fin_ay[(a, y)] += cents
        fin_y[y] += cents
        fin_f[f] += cents
        line_year = (lines.get(f, UNASSIGNED), y)
        resources[line_year] = resources.get(line_year, 0) + cents

    financing_total = sum(fin_y.values())
    share = dict(zip(funder_ids, _percent_shares(list(fin_f.values())))) if financing_total else {}
    share_y: dict[tuple[Id, int], Decimal] = {}
    for y in years:
        amounts = [fin_fy.get((f, y), 0) for f in funder_ids]
        if any(amounts):
            share_y.update({(f, y): p for f, p in zip(funder_ids, _percent_shares(amounts))})

    balance_ay = {k: fin_ay.get(k, 0) - full_ay.get(k, 0) for k in _ordered([*full_ay, *fin_ay])}
    full_y = {y: direct_y[y] + structural_y[y] for y in years}
    direct_total, structural_total = sum(direct_y.values()), sum(structural_y.values())
    return BudgetTotals(
        years=years,
        direct_by_action_year_account=by_aya,
        direct_by_year_account=direct_ya,
        direct_by_action_year=direct_ay,
        direct_by_year=direct_y,
        etp_by_action_year={k: Decimal(etp_h.get(k, 0)).scaleb(-2) for k in dense | etp_h},
        etp_by_year=_etp_by_year(etp_h, years),
        structural_by_year=structural_y,
        structural_by_action_year=structural_ay,
        full_by_action_year=full_ay,
        full_by_year=full_y,
        direct_by_axis_year=direct_axis,
        full_by_axis_year=full_axis,
        direct_by_objective_year=direct_obj,
        full_by_objective_year=full_obj,
        financing_by_action_year_funder=by_ayf,
        financing_by_funder_year=fin_fy,
        financing_by_action_year=fin_ay,
        financing_by_year=fin_y,
        financing_by_funder=fin_f,
        financing_by_status_year=by_status,
        resources_by_line_year=resources,
        funder_share=share,
        funder_share_by_year=share_y,
        balance_by_action_year=balance_ay,
        balance_by_year={y: fin_y[y] - full_y[y] for y in years},
        direct_total=direct_total,
        structural_total=structural_total,
        full_total=direct_total + structural_total,
        financing_total=financing_total,
        balance_total=financing_total - direct_total - structural_total,
    )


def _etp_by_year(etp_h: dict[tuple[Id, int], int], years: tuple[int, ...]) -> dict[int, Decimal]:
    per_year = dict.fromkeys(years, 0)
    for (_, y), h in etp_h.items():
        per_year[y] += h
    return {y: Decimal(h).scaleb(-2) for y, h in per_year.items()}


# --- Validation -------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """Something to fix before the budget can go into a CPO; `message` is French."""

    code: str  # gap, outside_years, unknown_funder, unknown_action, allocation_sum,
    #            objective_sum, unallocated_structural, no_objective
    message: str
    action_id: Id | None = None
    year: int | None = None


def _period(years: tuple[int, ...]) -> str:
    return f"{min(years)}–{max(years)}" if years else "aucune année"


def validate(budget: Budget, totals: BudgetTotals | None = None) -> list[Problem]:
    """French problems, in a stable order: structure first, then unbalanced actions."""
    if totals is None:
        totals = compute(budget)
    years, period = set(budget.years), _period(budget.years)
    actions = {a.action_id: a for a in budget.actions}
    funders = {f.id for f in budget.funders}
    problems: list[Problem] = []

    def report(code: str, message: str, action_id: Id | None = None, year: int | None = None):
        problems.append(Problem(code, message, action_id, year))

    rows: list[Any] = [*budget.charges, *budget.financing, *budget.structural_costs]
    for row in rows:  # places are built only for rows with a problem (thousands of rows)
        action_id, year = getattr(row, "action_id", None), row.year
        if year not in years:
            outside = f"l'année {year} est hors de la période du PRAE ({period})"
            report("outside_years", f"{row.place} : {outside}.", action_id, year)
        if action_id is not None and action_id not in actions:
            report("unknown_action", f"{row.place} : action « {action_id} » inconnue.", action_id, year)
    for f in budget.financing:
        if f.funder_id not in funders:
            lost = f"{format_amount(f.amount_cents)} non attribués"
            report("unknown_funder", f"{f.place} : financeur inconnu ({lost}).", f.action_id, f.year)

    for key in budget.allocation_keys:
        if key.year not in years:
            outside = f"l'année est hors de la période du PRAE ({period})"
            report("outside_years", f"{key.place} : {outside}.", None, key.year)
        if key.method != "manual":
            continue
        shares = key.manual_shares or {}
        try:
            check_percentages_sum(list(shares.values()), key.place)
        except ValidationError as exc:
            report("allocation_sum", str(exc), None, key.year)
        for action_id in shares:
            if action_id not in actions:
                message = f"{key.place} : action « {action_id} » inconnue."
                report("unknown_action", message, action_id, key.year)

    for a in budget.actions:
        if a.objective_shares is not None and a.objective_codes:
            try:
                check_percentages_sum(list(a.shares), f"{a.place}, répartition entre objectifs CPO")
            except ValidationError as exc:
                report("objective_sum", str(exc), a.action_id)
        cost = sum(totals.full_by_action_year.get((a.action_id, y), 0) for y in totals.years)
        if cost and not any(a.shares):
            message = (
                f"{a.place} : aucun objectif CPO ; son coût ({format_amount(cost)}) est compté comme « non affecté »."
            )
            report("no_objective", message, a.action_id)

    keys = {k.year: k.method for k in budget.allocation_keys}
    for y in totals.years:
        left = totals.structural_by_action_year.get((UNASSIGNED, y), 0)
        if left:
            method = ALLOCATION_METHODS[keys.get(y, "direct")]
            message = (
                f"Frais de structure {y} : {format_amount(left)} non répartis, la clé "
                f"« {method} » ne donne aucune base cette année-là."
            )
            report("unallocated_structural", message, None, y)

    for (action_id, y), balance in totals.balance_by_action_year.items():
        if not balance or action_id is UNASSIGNED:
            continue
        if balance < 0:
            gap = f"il manque {format_amount(-balance)} de ressources"
        else:
            gap = f"les ressources dépassent les charges de {format_amount(balance)}"
        full = format_amount(totals.full_by_action_year.get((action_id, y), 0))
        fin = format_amount(totals.financing_by_action_year.get((action_id, y), 0))
        name = actions[action_id].place if action_id in actions else f"Action « {action_id} »"
        message = f"{name}, {y} : budget non équilibré, {gap} (charges {full}, ressources {fin})."
        report("gap", message, action_id, y)
    return problems


def pro_rata_shares(budget: Budget, totals: BudgetTotals, year: int) -> dict[Id, Decimal]:
    """Percentages per action summing to exactly 100, in proportion to the year's direct costs
    (equal when there are none): where a manual allocation key starts from."""
    ids = [a.action_id for a in budget.actions]
    weights = [totals.direct_by_action_year.get((a, year), 0) for a in ids]
    return dict(zip(ids, _percent_shares(weights if any(weights) else [1] * len(ids))))
