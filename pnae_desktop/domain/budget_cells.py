"""Values typed in a budget cell, and the cells the budget services write.

Pure value types shared by the budget services (which validate and store them) and the
workbook reader (which proposes them): a charge cell holds an amount, or for personnel
ETP × coût annuel chargé; a financing cell an amount and a status; a structural cell an
amount. `None` as a cell's value means "no line for that year". Money is int cents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import MAX_NUMBER_TEXT, parse_amount
from pnae_desktop.errors import ValidationError


@dataclass(frozen=True)
class ChargeValue:
    """An amount, or for personnel ETP × coût annuel chargé (the amount is then derived)."""

    amount_cents: int | None = None
    etp: Decimal | None = None
    annual_cost_cents: int | None = None


_ETP = re.compile(r"^\s*(?P<etp>[\d\s\u00a0\u202f]+(?:[.,]\d+)?)\s*(?:etp)?\s*[x×*]\s*(?P<cost>.+)$", re.IGNORECASE)


def parse_charge_cell(text: str, where: str, account: str) -> ChargeValue | None:
    """'1 234,56' → amount; '0,5 × 52 000' (personnel only) → ETP × annual cost; '' → None."""
    if not text.strip():
        return None
    if len(text) > 2 * MAX_NUMBER_TEXT:  # before the regex: "ETP × coût" is two numbers at most
        raise ValidationError(f"{where} : saisie trop longue ({2 * MAX_NUMBER_TEXT} caractères au plus).")
    match = _ETP.match(text)
    if match:
        if account != dom.PERSONNEL_ACCOUNT:
            raise ValidationError(f"{where} : la saisie « ETP × coût » est réservée aux charges de personnel (64).")
        etp_cents = parse_amount(match.group("etp"), f"{where}, nombre d'ETP")
        cost = parse_amount(match.group("cost"), f"{where}, coût annuel chargé")
        return ChargeValue(etp=Decimal(etp_cents).scaleb(-2), annual_cost_cents=cost)
    return ChargeValue(amount_cents=parse_amount(text, where))


@dataclass(frozen=True)
class ChargeCell:
    action_id: int
    account: str
    label: str
    year: int
    value: ChargeValue | None  # None: no line for that year


@dataclass(frozen=True)
class FinancingCell:
    action_id: int
    funder_id: int
    year: int
    amount_cents: int | None  # None: no line
    status: str = "sollicite"


@dataclass(frozen=True)
class StructuralCell:
    label: str
    year: int
    amount_cents: int | None
