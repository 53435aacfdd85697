"""Amounts in French words and figures, as a convention quotes them."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pnae_desktop.domain.amount_words import (
    MAX_CENTS,
    amount_in_words,
    amount_with_words,
    format_amount,
    format_percent,
    number_in_words,
)

EUR = 100

# Hand-checked against the traditional (pre-1990) spelling used in legal texts.
HAND_CHECKED = [
    # the cases the issue names
    (80 * EUR, "quatre-vingts euros"),
    (81 * EUR, "quatre-vingt-un euros"),
    (71 * EUR, "soixante et onze euros"),
    (91 * EUR, "quatre-vingt-onze euros"),
    (100 * EUR, "cent euros"),
    (200 * EUR, "deux cents euros"),
    (1_000 * EUR, "mille euros"),
    (1_000_000 * EUR, "un million d'euros"),
    (61_200 * EUR, "soixante et un mille deux cents euros"),
    (384_700 * EUR, "trois cent quatre-vingt-quatre mille sept cents euros"),
    (1 * EUR, "un euro"),
    (1, "un centime"),
    (123_456, "mille deux cent trente-quatre euros et cinquante-six centimes"),
    (2_000_000 * EUR, "deux millions d'euros"),
    (80_000 * EUR, "quatre-vingt mille euros"),
    # more
    (0, "zéro euro"),
    (80, "quatre-vingts centimes"),
    (101, "un euro et un centime"),
    (250, "deux euros et cinquante centimes"),
    (21 * EUR, "vingt et un euros"),
    (70 * EUR, "soixante-dix euros"),
    (77 * EUR, "soixante-dix-sept euros"),
    (90 * EUR, "quatre-vingt-dix euros"),
    (99 * EUR, "quatre-vingt-dix-neuf euros"),
    (101 * EUR, "cent un euros"),
    (180 * EUR, "cent quatre-vingts euros"),
    (201 * EUR, "deux cent un euros"),
    (280 * EUR, "deux cent quatre-vingts euros"),
    (1_001 * EUR, "mille un euros"),
    (1_080 * EUR, "mille quatre-vingts euros"),
    (21_000 * EUR, "vingt et un mille euros"),
    (80_080 * EUR, "quatre-vingt mille quatre-vingts euros"),
    (181_000 * EUR, "cent quatre-vingt-un mille euros"),
    (200_000 * EUR, "deux cent mille euros"),
    (200_200 * EUR, "deux cent mille deux cents euros"),
    (184_500 * EUR, "cent quatre-vingt-quatre mille cinq cents euros"),
    (558_500 * EUR, "cinq cent cinquante-huit mille cinq cents euros"),
    (1_000_001 * EUR, "un million un euros"),
    (1_034_000 * EUR, "un million trente-quatre mille euros"),
    (1_200_000 * EUR, "un million deux cent mille euros"),
    (80_000_000 * EUR, "quatre-vingts millions d'euros"),
    (200_000_000 * EUR, "deux cents millions d'euros"),
    (1_000_000_000 * EUR, "un milliard d'euros"),
    (1_500_000_000 * EUR, "un milliard cinq cents millions d'euros"),
    (2_000_000 * EUR + 1, "deux millions d'euros et un centime"),
    (61_500 * EUR + 50, "soixante et un mille cinq cents euros et cinquante centimes"),
]


@pytest.mark.parametrize(("cents", "words"), HAND_CHECKED)
def test_hand_checked_amounts(cents, words):
    assert amount_in_words(cents) == words


def test_the_table_is_large_enough():
    assert len(HAND_CHECKED) >= 30


def test_num2words_currency_mode_is_not_fit_for_a_convention():
    """Why the currency phrase is built here: num2words' own is wrong for legal writing."""
    from num2words import num2words

    # (an int is read as cents there too)
    assert "millions euros" in num2words(2_000_000 * EUR, lang="fr", to="currency", currency="EUR")
    assert "zéro centimes" in num2words(200 * EUR, lang="fr", to="currency", currency="EUR")
    assert "zéro euros" in num2words(1, lang="fr", to="currency", currency="EUR")
    assert amount_in_words(2_000_000 * EUR) == "deux millions d'euros"
    assert amount_in_words(200 * EUR) == "deux cents euros"


def test_spelling_is_the_traditional_one_everywhere():
    """Pre-1990 hyphenation: never a hyphen around "et", "cent", "mille", "million"."""
    for cents, words in HAND_CHECKED:
        assert not re.search(r"-(et|cents?|mille|millions?|milliards?)\b|\b(et|cents?|mille)-", words), words


def test_feminine_counts():
    assert number_in_words(1, feminine=True) == "une"
    assert number_in_words(21, feminine=True) == "vingt et une"
    assert number_in_words(81, feminine=True) == "quatre-vingt-une"
    assert number_in_words(2, feminine=True) == "deux"
    assert number_in_words(1_000_001) == "un million un"


def test_figures():
    assert format_amount(6_120_000) == "61\u00a0200,00\u00a0€"
    assert format_amount(1) == "0,01\u00a0€"
    assert format_amount(100_000_000_000) == "1\u00a0000\u00a0000\u00a0000,00\u00a0€"
    assert amount_with_words(6_120_000) == "61\u00a0200,00\u00a0€ (soixante et un mille deux cents euros)"
    assert format_percent(482) == "48,2\u00a0%"


@pytest.mark.parametrize("bad", [1.5, 100.0, "100", None, True])
def test_only_integer_cents_are_accepted(bad):
    with pytest.raises(TypeError, match="centimes attendu"):
        amount_in_words(bad)
    with pytest.raises(TypeError):
        format_amount(bad)


def test_negative_and_huge_amounts_are_refused():
    with pytest.raises(ValueError, match="négatif"):
        amount_in_words(-1)
    with pytest.raises(ValueError, match="trop élevé"):
        amount_in_words(MAX_CENTS + 1)
    assert amount_in_words(MAX_CENTS).endswith("euros et quatre-vingt-dix-neuf centimes")


# ---------------------------------------------------------------- parsing the words back

_UNITS = {
    "zéro": 0, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60, "quatrevingt": 80,
}  # fmt: skip
_SCALES = {
    "mille": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "milliard": 10**9,
    "milliards": 10**9,
}


def parse_number(words: str) -> int:
    """French words -> number, for the test only (inverse of num2words' traditional spelling)."""
    words = re.sub(r"quatre-vingts?", "quatrevingt", words)
    total, current = 0, 0
    for token in re.split(r"[ -]+", words):
        if token == "et":
            continue
        if token in _UNITS:
            current += _UNITS[token]
        elif token in ("cent", "cents"):
            current = (current or 1) * 100
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0
        else:
            raise ValueError(token)
    return total + current


def parse_amount(text: str) -> int:
    m = re.fullmatch(r"(?:(.+?) (?:d'euros|euros?))?(?:(?: et )?(.+) centimes?)?", text)
    assert m and (m.group(1) or m.group(2)), text
    return parse_number(m.group(1) or "zéro") * 100 + (parse_number(m.group(2)) if m.group(2) else 0)


@pytest.mark.parametrize(("cents", "words"), HAND_CHECKED)
def test_the_parser_agrees_with_the_hand_checked_table(cents, words):
    assert parse_amount(words) == cents


@given(st.integers(min_value=0, max_value=MAX_CENTS))
@example(100_000_000)
@example(1)
@example(0)
def test_random_amounts_read_back(cents):
    words = amount_in_words(cents)
    assert words and words == words.strip() and "  " not in words
    euros, centimes = divmod(cents, 100)
    assert ("euro" in words) == (euros > 0 or centimes == 0)
    assert ("centime" in words) == (centimes > 0)
    assert parse_amount(words) == cents


@given(st.integers(min_value=100, max_value=MAX_CENTS))
def test_random_amounts_always_name_the_euro(cents):
    words = amount_in_words(cents)
    assert "euro" in words
    assert words.endswith(("euro", "euros", "centime", "centimes"))
