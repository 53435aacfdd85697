"""Exact money: integer cents in, French text out. No binary floats anywhere.

Amounts live as `int` cents; percentages as `Decimal` with at most 2 decimals. Parsing
messages are French and start with `where`, the place the user typed into (for example
`cell("2019", "64 Charges de personnel", "Salaires")`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from typing import cast

from babel.numbers import format_currency, format_decimal, format_percent

from pnae_desktop.errors import ValidationError

LOCALE = "fr_FR"
MAX_LINE_CENTS = 100_000_000 * 100  # above this a single line is a typing slip
HUNDRED_PERCENT = Decimal(100)
# The longest number text worth reading: "100 000 000,00 €" with every kind of space is far shorter.
MAX_NUMBER_TEXT = 64

# Users paste from Excel, LibreOffice and Babel output: accept every usual space.
_SPACES = re.compile(r"[ \u00a0\u202f\u2009]+")
# ASCII digits only: int() would also take other scripts' digits.
_NUMBER = re.compile(r"(?P<int>\d{1,3}(?: \d{3})+|\d+)(?:[.,](?P<dec>\d+))?", re.ASCII)
_MINUS = ("-", "\u2212")
_CENTS_STR = re.compile(r"(?P<neg>-?)(?P<int>\d+)(?:\.(?P<dec>\d{1,2}))?", re.ASCII)


def cell(*parts: object) -> str:
    """The usual `where` for a grid cell: Cellule « 2019 / 64 Charges de personnel / Salaires »."""
    return "Cellule « " + " / ".join(str(p) for p in parts) + " »"


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass; a float here means a binary float leaked into money.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be int cents, not {type(value).__name__}")
    return value


def _require_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError(f"{what} must be Decimal or int, not {type(value).__name__}")
    return Decimal(value)


def _split_number(text: str, where: str, noun: str, unit: tuple[str, ...], example: str) -> tuple[bool, str, str]:
    """(negative, integer digits, decimal digits) of a French or dotted number, or refuse it."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, not {type(text).__name__}")
    shown = text.strip()
    if len(shown) > MAX_NUMBER_TEXT:  # before any regex or int(): int() refuses 4 301+ digits
        raise ValidationError(f"{where} : {noun} trop long ({MAX_NUMBER_TEXT} caractères au plus).", where)
    s = _SPACES.sub(" ", shown)
    for suffix in unit:
        if s.lower().endswith(suffix):
            s = s[: -len(suffix)].rstrip()
            break
    if not s:
        raise ValidationError(f"{where} : {noun} vide.", where)
    negative = s.startswith(_MINUS)
    if negative:
        s = s[1:].lstrip()
    m = _NUMBER.fullmatch(s)
    if m is None:
        raise ValidationError(f"{where} : « {shown} » n'est pas un {noun} reconnu (exemple : {example}).", where)
    dec = m.group("dec") or ""
    if len(dec) > 2:
        raise ValidationError(
            f"{where} : « {shown} » a plus de deux chiffres après la virgule (exemple : {example}).",
            where,
        )
    return negative, m.group("int").replace(" ", ""), dec.ljust(2, "0")


def parse_amount(text: str, where: str) -> int:
    """French or dotted amount text → int cents ≥ 0; ValidationError naming `where` otherwise."""
    negative, whole, dec = _split_number(text, where, "montant", ("€", "eur"), "1 234,56")
    whole = whole.lstrip("0") or "0"
    if len(whole) > len(str(MAX_LINE_CENTS // 100)):  # refused before int(), at any length
        raise ValidationError(
            f"{where} : montant absurde (plus de {format_amount(MAX_LINE_CENTS)} sur une ligne).",
            where,
        )
    cents = int(whole) * 100 + int(dec)
    if negative and cents:
        raise ValidationError(f"{where} : montant négatif refusé.", where)
    if cents > MAX_LINE_CENTS:
        raise ValidationError(
            f"{where} : montant absurde (plus de {format_amount(MAX_LINE_CENTS)} sur une ligne).",
            where,
        )
    return cents


def format_amount(cents: int, *, symbol: bool = True) -> str:
    """int cents → "1 234,56 €" exactly as Babel's fr_FR writes it (U+202F groups, U+00A0 €)."""
    # Type check before the cache: 1.0 and 1 are the same cache key.
    return _format_amount(_require_int(cents, "cents"), symbol)


@lru_cache(maxsize=8192)  # Babel takes ~50 µs a call; exports format the same totals often
def _format_amount(cents: int, symbol: bool) -> str:
    value = Decimal(cents).scaleb(-2)
    if symbol:
        return format_currency(value, "EUR", locale=LOCALE)
    return format_decimal(value, format="#,##0.00", locale=LOCALE)


def cents_to_decimal(cents: int) -> Decimal:
    """Exact Decimal euros, e.g. for a spreadsheet cell."""
    return Decimal(_require_int(cents, "cents")).scaleb(-2)


def cents_to_decimal_str(cents: int) -> str:
    """int cents → "1234.56" (exact, for JSON)."""
    _require_int(cents, "cents")
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}.{rest:02d}"


def cents_from_decimal_str(text: str) -> int:
    """Inverse of cents_to_decimal_str, for reading JSON back; strict."""
    m = _CENTS_STR.fullmatch(text) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"not a decimal amount string: {text!r}")
    cents = int(m.group("int")) * 100 + int((m.group("dec") or "").ljust(2, "0"))
    return -cents if m.group("neg") else cents


def parse_percentage(text: str, where: str) -> Decimal:
    """ "33,33", "33.33 %" → Decimal("33.33"); 0..100 with at most two decimals."""
    negative, whole, dec = _split_number(text, where, "pourcentage", ("%",), "33,33")
    value = Decimal(f"{whole}.{dec}")
    if negative and value:
        raise ValidationError(f"{where} : pourcentage négatif refusé.", where)
    if value > HUNDRED_PERCENT:
        raise ValidationError(f"{where} : un pourcentage ne peut pas dépasser 100 %.", where)
    return value


def format_percentage(value: Decimal) -> str:
    """Decimal("33.33") → "33,33 %" (Babel fr_FR, U+00A0 before %)."""
    value = _require_decimal(value, "percentage")
    return format_percent(value / 100, format="#,##0.00\u00a0%", locale=LOCALE)


def check_percentages_sum(values: list[Decimal], where: str) -> None:
    """Refuse a split whose percentages do not add up to exactly 100."""
    total = sum((_require_decimal(v, "percentage") for v in values), Decimal(0))
    if total != HUNDRED_PERCENT:
        raise ValidationError(
            f"{where} : les pourcentages totalisent {format_percentage(total)} au lieu de 100 %.",
            where,
        )


def _integer_weights(weights: Sequence[Decimal | int]) -> list[int]:
    """Scale Decimal weights to integers with the same ratios (exactly)."""
    if all(type(w) is int and w >= 0 for w in weights):  # fast path: cents, hundredths
        return cast("list[int]", weights if isinstance(weights, list) else list(weights))  # all int: checked above
    decimals = [_require_decimal(w, "weight") for w in weights]
    if any(w < 0 for w in decimals):
        raise ValueError("weights must be non-negative")
    exponent = min((d.as_tuple().exponent for d in decimals), default=0)
    shift = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return [int(d.scaleb(shift)) for d in decimals]


def split_cents(total_cents: int, weights: Sequence[Decimal | int]) -> list[int]:
    """Split `total_cents` pro rata `weights`; the parts always add up to the total.

    Each part is the exact share rounded half-up to the cent; the few cents this leaves
    short go to the largest rounding remainders, the cents over come back from the
    smallest; ties always favour the earlier index, so equal weights give non-increasing
    parts (10 000 over 3 → 3 334, 3 333, 3 333). Every part stays within one cent of its
    exact share.
    """
    _require_int(total_cents, "total_cents")
    if total_cents < 0:  # sign-symmetric, so a negative balance splits like a cost
        return [-p for p in split_cents(-total_cents, weights)]
    ints = _integer_weights(weights)
    weight_sum = sum(ints)
    if weight_sum == 0:
        raise ValueError("cannot split over weights that are all zero")
    double_sum = 2 * weight_sum
    parts = [(2 * total_cents * w + weight_sum) // double_sum for w in ints]  # half-up
    left = total_cents - sum(parts)
    if left:
        # (exact share − part) × weight_sum, kept integral to compare remainders exactly.
        rem = [total_cents * w - p * weight_sum for w, p in zip(ints, parts)]
        indexes = range(len(parts))
        if left > 0:  # short: the largest remainders get a cent, earlier index on ties
            for i in sorted(indexes, key=lambda i: (-rem[i], i))[:left]:
                parts[i] += 1
        else:  # over: the smallest remainders give one back, later index on ties
            for i in sorted(indexes, key=lambda i: (rem[i], -i))[:-left]:
                parts[i] -= 1
    return parts
