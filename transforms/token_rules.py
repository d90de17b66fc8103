"""The attribute ruler's token rules applied with array operations.

spaCy's AttributeRuler runs its ~180 rules (tag map, auxiliaries, negation, pronoun morphology) through the
token Matcher, about 20 microseconds per token here: as much as the dependency parser. The rules are all one- or
two-token patterns over LOWER, TAG, DEP and IS_SPACE, so each can be tested for a whole sentence at once with
numpy. Same rules, same order (later rules win), same result: tests compare the two on real articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.vocab import Vocab

#: Token attributes the rules can test, in the column order of the arrays they are tested on.
TESTED = (LOWER, TAG, DEP, IS_SPACE)
_COLUMN = {"LOWER": 0, "TAG": 1, "DEP": 2, "IS_SPACE": 3}
#: Attributes the rules can set, in the column order of the arrays they write.
SET = (TAG, POS, MORPH, LEMMA, DEP)
_SET_COLUMN = {"TAG": 0, "POS": 1, "MORPH": 2, "LEMMA": 3, "DEP": 4}
#: Word forms whose regex outcomes are remembered before the memo starts again.
_REGEX_CACHE_LIMIT = 200_000


def _signed(value: int) -> np.int64:
    """A uint64 hash as the int64 with the same bits (the arrays are int64 so that head offsets can be negative)."""
    return np.array([value], dtype=np.uint64).view(np.int64)[0]


class UnsupportedRule(ValueError):
    """A rule uses an operator or attribute this module does not evaluate; keep spaCy's AttributeRuler then."""


@dataclass(frozen=True)
class _Test:
    column: int
    kind: str  # "eq", "in", "not_in", "regex"
    values: np.ndarray | None = None
    regex: re.Pattern | None = None


@dataclass(frozen=True)
class _Rule:
    patterns: tuple[tuple[tuple[_Test, ...], ...], ...]
    index: int
    writes: tuple[tuple[int, int], ...]  # (set column, value)


class TokenRules:
    def __init__(self, patterns: list[dict], vocab: Vocab):
        self.vocab = vocab
        self.rules = [self._compile(rule) for rule in patterns]
        self._regex_cache: dict[tuple[int, int], bool] = {}

    def _hash(self, value: str | bool, column: int) -> int:
        if column == _COLUMN["IS_SPACE"]:
            return int(bool(value))
        return self.vocab.strings.add(value)

    def _test(self, name: str, spec) -> _Test:
        if name not in _COLUMN:
            raise UnsupportedRule(f"attribute {name}")
        column = _COLUMN[name]
        if not isinstance(spec, dict):
            return _Test(column, "eq", np.array([self._hash(spec, column)], dtype=np.uint64))
        if set(spec) == {"IN"} or set(spec) == {"NOT_IN"}:
            op = next(iter(spec))
            values = np.array([self._hash(v, column) for v in spec[op]], dtype=np.uint64)
            return _Test(column, "in" if op == "IN" else "not_in", values)
        if set(spec) == {"REGEX"} and name == "LOWER":
            return _Test(column, "regex", regex=re.compile(spec["REGEX"]))
        raise UnsupportedRule(f"operator {spec}")

    def _compile(self, rule: dict) -> _Rule:
        patterns = tuple(
            tuple(tuple(self._test(name, spec) for name, spec in token.items()) for token in pattern)
            for pattern in rule["patterns"]
        )
        writes = []
        for name, value in rule["attrs"].items():
            if name == "POS":
                writes.append((_SET_COLUMN[name], POS_IDS[value]))
            elif name == "MORPH":
                writes.append((_SET_COLUMN[name], self.vocab.morphology.add(value)))
            elif name in _SET_COLUMN:
                writes.append((_SET_COLUMN[name], self.vocab.strings.add(value)))
            else:
                raise UnsupportedRule(f"sets {name}")
        return _Rule(patterns, rule.get("index", 0), tuple(writes))

    def _mask(self, test: _Test, tested: np.ndarray) -> np.ndarray:
        column = tested[:, test.column]
        if test.kind == "eq":
            return column == test.values[0]
        if test.kind == "in":
            return np.isin(column, test.values)
        if test.kind == "not_in":
            return ~np.isin(column, test.values)
        out = np.zeros(len(column), dtype=bool)
        for value in np.unique(column):
            key = (id(test), int(value))
            if key not in self._regex_cache:
                if len(self._regex_cache) > _REGEX_CACHE_LIMIT:  # one entry per word form seen: keep it bounded
                    self._regex_cache.clear()
                self._regex_cache[key] = test.regex.search(self.vocab.strings[int(value)]) is not None
            if self._regex_cache[key]:
                out |= column == value
        return out

    def apply(self, tested: np.ndarray, values: np.ndarray, rows: np.ndarray, segment: np.ndarray) -> None:
        """Set `values` (columns as in SET, int64) where the rules match, only at `rows` (a bool mask);
        a two-token pattern matches only inside one segment (sentence)."""
        n = len(tested)
        for rule in self.rules:
            for pattern in rule.patterns:
                width = len(pattern)
                if width > n:
                    continue
                starts = np.ones(n - width + 1, dtype=bool)
                for offset, token in enumerate(pattern):
                    for test in token:
                        starts &= self._mask(test, tested)[offset : n - width + 1 + offset]
                    if offset:
                        starts &= segment[offset : n - width + 1 + offset] == segment[: n - width + 1]
                targets = np.flatnonzero(starts) + (rule.index if rule.index >= 0 else width + rule.index)
                targets = targets[rows[targets]]
                for column, value in rule.writes:
                    values[targets, column] = _signed(value)
