"""Amounts of money in French: in figures ("61 200,00 €") and in words ("soixante et un mille
deux cents euros"), from integer cents. Pure functions: no Qt, no SQL, never a float.

Spelling: traditional (pre-1990) hyphenation, i.e. num2words' cardinal output — hyphens only
between tens and units below one hundred ("quatre-vingt-quatre", "soixante et onze",
"trois cent quatre-vingt-quatre mille sept cents"). It is what French administrative and legal
texts still use, and the 1990 reform ("trois-cent-quatre-vingt-quatre-mille-sept-cents") is
only a permitted alternative. Use this module everywhere so a document never mixes both.

num2words' cardinal words are correct for every case checked in the tests (plural "cents" and
"vingts" only at the end of the number or before "millions"/"milliards", invariable "mille",
"et un"/"et onze" only for 21-71). Its *currency* mode is not fit for a convention, so it is
not used: it says "zéro euros", "dix millions euros" (instead of "dix millions d'euros") and
adds "et zéro centimes". The currency phrase is assembled here instead.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Below one thousand billion euros: "billion" (10^12) is read as "milliard" by too many readers.
MAX_CENTS = 10**14 - 1

_NBSP = "\u00a0"
_NARROW_NBSP = "\u202f"
# A number whose words end with one of these nouns takes "d'euros" ("deux millions d'euros").
_NOUN_ENDING = re.compile(r"(millions?|milliards?)$")


def _check_cents(cents: int) -> int:
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"Montant en centimes attendu (nombre entier), reçu {type(cents).__name__} : {cents!r}.")
    if cents < 0:
        raise ValueError(f"Montant négatif non accepté : {cents} centimes.")
    if cents > MAX_CENTS:
        raise ValueError(f"Montant trop élevé pour être écrit en lettres : {cents} centimes.")
    return cents


def number_in_words(n: int, feminine: bool = False) -> str:
    """A whole number in French words; `feminine` for counts of feminine nouns
    ("une fois", "vingt et une fois")."""
    from num2words import num2words  # imported on first use: keeps start-up light

    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"Nombre entier positif attendu, reçu {n!r}.")
    words: str = num2words(n, lang="fr")
    if feminine:
        words = re.sub(r"(^|[ -])un$", r"\1une", words)
    return words


def amount_in_words(cents: int) -> str:
    """An amount in integer cents in French words, as written in a convention.

    1 → "un centime"; 100 → "un euro"; 123456 → "mille deux cent trente-quatre euros et
    cinquante-six centimes"; 100000000 → "un million d'euros"; 0 → "zéro euro".
    """
    _check_cents(cents)
    euros, centimes = divmod(cents, 100)
    parts = []
    if euros or not centimes:
        words = number_in_words(euros)
        if _NOUN_ENDING.search(words):
            parts.append(f"{words} d'euros")
        else:
            parts.append(f"{words} {'euro' if euros <= 1 else 'euros'}")
    if centimes:
        parts.append(f"{number_in_words(centimes)} {'centime' if centimes == 1 else 'centimes'}")
    return " et ".join(parts)


def format_amount(cents: int) -> str:
    """An amount in figures, French style: "61 200,00 €".

    Babel's French format, with its narrow no-break space (U+202F) between thousands replaced
    by an ordinary no-break space (U+00A0): many PDF and office fonts have no U+202F glyph.
    """
    # start-up: Babel loads its locale data on first use
    from babel.numbers import format_currency

    _check_cents(cents)
    text = format_currency(Decimal(cents).scaleb(-2), "EUR", locale="fr_FR")
    return text.replace(_NARROW_NBSP, _NBSP)


def amount_with_words(cents: int) -> str:
    """Figures then words, as a convention quotes an amount: "61 200,00 € (soixante et un
    mille deux cents euros)"."""
    return f"{format_amount(cents)} ({amount_in_words(cents)})"


def format_percent(tenths: int) -> str:
    """A percentage given in tenths of a percent: 482 → "48,2 %"."""
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth}{_NBSP}%"
