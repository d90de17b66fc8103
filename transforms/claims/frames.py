"""The frame of a cue word: what kind of complement it takes in this sentence.

"called for a ban" and "called him a liar" attribute; "called the office" does not. Counting cues per lemma and
frame lets the lexicon tell these apart without a hand-written rule per verb.
"""

from __future__ import annotations

from spacy.tokens import Token

#: Complement dependencies in the order that decides the frame when a verb has several.
_COMPLEMENT_ORDER = ("ccomp", "xcomp", "dobj", "oprd", "attr", "acomp")


def frame_of(tok: Token) -> str:
    """'pass' for a passive, 'prt:out' for a particle, else the first complement dependency, 'prep:for' for a
    prepositional complement after the word, or 'none'."""
    children = list(tok.children)
    deps = {c.dep_ for c in children}
    if "auxpass" in deps or "nsubjpass" in deps:
        return "pass"
    particle = next((c for c in children if c.dep_ == "prt"), None)
    if particle is not None:
        return f"prt:{particle.lower_}"
    for dep in _COMPLEMENT_ORDER:
        if dep in deps:
            return dep
    prep = next((c for c in children if c.dep_ in ("prep", "agent") and c.i > tok.i), None)
    if prep is not None:
        return f"prep:{prep.lower_}"
    return "none"
