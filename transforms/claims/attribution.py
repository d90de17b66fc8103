"""Who said it: attributions (cue verb, speaker, content spans) found in a parsed Doc, and speakers resolved.

Three finders, all over the Doc the entity stage already parsed:
- direct quotes: a quotation at the start of a sentence (or after "X said:") with a reporting verb right after or
  before it; an interrupted quote ("A," she said, "B.") and the quote sentences that follow an attributed quote in
  the same paragraph are one claim; a quote paragraph that follows an attributed paragraph keeps its speaker;
- reported speech: a reporting verb with a clause ("X said that ...", "..., X said", "X told reporters ...",
  "X denied reports that ...", "X declined to confirm whether ..."), or an object for verbs where the object is the
  claim ("denied any wrongdoing", "declined to comment on the price");
- "according to X".

Speakers are then resolved in document order, because "she", "the spokesman" or "the firm" refer back: named
mentions win, then appositions ("the minister, Anna Berg, said"), then definite descriptions and pronouns resolved
to the nearest fitting earlier speaker or mention (role words, gender from honorifics, first names and earlier
pronouns). Indefinite or plural sources ("a senior official", "officials") are UNNAMED, documents ("the report",
"according to figures published by the WHO") are DOCUMENT with their author as entity when it is named.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from transforms.claims.frames import frame_of
from transforms.claims.lexicon import ALL_FRAMES, cue_lemmas, cue_rate
from transforms.claims.quotes import QUOTE_CHARS, Quote
from transforms.hedging import CONFIRM_CUES, DECLINE_VERBS


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


REPORTING_VERBS = _words(
    """
    say tell add confirm deny warn stress believe claim insist acknowledge testify announce estimate explain note
    argue state report write predict suggest allege admit concede reply respond answer ask question wonder caution
    maintain contend assert declare reiterate repeat reveal disclose indicate complain dismiss reject dispute
    refute rebut think fear signal forecast emphasise emphasize observe remark recall agree tweet post conclude
    hint speculate suspect doubt affirm assure promise vow pledge threaten hope expect comment find show propose
    recommend mention point put concur counter boast lament
    """
)
#: Verbs that report only when their subject is a document ("the minutes showed", "the report found").
DOCUMENT_ONLY_VERBS = frozenset({"find", "show", "conclude"})
#: Verbs whose noun object can be the claim itself ("denied any wrongdoing", "confirmed the deaths").
NP_CONTENT_CUES = frozenset(
    {
        "deny",
        "reject",
        "dismiss",
        "dispute",
        "refute",
        "rebut",
        "confirm",
        "announce",
        "acknowledge",
        "admit",
        "estimate",
        "comment",
        "question",
        "predict",
        "concede",
        "disclose",
        "reveal",
    }
)
#: Verbs that only report with a clause after them ("hoped to publish" is not a claim).
CLAUSE_ONLY = frozenset({"hope", "fear", "promise", "vow", "pledge", "threaten", "expect", "propose", "recommend"})
_CLAIM_NOUNS = frozenset(
    {
        "report",
        "reports",
        "claim",
        "claims",
        "allegation",
        "allegations",
        "accusation",
        "accusations",
        "suggestion",
        "suggestions",
        "suspicion",
        "speculation",
        "rumour",
        "rumours",
        "rumor",
        "rumors",
        "assertion",
        "idea",
        "notion",
        "charge",
        "charges",
    }
)

DOCUMENT_NOUNS = _words(
    """
    report statement study survey poll data figure figures minutes memo memorandum letter document documents
    filing filings transcript draft rules rule analysis audit review assessment indictment complaint lawsuit
    ruling judgment judgement email e-mail record records cable post tweet bulletin communique communiqué release
    estimate estimates forecast projection projections census dossier paper research findings order decree notice
    agreement text
    """
)
INSTITUTION_NOUNS = _words(
    """
    government ministry police coastguard council company firm agency office department regulator bank federation
    union committee authority board service party court inquiry commission army military charity group
    organisation organization trust institute campaign network newspaper broadcaster media exchange operator
    presidency delegation administration cabinet parliament kremlin embassy consulate prosecutor prosecutors navy
    airline club team league association alliance coalition secretariat watchdog tribunal university hospital
    school museum fund foundation industry lobby bureau cooperative agency corporation conglomerate manufacturer
    maker producer supplier retailer
    """
)
PERSON_ROLE_NOUNS = _words(
    """
    spokesman spokeswoman spokesperson official officials minister secretary president chairman chairwoman chair
    director executive chief head leader mayor governor premier senator lawmaker mp commissioner commander general
    officer source sources analyst analysts expert experts diplomat diplomats aide aides adviser advisor lawyer
    attorney prosecutor judge economist economists researcher scientist professor doctor athlete player coach
    agent representative negotiator envoy ambassador manager founder owner witness resident residents survivor
    survivors person people man woman father mother parent parents relative relatives worker workers employee
    employees member members investigator investigators critic critics campaigner campaigners activist activists
    delegate delegates forecaster forecasters engineer engineers farmer fisherman chancellor counsel inspector
    detective
    """
)
#: Acts a speaker performs besides reporting ("said X and called for Y"): never part of the reported clause.
SPEECH_ACT_VERBS = frozenset(
    {
        "call",
        "urge",
        "appeal",
        "demand",
        "accuse",
        "criticise",
        "criticize",
        "welcome",
        "praise",
        "condemn",
        "point",
        "thank",
        "apologise",
        "apologize",
        "blame",
        "vow",
        "promise",
        "pledge",
        "refuse",
        "decline",
        "announce",
        "ask",
    }
)
#: "..., a claim the ministry denied" / "..., a figure that Berg's office disputed": a noun summing up the clause.
SUMMARY_NOUNS = _CLAIM_NOUNS | frozenset(
    {
        "figure",
        "number",
        "estimate",
        "account",
        "version",
        "assessment",
        "tally",
        "toll",
        "total",
        "view",
        "position",
        "characterisation",
    }
)
#: Nouns a that-clause may hang on instead of the reporting verb.
_CLAUSE_HOSTS = _CLAIM_NOUNS | frozenset(
    {
        "statement",
        "interview",
        "speech",
        "note",
        "post",
        "message",
        "letter",
        "conference",
        "briefing",
        "email",
        "it",
        "filing",
        "submission",
    }
)
_MODALS = frozenset({"would", "could", "might", "should", "will", "may", "can", "must"})
_IDENTIFY = frozenset({"name", "identify", "quote"})
#: Verbs that, negated, say nothing.
_SAYING = frozenset(
    {"say", "comment", "tell", "disclose", "reveal", "confirm", "specify", "elaborate", "answer", "respond", "speak"}
)
#: Wishes are claims only with a clause ("hoped that talks would resume", not "hoped to publish").
_WISHES = frozenset({"hope", "hop", "wish"})
#: "declined to comment": refusing these states nothing.
_NOTHING_SAID = frozenset({"comment", "elaborate", "discuss", "say", "respond", "answer", "speak", "specify"})
_CONDITIONAL_MARKS = frozenset({"if", "unless", "once", "when", "whether", "until", "before", "lest"})
_QUANTIFIER_HEADS = frozenset(
    {"one", "some", "many", "others", "most", "several", "both", "all", "each", "few", "two", "three", "four", "none"}
)
_INDEFINITE = frozenset(
    {
        "a",
        "an",
        "one",
        "some",
        "another",
        "several",
        "many",
        "two",
        "three",
        "four",
        "few",
        "other",
        "any",
        "various",
        "numerous",
    }
)
_RELATIVE = frozenset({"who", "which", "that"})
#: Verbs that give an impression without a source ("seemed unperturbed", "appears to be moving").
RAISING_VERBS = frozenset({"seem", "appear", "look", "sound"})
#: Smoothed cue rate (transforms.claims.lexicon) a word needs in its frame to count as a cue on its own.
LEXICON_MIN_RATE = 0.3
#: The same for a verb right before or after a quotation, where far fewer verbs do anything but attribute it.
QUOTE_CUE_MIN_RATE = 0.05
_FIRST_SECOND = frozenset({"i", "we", "you", "me", "us"})
_MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "mister", "king", "prince"})
_FEMALE_TITLES = frozenset({"ms", "ms.", "mrs", "mrs.", "miss", "dame", "lady", "madam", "queen", "princess"})
_FEMALE_NAMES = _words(
    """
    mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty margaret sandra
    ashley emily donna michelle carol amanda melissa deborah stephanie rebecca laura sharon cynthia kathleen amy
    angela helen anna brenda pamela nicole samantha katherine christine emma ruth julie olivia victoria kelly
    lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha gloria teresa sara janice
    marie julia grace judy theresa beverly denise marilyn amber danielle rose brittany diana abigail natalie jane
    lori alexis tiffany kayla maria sofia sophie lena ida elena petra nina olga priya fatima aisha leila mariam
    miriam harriet marta elif helena katarina ingrid clara joan nadia fiona claire beatrice stella anita irina
    natalia svetlana yulia tatiana anastasia ana carmen lucia isabel ines giulia francesca chiara ursula angela
    annalena marine ségolène segolene kamala hillary nancy condoleezza theresa liz priti suella yvette rachel
    sabrina karine kristi alexandria ilhan jacinda sanna mette magdalena katalin giorgia ursula roberta kaja
    margrethe ulrike astrid greta malala indira sonia benazir aung hina yasmin zainab amina ngozi ellen winnie
    graça
    """
)
_MALE_NAMES = _words(
    """
    james robert john michael david william richard joseph thomas charles christopher daniel matthew anthony mark
    donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob
    gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick
    raymond jack dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy
    walter christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan
    billy bruce gabriel joe logan alan juan albert willie elijah wayne randy vincent mason roy ralph bobby russell
    bradley philip eugene louis harry pavel jonas goran karl omar viktor mikael erik tomas oliver lionel graham
    martin amir kofi marcus nikos dimitris tom callum gareth rashad henrik amadou andrei ivan sergei vladimir
    dmitry alexei mikhail igor oleg yuri boris emmanuel francois françois olaf friedrich hans klaus jurgen jürgen
    wolfgang pedro carlos luis miguel javier antonio giuseppe giorgio matteo mario luca marco xi li wei jin
    hiroshi kenji narendra rahul arvind recep benjamin yair naftali mahmoud ali hassan hussein mohammed muhammad
    ahmed abdul khalid faisal salman volodymyr vitali dmytro rishi boris jeremy keir nigel joe barack kevin mitch
    chuck ted marco ron jd joachim fritz ilham nikol recep tayyip
    """
)
_CONTEXT_CHARS = 60
#: Longest speaker phrase between a quote and its verb ('Dr. Helena Voss, the province's chief medical officer,').
_MAX_SPEAKER_TOKENS = 16
#: A line opening with a label of at most six words and a colon: its source (after any 'EXCLUSIVE –' tag) and
#: the rest of the line.
_MIN_LABELLED_TOKENS = 3
_MAX_LABELLED_COMMAS = 4
#: Upper-case words that open a line as a rubric, not as a speaker.
_LABEL_WORDS = frozenset(
    {
        "update",
        "updated",
        "exclusive",
        "breaking",
        "watch",
        "look",
        "listen",
        "note",
        "correction",
        "boom",
        "video",
        "photos",
        "photo",
        "read",
        "more",
        "related",
        "live",
        "opinion",
        "analysis",
        "editor",
        "editors",
        "spoiler",
    }
)
_LABEL_LINE = re.compile(r"^(?:[^\n:]*?[–—-]\s+)?([^\n:–—]{2,60}?):[ \t]+(\S[^\n]*)$", re.M)
#: A clause opened by one of these after the verb is circumstance, not what was said ("..., X said, as winds rose").
_ADVERBIAL_MARKS = frozenset(
    {
        "as",
        "while",
        "because",
        "when",
        "after",
        "before",
        "since",
        "although",
        "though",
        "if",
        "unless",
        "once",
        "until",
        "whereas",
    }
)
#: Words of a title written before a name ("Governor Sofia Lindqvist"), dropped from an unlinked speaker's name.
_TITLE_WORDS = PERSON_ROLE_NOUNS | _words(
    """
    defence defense foreign interior finance health prime deputy vice former acting senior chief state home
    general mr ms mrs dr sir dame lord lady prof professor governor sen rep gov
    """
)


@dataclass
class Speaker:
    entity_id: str | None
    text: str
    kind: str
    noun: str | None = None
    plural: bool = False


#: The speaker of a claim the text does not attribute to anyone ("X is expected to ...").
NO_SPEAKER = Speaker(None, "", "NONE")


@dataclass
class Attribution:
    """One claim before its speaker is resolved: where it is said, by which subject, and what."""

    source: str  # quote, reported, according, continuation
    cue: str
    cue_tok: Token | None
    subject: Token | None
    segments: list[tuple[int, int]]
    is_direct: bool
    anchor: int
    paragraph: int
    inherit: Attribution | None = None
    content_before: bool = False
    subject_first_person: bool = False
    in_quote: bool = False
    speaker: Speaker | None = None
    nested_in: Attribution | None = None
    extra: dict = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.segments[0][0]

    @property
    def end(self) -> int:
        return self.segments[-1][1]


def cue_verbs() -> frozenset[str]:
    """Every verb lemma some finder may take as a cue outside a quotation: the reporting verbs, the verbs the
    lexicon rates as cues in some frame, and the verbs of impressions. The selective parser parses the sentences
    that hold one of them."""
    return REPORTING_VERBS | RAISING_VERBS | cue_lemmas("VERB", LEXICON_MIN_RATE)


# --- document index ---------------------------------------------------------------------------------------------


class ArticleIndex:
    """Look-ups over one Doc: sentences, paragraphs, quote spans and entity mentions by character offset."""

    def __init__(self, doc: Doc, mentions: Sequence[Mapping], entities: Sequence[Mapping], quotes: list[Quote]):
        self.doc = doc
        self.text = doc.text
        self.sents: list[Span] = list(doc.sents)
        self.sent_of = [0] * len(doc)
        for index, sent in enumerate(self.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = index
        self.para_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.kinds = {e["entity_id"]: e.get("kind") for e in entities}
        self.names = {e["entity_id"]: e.get("name") for e in entities}
        self.mentions = sorted((dict(m) for m in mentions), key=lambda m: (m["start_char"], -m["end_char"]))
        self.surnames = self._person_surnames()
        self._relabel_people(doc)
        self.mention_starts = [m["start_char"] for m in self.mentions]
        self.quotes = quotes
        self.quote_spans = [(q.start, q.end) for q in quotes]
        #: Quotes placed like direct speech (sentence-initial or after "X said:"), filled by the finder.
        self.speech_quotes: list[tuple[int, int]] = []
        self.mark_spans = sorted(span for q in quotes for span in q.marks)
        self.token_starts = [t.idx for t in doc]

    def _person_surnames(self) -> dict[str, str]:
        """Last word of each person's name -> entity, when only one person in the article has it."""
        found: dict[str, set[str]] = {}
        for m in self.mentions:
            if self.kinds.get(m["entity_id"]) == "PERSON":
                name = self.names.get(m["entity_id"]) or m["surface"]
                found.setdefault(name.split()[-1].lower(), set()).add(m["entity_id"])
        return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}

    def _relabel_people(self, doc: Doc) -> None:
        """Small NER models label the same person ORG in one sentence and PERSON in the next, or take a plural
        common noun at a sentence start for a person: repair both for speaker look-ups (not the mentions table)."""
        for m in self.mentions:
            kind = self.kinds.get(m["entity_id"])
            surface = m["surface"]
            if kind in ("ORG", "GPE") and " " not in surface and surface.lower() in self.surnames:
                m["entity_id"] = self.surnames[surface.lower()]
            elif kind == "PERSON" and " " not in surface and surface.lower().endswith("s"):
                span = doc.char_span(m["start_char"], m["end_char"])
                if (
                    span is not None
                    and span[0].tag_ in ("NNS", "NNPS")
                    and (span[0].i == 0 or not doc[span[0].i - 1].is_alpha)
                ):
                    m["entity_id"] = "common:" + surface.lower()
                    self.kinds[m["entity_id"]] = "COMMON"

    def paragraph_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def mention_at(self, char: int) -> dict | None:
        k = bisect.bisect_right(self.mention_starts, char) - 1
        while k >= 0 and self.mentions[k]["start_char"] > char - 200:
            m = self.mentions[k]
            if m["start_char"] <= char < m["end_char"]:
                return m
            k -= 1
        return None

    def mentions_between(self, start: int, end: int) -> list[dict]:
        lo = bisect.bisect_left(self.mention_starts, start)
        out = []
        for m in self.mentions[lo:]:
            if m["start_char"] >= end:
                break
            if m["end_char"] <= end:
                out.append(m)
        return out

    def kind_of(self, mention: Mapping) -> str | None:
        return self.kinds.get(mention["entity_id"]) or mention.get("label")

    def in_quote(self, char: int) -> bool:
        return any(s <= char < e for s, e in self.quote_spans)

    def token_at(self, char: int) -> Token | None:
        """The token containing `char`, or the next token when `char` is whitespace."""
        k = bisect.bisect_right(self.token_starts, char) - 1
        if k >= 0 and char < self.doc[k].idx + len(self.doc[k].text):
            return self.doc[k]
        return self.doc[k + 1] if k + 1 < len(self.doc) else None


# --- content spans ----------------------------------------------------------------------------------------------


def _is_edge_junk(tok: Token) -> bool:
    return (
        tok.is_punct
        or tok.is_space
        or tok.text in QUOTE_CHARS
        or (tok.dep_ == "mark" and tok.lower_ == "that")
        or tok.dep_ == "cc"
        and tok.lower_ in ("and", "but")
    )


def _summary_noun(tok: Token) -> bool:
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
        if _summary_noun(tok) and tok.left_edge.i > first:
            last = tok.left_edge.i - 1
            break
    while first <= last and _is_edge_junk(doc[first]):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space or doc[last].text in QUOTE_CHARS):
        last -= 1
    if first > last:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _subtree_range(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def _has_infinitive_to(tok: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _that_clause(noun: Token) -> Token | None:
    for child in noun.children:
        is_clause = child.dep_ in ("acl", "ccomp", "relcl", "appos") and child.pos_ in ("VERB", "AUX")
        if is_clause and any(m.dep_ == "mark" and m.lower_ in ("that", "whether", "if") for m in child.children):
            return child
    return None


def _object_of(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ in ("dobj", "obj") and child.tag_ not in ("WDT", "WP") and child.lower_ not in _RELATIVE:
            return child
    return None


def _comment_on(tok: Token) -> Token | None:
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in ("on", "about"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    return None


def _asked_clause(tok: Token) -> Token | None:
    """'Asked whether X, Y declined to confirm ...': the clause of the question, when the sentence opens with it."""
    sent = tok.sent
    first = next((t for t in sent if not (t.is_punct or t.is_space or t.text in QUOTE_CHARS)), None)
    if first is None or first.lower_ != "asked":
        return None
    for child in first.children:
        if child.dep_ in ("ccomp", "advcl") and any(m.lower_ in ("whether", "if") for m in child.children):
            return child
    return None


class _Content:
    """Finds the content token range of a reporting verb, or None."""

    def __init__(self, doc: Doc):
        self.doc = doc

    def after_clause(self, tok: Token) -> Token | None:
        """The first clause after the verb: its ccomp, or a that-clause the parser hung on a noun ('denied
        reports that ...', 'said in a statement that ...', 'put it to her that ...')."""
        candidates = [c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i and not _adverbial(c, tok)]
        for noun in self._nouns_after(tok):
            clause = _that_clause(noun)
            if clause is None or clause.i < noun.i:
                continue
            complementizer = any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
            if complementizer or noun.lower_ in _CLAUSE_HOSTS or noun.lemma_.lower() in _CLAUSE_HOSTS:
                candidates.append(clause)
        if not candidates and tok.lemma_.lower() not in ("tell", "ask"):
            obj = _object_of(tok)
            if obj is not None and any(
                c.dep_ in ("acl", "relcl")
                and c.pos_ in ("VERB", "AUX")
                and not _has_infinitive_to(c)
                and not _relativised(c)
                for c in obj.children
            ):
                candidates.append(obj)  # misparse of "said conditions there were unbearable"
        return min(candidates, key=lambda c: c.left_edge.i) if candidates else None

    @staticmethod
    def _nouns_after(tok: Token) -> list[Token]:
        out = []
        for child in tok.children:
            if child.i < tok.i:
                continue
            if child.dep_ in ("dobj", "obj"):
                out.append(child)
            elif child.dep_ == "prep":
                out.extend(c for c in child.children if c.dep_ == "pobj")
        return out

    def find(self, tok: Token, lemma: str) -> tuple[int, int, bool] | None:
        """(first token, last token, content_before) of what the verb reports."""
        clause = self.after_clause(tok)
        if clause is not None:
            first, last = _clause_range(clause)
            for other in tok.children:  # the parser sometimes hangs a relative clause of the content on the verb
                if (
                    other.dep_ == "ccomp"
                    and other.i > last
                    and not _adverbial(other, tok)
                    and (other.left_edge.i <= last + 2)
                ):
                    last = max(last, _clause_range(other)[1])
            for conj in tok.children:
                if (
                    conj.dep_ == "conj"
                    and conj.i > last
                    and _own_subject(conj) is None
                    and any(a.dep_ == "aux" and a.lower_ in _MODALS for a in conj.children)
                ):
                    last = conj.right_edge.i  # "told X that A but would not accept B": B is reported too
            return max(first, tok.i + 1), last, False
        before = self.before_clause(tok)
        if before is not None:
            return before[0], before[1], True
        if lemma in NP_CONTENT_CUES:
            return self.np_object(tok)
        return None

    def before_clause(self, tok: Token) -> tuple[int, int] | None:
        """'..., the minister said': a clause before the verb, set off by a comma (or a quote and comma)."""
        sent = tok.sent
        comps = [c for c in tok.children if c.dep_ == "ccomp" and c.i < tok.i]
        if comps:
            first, last = _subtree_range(comps[-1])
            if self._separated(last, tok):
                return max(first, sent.start), last
        head = tok.head
        if tok.dep_ in ("parataxis", "ccomp", "advcl") and head.i < tok.i and _own_subject(tok) is not None:
            left = tok.left_edge.i
            if self._separated(left - 1, tok, exact=True):
                return max(head.left_edge.i, sent.start), left - 1
        return None

    def _separated(self, last: int, tok: Token, exact: bool = False) -> bool:
        """A comma (or quote mark) between the clause end and the attribution."""
        stop = tok.i if not exact else last + 1
        for i in range(last, min(stop, len(self.doc))):
            if self.doc[i].text in (",", "—", "–") or self.doc[i].text in QUOTE_CHARS:
                return True
        return False

    @staticmethod
    def _figure_object(verb: Token, obj: Token) -> bool:
        return any(t.like_num for t in obj.subtree) or any(c.dep_ == "prep" and c.lower_ == "at" for c in verb.children)

    def np_object(self, tok: Token) -> tuple[int, int, bool] | None:
        candidates = [tok] + [c for c in tok.children if c.dep_ == "conj"]
        for verb in candidates:
            obj = _object_of(verb) or (_comment_on(verb) if verb.lemma_.lower() == "comment" else None)
            if obj is not None and verb.lemma_.lower() == "estimate" and not self._figure_object(verb, obj):
                continue  # "estimated the damage at $3bn" is a claim, "estimated developing countries" a misparse
            if obj is not None and obj.pos_ != "PRON":
                clause = _that_clause(obj) if obj.lemma_ in _CLAIM_NOUNS or obj.lower_ in _CLAIM_NOUNS else None
                target = clause or obj
                first, last = _subtree_range(target)
                if clause is not None:
                    first = max(first, obj.i + 1)
                return first, last, False
        return None


def _own_subject(tok: Token) -> Token | None:
    """The verb's subject; with two ("The charity Warm Homes Trust") the proper noun."""
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "csubj")]
    if not subjects:
        return None
    return next((c for c in subjects if c.pos_ == "PROPN"), subjects[0])


def _back_to_narrative(verb: Token) -> bool:
    """'said A would help households and insisted that B': the parser hangs 'insisted' under A, but it is the
    reporter's narrative again (a reporting verb, or a simple past after a clause in another tense)."""
    if verb.head.dep_ != "ccomp" or _own_subject(verb) is not None or _passive(verb):
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


def _relativised(clause: Token) -> bool:
    return any(c.tag_ in ("WDT", "WP", "WP$") or c.lower_ in _RELATIVE for c in clause.children)


def _adverbial(clause: Token, verb: Token) -> bool:
    """'..., officials said, as winds rose': a clause opened by 'as'/'while'/... is circumstance, not content."""
    if any(m.dep_ == "mark" and m.lower_ in ("that", "whether") for m in clause.children):
        return False
    doc = clause.doc
    first = doc[clause.left_edge.i]
    before = doc[clause.left_edge.i - 1] if clause.left_edge.i - 1 > verb.i else None
    return first.lower_ in _ADVERBIAL_MARKS or (before is not None and before.lower_ in _ADVERBIAL_MARKS)


def _narrative_participle(child: Token) -> bool:
    """'..., weeks after insisting that ...': a subjectless reporting participle hanging inside the clause."""
    return any(
        t.lemma_.lower() in REPORTING_VERBS
        and t.tag_ == "VBG"
        and t.dep_ in ("pcomp", "advcl")
        and _own_subject(t) is None
        for t in child.subtree
    )


def _clause_range(clause: Token) -> tuple[int, int]:
    """The clause subtree, cut before a coordinated verb or participle that goes back to the narrative."""
    first, last = _subtree_range(clause)
    cut = [c for c in clause.children if c.i > clause.i and (_back_to_narrative(c) or _narrative_participle(c))]
    if cut:
        last = cut[0].left_edge.i - 1
        while last > first and (clause.doc[last].dep_ == "cc" or clause.doc[last].is_punct):
            last -= 1
    return first, last


def _is_document(tok: Token) -> bool:
    return tok.lemma_.lower() in DOCUMENT_NOUNS or tok.lower_ in DOCUMENT_NOUNS


def _passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def subject_of(tok: Token) -> Token | None:
    """The grammatical subject, inherited through 'and warned', 'adding that', 'declined to confirm'."""
    current = tok
    for _ in range(4):
        subj = _own_subject(current)
        if subj is not None:
            return subj
        if _back_to_narrative(current):
            current = current.head.head
            continue
        if current.dep_ in ("conj", "xcomp", "advcl", "pcomp", "prep", "ccomp") and current.head.i != current.i:
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
_ADDRESSEE_VERBS = frozenset({"tell", "inform", "brief", "thank"})


def _complement(tok: Token) -> tuple[int, int] | None:
    """Token range of what a cue word governs after itself. A clause wins ('groused to a crowd that X': X); else
    the object with what completes it ('called him a liar', 'described it as a mistake', 'accused her of lying',
    'urged voters to stay home'); else everything after the word, up to a comma that sets off a participle or
    adverbial clause (', saying ...', ', as ...')."""
    after = [c for c in tok.children if c.i > tok.i and c.dep_ not in _NOT_COMPLEMENT]
    clause = next((c for c in after if c.dep_ == "ccomp"), None)
    obj = next((c for c in after if c.dep_ in ("dobj", "obj")), None)
    if clause is not None and (obj is None or clause.i < obj.i or tok.lemma_.lower() in _ADDRESSEE_VERBS):
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
    return min(c.left_edge.i for c in kept), max(c.right_edge.i for c in kept)


def _agent_of(tok: Token) -> Token | None:
    """The 'by X' of a passive verb, X."""
    by = next((c for c in tok.children if c.dep_ == "agent"), None)
    return next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None


def _asked_opening(tok: Token) -> tuple[int, int] | None:
    """'Asked about her vote, Sanders said ...' / 'Asked why he trailed, ...': the question put to the speaker, a
    claim of its own whose asker the text does not name."""
    if tok.lower_ != "asked" or tok.tag_ != "VBN" or _own_subject(tok) is not None:
        return None
    first = next((t for t in tok.sent if not (t.is_punct or t.is_space or t.text in QUOTE_CHARS)), None)
    if first is None or first.i != tok.i:
        return None
    question = [c for c in tok.children if c.dep_ in ("ccomp", "prep", "dobj", "xcomp", "advcl") and c.i > tok.i]
    if not question:
        return None
    return question[0].left_edge.i, max(c.right_edge.i for c in question)


def _around_parenthetical(tok: Token) -> list[tuple[int, int]]:
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


def _quote_cue(tok: Token, lexicon: bool = True) -> bool:
    """A verb that attributes a quotation next to it: a reporting verb, or (with lexicon) any verb the lexicon
    has seen as a cue often enough ('"...," he joked', '"...," Trump shot back')."""
    if not tok.tag_.startswith("VB"):
        return False
    lemma = tok.lemma_.lower()
    return lemma in REPORTING_VERBS or (lexicon and cue_rate(lemma, "VERB", ALL_FRAMES) >= QUOTE_CUE_MIN_RATE)


def _cue_lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    if lemma == "point":
        return "point out"
    return {"emphasize": "emphasise"}.get(lemma, lemma)


# --- finders ----------------------------------------------------------------------------------------------------


class AttributionFinder:
    """Runs the three finders over one article and returns attributions in document order."""

    def __init__(self, index: ArticleIndex):
        self.ix = index
        self.doc = index.doc
        self.content = _Content(index.doc)
        self.used_cues: set[int] = set()

    def find(self) -> list[Attribution]:
        direct = self.direct_quotes()
        reported = self.reported()
        according = self.according_to()
        learned = self.lexicon_cues()
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
        while pos > 0 and text[pos - 1] in " \t":
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
        if not starts_sentence and before is None:
            return None
        cue_tok = after or before
        segment = (quote.start, quote.end)
        paragraph = self.ix.paragraph_of(quote.open_at)
        if cue_tok is not None:
            if cue_tok.i in by_cue:
                att = by_cue[cue_tok.i]
                att.segments.append(segment)
                return att
            att = Attribution(
                "quote",
                _cue_lemma(cue_tok),
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

    def continuation(
        self, quote: Quote, segment: tuple[int, int], paragraph: int, done: list[Attribution]
    ) -> Attribution | None:
        """A quote with no attribution of its own continues the quote before it."""
        inner = self.ix.text[quote.start : quote.end].rstrip()
        if quote.closed and not inner.endswith((".", "!", "?", "…", ".'", ".’")):
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
            if t.text in (".", "!", "?") or (t.text in QUOTE_CHARS and t.idx > char + 1 and out):
                break
            out.append(t)
            if len(out) > _MAX_SPEAKER_TOKENS + 1:
                break
        return out

    def cue_after(self, quote: Quote, next_open: int) -> Token | None:
        """'"...," Berg told reporters' / '"...," said Tomas Reyes' / '"...," she said, "...'."""
        tokens = self._tokens_from(quote.close_end, next_open)
        # After a quote that ends its sentence ('"... wrong." Lopez spoke in Rome'), only a reporting verb
        # attributes it; after '"...,"' any verb the lexicon knows as a cue does ('"...," he joked').
        open_ended = self.ix.text[quote.start : quote.end].rstrip().endswith((",", "?", "!", "—", "–", "-"))
        for n, tok in enumerate(tokens[: _MAX_SPEAKER_TOKENS + 1]):
            if _quote_cue(tok, lexicon=open_ended):
                if any(t.pos_ == "VERB" for t in tokens[:n]):
                    return None
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
            if _quote_cue(tok):
                return tok
            if tok.pos_ == "VERB" or tok.text in (".", "!", "?") or n > 9:
                return None
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
        for tok in self.doc:
            if tok.i in self.used_cues or not tok.tag_.startswith("VB"):
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
        for tok in self.doc:
            if tok.i in self.used_cues or tok.pos_ != "VERB" or self.ix.in_quote(tok.idx):
                continue
            lemma = tok.lemma_.lower()
            frame = frame_of(tok)
            raising = lemma in RAISING_VERBS and frame in ("xcomp", "acomp", "attr", "oprd", "ccomp")
            passive = (
                frame == "pass"
                and not any(c.dep_ == "agent" for c in tok.children)
                and any(
                    (c.dep_ == "xcomp" and _has_infinitive_to(c))
                    or c.dep_ == "ccomp"
                    or (c.dep_ == "prep" and c.lower_ == "as")
                    for c in tok.children
                )
            )  # "is expected to win", "is seen as a uniter"; not "was reported missing"
            asked = _asked_opening(tok)
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
            agent = _agent_of(tok) if frame == "pass" else None
            if agent is not None and cue_rate(lemma, "VERB", frame) >= LEXICON_MIN_RATE:
                att = self.passive_with_agent(tok, agent)
                if att is not None:
                    out.append(att)
                continue
            if not (raising or (passive and cue_rate(lemma, "VERB", frame) >= LEXICON_MIN_RATE)):
                continue
            span = trim(self.doc, tok.left_edge.i, tok.right_edge.i)
            if span is None or tok.right_edge.i - tok.left_edge.i < 2:
                continue
            self.used_cues.add(tok.i)
            att = Attribution(
                "impersonal", _cue_lemma(tok), tok, None, [span], False, tok.idx, self.ix.paragraph_of(tok.idx)
            )
            out.append(att)
        return out

    def passive_with_agent(self, tok: Token, agent: Token) -> Attribution | None:
        """'The move was first reported by MSNBC', 'Obama will be remembered by historians as a liberal champion':
        the agent is the source, the clause without the agent phrase the content."""
        by = agent.head
        ranges = [(tok.left_edge.i, by.i - 1), (by.right_edge.i + 1, tok.right_edge.i)]
        spans = [span for span in (trim(self.doc, a, b) for a, b in ranges if b >= a) if span is not None]
        if not spans:
            return None
        self.used_cues.add(tok.i)
        return Attribution(
            "reported", _cue_lemma(tok), tok, agent, spans, False, tok.idx, self.ix.paragraph_of(tok.idx)
        )

    # "Name: what they said" -----------------------------------------------------------------------------------
    def colon_labels(self) -> list[Attribution]:
        """A line that opens with a short name and a colon: a headline ('Graham: Trump's rhetoric is destroying the
        party') or a transcript turn ('PENCE: Well, ...'). The rest of the line is what the named source said."""
        out = []
        for match in _LABEL_LINE.finditer(self.ix.text):
            label_start, colon = match.start(1), match.end(1)
            tokens = [t for t in self._tokens_from(label_start, colon) if not t.is_space]
            names = [t for t in tokens if self._speaker_name(t)]
            if not names or any(t.pos_ in ("VERB", "AUX") and not t.is_upper for t in tokens):
                continue
            if match.group(2).count(",") >= _MAX_LABELLED_COMMAS:
                continue  # "Iowa: Tim Albrecht, Brad Anderson, ...": a list, not a statement
            if self.ix.in_quote(colon):
                continue
            first, last = self.ix.token_at(match.start(2)), self.ix.token_at(match.end(2) - 1)
            if first is None or last is None:
                continue
            span = trim(self.doc, first.i, last.i)
            if span is None or self.doc[first.i].idx < colon or last.i - first.i < _MIN_LABELLED_TOKENS:
                continue
            out.append(
                Attribution("colon", ":", None, names[-1], [span], False, colon - 1, self.ix.paragraph_of(colon - 1))
            )
        return out

    def _speaker_name(self, tok: Token) -> bool:
        """A person or organisation mention, or a transcript's upper-case surname ('PENCE')."""
        mention = self.ix.mention_at(tok.idx)
        if mention is not None:
            return self.ix.kind_of(mention) in ("PERSON", "ORG")
        return tok.is_upper and tok.is_alpha and len(tok) > 2 and tok.lower_ not in _LABEL_WORDS

    # cues from the lexicon -----------------------------------------------------------------------------------
    def lexicon_cues(self) -> list[Attribution]:
        """Words the lexicon knows as cues in this frame ('called for a ban', 'endorsed Clinton', 'wants voters to
        know'), with a subject, that no finder above took: their complement is the content."""
        out = []
        for tok in self.doc:
            if tok.i in self.used_cues or tok.pos_ != "VERB" or tok.lower_ == "according":
                continue
            if cue_rate(tok.lemma_.lower(), tok.pos_, frame_of(tok)) < LEXICON_MIN_RATE:
                continue
            att = self.lexicon_one(tok)
            if att is not None:
                self.used_cues.add(tok.i)
                out.append(att)
        return out

    def _lexicon_skip(self, tok: Token) -> bool:
        """What the reporting-verb finder rules out holds here too: conditions ('if the sample confirms'), negation
        with nothing stated ('has not commented'), and refusals to say anything ('declined to comment')."""
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in tok.children):
            return True
        if tok.lemma_.lower() in _SAYING and any(c.dep_ == "neg" for c in tok.children):
            return True  # "has not commented", "would not say how much"; "did not see it that way" is a stance
        if tok.lemma_.lower() in _WISHES and not any(c.dep_ == "ccomp" for c in tok.children):
            return True  # "hoped to publish the findings" reports no statement; "hoped that ..." does
        if tok.tag_ == "VBN" and tok.dep_ in ("advcl", "acl", "amod") and _own_subject(tok) is None:
            return True  # "Asked whether ...", "figures published by ..."
        if _has_infinitive_to(tok) and tok.dep_ == "xcomp":
            return True  # "wants to build": the cue is "wants"
        if any(c.dep_ == "xcomp" and _passive(c) and c.lemma_.lower() in _IDENTIFY for c in tok.children):
            return True  # "asked not to be named"
        if tok.lemma_.lower() in DECLINE_VERBS:
            inner = [c for c in tok.children if c.dep_ == "xcomp"]
            return any(c.i in self.used_cues or c.lemma_.lower() in _NOTHING_SAID for c in inner)
        return False

    def lexicon_one(self, tok: Token) -> Attribution | None:
        if self._lexicon_skip(tok):
            return None
        subj = subject_of(tok)
        if subj is None or (subj.idx > tok.idx and subj.dep_ not in ("nsubj", "nsubjpass")):
            return None
        in_quote = self.ix.in_quote(tok.idx)
        if in_quote and (_own_subject(tok) is None or not self.ix.in_quote(subj.idx)):
            return None
        found = _complement(tok)
        if found is not None and tok.lemma_.lower() in _ADDRESSEE_VERBS and frame_of(tok) in ("dobj", "none"):
            found = None  # "told CNN", "asked reporters": the object is who was addressed, not what was said
        before = False
        ranges = [found] if found is not None else []
        if not ranges:
            clause = self.content.before_clause(tok)
            ranges = [clause] if clause is not None else _around_parenthetical(tok)
            before = True
        spans = [span for span in (trim(self.doc, a, b) for a, b in ranges) if span is not None]
        if not spans:
            return None
        att = Attribution(
            "reported",
            _cue_lemma(tok),
            tok,
            subj,
            spans,
            False,
            tok.idx,
            self.ix.paragraph_of(tok.idx),
            content_before=before,
            in_quote=in_quote,
        )
        att.subject_first_person = subj.lower_ in _FIRST_SECOND
        att.extra["lexicon"] = True
        return att

    def _skip_cue(self, tok: Token, lemma: str) -> bool:
        if lemma == "point" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children):
            return True
        if lemma == "put" and not any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children):
            return True
        if _passive(tok):
            return True  # "was reported missing", "workers are told"
        if (
            tok.tag_ == "VBN"
            and tok.dep_ in ("advcl", "acl", "amod")
            and not any(c.dep_ in ("aux", "nsubj") for c in tok.children)
        ):
            return True  # "Asked whether ...", "figures published by"
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
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in tok.children):
            return True  # "if it found that ...", "If the B sample confirms ..."
        infinitive = _has_infinitive_to(tok) or (tok.dep_ == "conj" and _has_infinitive_to(tok.head))
        return infinitive and not declined

    def reported_one(self, tok: Token, lemma: str) -> Attribution | None:
        if self._skip_cue(tok, lemma):
            return None
        subj = subject_of(tok)
        if subj is None:
            return None
        in_quote = self.ix.in_quote(tok.idx)
        if in_quote and (_own_subject(tok) is None or not self.ix.in_quote(subj.idx)):
            return None  # "Never say never" inside a quote reports nothing
        xcomp_declined = tok.dep_ == "xcomp" and tok.head.lemma_.lower() in DECLINE_VERBS
        if lemma == "comment" and not xcomp_declined:
            return None  # "has not commented on the exercises" states nothing
        if lemma in DOCUMENT_ONLY_VERBS and (not _is_document(subj) or _own_subject(tok) is None):
            return None
        found = self.content.find(tok, lemma)
        declined = lemma in CONFIRM_CUES and (
            tok.dep_ == "xcomp"
            and tok.head.lemma_.lower() in DECLINE_VERBS
            or any(c.dep_ in ("neg", "preconj") for c in tok.children)
        )
        if declined:
            asked = _asked_clause(tok)
            if asked is not None and (found is None or self._is_np(found)):
                first, last = _subtree_range(asked)
                found = (first, last, False)
        if found is None and tok.dep_ == "relcl" and _summary_noun(tok.head):
            found = self.summarised_clause(tok.head)
        if found is None:
            return None
        first, last, before = found
        if lemma in CLAUSE_ONLY and before:
            return None
        negated = any(
            c.dep_ in ("neg", "preconj") and c.lower_ in ("not", "n't", "never", "neither") for c in tok.children
        )
        if negated and not (lemma in CONFIRM_CUES and (lemma != "say" or self.doc[first].lower_ in ("whether", "if"))):
            return None  # "has not said how much it would give" is no claim; "would not say whether" is declined
        span = trim(self.doc, first, last)
        if span is None:
            return None
        att = Attribution(
            "reported",
            _cue_lemma(tok),
            tok,
            subj,
            [span],
            False,
            tok.idx,
            self.ix.paragraph_of(tok.idx),
            content_before=before,
            in_quote=in_quote,
        )
        att.subject_first_person = subj.lower_ in _FIRST_SECOND
        return att

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

    # according to -----------------------------------------------------------------------------------------------
    def according_to(self) -> list[Attribution]:
        out = []
        doc = self.doc
        for tok in doc:
            if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
                continue
            att = self.according_one(tok)
            if att is not None:
                out.append(att)
        return out

    def according_one(self, tok: Token) -> Attribution | None:
        doc = self.doc
        to = doc[tok.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            pobj = next((t for t in doc[to.i + 1 : to.i + 6] if t.pos_ in ("NOUN", "PROPN", "PRON")), None)
            if pobj is None:
                return None
        phrase_end = max(pobj.right_edge.i, to.i)
        sent = tok.sent
        first_real = next((t.i for t in sent if not (t.is_punct or t.is_space or t.text in QUOTE_CHARS)), sent.start)
        segments = []
        if tok.i <= first_real:
            span = trim(doc, phrase_end + 1, sent.end - 1)
            if span:
                segments.append(span)
        else:
            span = trim(doc, sent.start, tok.i - 1)
            if span:
                segments.append(span)
            after = trim(doc, phrase_end + 1, sent.end - 1)
            if after and doc[phrase_end + 1].text == "," and self._continues_clause(phrase_end + 1, sent):
                segments.append(after)
        if not segments:
            return None
        return Attribution(
            "according",
            "according_to",
            tok,
            pobj,
            segments,
            False,
            tok.idx,
            self.ix.paragraph_of(tok.idx),
            content_before=True,
        )

    def _continues_clause(self, comma: int, sent: Span) -> bool:
        """After 'The troops, according to officials, were moved' the clause goes on after the phrase."""
        nxt = comma + 1
        return nxt < sent.end and self.doc[nxt].pos_ in ("VERB", "AUX") and self.doc[nxt].lower_ not in _RELATIVE


# --- speakers ---------------------------------------------------------------------------------------------------


@dataclass
class _Seen:
    speaker: Speaker
    sentence: int
    char: int


class SpeakerResolver:
    """Resolves attribution subjects to speakers in document order (earlier speakers feed later pronouns)."""

    def __init__(self, index: ArticleIndex):
        self.ix = index
        self.doc = index.doc
        self.history: list[_Seen] = []
        self.gender: dict[str, str] = {}
        self._collect_gender()

    # gender evidence --------------------------------------------------------------------------------------------
    def _collect_gender(self) -> None:
        text = self.ix.text
        for m in self.ix.mentions:
            if self.ix.kind_of(m) != "PERSON":
                continue
            eid = m["entity_id"]
            before = text[max(0, m["start_char"] - 6) : m["start_char"]].strip().lower().split()
            words = (m.get("surface") or "").lower().split() + (before[-1:] if before else [])
            words += (m.get("role") or "").lower().split()
            if any(w in _MALE_TITLES for w in words):
                self.gender.setdefault(eid, "m")
            elif any(w in _FEMALE_TITLES for w in words):
                self.gender.setdefault(eid, "f")
        for eid, name in self.ix.names.items():
            if self.ix.kinds.get(eid) != "PERSON" or eid in self.gender or not name:
                continue
            first = name.split()[0].lower().strip(".")
            if first in _FEMALE_NAMES:
                self.gender[eid] = "f"
            elif first in _MALE_NAMES:
                self.gender[eid] = "m"

    def _learn_gender(self, att: Attribution, speaker: Speaker) -> None:
        """'Thorne said in her opening statement': a possessive pronoun in the attribution tells the gender."""
        if speaker.kind != "PERSON" or speaker.entity_id is None or att.cue_tok is None:
            return
        content = att.segments
        for tok in att.cue_tok.subtree:
            if any(s <= tok.idx < e for s, e in content):
                continue
            if tok.lower_ in ("his", "her") and tok.dep_ == "poss":
                self.gender.setdefault(speaker.entity_id, "m" if tok.lower_ == "his" else "f")
                return

    # resolution -------------------------------------------------------------------------------------------------
    def resolve(self, att: Attribution) -> Speaker | None:
        if att.source == "impersonal":
            att.speaker = NO_SPEAKER
            return att.speaker
        if att.inherit is not None:
            speaker = att.inherit.speaker
        elif att.subject is None:
            speaker = None
        else:
            speaker = self.from_subject(att.subject, att)
        if speaker is not None:
            att.speaker = speaker
            sentence = self.ix.sent_of[att.cue_tok.i] if att.cue_tok is not None else self._sentence_of(att.anchor)
            self.history.append(_Seen(speaker, sentence, att.anchor))
            self._learn_gender(att, speaker)
        return speaker

    def _sentence_of(self, char: int) -> int:
        tok = self.ix.token_at(char)
        return self.ix.sent_of[tok.i] if tok is not None else 0

    def from_subject(self, subj: Token, att: Attribution) -> Speaker | None:
        if subj.lower_ in _RELATIVE and subj.head.dep_ in ("relcl", "acl") and subj.head.head.i != subj.head.i:
            subj = subj.head.head
        low = subj.lower_
        if subj.pos_ == "PRON" or low in ("he", "she", "they", "it", "i", "we", "you"):
            if low in _FIRST_SECOND or att.in_quote:
                return Speaker(None, subj.text, "UNNAMED")  # inside a quote, pronouns are the quoted speaker's
            return self.pronoun(subj, att)
        named = self.named(subj)
        if named is not None:
            return named
        return self.description(subj, att)

    def _speaker_from_mention(self, m: Mapping) -> Speaker | None:
        kind = self.ix.kind_of(m)
        if kind == "PERSON":
            return Speaker(m["entity_id"], m["surface"], "PERSON")
        if kind in ("ORG", "GPE"):
            return Speaker(m["entity_id"], m["surface"], "ORG")
        return None

    def named(self, subj: Token) -> Speaker | None:
        """The subject's head is a person/organisation mention, or has one in apposition."""
        m = self.ix.mention_at(subj.idx)
        if m is not None and (speaker := self._speaker_from_mention(m)) is not None:
            return speaker
        for child in sorted(self._appositions(subj), key=lambda t: abs(t.i - subj.i)):
            for tok in [child, *child.subtree]:
                m = self.ix.mention_at(tok.idx)
                if m is not None and (speaker := self._speaker_from_mention(m)) is not None:
                    return speaker
        return None

    def _appositions(self, subj: Token) -> list[Token]:
        """The subject's appositions; one deeper in the phrase only when set off by commas and naming a person
        ('The head of the audit office, Gareth Moss, said' - not 'a director of the firm Redstone Building')."""
        out = [c for c in subj.children if c.dep_ == "appos"]
        for tok in subj.subtree:
            if tok.dep_ != "appos" or tok.head.i == subj.i or tok.i == subj.i:
                continue
            m = self.ix.mention_at(tok.idx)
            if self.doc[tok.left_edge.i - 1].text == "," and m is not None and self.ix.kind_of(m) == "PERSON":
                out.append(tok)
        return out

    def subject_text(self, subj: Token) -> str:
        drop = {"relcl", "acl", "appos", "punct", "advcl", "parataxis"}
        keep = [subj]
        stack = [c for c in subj.children if c.dep_ not in drop]
        while stack:
            tok = stack.pop()
            keep.append(tok)
            stack.extend(c for c in tok.children if c.dep_ not in ("relcl", "acl", "punct", "appos"))
        first = min(t.i for t in keep)
        last = max(t.i for t in keep)
        while last > first and (self.doc[last].is_punct or self.doc[last].text in QUOTE_CHARS):
            last -= 1
        while first < last and self.doc[first].text in QUOTE_CHARS:
            first += 1
        span = self.doc[first : last + 1]
        if len(span) > 12:
            span = self.doc[max(first, subj.i - 6) : subj.i + 1]
        return span.text

    def description(self, subj: Token, att: Attribution) -> Speaker:
        lemma = subj.lemma_.lower()
        low = subj.lower_
        text = self.subject_text(subj)
        plural = subj.tag_ in ("NNS", "NNPS") or low in _QUANTIFIER_HEADS
        det = next((c.lower_ for c in subj.children if c.dep_ in ("det", "nummod", "poss")), "")
        indefinite = det in _INDEFINITE or low in _QUANTIFIER_HEADS
        if _is_document(subj):
            return self.document(subj, text, low if low in DOCUMENT_NOUNS else lemma)
        if lemma in INSTITUTION_NOUNS or low in INSTITUTION_NOUNS:
            return self.institution(subj, text, lemma, indefinite, det)
        if subj.pos_ == "PROPN" and not self._capitalised_common(subj):
            return self.unlinked_name(subj)
        if plural or indefinite or det.endswith(("'s", "’s")) or det in ("his", "her", "its", "their"):
            return Speaker(None, text, "UNNAMED", noun=lemma, plural=plural)
        if det in ("the", "this", "that") or not det:
            return self.definite_person(subj, text, lemma, att)
        return Speaker(None, text, "UNNAMED", noun=lemma)

    def _capitalised_common(self, subj: Token) -> bool:
        """'Suppliers said' / 'Officials said' at a sentence start: a common noun the tagger took for a name."""
        low, lemma = subj.lower_, subj.lemma_.lower()
        if low in PERSON_ROLE_NOUNS or lemma in PERSON_ROLE_NOUNS:
            return True
        first = next((t for t in subj.sent if t.is_alpha), None)
        compounds = [t for t in subj.lefts if t.dep_ == "compound"]
        mention = self.ix.mention_at(subj.idx)
        return (
            first is not None
            and first.i == subj.i
            and not compounds
            and low.endswith("s")
            and (mention is None or self.ix.kind_of(mention) == "COMMON")
        )

    def unlinked_name(self, subj: Token) -> Speaker:
        """A proper-noun subject NER did not link: keep it as written."""
        parts = [t for t in subj.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [subj]
        while len(parts) > 1 and parts[0].lower_ in _TITLE_WORDS:
            parts = parts[1:]
        text = " ".join(t.text for t in parts)
        person = self.ix.surnames.get(subj.lower_)
        if person is not None:
            return Speaker(person, text, "PERSON")
        kind = "PERSON" if len(parts) >= 2 and all(t.is_title for t in parts) else "ORG"
        return Speaker(None, text, kind)

    def document(self, subj: Token, text: str, lemma: str) -> Speaker:
        author = self._author(subj)
        if author is None and any(c.lower_ in ("the", "this") for c in subj.children if c.dep_ == "det"):
            earlier = self._recent(lambda s: s.kind == "DOCUMENT" and s.noun == lemma, sentences=12)
            if earlier is not None:
                return Speaker(earlier.entity_id, text, "DOCUMENT", noun=lemma)
        return Speaker(author, text, "DOCUMENT", noun=lemma)

    def _author(self, subj: Token) -> str | None:
        for tok in subj.subtree:
            if tok.i == subj.i:
                continue
            is_author = tok.dep_ == "poss" or (tok.dep_ == "pobj" and tok.head.lower_ in ("by", "from", "of", "in"))
            if not is_author:
                continue
            for t in [tok, *tok.subtree]:
                m = self.ix.mention_at(t.idx)
                if m is not None and self.ix.kind_of(m) in ("ORG", "PERSON", "GPE"):
                    return m["entity_id"]
        return None

    def institution(self, subj: Token, text: str, lemma: str, indefinite: bool, det: str) -> Speaker:
        plural = subj.lower_ != lemma and subj.lower_.endswith("s")  # "police" is not plural, "groups" is
        unnamed = indefinite or plural
        if unnamed:
            return Speaker(None, text, "UNNAMED", noun=lemma, plural=True)
        for tok in subj.subtree:
            m = self.ix.mention_at(tok.idx)
            if m is None:
                continue
            kind = self.ix.kind_of(m)
            if kind == "ORG" or (kind == "GPE" and tok.dep_ == "poss"):
                return Speaker(m["entity_id"], text, "ORG", noun=lemma)
        if det in ("the", "this", ""):
            earlier = self._fitting_org(subj, lemma)
            if earlier is not None:
                return Speaker(earlier["entity_id"], text, "ORG", noun=lemma)
        if not det:
            return Speaker(None, text, "UNNAMED", noun=lemma, plural=True)  # "police said", "local media reported"
        return Speaker(None, text, "ORG", noun=lemma)

    def _fitting_org(self, subj: Token, lemma: str) -> dict | None:
        """'the bank' -> the nearest earlier ORG whose name or description (within its sentence) has 'bank'."""
        before = [m for m in self._mentions_before(subj.idx, sentences=8) if self.ix.kind_of(m) == "ORG"]
        for m in reversed(before):
            if lemma in (self.ix.names.get(m["entity_id"]) or m["surface"]).lower() or self._described(m, lemma):
                return m
        if lemma in ("company", "firm", "group", "organisation", "organization", "charity", "regulator", "agency"):
            recent = [m for m in self._mentions_before(subj.idx, sentences=3) if self.ix.kind_of(m) == "ORG"]
            return recent[-1] if recent else None
        return None

    def _described(self, m: Mapping, noun: str) -> bool:
        text = self.ix.text
        window = text[max(0, m["start_char"] - _CONTEXT_CHARS) : m["end_char"] + _CONTEXT_CHARS].lower()
        role = (m.get("role") or "").lower()
        return re.search(rf"\b{re.escape(noun)}\b", window) is not None or noun in role

    def definite_person(self, subj: Token, text: str, lemma: str, att: Attribution) -> Speaker:
        """'the spokesman', 'the official', 'the minister': the nearest earlier speaker or person it fits. The
        description stays the speaker text; the entity says whom it refers to."""
        earlier = self._recent(lambda s: s.noun == lemma or lemma in s.text.lower().split(), sentences=6)
        persons = [m for m in self._mentions_before(subj.idx, sentences=10) if self.ix.kind_of(m) == "PERSON"]
        fitting = next((m for m in reversed(persons) if self._described(m, lemma)), None)
        prefer_earlier = fitting is None or (
            earlier is not None and earlier.entity_id is None and self._closer_seen(earlier, fitting)
        )
        if earlier is not None and prefer_earlier:
            return Speaker(earlier.entity_id, text, earlier.kind, noun=lemma)
        if fitting is not None:
            return Speaker(fitting["entity_id"], text, "PERSON", noun=lemma)
        if lemma in PERSON_ROLE_NOUNS and lemma not in ("athlete", "player", "man", "woman", "person"):
            return Speaker(None, text, "UNNAMED", noun=lemma)
        outer = att.nested_in.speaker.entity_id if att.nested_in and att.nested_in.speaker else None
        candidates = [m for m in reversed(persons) if m["entity_id"] != outer]
        if candidates:
            return Speaker(candidates[0]["entity_id"], text, "PERSON", noun=lemma)
        return Speaker(None, text, "UNNAMED", noun=lemma)

    def _closer_seen(self, seen: Speaker, mention: Mapping) -> bool:
        for item in reversed(self.history):
            if item.speaker is seen:
                return item.char > mention["start_char"]
        return False

    def _mentions_before(self, char: int, sentences: int) -> list[dict]:
        tok = self.ix.token_at(char)
        sent_index = self.ix.sent_of[tok.i] if tok is not None else 0
        first_sent = self.ix.sents[max(0, sent_index - sentences)]
        return self.ix.mentions_between(first_sent.start_char, char)

    def _recent(self, test, sentences: int) -> Speaker | None:
        if not self.history:
            return None
        last_sentence = self.history[-1].sentence
        for item in reversed(self.history):
            if last_sentence - item.sentence > sentences:
                break
            if test(item.speaker):
                return item.speaker
        return None

    def pronoun(self, subj: Token, att: Attribution) -> Speaker:
        low = subj.lower_
        if low in ("he", "she"):
            return self.personal(subj, "m" if low == "he" else "f", att)
        if low == "it":
            earlier = self._recent(lambda s: s.kind in ("ORG", "DOCUMENT"), sentences=3)
            if earlier is not None:
                return Speaker(earlier.entity_id, earlier.text, earlier.kind, noun=earlier.noun)
            orgs = [m for m in self._mentions_before(subj.idx, 3) if self.ix.kind_of(m) in ("ORG", "GPE")]
            if orgs:
                return Speaker(orgs[-1]["entity_id"], orgs[-1]["surface"], "ORG")
            return Speaker(None, subj.text, "UNNAMED")
        earlier = self._recent(lambda s: s.plural or s.kind == "ORG", sentences=3)
        if earlier is not None:
            return Speaker(earlier.entity_id, earlier.text, earlier.kind, noun=earlier.noun, plural=earlier.plural)
        return Speaker(None, subj.text, "UNNAMED", plural=True)

    def personal(self, subj: Token, gender: str, att: Attribution) -> Speaker:
        """he/she: the nearest earlier compatible speaker within three sentences, else the nearest person."""
        compatible = self._compatible(gender)
        outer = att.nested_in.speaker.entity_id if att.nested_in and att.nested_in.speaker else None
        if self.history and att.nested_in is None:
            last = self.history[-1]
            sentence = self.ix.sent_of[subj.i]
            between = [m for m in self.ix.mentions_between(last.char, subj.idx) if self.ix.kind_of(m) == "PERSON"]
            if (
                last.speaker.kind == "UNNAMED"
                and not last.speaker.plural
                and sentence - last.sentence <= 1
                and (last.speaker.noun in PERSON_ROLE_NOUNS)
                and not between
            ):
                return last.speaker  # "A spokesman said ... He declined to confirm ..."
        earlier = self._recent(lambda s: s.kind == "PERSON" and self._speaker_fits(s, gender), sentences=3)
        persons = [
            m
            for m in self._mentions_before(subj.idx, 4)
            if self.ix.kind_of(m) == "PERSON" and compatible(m["entity_id"]) and not self._inside_content(m, att)
        ]
        subjects = [m for m in persons if self._is_subject(m)]
        if earlier is not None and (outer is None or earlier.entity_id != outer):
            last_seen = next(i for i in reversed(self.history) if i.speaker is earlier)
            rival = next(
                (
                    m
                    for m in reversed(subjects)
                    if m["start_char"] > last_seen.char
                    and (earlier.entity_id is None or m["entity_id"] != earlier.entity_id)
                ),
                None,
            )
            if rival is None or self.gender.get(rival["entity_id"]) != gender:
                if earlier.entity_id is None:
                    return Speaker(None, earlier.text, "PERSON")
                return self._as_resolved(earlier.entity_id, gender)
        for pool in (subjects, persons):
            for m in reversed(pool):
                if m["entity_id"] != outer:
                    return self._as_resolved(m["entity_id"], gender)
        unnamed = self._recent(lambda s: s.kind == "UNNAMED" and not s.plural, sentences=2)
        if unnamed is not None:
            return unnamed
        return Speaker(None, subj.text, "UNNAMED")

    def _as_resolved(self, entity_id: str, gender: str) -> Speaker:
        self.gender.setdefault(entity_id, gender)
        return Speaker(entity_id, self.ix.names.get(entity_id) or entity_id, "PERSON")

    def _speaker_fits(self, speaker: Speaker, gender: str) -> bool:
        if speaker.entity_id is not None:
            return self.gender.get(speaker.entity_id, gender) == gender
        first = speaker.text.split()[0].lower() if speaker.text else ""
        known = "f" if first in _FEMALE_NAMES else "m" if first in _MALE_NAMES else gender
        return known == gender

    def _compatible(self, gender: str):
        return lambda eid: self.gender.get(eid, gender) == gender

    def _inside_content(self, m: Mapping, att: Attribution) -> bool:
        return any(s <= m["start_char"] < e for s, e in att.segments)

    def _is_subject(self, m: Mapping) -> bool:
        tok = self.ix.token_at(m["start_char"])
        if tok is None:
            return False
        span = self.doc.char_span(m["start_char"], m["end_char"], alignment_mode="expand")
        return span is not None and any(
            t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "appos" and t.head.dep_ == "nsubj") for t in span
        )
