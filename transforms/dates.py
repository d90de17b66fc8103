"""Dates in news text resolved against the publication date: "on Monday" -> the Monday before publication.

News writes relative dates ("Monday", "over the weekend", "last week", "the coming weeks") that only mean something
against the publication date, and general-purpose parsers resolve weekdays to the wrong week. So this is a small
rule-based resolver over plain text:

- A weekday is the most recent such day on or before publication ("on Monday" published on a Monday is that day),
  unless the words just before it point forward ("will meet on Monday", "could begin as early as Wednesday",
  "would continue until Tuesday") or it says "next Monday": then the following one. "last Monday" is strictly
  before publication; "earlier/later Monday" is the same as plain "Monday".
- "over the weekend" is the most recent Saturday-Sunday (the coming one when the tense points forward).
- last/this/next week (Monday-Sunday), month, year; "the next several weeks", "the coming weeks" and "in recent
  weeks" are ranges from or to publication: "few/several/coming" days = 7 days, weeks = 28 days, months =
  3 months, years = 3 years; a written number ("the next two weeks") is used as is.
- yesterday, today, tomorrow, tonight, last night, this morning.
- Absolute dates as written ("Oct. 28", "October 28, 2024", "28 October", "2024-10-28"); without a year the year
  is the one that puts the date nearest to publication. Month names ("in September", "since January") have month
  granularity, the year chosen by tense (forward: the next such month, past: the last one, else the nearest);
  "in 2023" has year granularity.

Without a publication date only dates that carry their own year are returned.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from transforms.quantity_words import UNITS_WORDS

__all__ = ["ResolvedDate", "resolve_dates"]


@dataclass(frozen=True)
class ResolvedDate:
    surface: str
    date_from: date
    date_to: date
    granularity: str
    start_char: int
    end_char: int


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_NUMBER_WORDS = {
    "a": 1,
    **{word: n for word, n in UNITS_WORDS.items() if 1 <= n <= 12},
    "few": None,
    "several": None,
    "couple": 2,
}
_VAGUE_SPAN = {"day": 7, "week": 28, "month": 3, "year": 3}  # days for day/week, months, years

_MONTH_NAME = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_NUM = r"(?P<num>\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|several|couple(?: of)?)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    (
        "month_day",
        re.compile(rf"\b(?P<month>{_MONTH_NAME})\s+{_DAY}(?:\s*[-–]\s*(?P<day2>[0-3]?\d))?\b(?:,?\s+{_YEAR}\b)?"),
    ),
    ("day_month", re.compile(rf"\b{_DAY}\s+(?:of\s+)?(?P<month>{_MONTH_NAME})(?:,?\s+{_YEAR}\b)?")),
    ("month_year", re.compile(rf"\b(?P<month>{_MONTH_NAME})\s+(?:of\s+)?{_YEAR}\b")),
    (
        "weekend",
        re.compile(
            r"\b(?:(?P<rel>over|at|during|on|this|last|next|into)\s+)?(?:the\s+)?(?:past\s+|coming\s+)?weekend\b", re.I
        ),
    ),
    (
        "relative_span",
        re.compile(
            rf"\b(?:(?:in|over|during|within|for)\s+)?(?:the\s+)?(?P<dir>next|coming|following|past|last|recent)\s+"
            rf"(?:{_NUM}\s+)?(?P<unit>days|weeks|months|years)\b",
            re.I,
        ),
    ),
    ("recent_span", re.compile(r"\b(?:in\s+)?(?P<dir>recent)\s+(?P<unit>days|weeks|months|years)\b", re.I)),
    (
        "past_one",
        re.compile(r"\b(?:in|over|during)\s+the\s+(?P<dir>past|last)\s+(?P<unit>day|week|month|year)\b", re.I),
    ),
    (
        "rel_period",
        re.compile(
            r"\b(?P<prefix>(?:later|earlier)\s+)?(?P<rel>last|this|next)\s+(?P<unit>week|month|year)(?:'s|’s)?\b", re.I
        ),
    ),
    (
        "day_word",
        re.compile(
            r"\b(?P<word>yesterday|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b", re.I
        ),
    ),
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<rel>last|next|this|earlier|later|late|early|on|since|until|by|from|before|after)\s+)?"
            rf"(?:on\s+)?{_WEEKDAY}{_PART}\b"
        ),
    ),
    (
        "month",
        re.compile(
            r"\b(?:(?P<prep>in|since|by|until|till|from|before|after|during|of|early|mid|late|last|next|this|"
            r"through|as early as|the end of|end of)[\s-]+)?(?P<month>January|February|March|April|May|June|July|"
            r"August|September|October|November|December)\b(?!\s+[A-Z][a-z])"
        ),
    ),
    (
        "year",
        re.compile(
            r"\b(?P<prep>in|since|by|until|till|before|after|during|through|from)\s+"
            r"(?P<year>(?:19|20)\d{2})\b(?![-,]\d)"
        ),
    ),
]

_FUTURE = re.compile(
    r"\b(?:will|'ll|’ll|shall|would|could|might|may|going to|is to|are to|is due|are due|due to|scheduled|"
    r"expected to|set to|plans? to|planned|likely|unlikely|upcoming|to be held|to meet|to begin|to start)\b",
    re.I,
)
#: Auxiliaries and adverbs only: an -ed word is too often a participle ("will stay closed", "would be reviewed").
_PAST = re.compile(r"\b(?:had|was|were|did|since|ago|earlier|last|already|been)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘'«])|\n")
_LEADING_PREPOSITION = re.compile(r"(?:on|in|during|within|for)\s+", re.I)


def _as_date(published_at: datetime | date | str | None) -> date | None:
    """The publication day (UTC, as stored); ISO strings are accepted, anything else means unknown."""
    if isinstance(published_at, str):
        try:
            published_at = datetime.fromisoformat(published_at)
        except ValueError:
            return None
    if isinstance(published_at, datetime):
        return published_at.date()
    return published_at if isinstance(published_at, date) else None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _tense(text: str, start: int) -> str:
    """'future', 'past' or 'none' from the nearest tense marker in the few words before `start` (same sentence)."""
    window_start = max(0, start - 70)
    window = text[window_start:start]
    cut = list(_SENTENCE_END.finditer(window))
    if cut:
        window = window[cut[-1].end() :]
    words = window.split()[-8:]
    window = " ".join(words)
    future = [m.end() for m in _FUTURE.finditer(window)]
    past = [m.end() for m in _PAST.finditer(window) if not _passive_participle(window, m)]
    if not future and not past:
        return "none"
    if future and (not past or max(future) >= max(past)):
        return "future"
    return "past"


def _passive_participle(window: str, m: re.Match) -> bool:
    """'might not be reached', 'would be reviewed': an -ed word after 'be' carries no tense of its own."""
    if not m.group().lower().endswith("ed") or m.group().lower() in ("had", "did"):
        return False
    before = window[: m.start()].split()
    return bool(before) and before[-1].lower() in ("be", "being", "been", "to", "not", "get", "got")


def _weekday_date(pub: date, weekday: int, rel: str, tense: str) -> date:
    back = (pub.weekday() - weekday) % 7
    if rel == "next" or (tense == "future" and rel not in ("last", "earlier", "since")):
        ahead = (weekday - pub.weekday()) % 7
        if rel == "next" or (ahead == 0 and rel != "later"):
            ahead = ahead or 7
        return pub + timedelta(days=ahead)
    if rel == "last":
        return pub - timedelta(days=back or 7)
    return pub - timedelta(days=back)


def _nearest_year(pub: date, month: int, day: int) -> date | None:
    candidates = []
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: (abs((d - pub).days), d > pub)) if candidates else None


def _month_year(pub: date, month: int, prep: str, tense: str) -> int:
    prep = prep.lower()
    if prep == "next" or (tense == "future" and prep not in ("since", "last")):
        return pub.year if month >= pub.month else pub.year + 1
    if prep in ("since", "last") or tense == "past":
        if prep == "last" and month >= pub.month:
            return pub.year - 1
        return pub.year if month <= pub.month else pub.year - 1
    if prep == "this":
        return pub.year
    this_year = date(pub.year, month, 15)
    options = [date(pub.year - 1, month, 15), this_year, date(pub.year + 1, month, 15)]
    return min(options, key=lambda d: (abs((d - pub).days), d > pub)).year


class _Resolver:
    """Turns one regex match into a ResolvedDate (or None when it cannot be resolved)."""

    def __init__(self, text: str, pub: date | None):
        self.text = text
        self.pub = pub

    def make(self, m: re.Match, start: date, end: date, granularity: str) -> ResolvedDate:
        begin = m.start()
        lead = _LEADING_PREPOSITION.match(self.text, begin, m.end())
        if lead:
            begin = lead.end()
        surface = self.text[begin : m.end()].strip()
        return ResolvedDate(surface, start, end, granularity, begin, begin + len(surface))

    def resolve(self, kind: str, m: re.Match) -> ResolvedDate | None:
        return getattr(self, f"_{kind}")(m)

    def _iso(self, m: re.Match) -> ResolvedDate | None:
        try:
            day = date(int(m["year"]), int(m["month"]), int(m["day"]))
        except ValueError:
            return None
        return self.make(m, day, day, "day")

    def _month_day(self, m: re.Match) -> ResolvedDate | None:
        month = MONTHS[m["month"].rstrip(".").lower()]
        raw_day2 = m.groupdict().get("day2")
        day, day2 = int(m["day"]), int(raw_day2) if raw_day2 else None
        if not 1 <= day <= 31 or (day2 is not None and not day < day2 <= 31):
            return None
        if m["year"]:
            try:
                first = date(int(m["year"]), month, day)
            except ValueError:
                return None
        elif self.pub is None or (first := _nearest_year(self.pub, month, day)) is None:
            return None
        try:
            last = first.replace(day=day2) if day2 else first
        except ValueError:
            return None
        return self.make(m, first, last, "range" if day2 else "day")

    def _day_month(self, m: re.Match) -> ResolvedDate | None:
        return self._month_day(m) if 1 <= int(m["day"]) <= 31 else None

    def _month_year(self, m: re.Match) -> ResolvedDate | None:
        month, year = MONTHS[m["month"].rstrip(".").lower()], int(m["year"])
        return self.make(m, date(year, month, 1), _month_end(year, month), "month")

    def _weekend(self, m: re.Match) -> ResolvedDate | None:
        if self.pub is None:
            return None
        rel = (m["rel"] or "").lower()
        forward = (
            rel in ("next", "into")
            or (rel == "this" and self.pub.weekday() < 5)
            or (rel != "last" and _tense(self.text, m.start()) == "future")
        )
        if forward:
            saturday = self.pub + timedelta(days=(5 - self.pub.weekday()) % 7)
            if rel == "next" and self.pub.weekday() == 5:
                saturday += timedelta(days=7)
        else:
            saturday = self.pub - timedelta(days=(self.pub.weekday() - 5) % 7)
            if rel == "last" and self.pub.weekday() >= 5:
                saturday -= timedelta(days=7)
        return self.make(m, saturday, saturday + timedelta(days=1), "range")

    def _span(self, m: re.Match, backwards: bool, unit: str, count: int | None) -> ResolvedDate | None:
        pub = self.pub
        if unit in ("day", "week"):
            days = _VAGUE_SPAN[unit] if count is None else count * (1 if unit == "day" else 7)
            other = pub - timedelta(days=days) if backwards else pub + timedelta(days=days)
        else:
            months = (_VAGUE_SPAN[unit] if count is None else count) * (12 if unit == "year" else 1)
            other = _add_months(pub, -months if backwards else months)
        first, last = (other, pub) if backwards else (pub, other)
        return self.make(m, first, last, "range")

    def _relative_span(self, m: re.Match) -> ResolvedDate | None:
        if self.pub is None:
            return None
        raw = (m["num"] or "").lower().removesuffix(" of")
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        backwards = m["dir"].lower() in ("past", "last", "recent")
        return self._span(m, backwards, m["unit"].lower().rstrip("s"), count)

    def _recent_span(self, m: re.Match) -> ResolvedDate | None:
        return None if self.pub is None else self._span(m, True, m["unit"].lower().rstrip("s"), None)

    def _past_one(self, m: re.Match) -> ResolvedDate | None:
        return None if self.pub is None else self._span(m, True, m["unit"].lower(), 1)

    def _rel_period(self, m: re.Match) -> ResolvedDate | None:
        if self.pub is None:
            return None
        step = {"last": -1, "this": 0, "next": 1}[m["rel"].lower()]
        unit, pub = m["unit"].lower(), self.pub
        if unit == "week":
            monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=step)
            return self.make(m, monday, monday + timedelta(days=6), "week")
        if unit == "month":
            first = _add_months(pub.replace(day=1), step)
            return self.make(m, first, _month_end(first.year, first.month), "month")
        year = pub.year + step
        return self.make(m, date(year, 1, 1), date(year, 12, 31), "year")

    def _day_word(self, m: re.Match) -> ResolvedDate | None:
        if self.pub is None:
            return None
        word = " ".join(m["word"].lower().split())
        offset = {"yesterday": -1, "tomorrow": 1, "last night": -1}.get(word, 0)
        day = self.pub + timedelta(days=offset)
        return self.make(m, day, day, "day")

    def _weekday(self, m: re.Match) -> ResolvedDate | None:
        if self.pub is None:
            return None
        rel = (m["rel"] or "").lower()
        if rel in ("late", "early"):
            rel = ""
        tense = "past" if rel in ("since", "earlier") else _tense(self.text, m.start())
        day = _weekday_date(self.pub, WEEKDAYS.index(m["weekday"].lower()), rel, tense)
        return self.make(m, day, day, "day")

    def _month(self, m: re.Match) -> ResolvedDate | None:
        prep = (m["prep"] or "").strip()
        if m["month"] == "May" and not prep:
            return None  # "May" alone is far more often the modal verb at a sentence start
        if self.pub is None:
            return None
        tense = "past" if prep.lower() == "since" else _tense(self.text, m.start())
        year = _month_year(self.pub, MONTHS[m["month"].lower()], prep.split()[0] if prep else "", tense)
        month = MONTHS[m["month"].lower()]
        return self.make(m, date(year, month, 1), _month_end(year, month), "month")

    def _year(self, m: re.Match) -> ResolvedDate | None:
        year = int(m["year"])
        return self.make(m, date(year, 1, 1), date(year, 12, 31), "year")


def resolve_dates(text: str, published_at: datetime | date | None) -> list[ResolvedDate]:
    """Every resolvable date expression in `text`, in order, non-overlapping (earlier patterns win)."""
    resolver = _Resolver(text, _as_date(published_at))
    taken: list[tuple[int, int]] = []
    found: list[ResolvedDate] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            resolved = resolver.resolve(kind, m)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            found.append(resolved)
    found = [d for d in found if not _is_weekday_of_absolute(d, found)]
    return sorted(found, key=lambda d: d.start_char)


def _is_weekday_of_absolute(candidate: ResolvedDate, found: list[ResolvedDate]) -> bool:
    """'Monday, Oct. 28': the weekday only names the absolute date written right after it."""
    if candidate.surface.split()[-1].lower() not in WEEKDAYS:
        return False
    return any(
        0 <= other.start_char - candidate.end_char <= 2 and other.granularity == "day"
        for other in found
        if other is not candidate
    )
