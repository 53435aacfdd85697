"""Chart of accounts and funder kinds: shipped data, validated on load."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from pnae_desktop import paths
from pnae_desktop.errors import UserError

PERSONNEL_ACCOUNT = "64"


SIDES = ("charge", "produit")


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


@cache
def _charge_codes() -> frozenset[str]:
    return frozenset(chart().charge_codes)
