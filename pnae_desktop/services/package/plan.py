"""What an import will write, once every rule is checked, and the small helpers the checks share."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.money import cents_from_decimal_str
from pnae_desktop.exports.package import PackageError
from pnae_desktop.services.convention import ConventionSettings


@dataclass
class Plan:
    """Everything to write, checked; rows are built inside the transaction from it."""

    uid: str
    title: str
    region_code: str
    region_name: str
    start_year: int
    end_year: int
    status: str
    edition: str
    organisation: dict
    missions_locales: list[dict]
    actions: list[dict]  # checked values, with their children
    funders: list[tuple[str, str]]
    charges: list[dict]
    financing: list[dict]
    structural_costs: list[tuple[int, str, int]]
    allocation_keys: list[tuple[int, str, list[tuple[int, Decimal]]]]
    settings: ConventionSettings | None  # payments' funders as the package says them ("financeur#N")
    state: cv.ConventionState | None
    followup: dict | None = None  # followup.json (format 2), written through the follow-up services
    versions: list[dict] = field(default_factory=list)  # signed versions to re-create (versions_io)


def refuse(where: str, exc: Exception) -> PackageError:
    """A domain refusal (ValidationError) said at its place in the package."""
    return PackageError(where, str(exc), where.split(",", 1)[0])


def decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def cents(text: str | None) -> int | None:
    return None if text is None else cents_from_decimal_str(text)


def money(text: str) -> int:
    """An amount the schema says is there ("1234.56"), in cents."""
    return cents_from_decimal_str(text)


def number(text: str) -> Decimal:
    """A decimal the schema says is there ("33.33")."""
    return Decimal(text)


def text(value: str | None) -> str:
    return (value or "").strip()


def check_year(year: int, start: int, end: int, where: str, member: str) -> None:
    if not start <= year <= end:
        raise PackageError(where, f"l'année {year} est hors de la période du PRAE ({start}–{end})", member)
