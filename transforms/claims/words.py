"""The word lists of the claims stage, read once from data/claim_words.toml (one commented list a fact)."""

from __future__ import annotations

import tomllib
from pathlib import Path

WORDS_PATH = Path(__file__).resolve().parents[1] / "data" / "claim_words.toml"
_LISTS = tomllib.loads(WORDS_PATH.read_text(encoding="utf-8"))


def _list(name: str) -> frozenset[str]:
    return frozenset(_LISTS[name])


REPORTING_VERBS = _list("reporting_verbs")
DOCUMENT_ONLY_VERBS = _list("document_only_verbs")
NP_CONTENT_CUES = _list("np_content_cues")
CLAUSE_ONLY = _list("clause_only")
CLAIM_NOUNS = _list("claim_nouns")
SUMMARY_NOUNS = CLAIM_NOUNS | _list("summary_nouns_extra")
CLAUSE_HOSTS = CLAIM_NOUNS | _list("clause_hosts_extra")
DOCUMENT_NOUNS = _list("document_nouns")
FINDING_NOUNS = _list("finding_nouns")
INSTITUTION_NOUNS = _list("institution_nouns")
PERSON_ROLE_NOUNS = _list("person_role_nouns")
SPEECH_ACT_VERBS = _list("speech_act_verbs")
TITLE_WORDS = PERSON_ROLE_NOUNS | _list("title_words_extra")
MODALS = _list("modals")
IDENTIFY_VERBS = _list("identify_verbs")
QUESTION_WORDS = _list("question_words")
CONDITIONAL_MARKS = _list("conditional_marks")
QUANTIFIER_HEADS = _list("quantifier_heads")
INDEFINITE = _list("indefinite")
RELATIVE = _list("relative")
RAISING_VERBS = _list("raising_verbs")
MALE_TITLES = _list("male_titles")
FEMALE_TITLES = _list("female_titles")
FEMALE_NAMES = _list("female_names")
MALE_NAMES = _list("male_names")
LABEL_WORDS = _list("label_words")
ADVERBIAL_MARKS = _list("adverbial_marks")
ASKED_WHEN = _list("asked_when")
PERSONAL_PRONOUNS = _list("personal_pronouns")
FIRST_SECOND = _list("first_second_pronouns")
THIRD_PERSON = PERSONAL_PRONOUNS - FIRST_SECOND
REPLY_CUES = _list("reply_cues")
