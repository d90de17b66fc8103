"""Relative and absolute dates resolved against the publication date (own resolver, no dateparser)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from transforms.dates import resolve_dates

TUESDAY = datetime(2024, 10, 29, 10, 0, tzinfo=UTC)  # published on a Tuesday
MONDAY = datetime(2024, 11, 4, 10, 0, tzinfo=UTC)
SUNDAY = datetime(2024, 11, 3, 10, 0, tzinfo=UTC)


def resolved(text: str, published=TUESDAY):
    return [(d.surface, d.date_from, d.date_to, d.granularity) for d in resolve_dates(text, published)]


def only(text: str, published=TUESDAY):
    found = resolved(text, published)
    assert len(found) == 1, found
    return found[0]


D = date


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("Berg said on Monday that troops had massed", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("The talks will resume on Monday", TUESDAY, D(2024, 11, 4), D(2024, 11, 4)),
        ("They will meet next Monday", TUESDAY, D(2024, 11, 4), D(2024, 11, 4)),
        ("He spoke last Monday", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("Earlier Monday, the ministry said", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("The minister said on Monday", MONDAY, D(2024, 11, 4), D(2024, 11, 4)),
        ("Talks could begin as early as Wednesday", TUESDAY, D(2024, 10, 30), D(2024, 10, 30)),
        ("Schools will remain shut until Friday", TUESDAY, D(2024, 11, 1), D(2024, 11, 1)),
        ("61 survivors had been pulled from the water by Sunday evening", TUESDAY, D(2024, 10, 27), D(2024, 10, 27)),
        ("a deal might not be reached before Sunday", TUESDAY, D(2024, 11, 3), D(2024, 11, 3)),
        ("Talks are scheduled to resume at 10 a.m. on Saturday", TUESDAY, D(2024, 11, 2), D(2024, 11, 2)),
        ("troops arrived over the weekend", TUESDAY, D(2024, 10, 26), D(2024, 10, 27)),
        ("troops arrived over the weekend", SUNDAY, D(2024, 11, 2), D(2024, 11, 3)),
        ("the talks may overrun into the weekend", TUESDAY, D(2024, 11, 2), D(2024, 11, 3)),
        ("they met last week", TUESDAY, D(2024, 10, 21), D(2024, 10, 27)),
        ("a vote next week", TUESDAY, D(2024, 11, 4), D(2024, 11, 10)),
        ("consultations later this week", TUESDAY, D(2024, 10, 28), D(2024, 11, 3)),
        ("over the next several weeks", TUESDAY, D(2024, 10, 29), D(2024, 11, 26)),
        ("in the coming weeks", TUESDAY, D(2024, 10, 29), D(2024, 11, 26)),
        ("within the next two weeks", TUESDAY, D(2024, 10, 29), D(2024, 11, 12)),
        ("in recent weeks", TUESDAY, D(2024, 10, 1), D(2024, 10, 29)),
        ("yesterday", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("today", TUESDAY, D(2024, 10, 29), D(2024, 10, 29)),
        ("tomorrow", TUESDAY, D(2024, 10, 30), D(2024, 10, 30)),
        ("it ends on Oct. 28", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("on October 28, 2023", TUESDAY, D(2023, 10, 28), D(2023, 10, 28)),
        ("on 28 October", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("due on Nov 4", TUESDAY, D(2024, 11, 4), D(2024, 11, 4)),
        ("recorded since Dec. 19", datetime(2025, 1, 3), D(2024, 12, 19), D(2024, 12, 19)),
        ("results on Jan. 10", datetime(2024, 12, 20), D(2025, 1, 10), D(2025, 1, 10)),
        ("on Monday, Oct. 28", TUESDAY, D(2024, 10, 28), D(2024, 10, 28)),
        ("on 2024-10-01", TUESDAY, D(2024, 10, 1), D(2024, 10, 1)),
    ],
)
def test_days_and_ranges(text, published, start, end):
    _, first, last, _ = only(text, published)
    assert (first, last) == (start, end)


@pytest.mark.parametrize(
    ("text", "published", "start", "end"),
    [
        ("the vote in September", TUESDAY, D(2024, 9, 1), D(2024, 9, 30)),
        ("elections will be held in September", TUESDAY, D(2025, 9, 1), D(2025, 9, 30)),
        ("inflation had fallen in November", datetime(2024, 12, 12), D(2024, 11, 1), D(2024, 11, 30)),
        ("rates could fall as early as January", datetime(2024, 12, 12), D(2025, 1, 1), D(2025, 1, 31)),
        ("arrivals since January", TUESDAY, D(2024, 1, 1), D(2024, 1, 31)),
        ("in June 2023", TUESDAY, D(2023, 6, 1), D(2023, 6, 30)),
        ("last month", TUESDAY, D(2024, 9, 1), D(2024, 9, 30)),
        ("next month's election", TUESDAY, D(2024, 11, 1), D(2024, 11, 30)),
        ("this year", TUESDAY, D(2024, 1, 1), D(2024, 12, 31)),
        ("in 2023", TUESDAY, D(2023, 1, 1), D(2023, 12, 31)),
    ],
)
def test_months_and_years(text, published, start, end):
    _, first, last, granularity = only(text, published)
    assert (first, last) == (start, end)
    assert granularity in ("month", "year")


def test_granularity():
    assert only("on Monday")[3] == "day"
    assert only("last week")[3] == "week"
    assert only("over the weekend")[3] == "range"
    assert only("in September")[3] == "month"


def test_may_the_modal_is_not_a_month():
    assert resolved("Prices may rise. May said nothing.") == []
    assert only("in May")[1] == D(2024, 5, 1)


def test_without_publication_date_only_absolute_dates():
    assert resolved("on Monday, and on October 28, 2024", None) == [
        ("October 28, 2024", D(2024, 10, 28), D(2024, 10, 28), "day")
    ]


def test_offsets_point_into_the_text():
    text = "He said on Monday that the talks, due to end next week, began on Oct. 1."
    for d in resolve_dates(text, TUESDAY):
        assert text[d.start_char : d.end_char] == d.surface
