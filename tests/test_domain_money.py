"""Exact money: French parsing and formatting, exact splits, percentages. No Qt, no store."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnae_desktop.domain.money import (
    MAX_LINE_CENTS,
    cell,
    cents_from_decimal_str,
    cents_to_decimal,
    cents_to_decimal_str,
    check_percentages_sum,
    format_amount,
    format_percentage,
    parse_amount,
    parse_percentage,
    split_cents,
)
from pnae_desktop.errors import ValidationError

NNBSP, NBSP = "\u202f", "\u00a0"
WHERE = cell(2019, "64 Charges de personnel", "Salaires")
cents_st = st.integers(min_value=0, max_value=MAX_LINE_CENTS)


# --- formatting -------------------------------------------------------------------------


def test_format_is_babel_fr_fr_with_narrow_group_space_and_nbsp_before_euro():
    assert format_amount(123456) == f"1{NNBSP}234,56{NBSP}€"
    assert format_amount(38_470_000) == f"384{NNBSP}700,00{NBSP}€"
    assert format_amount(0) == f"0,00{NBSP}€"
    assert format_amount(5) == f"0,05{NBSP}€"
    assert format_amount(-123456) == f"-1{NNBSP}234,56{NBSP}€"
    assert format_amount(123456, symbol=False) == f"1{NNBSP}234,56"


def test_decimal_strings_for_json_are_exact():
    assert cents_to_decimal_str(123456) == "1234.56"
    assert cents_to_decimal_str(5) == "0.05"
    assert cents_to_decimal_str(-5) == "-0.05"
    assert cents_to_decimal_str(0) == "0.00"
    assert cents_to_decimal(123456) == Decimal("1234.56")
    assert cents_from_decimal_str("1234.5") == 123450
    with pytest.raises(ValueError):
        cents_from_decimal_str("1234.567")


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_decimal_string_round_trip(cents):
    assert cents_from_decimal_str(cents_to_decimal_str(cents)) == cents
    assert Decimal(cents_to_decimal_str(cents)) == cents_to_decimal(cents)


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cents",
    [
        ("1 234,56", 123456),
        ("1234,56", 123456),
        ("1234.56", 123456),
        ("1 234,56 €", 123456),
        (f"1{NBSP}234,56{NBSP}€", 123456),
        (f"1{NNBSP}234,56{NBSP}€", 123456),
        (f"1{NNBSP}234{NNBSP}567,5", 123456750),
        ("1234,56€", 123456),
        ("  42  ", 4200),
        ("0,5", 50),
        ("0", 0),
        ("-0", 0),
        ("366 800", 36_680_000),
        ("100000000", MAX_LINE_CENTS),
        ("100 000 000,00 €", MAX_LINE_CENTS),
    ],
)
def test_parse_accepts_french_and_dotted_amounts(text, cents):
    assert parse_amount(text, WHERE) == cents


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("-5", "montant négatif refusé"),
        ("- 1 234,56 €", "montant négatif refusé"),
        ("\u22125", "montant négatif refusé"),
        ("12,345", "plus de deux chiffres après la virgule"),
        ("100000000,01", "montant absurde"),
        ("abc", "« abc » n'est pas un montant reconnu"),
        ("", "montant vide"),
        ("   ", "montant vide"),
        ("€", "montant vide"),
        ("1.234,56", "n'est pas un montant reconnu"),
        ("12 34", "n'est pas un montant reconnu"),
        ("1,2,3", "n'est pas un montant reconnu"),
        ("1e3", "n'est pas un montant reconnu"),
        ("\u0661\u0662", "n'est pas un montant reconnu"),  # Arabic-Indic digits
    ],
)
def test_parse_refuses_with_a_french_message_naming_the_place(text, fragment):
    with pytest.raises(ValidationError) as info:
        parse_amount(text, WHERE)
    message = str(info.value)
    assert message.startswith("Cellule « 2019 / 64 Charges de personnel / Salaires » : ")
    assert fragment in message
    assert info.value.field == WHERE


def test_the_brief_example_message():
    with pytest.raises(
        ValidationError,
        match=r"^Cellule « 2019 / 64 Charges de personnel / "
        r"Salaires » : montant négatif refusé\.$",
    ):
        parse_amount("-5", WHERE)


@pytest.mark.parametrize(
    "call",
    [
        lambda: parse_amount(12.5, WHERE),
        lambda: format_amount(1.5),
        lambda: format_amount(True),
        lambda: cents_to_decimal_str(0.1),
        lambda: split_cents(100.0, [1, 1]),
        lambda: split_cents(100, [0.5, 0.5]),
        lambda: check_percentages_sum([50.0, 50.0], WHERE),
        lambda: format_percentage(33.3),
    ],
)
def test_binary_floats_are_refused_everywhere(call):
    with pytest.raises(TypeError):
        call()


@given(cents_st)
def test_format_then_parse_round_trips(cents):
    assert parse_amount(format_amount(cents), WHERE) == cents
    assert parse_amount(format_amount(cents, symbol=False), WHERE) == cents
    assert parse_amount(cents_to_decimal_str(cents), WHERE) == cents
    plain = format_amount(cents).replace(NNBSP, " ").replace(NBSP, " ")
    assert parse_amount(plain, WHERE) == cents


# --- percentages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [("33,33", "33.33"), ("33.33 %", "33.33"), ("33,3%", "33.30"), ("100", "100"), ("0", "0")],
)
def test_parse_percentage(text, value):
    assert parse_percentage(text, "Action « A »") == Decimal(value)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("100,01", "dépasser 100 %"),
        ("-1", "négatif"),
        ("33,333", "deux chiffres"),
        ("x", "reconnu"),
    ],
)
def test_parse_percentage_refuses(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        parse_percentage(text, "Action « A »")


def test_percentages_must_sum_to_exactly_100_and_the_message_gives_the_sum():
    check_percentages_sum([Decimal("33.34"), Decimal("33.33"), Decimal("33.33")], "x")
    with pytest.raises(ValidationError) as info:
        check_percentages_sum([Decimal("33.33")] * 3, "Clé de répartition 2019")
    assert str(info.value) == (f"Clé de répartition 2019 : les pourcentages totalisent 99,99{NBSP}% au lieu de 100 %.")
    with pytest.raises(ValidationError, match="0,00"):
        check_percentages_sum([], "x")


# --- splitting --------------------------------------------------------------------------


def test_split_three_equal_parts_of_100_euros():
    assert split_cents(10000, [1, 1, 1]) == [3334, 3333, 3333]
    assert split_cents(10000, [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]) == [
        3334,
        3333,
        3333,
    ]


def test_split_edge_cases():
    assert split_cents(0, [1, 2]) == [0, 0]
    assert split_cents(5, [1] * 7) == [1, 1, 1, 1, 1, 0, 0]  # rounding over: later give back
    assert split_cents(100, [0, 1, 0]) == [0, 100, 0]
    assert split_cents(-10000, [1, 1, 1]) == [-3334, -3333, -3333]
    assert split_cents(1, [1, 1]) == [1, 0]
    with pytest.raises(ValueError):
        split_cents(100, [0, 0])
    with pytest.raises(ValueError):
        split_cents(100, [1, -1])


weights_st = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**9),
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    ),
    min_size=1,
    max_size=30,
).filter(any)


@given(st.integers(min_value=-(10**12), max_value=10**12), weights_st)
def test_split_is_exact_and_each_part_within_one_cent(total, weights):
    parts = split_cents(total, weights)
    assert len(parts) == len(weights)
    assert sum(parts) == total
    weight_sum = sum(Fraction(w) for w in weights)
    for part, w in zip(parts, weights):
        assert abs(part - total * Fraction(w) / weight_sum) < 1
        assert all(isinstance(p, int) for p in parts)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=40))
def test_equal_weights_give_non_increasing_parts_one_cent_apart_at_most(total, n):
    parts = split_cents(total, [1] * n)
    assert parts == sorted(parts, reverse=True)
    assert parts[0] - parts[-1] <= 1


@given(st.integers(min_value=0, max_value=10**12), weights_st)
def test_split_scales_with_weights(total, weights):
    # Same ratios, same split: Decimal weights behave like their scaled integers.
    scaled = [int(Decimal(w) * 100) for w in weights]
    assert split_cents(total, weights) == split_cents(total, scaled)
