"""The word lists of the figure finder, read once from data/quantity_words.toml (one commented list a fact)."""

from __future__ import annotations

import tomllib
from pathlib import Path

WORDS_PATH = Path(__file__).resolve().parent / "data" / "quantity_words.toml"
_LISTS = tomllib.loads(WORDS_PATH.read_text(encoding="utf-8"))

UNITS_WORDS: dict[str, int] = _LISTS["units_words"]
TENS_WORDS: dict[str, int] = _LISTS["tens_words"]
SCALES: dict[str, int] = _LISTS["scales"]
GLUED_SCALES: dict[str, int] = _LISTS["glued_scales"]
CURRENCY_SYMBOLS: dict[str, str] = _LISTS["currency_symbols"]
CURRENCY_CODES: dict[str, str] = _LISTS["currency_codes"]
CURRENCY_WORDS: dict[str, str] = _LISTS["currency_words"]
#: Phrase (lower-case words) -> (comparator, approximate).
COMPARATORS: dict[tuple[str, ...], tuple[str, bool]] = {
    tuple(phrase.split()): (comparator, approximate)
    for phrase, (comparator, approximate) in _LISTS["comparators"].items()
}
MONTHS = frozenset(_LISTS["months"])
TIME_WORDS = frozenset(_LISTS["time_words"])
YEAR_PREPOSITIONS = frozenset(_LISTS["year_prepositions"])
UNIT_SYNONYMS: dict[str, str] = _LISTS["unit_synonyms"]
KNOWN_UNITS = frozenset(_LISTS["known_units"])
STOP = frozenset(_LISTS["stop"])
NOT_PLURAL = frozenset(_LISTS["not_plural"])
DETERMINERS_OF = frozenset(_LISTS["determiners_of"])
