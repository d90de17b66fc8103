"""Figures in text as numbers: "around 10,000 soldiers" -> 10000, unit "troops", approximate, comparator "about".

Analysts compare figures across outlets ("10,000 vs 12,000 troops"), so a figure must become a number with a
comparator (about / over / under / at_least / up_to / range / exact) and the thing counted.

Works on plain text (no parse) with a small word tokenizer and a hand-written parser, so it is cheap and testable.
The unit is the counted noun written after the number (the first plural-looking or known unit word within three
words, or "N of the X"), lower-cased as written, except for obvious synonyms normalised to one canonical noun so
that SQL can group them: soldiers/troops/forces/personnel/servicemen -> "troops", persons -> "people", money ->
ISO currency code ("$40 billion" -> 4e10 "USD"), "%"/"per cent" -> "percent". The raw figure stays in `surface`.
Years, days of dates ("Oct. 28"), times, ages ("27-year-old") and vote scores ("6-3") are not quantities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from transforms.quantity_words import (
    COMPARATORS,
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DETERMINERS_OF,
    GLUED_SCALES,
    KNOWN_UNITS,
    MONTHS,
    NOT_PLURAL,
    SCALES,
    STOP,
    TENS_WORDS,
    TIME_WORDS,
    UNIT_SYNONYMS,
    UNITS_WORDS,
    YEAR_PREPOSITIONS,
)

__all__ = ["Quantity", "find_quantities", "canonical_unit"]

_MAX_COMPARATOR = max(len(k) for k in COMPARATORS)


@dataclass(frozen=True)
class Quantity:
    surface: str
    value: float
    unit: str | None
    approximate: bool
    comparator: str
    low: float | None
    high: float | None
    start_char: int
    end_char: int


class _Tok(NamedTuple):
    text: str
    low: str
    start: int
    end: int


_TOKEN = re.compile(
    r"US\$|A\$|C\$|HK\$|[$£€¥%]|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[A-Za-z]+(?:['’][A-Za-z]+)?|[^\sA-Za-z\d]"
)


def canonical_unit(word: str | None) -> str | None:
    """Lower-case counted noun, with obvious synonyms mapped to one canonical unit."""
    if not word:
        return None
    low = word.lower().replace("’", "'")
    return UNIT_SYNONYMS.get(low, low)


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _is_digits(tok: _Tok) -> bool:
    return tok.text[0].isdigit()


def _digits_value(tok: _Tok) -> Decimal:
    return Decimal(tok.text.replace(",", ""))


def _plural_looking(word: str) -> bool:
    low = word.lower()
    if not low.isalpha() or len(low) < 3 or low in NOT_PLURAL or low in STOP:
        return False
    return low.endswith("s") and not low.endswith(("ss", "us", "is", "ous"))


class _Parser:
    """Parses one figure starting at a token index; `parse` returns a Quantity and the next index, or None."""

    def __init__(self, text: str, toks: list[_Tok]):
        self.text = text
        self.toks = toks

    def tok(self, i: int) -> _Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def low(self, i: int) -> str:
        tok = self.tok(i)
        return tok.low if tok else ""

    # --- numbers ----------------------------------------------------------------------------------------------
    def word_number(self, i: int) -> tuple[Decimal, int] | None:
        """'seven', 'twenty-five', 'two hundred', 'a dozen', 'two dozen' -> (value, next index)."""
        low = self.low(i)
        if low in ("a", "an") and self.low(i + 1) == "dozen":
            return Decimal(12), i + 2
        if low in TENS_WORDS:
            value, j = TENS_WORDS[low], i + 1
            if self.low(j) == "-" and self.low(j + 1) in UNITS_WORDS:
                value += UNITS_WORDS[self.low(j + 1)]
                j += 2
        elif low in UNITS_WORDS:
            value, j = UNITS_WORDS[low], i + 1
        else:
            return None
        if self.low(j) == "dozen":
            return Decimal(value * 12), j + 1
        if self.low(j) == "hundred":
            value *= 100
            j += 1
        return Decimal(value), j

    def number(self, i: int) -> tuple[Decimal, int, bool] | None:
        """A number with its scale -> (value, next index, had_scale)."""
        tok = self.tok(i)
        if tok is None:
            return None
        if _is_digits(tok):
            value, j = _digits_value(tok), i + 1
            glued = self.tok(j)
            if glued is not None and glued.start == tok.end and glued.low in GLUED_SCALES:
                return value * GLUED_SCALES[glued.low], j + 1, True
        else:
            parsed = self.word_number(i)
            if parsed is None:
                return None
            value, j = parsed
        scaled = False
        while self.low(j) in SCALES:
            value *= SCALES[self.low(j)]
            j += 1
            scaled = True
        return value, j, scaled

    # --- context checks ---------------------------------------------------------------------------------------
    def comparator(self, i: int) -> tuple[str, bool, int] | None:
        for size in range(_MAX_COMPARATOR, 0, -1):
            key = tuple(self.low(k) for k in range(i, i + size))
            if key in COMPARATORS:
                comparator, approximate = COMPARATORS[key]
                return comparator, approximate, i + size
        return None

    def is_date_or_time(self, i: int, j: int) -> bool:
        """Days of dates ('Oct. 28', '28 October'), times ('10 a.m.', '10:30') and ordinals ('28th')."""
        prev, prev2 = self.low(i - 1), self.low(i - 2)
        if prev in MONTHS or (prev == "." and prev2 in MONTHS):
            return True
        nxt = self.low(j)
        if nxt in MONTHS or nxt in ("th", "st", "nd", "rd") and self.tok(j).start == self.tok(j - 1).end:
            return True
        if nxt == "of" and self.low(j + 1) in MONTHS:
            return True
        if nxt == ":" and self.tok(j + 1) is not None and _is_digits(self.tok(j + 1)):
            return True
        return nxt.rstrip(".") in TIME_WORDS or (nxt in ("a", "p") and self.low(j + 1) == ".")

    def is_year(self, i: int, value: Decimal, had_scale: bool, unit: str | None) -> bool:
        tok = self.tok(i)
        if had_scale or "," in tok.text or "." in tok.text or not tok.text.isdigit() or len(tok.text) != 4:
            return False
        if not 1800 <= value <= 2100:
            return False
        return unit is None or self.low(i - 1) in YEAR_PREPOSITIONS

    def is_compound_modifier(self, j: int) -> bool:
        """'27-year-old', 'two-week strike', 'five-year-olds': a number glued by a hyphen to a word."""
        tok, nxt = self.tok(j), self.tok(j + 1)
        if tok is None or tok.low not in ("-", "–") or nxt is None:
            return False
        return (
            tok.start == self.tok(j - 1).end
            and nxt.start == tok.end
            and nxt.text[0].isalpha()
            and (self.word_number(j + 1) is None)
        )

    def is_glued_to_word(self, i: int) -> bool:
        """'G7', 'COVID-19', 'F-35', the '30' of '10:30': digits attached to letters or digits are not figures."""
        prev = self.tok(i - 1)
        if prev is None or prev.end != self.tok(i).start:
            return False
        if prev.text[0].isalpha():
            return True
        before = self.tok(i - 2)
        return (
            prev.low in ("-", "–", ":", "/")
            and before is not None
            and before.end == prev.start
            and (before.text.isalnum())
        )

    # --- units ------------------------------------------------------------------------------------------------
    def unit_after(self, j: int) -> tuple[str | None, int]:
        """The counted noun after the number -> (unit, index after the unit)."""
        low = self.low(j)
        if low == "%":
            return "percent", j + 1
        if low in ("percent", "pct"):
            return "percent", j + 1
        if low == "per" and self.low(j + 1) == "cent":
            return "percent", j + 2
        if low == "percentage" and self.low(j + 1) in ("point", "points"):
            return "percentage points", j + 2
        if low in CURRENCY_WORDS:
            return CURRENCY_WORDS[low], j + 1
        if low in CURRENCY_CODES:
            return CURRENCY_CODES[low], j + 1
        if low == "of" and self.low(j + 1) in DETERMINERS_OF:
            return self.counted_noun(j + 2, skip_number=True)
        return self.counted_noun(j)

    def counted_noun(self, j: int, skip_number: bool = False) -> tuple[str | None, int]:
        if skip_number:
            parsed = self.number(j)
            if parsed is not None:
                j = parsed[1]
        for k in range(j, j + 3):
            tok = self.tok(k)
            if tok is None or not tok.text[0].isalpha():
                return None, j
            if tok.low in KNOWN_UNITS or _plural_looking(tok.text):
                if tok.low == "pounds" and not skip_number:
                    return "pounds", k + 1
                return canonical_unit(tok.text), k + 1
            if tok.low in STOP:
                return None, j
        return None, j

    def unit_before(self, i: int) -> str | None:
        """'the number of troops could rise to 15,000': the counted noun named just before the figure."""
        start = max(0, i - 10)
        for k in range(i - 1, start, -1):
            if self.low(k) in (".", ";", "!", "?"):
                return None
            if self.low(k) == "of" and self.low(k - 1) == "number" and self.tok(k + 1) is not None:
                word = self.tok(k + 1).text
                return canonical_unit(word) if word.isalpha() else None
        return None

    # --- one figure -------------------------------------------------------------------------------------------
    def parse(self, i: int) -> tuple[Quantity, int] | None:
        start = i
        comparator, approximate = "exact", False
        found = self.comparator(i)
        if found is not None:
            comparator, approximate, i = found
        if self.low(i) == "between":
            return self.parse_between(start, i + 1, approximate)
        currency = CURRENCY_SYMBOLS.get(self.tok(i).text) if self.tok(i) else None
        if currency is None and self.low(i) in CURRENCY_CODES and self.tok(i + 1) and _is_digits(self.tok(i + 1)):
            currency = CURRENCY_CODES[self.low(i)]
        if currency is not None:
            i += 1
        parsed = self.number(i)
        if parsed is None or self.is_glued_to_word(i):
            return None
        value, j, scaled = parsed
        if value == 1 and not scaled and comparator == "exact":
            return None
        if self.is_date_or_time(i, j) or self.is_compound_modifier(j):
            return None
        high_value, low_value = None, None
        if self.low(j) in ("-", "–", "to") and self.tok(j + 1) is not None:
            rng = self.range_tail(value, scaled, j, currency)
            if rng == "invalid":
                return None
            if rng is not None:
                (low_value, high_value), j = rng
                comparator = "range"
        unit, end = self.unit_or_currency(j, currency)
        if unit is None:
            unit = self.unit_before(start)
        if self.is_year(i, value, scaled, unit if currency is None else currency):
            return None
        return self.build(start, end, value, unit, comparator, approximate, low_value, high_value), end

    def range_tail(self, value: Decimal, scaled: bool, j: int, currency: str | None):
        """'4-6', '10,000 to 12,000', '$10 to $12 billion' -> ((low, high), next index), 'invalid' or None."""
        k = j + 1
        if self.tok(k) is not None and self.tok(k).text in CURRENCY_SYMBOLS:
            k += 1
        second = self.number(k)
        if second is None:
            return None
        high, nxt, high_scaled = second
        low = value
        if high_scaled and not scaled:
            low = value * (high / _raw_number(self, k)) if _raw_number(self, k) else value
        if low >= high:
            return "invalid" if self.low(j) in ("-", "–") else None
        return (low, high), nxt

    def parse_between(self, start: int, i: int, approximate: bool) -> tuple[Quantity, int] | None:
        currency = CURRENCY_SYMBOLS.get(self.tok(i).text) if self.tok(i) else None
        if currency is not None:
            i += 1
        first = self.number(i)
        if first is None or self.low(first[1]) not in ("and", "-", "–"):
            return None
        rng = self.range_tail(first[0], first[2], first[1], currency)
        if rng is None or rng == "invalid":
            return None
        (low, high), j = rng
        if self.is_year(i, first[0], first[2], None):
            return None
        unit, end = self.unit_or_currency(j, currency)
        return self.build(start, end, low, unit, "range", approximate, low, high), end

    def unit_or_currency(self, j: int, currency: str | None) -> tuple[str | None, int]:
        if currency is not None:
            return currency, j
        unit, end = self.unit_after(j)
        if unit == "pounds" and self.low(j - 1) in SCALES:
            unit = "GBP"
        return unit, (end if unit is not None else j)

    def build(self, start, end, value, unit, comparator, approximate, low, high) -> Quantity:
        if comparator == "range":
            value = (low + high) / 2
        elif comparator == "exact":
            low = high = value
        elif comparator in ("over", "at_least"):
            low = value
        elif comparator in ("under", "up_to"):
            high = value
        s, e = self.tok(start).start, self.tok(end - 1).end
        return Quantity(
            surface=self.text[s:e],
            value=float(value),
            unit=unit,
            approximate=approximate,
            comparator=comparator,
            low=None if low is None else float(low),
            high=None if high is None else float(high),
            start_char=s,
            end_char=e,
        )


def _raw_number(parser: _Parser, k: int) -> Decimal | None:
    """The number at k before its scale (for '4 to 6 million': the scale of 6 million applies to 4)."""
    tok = parser.tok(k)
    if tok is None:
        return None
    if _is_digits(tok):
        return _digits_value(tok)
    parsed = parser.word_number(k)
    return parsed[0] if parsed else None


def find_quantities(text: str) -> list[Quantity]:
    """Every figure in `text`, in order, with offsets into `text`."""
    toks = _tokens(text)
    parser = _Parser(text, toks)
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        found = parser.parse(i) if _may_start(toks[i]) else None
        if found is None:
            i += 1
            continue
        quantity, i = found
        out.append(quantity)
    return out


_STARTERS = (
    set(CURRENCY_SYMBOLS)
    | set(CURRENCY_CODES)
    | set(UNITS_WORDS)
    | set(TENS_WORDS)
    | {"a", "an", "between"}
    | {key[0] for key in COMPARATORS}
)


def _may_start(tok: _Tok) -> bool:
    """Cheap filter: a figure starts with a digit, a currency, a number word or a comparator word."""
    return tok.text[0].isdigit() or tok.text in _STARTERS or tok.low in _STARTERS
