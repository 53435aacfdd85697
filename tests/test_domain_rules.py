"""The small parsers the entry forms share (no Qt): ASCII whole numbers and jj/mm/aaaa dates."""

from __future__ import annotations

from datetime import date

import pytest

from pnae_desktop.domain import rules


@pytest.mark.parametrize("text, expected", [("0", 0), ("2018", 2018), ("007", 7)])
def test_whole_number_reads_ascii_digits(text, expected):
    assert rules.whole_number(text) == expected


@pytest.mark.parametrize("text", ["", "²", "١٢", "12a", "-3", "1.5", " 12"])
def test_whole_number_refuses_anything_else_without_raising(text):
    assert rules.whole_number(text) is None  # "²".isdigit() is True, yet int("²") raises


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15/06/2018", date(2018, 6, 15)),
        ("1/6/2018", date(2018, 6, 1)),
        ("15 / 06 / 2018", date(2018, 6, 15)),
        ("29/02/2020", date(2020, 2, 29)),
    ],
)
def test_french_date_reads_jj_mm_aaaa(text, expected):
    assert rules.french_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2018", "2018-06-15", "15/06/18", "15/06", "aa/bb/cccc", "15/²/2018", ""])
def test_french_date_refuses_what_is_not_a_real_date(text):
    assert rules.french_date(text) is None


def test_objective_codes_sort_as_numbers():
    assert sorted(["3.1", "1.10", "2", "1.2", "4.2"], key=rules.objective_order) == ["1.2", "1.10", "2", "3.1", "4.2"]
