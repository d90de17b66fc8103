"""Figures as numbers: comparators, ranges, scales, currencies, units, and what is not a figure."""

from __future__ import annotations

import pytest

from transforms.quantities import canonical_unit, find_quantities


def one(text: str):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit", "comparator", "approximate"),
    [
        ("around 10,000 soldiers massed", 10000, "troops", "about", True),
        ("more than 3,000 people", 3000, "people", "over", False),
        ("at least 37 homes", 37, "homes", "at_least", False),
        ("up to 70 kilometres per hour", 70, "kilometres", "up_to", False),
        ("fewer than 9,000 troops", 9000, "troops", "under", False),
        ("under 500 staff", 500, "staff", "under", False),
        ("two dozen drones", 24, "drones", "exact", False),
        ("1.5 million people", 1_500_000, "people", "exact", False),
        ("$40 billion in aid", 40_000_000_000, "USD", "exact", False),
        ("£6.3bn", 6_300_000_000, "GBP", "exact", False),
        ("as much as €3.2m", 3_200_000, "EUR", "up_to", False),
        ("12 percent", 12, "percent", "exact", False),
        ("12%", 12, "percent", "exact", False),
        ("3 per cent", 3, "percent", "exact", False),
        ("0.2 percentage points", 0.2, "percentage points", "exact", False),
        ("seven", 7, None, "exact", False),
        ("an estimated 28,000 vehicles", 28000, "vehicles", "about", True),
        ("nearly 7.6 million people", 7_600_000, "people", "about", True),
        ("no more than 300 armoured vehicles", 300, "vehicles", "up_to", False),
        ("10,000 North Korean troops", 10000, "troops", "exact", False),
        ("about 4,200 of its members", 4200, "members", "about", True),
        ("6,000 euros each", 6000, "EUR", "exact", False),
        ("100 million pounds", 100_000_000, "GBP", "exact", False),
        ("twenty-five fighters", 25, "fighters", "exact", False),
        ("the number of troops could rise to 15,000", 15000, "troops", "exact", False),
    ],
)
def test_figures(text, value, unit, comparator, approximate):
    q = one(text)
    assert q.value == pytest.approx(value)
    assert (q.unit, q.comparator, q.approximate) == (unit, comparator, approximate)
    assert text[q.start_char : q.end_char] == q.surface


def test_bounds_follow_the_comparator():
    assert (one("more than 3,000").low, one("more than 3,000").high) == (3000, None)
    assert (one("up to 70 km").low, one("up to 70 km").high) == (None, 70)
    assert (one("12 ships").low, one("12 ships").high) == (12, 12)
    assert (one("about 12 ships").low, one("about 12 ships").high) == (None, None)


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("between 4 and 6 services", 4, 6, "services"),
        ("10,000 to 12,000 troops", 10000, 12000, "troops"),
        ("between $10 and $12 billion", 10e9, 12e9, "USD"),
        ("4-6 weeks", 4, 6, "weeks"),
        ("between six and eight weeks", 6, 8, "weeks"),
    ],
)
def test_ranges(text, low, high, unit):
    q = one(text)
    assert (q.comparator, q.low, q.high, q.unit) == ("range", low, high, unit)
    assert q.value == pytest.approx((low + high) / 2)


@pytest.mark.parametrize(
    "text",
    [
        "in 2024 and since 2019",
        "between 2017 and 2021",
        "the 2018 election",
        "on Oct. 28 and on 28 October",
        "at 10 a.m. and at 10:30",
        "the 27-year-old sprinter on a two-week break",
        "the committee voted 6-3",
        "COVID-19 and the G7",
        "one of the officials",
    ],
)
def test_not_figures(text):
    assert find_quantities(text) == []


def test_offsets_point_into_the_text():
    text = 'He said "about 4,000 people" had fled and $2 billion was pledged.'
    for q in find_quantities(text):
        assert text[q.start_char : q.end_char] == q.surface


def test_canonical_units():
    assert canonical_unit("Soldiers") == "troops"
    assert canonical_unit("personnel") == "troops"
    assert canonical_unit("persons") == "people"
    assert canonical_unit("tanks") == "tanks"
    assert canonical_unit(None) is None
