"""How sure a claim is (hedging cues) and which way it points (polarity).

Analysts filter on "hedged or denied" claims, so both are computed from the parse of the claim rather than from
keywords alone: "could" is a hedge but "could not show" is not; "believed" hedges in "is believed to" but is a
nested attribution in "officials believed that"; "likely" hedges but "less likely" compares.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

__all__ = ["hedge_cues", "polarity_of", "HEDGING_CUE_VERBS", "DENIAL_CUES", "QUESTION_CUES"]

#: Reporting verbs that themselves hedge what they report ("X estimated that", "X believes").
HEDGING_CUE_VERBS = frozenset({"believe", "estimate", "suggest", "think", "speculate", "suspect", "reckon", "guess"})
DENIAL_CUES = frozenset({"deny", "reject", "dismiss", "refute", "dispute", "rebut", "rebuff", "contest"})
QUESTION_CUES = frozenset({"ask", "question", "wonder", "doubt", "query"})
#: Cues that can be declined ("declined to confirm / comment / say whether").
CONFIRM_CUES = frozenset(
    {
        "confirm",
        "comment",
        "say",
        "disclose",
        "reveal",
        "specify",
        "discuss",
        "elaborate",
        "deny",
        "verify",
        "acknowledge",
        "name",
        "respond",
        "answer",
    }
)
DECLINE_VERBS = frozenset({"decline", "refuse"})

_ADVERBS = frozenset(
    {
        "reportedly",
        "allegedly",
        "apparently",
        "possibly",
        "probably",
        "perhaps",
        "likely",
        "unlikely",
        "seemingly",
        "supposedly",
        "purportedly",
        "presumably",
        "conceivably",
        "potentially",
        "unconfirmed",
        "unverified",
    }
)
_MODALS = frozenset({"may", "might", "could"})
_APPEAR_VERBS = frozenset({"appear", "seem"})
_PASSIVE_HEDGES = frozenset({"believe", "estimate", "think", "understand", "rumour", "rumor"})
#: Hedge only as "is said to be", "is reported to have" - "deaths have been reported" is a plain statement.
_PASSIVE_TO_HEDGES = frozenset({"say", "report", "allege"})
_HEDGING_ADJECTIVES = frozenset(
    {"estimated", "alleged", "suspected", "presumed", "purported", "reported", "believed", "rumoured", "rumored"}
)
_NEGATIONS = frozenset({"not", "n't", "never", "neither", "nor"})


def _is_hedge(tok: Token) -> bool:
    low = tok.lower_
    if low in _MODALS and tok.tag_ == "MD":
        nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
        return not (low == "could" and nxt is not None and nxt.lower_ in _NEGATIONS)
    if low in _ADVERBS:
        prev = tok.nbor(-1) if tok.i > 0 else None
        return not (low in ("likely", "unlikely") and prev is not None and prev.lower_ in ("less", "more", "most"))
    lemma = tok.lemma_.lower()
    if low in _HEDGING_ADJECTIVES and tok.tag_ == "JJ":
        return True  # "an estimated 28,000", "the alleged plot"
    if lemma in _APPEAR_VERBS and tok.pos_ in ("VERB", "AUX"):
        return True
    followed_by_to = tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to"
    if lemma in _PASSIVE_TO_HEDGES and tok.tag_ == "VBN":
        return followed_by_to and any(c.dep_ == "auxpass" for c in tok.children)
    if lemma in _PASSIVE_HEDGES and tok.tag_ == "VBN":
        # "is believed to", "an estimated 28,000", "are estimated at" - not "officials believed that".
        return tok.dep_ in ("amod", "acl") or any(c.dep_ == "auxpass" for c in tok.children) or followed_by_to
    return False


def hedge_cues(tokens: Iterable[Token], cue_lemma: str | None = None) -> list[str]:
    """Hedging words among `tokens` (lower-cased, first-seen order), plus the cue verb when it hedges."""
    found: list[str] = []
    if cue_lemma in HEDGING_CUE_VERBS:
        found.append(cue_lemma)
    for tok in tokens:
        if _is_hedge(tok):
            word = tok.lower_
            if word not in found:
                found.append(word)
    return found


def _negated(tok: Token) -> bool:
    return any(c.dep_ in ("neg", "preconj") and c.lower_ in _NEGATIONS for c in tok.children)


def polarity_of(cue: Token | None, cue_lemma: str, content: str, is_direct: bool) -> str:
    """asserted, denied, declined_to_confirm or questioned, from the cue verb and its context."""
    refused = cue is not None and cue_lemma in DECLINE_VERBS
    if refused and any(c.dep_ == "xcomp" and c.lemma_.lower() in CONFIRM_CUES for c in cue.children):
        return "declined_to_confirm"  # "declined to comment": the refusal is the claim
    if cue is not None and cue_lemma in CONFIRM_CUES:
        head = cue.head
        if (cue.dep_ == "xcomp" and head.lemma_.lower() in DECLINE_VERBS) or _negated(cue):
            return "declined_to_confirm"
        if cue.dep_ == "conj" and (_negated(head) or head.lemma_.lower() in DECLINE_VERBS):
            return "declined_to_confirm"
        if cue.dep_ == "conj" and head.dep_ == "xcomp" and head.head.lemma_.lower() in DECLINE_VERBS:
            return "declined_to_confirm"
    if cue_lemma in DENIAL_CUES:
        return "denied"
    if cue_lemma in QUESTION_CUES:
        return "questioned"
    if is_direct and content.rstrip().endswith("?"):
        return "questioned"
    return "asserted"
