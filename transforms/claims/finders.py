"""Attributions in one article, each finder over the Doc the entity stage already parsed.

- direct quotes: a quotation at the start of a sentence (or after "X said:") with a cue verb right after or before
  it; an interrupted quote ("A," she said, "B.") and the quote sentences that follow an attributed quote in the
  same paragraph are one claim; a quote paragraph that follows an attributed paragraph is a continuation claim
  with the same speaker;
- reported speech: a reporting verb with a clause ("X said that ...", "..., X said", "X denied reports that ...");
- "according to X";
- cues the lexicon knows in their frame ("accused X of ...", "called for ...", "urged X to ..."), learned from
  PolNeAR train (transforms.claims.lexicon), with their complement as content;
- labelled lines ("Graham: Trump's rhetoric ...", transcript turns "PENCE: ...");
- claims without a source ("X is expected to ...", "X seemed ...", "Asked about X, ...").
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import LOWER, TAG
from spacy.strings import hash_string
from spacy.tokens import Token

from transforms.claims.content import ContentFinder
from transforms.claims.frames import frame_of
from transforms.claims.index import ArticleIndex
from transforms.claims.lexicon import LEXICON_MIN_RATE, cue_lemmas, cue_rate
from transforms.claims.phrases import PhraseFinders
from transforms.claims.quotes import QUOTE_CHARS, Quote
from transforms.claims.records import Attribution
from transforms.claims.syntax import (
    ADDRESSEE_VERBS,
    agent_of,
    around_parenthetical,
    asked_clause,
    asked_opening,
    complement,
    cue_lemma,
    has_infinitive_to,
    is_document,
    own_subject,
    passive,
    quote_cue,
    subject_of,
    subtree_range,
    summary_noun,
    trim,
)
from transforms.claims.words import (
    CLAUSE_ONLY,
    CONDITIONAL_MARKS,
    DOCUMENT_ONLY_VERBS,
    FINDING_NOUNS,
    IDENTIFY_VERBS,
    MODALS,
    QUESTION_WORDS,
    RAISING_VERBS,
    REPORTING_VERBS,
)
from transforms.hedging import CONFIRM_CUES, DECLINE_VERBS

#: Verbs whose object is only who was addressed ("told CNN"); whom someone thanks is what the thanks say.
ADDRESSEE_ONLY_VERBS = ADDRESSEE_VERBS - {"thank"}
#: Longest speaker phrase between a quote and its verb ('Dr. Helena Voss, the province's chief medical officer,').
MAX_SPEAKER_TOKENS = 16
_ACCORDING = hash_string("according")
_IN = hash_string("in")


#: Children of a verb after a quote that carry what the verb itself reports.
OWN_CONTENT_DEPS = frozenset({"ccomp", "dobj", "xcomp"})


def _possessive(tok: Token) -> bool:
    """ "Sanders' campaign manager": an apostrophe closing a plural possessive, not a quotation mark."""
    if tok.text not in ("'", "’") or tok.i == 0:
        return False
    before = tok.doc[tok.i - 1]
    return before.text.endswith(("s", "S")) and not before.whitespace_


def cue_verbs() -> frozenset[str]:
    """Every verb lemma some finder may take as a cue outside a quotation: the reporting verbs, the verbs the
    lexicon rates as cues in some frame, and the verbs of impressions. The selective parser parses the sentences
    that hold one of them."""
    return REPORTING_VERBS | RAISING_VERBS | cue_lemmas("VERB", LEXICON_MIN_RATE)


def cue_other_words() -> frozenset[str]:
    """Words that are no verbs but open an attribution the finders read from the parse: "according (to)", the
    findings of "in a new poll" and stance adjectives ("are worried that"). The selective parser parses the
    sentences that hold one of them too."""
    return frozenset({"according"}) | FINDING_NOUNS | stance_adjectives()


def stance_adjectives() -> frozenset[str]:
    """Adjectives the lexicon counts as cues after "be" ('worried', 'eager', 'skeptical'), as written."""
    return frozenset(w for w in cue_lemmas("ADJ", LEXICON_MIN_RATE) if w.isalpha() and len(w) > 2)


def is_cue_word(tok: Token) -> bool:
    """The lexicon counts this word, in this frame, as a cue on its own."""
    return cue_rate(tok.lemma_.lower(), tok.pos_, frame_of(tok)) >= LEXICON_MIN_RATE


#: Prepositions after a stance adjective that take what the stance is about ("worried about X", "proud of X").
_STANCE_PREPS = frozenset({"about", "of", "with", "in"})


def is_stance_adjective(tok: Token) -> bool:
    """'are worried that ...', 'is eager to ...', 'was critical of ...': an adjective after "be" that the lexicon
    counts as a cue, its stance the subject's own."""
    if tok.dep_ != "acomp" or tok.head.lemma_.lower() != "be":
        return False
    frame = frame_of(tok)
    lemmas = {tok.lemma_.lower(), tok.lower_}
    rates = [cue_rate(lemma, "ADJ", frame) for lemma in lemmas]
    if tok.tag_ == "VBN":
        rates.append(cue_rate(tok.lemma_.lower(), "VERB", frame))
    return max(rates) >= LEXICON_MIN_RATE


def stance_content(tok: Token) -> tuple[int, int] | None:
    """Token range of what a stance adjective is about: its clause ('that the plan will fail', 'to help'), else
    the object of its preposition ('about the cost')."""
    clause = next((c for c in tok.children if c.dep_ in ("ccomp", "xcomp")), None)
    if clause is not None:
        return clause.left_edge.i, clause.right_edge.i
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in _STANCE_PREPS:
            obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                return obj.left_edge.i, obj.right_edge.i
    return None


def is_raising(tok: Token) -> bool:
    """'seemed to ...', 'appears weak', 'looks like a ...': an impression the text gives without a source."""
    if tok.lemma_.lower() == "look" and any(c.dep_ == "xcomp" and has_infinitive_to(c) for c in tok.children):
        return False  # "Democrats were looking to boost turnout": what they intend, theirs
    return tok.lemma_.lower() in RAISING_VERBS and frame_of(tok) in ("xcomp", "acomp", "attr", "oprd", "ccomp")


class AttributionFinder(PhraseFinders):
    """Runs the three finders over one article and returns attributions in document order."""

    def __init__(self, index: ArticleIndex):
        self.ix = index
        self.doc = index.doc
        self.content = ContentFinder(index.doc)
        self.used_cues: set[int] = set()
        # Only verb-tagged tokens can be cue verbs: one pass over the tag column instead of a Token per word.
        tags = index.doc.to_array([TAG])
        verb_tags = [index.doc.vocab.strings.add(t) for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")]
        self.verb_tokens = [index.doc[int(i)] for i in np.flatnonzero(np.isin(tags, verb_tags))]
        lower = index.doc.to_array([LOWER])
        self.according = [index.doc[int(i)] for i in np.flatnonzero(lower == _ACCORDING)]
        self.ins = [index.doc[int(i)] for i in np.flatnonzero(lower == _IN)]

    def find(self) -> list[Attribution]:
        direct = self.direct_quotes()
        reported = self.reported()
        according = self.according_to() + self.in_findings()
        learned = self.lexicon_cues() + self.adjective_cues()
        labelled = self.colon_labels()
        found = direct + reported + according + learned + labelled
        found += self.impersonal_cues([seg for att in found for seg in att.segments])
        found.sort(key=lambda a: (a.anchor, a.start))
        return found

    # direct quotes ----------------------------------------------------------------------------------------------
    def direct_quotes(self) -> list[Attribution]:
        out: list[Attribution] = []
        by_cue: dict[int, Attribution] = {}
        quotes = self.ix.quotes
        for k, quote in enumerate(quotes):
            if quote.end <= quote.start:
                continue
            next_open = quotes[k + 1].open_at if k + 1 < len(quotes) else len(self.ix.text)
            prev_close = quotes[k - 1].close_end if k else 0
            att = self.quote_attribution(quote, prev_close, next_open, by_cue, out)
            if att is not None and att not in out:
                out.append(att)
        return out

    def _prev_char_any(self, pos: int) -> tuple[str, int]:
        """The previous non-whitespace character (across paragraph breaks) and its offset."""
        text = self.ix.text
        while pos > 0 and text[pos - 1].isspace():
            pos -= 1
        return (text[pos - 1], pos - 1) if pos > 0 else ("\n", 0)

    def _prev_char(self, pos: int) -> str:
        text = self.ix.text
        while pos > 0 and text[pos - 1].isspace() and text[pos - 1] != "\n":  # no-break spaces too
            pos -= 1
        return text[pos - 1] if pos > 0 else "\n"

    def quote_attribution(
        self, quote: Quote, prev_close: int, next_open: int, by_cue: dict[int, Attribution], done: list[Attribution]
    ) -> Attribution | None:
        prev = self._prev_char(quote.open_at)
        colon_before = self._prev_char_any(quote.open_at)
        if prev == "\n" and colon_before[0] == ":":
            prev = ":"  # 'He added:' closing the previous paragraph, the quote opening this one
            prev_close = min(prev_close, colon_before[1])
        starts_sentence = prev in "\n.!?—–(" or prev in QUOTE_CHARS
        if not starts_sentence and prev not in ",:;":
            return None  # a fragment inside reported speech ("was 'pure invention'")
        self.ix.speech_quotes.append((quote.start, quote.end))
        after = self.cue_after(quote, next_open)
        before = self.cue_before(quote, prev_close)
        if prev == "," and before is None and after is None:
            resumed = self.resumed_after_cue(quote, prev_close, done)
            if resumed is not None:
                resumed.segments.append((quote.start, quote.end))
                return resumed
        if not starts_sentence and before is None and not (prev == ":" and after is not None):
            return None  # '... would not last long: "A," Roffman predicted' keeps its cue after the quote
        ends_sentence = self.ix.text[quote.start : quote.end].rstrip().endswith((".", "…"))
        # 'Brafman said, "A." He added, "B."': a cue before a quote that ends its sentence is the quote's own; the
        # verb after it introduces the next quote.
        cue_tok = before if before is not None and ends_sentence else (after or before)
        segment = (quote.start, quote.end)
        paragraph = self.ix.paragraph_of(quote.open_at)
        if cue_tok is not None:
            if cue_tok.i in by_cue:
                att = by_cue[cue_tok.i]
                att.segments.append(segment)
                return att
            att = Attribution(
                "quote",
                cue_lemma(cue_tok),
                cue_tok,
                self.quote_subject(cue_tok, quote),
                [segment],
                True,
                cue_tok.idx,
                paragraph,
            )
            by_cue[cue_tok.i] = att
            self.used_cues.add(cue_tok.i)
            return att
        return self.continuation(quote, segment, paragraph, done)

    def resumed_after_cue(self, quote: Quote, prev_close: int, done: list[Attribution]) -> Attribution | None:
        """'"A," said Raffaello Pantucci, director of ... in London, "but B."': a quote resumed after the cue that
        the quote before it got, however long the speaker's description in between."""
        opening = self.ix.token_at(quote.open_at)
        for att in reversed(done):
            cue = att.cue_tok
            if cue is None or not att.is_direct or att.source != "quote":
                continue
            if prev_close <= cue.idx < quote.open_at and opening is not None and cue.sent == opening.sent:
                return att
            break
        return None

    def continuation(
        self, quote: Quote, segment: tuple[int, int], paragraph: int, done: list[Attribution]
    ) -> Attribution | None:
        """A quote with no attribution of its own continues the quote before it."""
        inner = self.ix.text[quote.start : quote.end].rstrip().rstrip(QUOTE_CHARS)
        if quote.closed and not inner.endswith((".", "!", "?", "…")):
            return None
        if not done:
            return None
        last = done[-1]
        if last.paragraph == paragraph and last.is_direct and last.source in ("quote", "continuation"):
            last.segments.append(segment)
            return last
        if self.ix.paragraph_of(last.end) in (paragraph, paragraph - 1) and last.end < quote.open_at:
            return Attribution(
                "continuation", last.cue, None, None, [segment], True, quote.start, paragraph, inherit=last
            )
        return None

    def _tokens_from(self, char: int, stop: int) -> list[Token]:
        tok = self.ix.token_at(char)
        if tok is None:
            return []
        out = []
        for t in self.doc[tok.i :]:
            if t.idx >= stop or "\n" in t.text:
                break
            if t.idx < char:
                continue
            if t.text in (".", "!", "?") or (t.text in QUOTE_CHARS and t.idx > char + 1 and out and not _possessive(t)):
                break
            out.append(t)
            if len(out) > MAX_SPEAKER_TOKENS + 1:
                break
        return out

    def cue_after(self, quote: Quote, next_open: int) -> Token | None:
        """'"...," Berg told reporters' / '"...," said Tomas Reyes' / '"...," she said, "...'."""
        tokens = self._tokens_from(quote.close_end, next_open)
        # After a quote that ends its sentence ('"... wrong." Lopez spoke in Rome'), only a reporting verb
        # attributes it; after '"...,"' any verb the lexicon knows as a cue does ('"...," he joked').
        open_ended = self.ix.text[quote.start : quote.end].rstrip().endswith((",", "?", "!", "—", "–", "-"))
        for n, tok in enumerate(tokens[: MAX_SPEAKER_TOKENS + 1]):
            if quote_cue(tok, lexicon=open_ended):
                if any(t.pos_ == "VERB" for t in tokens[:n]):
                    return None
                if not open_ended and any(c.dep_ in OWN_CONTENT_DEPS for c in tok.children):
                    return None  # '"... opinion." Reid said both are "non-entities."': that verb reports its own clause
                return tok
            if tok.pos_ == "VERB":
                return None
        return None

    def cue_before(self, quote: Quote, prev_close: int) -> Token | None:
        """'Berg told reporters: "..."' / 'He said, "..."' / '"A," she said, "B."'."""
        colon, at = self._prev_char_any(quote.open_at)
        end_tok = self.ix.token_at(at if colon == ":" else max(quote.open_at - 1, 0))
        if end_tok is None:
            return None
        sent_start = end_tok.sent.start
        for n, tok in enumerate(reversed(self.doc[sent_start : end_tok.i + 1])):
            if tok.idx + len(tok.text) <= prev_close or "\n" in tok.text:
                return None
            if quote_cue(tok):
                return tok
            if (tok.pos_ == "VERB" and tok.dep_ != "amod") or tok.text in (".", "!", "?") or n > 9:
                return None  # "released the following statement:" reads past "following"
        return None

    def quote_subject(self, cue: Token, quote: Quote) -> Token | None:
        subj = subject_of(cue)
        if subj is not None and not (quote.start <= subj.idx < quote.end):
            return subj
        # Parser missed the subject: the noun right before the verb, or right after it ("said Tomas Reyes").
        for tok in reversed(self.doc[max(0, cue.i - 6) : cue.i]):
            if tok.idx < quote.close_end:
                break
            if tok.pos_ in ("PROPN", "NOUN", "PRON"):
                return tok
        for tok in self.doc[cue.i + 1 : cue.i + 6]:
            if tok.pos_ in ("PROPN", "NOUN", "PRON"):
                return tok
        return None

    # reported speech --------------------------------------------------------------------------------------------
    def reported(self) -> list[Attribution]:
        out = []
        for tok in self.verb_tokens:
            if tok.i in self.used_cues:
                continue
            lemma = tok.lemma_.lower()
            if lemma not in REPORTING_VERBS:
                continue
            att = self.reported_one(tok, lemma)
            if att is not None:
                self.used_cues.add(tok.i)
                out.append(att)
        return out

    # no source: "X seemed to ...", "X is expected to ...", "Asked about X, ..." ------------------------------------
    def impersonal_cues(self, taken: list[tuple[int, int]]) -> list[Attribution]:
        """Impressions and expectations the text gives without saying whose they are: the annotated convention is
        a claim with no speaker, its content the whole clause around the cue. taken: content spans of the claims
        found so far."""
        out = []
        for tok in self.verb_tokens:
            if tok.i in self.used_cues or tok.pos_ != "VERB" or self.ix.in_quote(tok.idx):
                continue
            frame = frame_of(tok)
            raising = is_raising(tok)
            passive = (
                frame == "pass"
                and not any(c.dep_ == "agent" for c in tok.children)
                and any(
                    (c.dep_ == "xcomp" and has_infinitive_to(c))
                    or c.dep_ == "ccomp"
                    or (c.dep_ == "prep" and c.lower_ == "as")
                    for c in tok.children
                )
            )  # "is expected to win", "is seen as a uniter"; not "was reported missing"
            asked = asked_opening(tok)
            if asked is not None:
                span = trim(self.doc, asked[0], asked[1])
                # "Asked whether X, Berg declined to confirm": the question is already Berg's claim
                if span is not None and not any(a < span[1] and span[0] < b for a, b in taken):
                    self.used_cues.add(tok.i)
                    out.append(
                        Attribution(
                            "impersonal", "ask", tok, None, [span], False, tok.idx, self.ix.paragraph_of(tok.idx)
                        )
                    )
                continue
            agent = agent_of(tok) if frame == "pass" else None
            if agent is not None and is_cue_word(tok):
                att = self.passive_with_agent(tok, agent)
                if att is not None:
                    out.append(att)
                continue
            if frame == "pass" and not passive and agent is None and is_cue_word(tok):
                att = self.passive_subject(tok)
                if att is not None:
                    out.append(att)
                continue
            if not (raising or (passive and is_cue_word(tok))):
                continue
            span = trim(self.doc, tok.left_edge.i, tok.right_edge.i)
            if span is None or tok.right_edge.i - tok.left_edge.i < 2:
                continue
            self.used_cues.add(tok.i)
            att = Attribution(
                "impersonal", cue_lemma(tok), tok, None, [span], False, tok.idx, self.ix.paragraph_of(tok.idx)
            )
            out.append(att)
        return out

    def passive_subject(self, tok: Token) -> Attribution | None:
        """'The plan was approved last year', 'the dissolution of the club was announced': what the passive cue is
        about, its subject, is the content of a claim without a source."""
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if subj is None or subj.pos_ == "PRON" or subj.tag_ in ("WDT", "WP"):
            return None
        if any(c.dep_ in ("oprd", "acomp", "attr", "xcomp", "ccomp") for c in tok.children):
            return None  # "was reported missing" says how the subject is, not that it was reported
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in tok.children):
            return None  # "should not be called statically": what ought to happen, not what was said
        span = trim(self.doc, subj.left_edge.i, subj.right_edge.i)
        if span is None:
            return None
        self.used_cues.add(tok.i)
        paragraph = self.ix.paragraph_of(tok.idx)
        return Attribution("impersonal", cue_lemma(tok), tok, None, [span], False, tok.idx, paragraph)

    def passive_with_agent(self, tok: Token, agent: Token) -> Attribution | None:
        """'The move was first reported by MSNBC', 'Obama will be remembered by historians as a liberal champion':
        the agent is the source, the clause without the agent phrase the content."""
        by = agent.head
        ranges = [(tok.left_edge.i, by.i - 1), (by.right_edge.i + 1, tok.right_edge.i)]
        spans = [span for span in (trim(self.doc, a, b) for a, b in ranges if b >= a) if span is not None]
        if not spans:
            return None
        self.used_cues.add(tok.i)
        return Attribution("reported", cue_lemma(tok), tok, agent, spans, False, tok.idx, self.ix.paragraph_of(tok.idx))

    # cues from the lexicon -----------------------------------------------------------------------------------
    def lexicon_cues(self) -> list[Attribution]:
        """Words the lexicon knows as cues in this frame ('called for a ban', 'endorsed Clinton', 'wants voters to
        know'), with a subject, that no finder above took: their complement is the content."""
        out = []
        for tok in self.verb_tokens:
            if tok.i in self.used_cues or tok.pos_ != "VERB" or tok.lower_ == "according":
                continue
            if not is_cue_word(tok):
                continue
            att = self.lexicon_one(tok)
            if att is not None:
                self.used_cues.add(tok.i)
                out.append(att)
        return out

    def adjective_cues(self) -> list[Attribution]:
        """Stances the lexicon knows ('Party leaders are worried that X', 'she was eager to Y'), with the subject
        of "be" as speaker and what the adjective governs as content."""
        out = []
        for tok in self.doc:
            if tok.pos_ not in ("ADJ", "VERB") or not is_stance_adjective(tok) or self.ix.in_quote(tok.idx):
                continue
            subj = own_subject(tok.head)
            found = stance_content(tok)
            span = trim(self.doc, *found) if found is not None else None
            if subj is None or span is None:
                continue
            att = self.reported_attribution(tok, subj, [span], False, False)
            att.extra["lexicon"] = True
            out.append(att)
        return out

    def _lexicon_skip(self, tok: Token) -> bool:
        """What the reporting-verb finder rules out holds here too: conditions ('if the sample confirms'), a verb
        under a cue word ('wants to build'), anonymity requests ('asked not to be named'). Refusals ('declined to
        comment', 'did not respond to requests for comment') are claims, as news attribution annotates them."""
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in tok.children):
            return True
        if is_raising(tok):
            return True  # "Trump seemed to overstay his welcome": an impression nobody is named for
        if tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl", "amod") and own_subject(tok) is None:
            return True  # "Asked whether ...", "figures published by ..."
        if asked_opening(tok) is not None:
            return True  # "Asked what it would look like, ...", tagged a past tense: the impersonal finder's
        if has_infinitive_to(tok) and tok.dep_ == "xcomp" and is_cue_word(tok.head):
            return True  # "wants to build": the cue is "wants"; "tried to refute" is "refute"
        if any(c.dep_ == "xcomp" and passive(c) and c.lemma_.lower() in IDENTIFY_VERBS for c in tok.children):
            return True  # "asked not to be named"
        if tok.lemma_.lower() in DECLINE_VERBS:
            inner = [c for c in tok.children if c.dep_ == "xcomp"]
            return any(c.i in self.used_cues for c in inner)
        return False

    def lexicon_one(self, tok: Token) -> Attribution | None:
        if self._lexicon_skip(tok):
            return None
        subj = subject_of(tok)
        if subj is None and tok.dep_ == "acl" and tok.tag_ == "VBG" and tok.head.pos_ in ("NOUN", "PROPN"):
            subj = tok.head  # "a super PAC backing Jeb Bush", "911 calls saying shots were fired"
        if subj is None or (subj.idx > tok.idx and subj.dep_ not in ("nsubj", "nsubjpass")):
            return None
        in_quote = self.ix.in_quote(tok.idx)
        if in_quote and (own_subject(tok) is None or not self.ix.in_quote(subj.idx)):
            return None
        found = complement(tok)
        if found is not None and tok.lemma_.lower() in ADDRESSEE_ONLY_VERBS and frame_of(tok) in ("dobj", "none"):
            found = None  # "told CNN", "asked reporters": the object is who was addressed, not what was said
        before = False
        ranges = [found] if found is not None else []
        if not ranges:
            clause = self.content.before_clause(tok)
            ranges = [clause] if clause is not None else around_parenthetical(tok)
            before = True
        spans = [span for span in (trim(self.doc, a, b) for a, b in ranges) if span is not None]
        if not spans:
            return None
        att = self.reported_attribution(tok, subj, spans, before, in_quote)
        att.extra["lexicon"] = True
        return att

    def _skip_cue(self, tok: Token, lemma: str) -> bool:
        if lemma == "point" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children):
            return True
        if lemma == "put" and not any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children):
            return True
        if passive(tok):
            return True  # "was reported missing", "workers are told"
        if (
            tok.tag_ == "VBN"
            and tok.dep_ in ("advcl", "acl", "amod")
            and not any(c.dep_ in ("aux", "nsubj") for c in tok.children)
        ):
            return True  # "Asked whether ...", "figures published by"
        if asked_opening(tok) is not None:
            return True  # "Asked what it would look like, ...", tagged a past tense: the impersonal finder's
        declined = tok.dep_ == "xcomp" and tok.head.lemma_.lower() in DECLINE_VERBS
        conj_of_declined = (
            tok.dep_ == "conj" and tok.head.dep_ == "xcomp" and (tok.head.head.lemma_.lower() in DECLINE_VERBS)
        )
        if conj_of_declined or (
            tok.dep_ == "conj"
            and tok.head.lemma_.lower() in CONFIRM_CUES
            and any(c.lower_ in ("neither", "not") for c in tok.head.children)
        ):
            return True  # "declined to confirm or rule out", "would neither confirm nor deny"
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in tok.children):
            return True  # "if it found that ...", "If the B sample confirms ..."
        infinitive = has_infinitive_to(tok) or (tok.dep_ == "conj" and has_infinitive_to(tok.head))
        return infinitive and not declined

    def reported_one(self, tok: Token, lemma: str) -> Attribution | None:
        if self._skip_cue(tok, lemma):
            return None
        subj = subject_of(tok)
        if subj is None:
            return None
        in_quote = self.ix.in_quote(tok.idx)
        if in_quote and (own_subject(tok) is None or not self.ix.in_quote(subj.idx)):
            return None  # "Never say never" inside a quote reports nothing
        xcomp_declined = tok.dep_ == "xcomp" and tok.head.lemma_.lower() in DECLINE_VERBS
        if lemma == "comment" and not xcomp_declined:
            return None  # "has not commented on the exercises" states nothing
        if lemma in DOCUMENT_ONLY_VERBS and (not is_document(subj) or own_subject(tok) is None):
            return None
        found = self.content.find(tok, lemma)
        declined = lemma in CONFIRM_CUES and (
            tok.dep_ == "xcomp"
            and tok.head.lemma_.lower() in DECLINE_VERBS
            or any(c.dep_ in ("neg", "preconj") for c in tok.children)
        )
        if declined:
            asked = asked_clause(tok)
            if asked is not None and (found is None or self._is_np(found)):
                first, last = subtree_range(asked)
                found = (first, last, False)
        if found is None and tok.dep_ == "relcl" and summary_noun(tok.head):
            found = self.summarised_clause(tok.head)
        if found is None:
            return None
        first, last, before = found
        if lemma in CLAUSE_ONLY and before:
            return None
        negated = any(
            c.dep_ in ("neg", "preconj") and c.lower_ in ("not", "n't", "never", "neither") for c in tok.children
        )
        if negated and not (lemma in CONFIRM_CUES and (lemma != "say" or self.doc[first].lower_ in QUESTION_WORDS)):
            return None  # "has not said it would give" is no claim; "would not say whether / how much" is declined
        span = trim(self.doc, first, last)
        if span is None:
            return None
        return self.reported_attribution(tok, subj, [span], before, in_quote)

    def reported_attribution(
        self, tok: Token, subj: Token, spans: list[tuple[int, int]], before: bool, in_quote: bool
    ) -> Attribution:
        """A reported claim of subj with this cue word and content."""
        return Attribution(
            "reported",
            cue_lemma(tok),
            tok,
            subj,
            spans,
            False,
            tok.idx,
            self.ix.paragraph_of(tok.idx),
            content_before=before,
            in_quote=in_quote,
        )

    def summarised_clause(self, noun: Token) -> tuple[int, int, bool]:
        """The clause a summing-up noun refers to, without an 'according to X' phrase in front of it."""
        verb = noun.head
        first = verb.left_edge.i
        for tok in self.doc[first : verb.i]:
            if tok.lower_ == "according" and tok.i + 1 < len(self.doc) and self.doc[tok.i + 1].lower_ == "to":
                first = self.doc[tok.i + 1].right_edge.i + 1
        return first, noun.left_edge.i - 1, True

    def _is_np(self, found: tuple[int, int, bool]) -> bool:
        return not any(t.pos_ in ("VERB", "AUX") for t in self.doc[found[0] : found[1] + 1])
