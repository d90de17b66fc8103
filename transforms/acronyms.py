"""Acronyms defined in the text: "Drug Enforcement Administration (DEA)", found with the Schwartz-Hearst rule.

Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation definitions in biomedical text":
a short form in parentheses, the words just before it as the long-form candidate, and a right-to-left walk that
finds each letter of the short form in the candidate, the first letter at the start of a word. Pure string work:
the entity linker turns each definition into one entity for the long form and every use of the short form.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: "(DEA)", "(PG&E)", "(U.N.)": an upper-case short form of 2-10 characters in parentheses.
_SHORT = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.\-]{1,9})\s*\)")
_WORD = re.compile(r"\S+")
#: Words a long form may contain in lower case ("Bureau of Alcohol, Tobacco and Firearms").
_LOWER_OK = frozenset({"of", "for", "and", "the", "on", "in", "to", "de", "du", "des", "la", "le", "&"})


class Definition(NamedTuple):
    long_start: int
    long_end: int
    short: str
    short_start: int
    short_end: int


def _match_long_form(short: str, long: str) -> int | None:
    """Start offset in long of the shortest tail that spells short (Schwartz-Hearst), or None."""
    s, i = len(short) - 1, len(long) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        # The first letter of the short form must start a word of the long form.
        while i >= 0 and (long[i].lower() != ch or (s == 0 and i > 0 and long[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    return long.rfind(" ", 0, i + 1) + 1


def _match_initials(short: str, long: str) -> int | None:
    """Start offset of the capitalised words whose initials spell short, connectors skipped
    ('Office of Rural Water Safety' for ORWS), or None."""
    letters = [ch for ch in short if ch.isalpha()]
    words = list(_WORD.finditer(long))
    k = len(letters) - 1
    for match in reversed(words):
        word = match.group().strip("\"'(,")
        if not word:
            return None
        if k >= 0 and word[:1].upper() == letters[k].upper() and word[:1].isupper():
            k -= 1
            if k < 0:
                return match.start()
        elif word.lower() not in _LOWER_OK:
            return None
    return None


def find_definitions(text: str) -> list[Definition]:
    """'Long Form (LF)' definitions whose long form is a capitalised name of two or more words."""
    found = []
    for match in _SHORT.finditer(text):
        short = match.group(1).rstrip(".-")
        letters = [ch for ch in short if ch.isalpha()]
        if len(letters) < 2 or sum(ch.isupper() for ch in letters) < 2:
            continue
        line_start = max(text.rfind("\n", 0, match.start()), text.rfind("(", 0, match.start())) + 1
        words = list(_WORD.finditer(text, line_start, match.start()))
        window = words[-min(len(letters) + 5, len(letters) * 2) :]
        if not window:
            continue
        base = window[0].start()
        candidate = text[base : window[-1].end()].rstrip(",;:")
        offset = _match_initials(short, candidate)
        if offset is None:
            offset = _match_long_form(short, candidate)
        if offset is None:
            continue
        long = candidate[offset:]
        long_words = long.split()
        if len(long_words) < 2 or short in long_words or not long[:1].isupper():
            continue
        if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _LOWER_OK for w in long_words):
            continue
        found.append(
            Definition(base + offset, base + offset + len(long), short, match.start(1), match.start(1) + len(short))
        )
    return found
