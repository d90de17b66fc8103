"""Entity mentions linked to one canonical entity each.

Analysts ask "who said what about whom", so "North Korea", "DPRK" and "North Korean" must be one
entity (iso:KP), "Singh" must be the "Sabrina Singh" named earlier, and "Deputy Pentagon Press
Secretary" must be her role, not part of her name. Order of precedence for a mention: user alias,
gazetteer (ruler id or name lookup), surname/partial-name coreference, plain NER with a slug id.

Within one article: a short form defined as "Drug Enforcement Administration (DEA)" is the long form's
entity; a bare surname is the person of that surname whatever label NER gave it ("Volker" as ORG beside
"Kurt Volker"), and when two people share it ("Joe Biden", "Hunter Biden") the one named in this or the
previous sentence, else the most mentioned; spellings of one name ("Zelensky", "Zelenskyy") merge when the
first names agree or only one person has a similar surname (phonetic keys plus Jaro-Winkler, names.py). A
well-known surname with no full name in the article ("Obama said") takes the full name from
transforms/data/people.tsv; months, weekdays and quantifiers are never people.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from transforms.acronyms import find_definitions
from transforms.gazetteers import (
    ANY_CLASS,
    LINKABLE,
    RULER_EXCLUDE,
    Entry,
    Gazetteer,
    known_people,
    load_gazetteer,
)
from transforms.names import normalise_name, same_name_variant, slug_id

TRANSFORM_VERSION = "entities-3"
KINDS = ("PERSON", "ORG", "GPE", "LOC", "NORP")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that make up a title or role written next to a name (matched lower-case, trailing dot ignored).
ROLE_WORDS = _words(
    """
    president vice prime minister deputy secretary general press spokesperson spokesman spokeswoman
    ambassador envoy senator sen representative rep congressman congresswoman governor gov mayor chancellor
    commander chief head director chair chairman chairwoman chairperson ceo cfo coo founder co-founder
    executive officer leader king queen prince princess pope judge justice attorney foreign defence defense
    interior finance economy economic health state home affairs security national adviser advisor lt col
    capt sgt maj gen adm cmdr lieutenant colonel captain sergeant major admiral brigadier marshal field
    speaker commissioner inspector superintendent detective professor prof dr mr mrs ms miss sir dame
    lord lady rev reverend sheikh ayatollah emir crown former acting interim incoming outgoing top senior
    assistant associate principal permanent high coordinator undersecretary under trade energy education
    transport labor labour agriculture environment culture communications treasury intelligence military
    army navy naval air force staff joint chiefs opposition premier elect party mp lawmaker spy first
    country regional managing
    """
)
#: At least one of these must be present for a run of role words to count as a role.
HEAD_WORDS = _words(
    """
    president minister secretary spokesperson spokesman spokeswoman ambassador envoy senator sen
    representative rep congressman congresswoman governor gov mayor chancellor commander chief head director
    chair chairman chairwoman chairperson ceo cfo coo founder co-founder officer leader king queen prince
    princess pope judge justice attorney adviser advisor lt col capt sgt maj gen adm cmdr lieutenant colonel
    captain sergeant admiral brigadier marshal speaker commissioner inspector superintendent detective
    professor prof sheikh ayatollah emir general coordinator undersecretary premier mp lawmaker
    """
)
#: Forms of address that are not a role on their own ("Mr Singh", "Dr Singh").
COURTESY_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady"})
CONNECTORS = frozenset({"of", "for", "and", "-", "'s", "\u2019s"})
DETERMINERS = frozenset({"the", "a", "an"})
#: Entity types whose tokens may sit inside a role ("Pentagon", "NATO", "U.S.", "Russian").
ROLE_ENT_TYPES = frozenset({"ORG", "GPE", "NORP", "LOC"})
#: Labels outside KINDS that NER gives known places and institutions ("Kursk" as PRODUCT, "White House"
#: as FAC): such spans are kept only when the gazetteers know the name.
FIXABLE_LABELS = frozenset({"PRODUCT", "FAC", "EVENT"})
#: "Bank of England", "Supreme Court of India": an institution named after a place is an ORG, not the place.
INSTITUTION_HEADS = _words(
    """
    bank university college ministry department government council court museum church parliament assembly
    police board institute academy embassy consulate office commission agency bureau authority school
    hospital
    """
)
#: Words before a place name that make a longer place name, not a person's first name ("Greater London").
PLACE_PREFIXES = _words(
    """
    greater new north south east west central upper lower old great saint st san santa port fort mount lake
    downtown northern southern eastern western inner outer
    """
)
PLURAL_REGIONS = {"regions": "region", "oblasts": "Oblast", "provinces": "province"}
#: "WASHINGTON —" / "KYIV, Ukraine —" at the start of a line: a dateline naming a place.
DATELINE = re.compile(
    r"(?m)^[ \t]*([A-Z\u00c0-\u00de][A-Z\u00c0-\u00de.'\-]+(?: [A-Z\u00c0-\u00de][A-Z\u00c0-\u00de.'\-]+){0,3})"
    r"(?:,[^\n\u2014\u2013]{1,30})?\s*[\u2014\u2013-]{1,2}\s"  # optional ", Country", then a dash
)
#: Words NER (or a speaker span) takes for a person that never are one: months, weekdays, quantifiers.
NOT_NAMES = _words(
    """
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday today tomorrow
    yesterday all both many most some none several everyone everybody each few any anyone nobody others
    brexit latino latinos latina latinas
    """
)
#: Generational suffixes after a surname.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Party adjectives NER labels NORP ("Democratic presidential candidate"): the party, when no name follows.
PARTY_ADJECTIVES = {"Democratic": "Democratic Party"}
#: A full mention of a same-surname person this close (sentences) before a bare surname decides it.
RECENT_SENTENCES = 1
SLUG_KINDS = {"person": "PERSON", "org": "ORG", "gpe": "GPE", "loc": "LOC", "norp": "NORP"}
MAX_NAME_TOKENS = 8


@dataclass
class LinkedEntities:
    entities: list[dict] = field(default_factory=list)  # one per distinct entity (warehouse table entities)
    mentions: list[dict] = field(default_factory=list)  # in text order (warehouse table mentions)


@dataclass
class _Mention:
    """A mention being resolved: token span, label, entity id and how it was linked."""

    start: int
    end: int
    label: str
    entity_id: str = ""
    method: str = "ner"
    role: str | None = None
    name: str = ""  # display name proposed for a new entity
    candidates: list[tuple[Entry, str]] = field(default_factory=list)  # gazetteer alternatives, best first


# --------------------------------------------------------------------------- tokens and spans


def _word(tok: Token) -> str:
    """Lower-case token text without a trailing abbreviation dot ('Gen.' -> 'gen')."""
    return tok.lower_.rstrip(".") if len(tok.text) > 1 else tok.lower_


def _is_possessive(tok: Token) -> bool:
    return tok.lower_ in ("'s", "\u2019s", "'", "\u2019")


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop leading determiners/punctuation and trailing possessives/punctuation from a token range."""
    while start < end and (doc[start].lower_ in DETERMINERS or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (
        _is_possessive(doc[end - 1])
        or doc[end - 1].is_punct
        or doc[end - 1].is_space
        or doc[end - 1].lower_ in ("of", "and", "for")
    ):
        end -= 1
    return start, end


def _is_junk(span: Span) -> bool:
    """Pure numbers, lower-case words, over-long or multi-line spans are not names."""
    text = span.text
    if len(text) < 2 or not any(ch.isalpha() for ch in text) or len(span) > MAX_NAME_TOKENS or "\n" in text:
        return True
    return not any(tok.text[:1].isupper() for tok in span)  # "soldiers", "the government"


def _sentence_starts(doc: Doc) -> list[int]:
    return [sent.start for sent in doc.sents]


# --------------------------------------------------------------------------- roles


def _is_role_token(tok: Token) -> bool:
    word = _word(tok)
    return word in ROLE_WORDS or (tok.ent_type_ in ROLE_ENT_TYPES and tok.ent_type_ != "PERSON")


def _role_text(doc: Doc, start: int, end: int) -> str | None:
    """Role text for tokens [start, end) when they contain a head word and are not just 'Mr'."""
    start, end = _trim_connectors(doc, start, end)
    if start >= end:
        return None
    words = [_word(tok) for tok in doc[start:end]]
    if not any(w in HEAD_WORDS for w in words) or all(w in COURTESY_TITLES for w in words):
        return None
    return doc[start:end].text


def _trim_connectors(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].lower_ in CONNECTORS | DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in CONNECTORS or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _role_before(doc: Doc, name_start: int, sent_start: int) -> tuple[int, str | None]:
    """Walk left from a name over title words and organisation/place tokens: 'NATO Secretary-General'."""
    i = name_start - 1
    while i >= sent_start and _continues_role(doc, i, sent_start):
        i -= 1
    return i + 1, _role_text(doc, i + 1, name_start)


def _continues_role(doc: Doc, i: int, sent_start: int) -> bool:
    """Token i belongs to a role read right to left: a title word, an organisation token, or a
    hyphen/'of'/possessive joining two such tokens ('Secretary-General', 'Minister of Defence', "NATO's")."""
    tok = doc[i]
    if _is_role_token(tok):
        return True
    if i <= sent_start:
        return False
    prev = doc[i - 1]
    if tok.text == "-":
        return not prev.whitespace_ and _is_role_token(prev)
    if tok.lower_ in ("of", "for"):
        return _word(prev) in ROLE_WORDS
    return _is_possessive(tok) and prev.ent_type_ in ROLE_ENT_TYPES


def _role_after(doc: Doc, name_end: int, sent_end: int) -> str | None:
    """An appositive role: 'Mark Rutte, NATO's secretary-general, said'."""
    if name_end >= sent_end or doc[name_end].text != ",":
        return None
    j = name_end + 1
    while j < sent_end and doc[j].lower_ in DETERMINERS:
        j += 1
    start = j
    while (
        j < sent_end
        and j - start < 10
        and (_is_role_token(doc[j]) or doc[j].lower_ in CONNECTORS or doc[j].text == "-")
    ):
        j += 1
    if j < sent_end and doc[j].text not in (",", ".", ";", ":", ")", "\u2014"):
        return None
    return _role_text(doc, start, j)


# --------------------------------------------------------------------------- the linker


class _Linker:
    """Resolves the mentions of one Doc; one instance per call keeps the steps small."""

    def __init__(self, doc: Doc, aliases: Mapping[str, str] | None) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text rebuilds the string from the tokens on every access
        self.aliases = aliases or {}
        self.gaz: Gazetteer = load_gazetteer()
        self.sent_starts = _sentence_starts(doc)
        self.mentions: list[_Mention] = []
        self._name_words: dict[str, list[str]] = {}

    # -- sentences
    def sentence_bounds(self, token_index: int) -> tuple[int, int, int]:
        """(sentence index, first token, end token) of the sentence holding a token."""
        index = bisect.bisect_right(self.sent_starts, token_index) - 1
        end = self.sent_starts[index + 1] if index + 1 < len(self.sent_starts) else len(self.doc)
        return index, self.sent_starts[index], end

    # -- step 1: candidate mentions from doc.ents
    def collect(self) -> None:
        for ent in self.doc.ents:
            mention = self._from_ent(ent)
            if mention is not None:
                self.mentions.append(mention)

    def _from_ent(self, ent: Span) -> _Mention | None:
        start, end = _trim(self.doc, ent.start, ent.end)
        if start >= end or _is_junk(self.doc[start:end]):
            return None
        mention = _Mention(start, end, ent.label_)
        if ent.label_ not in KINDS and ent.label_ not in FIXABLE_LABELS:
            return None
        if ent.ent_id_:
            return self._gazetteer_mention(mention, ent.ent_id_)
        if ent.label_ == "PERSON":
            return self._person_mention(mention)
        return self._ner_mention(mention)

    def _gazetteer_mention(self, mention: _Mention, entity_id: str) -> _Mention:
        text = self.doc[mention.start : mention.end].text
        mention.entity_id, mention.method = entity_id, "gazetteer"
        entry = self.gaz.entries[entity_id]
        mention.candidates = [c for c in self.gaz.candidates(text, (entry.group,)) if c[1] == mention.label]
        return mention

    def _person_mention(self, mention: _Mention) -> _Mention | None:
        """Strip leading titles from the name, keep them (and any title just before) as the role."""
        doc = self.doc
        while mention.start < mention.end and (_is_role_token(doc[mention.start]) or doc[mention.start].text == "-"):
            mention.start += 1
        if mention.start >= mention.end or any(ch.isdigit() for ch in doc[mention.start : mention.end].text):
            return None
        mention.name = doc[mention.start : mention.end].text
        return self._longer_organisation(mention) or mention

    def _longer_organisation(self, mention: _Mention) -> _Mention | None:
        """'York Times' cut from 'The New York Times': a PERSON span that, with the capitalised words just
        before it, is an organisation the gazetteers know."""
        for start in range(mention.start - 1, max(mention.start - 3, -1), -1):
            if not self.doc[start].is_title or self.doc[start].ent_type_:
                break
            found = self.gaz.candidates(self.doc[start : mention.end].text, ("org",))
            if found:
                entry, label = found[0]
                return _Mention(start, mention.end, label, entry.entity_id, "gazetteer", candidates=found)
        return None

    def _ner_mention(self, mention: _Mention) -> _Mention | None:
        span = self.doc[mention.start : mention.end]
        if all(_word(tok) in ROLE_WORDS or tok.is_punct for tok in span):
            return None  # "Press Secretary" tagged ORG
        if len(span) == 1 and span[0].is_sent_start and span[0].pos_ not in ("PROPN", "X") and mention.label != "NORP":
            return None  # a capitalised common word opening a sentence or headline ("Millions vote")
        found = self.gaz.candidates(span.text, LINKABLE.get(mention.label, ANY_CLASS))
        if span.text in PARTY_ADJECTIVES and not (span.end < len(self.doc) and self.doc[span.end].is_title):
            found = self.gaz.candidates(PARTY_ADJECTIVES[span.text], ("org",))
        if found:
            entry, label = found[0]
            mention.entity_id, mention.method, mention.candidates = entry.entity_id, "gazetteer", found
            if mention.label not in KINDS:
                mention.label = label
            return mention
        if mention.label not in KINDS:
            return None
        mention.name = span.text
        mention.entity_id = slug_id(mention.label, span.text)
        return mention

    def _covered(self) -> dict[int, _Mention]:
        return {i: m for m in self.mentions for i in range(m.start, m.end)}

    def _replace(self, new: _Mention) -> None:
        """Put a mention in, dropping the ones it overlaps."""
        self.mentions = [m for m in self.mentions if m.end <= new.start or m.start >= new.end] + [new]

    # -- step 1b: datelines NER misses because they are upper case ("BRUSSELS —")
    def add_datelines(self) -> None:
        for match in DATELINE.finditer(self.text):
            span = self.doc.char_span(match.start(1), match.end(1), alignment_mode="contract")
            if span is None:
                continue
            covered = self._covered()
            if any(covered[i].method == "gazetteer" for i in range(span.start, span.end) if i in covered):
                continue
            found = self.gaz.candidates(span.text, ("place", "country"))
            if found:
                entry, label = found[0]
                self._replace(_Mention(span.start, span.end, label, entry.entity_id, "gazetteer", candidates=found))

    # -- step 1c: "Bank of England" is an organisation, not England
    def add_institutions(self) -> None:
        for mention in list(self.mentions):
            start = self._institution_start(mention)
            if start is None:
                continue
            text = self.doc[start : mention.end].text
            known = self.gaz.candidates(text, ("org",))
            entity_id = known[0][0].entity_id if known else slug_id("ORG", text)
            method = "gazetteer" if known else "ner"
            self._replace(_Mention(start, mention.end, "ORG", entity_id, method, name=text))

    def _institution_start(self, mention: _Mention) -> int | None:
        doc, i = self.doc, mention.start - 2
        if mention.method != "gazetteer" or i < 0 or doc[i + 1].lower_ != "of":
            return None
        if not (doc[i].is_title and doc[i].lower_ in INSTITUTION_HEADS):
            return None
        while i > 0 and doc[i - 1].is_title and doc[i - 1].lower_ not in DETERMINERS and not doc[i - 1].is_sent_start:
            i -= 1
        return i

    # -- step 1d: "Finance Minister Selin Aydın": a city name right after a first name is a surname
    def add_city_surnames(self) -> None:
        covered = self._covered()
        for mention in list(self.mentions):
            if mention.method != "gazetteer" or mention.end - mention.start != 1 or mention.start == 0:
                continue
            first = self.doc[mention.start - 1]
            if self.gaz.entries[mention.entity_id].population <= 0 or first.i in covered:
                continue
            if not (first.is_title and first.pos_ == "PROPN") or first.is_sent_start:
                continue
            if first.lower_ in PLACE_PREFIXES or _is_role_token(first):
                continue
            name = self.doc[first.i : mention.end].text
            self._replace(_Mention(first.i, mention.end, "PERSON", name=name))

    # -- step 2: user aliases override everything
    def apply_aliases(self) -> None:
        if not self.aliases:
            return
        for mention in self.mentions:
            key = normalise_name(self.doc[mention.start : mention.end].text)
            if key in self.aliases:
                mention.entity_id, mention.method, mention.candidates = self.aliases[key], "alias", []
        self.mentions.extend(self._alias_matches())

    def _alias_matches(self) -> list[_Mention]:
        """Alias surfaces that NER did not tag, longest match first, capitalised starts only."""
        first_words = {key.split(" ", 1)[0] for key in self.aliases if key}
        longest = max((key.count(" ") + 1 for key in self.aliases), default=0)
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        found, i, doc = [], 0, self.doc
        while i < len(doc):
            tok = doc[i]
            if i in covered or not (tok.text[:1].isupper() or tok.text[:1].isdigit()):
                i += 1
                continue
            if normalise_name(tok.text) not in first_words:
                i += 1
                continue
            match = self._longest_alias(i, longest, covered)
            if match is None:
                i += 1
                continue
            found.append(match)
            i = match.end
        return found

    def _longest_alias(self, i: int, longest: int, covered: set[int]) -> _Mention | None:
        for n in range(min(longest, len(self.doc) - i), 0, -1):
            if any(k in covered for k in range(i, i + n)):
                continue
            start, end = _trim(self.doc, i, i + n)
            if start != i or end != i + n:
                continue
            key = normalise_name(self.doc[i : i + n].text)
            if key in self.aliases:
                entity_id = self.aliases[key]
                label = self._kind_of(entity_id, "ORG")
                return _Mention(i, i + n, label, entity_id, "alias")
        return None

    # -- step 3: titles become roles
    def attach_roles(self) -> None:
        role_tokens: set[int] = set()
        for mention in self.mentions:
            if mention.label != "PERSON":
                continue
            _, sent_start, sent_end = self.sentence_bounds(mention.start)
            role_start, mention.role = _role_before(self.doc, mention.start, sent_start)
            if not mention.role and mention.start - 1 > sent_start and self.doc[mention.start - 1].text == ",":
                # "Scotland's first minister, Alan Reid, said": the role ends at the comma before the name.
                role_start, mention.role = _role_before(self.doc, mention.start - 1, sent_start)
            if mention.role:
                role_tokens.update(range(role_start, mention.start))
            else:
                mention.role = _role_after(self.doc, mention.end, sent_end)
        # NER spans made of a role's words ("Pentagon Press" as ORG) are not mentions of their own.
        self.mentions = [m for m in self.mentions if not self._is_role_fragment(m, role_tokens)]

    def _is_role_fragment(self, mention: _Mention, role_tokens: set[int]) -> bool:
        if mention.method != "ner" or not set(range(mention.start, mention.end)) <= role_tokens:
            return False
        return any(_word(tok) in ROLE_WORDS for tok in self.doc[mention.start : mention.end])

    # -- step 3b: "Drug Enforcement Administration (DEA)": the short form is the long form's entity
    def link_acronyms(self) -> None:
        for definition in find_definitions(self.text):
            long = self.doc.char_span(definition.long_start, definition.long_end, alignment_mode="expand")
            if long is None:
                continue
            start, end = _trim(self.doc, long.start, long.end)
            if start >= end:
                continue
            owner = self._long_form_mention(start, end)
            if owner is None:
                continue
            for tok in self.doc:
                if tok.text == definition.short and tok.i >= end:
                    self._link_short_form(tok.i, owner)

    def _long_form_mention(self, start: int, end: int) -> _Mention | None:
        """The mention the long form is: an existing one ending where it ends, the gazetteer's entity for
        the whole long form, or a new organisation."""
        text = self.doc[start:end].text
        existing = [m for m in self.mentions if m.end == end and m.start >= start and m.label != "PERSON"]
        known = self.gaz.candidates(text, ("org",))
        if existing and existing[0].start == start and not known:
            return existing[0]
        if any(m.start < end and m.end > start and m.label == "PERSON" for m in self.mentions):
            return None
        if known:
            new = _Mention(start, end, known[0][1], known[0][0].entity_id, "gazetteer", name=text)
        else:
            new = _Mention(start, end, "ORG", slug_id("ORG", text), "ner", name=text)
        self._replace(new)
        return new

    def _link_short_form(self, i: int, owner: _Mention) -> None:
        for mention in self.mentions:
            if mention.start <= i < mention.end:
                if mention.end - mention.start == 1 and mention.method != "alias":
                    mention.entity_id, mention.label, mention.method = owner.entity_id, owner.label, "coref"
                    mention.name, mention.candidates = owner.name, []
                return
        self.mentions.append(_Mention(i, i + 1, owner.label, owner.entity_id, "coref", name=owner.name))

    # -- step 4: people named by surname or part of their name
    def resolve_people(self) -> None:
        people = [m for m in self.mentions if m.label == "PERSON" and m.method == "ner"]
        for mention in people:
            mention.entity_id = slug_id("PERSON", mention.name)
        full = [m for m in self.mentions if m.label == "PERSON" and self._is_anchor(m)]
        self._merge_spelling_variants(full)
        surnames = {self._words(m.name)[-1] for m in full}
        surnames = {name for name in surnames if len(name) > 1}
        self._relabel_surnames(surnames)
        self.mentions.extend(self._unlabelled_surnames(surnames))
        for mention in sorted(self.mentions, key=lambda m: m.start):
            if mention.label == "PERSON" and mention.method in ("ner", "coref"):
                self._corefer(mention, full)
        self._resolve_known_people(surnames)
        # A month, a weekday or "all" left on its own is not a person (NER and speaker spans take them for one).
        self.mentions = [m for m in self.mentions if not self._not_a_person(m)]

    def _resolve_known_people(self, surnames: set[str]) -> None:
        """'Obama said' with no full name of an Obama in the article: the well-known person of that surname
        (transforms/data/people.tsv), unless a courtesy title of the other gender stands before it."""
        people = known_people()
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        for mention in self.mentions:
            if mention.end - mention.start != 1 or mention.method != "ner" or mention.label == "NORP":
                continue
            self._known_person(mention, people, surnames)
        for tok in self.doc:
            key = normalise_name(tok.text)
            if key not in people or key in surnames or tok.i in covered or not tok.is_title:
                continue
            if not self._inside_proper_name(tok) and not self._is_title_word(tok):
                mention = _Mention(tok.i, tok.i + 1, "PERSON", method="ner", name=tok.text)
                if self._known_person(mention, people, surnames):
                    self.mentions.append(mention)

    def _known_person(self, mention: _Mention, people: Mapping, surnames: set[str]) -> bool:
        key = normalise_name(self.doc[mention.start].text)
        person = people.get(key)
        if person is None or key in surnames or self.doc[mention.end - 1 : mention.end + 1].text.endswith("-"):
            return False
        before = _word(self.doc[mention.start - 1]) if mention.start > 0 else ""
        if (person.gender == "m" and before in ("mrs", "ms", "miss")) or (person.gender == "f" and before == "mr"):
            return False
        mention.label, mention.method, mention.candidates = "PERSON", "gazetteer", []
        mention.entity_id, mention.name = slug_id("PERSON", person.name), person.name
        return True

    def _not_a_person(self, mention: _Mention) -> bool:
        return mention.label == "PERSON" and mention.method == "ner" and normalise_name(mention.name) in NOT_NAMES

    def _merge_spelling_variants(self, full: list[_Mention]) -> None:
        """'Volodymyr Zelensky' and 'Volodymyr Zelenskyy' in one article: one person, under the most used
        spelling. Every word must be the same name (phonetic key and Jaro-Winkler), so 'Joe Biden' and
        'Hunter Biden' stay apart."""
        by_id: dict[str, list[_Mention]] = {}
        for mention in full:
            if mention.method != "alias":
                by_id.setdefault(mention.entity_id, []).append(mention)
        ids = sorted(by_id, key=lambda eid: (-len(by_id[eid]), by_id[eid][0].start))
        target: dict[str, str] = {}
        for i, eid in enumerate(ids):
            if eid in target:
                continue
            words = self._words(by_id[eid][0].name)
            for other in ids[i + 1 :]:
                other_words = self._words(by_id[other][0].name)
                if other not in target and _same_full_name(words, other_words):
                    target[other] = eid
        for mention in full:
            if mention.entity_id in target:
                mention.entity_id = target[mention.entity_id]
                mention.name = by_id[mention.entity_id][0].name

    def _is_anchor(self, mention: _Mention) -> bool:
        """A full name other mentions may resolve to: two or more proper-noun words, not read off a
        Title-Case headline, where NER tags phrases like "Porting Mercurial" as people."""
        span = self.doc[mention.start : mention.end]
        if len(self._words(mention.name)) < 2 or self._in_title_case_line(mention.start, mention.end):
            return False
        if mention.method == "alias":
            return True
        # The tagger reads some surnames as nouns ("O'Malley"): capitalised nouns after a proper noun count.
        return span[0].pos_ == "PROPN" and all(
            tok.pos_ == "PROPN" or tok.is_punct or (tok.pos_ == "NOUN" and tok.text[:1].isupper()) for tok in span[1:]
        )

    def _in_title_case_line(self, token_index: int, token_end: int | None = None) -> bool:
        """The token's line reads like a Title-Case heading (sentences can run across headline lines).
        Other names on the line do not count: a dateline and a lead naming several people is not a heading."""
        text, char = self.text, self.doc[token_index].idx
        line = self.doc.char_span(text.rfind("\n", 0, char) + 1, _line_end(text, char), alignment_mode="expand")
        own = range(token_index, token_end or token_index + 1)
        # Title Case capitalises every word of four letters or more ("With", "About"), prose does not.
        words = [tok for tok in line or () if tok.is_alpha and len(tok) >= 4 and (not tok.ent_type_ or tok.i in own)]
        return len(words) >= 3 and sum(tok.is_title or tok.is_upper for tok in words) >= 0.8 * len(words)

    def _relabel_surnames(self, surnames: set[str]) -> None:
        """A lone surname NER labelled ORG, GPE... ('Volker' beside 'Kurt Volker') is the person, whatever
        the label, unless the gazetteers know it as a country or an organisation. Spelling variants count."""
        for mention in self.mentions:
            single = mention.end - mention.start == 1
            if mention.label == "PERSON" or not single or not self._may_be_surname(mention):
                continue
            if self._surname_match(normalise_name(self.doc[mention.start].text), surnames):
                mention.label, mention.method, mention.candidates = "PERSON", "coref", []
                mention.name = self.doc[mention.start].text

    def _surname_match(self, word: str, surnames: set[str]) -> bool:
        return word in surnames or (
            len(word) > 3 and sum(same_name_variant(word, name) for name in surnames if name[:1] == word[:1]) == 1
        )

    def _may_be_surname(self, mention: _Mention) -> bool:
        """NER guesses and city names may be a person's surname; countries and organisations are not."""
        if mention.method == "ner":
            return True
        entry = self.gaz.entries.get(mention.entity_id)
        return mention.method == "gazetteer" and entry is not None and entry.population > 0

    def _unlabelled_surnames(self, surnames: set[str]) -> list[_Mention]:
        """Capitalised surname tokens NER missed ('Singh said'), not part of a longer proper name."""
        if not surnames:
            return []
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        found = []
        for tok in self.doc:
            if tok.i in covered or not tok.is_title or self._is_title_word(tok):
                continue
            if not self._surname_match(normalise_name(tok.text), surnames) or self._inside_proper_name(tok):
                continue
            found.append(_Mention(tok.i, tok.i + 1, "PERSON", method="coref", name=tok.text))
        return found

    def _is_title_word(self, tok: Token) -> bool:
        """A title or organisation token rather than a surname: 'King Charles', 'the King said'; a surname
        that is also a title word ('Pete King ... King said') counts when no name or 'the' comes next to it."""
        if not _is_role_token(tok):
            return False
        if tok.ent_type_ or _word(tok) not in ROLE_WORDS:
            return True
        return tok.i > 0 and self.doc[tok.i - 1].lower_ in DETERMINERS

    def _inside_proper_name(self, tok: Token) -> bool:
        doc = self.doc
        before = tok.i > 0 and doc[tok.i - 1].is_title and not doc[tok.i - 1].is_sent_start
        before = before and not _is_role_token(doc[tok.i - 1])
        after = tok.i + 1 < len(doc) and doc[tok.i + 1].is_title and doc[tok.i + 1].pos_ == "PROPN"
        return bool(before or after)

    def _words(self, name: str) -> list[str]:
        """Normalised words of a name, memoised per article (names repeat)."""
        if name not in self._name_words:
            words = normalise_name(name).split()
            while len(words) > 2 and words[-1] in NAME_SUFFIXES:  # "Brent Bozell III": the surname is Bozell
                words = words[:-1]
            self._name_words[name] = words
        return self._name_words[name]

    def _corefer(self, mention: _Mention, full: list[_Mention]) -> None:
        """Link a partial name to the full name containing it; between two people of one surname, to the
        one named in this or the previous sentence, else to the most mentioned one (then the latest)."""
        words = self._words(mention.name)
        if not words:
            return
        matches = [f for f in full if f is not mention and _is_part(words, self._words(f.name))]
        by_surname = [f for f in matches if words[-1] == self._words(f.name)[-1]]
        matches = by_surname or matches
        if not matches and len(words) == 1 and len(words[0]) > 3:
            # A spelling variant of one person's surname ('Zelenskiy' after 'Volodymyr Zelensky').
            variant = [f for f in full if f is not mention and same_name_variant(words[0], self._words(f.name)[-1])]
            if len({f.entity_id for f in variant}) == 1:
                matches = variant
        targets = {f.entity_id for f in matches}
        if len(targets) > 1:
            targets = self._most_salient(mention, matches)
        if len(targets) == 1:
            target = next(iter(targets))
            mention.entity_id, mention.method = target, "coref"
            mention.name = next(f.name for f in matches if f.entity_id == target)
        elif mention.method == "coref":
            mention.method, mention.entity_id = "ner", slug_id("PERSON", mention.name)

    def _most_salient(self, mention: _Mention, matches: list[_Mention]) -> set[str]:
        """Of several people a bare name may denote: the one fully named just before it, else the one
        mentioned most so far (full or partial), else the latest one named before it; before any of them
        is named (a headline), the one named first after it."""
        earlier = [f for f in matches if f.start < mention.start]
        if not earlier:  # a headline or lead before the full names: the person named next
            return {min(matches, key=lambda f: f.start).entity_id}
        sentence = self.sentence_bounds(mention.start)[0]
        latest = max(earlier, key=lambda f: f.start)
        if sentence - self.sentence_bounds(latest.start)[0] <= RECENT_SENTENCES:
            return {latest.entity_id}
        candidates = {f.entity_id for f in earlier}
        counts = {
            eid: sum(1 for m in self.mentions if m.entity_id == eid and m.start < mention.start) for eid in candidates
        }
        last_seen = {eid: max(f.start for f in earlier if f.entity_id == eid) for eid in candidates}
        return {max(candidates, key=lambda eid: (counts[eid], last_seen[eid]))}

    # -- step 5: ambiguous gazetteer names decided by the article's other places
    def disambiguate_places(self) -> None:
        context = {
            self.gaz.entries[m.entity_id].country_code
            for m in self.mentions
            if m.method == "gazetteer" and len(m.candidates) <= 1 and m.entity_id in self.gaz.entries
        }
        context.discard(None)
        for mention in self.mentions:
            if mention.method != "gazetteer" or len(mention.candidates) < 2:
                continue
            surface = self.doc[mention.start : mention.end].text
            pool = mention.candidates
            if surface not in RULER_EXCLUDE:
                pool = [c for c in pool if c[0].group == mention.candidates[0][0].group]
            top = pool[0][0].population
            # A town of a country the article mentions beats the default only when it is not tiny
            # next to it: "Valencia" (ES) with Spain in the text, but not Vienna, Virginia for Vienna.
            preferred = [
                c
                for c in pool
                if c[0].country_code in context and (not top or not c[0].population or c[0].population * 10 >= top)
            ]
            if preferred and pool[0][0].country_code not in context:
                mention.entity_id = preferred[0][0].entity_id

    # -- step 6: "Gaza" after "Gaza Strip", "Belgorod and Kursk regions": the region, not the city
    def resolve_place_parts(self) -> None:
        places = [m for m in self.mentions if m.method == "gazetteer" and m.label in ("GPE", "LOC")]
        for mention in places:
            region = self._plural_region(mention) or self._longer_place(mention, places)
            if region is not None:
                mention.entity_id, mention.candidates = region, []

    def _plural_region(self, mention: _Mention) -> str | None:
        """The region named by 'X regions' or 'X and Y regions'."""
        doc, j = self.doc, mention.end
        if j + 1 < len(doc) and doc[j].lower_ in ("and", ","):
            j = next((m.end for m in self.mentions if m.start == j + 1 and m.method == "gazetteer"), j)
        if j >= len(doc) or doc[j].lower_ not in PLURAL_REGIONS:
            return None
        text = f"{doc[mention.start : mention.end].text} {PLURAL_REGIONS[doc[j].lower_]}"
        found = self.gaz.candidates(text, ("place",))
        return found[0][0].entity_id if found else None

    def _longer_place(self, mention: _Mention, places: list[_Mention]) -> str | None:
        """A longer place name in the article that starts with this one ('Gaza Strip' for 'Gaza')."""
        surface = self.doc[mention.start : mention.end].text + " "
        for other in places:
            other_entry = self.gaz.entries.get(other.entity_id)
            if other is mention or other_entry is None or other_entry.population > 0:
                continue
            if self.doc[other.start : other.end].text.startswith(surface):
                return other.entity_id
        return None

    # -- output
    def _kind_of(self, entity_id: str, fallback: str) -> str:
        """Kind of an entity id: gazetteer entry, slug prefix, else the mention's label."""
        if entity_id in self.gaz.entries:
            return self.gaz.entries[entity_id].kind
        prefix = entity_id.split(":", 1)[0]
        if prefix in SLUG_KINDS:
            return SLUG_KINDS[prefix]
        if prefix in ("iso", "gn"):
            return fallback if fallback in ("GPE", "LOC") else "GPE"
        return fallback if fallback in KINDS else "ORG"

    def _entity_record(self, mention: _Mention) -> dict:
        if mention.entity_id in self.gaz.entries:
            return self.gaz.entries[mention.entity_id].record()
        kind = self._kind_of(mention.entity_id, mention.label)
        # An alias surface ("Rocket Man") is not a display name: use the entity's other names.
        name = self._name_from_id(mention.entity_id) if mention.method == "alias" else mention.name
        return {
            "entity_id": mention.entity_id,
            "kind": kind,
            "name": name,
            "country_code": None,
            "geonames_id": None,
            "wikidata_id": None,
        }

    def _name_from_id(self, entity_id: str) -> str:
        named = [m.name for m in self.mentions if m.entity_id == entity_id and m.name and m.method != "alias"]
        if named:
            return max(named, key=len)
        return entity_id.split(":", 1)[-1].replace("-", " ").title()

    def result(self, article_id: str) -> LinkedEntities:
        out = LinkedEntities()
        seen: set[str] = set()
        for mention in sorted(self.mentions, key=lambda m: m.start):
            if not mention.entity_id:
                continue
            if mention.entity_id not in seen:
                seen.add(mention.entity_id)
                out.entities.append(self._entity_record(mention))
            span = self.doc[mention.start : mention.end]
            out.mentions.append(
                {
                    "article_id": article_id,
                    "entity_id": mention.entity_id,
                    "surface": span.text,
                    "start_char": span.start_char,
                    "end_char": span.end_char,
                    "sentence_index": self.sentence_bounds(mention.start)[0],
                    "role": mention.role,
                    "label": mention.label,
                    "method": mention.method,
                }
            )
        return out


def _line_end(text: str, char: int) -> int:
    end = text.find("\n", char)
    return len(text) if end < 0 else end


def _same_full_name(a: list[str], b: list[str]) -> bool:
    """Two full names of one person spelt differently: as many words, each the same or a variant of it."""
    if len(a) != len(b) and a[0] == b[0] and a[-1] == b[-1]:  # "Lindsey O. Graham", "Lindsey Graham"
        a, b = [w for w in a if len(w) > 1], [w for w in b if len(w) > 1]
    if len(a) != len(b) or len(a) < 2:
        return False
    return all(x == y or same_name_variant(x, y) for x, y in zip(a, b, strict=True))


def _is_part(words: list[str], full: list[str]) -> bool:
    """True when words are a shorter contiguous run inside full ('singh' in 'sabrina singh')."""
    n = len(words)
    if not words or n >= len(full):
        return False
    return any(full[i : i + n] == words for i in range(len(full) - n + 1))


def link_entities(doc: Doc, article_id: str, aliases: Mapping[str, str] | None = None) -> LinkedEntities:
    """Link every PERSON/ORG/GPE/LOC/NORP mention of a parsed Doc to one canonical entity.

    aliases maps normalise_name(alias) -> entity_id (the warehouse's user alias table) and wins over
    everything else. Offsets are character offsets into the text the Doc was made from.
    """
    linker = _Linker(doc, aliases)
    linker.collect()
    linker.add_datelines()
    linker.add_institutions()
    linker.add_city_surnames()
    linker.apply_aliases()
    linker.attach_roles()
    linker.link_acronyms()
    linker.resolve_people()
    linker.disambiguate_places()
    linker.resolve_place_parts()
    return linker.result(article_id)
