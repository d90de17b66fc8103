"""Reading the dependency tree around a cue: subjects, clauses, complements, and spans trimmed to their words."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from transforms.claims.lexicon import ALL_FRAMES, QUOTE_CUE_MIN_RATE, cue_rate
from transforms.claims.quotes import QUOTE_CHARS
from transforms.claims.words import (
    ADVERBIAL_MARKS,
    ASKED_WHEN,
    DOCUMENT_NOUNS,
    RELATIVE,
    REPORTING_VERBS,
    SPEECH_ACT_VERBS,
    SUMMARY_NOUNS,
)


def _is_edge_junk(tok: Token) -> bool:
    return (
        tok.is_punct
        or tok.is_space
        or tok.text in QUOTE_CHARS
        or (tok.dep_ == "mark" and tok.lower_ == "that")
        or tok.dep_ == "cc"
        and tok.lower_ in ("and", "but")
    )


def summary_noun(tok: Token) -> bool:
    return (
        tok.dep_ in ("npadvmod", "appos")
        and tok.lemma_.lower() in SUMMARY_NOUNS
        and tok.left_edge.i > 0
        and (tok.doc[tok.left_edge.i - 1].text == ",")
    )


def trim(doc: Doc, first: int, last: int) -> tuple[int, int] | None:
    """Token range [first, last] without edge punctuation, quote marks, a leading 'that' and a trailing
    summing-up apposition ('..., a claim the ministry denied') -> char span."""
    for tok in doc[first : last + 1]:
        if summary_noun(tok) and tok.left_edge.i > first:
            last = tok.left_edge.i - 1
            break
    while first <= last and _is_edge_junk(doc[first]):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space or doc[last].text in QUOTE_CHARS):
        last -= 1
    if first > last:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def has_infinitive_to(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def that_clause(noun: Token) -> Token | None:
    for child in noun.children:
        is_clause = child.dep_ in ("acl", "ccomp", "relcl", "appos") and child.pos_ in ("VERB", "AUX")
        if is_clause and any(m.dep_ == "mark" and m.lower_ in ("that", "whether", "if") for m in child.children):
            return child
    return None


def object_of(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in ("dobj", "obj") and child.tag_ not in ("WDT", "WP") and child.lower_ not in RELATIVE:
            return child
    return None


def comment_on(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "about"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def asked_clause(tok: Token) -> Token | None:
    """'Asked whether X, Y declined to confirm ...': the clause of the question, when the sentence opens with it."""
    sent = tok.sent
    first = next((t for t in sent if not (t.is_punct or t.is_space or t.text in QUOTE_CHARS)), None)
    if first is None or first.lower_ != "asked":
        return None
    for child in first.children:
        if child.dep_ in ("ccomp", "advcl") and any(m.lower_ in ("whether", "if") for m in child.children):
            return child
    return None


def own_subject(tok: Token) -> Token | None:
    """The verb's subject; with two ("The charity Warm Homes Trust") the proper noun."""
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
    if not subjects:
        return None
    return next((c for c in subjects if c.pos_ == "PROPN"), subjects[0])


def back_to_narrative(verb: Token) -> bool:
    """'said A would help households and insisted that B': the parser hangs 'insisted' under A, but it is the
    reporter's narrative again (a reporting verb, or a simple past after a clause in another tense)."""
    if verb.head.dep_ != "ccomp" or own_subject(verb) is not None or passive(verb):
        return False
    if any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in verb.children):
        return False  # "said A and that B": B is reported too
    if verb.dep_ == "advcl":
        return verb.tag_ == "VBG" and verb.lemma_.lower() in REPORTING_VERBS  # ", saying ..." / ", adding ..."
    if verb.dep_ != "conj":
        return False
    if verb.lemma_.lower() in REPORTING_VERBS or verb.lemma_.lower() in SPEECH_ACT_VERBS:
        return True
    return (
        verb.tag_ == "VBD"
        and verb.head.tag_ != "VBD"
        and not any(c.dep_ == "aux" for c in verb.head.children if c.tag_ == "VBD" and c.lemma_ != "be")
    )


def relativised(clause: Token) -> bool:
    return any(c.tag_ in ("WDT", "WP", "WP$") or c.lower_ in RELATIVE for c in clause.children)


def adverbial(clause: Token, verb: Token) -> bool:
    """'..., officials said, as winds rose': a clause opened by 'as'/'while'/... is circumstance, not content."""
    if any(m.dep_ == "mark" and m.lower_ in ("that", "whether") for m in clause.children):
        return False
    doc = clause.doc
    first = doc[clause.left_edge.i]
    before = doc[clause.left_edge.i - 1] if clause.left_edge.i - 1 > verb.i else None
    return first.lower_ in ADVERBIAL_MARKS or (before is not None and before.lower_ in ADVERBIAL_MARKS)


def narrative_participle(child: Token) -> bool:
    """'..., weeks after insisting that ...': a subjectless reporting participle hanging inside the clause."""
    return any(
        t.lemma_.lower() in REPORTING_VERBS
        and t.tag_ == "VBG"
        and t.dep_ in ("pcomp", "advcl")
        and own_subject(t) is None
        for t in child.subtree
    )


def clause_range(clause: Token) -> tuple[int, int]:
    """The clause subtree, cut before a coordinated verb or participle that goes back to the narrative."""
    first, last = subtree_range(clause)
    cut = [c for c in clause.children if c.i > clause.i and (back_to_narrative(c) or narrative_participle(c))]
    if cut:
        last = cut[0].left_edge.i - 1
        while last > first and (clause.doc[last].dep_ == "cc" or clause.doc[last].is_punct):
            last -= 1
    return first, last


def is_document(tok: Token) -> bool:
    return tok.lemma_.lower() in DOCUMENT_NOUNS or tok.lower_ in DOCUMENT_NOUNS


def passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


#: How many heads up subject_of looks for an inherited subject ("sign up ... by citing": citing, by, sign,
#: able, be).
SUBJECT_CLIMB = 6
_INHERITS_SUBJECT = frozenset({"conj", "xcomp", "advcl", "pcomp", "prep", "ccomp", "acomp"})


def subject_of(tok: Token) -> Token | None:
    """The grammatical subject, inherited through 'and warned', 'adding that', 'declined to confirm', 'were more
    likely to say', 'by citing'."""
    current = tok
    for _ in range(SUBJECT_CLIMB):
        subj = own_subject(current)
        if subj is not None:
            return subj
        if back_to_narrative(current):
            current = current.head.head
            continue
        if current.dep_ in _INHERITS_SUBJECT and current.head.i != current.i:
            current = current.head
            continue
        return None
    return None


#: Dependencies after a cue word that are never part of its content.
#: Children after a cue that, set off by a comma, start the narrative again rather than continue the content.
_SET_OFF = frozenset({"advcl", "npadvmod", "prep", "conj", "parataxis", "dep", "xcomp", "ccomp"})
_NOT_COMPLEMENT = frozenset(
    {"punct", "cc", "conj", "space", "dep", "mark", "aux", "neg", "nsubj", "nsubjpass", "dative", "prt"}
)
#: Prepositions that complete an object: "described it as a mistake", "accused her of lying", "blamed X for Y".
_OBJECT_PREPS = frozenset({"as", "of", "for", "to", "on", "over", "with"})
#: Verbs whose object is the person addressed.
ADDRESSEE_VERBS = frozenset({"tell", "inform", "brief", "thank"})


def complement(tok: Token) -> tuple[int, int] | None:
    """Token range of what a cue word governs after itself. A clause wins ('groused to a crowd that X': X); else
    the object with what completes it ('called him a liar', 'described it as a mistake', 'accused her of lying',
    'urged voters to stay home'); else everything after the word, up to a comma that sets off a participle or
    adverbial clause (', saying ...', ', as ...')."""
    after = [c for c in tok.children if c.i > tok.i and c.dep_ not in _NOT_COMPLEMENT]
    clause = next((c for c in after if c.dep_ == "ccomp"), None)
    obj = next((c for c in after if c.dep_ in ("dobj", "obj")), None)
    if clause is not None and (obj is None or clause.i < obj.i or tok.lemma_.lower() in ADDRESSEE_VERBS):
        kept = [clause]
    elif obj is not None:
        kept = [obj] + [
            c
            for c in after
            if c.i > obj.i
            and (c.dep_ in ("oprd", "xcomp", "ccomp", "attr") or (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPS))
        ]
    else:
        kept = []
        for child in after:
            before = tok.doc[child.left_edge.i - 1]
            if kept and before.text in (",", "—", "–", ";") and child.dep_ in _SET_OFF:
                break
            if child.dep_ in ("advcl", "npadvmod") and before.text == ",":
                break
            kept.append(child)
    if not kept or all(c.tag_ in ("WDT", "WP") for c in kept):
        return None
    first, last = min(c.left_edge.i for c in kept), max(c.right_edge.i for c in kept)
    if clause is None or kept[0] is not clause:
        if kept[0].dep_ == "prep" and kept[0].i == first and first < last:
            first += 1  # "pointed to the example": the content is what the preposition governs
        last = _before_aside(tok.doc, first, last)
    return first, last


def _before_aside(doc: Doc, first: int, last: int) -> int:
    """A phrase without the aside that closes it ('criticised Clinton's email use, which an FBI investigation
    said was careless'): the aside says something else, often a claim of its own."""
    for tok in doc[first + 1 : last + 1]:
        closing = tok.dep_ in ("relcl", "acl") and tok.right_edge.i >= last
        participle = tok.tag_ == "VBG" and tok.dep_ in ("acl", "advcl")  # ", calling it meritless"
        if closing or participle:
            start = tok.left_edge.i
            if start > first + 1 and doc[start - 1].text == ",":
                return start - 2
    return last


def agent_of(tok: Token) -> Token | None:
    """The 'by X' of a passive verb, X."""
    by = next((c for c in tok.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def asked_opening(tok: Token) -> tuple[int, int] | None:
    """'Asked about her vote, Sanders said ...' / '..., she said when asked why he trailed' / 'Blumenthal was asked
    whether ...': the question put to the speaker, a claim of its own whose asker the text does not name."""
    if tok.lower_ != "asked" or not (tok.tag_ == "VBN" or (tok.tag_ == "VBD" and tok.dep_ == "advcl")):
        return None  # 'Asked what that might look like, she said': a participle the tagger took for a past tense
    if own_subject(tok) is not None:
        return None  # "she asked whether": the asker is named
    asked = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    if asked is not None and asked.tag_ in ("WP", "WDT"):
        return None  # "Davis, who was asked about ...": the question belongs to the relative clause
    asked_when = any(c.dep_ in ("mark", "advmod") and c.lower_ in ASKED_WHEN for c in tok.children)
    first = next((t for t in tok.sent if not (t.is_punct or t.is_space or t.text in QUOTE_CHARS)), None)
    if asked is None and not asked_when and (first is None or first.i != tok.i):
        return None
    question = [c for c in tok.children if c.dep_ in ("ccomp", "prep", "dobj", "xcomp", "advcl") and c.i > tok.i]
    if not question:
        return None
    return question[0].left_edge.i, max(c.right_edge.i for c in question)


def around_parenthetical(tok: Token) -> list[tuple[int, int]]:
    """', he said,' / 'As Clyburn noted, ...' / '..., Viguerie argues.': a cue clause with nothing after it, set off
    inside its sentence; the sentence around it is the content (one or two token ranges)."""
    sent = tok.sent
    first, last = tok.left_edge.i, tok.right_edge.i
    doc = tok.doc
    while first < tok.i and doc[first].is_punct:
        first += 1
    while last > tok.i and doc[last].is_punct:
        last -= 1
    opens = first == sent.start or doc[first - 1].text in (",", "—", "–") or doc[first].lower_ == "as"
    closes = last + 1 >= sent.end or doc[last + 1].text in (",", "—", "–", ".", "!", "?") or doc[last + 1].is_space
    if not (opens and closes):
        return []
    return [(a, b) for a, b in ((sent.start, first - 1), (last + 1, sent.end - 1)) if b - a >= 1]


def quote_cue(tok: Token, lexicon: bool = True) -> bool:
    """A verb that attributes a quotation next to it: a reporting verb, or (with lexicon) any verb the lexicon
    has seen as a cue often enough ('"...," he joked', '"...," Trump shot back')."""
    if not tok.tag_.startswith("VB") or tok.dep_ in ("aux", "auxpass", "amod", "compound"):
        return False  # '"...," Mr. Trump had said' / 'told the Post in a written statement, "..."': not these
    lemma = tok.lemma_.lower()
    return lemma in REPORTING_VERBS or (lexicon and cue_rate(lemma, "VERB", ALL_FRAMES) >= QUOTE_CUE_MIN_RATE)


def cue_lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    if lemma == "point":
        return "point out"
    return {"emphasize": "emphasise"}.get(lemma, lemma)
